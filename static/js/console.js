// The facilitator console: stage control, lock, join panel, moderation, counts, the timer,
// what the projector shows, reveal, undo, the clustering board and the dot vote.
import { BoardEditor } from "./board.js";
import { plugins, withPluginEvents } from "./kinds/index.js";
import { connect, el, fill, formatPeople, newId, readConfig, upsert } from "./common.js";
import { moderation } from "./moderation.js";
import { resultsTable } from "./results.js";
import { Countdown, formatSeconds } from "./timer.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
let lastSeq = 0;
let view = null;


function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) lastSeq = seq;
}

function say(text) {
  $("feedback").textContent = text;
}

function act(event, payload = {}, onOk = null) {
  socket.timeout(10000).emit(event, { ...payload, client_id: newId() }, (err, ack) => {
    if (err) return say(t.offline);
    if (!ack.ok) return say(ack.error);
    seen(ack.seq);
    say(t.done);
    if ("can_undo" in ack) $("undo").disabled = !ack.can_undo;
    if (onOk) onOk(ack);
  });
}

const countdown = new Countdown({
  box: $("console-timer-box"), display: $("console-timer"), status: $("console-timer-status"),
  announcer: $("timer-say"), t,
});

const boardEditor = new BoardEditor($("board"), {
  t, act, onSelection: (n) => { $("group-count").textContent = n ? fill(t.ticked, { n }) : ""; },
});
let voteFormStage = null; // the stage whose defaults the open-vote form shows

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
  renderMechanics();
  renderBoard();
  renderVote();
  renderKinds();
}

function renderKinds() {
  if (view) for (const k of kinds) k.render(view.workshop);
}

function kind() {
  const w = view.workshop;
  return w.status === "running" && w.stage ? w.stage.kind : null;
}

function renderTimer() {
  const w = view.workshop;
  const timer = w.timer || {};
  const stage = w.stage;
  const running = w.status === "running";
  const paused = !timer.running && timer.remaining > 0
    && !(timer.duration && Math.abs(timer.remaining - timer.duration) < 0.5);
  $("timer-start").textContent = paused ? t.resume_timer : t.start_timer;
  $("timer-start").disabled = !running || Boolean(timer.running);
  $("timer-pause").disabled = !timer.running;
  $("timer-add").disabled = !running || (!timer.running && timer.remaining == null);
  $("timer-reset").disabled = !running;
  $("timer-minutes-help").textContent = stage && stage.duration
    ? fill(t.minutes_help_duration, { time: formatSeconds(stage.duration) }) : t.minutes_help_none;
  $("timer-none").hidden = !$("console-timer-box").hidden;
}

function renderMechanics() {
  const w = view.workshop;
  const stage = w.stage;
  const generic = ["wall", "words", "themes", "results"];
  for (const button of document.querySelectorAll("#views [data-view]")) {
    const name = button.dataset.view === "step" ? w.own_view : button.dataset.view;
    button.setAttribute("aria-pressed", String(name === w.screen_view));
    // "this step's own view" is for kinds with a view of their own (a café's table map...)
    if (button.dataset.view === "step") button.hidden = generic.includes(w.own_view);
  }
  const k = kind();
  $("anon-marker").hidden = !(stage && stage.anonymous && w.status !== "waiting");
  const silent = k === "notes" && stage.options && stage.options.silent && !w.revealed;
  $("reveal").hidden = !silent;
  $("silent-marker").hidden = !silent;
  if (silent) {
    const n = view.notes.filter((x) => x.stage === w.stage_index && !x.hidden).length;
    $("silent-marker").textContent = fill(t.silent_count, { n });
  }
  renderTimer();
}

function renderBoard() {
  const show = kind() === "cluster" && Boolean(view.board);
  $("board-panel").hidden = !show;
  if (show) boardEditor.render(view.board);
}

function renderVote() {
  const show = kind() === "vote";
  $("vote-panel").hidden = !show;
  if (!show) return;
  const w = view.workshop;
  const vote = view.vote;
  const options = (w.stage && w.stage.options) || {};
  if (voteFormStage !== w.stage_index) {
    voteFormStage = w.stage_index;
    $("vote-dots").value = options.dots ? String(options.dots) : "";
    $("vote-multiple").checked = Boolean(options.allow_multiple);
    $("vote-hidden").checked = options.hidden !== false;
  }
  $("open-vote").hidden = Boolean(vote);
  $("close-vote").hidden = !vote || vote.status !== "open";
  if (!vote) {
    $("vote-state").textContent = t.vote_waiting;
    $("console-results").replaceChildren();
    return;
  }
  const counts = { voters: vote.voters, placed: vote.placed };
  const dots = fill(t.vote_dots, { n: vote.dots });
  $("vote-state").textContent = vote.status === "open"
    ? `${fill(t.vote_open, counts)} ${dots}${vote.hidden ? ` ${t.vote_open_hidden}` : ""}`
    : fill(t.vote_closed, counts);
  $("console-results").replaceChildren(resultsTable(vote.results || [], t, { id: "results-table" }));
}

function stageLabel(i) {
  const stage = view.stages[i];
  return stage.title || stage.prompt;
}

function renderNotes() {
  const current = view.workshop.stage || (view.stages && view.stages[0]);
  // the notes panel belongs to notes stages; clustering and voting have their own panels
  $("notes-panel").hidden = Boolean(current) && !["notes", "cafe"].includes(current.kind);
  const shown = Math.max(view.workshop.stage_index, 0);
  const notes = view.notes.filter((n) => n.stage === shown).sort((a, b) => a.posted_at - b.posted_at);
  $("notes").replaceChildren(...notes.map((note) => {
    const when = note.hidden_at ? new Date(note.hidden_at * 1000).toLocaleTimeString() : "";
    return el("li", { class: note.hidden ? "note hidden-note" : "note", "data-note-id": note.id },
      el("p", { class: "text", text: note.text }),
      el("p", { class: "small muted", text: (note.name || t.anonymous)
        + (note.table !== undefined ? ` · ${fill(t.table_round, { table: note.table + 1, round: note.round + 1 })}` : "") }),
      note.hidden ? el("p", { class: "small", text: fill(t.hidden, { who: note.hidden_by, when }) }) : null,
      el("button", { type: "button", text: note.hidden ? t.unhide : t.hide,
                     "aria-label": `${note.hidden ? t.unhide : t.hide}: ${note.text.slice(0, 40)}`,
                     onclick: () => act(note.hidden ? "unhide_note" : "hide_note", { note_id: note.id }) }));
  }));
  $("note-count").textContent = `(${notes.length})`;
  if (kind() === "notes") renderMechanics();
}

const kinds = plugins("console", { t, act });
moderation({ act, view: () => view }); // pre-moderation queue and spotlight (notes panel)

const socket = connect(
  () => ({ role: "console", key: cfg.key, since: lastSeq }),
  withPluginEvents({
    snapshot(data) {
      seen(data.seq);
      view = data;
      for (const k of kinds) k.snapshot(data);
      $("undo").disabled = !data.can_undo;
      $("people").textContent = formatPeople(t.people, data.people);
      countdown.update(data.workshop, data.now);
      render();
    },
    stage(data) {
      seen(data.seq);
      view.workshop = data.workshop;
      countdown.update(data.workshop, data.now);
      render();
    },
    board(data) {
      seen(data.seq);
      if (data.board.stage !== view.workshop.stage_index) return;
      view.board = data.board;
      renderBoard();
    },
    vote(data) {
      seen(data.seq);
      if (data.vote.stage !== view.workshop.stage_index) return;
      view.vote = data.vote;
      renderVote();
    },
    note(data) {
      seen(data.seq);
      upsert(view.notes, data.note);
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
      for (const k of kinds) if (k.people) k.people(data);
      renderKinds();
    },
    participant(data) {
      seen(data.seq);
    },
  }, kinds, seen, () => view && view.workshop, () => renderKinds()),
  (status) => {
    $("conn").textContent = t[status];
    $("conn").dataset.status = status;
  },
);

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}
$("qr-toggle").addEventListener("click", () => act("show_qr", { visible: !view.workshop.qr_visible }));

for (const button of document.querySelectorAll("#views [data-view]")) {
  button.addEventListener("click", () => act("show_view", { view: button.dataset.view }));
}
$("reveal").addEventListener("click", () => act("reveal_notes"));
// every facilitator ack says whether there is something left to undo (snapshots say it too)
$("undo").addEventListener("click", () => act("undo"));

$("timer-start").addEventListener("click", () => {
  const timer = view.workshop.timer || {};
  const paused = timer.remaining > 0 && !(timer.duration && Math.abs(timer.remaining - timer.duration) < 0.5);
  const minutes = parseFloat($("timer-minutes").value);
  if (!paused && minutes > 0) act("timer_start", { seconds: Math.round(minutes * 60) });
  else act("timer_start");
});
$("timer-pause").addEventListener("click", () => act("timer_pause"));
$("timer-add").addEventListener("click", () => act("timer_add"));
$("timer-reset").addEventListener("click", () => act("timer_reset"));

$("group-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const ids = boardEditor.selectedIds();
  const name = $("group-name").value.trim();
  act("group_notes", name ? { note_ids: ids, name } : { note_ids: ids }, () => {
    $("group-name").value = "";
    boardEditor.clearSelection();
  });
});

$("open-vote").addEventListener("submit", (event) => {
  event.preventDefault();
  const payload = { allow_multiple: $("vote-multiple").checked, hidden: $("vote-hidden").checked };
  const dots = parseInt($("vote-dots").value, 10);
  if (dots > 0) payload.dots = dots;
  act("open_vote", payload);
});
$("close-vote").addEventListener("click", () => act("close_vote"));

