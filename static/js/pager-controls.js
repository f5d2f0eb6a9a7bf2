// The console's hold on the projector's pages (#screen-controls): where the screen is
// ("Screen: page 2 of 5"), and Previous / Pause or Go on / Next. The screen reports its pages
// (pager_state); the buttons send screen_pager, relayed to the screen and never logged.
import { el, fill } from "./common.js";

export function pagerControls({ act, t }) {
  const box = document.getElementById("screen-controls");
  if (!box) return { state() {} };
  let last = null;
  const status = el("p", { id: "pager-status", class: "pager-status", "aria-live": "polite" });
  const turn = (action) => act("screen_pager", { action });
  const prev = el("button", { type: "button", id: "pager-prev", onclick: () => turn("prev"), text: t.pager_prev });
  const pause = el("button", { type: "button", id: "pager-pause", onclick: () => turn(last && last.paused ? "resume" : "pause") });
  const next = el("button", { type: "button", id: "pager-next", onclick: () => turn("next"), text: t.pager_next });
  box.replaceChildren(
    el("h3", { id: "pager-h", text: t.pager_heading }), status,
    el("div", { class: "row wrap", role: "group", "aria-labelledby": "pager-h" }, prev, pause, next));

  function render() {
    const paged = last && last.pages > 1;
    status.textContent = !last ? t.pager_unknown
      : paged ? fill(last.paused ? t.pager_paused : t.pager_on, { k: last.page, n: last.pages })
        : t.pager_one;
    pause.textContent = last && last.paused ? t.pager_resume : t.pager_pause;
    pause.setAttribute("aria-pressed", String(Boolean(last && last.paused)));
    for (const b of [prev, pause, next]) b.disabled = !paged;
  }
  render();
  return { state(data) { last = data; render(); } };
}
