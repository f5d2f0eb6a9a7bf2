// Pre-moderation and the spotlight on the console (templates/_moderation.html).
// - The notes waiting for approval, at the top of the notes panel: Approve / Hide each,
//   "Approve all (n)" (only the notes listed here, so nothing that arrives meanwhile is
//   approved unseen).
// - A "Spotlight" button on each note of the notes list the room can see, and what the
//   spotlight shows now with "Back to the wall".
// The console page renders the notes list; this module follows it (a MutationObserver on the
// list and its count, which the page rewrites on every change), so it needs no other hook.
// Participant text is only ever set with textContent.
import { el, fill, plural } from "./common.js";

export function moderation({ act, view }) {
  const $ = (id) => document.getElementById(id);
  const source = $("t-moderation");
  const list = $("notes");
  if (!source || !list) return { render() {} };
  const t = JSON.parse(source.textContent);

  const snippet = (note) => note.text.slice(0, 40);
  let refocus = null; // the note whose Spotlight button was pressed (the list is rebuilt)

  function pendingNotes(v) {
    return v.notes.filter((n) => n.moderation === "pending" && !n.hidden)
      .sort((a, b) => a.posted_at - b.posted_at);
  }

  function canSpotlight(v, note) {
    const w = v.workshop;
    const stage = v.stages && v.stages[note.stage];
    if (note.hidden || note.moderation === "pending" || !stage || stage.kind !== "notes") return false;
    const options = (w.stage && w.stage_index === note.stage && w.stage.options) || {};
    return !(options.silent && !w.revealed);
  }

  function renderQueue(v) {
    const pending = pendingNotes(v);
    const box = $("moderation");
    const focused = box.contains(document.activeElement) ? document.activeElement : null;
    const at = focused && focused.dataset.index !== undefined
      ? { index: Number(focused.dataset.index), role: focused.dataset.role } : null;
    box.hidden = pending.length === 0;
    // notes still waiting from an earlier stage: the queue stays reachable in any stage
    const panel = $("notes-panel");
    if (pending.length && panel && panel.hidden) panel.hidden = false;
    $("pending-count").textContent = plural(t.pending_notes, pending.length);
    $("approve-all").textContent = fill(t.approve_all, { n: pending.length });
    $("approve-all").onclick = () => act("approve_all", { note_ids: pending.map((n) => n.id) });
    const current = v.workshop.stage_index;
    $("pending-notes").replaceChildren(...pending.map((note, i) => el("li",
      { class: "note pending-note", "data-note-id": note.id },
      el("p", { class: "text", text: note.text }),
      el("p", { class: "small muted", text: (note.name || t.anonymous)
        + (note.stage !== current ? ` · ${fill(t.from_stage, { n: note.stage + 1 })}` : "") }),
      el("div", { class: "row wrap" },
        el("button", { type: "button", class: "primary", text: t.approve, "data-index": i,
                       "data-role": "approve", "aria-label": `${t.approve}: ${snippet(note)}`,
                       onclick: () => act("approve_note", { note_id: note.id }) }),
        el("button", { type: "button", text: t.refuse, "data-index": i, "data-role": "refuse",
                       "aria-label": `${t.refuse}: ${snippet(note)}`,
                       onclick: () => act("hide_note", { note_id: note.id }) })))));
    if (at) { // keep the keyboard where it was: the next note's same button, or the heading
      const buttons = $("pending-notes").querySelectorAll(`[data-role="${at.role}"]`);
      const next = buttons[Math.min(at.index, buttons.length - 1)];
      if (next) next.focus();
      else if (!box.hidden) $("approve-all").focus();
    }
  }

  function renderSpotlight(v) {
    const spot = v.workshop.spotlight;
    $("spotlight-now").hidden = !spot;
    $("spotlight-text").textContent = spot ? spot.text : "";
    const byId = new Map(v.notes.map((n) => [n.id, n]));
    for (const item of list.querySelectorAll("li[data-note-id]")) {
      const note = byId.get(item.dataset.noteId);
      if (!note) continue;
      // a pending note is in the queue above, not twice on the console
      item.hidden = note.moderation === "pending" && !note.hidden;
      item.querySelector(".spotlight-toggle")?.remove();
      if (!canSpotlight(v, note)) continue;
      const on = Boolean(spot && spot.id === note.id);
      const button = el("button", {
        type: "button", class: "spotlight-toggle",
        text: on ? t.unspotlight : t.spotlight,
        "aria-label": `${on ? t.unspotlight : t.spotlight}: ${snippet(note)}`,
        onclick: () => {
          refocus = note.id;
          setTimeout(() => { if (refocus === note.id) refocus = null; }, 3000);
          act("spotlight", { note_id: on ? null : note.id });
        } });
      item.append(button);
      const lost = !document.activeElement || document.activeElement === document.body;
      if (refocus === note.id && lost) {
        refocus = null;
        button.focus();
      }
    }
  }

  function render() {
    const v = view();
    if (!v || !v.workshop || !v.notes) return;
    renderQueue(v);
    renderSpotlight(v);
  }

  $("spotlight-clear").addEventListener("click", () => act("spotlight", { note_id: null }));
  // the page rewrites the notes list and its count on every note, snapshot and stage update
  const observer = new MutationObserver(() => render());
  observer.observe(list, { childList: true });
  const count = $("note-count");
  if (count) observer.observe(count, { childList: true, characterData: true, subtree: true });
  render();
  return { render };
}
