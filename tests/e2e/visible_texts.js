// Every text node a person can see: its font size and whether it is whole inside the
// viewport and inside every ancestor that clips overflow (tests/e2e/a11y.py).
() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const clipOf = new Map();
  function clip(el) {
    if (!el || el === document.documentElement) return { l: 0, t: 0, r: vw, b: vh };
    if (clipOf.has(el)) return clipOf.get(el);
    let box = clip(el.parentElement);
    const cs = getComputedStyle(el);
    const b = el.getBoundingClientRect();
    if (cs.clip && cs.clip !== "auto") box = { l: 0, t: 0, r: 0, b: 0 };
    else if (cs.overflowX !== "visible" || cs.overflowY !== "visible" || cs.contain.includes("paint")) {
      box = { l: Math.max(box.l, b.left), t: Math.max(box.t, b.top),
              r: Math.min(box.r, b.right), b: Math.min(box.b, b.bottom) };
    }
    clipOf.set(el, box);
    return box;
  }
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.data.replace(/\s+/g, " ").trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || el.closest("script, style, template, noscript")) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
    if (!rects.length) continue;
    const c = clip(el);
    const tol = 1.5;
    let seen = false, whole = true;
    for (const r of rects) {
      const w = Math.min(r.right, c.r) - Math.max(r.left, c.l);
      const h = Math.min(r.bottom, c.b) - Math.max(r.top, c.t);
      if (w > 1 && h > 1) seen = true;
      if (r.left < c.l - tol || r.top < c.t - tol || r.right > c.r + tol || r.bottom > c.b + tol) whole = false;
    }
    if (!seen) continue;
    out.push({ text, whole, size: parseFloat(getComputedStyle(el).fontSize),
               where: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                      (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") });
  }
  return out;
}
