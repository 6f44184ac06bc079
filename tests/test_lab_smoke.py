"""Smoke test of the JupyterLab harness: widgets render, a click reaches the kernel, nothing leaves 127.0.0.1."""
from __future__ import annotations

import statistics
import time

import pytest

from lab_harness import Lab, cell_output, external_requests, lab, lab_server, markdown  # noqa: F401

SLIDER_CELL = """\
import ipywidgets as widgets
slider = widgets.IntSlider(value=7, min=0, max=10, description="Level")
slider"""

COUNTER_CELL = '''\
import anywidget
import traitlets
from IPython.display import display

class Counter(anywidget.AnyWidget):
    """A button that counts its clicks in a synced traitlet."""
    _esm = """
    export default {
      render({ model, el }) {
        const button = document.createElement("button");
        button.className = "wb-counter";
        const show = () => { button.textContent = `count is ${model.get("count")}`; };
        button.addEventListener("click", () => {
          model.set("count", model.get("count") + 1);
          model.save_changes();
        });
        model.on("change:count", show);
        show();
        el.appendChild(button);
      }
    };
    """
    count = traitlets.Int(0).tag(sync=True)

counter = Counter()
echo = widgets.HTML(value="kernel sees count=0")  # written only by the kernel-side observer
echo.add_class("wb-echo")
counter.observe(lambda change: setattr(echo, "value", f"kernel sees count={change['new']}"), names="count")
display(counter, echo)'''

PRINT_CELL = 'print("smoke-ok", 6 * 7)'

# In the page: click the button, then time until the kernel's echo shows the expected count.
TIMED_CLICK = """
async ([expected, timeoutMs]) => {
  const button = document.querySelector('button.wb-counter');
  const echo = document.querySelector('.wb-echo');
  const want = `kernel sees count=${expected}`;
  const seen = () => echo.textContent.includes(want);
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`no "${want}" after ${timeoutMs} ms; echo says "${echo.textContent}"`)); }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (seen()) { clearTimeout(timer); observer.disconnect(); resolve(performance.now() - start); }
    });
    observer.observe(echo, {subtree: true, childList: true, characterData: true});
    const start = performance.now();
    button.click();
  });
}
"""


def test_external_requests_filter() -> None:
    """The network check flags foreign hosts and lets local and in-page URLs through."""
    urls = ["http://127.0.0.1:8888/lab", "ws://localhost:1/api/kernels/x", "data:text/plain,hi",
            "blob:http://127.0.0.1:8888/2b7c", "https://cdn.jsdelivr.net/npm/x.js", "blob:https://evil.example/1"]
    assert external_requests(urls) == ["https://cdn.jsdelivr.net/npm/x.js", "blob:https://evil.example/1"]


@pytest.mark.browser
def test_widgets_render_and_clicks_reach_the_kernel(lab: Lab) -> None:
    started = time.monotonic()
    notebook = lab.server.write_notebook("smoke.ipynb", [
        markdown("# Harness smoke test"), SLIDER_CELL, COUNTER_CELL, PRINT_CELL])
    lab.open_notebook(notebook)
    opened = time.monotonic()
    state = lab.run_all()
    ran = time.monotonic()
    assert [c["executionCount"] for c in state["cells"]] == [None, 1, 2, 3]

    # (a) the ipywidgets slider is drawn with its value
    slider = cell_output(lab.page, 1).locator(".widget-slider")
    slider.wait_for(state="visible", timeout=15_000)
    lab.wait_for_text(slider.locator(".widget-readout"), "7")
    # (c) plain printed output
    lab.wait_for_text(cell_output(lab.page, 3), "smoke-ok 42")

    # (b) the anywidget button: a real click, then the kernel's observer answers in the page
    button = cell_output(lab.page, 2).locator("button.wb-counter")
    echo = cell_output(lab.page, 2).locator(".wb-echo")
    lab.wait_for_text(button, "count is 0")
    lab.wait_for_text(echo, "kernel sees count=0")
    click_started = time.perf_counter()
    button.click()
    lab.wait_for_text(echo, "kernel sees count=1", timeout=10)
    first_round_trip_ms = (time.perf_counter() - click_started) * 1000
    # timed in the page itself (click → MutationObserver sees the kernel's text): 5 more rounds
    latencies_ms = [lab.page.evaluate(TIMED_CLICK, [expected, 10_000]) for expected in range(2, 7)]
    lab.wait_for_text(button, "count is 6")
    # the kernel side, read over ZMQ (not through the page)
    assert lab.execute_in_kernel("print(counter.count)").strip() == "6"

    # reload: same kernel, widgets come back from the kernel's state
    lab.reload()
    lab.wait_for_text(cell_output(lab.page, 2).locator("button.wb-counter"), "count is 6", timeout=20)
    lab.wait_for_text(cell_output(lab.page, 1).locator(".widget-readout"), "7")
    lab.wait_for_kernel_idle()  # the restore asks the kernel for its widgets
    shot = lab.screenshot("lab-smoke")

    # nothing left the machine; the recording itself worked (it saw the kernel websocket)
    assert lab.external_requests() == [], lab.external_requests()
    assert any("/api/kernels/" in url for url in lab.websockets), lab.websockets
    assert len(lab.requests) > 20
    assert lab.page_errors == [], lab.page_errors
    assert lab.console_errors == [], lab.console_errors

    done = time.monotonic()
    print(f"\n[lab-smoke] open {opened - started:.1f} s, run-all {ran - opened:.1f} s, "
          f"total {done - started:.1f} s; {len(lab.requests)} requests, all local; screenshot {shot}")
    print(f"[lab-smoke] click→kernel→page round trip: first (Playwright click) {first_round_trip_ms:.0f} ms; "
          f"in-page {', '.join(f'{ms:.0f}' for ms in latencies_ms)} ms "
          f"(median {statistics.median(latencies_ms):.0f} ms)")
