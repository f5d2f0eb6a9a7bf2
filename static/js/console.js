// The facilitator console: stage control, lock, join panel, moderation, counts.
import { connect, el, formatPeople, newId, readConfig } from "./common.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
let lastSeq = 0;
let view = null;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) lastSeq = seq;
}

function say(text) {
  $("feedback").textContent = text;
}

function act(event, payload = {}) {
  socket.timeout(10000).emit(event, { ...payload, client_id: newId() }, (err, ack) => {
    if (err) return say(t.offline);
    if (!ack.ok) return say(ack.error);
    seen(ack.seq);
    say(t.done);
  });
}

function render() {
  if (!view) return;
  const w = view.workshop;
  $("stages").replaceChildren(...Array.from({ length: w.stage_count }, (_, i) => {
    const current = i === w.stage_index;
    return el("li", { class: current ? "current" : null, "aria-current": current ? "step" : null },
      el("button", { type: "button", class: "link", text: stageLabel(i),
                     onclick: () => act("go_to_stage", { stage: i }) }),
      current ? el("strong", { text: ` (${t.current})` }) : null);
  }));
  const status = w.status === "waiting" ? t.waiting : w.status === "ended" ? t.ended
    : w.locked ? t.locked : "";
  if (status) say(status);
  document.querySelector('[data-action="start"]').hidden = w.status !== "waiting";
  document.querySelector('[data-action="reopen_workshop"]').hidden = w.status !== "ended";
  document.querySelector('[data-action="end_workshop"]').hidden = w.status === "ended";
  $("lock").hidden = w.locked || w.status !== "running";
  $("unlock").hidden = !w.locked || w.status !== "running";
  $("qr-toggle").setAttribute("aria-pressed", String(w.qr_visible));
  $("qr-toggle").textContent = w.qr_visible ? t.qr_large : t.qr_small;
  renderNotes();
}

function stageLabel(i) {
  const stage = view.stages[i];
  return stage.title || stage.prompt;
}

function renderNotes() {
  const shown = Math.max(view.workshop.stage_index, 0);
  const notes = view.notes.filter((n) => n.stage === shown).sort((a, b) => a.posted_at - b.posted_at);
  $("notes").replaceChildren(...notes.map((note) => {
    const when = note.hidden_at ? new Date(note.hidden_at * 1000).toLocaleTimeString() : "";
    return el("li", { class: note.hidden ? "note hidden-note" : "note", "data-note-id": note.id },
      el("p", { class: "text", text: note.text }),
      el("p", { class: "small muted", text: note.name || t.anonymous }),
      note.hidden ? el("p", { class: "small", text: fill(t.hidden, { who: note.hidden_by, when }) }) : null,
      el("button", { type: "button", text: note.hidden ? t.unhide : t.hide,
                     "aria-label": `${note.hidden ? t.unhide : t.hide}: ${note.text.slice(0, 40)}`,
                     onclick: () => act(note.hidden ? "unhide_note" : "hide_note", { note_id: note.id }) }));
  }));
  $("note-count").textContent = `(${notes.length})`;
}

const socket = connect(
  () => ({ role: "console", key: cfg.key, since: lastSeq }),
  {
    snapshot(data) {
      seen(data.seq);
      view = data;
      $("people").textContent = formatPeople(t.people, data.people);
      render();
    },
    note(data) {
      seen(data.seq);
      const i = view.notes.findIndex((n) => n.id === data.note.id);
      if (i >= 0) view.notes[i] = data.note;
      else view.notes.push(data.note);
      renderNotes();
    },
    note_removed(data) {
      seen(data.seq);
      view.notes = view.notes.filter((n) => n.id !== data.note_id);
      renderNotes();
    },
    people(data) {
      seen(data.seq);
      $("people").textContent = formatPeople(t.people, data);
    },
    participant(data) {
      seen(data.seq);
    },
  },
  (status) => {
    $("conn").textContent = t[status];
    $("conn").dataset.status = status;
  },
);

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}
$("qr-toggle").addEventListener("click", () => act("show_qr", { visible: !view.workshop.qr_visible }));
