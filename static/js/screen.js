// The projector screen: prompt, timer, and what the facilitator chose to show: the live wall
// (or the silent-writing count), frequent words, themes, or vote results. Join panel, people.
import { connect, el, fill, formatPeople, readConfig } from "./common.js";
import { plugins, withPluginEvents } from "./kinds/index.js";
import { resultsList } from "./results.js";
import { Chime, Countdown } from "./timer.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
let lastSeq = 0;
let workshop = null;
const notes = new Map();
let silentCount = null; // notes written in a silent stage, not yet revealed
let words = null;
let board = null;
let vote = null;
const kinds = plugins("screen", { t });

const chime = new Chime();
const countdown = new Countdown({
  box: $("timer-box"), display: $("timer"), status: $("timer-status"), announcer: $("timer-say"),
  t, onZero: () => chime.play(),
});

$("sound").addEventListener("click", () => {
  const on = $("sound").getAttribute("aria-pressed") !== "true";
  $("sound").setAttribute("aria-pressed", String(on));
  chime.enable(on);
});

function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) lastSeq = seq;
}

function plural(key, n) {
  return fill(n === 1 ? t[`${key}_one`] : t[`${key}_other`], { n });
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
  const view = workshop.screen_view || "wall";
  for (const section of document.querySelectorAll(".screen-main [id^=view-]")) {
    section.hidden = section.id !== `view-${view}`;
  }
  document.body.dataset.view = view;
}

function noteCard(note) {
  return el("li", { class: "card", "data-note-id": note.id },
    el("p", { class: "text", text: note.text }),
    note.name ? el("p", { class: "who", text: note.name }) : null);
}

function silentShown() {
  return silentCount !== null && workshop && workshop.status === "running";
}

function renderWall() {
  const sorted = [...notes.values()].sort((a, b) => a.posted_at - b.posted_at);
  $("wall").replaceChildren(...sorted.map(noteCard));
  renderSilent();
}

function renderSilent() {
  const silent = silentShown();
  $("silent").hidden = !silent;
  if (silent) $("silent").textContent = silentCount === 1 ? t.silent_one : fill(t.silent, { n: silentCount });
  $("wall-empty").hidden = notes.size > 0 || silent;
}

function renderWords() {
  const list = (words && words.words) || [];
  const phrases = (words && words.phrases) || [];
  const counts = list.map(([, n]) => n);
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  $("words").replaceChildren(...list.map(([word, n]) => {
    const item = el("li", { class: "word", "data-count": String(n) },
      el("span", { class: "w", text: word }), " ",
      el("span", { class: "n", text: String(n) }),
      el("span", { class: "sr-only", text: ` (${fill(t.word_count, { n })})` }));
    // bigger for more frequent words, and the count is always written too
    const scale = hi > lo ? (n - lo) / (hi - lo) : 0.5;
    item.style.fontSize = `${1 + scale * 1.6}em`;
    return item;
  }));
  $("phrases").replaceChildren(...phrases.slice(0, 8).map(([phrase, n]) =>
    el("li", { "data-count": String(n) }, el("span", { class: "w", text: phrase }), " ",
      el("span", { class: "n", text: String(n) }))));
  $("phrases-h").hidden = phrases.length === 0;
  $("words-empty").hidden = list.length > 0;
}

function renderBoard() {
  const themes = (board && board.themes) || [];
  const loose = (board && board.ungrouped) || [];
  $("themes").replaceChildren(...themes.map((theme) =>
    el("li", { class: "theme", "data-theme-id": theme.id, "data-count": String(theme.count) },
      el("h2", { class: "theme-name" },
        el("span", { class: "name", text: theme.name || t.no_theme_name }), " ",
        el("span", { class: "count", text: plural("notes", theme.count) })),
      el("ul", { class: "theme-notes" }, ...theme.notes.map(noteCard)))));
  $("themes-empty").hidden = themes.length > 0;
  $("ungrouped-box").hidden = loose.length === 0;
  $("ungrouped-h").textContent = fill(t.ungrouped, { n: loose.length });
  $("ungrouped").replaceChildren(...loose.map(noteCard));
}

function renderVote() {
  const status = $("vote-status");
  const box = $("results-box");
  if (!vote) {
    const isVote = workshop && workshop.stage && workshop.stage.kind === "vote";
    status.textContent = isVote ? t.vote_waiting : t.no_vote;
    box.replaceChildren();
    return;
  }
  const voted = plural("voted", vote.voters);
  if (vote.status === "closed") status.textContent = `${t.vote_closed} ${voted}.`;
  else if (!vote.results) status.textContent = `${voted}. ${t.vote_hidden}`;
  else status.textContent = `${t.vote_open} ${voted}.`;
  if (vote.results) box.replaceChildren(resultsList(vote.results, t, { id: "results" }));
  else box.replaceChildren();
  box.dataset.placed = String(vote.placed);
}

connect(
  () => ({ role: "screen", key: cfg.key, since: lastSeq }),
  withPluginEvents({
    snapshot(data) {
      seen(data.seq);
      workshop = data.workshop;
      notes.clear();
      for (const note of data.notes) notes.set(note.id, note);
      silentCount = typeof data.silent_count === "number" ? data.silent_count : null;
      words = data.words || null;
      board = data.board || null;
      vote = data.vote || null;
      for (const k of kinds) k.snapshot(data);
      renderWorkshop();
      renderKinds();
      renderWall();
      renderWords();
      renderBoard();
      renderVote();
      renderPeople(data.people);
      countdown.update(workshop, data.now);
    },
    stage(data) {
      seen(data.seq);
      workshop = data.workshop;
      renderWorkshop();
      renderKinds();
      renderSilent();
      countdown.update(workshop, data.now);
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
        renderSilent();
      }
    },
    silent_count(data) {
      seen(data.seq);
      if (workshop && data.stage !== workshop.stage_index) return;
      silentCount = data.count;
      renderSilent();
    },
    words(data) {
      seen(data.seq);
      words = data.words;
      renderWords();
    },
    board(data) {
      seen(data.seq);
      board = data.board;
      renderBoard();
    },
    vote(data) {
      seen(data.seq);
      vote = data.vote;
      renderVote();
    },
    people(data) {
      seen(data.seq);
      renderPeople(data);
      for (const k of kinds) if (k.people) k.people(data);
      renderKinds();
    },
  }, kinds, seen, () => workshop, () => renderKinds()),
  (status) => {
    $("conn").textContent = t[status] || "";
    $("conn").dataset.status = status;
  },
);

function renderPeople(people) {
  $("people").textContent = formatPeople(t.people, people);
}

function renderKinds() {
  for (const k of kinds) k.render(workshop);
}
