// The projector's fit engine: whatever the room wrote fits the screen, then pages.
//
// The shown view has one clip box ([data-fit]) holding contributions ([data-item="key"]),
// maybe inside groups ([data-group]: a theme, a table, an asset kind). The engine:
//   1. sets the box's font size to the largest that shows every item at once, from
//      data-fit-max times the floor down to the floor (24 px at 1080 px high, in proportion);
//   2. if even the floor does not hold them, cuts the items into pages in reading order
//      (each page: the longest run of items that lie whole inside the box), shows one page
//      at a time and turns pages by itself, so every contribution is on screen, whole,
//      within about a minute. A group's heading shows on every page it continues on.
//   3. when a new item arrives, jumps to its page and marks it for a moment, so its author
//      sees it land, whichever page was showing.
// Layout is left to CSS: any layout whose overflow goes down or towards the inline end (right,
// or left under dir="rtl") works. Masonry columns are placed from the inline start, so an
// Arabic wall fills from the right.
// Items of other pages get the attribute data-off (display: none).

const MIN_SECONDS = 8;
const MAX_SECONDS = 12;
const ROUND_SECONDS = 60; // all pages should go round within a minute
const NEW_MS = 6000; // how long a new arrival stays marked
const SETTLE_MS = 200; // the least time between two fits while items pour in
const LOOKAHEAD = 40; // masonry: how many later items may fill a page's gaps
const DWELL_MS = 5000; // a page stays at least this long before an arrival takes over

export function floorPx() {
  return (window.innerHeight * 24) / 1080;
}

export class Fitter {
  /**
   * root: the element holding the views; indicator: #pager ("Page k of n");
   * t: strings (page, paused); onChange: called after each fit or turn.
   */
  constructor({ root, indicator, t, onChange }) {
    Object.assign(this, { root, indicator, t, onChange });
    this.box = null;
    this.pages = [[0, 0]];
    this.page = 0;
    this.cursor = 0;
    this.shownAt = 0;
    this.arrivalTimer = null;
    this.paused = false;
    this.known = new Set(); // item keys seen in the current box
    this.turnTimer = null;
    this.pending = null;
    this.lastFit = 0;
    this.fits = 0;
    this.fitting = false;
    const observer = new MutationObserver((records) => {
      if (this.fitting) return;
      if (records.some((r) => r.type !== "attributes" || r.attributeName === "hidden")) this.schedule();
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true,
                             attributes: true, attributeFilter: ["hidden"] });
    window.addEventListener("resize", () => this.schedule());
    // the join panel shrinking, a longer prompt...: the space for the view changed
    new ResizeObserver(() => this.schedule()).observe(root);
  }

  // Re-fit soon: at once if the last fit was a while ago, else after a short pause, so a
  // burst of notes costs one layout per SETTLE_MS rather than one per note.
  schedule() {
    if (this.pending) return;
    const wait = Math.max(0, SETTLE_MS - (performance.now() - this.lastFit));
    this.pending = setTimeout(() => requestAnimationFrame(() => {
      this.pending = null;
      this.fit();
    }), wait);
  }

  activeBox() {
    for (const box of this.root.querySelectorAll("[data-fit]")) {
      if (box.checkVisibility()) return box;
    }
    return null;
  }

  units(box) {
    // items, and groups that have no items (they count as one)
    return [...box.querySelectorAll("[data-item], [data-group]")].filter(
      (node) => node.hasAttribute("data-item") || !node.querySelector("[data-item]"));
  }

  fit() {
    this.fitting = true;
    const began = performance.now();
    try {
      this._fit();
    } finally {
      this.fitting = false;
      this.lastFit = performance.now();
      document.body.dataset.fitMs = (this.lastFit - began).toFixed(1); // bench/projector.py
    }
  }

  _fit() {
    const box = this.activeBox();
    const changedBox = box !== this.box;
    const firstKey = !changedBox && this.unitsList ? this.keyOf(this.firstShown()) : null;
    this.box = box;
    this.fits += 1;
    document.body.dataset.fitted = String(this.fits);
    if (!box) {
      this.unitsList = [];
      this.placed = null;
      this.setPages([[0, 0]], 0);
      return;
    }
    let units = this.units(box);
    for (const u of units) u.removeAttribute("data-off");
    this.showGroups(box);
    // a unit hidden by its page (the hidden attribute, a closed part) takes no place
    units = units.filter((u) => u.getClientRects().length > 0);
    const floor = floorPx();
    const max = floor * Number(box.dataset.fitMax || 2);
    this.placed = null;
    if (box.classList.contains("fit-masonry")) {
      this.finish(box, units, changedBox, firstKey, this.masonry(box, units, floor, max));
      return;
    }
    box.style.removeProperty("--dense");
    const fits = () => box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
    let pages;
    box.style.fontSize = `${max}px`;
    if (fits()) {
      pages = [[0, units.length]];
    } else {
      box.style.fontSize = `${floor}px`;
      if (fits()) {
        let lo = floor, hi = max; // lo fits, hi does not
        for (let i = 0; i < 7 && hi - lo > 0.5; i += 1) {
          const mid = (lo + hi) / 2;
          box.style.fontSize = `${mid}px`;
          if (fits()) lo = mid; else hi = mid;
        }
        box.style.fontSize = `${Math.floor(lo * 10) / 10}px`;
        pages = [[0, units.length]];
      } else {
        box.style.removeProperty("--dense");
        pages = this.paginate(box, units);
        // at the floor, tighter padding and gaps may save a page: take it if they do
        box.style.setProperty("--dense", "0.4");
        const dense = this.paginate(box, units);
        if (dense.length < pages.length) pages = dense;
        else {
          box.style.removeProperty("--dense");
          pages = this.paginate(box, units);
        }
      }
    }
    this.finish(box, units, changedBox, firstKey, pages);
  }

  finish(box, units, changedBox, firstKey, pages) {
    document.body.dataset.fitSize = box.style.fontSize;
    this.unitsList = units;
    // arrivals: keys not seen before in this box (a few at a time; a reload is not news)
    const keys = units.map((u) => this.keyOf(u));
    const fresh = changedBox ? [] : units.filter((u, i) => keys[i] && !this.known.has(keys[i]));
    this.known = new Set(keys.filter(Boolean));
    this.pages = pages;
    let page = 0;
    if (firstKey) page = this.pageOf(Math.max(0, keys.indexOf(firstKey)));
    this.cursor = Math.min(this.cursor || 0, pages.length - 1);
    this.show(page, false);
    if (fresh.length && fresh.length <= 5) {
      for (const u of fresh) this.markNew(u);
      const last = units.indexOf(fresh[fresh.length - 1]);
      this.arrival(this.pageOf(last));
    }
  }

  // A new item gets a moment on screen: its page is shown now, or as soon as the page on
  // screen has had DWELL_MS (so a stream of notes cannot keep the room from reading), and then
  // paging goes on from where it was.
  arrival(page) {
    clearTimeout(this.arrivalTimer);
    if (page === this.page) return;
    const wait = DWELL_MS - (performance.now() - this.shownAt);
    if (wait <= 0) this.show(page, true, true);
    else this.arrivalTimer = setTimeout(() => this.show(page, true, true), wait);
  }

  // Masonry (class fit-masonry, for flat walls of cards): each item goes to the shortest
  // column, so cards of mixed length leave no holes; a page ends when the next item fits
  // nowhere. Item heights are measured once per font size, the packing is worked out here.
  masonry(box, units, floor, max) {
    const pack = (font) => {
      box.style.fontSize = `${font}px`;
      const css = getComputedStyle(box);
      const W = parseFloat(css.width), H = parseFloat(css.height); // unrounded
      const gap = parseFloat(css.columnGap) || font * 0.45;
      const min = parseFloat(css.getPropertyValue("--col")) * font || font * 11.5;
      const n = Math.max(1, Math.floor((W + gap) / (min + gap)));
      const width = (W - (n - 1) * gap) / n;
      for (const u of units) u.style.width = `${width}px`;
      const heights = units.map((u) => u.offsetHeight); // layout size: no transforms
      // Fill a page in order; an item that fits nowhere waits for the next page while the
      // few after it may still fill the gaps (LOOKAHEAD), so pages have no holes.
      const placed = [];
      const left = units.map((_, i) => i);
      let page = 0;
      while (left.length) {
        const cols = new Array(n).fill(0);
        const later = [];
        let misses = 0;
        for (const i of left) {
          if (misses >= LOOKAHEAD) { later.push(i); continue; }
          const j = cols.indexOf(Math.min(...cols));
          if (cols[j] + heights[i] > H + 0.5 && cols.some((c) => c > 0)) {
            later.push(i);
            misses += 1;
            continue;
          }
          placed[i] = { page, start: j * (width + gap), top: cols[j] }; // from the inline start
          cols[j] += heights[i] + gap;
        }
        left.splice(0, left.length, ...later);
        page += 1;
      }
      page -= 1;
      return { placed, pages: page + 1 };
    };
    box.style.removeProperty("--dense");
    let best = pack(max);
    if (best.pages > 1) {
      let atFloor = pack(floor);
      if (atFloor.pages > 1) {
        // at the floor, tighter padding and gaps may save a page: take it if they do
        box.style.setProperty("--dense", "0.4");
        const dense = pack(floor);
        if (dense.pages < atFloor.pages) atFloor = dense;
        else {
          box.style.removeProperty("--dense");
          atFloor = pack(floor);
        }
        best = atFloor;
      }
      else {
        let lo = floor, hi = max;
        best = atFloor;
        for (let i = 0; i < 7 && hi - lo > 0.5; i += 1) {
          const mid = (lo + hi) / 2;
          const tried = pack(mid);
          if (tried.pages === 1) { lo = mid; best = tried; } else hi = mid;
        }
        best = pack(Math.floor(lo * 10) / 10);
      }
    }
    this.placed = best.placed;
    const pages = [];
    best.placed.forEach((p, i) => {
      if (!pages[p.page]) pages[p.page] = [i, i + 1, 0];
      else pages[p.page][1] = i + 1;
      pages[p.page][2] += 1;
    });
    return pages.length ? pages : [[0, units.length, units.length]];
  }

  // Whether unit i is on the page [a, b): a range of units, or for masonry its placed page.
  onPage(i, a, b) {
    if (this.placed) return this.placed[i] && this.placed[i].page === this.page;
    return i >= a && i < b;
  }

  pageOf(i) {
    if (this.placed) return this.placed[i] ? this.placed[i].page : 0;
    return Math.max(0, this.pages.findIndex(([a, b]) => i >= a && i < b));
  }

  keyOf(node) {
    return node ? node.getAttribute("data-item") || "" : "";
  }

  firstShown() {
    const list = this.unitsList || [];
    const [a] = this.pages[this.page] || [0];
    return list[a] || null;
  }

  markNew(node) {
    node.setAttribute("data-new", "");
    setTimeout(() => node.removeAttribute("data-new"), NEW_MS);
  }

  // Pages in reading order: each page is the longest run of the items left that fits the
  // box on its own (found by halving), so balanced columns or a grid use the whole box.
  paginate(box, units) {
    const fits = () => box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
    const showRun = (a, b) => {
      for (let i = 0; i < units.length; i += 1) {
        if (i >= a && i < b) units[i].removeAttribute("data-off");
        else units[i].setAttribute("data-off", "");
      }
      this.showGroups(box);
    };
    const pages = [];
    let start = 0;
    while (start < units.length) {
      let lo = 1, hi = units.length - start; // lo items always go (one alone if need be)
      showRun(start, start + hi);
      if (!fits()) {
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          showRun(start, start + mid);
          if (fits()) lo = mid; else hi = mid;
        }
        showRun(start, start + hi);
        if (!fits()) hi = lo;
      }
      pages.push([start, start + hi]);
      start += hi;
    }
    return pages;
  }

  // A group shows when one of its items does (or when it has none: then it is the item).
  showGroups(box) {
    const groups = [...box.querySelectorAll("[data-group]")].reverse(); // inner groups first
    for (const g of groups) {
      const items = g.querySelectorAll("[data-item]");
      if (!items.length) continue; // an empty group is a unit: its data-off is set with the items
      const shown = [...items].some((n) => !n.hasAttribute("data-off"));
      if (shown) g.removeAttribute("data-off"); else g.setAttribute("data-off", "");
    }
  }

  setPages(pages, page) {
    this.pages = pages;
    this.show(page, false);
  }

  // Show a page; ``restart`` re-arms the turn timer; an ``aside`` (an arrival's page) does not
  // move the reading position, so the next turn goes on from the page before it.
  show(page, restart = true, aside = false) {
    const n = this.pages.length;
    const changed = ((page % n) + n) % n !== this.page;
    this.page = ((page % n) + n) % n;
    if (!aside) this.cursor = this.page;
    if (changed || restart) this.shownAt = performance.now();
    const units = this.unitsList || [];
    if (this.box && units.length) {
      const [a, b] = this.pages[this.page];
      this.fitting = true;
      for (let i = 0; i < units.length; i += 1) {
        if (this.onPage(i, a, b)) {
          units[i].removeAttribute("data-off");
          const p = this.placed && this.placed[i];
          if (p) {
            units[i].style.insetInlineStart = `${p.start}px`; // right-to-left: from the right
            units[i].style.top = `${p.top}px`;
          }
        } else units[i].setAttribute("data-off", "");
      }
      this.showGroups(this.box);
      this.fitting = false;
      this.box.dispatchEvent(new CustomEvent("fit:paged", { detail: { page: this.page + 1, pages: n } }));
    }
    this.renderIndicator();
    if (restart || !this.turnTimer) this.arm();
    if (this.onChange) this.onChange(this.page, n);
  }

  seconds() {
    const n = this.pages.length;
    return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.floor(ROUND_SECONDS / n)));
  }

  arm() {
    clearTimeout(this.turnTimer);
    this.turnTimer = null;
    if (this.pages.length < 2 || this.paused) return;
    this.turnTimer = setTimeout(() => {
      this.turnTimer = null;
      this.show((this.cursor ?? this.page) + 1);
    }, this.seconds() * 1000);
  }

  next() { this.show(this.page + 1); }

  prev() { this.show(this.page - 1); }

  setPaused(paused) {
    this.paused = paused;
    this.arm();
    this.renderIndicator();
    if (this.onChange) this.onChange(this.page, this.pages.length);
  }

  renderIndicator() {
    const el = this.indicator;
    if (!el) return;
    const n = this.pages.length;
    el.dataset.page = String(this.page + 1);
    el.dataset.pages = String(n);
    el.dataset.seconds = String(this.seconds());
    el.dataset.counts = this.pages.map(([a, b, n]) => n ?? b - a).join(",");
    el.dataset.paused = String(this.paused);
    el.hidden = n < 2;
    const text = this.t.page.replace("{k}", this.page + 1).replace("{n}", n);
    el.querySelector(".pager-text").textContent = this.paused ? `${text} · ${this.t.paused}` : text;
    const dots = el.querySelector(".pager-dots");
    if (dots) {
      dots.replaceChildren(...this.pages.map((_, i) => {
        const dot = document.createElement("span");
        dot.className = i === this.page ? "pager-dot current" : "pager-dot";
        return dot;
      }));
    }
  }
}
