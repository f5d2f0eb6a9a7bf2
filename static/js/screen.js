// The projector screen: prompt, timer, and what the facilitator chose to show: the live wall
// (or the silent-writing count), frequent words, themes, or vote results. Join panel, people.
import { connect, el, fill, formatPeople, readConfig, statusText, plural } from "./common.js";
import { Fitter } from "./fit.js";
import { plugins, withPluginEvents } from "./kinds/index.js";
import { resultsList } from "./results.js";
import { Chime, Countdown } from "./timer.js";

const cfg = readConfig();
const t = cfg.t;
const $ = (id) => document.getElementById(id);
// a bilingual plan (languages: [cy, en]): the second language's own words and texts
const t2 = document.getElementById("t-second") ? JSON.parse($("t-second").textContent) : null;
let lastSeq = 0;
let workshop = null;
let second = null; // the workshop view in the second language
const notes = new Map();
let silentCount = null; // notes written in a silent stage, not yet revealed
let words = null;
let board = null;
let vote = null;
const kinds = plugins("screen", { t });

const chime = new Chime();
// the console sees the screen's page k of n (and turns pages); a report at most every 300 ms
let socket = null;
let reportTimer = null;
function reportPages() {
  if (reportTimer) return;
  reportTimer = setTimeout(() => {
    reportTimer = null;
    if (socket && socket.connected) {
      socket.emit("pager_state", { page: fitter.page + 1, pages: fitter.pages.length,
                                   paused: fitter.paused }, () => {});
    }
  }, 300);
}
const fitter = new Fitter({ root: $("views"), indicator: $("pager"), t, onChange: reportPages });
const countdown = new Countdown({
  box: $("timer-box"), display: $("timer"), status: $("timer-word"), announcer: $("timer-say"),
  t, t2, onZero: () => chime.play(),
});

$("sound").addEventListener("click", () => {
  const on = $("sound").getAttribute("aria-pressed") !== "true";
  $("sound").setAttribute("aria-pressed", String(on));
  chime.enable(on);
});

function seen(seq) {
  if (typeof seq === "number" && seq > lastSeq) lastSeq = seq;
}

function count(key, n) {
  return plural(t[key], n);
}

function stepLine(words, w) {
  const stage = w.stage;
  return stage
    ? fill(words.step, { n: w.stage_index + 1, total: w.stage_count }) + (stage.title ? ` · ${stage.title}` : "")
    : w.title;
}

function statusLine(words, w) {
  if (w.status === "waiting") return words.waiting;
  if (w.status === "ended") return words.ended;
  if (w.locked) return words.locked;
  return "";
}

function renderWorkshop() {
  if (!workshop) return;
  const stage = workshop.stage;
  const other = t2 && second ? second : null; // the same view in the second language
  both($("step"), stepLine(t, workshop), other && stepLine(t2, other));
  const prompt = stage ? stage.prompt : workshop.title;
  const prompt2 = other ? (other.stage ? other.stage.prompt : other.title) : null;
  both($("prompt"), prompt, prompt2);
  $("prompt").classList.toggle("long", prompt.length > 60 || Boolean(prompt2 && prompt2 !== prompt));
  both($("purpose"), workshop.purpose || "", other && other.purpose);
  $("purpose").hidden = !(workshop.purpose && workshop.status === "waiting");
  both($("status"), statusLine(t, workshop), other && statusLine(t2, other));
  document.body.classList.toggle("join-small", !workshop.qr_visible);
  // a closed door: the code to scan gives way to the sentence (nobody scans in vain)
  const closed = workshop.door_open === false;
  document.body.classList.toggle("door-closed", closed);
  $("join-door").hidden = !closed;
  const spot = workshop.spotlight;
  const view = spot ? "spotlight" : workshop.screen_view || "wall";
  if (spot) {
    $("spotlight-text").textContent = spot.text;
    $("spotlight-who").textContent = spot.name || "";
  }
  for (const section of document.querySelectorAll(".screen-main [id^=view-]")) {
    section.hidden = section.id !== `view-${view}`;
  }
  document.body.dataset.view = view;
}

// One text, or the same text in both of a bilingual workshop's languages, side by side (the
// prompt in two columns, a line's words after a "·")
function both(node, first, other) {
  const bilingual = Boolean(t2 && other && other !== first);
  node.classList.toggle("bilingual", bilingual);
  if (!bilingual) {
    node.textContent = first;
    return;
  }
  node.replaceChildren(el("span", { class: "lang-first", text: first }),
    node.tagName === "H1" ? "" : " · ",
    el("span", { class: "lang-second", lang: t2.lang, dir: t2.dir, text: other }));
}

function noteCard(note) {
  return el("li", { class: "card", "data-note-id": note.id, "data-item": note.id },
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
  if (silent) $("silent").textContent = plural(t.silent, silentCount);
  $("wall-empty").hidden = notes.size > 0 || silent;
}

function renderWords() {
  const list = (words && words.words) || [];
  const phrases = (words && words.phrases) || [];
  const counts = list.map(([, n]) => n);
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  $("words").replaceChildren(...list.map(([word, n]) => {
    const item = el("li", { class: "word", "data-count": String(n), "data-item": `w:${word}` },
      el("span", { class: "w", text: word }), " ",
      el("span", { class: "n", text: String(n) }),
      el("span", { class: "sr-only", text: ` (${fill(t.word_count, { n })})` }));
    // bigger for more frequent words, and the count is always written too
    const scale = hi > lo ? (n - lo) / (hi - lo) : 0.5;
    item.style.fontSize = `${1 + scale * 1.6}em`;
    return item;
  }));
  $("phrases").replaceChildren(...phrases.slice(0, 8).map(([phrase, n]) =>
    el("li", { "data-count": String(n), "data-item": `p:${phrase}` }, el("span", { class: "w", text: phrase }), " ",
      el("span", { class: "n", text: String(n) }))));
  $("phrases-box").hidden = phrases.length === 0;
  $("words-empty").hidden = list.length > 0;
}

function renderBoard() {
  const themes = (board && board.themes) || [];
  const loose = (board && board.ungrouped) || [];
  // each theme is a group: its heading shows again on every page its notes continue on
  const groups = themes.map((theme) =>
    el("li", { class: "theme", "data-theme-id": theme.id, "data-count": String(theme.count), "data-group": "" },
      el("h3", { class: "theme-name" },
        el("span", { class: "name", text: theme.name || t.no_theme_name }), " ",
        el("span", { class: "count", text: count("notes", theme.count) })),
      el("ul", { class: "theme-notes" }, ...theme.notes.map(noteCard))));
  if (loose.length) {
    groups.push(el("li", { id: "ungrouped-box", class: "theme loose", "data-group": "" },
      el("h3", { id: "ungrouped-h", class: "theme-name", text: fill(t.ungrouped, { n: loose.length }) }),
      el("ul", { id: "ungrouped", class: "theme-notes" }, ...loose.map(noteCard))));
  }
  $("themes").replaceChildren(...groups);
  $("themes-empty").hidden = themes.length > 0 || loose.length > 0;
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
  const voted = count("voted", vote.voters);
  if (vote.status === "closed") status.textContent = `${t.vote_closed} ${voted}.`;
  else if (!vote.results) status.textContent = `${voted}. ${t.vote_hidden}`;
  else status.textContent = `${t.vote_open} ${voted}.`;
  if (vote.results) {
    const list = resultsList(vote.results, t, { id: "results" });
    for (const row of list.children) row.dataset.item = row.dataset.itemId;
    box.replaceChildren(list);
  } else box.replaceChildren();
  box.dataset.placed = String(vote.placed);
}

socket = connect(
  () => ({ role: "screen", key: cfg.key, since: lastSeq }),
  withPluginEvents({
    pager(data) {
      const actions = {
        next: () => fitter.next(), prev: () => fitter.prev(), first: () => fitter.show(0),
        pause: () => fitter.setPaused(true), resume: () => fitter.setPaused(false),
      };
      if (actions[data.action]) actions[data.action]();
    },
    snapshot(data) {
      seen(data.seq);
      workshop = data.workshop;
      second = data.second ? data.second.workshop : null;
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
      second = data.second ? data.second.workshop : null;
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
  (status, message) => {
    $("conn").textContent = statusText(t, status, message);
    $("conn").dataset.status = status;
  },
);

// A presenter's clicker sends PageDown / PageUp; P pauses the paging.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (["PageDown", "ArrowRight", "ArrowDown"].includes(event.key)) fitter.next();
  else if (["PageUp", "ArrowLeft", "ArrowUp"].includes(event.key)) fitter.prev();
  else if (event.key === "Home") fitter.show(0);
  else if (event.key === "p" || event.key === "P") fitter.setPaused(!fitter.paused);
  else return;
  event.preventDefault();
});

function renderPeople(people) {
  $("people").textContent = formatPeople(t.people, people);
}

function renderKinds() {
  for (const k of kinds) k.render(workshop);
}
