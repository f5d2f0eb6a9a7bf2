// 1-2-4-All on the phone, the projector and the console: plug-ins for the pages (see
// static/js/kinds/index.js). Each keeps the `onetwofour` part of the snapshot (docs/protocol.md)
// and renders it into its section of templates/kinds/onetwofour/; text is set with textContent
// only, and signs are drawn by static/js/signs.js.
import { el, fill, plural } from "../common.js";
import { signSvg } from "../signs.js";
import { buttonMove } from "./moves.js";

const STEPS = ["one", "pairs", "fours", "all"];
const STEP_NAMES = { one: "otf_step_alone", pairs: "otf_step_pairs", fours: "otf_step_fours", all: "otf_step_all" };
const STEP_DIGITS = { one: "1", pairs: "2", fours: "4", all: "All" };
const inOtf = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "onetwofour");

function holder() {
  const h = {
    otf: null,
    snapshot(data) { h.otf = data.onetwofour || null; },
    update(data, workshop) {
      if (!workshop || data.stage === workshop.stage_index) h.otf = data.onetwofour;
    },
  };
  return h;
}

// "Sam and 1 other", "Sam, Ali and Jo": the named mates first, then how many without a name.
function namesOf(mates, t) {
  const names = mates.filter((m) => m.name).map((m) => m.name);
  const unnamed = mates.length - names.length;
  if (!names.length) return "";
  const parts = unnamed ? [...names, plural(t.otf_others, unnamed)] : names;
  return parts.length === 1 ? parts[0]
    : fill(t.otf_and, { first: parts.slice(0, -1).join(", "), last: parts[parts.length - 1] });
}

// Whom to find: "Find Sam: pair 7, green circle", or for people without names
// "Pair 7, green circle: look for the green circle on the other phone".
export function findLine(group, kind, t) {
  const names = namesOf(group.mates, t);
  const values = { n: group.number, sign: group.sign.label, names };
  if (names) return fill(kind === "pair" ? t.otf_find_pair : t.otf_find_four, values);
  if (kind === "pair") return fill(group.size === 3 ? t.otf_look_pair_trio : t.otf_look_pair, values);
  return fill(t.otf_look_four, values);
}

// On the projector each idea is a card of the wall (fit-masonry): its four and sign on a line,
// then the idea.
function screenIdeas(ideas, t) {
  return ideas.map((idea) => el("li", { class: "card otf-idea", "data-note-id": idea.id, "data-item": idea.id },
    el("p", { class: "otf-idea-four" }, signSvg(idea.sign, 40),
      ` ${fill(t.otf_four_n, { n: idea.four })} · ${idea.sign.label}`),
    el("p", { class: "text", text: idea.text })));
}

function ideaItems(ideas, t, withKey) {
  return (ideas || []).map((idea) => el("li", { class: "otf-idea", "data-note-id": idea.id,
                                                ...(withKey ? { "data-item": idea.id } : {}) },
    signSvg(idea.sign, 56),
    el("div", { class: "otf-idea-body" },
      el("p", { class: "otf-idea-four", text: `${fill(t.otf_four_n, { n: idea.four })} · ${idea.sign.label}` }),
      el("p", { class: "text", text: idea.text }))));
}

// -- phone -----------------------------------------------------------------------------------

export function phone(ctx) {
  const t = ctx.t;
  const root = document.getElementById("onetwofour");
  const state = holder();
  const lead = document.getElementById("otf-lead");
  const stageLead = document.getElementById("stage-lead");
  if (stageLead) stageLead.append(lead);
  const jot = root.querySelector(".otf-jot");
  const jotText = jot.querySelector("textarea");
  const shared = root.querySelector(".otf-shared");
  const area = shared.querySelector("textarea");
  const newer = shared.querySelector(".otf-newer");
  let seenText = null; // the group's note as it was when this phone last took it
  let group = null;
  area.addEventListener("input", () => { area.dataset.dirty = "1"; });
  jotText.addEventListener("input", () => { jotText.dataset.dirty = "1"; });
  jot.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.send("otf_jot", { text: jotText.value });
  });
  shared.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) { ctx.say(t.empty); area.focus(); return; }
    ctx.send("otf_write", { group, text });
  });
  newer.querySelector(".otf-use").addEventListener("click", () => {
    area.value = newer.querySelector(".otf-newer-text").textContent;
    area.dataset.dirty = "";
    newer.hidden = true;
  });

  let shownPhase = null;
  function render(w) {
    const o = state.otf;
    const phase = o.phase;
    if (shownPhase && shownPhase !== phase) {
      // "Kept" or "Saved" belong to the step before
      const feedback = document.getElementById("feedback");
      if (feedback) feedback.textContent = "";
    }
    shownPhase = phase;
    lead.querySelector(".otf-line").textContent = t[`otf_line_${phase}`];
    // whom to find: the pair in step 2, the four in steps 4 and All
    const current = phase === "pairs" ? o.pair : (phase === "fours" || phase === "all") ? o.four : null;
    const kind = phase === "pairs" ? "pair" : "four";
    const find = lead.querySelector(".otf-find");
    find.hidden = !current;
    if (current) {
      lead.querySelector(".otf-sign").replaceChildren(signSvg(current.sign, 160));
      find.dataset.group = `${kind}-${current.number}`;
      lead.querySelector(".otf-who").textContent = current.size === 1 ? t.otf_alone : findLine(current, kind, t);
      lead.querySelector(".otf-hint").textContent = current.size === 1 ? ""
        : [kind === "pair" && current.size === 3 ? t.otf_trio : "", t.otf_hold_up].filter(Boolean).join(" ");
    }
    // step 1: the private jottings
    jot.hidden = phase !== "one";
    if (!jot.hidden && document.activeElement !== jotText && !jotText.dataset.dirty) jotText.value = o.jot || "";
    // steps 2 and 4 (and All): the group's shared note
    group = phase === "pairs" ? "pair" : "four";
    const showShared = current && phase !== "one" && current.size > 1;
    shared.hidden = !showShared;
    if (showShared) {
      shared.dataset.group = group;
      shared.querySelector("label").textContent = group === "pair" ? t.otf_pair_label : t.otf_four_label;
      const note = current.note;
      const text = note ? note.text : "";
      const typing = area.dataset.dirty === "1" || document.activeElement === area;
      if (shared.dataset.for !== `${group}-${current.number}`) {
        shared.dataset.for = `${group}-${current.number}`;
        area.value = text;
        area.dataset.dirty = "";
        seenText = text;
      } else if (text !== seenText) {
        // last edit wins: a newer save replaces the box, unless this phone is being typed on
        if (typing && area.value.trim() !== text) {
          newer.querySelector(".otf-newer-text").textContent = text;
          newer.hidden = false;
        } else {
          area.value = text;
          newer.hidden = true;
        }
        seenText = text;
      }
      if (area.value.trim() === text) newer.hidden = true;
      shared.querySelector(".otf-status").textContent = !note ? t.otf_nothing
        : note.mine ? t.otf_saved_you : t.otf_saved_other;
    }
    // what came before: my jottings in the pairs, the pair's note in the fours
    const earlier = root.querySelector(".otf-earlier");
    const before = phase === "pairs" ? o.jot : (phase === "fours" && o.pair && o.pair.note) ? o.pair.note.text : "";
    earlier.hidden = !before;
    earlier.querySelector("h2").textContent = phase === "pairs" ? t.otf_mine : t.otf_pair_note;
    earlier.querySelector(".otf-earlier-text").textContent = before || "";
    const ideas = root.querySelector(".otf-ideas");
    ideas.hidden = phase !== "all";
    if (phase === "all") {
      const list = o.ideas || [];
      ideas.querySelector("ul").replaceChildren(...(list.length ? ideaItems(list, t)
        : [el("li", { class: "muted", text: t.otf_no_ideas })]));
    }
  }

  return {
    snapshot: state.snapshot,
    events: {
      onetwofour: state.update,
      otf_ideas(data, w) {
        if (state.otf && (!w || data.stage === w.stage_index)) state.otf.ideas = data.ideas;
      },
    },
    render(w) {
      const active = inOtf(w) && Boolean(state.otf);
      root.hidden = !active;
      lead.hidden = !active;
      if (active) render(w);
    },
    what(w) {
      return inOtf(w) && state.otf ? t[`otf_what_${state.otf.phase}`] : undefined;
    },
    acked(event) {
      if (event === "otf_jot") { jotText.dataset.dirty = ""; return t.otf_jot_saved; }
      if (event === "otf_write") {
        area.dataset.dirty = "";
        seenText = area.value.trim();
        return t.otf_sent;
      }
      return undefined;
    },
  };
}

// -- projector -------------------------------------------------------------------------------

function stepsStrip(o, t) {
  return STEPS.map((step) => {
    const now = step === o.phase;
    return el("li", { class: "otf-step", "data-step": step, ...(now ? { "aria-current": "step" } : {}) },
      el("span", { class: "otf-digit", text: STEP_DIGITS[step] }),
      el("span", { class: "otf-step-name", text: t[STEP_NAMES[step]] }),
      el("span", { class: "otf-step-time", text: plural(t.otf_minutes, Math.round(o.steps[step] / 60)) }),
      now ? el("span", { class: "otf-now", text: t.otf_now }) : null);
  });
}

function countLine(o, t) {
  if (o.phase === "one" || !o.pairs) return plural(t.otf_here, o.people);
  if (o.phase === "pairs") return plural(t.otf_pairs, o.pairs, { people: o.people });
  return plural(t.otf_fours, o.fours, { people: o.people });
}

export function screen(ctx) {
  const t = ctx.t;
  const root = document.getElementById("view-onetwofour");
  const state = holder();
  return {
    snapshot: state.snapshot,
    events: { onetwofour: state.update },
    people(data) {
      if (state.otf && state.otf.phase === "one") state.otf.people = data.joined;
    },
    render() {
      const o = state.otf;
      if (!o) return;
      root.querySelector(".otf-steps").replaceChildren(...stepsStrip(o, t));
      root.querySelector(".otf-screen-line").textContent = o.phase === "all" ? t.otf_ideas_h : t[`otf_screen_${o.phase}`];
      root.querySelector(".otf-count").textContent = o.phase === "all" ? "" : countLine(o, t);
      root.querySelector(".otf-count").hidden = o.phase === "all";
      const ideas = o.phase === "all" ? o.ideas || [] : [];
      const box = root.querySelector(".otf-box");
      box.hidden = o.phase !== "all";
      root.querySelector(".otf-ideas").replaceChildren(...(ideas.length ? screenIdeas(ideas, t)
        : o.phase === "all" ? [el("li", { class: "otf-empty", "data-item": "empty", text: t.otf_no_ideas })] : []));
    },
  };
}

// -- console ---------------------------------------------------------------------------------

export function console(ctx) {
  const t = ctx.t;
  const root = document.getElementById("otf-panel");
  const state = holder();
  for (const button of root.querySelectorAll("[data-otf]")) {
    button.addEventListener("click", () => ctx.act(button.dataset.otf));
  }
  const name = (p) => p.name || fill(t.otf_participant, { n: p.id.slice(1) });

  function groupItem(g, kind) {
    const label = `${fill(kind === "pair" ? t.otf_pair_n : t.otf_four_n, { n: g.number })} · ${g.sign.label}`;
    return el("li", { class: "otf-group", "data-group": `${kind}-${g.number}` },
      signSvg(g.sign, 40),
      el("div", {},
        el("h4", { text: kind === "four" && g.pairs.length ? `${label} (${fill(t.otf_made_of, { list: g.pairs.join(", ") })})` : label }),
        el("p", { class: "small", text: g.people.map(name).join(", ") }),
        g.note ? el("p", { class: "text", text: g.note }) : el("p", { class: "small muted", text: t.otf_nothing }),
        kind === "four" && g.note_id ? el("button", { type: "button", class: "link small",
          text: g.hidden ? t.otf_unhide : t.otf_hide,
          onclick: () => ctx.act("otf_hide_idea", { four: g.number, hidden: !g.hidden }) }) : null));
  }

  return {
    snapshot: state.snapshot,
    events: { onetwofour: state.update },
    people(data) {
      if (state.otf) state.otf.waiting = data.joined;
    },
    primary(w) {
      if (!inOtf(w) || !state.otf || root.hidden) return null;
      return buttonMove(root, { one: [".otf-pairs-btn"], pairs: [".otf-fours-btn"], fours: [".otf-all-btn"] }[state.otf.phase] || []);
    },
    render(w) {
      const show = inOtf(w) && Boolean(state.otf);
      root.hidden = !show;
      if (!show) return;
      const o = state.otf;
      root.querySelector(".otf-state").textContent = `${t[`otf_line_${o.phase}`]} · ${countLine({ ...o, people: o.phase === "one" ? o.waiting : o.people }, t)}`;
      root.querySelector(".otf-pairs-btn").hidden = o.phase !== "one";
      root.querySelector(".otf-fours-btn").hidden = o.phase !== "pairs";
      root.querySelector(".otf-all-btn").hidden = o.phase !== "fours";
      const fours = o.phase === "fours" || o.phase === "all";
      const groups = fours ? o.four_groups || [] : o.pair_groups || [];
      root.querySelector(".otf-groups-h").textContent = o.phase === "one" ? "" : fours ? t.otf_step_fours : t.otf_step_pairs;
      root.querySelector(".otf-groups").replaceChildren(...groups.map((g) => groupItem(g, fours ? "four" : "pair")));
    },
  };
}
