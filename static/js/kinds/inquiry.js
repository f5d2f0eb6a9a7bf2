// Appreciative Inquiry on the phone, the projector and the console: plug-ins for the five
// kinds ai_define ... ai_destiny (see static/js/kinds/index.js). Each keeps the `inquiry` part
// of the snapshot (docs/activities/inquiry.md) and renders it into its section of
// templates/kinds/<kind>/; participant text is set with textContent only.
import { el, fill, plural } from "../common.js";
import { formatSeconds } from "../timer.js";
import { buttonMove } from "./moves.js";
import { signOf, signSvg } from "../signs.js";

const FIELDS = ["highlights", "quote", "life", "wishes"];

// Keeps the latest `inquiry` view of one kind. A public update (no `me`) keeps this phone's
// own part (`me`) from before.
function holder(kind) {
  const h = {
    view: null,
    snapshot(data) { h.view = data.inquiry && data.inquiry.kind === kind ? data.inquiry : null; },
    update(data, workshop) {
      if (!data.inquiry || data.inquiry.kind !== kind) return;
      if (workshop && data.stage !== workshop.stage_index) return;
      const me = h.view && h.view.me;
      h.view = data.inquiry;
      if (!h.view.me && me) h.view.me = me;
    },
  };
  return h;
}

const running = (w, kind) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === kind);

// Rebuild a list without losing what someone is typing in it (inputs marked data-keep).
function keep(root, build) {
  const values = {};
  for (const input of root.querySelectorAll("[data-keep]")) values[input.dataset.keep] = input.value;
  const focused = document.activeElement && root.contains(document.activeElement)
    ? document.activeElement.dataset.keep : null;
  build();
  for (const input of root.querySelectorAll("[data-keep]")) {
    if (values[input.dataset.keep] !== undefined) input.value = values[input.dataset.keep];
  }
  if (focused) {
    const again = root.querySelector(`[data-keep="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

// A projector view or console panel of one kind: keeps the kind's view and fills its section
// with ``draw(root, view, workshop)``. A console panel shows only while its stage runs; the
// page shows a projector view (the stage's own view), filled whenever there is something.
function section(kind, rootId, draw, panel = false) {
  const root = document.getElementById(rootId);
  const state = holder(kind);
  return {
    root,
    state,
    snapshot: state.snapshot,
    events: { inquiry: state.update },
    render(w) {
      if (panel) {
        const show = running(w, kind) && Boolean(state.view);
        root.hidden = !show;
        if (!show) return;
      } else if (!state.view) {
        return;
      }
      draw(root, state.view, w);
    },
  };
}

function adviceList(advice, t) {
  if (!advice || !advice.length) return [];
  return [el("p", { class: "small", text: t.ai_advice_h }),
    el("ul", { class: "small" }, ...advice.map((a) => el("li", { "data-advice": a.kind },
      el("strong", { text: a.words.join(", ") }), ` — ${a.message} ${a.hint}`)))];
}

function toggle(text, pressed, onclick, label) {
  return el("button", { type: "button", class: "toggle", "aria-pressed": String(pressed),
                        text, "aria-label": label || null, onclick });
}

function countText(t, n) {
  return plural(t.ai_theme_count, n);
}

// -- Define ------------------------------------------------------------------------------------

function definePhone(ctx) {
  const root = document.getElementById("ai_define");
  const state = holder("ai_define");
  let lastAdvice = null;
  const form = root.querySelector(".ai-frame-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const area = form.querySelector("textarea");
    const value = area.value.trim();
    if (!value) return ctx.say(ctx.t.empty);
    ctx.send("ai_frame", { text: value });
    area.value = "";
  });
  return {
    snapshot: state.snapshot,
    events: { inquiry: state.update },
    render(w) {
      const show = running(w, "ai_define") && Boolean(state.view);
      root.hidden = !show;
      if (!show) return;
      const v = state.view;
      const me = v.me || { mine: [], supported: [], left: v.votes, advice: {} };
      root.querySelector(".ai-topic").textContent = v.topic ? fill(ctx.t.ai_topic, { topic: v.topic }) : ctx.t.ai_no_topic;
      form.hidden = !v.framings_open || w.locked;
      root.querySelector(".ai-left").textContent = v.framings_open ? fill(ctx.t.ai_supports_left, { n: me.left }) : "";
      root.querySelector(".ai-advice").replaceChildren(...adviceList(lastAdvice, ctx.t));
      root.querySelector(".ai-framings").replaceChildren(...v.framings.map((f) => {
        const on = me.supported.includes(f.id);
        return el("li", { class: "note", "data-id": f.id, "data-support": String(f.support) },
          el("p", { class: "text", text: f.text }),
          el("p", { class: "small muted", text: [fill(ctx.t.ai_support_n, { n: f.support }),
            me.mine.includes(f.id) ? ctx.t.ai_yours : "", f.adopted ? ctx.t.ai_adopted : ""].filter(Boolean).join(" · ") }),
          v.framings_open ? toggle(on ? ctx.t.ai_supported : ctx.t.ai_support, on,
            () => ctx.send("ai_support", { framing_id: f.id, support: !on }),
            `${on ? ctx.t.ai_supported : ctx.t.ai_support}: ${f.text.slice(0, 40)}`) : null);
      }));
    },
    acked(event, ack) {
      if (event === "ai_frame") {
        lastAdvice = ack.advice;
        return ctx.t.ai_framed;
      }
      if (event === "ai_support") return ctx.t.ai_team_saved;
      return undefined;
    },
  };
}

// On the projector (static/js/fit.js): each framing, proposition, statement, commitment and
// team is a `data-item` in the view's fit box; themes and propositions are `data-group`s.
// Everything in the box is sized in em, never under 1em.
function screenCard(id, text, meta, attrs = {}) {
  return el("li", { class: "ai-card", "data-item": id, "data-id": id, ...attrs },
    el("p", { class: "text", text }),
    meta ? el("p", { class: "who", text: meta }) : null);
}

function defineScreen(ctx) {
  const t = ctx.t;
  return section("ai_define", "view-ai_define", (root, v) => {
    root.querySelector(".ai-topic").textContent = v.topic ? fill(t.ai_topic, { topic: v.topic }) : t.ai_no_topic;
    root.querySelector(".ai-framings").replaceChildren(...v.framings.map((f) => screenCard(f.id, f.text,
      [fill(t.ai_support_n, { n: f.support }), f.adopted ? t.ai_adopted : "", f.name].filter(Boolean).join(" · "),
      { "data-support": String(f.support) })));
    root.querySelector(".ai-empty").hidden = v.framings.length > 0;
  });
}

function defineConsole(ctx) {
  const plugin = section("ai_define", "ai_define-panel", (root, v) => {
    root.querySelector(".ai-topic").textContent = v.topic ? fill(ctx.t.ai_topic, { topic: v.topic }) : ctx.t.ai_no_topic;
    root.querySelector(".ai-advice").replaceChildren(...adviceList(v.topic_advice, ctx.t));
    root.querySelector(".ai-framings").replaceChildren(...v.framings.map((f) => el("li", {
      class: f.hidden ? "note hidden-note" : "note", "data-id": f.id },
    el("p", { class: "text", text: f.text }),
    el("p", { class: "small muted", text: `${f.author} · ${fill(ctx.t.ai_support_n, { n: f.support })}${f.adopted ? ` · ${ctx.t.ai_adopted}` : ""}` }),
    ...adviceList(f.advice, ctx.t),
    el("div", { class: "row wrap" },
      el("button", { type: "button", text: ctx.t.ai_adopt, "aria-label": `${ctx.t.ai_adopt}: ${f.text.slice(0, 40)}`,
                     onclick: () => ctx.act("ai_topic", { framing_id: f.id }) }),
      el("button", { type: "button", text: f.hidden ? ctx.t.ai_unhide : ctx.t.ai_hide,
                     onclick: () => ctx.act("ai_hide", { item_id: f.id, hidden: !f.hidden }) })))));
    const guide = root.querySelector(".ai-guide");
    keep(guide, () => guide.replaceChildren(...v.guide.map((q) => {
      const id = `ai-guide-${q.key}`;
      const area = el("textarea", { id, rows: 3, "data-keep": q.key });
      area.value = q.question;
      return el("li", { class: "stack" }, el("label", { for: id, text: q.title }), area,
        ...adviceList(q.advice, ctx.t),
        el("button", { type: "button", text: ctx.t.ai_save, "aria-label": `${ctx.t.ai_save}: ${q.title}`,
                       onclick: () => ctx.act("ai_guide", { key: q.key, question: area.value }) }));
    })));
  }, true);
  plugin.root.querySelector(".ai-topic-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act("ai_topic", { text: plugin.root.querySelector("#ai-topic-text").value });
  });
  return plugin;
}

// -- Discover ----------------------------------------------------------------------------------

function guideStepper(root, t) {
  let at = 0;
  let guide = [];
  const show = () => {
    const q = guide[at];
    if (!q) return;
    root.querySelector(".ai-q-step").textContent = fill(t.ai_question_of, { n: at + 1, total: guide.length });
    root.querySelector(".ai-q-title").textContent = q.title;
    root.querySelector(".ai-q-text").textContent = q.question;
    root.querySelector(".ai-q-prompts").replaceChildren(...q.prompts.map((p) => el("li", { text: p })));
    root.querySelector(".ai-q-prev").disabled = at === 0;
    root.querySelector(".ai-q-next").disabled = at >= guide.length - 1;
  };
  root.querySelector(".ai-q-prev").addEventListener("click", () => { at = Math.max(0, at - 1); show(); });
  root.querySelector(".ai-q-next").addEventListener("click", () => { at = Math.min(guide.length - 1, at + 1); show(); });
  return (g) => { guide = g; show(); };
}

function fieldsList(fields, t) {
  return FIELDS.filter((f) => fields[f]).map((f) => el("p", { class: `text ai-${f}` },
    el("strong", { text: `${t[`ai_${f}`]}: ` }), fields[f]));
}

// The timed swap (option interview_seconds): at `swap_at` (server time) the console asks for
// the swap; phones ask too, a few seconds later and only if it has not happened, so the swap
// comes even with no console open. The server swaps once (the turn is in the request).
function swapClock(send, spread) {
  let offset = 0;
  let timer = null;
  let planned = null;
  return {
    sync(now) { if (typeof now === "number") offset = now - Date.now() / 1000; },
    left(at) { return at - (Date.now() / 1000 + offset); },
    plan(v) {
      const key = v && v.swap_at ? `${v.round}:${v.turn}:${v.swap_at}` : null;
      if (key === planned) return;
      planned = key;
      clearTimeout(timer);
      if (!key) return;
      const wait = Math.max(0, this.left(v.swap_at)) * 1000 + (spread ? 2000 + Math.random() * spread : 0);
      const turn = v.turn + 1;
      timer = setTimeout(() => { if (planned === key) send("ai_swap", { due: true, turn }); }, wait);
    },
  };
}

function swapWhen(box, v, clock, t, key) {
  const at = v.phase === "interviews" ? v.swap_at : null;
  box.hidden = !at;
  if (at) box.textContent = fill(t[key], { time: formatSeconds(Math.max(0, clock.left(at))) });
}

function discoverPhone(ctx) {
  const root = document.getElementById("ai_discover");
  const state = holder("ai_discover");
  const t = ctx.t;
  const clock = swapClock(ctx.send, 4000);
  const answerForm = root.querySelector(".ai-answer-form");
  answerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const v = state.view;
    const value = (v && v.choices && v.choices.length ? answerForm.querySelector(".ai-answer-choice")
      : answerForm.querySelector(".ai-answer-text")).value.trim();
    if (!value) return ctx.say(t.empty);
    ctx.send("ai_answer", { answer: value });
  });
  let lastTurn = null; // "round:turn" last drawn, to prompt both phones at a swap
  let ticking = null;
  const setGuide = guideStepper(root.querySelector(".ai-guide"), t);
  const form = root.querySelector(".ai-story-form");
  let filledFor = null;
  for (const area of form.querySelectorAll("textarea")) {
    area.addEventListener("input", () => { form.dataset.dirty = "1"; });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const payload = {};
    for (const f of FIELDS) payload[f] = form.querySelector(`[name=${f}]`).value.trim();
    if (!FIELDS.some((f) => payload[f])) return ctx.say(t.empty);
    ctx.send("ai_story", payload);
  });
  return {
    snapshot(data) { clock.sync(data.now); state.snapshot(data); },
    events: { inquiry: state.update },
    render(w) {
      const show = running(w, "ai_discover") && Boolean(state.view);
      root.hidden = !show;
      if (!show) return;
      const v = state.view;
      const me = v.me || {};
      clock.plan(v.phase === "interviews" && me.partner ? v : null);
      const when = root.querySelector(".ai-swap-when");
      clearInterval(ticking);
      swapWhen(when, v, clock, t, "ai_swap_in");
      if (!when.hidden) ticking = setInterval(() => swapWhen(when, state.view, clock, t, "ai_swap_in"), 1000);
      const prompt = root.querySelector(".ai-swap-prompt");
      const turnKey = v.phase === "interviews" ? `${v.round}:${v.turn}` : null;
      if (turnKey !== lastTurn) {
        const swapped = lastTurn !== null && turnKey && lastTurn.split(":")[0] === turnKey.split(":")[0];
        prompt.hidden = !swapped || !me.partner;
        if (!prompt.hidden) {
          prompt.textContent = me.now === "asking" ? fill(t.ai_swap_now_ask, { name: me.partner.name || t.ai_partner })
            : me.now === "telling" ? fill(t.ai_swap_now_tell, { name: me.interviewer.name || t.ai_partner })
              : t.ai_swap_now_listen;
          if (navigator.vibrate) navigator.vibrate(200);
        }
        lastTurn = turnKey;
      }
      const asking = Boolean(v.unlikely) && ["gathering", "interviews"].includes(v.phase) && v.round + 1 < v.rounds;
      answerForm.hidden = !asking || w.locked;
      if (asking) {
        const choices = v.choices || [];
        const select = answerForm.querySelector(".ai-answer-choice");
        const input = answerForm.querySelector(".ai-answer-text");
        answerForm.querySelector(".ai-answer-q").textContent = v.unlikely;
        answerForm.querySelector(".ai-answer-q").htmlFor = choices.length ? "ai-answer" : "ai-answer-text";
        select.hidden = !choices.length;
        input.hidden = Boolean(choices.length);
        if (choices.length && select.options.length !== choices.length + 1) {
          select.replaceChildren(el("option", { value: "", text: t.ai_answer_pick }),
            ...choices.map((c) => el("option", { value: c, text: c })));
        }
        if (choices.length && me.answer && document.activeElement !== select) select.value = me.answer;
        answerForm.querySelector(".ai-answer-is").textContent = me.answer ? fill(t.ai_answer_is, { answer: me.answer }) : "";
      }
      let status = "";
      if (v.phase === "gathering") status = t.ai_gathering;
      else if (v.phase === "closed") status = t.ai_closed;
      else if (v.phase === "themes") status = fill(t.ai_group, { n: me.group ? me.group.number : "" });
      else if (me.waiting || !me.partner) status = t.ai_waiting_partner;
      else {
        const round = fill(t.ai_round, { n: v.round + 1, total: v.rounds });
        const partner = me.partner.name || t.ai_partner;
        const by = me.interviewer.name || t.ai_partner;
        const line = me.now === "asking" ? fill(t.ai_you_ask, { name: partner })
          : me.now === "telling" ? fill(t.ai_you_tell, { name: by })
            : me.now === "listening" ? t.ai_you_listen : t.ai_done;
        status = `${round}. ${line}`;
      }
      const statusBox = root.querySelector(".ai-status");
      statusBox.textContent = status;
      statusBox.dataset.now = me.now || "";
      const interviewing = v.phase === "interviews" && Boolean(me.partner);
      root.querySelector(".ai-guide").hidden = !interviewing;
      if (interviewing) setGuide(v.guide);
      form.hidden = !interviewing || w.locked;
      const key = interviewing ? `${v.round}:${me.partner.id}` : null;
      if (key !== filledFor) {
        form.dataset.dirty = "";
        filledFor = key;
      }
      if (interviewing && !form.dataset.dirty && !form.contains(document.activeElement)) {
        const fields = (me.capture && me.capture.fields) || {};
        for (const f of FIELDS) form.querySelector(`[name=${f}]`).value = fields[f] || "";
      }
      const told = me.told || [];
      root.querySelector(".ai-told").hidden = told.length === 0;
      root.querySelector(".ai-told-list").replaceChildren(...told.map((s) => el("li", {
        class: "note", "data-story-id": s.id, "data-consent": String(Boolean(s.consent)) },
      el("h3", { text: s.by ? fill(t.ai_told_by, { name: s.by }) : t.ai_told }),
      ...fieldsList(s.fields, t),
      el("p", { class: "small muted", text: s.consent ? t.ai_shared_note : t.ai_private_story }),
      v.phase !== "closed" ? toggle(s.consent ? t.ai_shared : t.ai_share, Boolean(s.consent),
        () => ctx.send("ai_consent", { story_id: s.id, consent: !s.consent })) : null)));
      const group = me.group;
      const groupBox = root.querySelector(".ai-group");
      groupBox.hidden = !group;
      if (!group) return;
      groupBox.querySelector("h2").textContent = fill(t.ai_group, { n: group.number });
      groupBox.querySelector("h2").prepend(signSvg(signOf(group.number), 48, signOf(group.number).label), " ");
      root.querySelector("#ai-theme-names").replaceChildren(...v.themes.map((name) => el("option", { value: name })));
      const list = groupBox.querySelector(".ai-group-stories");
      keep(list, () => list.replaceChildren(...(group.stories.length ? group.stories.map((s) => {
        const id = `ai-theme-${s.id}`;
        const input = el("input", { id, list: "ai-theme-names", maxlength: 60, "data-keep": s.id });
        const tagForm = el("form", { class: "row wrap ai-tag-form" },
          el("label", { for: id, text: t.ai_add_theme }), input,
          el("button", { type: "submit", text: t.ai_tag }));
        tagForm.addEventListener("submit", (event) => {
          event.preventDefault();
          const theme = input.value.trim();
          if (!theme) return ctx.say(t.empty);
          ctx.send("ai_tag", { story_id: s.id, theme });
          input.value = "";
        });
        return el("li", { class: "note", "data-story-id": s.id },
          ...fieldsList(s.fields, t),
          el("ul", { class: "plain row wrap ai-tags" }, ...s.themes.map((theme) => el("li", { class: "chip", "data-theme": theme },
            theme, " ",
            v.phase === "themes" ? el("button", { type: "button", class: "link small", text: "×",
              "aria-label": fill(t.ai_remove_theme, { theme }),
              onclick: () => ctx.send("ai_untag", { story_id: s.id, theme }) }) : null))),
          v.phase === "themes" ? tagForm : null);
      }) : [el("li", { class: "muted", text: t.ai_group_empty })])));
    },
    acked(event) {
      if (event === "ai_story") {
        form.dataset.dirty = "";
        return ctx.t.ai_story_saved;
      }
      if (event === "ai_consent") return ctx.t.ai_consent_saved;
      if (event === "ai_tag" || event === "ai_untag") return ctx.t.ai_tagged;
      if (event === "ai_answer") return ctx.t.ai_answer_saved;
      return undefined;
    },
  };
}

function coreItems(core, t) {
  return core.themes.map((th) => el("li", { class: "theme", "data-theme": th.theme, "data-count": String(th.count) },
    el("h3", { class: "theme-name" }, el("span", { class: "name", text: th.theme }), " ",
      el("span", { class: "count", text: countText(t, th.count) })),
    th.quotes.length ? el("ul", { class: "quotes" }, ...th.quotes.map((q) => el("li", { class: "quote", text: `“${q}”` }))) : null));
}

function discoverScreen(ctx) {
  const t = ctx.t;
  const plugin = section("ai_discover", "view-ai_discover", (root, v) => {
    root.querySelector(".ai-status").textContent = v.phase === "gathering"
      ? fill(t.ai_people_ready, { n: v.waiting })
      : v.phase === "interviews" ? `${fill(t.ai_round, { n: v.round + 1, total: v.rounds })}: ${fill(t.ai_interviews, { pairs: v.pairs, n: v.captured })}`
        : v.phase === "themes" ? t.ai_themes_phase : t.ai_phase_closed;
    const core = v.core;
    root.querySelector(".ai-stories").textContent = plural(t.ai_stories_n, core.stories);
    // each theme is a group: its name and count, then its quotes (a theme without quotes
    // counts as one item)
    root.querySelector(".ai-core").replaceChildren(...core.themes.map((th) => el("li", {
      class: "ai-theme", "data-group": `theme:${th.theme}`, "data-theme": th.theme, "data-count": String(th.count) },
    el("h3", { class: "ai-theme-name" }, el("span", { class: "name", text: th.theme }), " ",
      el("span", { class: "count", text: countText(t, th.count) })),
    th.quotes.length ? el("ul", { class: "quotes" }, ...th.quotes.map((q, i) => el("li", {
      class: "quote", "data-item": `quote:${th.theme}:${i}:${q.slice(0, 40)}`, text: `“${q}”` }))) : null)));
    root.querySelector(".ai-core-empty").hidden = core.themes.length > 0;
    root.querySelector(".ai-words-box").hidden = core.words.length === 0;
    root.querySelector(".ai-words").replaceChildren(...core.words.map(([word, n]) => el("li", {
      class: "word", "data-item": `word:${word}`, "data-count": String(n) }, el("span", { class: "w", text: word }), " ",
    el("span", { class: "n", text: String(n) }),
    el("span", { class: "sr-only", text: ` (${countText(t, n)})` }))));
  });
  plugin.people = (data) => {
    if (plugin.state.view) plugin.state.view.waiting = data.joined;
  };
  return plugin;
}

function discoverConsole(ctx) {
  const t = ctx.t;
  const clock = swapClock(ctx.act, 0);
  let ticking = null;
  const plugin = section("ai_discover", "ai_discover-panel", (root, v) => {
    clock.plan(v.phase === "interviews" ? v : null);
    const when = root.querySelector(".ai-swap-when");
    clearInterval(ticking);
    swapWhen(when, v, clock, t, "ai_swap_auto");
    if (!when.hidden) ticking = setInterval(() => swapWhen(when, plugin.state.view, clock, t, "ai_swap_auto"), 1000);
    const answers = root.querySelector(".ai-answers");
    const lines = [];
    if (v.answers && v.answers.length) lines.push(fill(t.ai_answers, { list: v.answers.map((a) => `${a.answer} ${a.count}`).join(", ") }));
    if (v.alike) lines.push(plural(t.ai_alike, v.alike));
    answers.hidden = lines.length === 0;
    answers.textContent = lines.join(" ");
    root.querySelector(".ai-status").textContent = fill(t[`ai_phase_${v.phase}`], { n: v.round + 1 });
    root.querySelector(".ai-counts").textContent = fill(t.ai_counts, v)
      + (v.repeats ? ` · ${fill(t.ai_repeats, { n: v.repeats })}` : "");
    const pair = root.querySelector(".ai-pair");
    pair.textContent = fill(t.ai_pair, { n: v.round + 2 });
    pair.hidden = !["gathering", "interviews"].includes(v.phase) || v.round + 1 >= v.rounds;
    const swap = root.querySelector(".ai-swap");
    swap.textContent = t.ai_swap;
    swap.hidden = v.phase !== "interviews";
    const groups = root.querySelector(".ai-groups");
    groups.textContent = t.ai_groups;
    groups.hidden = v.phase !== "interviews";
    const close = root.querySelector(".ai-close");
    close.textContent = t.ai_close;
    close.hidden = v.phase === "closed";
    const reopen = root.querySelector(".ai-reopen");
    reopen.textContent = t.ai_reopen;
    reopen.hidden = v.phase !== "closed";
    const skip = root.querySelector(".ai-skip");
    skip.textContent = t.ai_skip;
    skip.hidden = v.phase === "closed" || !v.next_guarded;
    root.querySelector(".ai-problems").replaceChildren(...v.problems.map((p) => el("li", { text: p })));
    root.querySelector(".ai-problems").hidden = v.problems.length === 0;
    root.querySelector(".ai-pairing").replaceChildren(...v.pairing.map((g) => el("li", {
      "data-size": String(g.length) }, g.map((p) => p.name).join(" → "))));
    root.querySelector(".ai-groups-list").replaceChildren(...v.groups.map((g, i) => el("li", {
      text: `${i + 1}. ${g.join(", ")}` })));
    root.querySelector(".ai-core").replaceChildren(...coreItems(v.core, t));
  }, true);
  plugin.snapshot = (data) => { clock.sync(data.now); plugin.state.snapshot(data); };
  for (const button of plugin.root.querySelectorAll("[data-ai]")) {
    button.addEventListener("click", () => ctx.act(button.dataset.ai));
  }
  plugin.root.querySelector(".ai-skip").addEventListener("click", () => ctx.act("next_stage", { force: true }));
  // Pair people, then End interviews (groups for the themes), then Close Discover
  plugin.primary = (w) => {
    const v = plugin.state.view;
    if (!running(w, "ai_discover") || !v || plugin.root.hidden) return null;
    const order = { gathering: [".ai-pair"], interviews: [".ai-groups", ".ai-close"], themes: [".ai-close"] };
    return buttonMove(plugin.root, order[v.phase] || []);
  };
  return plugin;
}

// -- Dream -------------------------------------------------------------------------------------

function ratingLine(p, criteria) {
  return criteria.map((c) => `${c.label} ${p.ratings[c.key]}`).join(" · ");
}

function dreamPhone(ctx) {
  const root = document.getElementById("ai_dream");
  const state = holder("ai_dream");
  const t = ctx.t;
  const form = root.querySelector(".ai-prop-form");
  let lastAdvice = null;
  let linksKey = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const area = form.querySelector("textarea");
    const value = area.value.trim();
    if (!value) return ctx.say(t.empty);
    const picked = (box) => [...form.querySelectorAll(`${box} input:checked`)].map((i) => i.value);
    ctx.send("ai_propose", { text: value, stories: picked(".ai-links-box"), checks: picked(".ai-checks-box") });
    area.value = "";
    for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = false;
  });
  return {
    snapshot: state.snapshot,
    events: { inquiry: state.update },
    render(w) {
      const show = running(w, "ai_dream") && Boolean(state.view);
      root.hidden = !show;
      if (!show) return;
      const v = state.view;
      const me = v.me || { mine: [], rated: {}, advice: {} };
      form.hidden = w.locked;
      const key = JSON.stringify(v.stories.map((s) => s.id));
      if (key !== linksKey) {
        linksKey = key;
        form.querySelector(".ai-links-box").replaceChildren(...(v.stories.length ? v.stories.map((s) => el("label", {
          class: "check", "data-story-id": s.id },
        el("input", { type: "checkbox", value: s.id }), ` ${s.label}${s.themes.length ? ` (${s.themes.join(", ")})` : ""}`))
          : [el("p", { class: "muted", text: t.ai_no_stories })]));
        form.querySelector(".ai-checks-box").replaceChildren(...v.criteria.map((c) => el("label", {
          class: "check" }, el("input", { type: "checkbox", value: c.key }), ` ${c.label}: ${c.hint}`)));
      }
      root.querySelector(".ai-advice").replaceChildren(...adviceList(lastAdvice, t));
      root.querySelector(".ai-gallery").replaceChildren(...v.propositions.map((p) => {
        const mine = me.mine.includes(p.id);
        const rated = me.rated[p.id] || [];
        return el("li", { class: "note", "data-id": p.id },
          el("p", { class: "text", text: p.text }),
          el("p", { class: "small muted", text: [mine ? t.ai_yours : "", plural(t.ai_linked, p.stories.length),
            plural(t.ai_raters, p.raters), ratingLine(p, v.criteria)].filter(Boolean).join(" · ") }),
          mine ? null : el("fieldset", { class: "ai-rate" }, el("legend", { text: t.ai_rate_h }),
            ...v.criteria.map((c) => el("label", { class: "check" },
              el("input", { type: "checkbox", value: c.key, checked: rated.includes(c.key),
                            "data-criterion": c.key,
                            onchange: (event) => {
                              const box = event.target.closest("fieldset");
                              const criteria = [...box.querySelectorAll("input:checked")].map((i) => i.value);
                              ctx.send("ai_rate", { proposition_id: p.id, criteria });
                            } }), ` ${c.label}`))));
      }));
    },
    acked(event, ack) {
      if (event === "ai_propose") {
        lastAdvice = ack.advice;
        return ctx.t.ai_proposed;
      }
      if (event === "ai_rate") return ctx.t.ai_rated;
      return undefined;
    },
  };
}

function dreamScreen(ctx) {
  const t = ctx.t;
  return section("ai_dream", "view-ai_dream", (root, v) => {
    root.querySelector(".ai-gallery").replaceChildren(...v.propositions.map((p) => screenCard(p.id, p.text,
      [plural(t.ai_linked, p.stories.length),
        // only the criteria someone rated it as meeting: "Desired 3"
        v.criteria.filter((c) => p.ratings[c.key]).map((c) => `${c.label} ${p.ratings[c.key]}`).join(" · "), p.name].filter(Boolean).join(" · "))));
    root.querySelector(".ai-empty").hidden = v.propositions.length > 0;
  });
}

function hideButton(ctx, item) {
  return el("button", { type: "button", text: item.hidden ? ctx.t.ai_unhide : ctx.t.ai_hide,
                        "aria-label": `${item.hidden ? ctx.t.ai_unhide : ctx.t.ai_hide}: ${item.text.slice(0, 40)}`,
                        onclick: () => ctx.act("ai_hide", { item_id: item.id, hidden: !item.hidden }) });
}

function dreamConsole(ctx) {
  return section("ai_dream", "ai_dream-panel", (root, v) => {
    root.querySelector(".ai-gallery").replaceChildren(...v.propositions.map((p) => el("li", {
      class: p.hidden ? "note hidden-note" : "note", "data-id": p.id },
    el("p", { class: "text", text: p.text }),
    el("p", { class: "small muted", text: `${p.author} · ${plural(ctx.t.ai_linked, p.stories.length)} · ${ratingLine(p, v.criteria)}` }),
    ...adviceList(p.advice, ctx.t), hideButton(ctx, p))));
  }, true);
}

// -- Design ------------------------------------------------------------------------------------

function chosenItems(v, t, extra) {
  return v.propositions.map((p) => el("li", { class: "ai-prop", "data-id": p.id },
    el("h3", { text: p.text }),
    p.dots !== null ? el("p", { class: "small muted", text: plural(t.ai_dots, p.dots) }) : null,
    ...(p.statements.length ? v.aspects.map((a) => {
      const rows = p.statements.filter((s) => s.aspect === a.key);
      return rows.length ? el("div", { class: "ai-aspect", "data-aspect": a.key },
        el("h4", { text: a.label }),
        el("ul", { class: "plain" }, ...rows.map((s) => el("li", { class: s.hidden ? "hidden-note" : null, "data-id": s.id },
          el("span", { class: "text", text: s.text }),
          s.name || s.author ? el("span", { class: "small muted", text: ` — ${s.author || s.name}` }) : null,
          extra ? extra(s) : null)))) : null;
    }) : [el("p", { class: "muted", text: t.ai_no_statements })])));
}

function designPhone(ctx) {
  const root = document.getElementById("ai_design");
  const state = holder("ai_design");
  const form = root.querySelector(".ai-design-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const area = form.querySelector("textarea");
    const value = area.value.trim();
    if (!value) return ctx.say(ctx.t.empty);
    ctx.send("ai_design", { proposition_id: form.querySelector("#ai-design-prop").value,
                            aspect: form.querySelector("#ai-design-aspect").value, text: value });
    area.value = "";
  });
  return {
    snapshot: state.snapshot,
    events: { inquiry: state.update },
    render(w) {
      const show = running(w, "ai_design") && Boolean(state.view);
      root.hidden = !show;
      if (!show) return;
      const v = state.view;
      form.hidden = w.locked || v.propositions.length === 0;
      root.querySelector(".ai-design-none").hidden = v.propositions.length > 0;
      const prop = form.querySelector("#ai-design-prop");
      const keepProp = prop.value;
      prop.replaceChildren(...v.propositions.map((p) => el("option", { value: p.id, text: p.text.slice(0, 80) })));
      if (v.propositions.some((p) => p.id === keepProp)) prop.value = keepProp;
      const aspect = form.querySelector("#ai-design-aspect");
      if (!aspect.options.length) {
        aspect.replaceChildren(...v.aspects.map((a) => el("option", { value: a.key, text: `${a.label}: ${a.hint}` })));
      }
      root.querySelector(".ai-chosen").replaceChildren(...chosenItems(v, ctx.t));
    },
    acked(event) {
      return event === "ai_design" ? ctx.t.ai_designed : undefined;
    },
  };
}

function designScreen(ctx) {
  const t = ctx.t;
  return section("ai_design", "view-ai_design", (root, v) => {
    const label = (key) => (v.aspects.find((a) => a.key === key) || {}).label || key;
    const order = (s) => v.aspects.findIndex((a) => a.key === s.aspect);
    // each chosen proposition is a group; its statements, by aspect, are the items (one
    // without statements yet counts as one item)
    root.querySelector(".ai-chosen").replaceChildren(...v.propositions.map((p) => el("li", {
      class: "ai-prop", "data-group": `prop:${p.id}`, "data-id": p.id },
    el("h3", { class: "ai-prop-text" }, el("span", { text: p.text }),
      p.dots !== null ? el("span", { class: "ai-dots", text: plural(t.ai_dots, p.dots) }) : null),
    p.statements.length
      ? el("ul", { class: "ai-statements" }, ...[...p.statements].sort((a, b) => order(a) - order(b)).map((s) => el("li", {
        class: "ai-statement", "data-item": s.id, "data-id": s.id, "data-aspect": s.aspect },
      el("strong", { class: "aspect", text: `${label(s.aspect)}: ` }),
      el("span", { class: "text", text: s.text }),
      s.name ? el("span", { class: "name", text: ` (${s.name})` }) : null)))
      : el("p", { class: "ai-none", text: t.ai_no_statements }))));
    root.querySelector(".ai-empty").hidden = v.propositions.length > 0;
  });
}

function designConsole(ctx) {
  return section("ai_design", "ai_design-panel", (root, v) =>
    root.querySelector(".ai-chosen").replaceChildren(...chosenItems(v, ctx.t, (s) => hideButton(ctx, s))), true);
}

// -- Destiny -----------------------------------------------------------------------------------

function commitmentItem(c, t, props, extra) {
  const prop = props.find((p) => p.proposition === c.proposition);
  const who = c.author || c.name;
  return el("li", { class: extra ? "note" : "card", "data-id": c.id },
    el("p", { class: "text", text: c.text }),
    el("p", { class: "who small", text: [fill(t.ai_by, { when: c.by_when }),
      c.with_whom ? fill(t.ai_with, { whom: c.with_whom }) : "", who,
      c.private ? t.ai_private : "", c.hidden ? t.ai_hidden : ""].filter(Boolean).join(" · ") }),
    prop ? el("p", { class: "small muted", text: fill(t.ai_for, { text: prop.text }) }) : null,
    extra ? extra(c) : null);
}

function teamItem(team, t, extra) {
  return el("li", { class: "note ai-team", "data-proposition": team.proposition, "data-members": String(team.members) },
    el("p", { class: "text", text: team.text }),
    el("p", { class: "small", text: [plural(t.ai_members, team.members),
      team.names && team.names.length ? team.names.join(", ") : "",
      team.owner ? fill(t.ai_owner, { name: team.owner }) : ""].filter(Boolean).join(" · ") }),
    team.first_step ? el("p", { class: "small ai-step", text: fill(t.ai_first_step, { step: team.first_step, when: team.by_when }) }) : null,
    extra ? extra(team) : null);
}

function destinyPhone(ctx) {
  const root = document.getElementById("ai_destiny");
  const state = holder("ai_destiny");
  const t = ctx.t;
  const form = root.querySelector(".ai-commit-form");
  const $ = (sel) => form.querySelector(sel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("#ai-commit-text").value.trim();
    if (!value) return ctx.say(t.empty);
    const payload = { text: value, by_when: $("#ai-commit-when").value.trim(),
                      with_whom: $("#ai-commit-whom").value.trim(),
                      group: $("#ai-commit-group").checked, private: $("#ai-commit-private").checked };
    if ($("#ai-commit-prop").value) payload.proposition_id = $("#ai-commit-prop").value;
    ctx.send("ai_commit", payload);
    for (const sel of ["#ai-commit-text", "#ai-commit-when", "#ai-commit-whom"]) $(sel).value = "";
  });
  const offerForm = root.querySelector(".ai-offer-form");
  offerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = offerForm.querySelector("#ai-offer-text");
    const value = input.value.trim();
    if (!value) return ctx.say(t.empty);
    ctx.send("ai_offer", { side: offerForm.querySelector("[name=ai-offer-side]:checked").value, text: value });
    input.value = "";
  });
  const contactForm = root.querySelector(".ai-contact-form");
  contactForm.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.send("ai_offer_contact", { contact: contactForm.querySelector("#ai-offer-contact").value.trim() });
  });
  return {
    snapshot: state.snapshot,
    events: { inquiry: state.update },
    render(w) {
      const show = running(w, "ai_destiny") && Boolean(state.view);
      root.hidden = !show;
      if (!show) return;
      const v = state.view;
      const me = v.me || { mine: [], teams: [], owns: [] };
      form.hidden = w.locked;
      const prop = $("#ai-commit-prop");
      const keepProp = prop.value;
      prop.replaceChildren(el("option", { value: "", text: "—" }),
        ...v.teams.map((team) => el("option", { value: team.proposition, text: team.text.slice(0, 80) })));
      prop.value = v.teams.some((team) => team.proposition === keepProp) ? keepProp : "";
      const offersBox = root.querySelector(".ai-offers");
      offersBox.hidden = !v.offers_on;
      if (v.offers_on) {
        offerForm.hidden = w.locked;
        contactForm.hidden = w.locked;
        const own = v.offers.filter((o) => (me.offers || []).includes(o.id));
        root.querySelector(".ai-offers-mine").replaceChildren(...own.map((o) => el("li", {
          class: "note", "data-offer": o.id, "data-side": o.side },
        el("strong", { text: `${o.side === "offer" ? t.ai_offer_mine : t.ai_offer_theirs}: ` }), o.text)));
        const contact = contactForm.querySelector("#ai-offer-contact");
        if (document.activeElement !== contact && !contact.value) contact.value = me.contact || "";
        const found = me.matches || [];
        root.querySelector(".ai-matches").replaceChildren(...(found.length ? found.map((m) => el("li", {
          class: "note ai-match", "data-match": m.id, "data-both": String(m.both) },
        el("p", { text: fill(m.side === "offer" ? t.ai_match_offer : t.ai_match_request, { mine: m.mine, theirs: m.theirs }) }),
        el("p", { class: "small muted", text: m.why }),
        m.both ? el("p", { class: "ai-match-contact", text: m.their_contact
          ? fill(t.ai_match_both, { name: m.their_name, contact: m.their_contact })
          : fill(t.ai_match_both_nocontact, { name: m.their_name }) }) : null,
        toggle(m.i_agree ? t.ai_match_agreed : t.ai_match_agree, m.i_agree,
          () => ctx.send("ai_offer_follow", { match: m.id, follow: !m.i_agree })))) : [el("li", { class: "muted", text: t.ai_match_none })]));
      }
      const mine = v.commitments.filter((c) => me.mine.includes(c.id));
      root.querySelector(".ai-mine").replaceChildren(...(mine.length ? mine.map((c) => commitmentItem(c, t, v.teams))
        : [el("li", { class: "muted", text: t.ai_none })]));
      const teams = root.querySelector(".ai-teams");
      keep(teams, () => teams.replaceChildren(...v.teams.map((team) => teamItem(team, t, () => {
        const inside = me.teams.includes(team.proposition);
        const join = toggle(inside ? t.ai_leave : t.ai_join, inside,
          () => ctx.send("ai_join_team", { proposition_id: team.proposition, join: !inside }),
          `${inside ? t.ai_leave : t.ai_join}: ${team.text.slice(0, 40)}`);
        if (!inside || w.locked) return join;
        const stepId = `ai-step-${team.proposition}`;
        const whenId = `ai-step-when-${team.proposition}`;
        const step = el("input", { id: stepId, maxlength: 300, "data-keep": `s${team.proposition}` });
        const when = el("input", { id: whenId, maxlength: 40, "data-keep": `w${team.proposition}` });
        const stepForm = el("form", { class: "stack ai-step-form" },
          el("label", { for: stepId, text: t.ai_step_label }), step,
          el("label", { for: whenId, text: t.ai_step_when }), when,
          el("button", { type: "submit", text: t.ai_step_save }));
        stepForm.addEventListener("submit", (event) => {
          event.preventDefault();
          ctx.send("ai_team_step", { proposition_id: team.proposition, first_step: step.value.trim(),
                                     by_when: when.value.trim() });
        });
        return el("div", { class: "stack" }, join, stepForm);
      }))));
    },
    acked(event) {
      if (event === "ai_commit") return ctx.t.ai_committed;
      if (event === "ai_team_step") return ctx.t.ai_step_saved;
      if (event === "ai_join_team") return ctx.t.ai_team_saved;
      if (event === "ai_offer") return ctx.t.ai_offer_added;
      if (event === "ai_offer_contact") return ctx.t.ai_contact_saved;
      if (event === "ai_offer_follow") return ctx.t.ai_team_saved;
      return undefined;
    },
  };
}

function destinyScreen(ctx) {
  const t = ctx.t;
  return section("ai_destiny", "view-ai_destiny", (root, v) => {
    root.querySelector(".ai-wall").replaceChildren(...v.commitments.map((c) => screenCard(c.id, c.text,
      [fill(t.ai_by, { when: c.by_when }), c.with_whom ? fill(t.ai_with, { whom: c.with_whom }) : "", c.name]
        .filter(Boolean).join(" · "))));
    root.querySelector(".ai-empty").hidden = v.commitments.length > 0;
    root.querySelector(".ai-teams-box").hidden = v.teams.length === 0;
    root.querySelector(".ai-teams").replaceChildren(...v.teams.map((team) => el("li", {
      class: "ai-card ai-team", "data-item": `team:${team.proposition}`, "data-proposition": team.proposition,
      "data-members": String(team.members) },
    el("p", { class: "text", text: team.text }),
    el("p", { class: "who", text: [plural(t.ai_members, team.members),
      team.names && team.names.length ? team.names.join(", ") : "",
      team.owner ? fill(t.ai_owner, { name: team.owner }) : ""].filter(Boolean).join(" · ") }),
    team.first_step ? el("p", { class: "who ai-step", text: fill(t.ai_first_step, { step: team.first_step, when: team.by_when }) }) : null)));
  });
}

function destinyConsole(ctx) {
  return section("ai_destiny", "ai_destiny-panel", (root, v) => {
    root.querySelector(".ai-wall").replaceChildren(...v.commitments.map((c) => commitmentItem(c, ctx.t, v.teams, () => hideButton(ctx, c))));
    root.querySelector(".ai-teams").replaceChildren(...v.teams.map((team) => teamItem(team, ctx.t)));
    const t = ctx.t;
    root.querySelector(".ai-offers-list").replaceChildren(...(v.offers || []).map((o) => el("li", {
      class: "note", "data-offer": o.id },
    el("strong", { text: `${o.side === "offer" ? t.ai_offer_mine : t.ai_offer_theirs}: ` }), o.text,
    el("span", { class: "small muted", text: ` · ${o.author}${o.hidden ? ` · ${t.ai_hidden}` : ""}` }), " ",
    hideButton(ctx, o))));
    const matches = v.matches || [];
    root.querySelector(".ai-matches-n").textContent = fill(t.ai_matches_n, { n: matches.length, both: matches.filter((m) => m.both).length });
    root.querySelector(".ai-matches").replaceChildren(...matches.map((m) => el("li", { "data-match": m.id },
      `${m.offer} ~ ${m.request} (${m.why}) · ${m.agreed}/2`)));
  }, true);
}

export const KINDS = {
  ai_define: { phone: definePhone, screen: defineScreen, console: defineConsole },
  ai_discover: { phone: discoverPhone, screen: discoverScreen, console: discoverConsole },
  ai_dream: { phone: dreamPhone, screen: dreamScreen, console: dreamConsole },
  ai_design: { phone: designPhone, screen: designScreen, console: designConsole },
  ai_destiny: { phone: destinyPhone, screen: destinyScreen, console: destinyConsole },
};
