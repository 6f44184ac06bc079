// Keys for a widget as soon as it is on screen: JupyterLab sends a key to a widget only while
// the widget (carrying data-lm-suppress-shortcuts) has the focus. The root takes the focus when
// the pointer comes over it, or on a click in `clicked`, never scrolling the page, and never from
// a cell editor or a field being typed in. Taken by hover and left unused, the focus goes back
// where it was when the pointer leaves, so JupyterLab's own keys come back. The view calls
// used() when a key of its own was handled (the focus then stays), and stop() in its cleanup.

export function hoverFocus(root, clicked, { keep = () => false } = {}) {
  let lent = null; // the element that had the focus before a hover took it
  const typingElsewhere = () => {
    const active = document.activeElement;
    if (!active || active === document.body || root.contains(active)) return false;
    return active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
  };
  const take = () => { if (!root.contains(document.activeElement)) root.focus({ preventScroll: true }); };
  const enter = () => {
    if (typingElsewhere() || root.contains(document.activeElement)) return;
    lent = document.activeElement;
    take();
  };
  const leave = () => {
    const back = lent;
    lent = null;
    if (back === null || document.activeElement !== root || keep()) return;
    if (back !== document.body && document.contains(back)) back.focus({ preventScroll: true });
    else root.blur();
  };
  const used = () => { lent = null; };
  const click = () => {
    const active = document.activeElement;
    // a field inside the widget (a note being typed) keeps its focus
    if (!(active && root.contains(active) && active !== root && (active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)))) take();
  };
  root.addEventListener("pointerenter", enter);
  root.addEventListener("pointerleave", leave);
  root.addEventListener("pointerdown", used);
  clicked.addEventListener("click", click);
  const stop = () => {
    root.removeEventListener("pointerenter", enter);
    root.removeEventListener("pointerleave", leave);
    root.removeEventListener("pointerdown", used);
    clicked.removeEventListener("click", click);
  };
  return { used, stop };
}
