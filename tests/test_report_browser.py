"""The demo report in real Chromium: offline, self-contained, entities highlighted."""
import unicodedata

import pytest
from click.testing import CliRunner

from conftest import artifact
from workbench.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "report.html"


def test_report_opens_offline_and_shows_highlighted_seed(page, demo_report):
    url = demo_report.as_uri()
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.requests == [url]  # zero external requests: only the file itself
    assert page.locator("h3", has_text="Putin – Lukashenko talks in Minsk").count() == 1
    marks = page.locator("mark.wb-ent")
    assert marks.count() > 30
    labels = {m.get_attribute("data-label") for m in marks.all()}
    assert {"PERSON", "GPE"} <= labels
    person = page.locator('mark.wb-ent[data-label="PERSON"]', has_text="Lukashenko").first
    assert person.is_visible()
    # the highlight is really painted (a background colour, not transparent)
    colour = person.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    # the article text content equals the stored text: labels are drawn by CSS only
    text = page.locator("article .wb-text").first.inner_text()
    assert "Serhiy Nayev" in text and "PERSON" not in text
    page.screenshot(path=str(artifact("demo-report.png")), full_page=False)


def test_report_reads_with_scripts_off(browser, demo_report):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_report.as_uri())
    assert page.locator("mark.wb-ent").count() > 30
    assert "Entity index" in page.content()
    context.close()


def test_report_holds_the_analysis_and_links_evidence_to_its_passage(page, demo_report):
    page.goto(demo_report.as_uri())
    analysis = page.locator("section.wb-analysis")
    assert analysis.count() == 1
    assert "Will Belarus's armed forces join the ground war against Ukraine?" in analysis.locator("h2").inner_text()
    standing = analysis.locator("table").first.inner_text()
    for engine in ("PARC inconsistency", "Open Synthesis", "Bayesian posterior"):
        assert engine in standing
    assert any(words in standing for words in ("likely", "almost certain", "roughly even chance", "unlikely"))
    assert analysis.locator(".wb-matrix-static tbody tr").count() == 11
    assert analysis.locator("figure.wb-chart svg").count() >= 3
    assert "Linchpins" in analysis.inner_text()
    link = analysis.locator(".wb-evidence-list a", has_text="in the article").first
    target = link.get_attribute("href")
    link.click()
    passage = page.locator(target)
    assert passage.count() == 1 and passage.evaluate("el => el.closest('article') !== null")
    pieces = page.locator(f'[data-passage="{target[1:]}"]').all_text_contents()
    assert "".join(pieces) == "the armed forces of Belarus did not directly engage in a land operation under their flag"
    assert page.locator("#sources").inner_text().count("F — reliability cannot be judged") == 1
    assert "ICD 203" in page.locator("#method").inner_text()
    # the one inline script works (sorting) and nothing else runs
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    page.locator("#entities th", has_text="Mentions").click()
    page.screenshot(path=str(artifact("demo-report-analysis.png")))


# every text of every chart, with its size as drawn: font size × the SVG's scale on screen
_CHART_TEXT = """() => Array.from(document.querySelectorAll('figure.wb-chart svg text'))
  .filter(t => t.textContent.trim() !== '')
  .map(t => { const m = t.getScreenCTM();
              return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c))]; })"""
A4_TEXT_WIDTH = 688  # px: 210 mm less the 2 × 14 mm margins of the report's @page, at 96 px per inch


@pytest.mark.parametrize("media, width", [("screen", 1280), ("print", A4_TEXT_WIDTH)])
def test_chart_text_is_at_least_9_px_as_drawn(browser, demo_report, media, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(demo_report.as_uri())
    sizes = page.evaluate(_CHART_TEXT)
    context.close()
    assert len(sizes) > 40  # titles, ticks, labels of four charts
    small = [(text, round(size, 1)) for text, size in sizes if size < 9]
    assert small == [], f"{len(small)} chart texts under 9 px at {width} px ({media}): {small[:8]}"


def test_charts_are_not_squeezed_beside_blank_space(page, demo_report):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_report.as_uri())
    figures = page.locator("figure.wb-chart")
    assert figures.count() >= 3
    lefts = {round(f.bounding_box()["x"]) for f in figures.all()}
    assert len(lefts) == 1  # one chart per row, each as wide as it was drawn


def test_underlines_have_a_legend_and_follow_the_chosen_hypothesis_without_scripts(browser, demo_report):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_report.as_uri())
    legend = page.locator("#articles .wb-ev-legend")
    assert legend.count() == 1
    words = legend.inner_text()
    assert "Underlines follow" in words and "supports" in words and "refutes" in words and "neither" in words
    choices = legend.locator("input[type=radio]")
    assert choices.count() == 3  # one per hypothesis of the demo analysis
    assert choices.nth(0).is_checked()
    # E1 is rated I against H1 (refutes: red) and C against H2 (supports: green)
    e1 = page.locator('#articles .wb-ev[title^="E1 ("]').first
    colour = lambda: e1.evaluate("el => getComputedStyle(el).textDecorationColor")  # noqa: E731
    assert colour() == "rgb(215, 48, 39)"
    legend.locator("label", has_text="H2").click()
    assert choices.nth(1).is_checked()
    assert colour() == "rgb(26, 152, 80)"
    legend.locator("label", has_text="H3").click()   # N against H3: grey
    assert colour() == "rgb(140, 140, 140)"
    context.close()


def _pdf_pages(page, demo_report, path):
    """The demo report printed by Chromium (A4, as the report's @page asks), text per page."""
    import pypdf

    page.goto(demo_report.as_uri())
    page.emulate_media(media="print")
    headings = [h.strip() for h in page.eval_on_selector_all("h1, h2, h3, h4", "els => els.map(e => e.innerText)")]
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    # NFKC: Chromium's fonts set "fi" as one ligature glyph
    texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in pypdf.PdfReader(str(path)).pages]
    return headings, texts


def test_printed_report_keeps_headings_with_their_content_and_summarises_on_page_one(page, demo_report, tmp_path):
    headings, texts = _pdf_pages(page, demo_report, tmp_path / "report.pdf")
    print(f"\nprinted demo report: {len(texts)} pages")
    artifact("demo-report-pages.txt").write_text(f"pages={len(texts)}\n")
    stranded = []
    for number, text in enumerate(texts, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and lines[-1] in headings:
            stranded.append((number, lines[-1]))
    assert stranded == [], f"headings alone at a page foot: {stranded}"
    first = " ".join(texts[0].split())
    assert "Will Belarus's armed forces join the ground war against Ukraine?" in first
    assert "Belarus stays a staging ground and supplier" in first        # the leader
    assert "very likely" in first and "84–99%" in first                 # its likelihood words with the range
    assert "Confidence: low" in first


def test_the_entity_index_link_column_is_labelled(page, demo_report):
    page.goto(demo_report.as_uri())
    heads = page.locator("#entities thead th").all_inner_texts()
    assert heads and all(h.strip() for h in heads), heads


def test_report_tables_do_not_break_inside_small_tables_and_repeat_their_heads(page, demo_report):
    page.goto(demo_report.as_uri())
    page.emulate_media(media="print")
    style = page.evaluate("""() => {
      const head = document.querySelector('#entities thead');
      const standing = document.querySelector('section.wb-analysis table');
      const h3 = document.querySelector('section.wb-analysis h3');
      return [getComputedStyle(head).display, getComputedStyle(standing).breakInside, getComputedStyle(h3).breakAfter];
    }""")
    assert style == ["table-header-group", "avoid", "avoid"]
