// Following other notebooks, for every widget: while this view is on screen, ask the kernel
// every poll_ms (the synced trait; 0 = follow nothing) for changes made elsewhere. The kernel
// answers through the widget's ordinary traits. A view that is not shown asks nothing: a
// background tab of the Workbench or a folded output (display: none), a view scrolled far out
// of sight, or a hidden browser tab; it asks once as soon as it is shown again. The stop
// function it returns is the view's cleanup, so closing the widget ends the polling.

export function follow(model, el) {
  let timer = null;
  let inView = true;   // until the observer says otherwise
  const shown = () => !document.hidden && el.isConnected && inView && el.getClientRects().length > 0;
  const ask = () => { if (shown()) model.send({ kind: "poll" }); };
  const schedule = () => {
    if (timer) clearInterval(timer);
    timer = null;
    const every = model.get("poll_ms") || 0;
    if (every > 0) timer = setInterval(ask, every);
  };
  const observer = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((entries) => {
      const was = inView;
      inView = entries[entries.length - 1].isIntersecting;
      if (inView && !was && timer) ask();   // shown again: catch up now, not a period later
    }, { rootMargin: "200px" })
    : null;
  if (observer) observer.observe(el);
  const onVisibility = () => { if (!document.hidden && timer) ask(); };
  document.addEventListener("visibilitychange", onVisibility);
  model.on("change:poll_ms", schedule);
  schedule();
  return () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (observer) observer.disconnect();
    document.removeEventListener("visibilitychange", onVisibility);
    model.off("change:poll_ms", schedule);
  };
}
