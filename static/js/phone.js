// The phone page: join (name optional), see what to do now, post and manage own notes.
import { Outbox, connect, el, newId, readConfig, store } from "./common.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
const tokenBox = store(`fac:${cfg.code}:token`);
const pendingTokenBox = store(`fac:${cfg.code}:pending-token`);
const seqBox = store(`fac:${cfg.code}:seq`);

let view = { joined: false, workshop: null, notes: [], me: null };
let lastSeq = seqBox.get(0);
let editing = null;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) {
    lastSeq = seq;
    seqBox.set(seq);
  }
}

function say(text) {
  const box = $("feedback");
  box.textContent = "";
  // a fresh text node, so screen readers announce a repeated message again
  setTimeout(() => { box.textContent = text; }, 30);
}

const outbox = new Outbox(`fac:${cfg.code}:outbox`, () => render());
outbox.onResult = (ack, item) => {
  const kind = item.event;
  if (!ack || !ack.ok) {
    if (kind === "join") pendingTokenBox.remove();
    const text = item.payload.text ? ` “${item.payload.text.slice(0, 60)}”` : "";
    say(`${t.refused}${text} ${ack ? ack.error : ""}`);
    render();
    return;
  }
  seen(ack.seq);
  if (kind === "join") {
    tokenBox.set(ack.token || item.payload.token);
    pendingTokenBox.remove();
    view.joined = true;
    if (ack.participant) view.me = { id: ack.participant.participant, name: ack.participant.name };
  } else if (kind === "post_note") {
    if (ack.note_id && !view.notes.some((n) => n.id === ack.note_id)) {
      view.notes.push({ id: ack.note_id, stage: item.payload.stage, text: item.payload.text });
    }
    say(t.added);
  } else if (kind === "edit_note") {
    say(t.saved);
  } else if (kind === "delete_note") {
    view.notes = view.notes.filter((n) => n.id !== item.payload.note_id);
    say(t.deleted);
  }
  render();
};

const socket = connect(
  () => ({ role: "phone", code: cfg.code, token: tokenBox.get() || pendingTokenBox.get(),
           since: lastSeq }),
  {
    snapshot(data) {
      seen(data.seq);
      if (!data.joined && tokenBox.get()) tokenBox.remove(); // unknown here: join again
      view = { joined: data.joined, workshop: data.workshop, notes: data.notes, me: data.me };
      render();
    },
    stage(data) {
      seen(data.seq);
      view.workshop = data.workshop;
      editing = null;
      render();
    },
    me(data) {
      seen(data.seq);
      view.me = data.me;
      render();
    },
    note(data) {
      seen(data.seq);
      const i = view.notes.findIndex((n) => n.id === data.note.id);
      if (i >= 0) view.notes[i] = data.note;
      else view.notes.push(data.note);
      render();
    },
    note_removed(data) {
      seen(data.seq);
      view.notes = view.notes.filter((n) => n.id !== data.note_id);
      render();
    },
  },
  (status, message) => {
    const conn = $("conn");
    conn.textContent = status === "error" && message ? `${t.error} (${message})` : t[status];
    conn.dataset.status = status;
  },
);
outbox.attach(socket);

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (outbox.pending("join").length) return;
  const token = newId() + newId();
  pendingTokenBox.set(token);
  outbox.send("join", { name: $("name").value.trim(), token });
  render();
});

$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const area = $("note-text");
  const text = area.value.trim();
  if (!text) {
    say(t.empty);
    area.focus();
    return;
  }
  const limit = maxLength();
  if (text.length > limit) {
    say(fill(t.too_long, { n: text.length - limit }));
    return;
  }
  outbox.send("post_note", { text, stage: view.workshop.stage_index });
  area.value = "";
  updateCount();
  area.focus();
});

$("note-text").addEventListener("input", updateCount);

function maxLength() {
  const stage = view.workshop && view.workshop.stage;
  return (stage && stage.options && stage.options.max_length) || 280;
}

function updateCount() {
  const n = $("note-text").value.length;
  $("note-count").textContent = fill(t.count, { n, max: maxLength() });
  $("note-count").classList.toggle("over", n > maxLength());
}

function isOpen(stageIndex) {
  const w = view.workshop;
  return w && w.status === "running" && !w.locked && w.stage_index === stageIndex;
}

function render() {
  const w = view.workshop;
  const joining = outbox.pending("join").length > 0;
  $("join").hidden = view.joined || joining || !w;
  $("stage").hidden = !(view.joined || joining) || !w;
  if (!w) return;
  const stage = w.stage;
  $("stage-step").textContent = stage
    ? fill(t.step, { n: w.stage_index + 1, total: w.stage_count }) + (stage.title ? ` · ${stage.title}` : "")
    : w.title;
  $("stage-prompt").textContent = stage ? stage.prompt : w.title;
  let what;
  if (w.status === "waiting") what = t.waiting;
  else if (w.status === "ended") what = t.ended;
  else if (w.locked) what = t.locked;
  else if (stage && stage.kind === "notes") what = stage.instructions || t.write;
  else what = (stage && stage.instructions) || t.not_notes;
  $("stage-what").textContent = what;
  const canWrite = w.status === "running" && !w.locked && stage && stage.kind === "notes";
  $("note-form").hidden = !canWrite;
  if (canWrite) updateCount();
  $("me-line").textContent = view.me && view.me.name
    ? fill(t.you_are, { name: view.me.name }) : (view.me ? t.anonymous : "");
  renderNotes();
}

function renderNotes() {
  const list = $("mine");
  const pending = outbox.pending("post_note").map((item) => ({
    id: null, text: item.payload.text, stage: item.payload.stage, pending: true }));
  const notes = [...view.notes].sort((a, b) => (a.stage - b.stage) || idOrder(a) - idOrder(b));
  const rows = [...notes, ...pending];
  list.replaceChildren(...rows.map(noteItem));
  $("mine-empty").hidden = rows.length > 0;
}

function idOrder(note) {
  return Number(String(note.id).slice(1)) || 0;
}

function noteItem(note) {
  if (note.pending) {
    return el("li", { class: "note pending" }, el("p", { class: "text", text: note.text }),
      el("p", { class: "small", text: `⏳ ${t.pending}` }));
  }
  if (editing === note.id) {
    const area = el("textarea", { rows: 4, "aria-label": t.edit_label });
    area.value = note.text;
    setTimeout(() => area.focus(), 0);
    return el("li", { class: "note editing" }, area,
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: t.save, onclick: () => {
          const text = area.value.trim();
          if (!text) return say(t.empty);
          outbox.send("edit_note", { note_id: note.id, text });
          note.text = text;
          editing = null;
          render();
        } }),
        el("button", { type: "button", text: t.cancel, onclick: () => { editing = null; render(); } })));
  }
  const open = isOpen(note.stage);
  return el("li", { class: "note", "data-note-id": note.id },
    el("p", { class: "text", text: note.text }),
    note.edited ? el("p", { class: "small muted", text: t.edited }) : null,
    open ? el("div", { class: "row" },
      el("button", { type: "button", text: t.edit, "aria-label": `${t.edit}: ${note.text.slice(0, 40)}`,
                     onclick: () => { editing = note.id; render(); } }),
      el("button", { type: "button", text: t.delete, "aria-label": `${t.delete}: ${note.text.slice(0, 40)}`,
                     onclick: () => {
                       if (window.confirm(t.confirm_delete)) outbox.send("delete_note", { note_id: note.id });
                     } })) : null);
}

render();
