// The projector screen: prompt, live wall of notes, the join panel and the people count.
import { connect, el, formatPeople, readConfig } from "./common.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
let lastSeq = 0;
let workshop = null;
const notes = new Map();

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) lastSeq = seq;
}

function renderWorkshop() {
  if (!workshop) return;
  const stage = workshop.stage;
  $("step").textContent = stage
    ? fill(t.step, { n: workshop.stage_index + 1, total: workshop.stage_count }) + (stage.title ? ` · ${stage.title}` : "")
    : workshop.title;
  $("prompt").textContent = stage ? stage.prompt : workshop.title;
  let status = "";
  if (workshop.status === "waiting") status = t.waiting;
  else if (workshop.status === "ended") status = t.ended;
  else if (workshop.locked) status = t.locked;
  $("status").textContent = status;
  $("joinpanel").classList.toggle("minimised", !workshop.qr_visible);
}

function noteCard(note) {
  return el("li", { class: "card", "data-note-id": note.id },
    el("p", { class: "text", text: note.text }),
    note.name ? el("p", { class: "who", text: note.name }) : null);
}

function renderWall() {
  const sorted = [...notes.values()].sort((a, b) => a.posted_at - b.posted_at);
  $("wall").replaceChildren(...sorted.map(noteCard));
  $("wall-empty").hidden = notes.size > 0;
}

function renderPeople(people) {
  $("people").textContent = formatPeople(t.people, people);
}

connect(
  () => ({ role: "screen", key: cfg.key, since: lastSeq }),
  {
    snapshot(data) {
      seen(data.seq);
      workshop = data.workshop;
      notes.clear();
      for (const note of data.notes) notes.set(note.id, note);
      renderWorkshop();
      renderWall();
      renderPeople(data.people);
    },
    note(data) {
      seen(data.seq);
      if (workshop && data.note.stage !== Math.max(workshop.stage_index, 0)) return;
      const existing = $("wall").querySelector(`[data-note-id="${CSS.escape(data.note.id)}"]`);
      notes.set(data.note.id, data.note);
      if (existing) existing.replaceWith(noteCard(data.note));
      else {
        $("wall").append(noteCard(data.note)); // append, not re-render: O(1) per note
        $("wall-empty").hidden = true;
      }
    },
    note_removed(data) {
      seen(data.seq);
      if (notes.delete(data.note_id)) {
        const card = $("wall").querySelector(`[data-note-id="${CSS.escape(data.note_id)}"]`);
        if (card) card.remove();
        $("wall-empty").hidden = notes.size > 0;
      }
    },
    people(data) {
      seen(data.seq);
      renderPeople(data);
    },
  },
  (status) => {
    $("conn").textContent = t[status] || "";
    $("conn").dataset.status = status;
  },
);
