// The phone page: join (name optional), see what to do now, post and manage own notes.
import { Outbox, connect, el, fill, newId, readConfig, statusText, store, upsert } from "./common.js";
import { plugins, withPluginEvents } from "./kinds/index.js";
import { resultsList } from "./results.js";
import { Countdown } from "./timer.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
const tokenBox = store(`fac:${cfg.code}:token`);
const pendingTokenBox = store(`fac:${cfg.code}:pending-token`);
const seqBox = store(`fac:${cfg.code}:seq`);

let view = { joined: false, workshop: null, notes: [], me: null, vote: null, themes: null,
             to_place: null };
let lastSeq = seqBox.get(0);
let editing = null;
let editDraft = null; // what is typed in the note being edited, kept across re-renders
const countdown = new Countdown({
  box: $("timer-box"), display: $("timer"), status: $("timer-status"), announcer: $("timer-say"), t,
});


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
      view.notes.push({ id: ack.note_id, stage: item.payload.stage, text: item.payload.text,
                        moderation: ack.moderation });
    }
    say(ack.moderation === "pending" ? t.added_awaiting : t.added);
  } else if (kind === "edit_note") {
    say(t.saved);
  } else if (kind === "delete_note") {
    view.notes = view.notes.filter((n) => n.id !== item.payload.note_id);
    say(t.deleted);
  } else if (kind === "suggest_theme") {
    const note = (view.to_place || []).find((n) => n.id === item.payload.note_id);
    if (note) note.suggested = item.payload.theme_id;
    say(t.suggest_sent);
  } else {
    const thanks = kinds.map((k) => k.acked && k.acked(kind, ack)).find(Boolean);
    if (thanks) say(thanks);
  }
  render();
};
const kinds = plugins("phone", {
  t, say, code: cfg.code, token: () => tokenBox.get(), table: cfg.table || null,
  send: (event, payload) => outbox.send(event, payload),
});

outbox.onWait = (ack) => say(ack.error); // sent again by itself in a moment
const socket = connect(
  () => ({ role: "phone", code: cfg.code, token: tokenBox.get() || pendingTokenBox.get(),
           since: lastSeq }),
  withPluginEvents({
    snapshot(data) {
      seen(data.seq);
      if (!data.joined && tokenBox.get()) tokenBox.remove(); // unknown here: join again
      if (changedStep(view.workshop, data.workshop)) {
        editing = null;
        $("feedback").textContent = ""; // "Added. Thank you!" belongs to the step before
      }
      view = { joined: data.joined, workshop: data.workshop, notes: data.notes, me: data.me,
               vote: data.vote || null, themes: data.themes || null,
               to_place: data.to_place || null };
      for (const k of kinds) k.snapshot(data);
      countdown.update(data.workshop, data.now);
      render();
    },
    stage(data) {
      seen(data.seq);
      // timer changes come this way too: only a new step (or a lock) ends an edit
      if (changedStep(view.workshop, data.workshop)) {
        editing = null;
        if (!view.workshop || view.workshop.stage_index !== data.workshop.stage_index) {
          $("feedback").textContent = ""; // "Added. Thank you!" belongs to the step before
        }
      }
      view.workshop = data.workshop;
      countdown.update(data.workshop, data.now);
      render();
    },
    vote(data) {
      seen(data.seq);
      // the server tells us about our own dot before it acknowledges it: count it once
      const first = outbox.items[0];
      if (outbox.inflight && first && DOT_ACTIONS.has(first.event)) first.applied = true;
      view.vote = data.vote;
      render();
    },
    me(data) {
      seen(data.seq);
      view.me = data.me;
      render();
    },
    note(data) {
      seen(data.seq);
      upsert(view.notes, data.note);
      render();
    },
    note_removed(data) {
      seen(data.seq);
      view.notes = view.notes.filter((n) => n.id !== data.note_id);
      render();
    },
  }, kinds, seen, () => view.workshop, () => render()),
  (status, message) => {
    const conn = $("conn");
    conn.textContent = statusText(t, status, message);
    conn.dataset.status = status;
  },
);
outbox.attach(socket);

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (outbox.pending("join").length) return;
  const token = newId() + newId();
  pendingTokenBox.set(token);
  // from a café table's QR code (/j/<code>/table/<n>): a late arrival sits at that table
  const place = cfg.table ? { table: cfg.table - 1 } : {};
  outbox.send("join", { name: $("name").value.trim(), token, ...place });
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
  // a kind may add where the note was written (a café: the round), for a note sent later
  const extra = kinds.reduce((out, k) => ({ ...out, ...(k.noteFields ? k.noteFields(view.workshop) : {}) }), {});
  outbox.send("post_note", { ...extra, text, stage: view.workshop.stage_index });
  area.value = "";
  updateCount();
  area.focus();
});

$("note-text").addEventListener("input", updateCount);


function maxLength() {
  const stage = view.workshop && view.workshop.stage;
  return fromKinds("maxLength") || (stage && stage.options && stage.options.max_length) || 280;
}

function updateCount() {
  const n = $("note-text").value.length;
  $("note-count").textContent = fill(t.count, { n, max: maxLength() });
  $("note-count").classList.toggle("over", n > maxLength());
}

const DOT_ACTIONS = new Set(["place_dot", "remove_dot"]);

function changedStep(before, after) {
  return !before || !after || before.stage_index !== after.stage_index
    || before.status !== after.status || before.locked !== after.locked;
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
  let extra = ""; // the plan's instructions, when a kind says what to do now in its own words
  const instructions = (stage && stage.instructions) || "";
  if (w.status === "waiting") what = t.waiting;
  else if (w.status === "ended") what = t.ended;
  else if (w.locked) what = t.locked;
  else if (stage && stage.kind === "notes") what = instructions || t.write;
  else {
    const kindWhat = fromKinds("what");
    what = kindWhat || instructions || t.not_notes;
    if (kindWhat && kindWhat !== instructions) extra = instructions;
  }
  const running = w.status === "running" && stage;
  let [now, more] = splitWhat(what);
  if (running && extra) more = more ? `${more} ${extra}` : extra;
  $("stage-what").textContent = now;
  $("stage-more").hidden = !more;
  $("stage-more-text").textContent = more || "";
  // on the first screen after joining, before the start: what the workshop is for
  $("purpose-now").hidden = !(w.status === "waiting" && w.purpose);
  $("purpose-now").textContent = w.purpose ? fill(t.purpose, { text: w.purpose }) : "";
  if ($("purpose-box")) $("purpose-box").hidden = w.status === "waiting"; // shown just above
  const prompt = fromKinds("prompt");
  if (prompt) $("stage-prompt").textContent = prompt;
  const canWrite = w.status === "running" && !w.locked && stage
    && (stage.kind === "notes" || Boolean(fromKinds("writable")));
  $("note-form").hidden = !canWrite;
  if (canWrite) updateCount();
  $("me-line").textContent = view.me && view.me.name
    ? fill(t.you_are, { name: view.me.name }) : (view.me ? t.anonymous : "");
  const options = (stage && stage.options) || {};
  $("silent-note").hidden = !(running && stage.kind === "notes" && options.silent && !w.revealed);
  $("anon-note").hidden = !(running && stage.anonymous);
  $("stage-notices").hidden = $("silent-note").hidden && $("anon-note").hidden;
  renderVote();
  renderSuggest();
  for (const k of kinds) k.render(w);
  placeNoteForm();
  renderNotes(Boolean(canWrite));
}

// What to do now, in a line or two; the rest of long instructions folds away under it.
const SHORT_WHAT = 110;
function splitWhat(text) {
  if (!text || text.length <= SHORT_WHAT) return [text || "", ""];
  // the first sentence, or (a long one) its first clause, up to a colon or semicolon
  let first = text.match(/^.+?[.!?](?=\s)/);
  if (!first || first[0].length > SHORT_WHAT + 50) first = text.match(/^.+?[:;](?=\s)/);
  if (!first || first[0].length > SHORT_WHAT + 50) return [text, ""];
  return [first[0], text.slice(first[0].length).trim()];
}

// The note form goes where the active kind wants it (its [data-note-slot]: a café puts it
// just under the table it is written at), else at its home under the prompt.
function placeNoteForm() {
  const form = $("note-form");
  const slot = [...document.querySelectorAll("[data-note-slot]")]
    .find((s) => !s.closest("[hidden]"));
  const target = slot || $("note-home");
  if (form.parentElement !== target) target.append(form);
}

// The first answer a kind's plug-in gives for this step (writable, prompt, what).
function fromKinds(method) {
  for (const k of kinds) {
    const answer = k[method] && k[method](view.workshop);
    if (answer) return answer;
  }
  return undefined;
}

// My dots per item, counting taps still waiting in the outbox (offline, or not yet answered).
function myDots() {
  const mine = { ...((view.vote && view.vote.mine) || {}) };
  let waiting = 0;
  for (const item of outbox.items) {
    if (!DOT_ACTIONS.has(item.event) || item.applied) continue;
    const id = item.payload.item_id;
    mine[id] = (mine[id] || 0) + (item.event === "place_dot" ? 1 : -1);
    waiting += 1;
  }
  return { mine, waiting };
}

function renderVote() {
  const w = view.workshop;
  const inVote = w.status === "running" && w.stage && w.stage.kind === "vote";
  $("vote").hidden = !inVote;
  if (!inVote) return;
  const vote = view.vote;
  $("vote-wait").hidden = Boolean(vote);
  if (!vote) {
    $("dots-left").textContent = "";
    $("vote-items").replaceChildren();
    $("vote-results").hidden = true;
    return;
  }
  const open = vote.status === "open";
  const { mine, waiting } = myDots();
  const used = Object.values(mine).reduce((a, b) => a + Math.max(0, b), 0);
  const left = vote.dots - used;
  $("dots-left").textContent = open
    ? fill(t.dots_left, { n: Math.max(0, left) }) + (waiting ? ` ${fill(t.dots_waiting, { n: waiting })}` : "")
    : t.vote_closed;
  $("vote-items").replaceChildren(...(vote.items || []).map((item, index) => {
    const n = Math.max(0, mine[item.id] || 0);
    const short = item.label.slice(0, 60);
    return el("li", { class: "vote-item", "data-item-id": item.id, "data-mine": String(n) },
      el("p", { class: "label", text: item.label }),
      el("p", { class: "mydots" },
        el("span", { class: "dotchars", "aria-hidden": "true", text: "●".repeat(n) || "○" }), " ",
        el("span", { class: "n", text: fill(t.your_dots, { n }) })),
      open ? el("div", { class: "row wrap" },
        el("button", { type: "button", class: "primary add-dot", text: t.add_dot,
                       "data-main-action": index === 0,
                       "aria-label": `${t.add_dot}: ${short}`,
                       disabled: left <= 0 || n >= (vote.cap || (vote.allow_multiple ? vote.dots : 1)),
                       onclick: () => outbox.send("place_dot", { item_id: item.id }) }),
        el("button", { type: "button", class: "remove-dot", text: t.remove_dot,
                       "aria-label": `${t.remove_dot}: ${short}`, disabled: n <= 0,
                       onclick: () => outbox.send("remove_dot", { item_id: item.id }) })) : null);
  }));
  // only final results: while the vote is open, a phone hears about its own dots only, so any
  // tally it holds would be out of date
  const results = open ? null : vote.results;
  $("vote-results").hidden = !results;
  if (results) {
    $("vote-results-h").textContent = t.final_results;
    $("vote-results-list").replaceChildren(resultsList(results, t));
  }
  $("vote-items").dataset.left = String(left);
}

function renderSuggest() {
  const w = view.workshop;
  const show = w.status === "running" && w.stage && w.stage.kind === "cluster"
    && Array.isArray(view.to_place) && view.to_place.length > 0;
  $("suggest").hidden = !show;
  if (!show) return;
  const themes = view.themes || [];
  const nameOf = (id) => (themes.find((th) => th.id === id) || {}).name;
  $("suggest-empty").hidden = themes.length > 0;
  if (document.activeElement && document.activeElement.closest("#suggest-list")) {
    const focused = document.activeElement.id;
    setTimeout(() => { const again = $(focused); if (again) again.focus(); }, 0);
  }
  $("suggest-list").replaceChildren(...view.to_place.map((note, index) => {
    const id = `suggest-${note.id}`;
    const select = el("select", { id, disabled: themes.length === 0,
                                  "data-main-action": index === 0 && themes.length > 0 },
      el("option", { value: "", text: t.choose_theme }),
      ...themes.map((th) => el("option", { value: th.id, text: th.name })));
    select.value = note.suggested && nameOf(note.suggested) ? note.suggested : "";
    select.addEventListener("change", () => {
      if (select.value) outbox.send("suggest_theme", { note_id: note.id, theme_id: select.value });
    });
    return el("li", { class: "note", "data-note-id": note.id },
      el("p", { class: "text", text: note.text }),
      el("p", { class: "small muted", text: fill(t.now_in, { theme: nameOf(note.theme) || t.not_grouped }) }),
      el("label", { for: id, text: t.suggest_label }), select,
      note.suggested && nameOf(note.suggested)
        ? el("p", { class: "small", text: fill(t.suggested, { theme: nameOf(note.suggested) }) }) : null);
  }));
}

function renderNotes(canWrite) {
  const list = $("mine");
  const pending = outbox.pending("post_note").map((item) => ({
    id: null, text: item.payload.text, stage: item.payload.stage, pending: true }));
  const notes = [...view.notes].sort((a, b) => (a.stage - b.stage) || idOrder(a) - idOrder(b));
  const rows = [...notes, ...pending];
  list.replaceChildren(...rows.map(noteItem));
  $("mine-empty").hidden = rows.length > 0;
  // "Your notes" only where notes are written, or once there are some
  $("mine-box").hidden = rows.length === 0 && !canWrite;
}

function idOrder(note) {
  return Number(String(note.id).slice(1)) || 0;
}

function noteItem(note) {
  if (note.pending) {
    return el("li", { class: "note pending" }, el("p", { class: "text", text: note.text }),
      el("p", { class: "small", text: t.pending }));
  }
  if (editing === note.id) {
    const area = el("textarea", { rows: 4, "aria-label": t.edit_label });
    if (editDraft === null) editDraft = note.text;
    area.value = editDraft;
    area.addEventListener("input", () => { editDraft = area.value; });
    setTimeout(() => area.focus(), 0);
    return el("li", { class: "note editing" }, area,
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: t.save, onclick: () => {
          const text = area.value.trim();
          if (!text) return say(t.empty);
          outbox.send("edit_note", { note_id: note.id, text });
          note.text = text;
          editing = null;
          editDraft = null;
          render();
        } }),
        el("button", { type: "button", text: t.cancel, onclick: () => { editing = null; editDraft = null; render(); } })));
  }
  const open = isOpen(note.stage);
  return el("li", { class: "note", "data-note-id": note.id },
    el("p", { class: "text", text: note.text }),
    note.edited ? el("p", { class: "small muted", text: t.edited }) : null,
    note.moderation === "pending" ? el("p", { class: "small awaiting", text: t.awaiting }) : null,
    open ? el("div", { class: "row" },
      el("button", { type: "button", text: t.edit, "aria-label": `${t.edit}: ${note.text.slice(0, 40)}`,
                     onclick: () => { editing = note.id; editDraft = null; render(); } }),
      el("button", { type: "button", text: t.delete, "aria-label": `${t.delete}: ${note.text.slice(0, 40)}`,
                     onclick: () => {
                       if (window.confirm(t.confirm_delete)) outbox.send("delete_note", { note_id: note.id });
                     } })) : null);
}

render();
