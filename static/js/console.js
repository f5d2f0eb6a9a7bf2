// The facilitator console: the next move and the run of show, stage control, lock, join
// panel, moderation, counts, the timer, what the projector shows, reveal, undo, the clustering
// board and the dot vote.
//
// The next move (#next-move, the page's one primary button) always names the next step of
// the current stage and does it: each kind's console plug-in may answer primary(workshop)
// with {label, run}; else the core stage's own step (reveal a silent stage's notes, open or
// close a vote); else "Next: <title>", or "Finish the workshop" on the last stage.
import { BoardEditor } from "./board.js";
import { plugins, withPluginEvents } from "./kinds/index.js";
import { connect, el, fill, formatPeople, newId, plural, readConfig, statusText, upsert } from "./common.js";
import { moderation } from "./moderation.js";
import { pagerControls } from "./pager-controls.js";
import { resultsTable } from "./results.js";
import { Countdown, formatSeconds } from "./timer.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
let lastSeq = 0;
let view = null;
let move = null; // the next move the primary button shows: {label, run}
// after a press, the same move is not taken again until the button names a new one (or a
// moment has passed, if the server said no): a double click takes one step, not two
let pressed = null;
const PRESS_HOLD_MS = 1500;


function count(key, n, values = {}) {
  return plural(t[key], n, values);
}

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
  renderStrip();
  const status = w.status === "waiting" ? t.waiting : w.status === "ended" ? t.ended
    : w.locked ? t.locked : "";
  if (status) say(status);
  document.querySelector('[data-action="reopen_workshop"]').hidden = w.status !== "ended";
  document.querySelector('[data-action="end_workshop"]').hidden = w.status === "ended";
  document.querySelector('[data-action="prev_stage"]').hidden = w.status !== "running";
  document.querySelector('[data-action="next_stage"]').hidden = w.status !== "running"
    || w.stage_index + 1 >= w.stage_count;
  $("lock").hidden = w.locked || w.status !== "running";
  $("unlock").hidden = !w.locked || w.status !== "running";
  $("close-door").hidden = w.door_open === false;
  $("open-door").hidden = w.door_open !== false;
  $("door-state").hidden = w.door_open !== false;
  renderProjector();
  renderNotes();
  renderMechanics();
  renderBoard();
  renderVote();
  renderKinds();
  renderMove();
}

// -- the next move ---------------------------------------------------------------------------

function nextMove() {
  const w = view.workshop;
  if (w.status === "waiting") return { label: t.move_start, action: "start", run: () => act("start") };
  if (w.status === "ended") {
    return { label: t.move_report, run: () => window.open($("report-link").href, "_blank", "noopener") };
  }
  for (const k of kinds) {
    const m = k.primary ? k.primary(w) : null;
    if (m) return m;
  }
  const k = kind();
  if (k === "notes" && w.stage.options && w.stage.options.silent && !w.revealed) {
    return { label: t.move_reveal, run: () => act("reveal_notes") };
  }
  if (k === "vote" && !view.vote) return { label: t.move_open_vote, run: () => $("open-vote").requestSubmit() };
  if (k === "vote" && view.vote.status === "open") return { label: t.move_close_vote, run: () => act("close_vote") };
  if (w.stage_index + 1 < w.stage_count) {
    return { label: fill(t.move_next, { title: stageLabel(w.stage_index + 1) }), run: () => act("next_stage") };
  }
  return { label: t.move_finish, run: () => act("end_workshop") };
}

function renderMove() {
  move = nextMove();
  const button = $("next-move");
  button.disabled = false;
  button.textContent = move.label;
  // the plain "start" keeps its data-action, as the Start button had, for scripts and tests
  if (move.action) button.dataset.action = move.action;
  else delete button.dataset.action;
}

// -- the run of show: stages with their minutes, the clock, planned against actual ----------

const minutes = (seconds) => Math.round(seconds / 60);

function serverNow() {
  return Date.now() / 1000 + countdown.offset;
}

function clockTime(epoch) {
  return new Date((epoch - countdown.offset) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function renderStrip() {
  const w = view.workshop;
  $("stages").replaceChildren(...view.stages.map((stage, i) => {
    const current = i === w.stage_index && w.status !== "waiting";
    const done = w.status !== "waiting" && (i < w.stage_index || (w.status === "ended" && i === w.stage_index));
    return el("li", { class: current ? "current" : done ? "done" : null, "aria-current": current ? "step" : null },
      el("button", { type: "button", class: "link", text: `${i + 1}. ${stageLabel(i)}`,
                     onclick: () => act("go_to_stage", { stage: i }) }),
      el("span", { class: "minutes", text: stage.duration ? count("min", minutes(stage.duration)) : t.no_length }),
      current ? el("strong", { class: "now-tag", text: t.current }) : null,
      done ? el("span", { class: "done-tag", text: t.stage_done }) : null);
  }));
  tickStrip();
}

// planned against actual: the current stage, and where the whole workshop is heading
function tickStrip() {
  if (!view) return;
  const w = view.workshop;
  const now = serverNow();
  $("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const planned = view.stages.map((s) => s.duration || 0);
  const total = planned.reduce((a, b) => a + b, 0);
  let stageLine = "";
  let workshopLine = "";
  if (w.status === "waiting") {
    workshopLine = total ? fill(t.plan_total, { length: count("min", minutes(total)) }) : "";
  } else if (w.status === "running" && w.stage_started_at) {
    const length = planned[w.stage_index];
    const elapsed = Math.max(0, now - w.stage_started_at);
    if (length) {
      const left = length - elapsed;
      stageLine = left >= 60 ? count("left", Math.floor(left / 60))
        : left >= 0 ? t.left_under_minute : count("over", Math.max(1, Math.floor(-left / 60)));
    } else {
      stageLine = count("stage_in", Math.floor(elapsed / 60));
    }
    if (total && w.started_at) {
      const after = planned.slice(w.stage_index + 1).reduce((a, b) => a + b, 0);
      const likely = now + Math.max(0, (length || 0) - elapsed) + after;
      const plannedEnd = w.started_at + total;
      const late = Math.round((likely - plannedEnd) / 60);
      const values = { time: clockTime(likely), planned: clockTime(plannedEnd) };
      workshopLine = late >= 1 ? count("behind", late, values)
        : late <= -1 ? count("ahead", -late, values) : fill(t.on_plan, values);
    }
  }
  $("plan-stage").textContent = stageLine ? `· ${stageLine}` : "";
  $("plan-workshop").textContent = workshopLine;
  const nextIndex = w.status === "waiting" ? 0 : w.stage_index + 1;
  const next = w.status !== "ended" ? view.stages[nextIndex] : null;
  $("up-next").textContent = next
    ? fill(next.duration ? t.up_next_length : t.up_next, { title: stageLabel(nextIndex), length: next.duration ? count("min", minutes(next.duration)) : "" })
    : w.status === "running" ? t.last_stage : "";
}
setInterval(tickStrip, 5000);

// -- the projector and its join panel (none for a person-centred plan) ----------------------

function renderProjector() {
  const w = view.workshop;
  const projector = view.projector !== false;
  $("show-panel").hidden = !projector;
  for (const node of document.querySelectorAll(".projector-only")) node.hidden = !projector;
  $("qr-toggle").setAttribute("aria-pressed", String(w.qr_visible));
  $("qr-toggle").textContent = w.qr_visible ? t.qr_large : t.qr_small;
  $("qr-keep").setAttribute("aria-pressed", String(Boolean(w.qr_keep_large)));
  $("qr-help").textContent = w.qr_keep_large ? t.qr_keep_on : t.qr_keep_off;
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
  $("silent-marker").hidden = !silent;
  if (silent) {
    const n = view.notes.filter((x) => x.stage === w.stage_index && !x.hidden).length;
    $("silent-marker").textContent = count("silent_count", n);
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
    $("vote-cap").value = options.max_per_item ? String(options.max_per_item) : "";
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
  const dots = count("vote_dots", vote.dots);
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
  $("notes-panel").hidden = Boolean(current) && !["notes", "cafe", "checkin"].includes(current.kind);
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
  if (kind() === "notes") {
    renderMechanics();
    renderMove();
  }
}

const kinds = plugins("console", { t, act });

// "Anonymise names in every export": every export link asks for ?anonymise=1
const anonymiseBox = $("export-anonymise");
if (anonymiseBox) {
  anonymiseBox.addEventListener("change", () => {
    for (const link of document.querySelectorAll("a[data-export]")) {
      const url = new URL(link.href, window.location.href);
      if (anonymiseBox.checked) url.searchParams.set("anonymise", "1");
      else url.searchParams.delete("anonymise");
      link.href = url.pathname + url.search;
    }
  });
}
moderation({ act, view: () => view }); // pre-moderation queue and spotlight (notes panel)
const pager = pagerControls({ act, t }); // the projector's pages

const socket = connect(
  () => ({ role: "console", key: cfg.key, since: lastSeq }),
  withPluginEvents({
    pager_state(data) {
      pager.state(data);
    },
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
      renderMove();
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
  }, kinds, seen, () => view && view.workshop, () => { renderKinds(); renderMove(); }),
  (status, message) => {
    $("conn").textContent = statusText(t, status, message);
    $("conn").dataset.status = status;
  },
);

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}
$("next-move").disabled = true; // until the first snapshot says what the next move is
$("next-move").addEventListener("click", () => {
  if (!move) return;
  const now = Date.now();
  if (pressed && pressed.label === move.label && now - pressed.at < PRESS_HOLD_MS) return;
  pressed = { label: move.label, at: now };
  move.run();
});
$("qr-toggle").addEventListener("click", () => act("show_qr", { visible: !view.workshop.qr_visible }));
$("qr-keep").addEventListener("click", () => act("keep_qr_large", { keep: !view.workshop.qr_keep_large }));

for (const button of document.querySelectorAll("#views [data-view]")) {
  button.addEventListener("click", () => act("show_view", { view: button.dataset.view }));
}
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
  const cap = parseInt($("vote-cap").value, 10);
  if (cap > 0) payload.max_per_item = cap;
  act("open_vote", payload);
});
$("close-vote").addEventListener("click", () => act("close_vote"));

