// Open Space on the phone, the projector and the console: plug-ins for the pages (see
// static/js/kinds/index.js and docs/activities/openspace.md). Each keeps the `openspace` part
// of the snapshot and its updates; participant text is set with textContent only.
import { el, fill, store, plural } from "../common.js";
import { buttonMove } from "./moves.js";
import { signOf, signSvg } from "../signs.js";

const inOpenSpace = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "openspace");
const KINDS = ["point", "recommendation", "action"];

function byId(list) {
  return Object.fromEntries((list || []).map((x) => [x.id, x]));
}

function slotOf(os, id) {
  return os.slots.find((s) => s.id === id);
}

function cellWords(os, cell, t) {
  if (!cell) return t.os_unplaced || "";
  const space = os.spaces.find((s) => s.id === cell[0]);
  const slot = slotOf(os, cell[1]);
  return fill(t.os_where || "{space}, {slot}", { space: space ? space.name : "", slot: slot ? slot.label : "" });
}

function nowLine(os, t) {
  if (os.now < 0) return t.os_before;
  if (os.now >= os.slots.length) return t.os_over;
  const next = os.slots[os.now + 1];
  return fill(t.os_now, { slot: os.slots[os.now].label }) + (next && t.os_next ? ` · ${fill(t.os_next, { slot: next.label })}` : "");
}

// Keeps the latest `openspace` view, applying the small updates the server sends.
function holder() {
  const h = {
    os: null,
    snapshot(data) {
      h.os = data.openspace || null;
      h.stage = data.workshop ? data.workshop.stage_index : undefined;
    },
    events: {
      openspace(data, w) { if (!w || data.stage === w.stage_index) h.os = data.openspace; },
      os_topics(data) {
        if (!h.os || data.stage === undefined) return;
        for (const topic of data.topics) {
          const i = h.os.topics.findIndex((x) => x.id === topic.id);
          if (!topic.live) { if (i >= 0) h.os.topics.splice(i, 1); } else if (i >= 0) h.os.topics[i] = topic;
          else h.os.topics.push(topic);
        }
      },
      os_me(data) { if (h.os) h.os.me = data.me; },
      os_attendance(data) {
        if (!h.os) return;
        h.os.attendance = data.attendance;
        h.os.attended = data.attendance.attended;
      },
      os_report(data) {
        if (!h.os) return;
        h.os.entries = h.os.entries.filter((e) => e.topic !== data.topic).concat(data.entries);
      },
      os_announcements(data) { if (h.os && data.stage === h.stage) h.os.announcements = data.announcements; },
    },
  };
  return h;
}

// "convened by Ann", "convened by Ann and Raj", "convened by Ann, Raj and Sue": the names the
// room may see (none in an anonymous stage)
function convenedBy(topic, t) {
  const names = [topic.convener_name, ...(topic.co_names || [])].filter(Boolean);
  if (!names.length) return "";
  const list = names.length === 1 ? names[0]
    : fill(t.os_and, { first: names.slice(0, -1).join(", "), last: names[names.length - 1] });
  return fill(t.os_by, { name: list });
}

// Announcements, newest first: "Lunch at 12:30 (the facilitator)". ``remove`` (optional)
// offers to take one down: the console any, a convener their own.
function announcementItems(os, t, remove) {
  return (os.announcements || []).map((a) => el("li", { class: "os-announcement", "data-announcement": a.id },
    el("span", { class: "text", text: a.text }), " ",
    el("span", { class: "small muted", text: a.from === "facilitator" ? t.os_from_facilitator
      : a.name ? fill(t.os_from_convener_named, { name: a.name }) : t.os_from_convener }),
    remove && remove.may(a) ? el("button", { type: "button", class: "link small", text: t.os_announce_remove,
      "aria-label": `${t.os_announce_remove}: ${a.text}`,
      onclick: () => remove.send(a.id) }) : null));
}

// An announcement form (console; a convener's phone): one line for the room.
function announceForm(form, send) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.querySelector("input");
    const text = input.value.trim();
    if (!text) return;
    send("os_announce", { text });
    input.value = "";
  });
}

// The report template's questions that have answers, each with its answers: [[question, entries]]
function answerParts(os, entries) {
  return (os.report_questions || []).map((q, i) => [q, entries.filter((e) => e.kind === "answer" && e.question === i)])
    .filter(([, list]) => list.length);
}

// One report (key points, recommendations, actions), read-only: news wall, projector, console.
function reportBlock(os, topic, t) {
  const entries = os.entries.filter((e) => e.topic === topic.id);
  const attended = (os.attended || (os.attendance && os.attendance.attended) || {})[topic.id] || 0;
  const parts = KINDS.map((kind) => {
    const list = entries.filter((e) => e.kind === kind);
    if (!list.length) return null;
    return el("div", { class: `os-part os-${kind}` },
      el("h4", { text: t[`os_${kind}`] }),
      el("ul", {}, ...list.map((e) => el("li", { "data-entry-id": e.id },
        el("span", { class: "text", text: e.text }),
        kind === "action" ? el("span", { class: "small muted", text: ` — ${fill(t.os_action_line, { owner: e.owner, due: e.due })}` }) : null))));
  }).filter(Boolean);
  parts.push(...answerParts(os, entries).map(([question, list]) => el("div", { class: "os-part os-answer" },
    el("h4", { text: question }),
    el("ul", {}, ...list.map((e) => el("li", { "data-entry-id": e.id }, el("span", { class: "text", text: e.text })))))));
  return el("section", { class: "os-news-item", "data-topic": topic.id },
    el("h3", { text: topic.title }),
    el("p", { class: "small muted", text: `${cellWords(os, topic.cell, t)} · ${plural(t.os_attended, attended)}` }),
    ...(parts.length ? parts : [el("p", { class: "muted", text: t.os_no_entries })]));
}

function principlesInto(root, os) {
  root.querySelector(".os-principle-list").replaceChildren(...os.principles.map((p) => el("li", { text: p })));
  root.querySelector(".os-law").textContent = os.law;
}

// The grid: a table with a row per slot and a column per space. ``cell(topic, space, slot)``
// fills each cell; the now and next rows are marked in words, not by colour alone.
function gridTable(os, t, cell) {
  const topics = byId(os.topics);
  const at = {};
  for (const topic of os.topics) if (topic.cell) at[topic.cell.join("|")] = topic;
  const head = el("tr", {}, el("th", { scope: "col", text: t.os_slot }),
    ...os.spaces.map((s) => el("th", { scope: "col" }, el("span", { text: s.name }),
      el("span", { class: "small muted", text: ` · ${s.capacity ? fill(t.os_capacity, { n: s.capacity }) : t.os_anywhere}` }))));
  const rows = os.slots.map((slot, i) => {
    const tag = i === os.now ? t.os_now_tag : i === os.now + 1 && os.now >= 0 ? t.os_next_tag : "";
    return el("tr", { class: tag ? `os-${i === os.now ? "now" : "next"}` : null, "data-slot": slot.id },
      el("th", { scope: "row" }, el("span", { text: slot.label }), tag ? el("strong", { class: "os-tag", text: ` (${tag})` }) : null),
      ...os.spaces.map((space) => el("td", { "data-space": space.id, "data-slot": slot.id },
        cell(at[`${space.id}|${slot.id}`] || null, space, slot))));
  });
  void topics;
  return el("table", { class: "os-grid" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

// -- phone -----------------------------------------------------------------------------------

export function phone(ctx) {
  const t = ctx.t;
  const root = document.getElementById("openspace");
  const $ = (sel) => root.querySelector(sel);
  const state = holder();
  const prefix = `fac:${location.pathname}:os`;
  const editBox = store(`${prefix}:edit`); // the entry being rewritten: {id, base, text, owner, due}
  let editingTopic = null;
  const reportBox = store(`${prefix}:report`); // the session whose report this phone writes
  let reportTopic = reportBox.get(null);
  let lastCheckin; // a new check-in switches the report to that session

  const draftBox = (kind) => store(`${prefix}:draft:${reportTopic}:${kind}`);
  // Drafts are saved as they are typed, per session and kind, and survive a reload.
  for (const form of root.querySelectorAll(".os-add")) {
    const kind = form.dataset.kind;
    for (const input of form.querySelectorAll("[data-field]")) {
      input.addEventListener("input", () => {
        const draft = draftBox(kind).get({});
        draft[input.dataset.field] = input.value;
        draftBox(kind).set(draft);
      });
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = Object.fromEntries([...form.querySelectorAll("[data-field]")].map((i) => [i.dataset.field, i.value.trim()]));
      if (!fields.text) return ctx.say(t.empty);
      const payload = { topic: reportTopic, kind, text: fields.text };
      if (kind === "action") Object.assign(payload, { owner: fields.owner || "", due: fields.due || "" });
      ctx.send("os_entry_add", payload);
      draftBox(kind).remove();
      for (const input of form.querySelectorAll("[data-field]")) input.value = "";
    });
  }
  function loadDrafts() {
    for (const form of root.querySelectorAll(".os-add")) {
      const draft = draftBox(form.dataset.kind).get({});
      for (const input of form.querySelectorAll("[data-field]")) {
        if (document.activeElement !== input) input.value = draft[input.dataset.field] || "";
      }
    }
  }
  // the plan's report template: a form per question, made once (drafts kept like the others)
  let madeFor = null;
  function questionForms(os) {
    const questions = os.report_questions || [];
    const key = JSON.stringify(questions);
    if (madeFor === key) return;
    madeFor = key;
    $(".os-questions").replaceChildren(...questions.map((q, i) => el("form", { class: "os-add os-answer-form stack", "data-kind": `answer-${i}` },
      el("label", { for: `os-answer-${i}`, text: q }),
      el("textarea", { id: `os-answer-${i}`, rows: "2", maxlength: "1000", "data-field": "text" }),
      el("button", { type: "submit", text: t.os_add_answer }))));
    for (const form of $(".os-questions").querySelectorAll("form")) {
      const kind = form.dataset.kind;
      const input = form.querySelector("textarea");
      input.value = draftBox(kind).get({}).text || "";
      input.addEventListener("input", () => draftBox(kind).set({ text: input.value }));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return ctx.say(t.empty);
        ctx.send("os_entry_add", { topic: reportTopic, kind: "answer", question: Number(kind.slice(7)), text });
        draftBox(kind).remove();
        input.value = "";
      });
    }
  }
  // opting in to be in the book with a contact, for the session being reported on
  $(".os-contact-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const contact = $("#os-contact").value.trim();
    if (!contact) return ctx.say(t.empty);
    ctx.send("os_contact", { topic: reportTopic, contact });
  });
  $(".os-contact-remove").addEventListener("click", () => ctx.send("os_contact", { topic: reportTopic, contact: "" }));

  $(".os-report-topic").addEventListener("change", (event) => {
    reportTopic = event.target.value;
    reportBox.set(reportTopic);
    loadDrafts();
    render();
  });

  $(".os-post").addEventListener("submit", (event) => {
    event.preventDefault();
    const title = $("#os-title").value.trim();
    const blurb = $("#os-blurb").value.trim();
    if (!title) return ctx.say(t.empty);
    if (editingTopic) ctx.send("os_topic_edit", { topic: editingTopic, title, blurb });
    else {
      // co-conveners (optional): people here by their name, or others who agreed to be named
      const co = $("#os-co").value.split(",").map((x) => x.trim()).filter(Boolean);
      const extra = co.length ? { co_names: co, co_consent: $("#os-co-consent").checked } : {};
      ctx.send("os_topic_post", { title, blurb, ...extra });
      $("#os-co").value = "";
      $("#os-co-consent").checked = false;
      $(".os-co-box").open = false;
    }
    editingTopic = null;
    $("#os-title").value = "";
    $("#os-blurb").value = "";
    render();
  });
  $(".os-post-cancel").addEventListener("click", () => {
    editingTopic = null;
    $("#os-title").value = "";
    $("#os-blurb").value = "";
    render();
  });
  $(".os-checkout").addEventListener("click", () => ctx.send("os_check_out", {}));
  $(".os-show-name").addEventListener("change", (event) => {
    const me = state.os && state.os.me;
    if (me && me.checkin) ctx.send("os_check_in", { topic: me.checkin, show_name: event.target.checked });
  });

  function entryEditor(entry) {
    const draft = editBox.get(null);
    const area = el("textarea", { rows: 3, "aria-label": `${t.os_edit}: ${entry.text.slice(0, 40)}`, class: "os-edit-text" });
    area.value = draft.text;
    const save = () => editBox.set({ ...editBox.get({}), text: area.value, owner: owner ? owner.value : "", due: due ? due.value : "" });
    area.addEventListener("input", save);
    const owner = entry.kind === "action" ? el("input", { "aria-label": t.os_action, maxlength: 60, class: "os-edit-owner" }) : null;
    const due = entry.kind === "action" ? el("input", { type: "date", "aria-label": t.os_action, class: "os-edit-due" }) : null;
    if (owner) { owner.value = draft.owner || ""; owner.addEventListener("input", save); }
    if (due) { due.value = draft.due || ""; due.addEventListener("input", save); }
    const stale = entry.rev !== draft.base;
    return el("div", { class: "os-editor" },
      stale ? el("p", { class: "notice os-conflict", role: "alert", text: fill(t.os_conflict, { text: entry.text }) }) : null,
      area, owner, due,
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: stale ? t.os_save_over : t.os_save, onclick: () => {
          const current = editBox.get({});
          const payload = { entry: entry.id, base: entry.rev, text: (current.text || "").trim() };
          if (!payload.text) return ctx.say(t.empty);
          if (entry.kind === "action") Object.assign(payload, { owner: current.owner || "", due: current.due || "" });
          // a stale base is refused by the server: only "save mine instead" sends the new one
          if (!stale) payload.base = current.base;
          ctx.send("os_entry_edit", payload);
        } }),
        el("button", { type: "button", text: t.os_cancel, onclick: () => { editBox.remove(); render(); } })));
  }

  function renderReport(os, me) {
    const section = $(".os-report");
    const topics = byId(os.topics);
    const can = (me.can_report || []).filter((id) => topics[id]);
    section.hidden = false;
    const select = $(".os-report-topic");
    const first = lastCheckin === undefined;
    const moved = !first && me.checkin !== lastCheckin && can.includes(me.checkin);
    lastCheckin = me.checkin || null;
    if (first) loadDrafts(); // after a reload: what was being typed comes back
    if (moved || !can.includes(reportTopic)) {
      reportTopic = moved ? me.checkin
        : me.checkin && can.includes(me.checkin) ? me.checkin : can[0] || null;
      reportBox.set(reportTopic);
      loadDrafts();
    }
    select.replaceChildren(...can.map((id) => el("option", { value: id, text: topics[id].title })));
    if (reportTopic) select.value = reportTopic;
    select.hidden = !can.length;
    for (const form of root.querySelectorAll(".os-add")) form.hidden = !reportTopic;
    $(".os-contact-form").hidden = !reportTopic;
    const box = $(".os-entries");
    if (!reportTopic) {
      box.replaceChildren(el("p", { class: "muted", text: t.os_no_report }));
      return;
    }
    const editing = editBox.get(null);
    const entries = os.entries.filter((e) => e.topic === reportTopic);
    box.replaceChildren(...KINDS.map((kind) => el("div", { class: `os-part os-${kind}` },
      el("h3", { text: t[`os_${kind}`] }),
      el("ul", { class: "plain" }, ...entries.filter((e) => e.kind === kind).map((e) => {
        if (editing && editing.id === e.id) return el("li", { "data-entry-id": e.id }, entryEditor(e));
        return el("li", { "data-entry-id": e.id },
          el("p", { class: "text", text: e.text }),
          kind === "action" ? el("p", { class: "small muted", text: fill(t.os_action_line, { owner: e.owner, due: e.due }) }) : null,
          el("button", { type: "button", class: "link small", text: t.os_edit, "aria-label": `${t.os_edit}: ${e.text.slice(0, 40)}`,
                         onclick: () => { editBox.set({ id: e.id, base: e.rev, text: e.text, owner: e.owner, due: e.due }); render(); } }));
      })))));
    box.append(...answerParts(os, entries).map(([question, list]) => el("div", { class: "os-part os-answer" },
      el("h3", { text: question }),
      el("ul", { class: "plain" }, ...list.map((e) => el("li", { "data-entry-id": e.id },
        editing && editing.id === e.id ? entryEditor(e) : el("p", { class: "text", text: e.text }),
        editing && editing.id === e.id ? null : el("button", { type: "button", class: "link small", text: t.os_edit,
          "aria-label": `${t.os_edit}: ${e.text.slice(0, 40)}`,
          onclick: () => { editBox.set({ id: e.id, base: e.rev, text: e.text, owner: e.owner, due: e.due }); render(); } })))))));
    questionForms(os);
    const contact = $(".os-contact-form");
    contact.hidden = false;
    const shared = (me.contacts || {})[reportTopic] || "";
    if (document.activeElement !== $("#os-contact")) $("#os-contact").value = shared;
    $(".os-contact-remove").hidden = !shared;
    const focusedEditor = box.querySelector(".os-edit-text");
    if (focusedEditor && editing && editing.focus !== false) setTimeout(() => focusedEditor.focus(), 0);
  }

  function renderMine(os, me) {
    const topics = byId(os.topics);
    const free = [];
    const taken = new Set(os.topics.filter((x) => x.cell).map((x) => x.cell.join("|")));
    for (const slot of os.slots) for (const space of os.spaces) if (!taken.has(`${space.id}|${slot.id}`)) free.push([space.id, slot.id]);
    $(".os-post-btn").textContent = editingTopic ? t.os_save_topic : t.os_post;
    $(".os-co-box").hidden = Boolean(editingTopic); // co-conveners are named when posting
    $(".os-post-cancel").hidden = !editingTopic;
    const merges = (me.merges || []).map((m) => el("li", { class: "notice os-merge", "data-merge": m.id },
      el("p", { text: m.waiting_for_me ? fill(t.os_merge_wait, { a: m.titles[0], b: m.titles[1] })
        : fill(t.os_merge_waiting, { a: m.titles[0], b: m.titles[1] }) }),
      m.waiting_for_me ? el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: t.os_agree, onclick: () => ctx.send("os_merge_answer", { merge: m.id, yes: true }) }),
        el("button", { type: "button", text: t.os_decline, onclick: () => ctx.send("os_merge_answer", { merge: m.id, yes: false }) })) : null));
    const mine = (me.topics || []).filter((x) => topics[x.id]).map((info) => {
      const topic = topics[info.id];
      const selectId = `os-cell-${topic.id}`;
      const select = el("select", { id: selectId, class: "os-cell-select" }, ...free.map(([sp, sl]) => el("option", {
        value: `${sp}|${sl}`, text: fill(t.os_free_info, { space: os.spaces.find((s) => s.id === sp).name,
                                                        slot: slotOf(os, sl).label, n: info.slot_clashes[sl] || 0 }) })));
      const hints = (me.hints || []).filter((h) => h.topic === topic.id || h.other === topic.id).map((h) => {
        const other = topics[h.topic === topic.id ? h.other : h.topic];
        if (!other) return null;
        return el("li", { class: "os-hint" }, el("p", { text: fill(t.os_hint, { other: other.title }) }),
          el("button", { type: "button", text: t.os_propose, onclick: () => ctx.send("os_merge_propose", { topic: topic.id, into: other.id }) }));
      });
      return el("li", { class: "os-my-topic card", "data-topic": topic.id },
        el("h3", { text: topic.title }),
        el("p", { class: "os-cell small", text: cellWords(os, topic.cell, t) }),
        el("p", { class: "small muted", text: plural(t.os_interested_n, info.interested) }),
        ...info.conflicts.map((c) => el("p", { class: "notice", role: "note", text: c })),
        ...info.clashes.map((c) => el("p", { class: "small", text: fill(t.os_clash, { n: c.people, title: c.title }) })),
        info.suggested && !topic.cell ? el("p", { class: "os-suggested" },
          el("span", { text: `${fill(t.os_suggested, { space: os.spaces.find((s) => s.id === info.suggested[0]).name, slot: slotOf(os, info.suggested[1]).label })} ` }),
          el("button", { type: "button", class: "primary", text: t.os_accept, onclick: () => ctx.send("os_suggestion_accept", { topic: topic.id }) })) : null,
        free.length ? el("div", { class: "stack os-pick" }, el("label", { for: selectId, text: t.os_pick }), select,
          el("button", { type: "button", class: "os-take", text: t.os_take, onclick: () => {
            const [space, slot] = select.value.split("|");
            ctx.send("os_place", { topic: topic.id, space, slot });
          } })) : null,
        el("ul", { class: "plain" }, ...hints.filter(Boolean)),
        el("div", { class: "row wrap" },
          el("button", { type: "button", class: "link small", text: t.os_edit, onclick: () => {
            editingTopic = topic.id;
            $("#os-title").value = topic.titles[0] || topic.title;
            $("#os-blurb").value = topic.blurb;
            render();
            $("#os-title").focus();
          } }),
          topic.cell ? el("button", { type: "button", class: "link small", text: t.os_unplace, onclick: () => ctx.send("os_unplace", { topic: topic.id }) }) : null,
          el("button", { type: "button", class: "link small", text: t.os_withdraw, onclick: () => ctx.send("os_topic_withdraw", { topic: topic.id }) })));
    });
    $(".os-mine").replaceChildren(...merges, ...mine);
  }

  function renderNow(os, me) {
    // before the sessions start, what to do is the stage's "what" line (see what() below)
    $(".os-now").hidden = os.now < 0 && !me.checkin;
    $(".os-now-line").textContent = nowLine(os, t);
    const running = os.now >= 0 && os.now < os.slots.length ? os.slots[os.now].id : null;
    const here = os.topics.filter((x) => x.cell && x.cell[1] === running);
    const show = $(".os-show-name");
    if (document.activeElement !== show) show.checked = Boolean(me.show_name);
    $(".os-checkin").replaceChildren(...here.map((topic) => {
      const inIt = me.checkin === topic.id;
      return el("li", { "data-topic": topic.id },
        el("button", { type: "button", class: inIt ? "toggle os-in" : "toggle", "aria-pressed": String(inIt),
                       "aria-label": `${inIt ? t.os_checked_in : t.os_check_in}: ${topic.title}`,
                       onclick: () => { if (!inIt) ctx.send("os_check_in", { topic: topic.id, show_name: show.checked }); } },
          el("span", { class: inIt ? "tick" : null, text: inIt ? t.os_checked_in : t.os_check_in })),
        el("span", { text: ` ${topic.title} · ${cellWords(os, topic.cell, t)}` }));
    }));
    $(".os-consent").hidden = !running;
    $(".os-checkout").hidden = !me.checkin;
    const status = me.checkin && byId(os.topics)[me.checkin]
      ? fill(t.os_here, { title: byId(os.topics)[me.checkin].title }) : running ? t.os_nowhere : "";
    if (status) $(".os-now-line").textContent = `${nowLine(os, t)} ${status}`;
  }

  function renderMarket(os, me) {
    const interested = new Set(me.interested || []);
    $(".os-topics").replaceChildren(...os.topics.map((topic) => {
      const on = interested.has(topic.id);
      const mine = topic.convener === me.id || (topic.co || []).includes(me.id);
      return el("li", { class: "os-topic card", "data-topic": topic.id },
        el("h3", { class: "os-title", text: topic.title }),
        topic.blurb ? el("p", { class: "small", text: topic.blurb }) : null,
        el("p", { class: "small muted", text: [cellWords(os, topic.cell, t),
          mine ? t.os_mine : convenedBy(topic, t)].filter(Boolean).join(" · ") }),
        el("button", { type: "button", class: "toggle os-interest", "aria-pressed": String(on),
                       "aria-label": `${t.os_interest}: ${topic.title}`,
                       onclick: () => ctx.send("os_interest", { topic: topic.id, on: !on }) },
          el("span", { "aria-hidden": "true", class: on ? "star" : "star off" }), t.os_interest));
    }));
  }

  function renderAgenda(os, me) {
    const mineIds = new Set([...(me.interested || []), ...(me.topics || []).map((x) => x.id)]);
    const items = os.slots.map((slot, i) => {
      const there = os.topics.filter((x) => x.cell && x.cell[1] === slot.id && mineIds.has(x.id));
      const tag = i === os.now ? t.os_now_tag : i === os.now + 1 && os.now >= 0 ? t.os_next_tag : "";
      return el("li", { class: tag ? `os-${i === os.now ? "now" : "next"}` : null, "data-slot": slot.id },
        el("strong", { text: slot.label + (tag ? ` (${tag})` : "") }), " ",
        el("span", { text: there.length ? there.map((x) => `${x.title} — ${cellWords(os, x.cell, t).split(",")[0]}`).join("; ") : t.os_agenda_none }));
    });
    $(".os-agenda-list").replaceChildren(...items);
  }

  function render() {
    const os = state.os;
    const me = (os && os.me) || {};
    principlesInto(root, os);
    renderNow(os, me);
    renderMine(os, me);
    renderMarket(os, me);
    renderAgenda(os, me);
    renderReport(os, me);
    const news = announcementItems(os, t, { may: (a) => a.author === me.id, send: (id) => ctx.send("os_announce_remove", { announcement: id }) });
    $(".os-announcements").replaceChildren(...news);
    $(".os-announcements-box").hidden = !news.length;
    $(".os-announce").hidden = !(me.topics || []).length; // conveners may announce
    $(".os-news-list").replaceChildren(...os.topics.filter((x) => x.cell).map((topic) => reportBlock(os, topic, t)));
  }
  announceForm($(".os-announce"), ctx.send);

  let lastW = null;
  return {
    snapshot: state.snapshot,
    events: state.events,
    render(w) {
      lastW = w;
      const active = inOpenSpace(w) && Boolean(state.os);
      root.hidden = !active;
      if (active) render();
    },
    // before the sessions: post a topic, mark what interests you (the plan's longer
    // instructions fold away under it)
    what(w) {
      const active = inOpenSpace(w) && Boolean(state.os);
      return active && state.os.now < 0 && !w.locked ? t.os_before : undefined;
    },
    acked(event) {
      if (event === "os_entry_edit") { editBox.remove(); if (lastW) this.render(lastW); return t.os_sent; }
      if (event === "os_topic_post") return t.os_topic_sent;
      if (event === "os_contact") return t.os_contact_saved;
      if (event.startsWith("os_")) return t.os_sent;
      return undefined;
    },
  };
}

// -- projector -------------------------------------------------------------------------------

// The projector's grid: a row per space, a column per time slot, so the now and next columns
// are on every page when the rows page (each row is a [data-item]; the table is a
// [data-group], its header row repeats on each page). Now and next are marked in words in the
// column heads, and by thick or dashed borders, never by colour alone. A cell holds the title
// and, in the running slot, who is there (the conveners' names are on phones and the console:
// six narrow columns at 1024 px have no room for them).
function screenGrid(os, t, att) {
  const at = {};
  for (const topic of os.topics) if (topic.cell) at[topic.cell.join("|")] = topic;
  const tagOf = (i) => (i === os.now ? "now" : i === os.now + 1 && os.now >= 0 ? "next" : "");
  const live = os.now >= 0 && os.now < os.slots.length ? os.slots[os.now].id : null;
  const head = el("tr", {}, el("th", { scope: "col", class: "os-space-h", text: t.os_space }),
    ...os.slots.map((slot, i) => {
      const tag = tagOf(i);
      return el("th", { scope: "col", class: tag ? `os-${tag}` : null, "data-slot": slot.id },
        tag ? el("strong", { class: "os-tag", text: t[`os_${tag}_tag`] }) : null, tag ? " " : null,
        slotLabel(slot.label));
    }));
  const rows = os.spaces.map((space, n) => el("tr", { "data-item": `space-${space.id}`, "data-space": space.id },
    el("th", { scope: "row" }, signSvg(signOf(n + 1), 40, signOf(n + 1).label), " ",
      el("span", { class: "os-space-name", text: space.name }),
      el("span", { class: "os-space-size", text: space.capacity ? fill(t.os_capacity, { n: space.capacity }) : t.os_anywhere })),
    ...os.slots.map((slot, i) => {
      const tag = tagOf(i);
      const topic = at[`${space.id}|${slot.id}`];
      const td = el("td", { class: tag ? `os-${tag}` : null, "data-space": space.id, "data-slot": slot.id });
      if (!topic) {
        td.append(el("span", { class: "os-free", text: t.os_free }));
        return td;
      }
      const n = att.counts[topic.id] || 0;
      const names = att.names[topic.id] || [];
      td.append(el("div", { class: "os-cell-topic", "data-topic": topic.id },
        el("p", { class: "os-title", text: topic.title }),
        slot.id === live ? el("p", { class: "os-count", "data-count": String(n), text: plural(t.os_here_n, n) }) : null,
        slot.id === live && names.length ? el("p", { class: "os-names", text: names.join(", ") }) : null));
      return td;
    })));
  return el("table", { class: "os-grid os-screen-grid", "data-group": "grid" },
    el("thead", {}, head), el("tbody", {}, ...rows));
}

// "Session 1 (9:30–10:30)" with its times on a line of their own (they break only if a
// column is narrower than the times).
function slotLabel(label) {
  const m = /^(.*\S) (\([^()]*\))$/.exec(label);
  if (!m) return el("span", { class: "os-slot-label", text: label });
  return el("span", { class: "os-slot-label" }, `${m[1]} `, el("span", { class: "os-slot-time", text: m[2] }));
}

// One session's report on the news wall: the session is a group, each kind of entry a group
// inside it (its heading repeats when it continues on the next page), each entry an item.
function screenReport(os, topic, t) {
  const entries = os.entries.filter((e) => e.topic === topic.id);
  const attended = ((os.attendance && os.attendance.attended) || {})[topic.id] || 0;
  const where = cellWords(os, topic.cell, t);
  const came = attended ? ` · ${plural(t.os_attended, attended)}` : "";
  return el("section", { class: "os-news-item", "data-group": `report-${topic.id}`, "data-topic": topic.id },
    el("header", {}, el("h3", { class: "os-title", text: topic.title }),
      el("p", { class: "os-news-where", text: `${where}${came}` })),
    ...KINDS.map((kind) => {
      const list = entries.filter((e) => e.kind === kind);
      if (!list.length) return null;
      return el("div", { class: `os-part os-${kind}`, "data-group": `report-${topic.id}-${kind}` },
        el("h4", { text: t[`os_${kind}`] }),
        el("ul", {}, ...list.map((e) => el("li", { "data-item": e.id, "data-entry-id": e.id },
          el("span", { class: "text", text: e.text }),
          kind === "action" ? actionLine(e, t) : null))));
    }).filter(Boolean),
    ...answerParts(os, entries).map(([question, list], i) => el("div", { class: "os-part os-answer", "data-group": `report-${topic.id}-q${i}` },
      el("h4", { text: question }),
      el("ul", {}, ...list.map((e) => el("li", { "data-item": e.id, "data-entry-id": e.id },
        el("span", { class: "text", text: e.text })))))));
}

// "— Priya, by 2027-01-15", the date kept whole (not "2027-01-" then "15" on the next line)
function actionLine(entry, t) {
  const [before, after = ""] = t.os_action_line.split("{due}");
  return el("span", { class: "os-action-line" }, ` — ${fill(before, { owner: entry.owner })}`,
    el("span", { class: "nobreak", text: entry.due }), fill(after, { owner: entry.owner }));
}

const SHOWN_ANNOUNCEMENTS = 3; // as SHOWN_ANNOUNCEMENTS in facilitator/activities/openspace.py

export function screen(ctx) {
  const t = ctx.t;
  const root = document.getElementById("view-openspace");
  const $ = (sel) => root.querySelector(sel);
  const state = holder();
  function render() {
    const os = state.os;
    if (!os) return;
    const news = os.screen === "news";
    const placed = os.topics.filter((x) => x.cell);
    const reported = placed.filter((topic) => os.entries.some((e) => e.topic === topic.id));
    let line = nowLine(os, t);
    if (news) {
      const n = reported.length;
      line = `${t.os_news} · ${n ? plural(t.os_reported, n, { total: placed.length }) : t.os_none_reported}`;
    }
    $(".os-line").textContent = line;
    // before the sessions start: the principles, then the grid as it fills
    const principles = !news && os.now < 0;
    // a hidden group must not count as a page of its own: it is a group only when shown
    $(".os-principles-box").hidden = !principles;
    $(".os-principles-box").toggleAttribute("data-group", principles);
    $(".os-principle-list").replaceChildren(...(principles ? os.principles : []).map((p, i) =>
      el("li", { "data-item": `principle-${i}`, text: p })));
    $(".os-law").textContent = principles ? os.law : "";
    $(".os-law").toggleAttribute("data-item", principles);
    if (principles) $(".os-law").dataset.item = "law";
    const att = os.attendance || { counts: {}, names: {} };
    $(".os-grid-box").hidden = news;
    $(".os-grid-box").replaceChildren(...(news ? [] : [screenGrid(os, t, att)]));
    const unplaced = news ? [] : os.topics.filter((x) => !x.cell);
    $(".os-arriving").hidden = !unplaced.length;
    $(".os-arriving").toggleAttribute("data-group", unplaced.length > 0);
    $(".os-unplaced").replaceChildren(...unplaced.map((topic) => el("li", { class: "card", "data-item": `topic-${topic.id}`, "data-topic": topic.id },
      el("p", { class: "os-title", text: topic.title }),
      convenedBy(topic, t) ? el("p", { class: "os-by", text: convenedBy(topic, t) }) : null)));
    const list = $(".os-news-list");
    list.hidden = !news;
    list.replaceChildren(...(news ? reported.map((topic) => screenReport(os, topic, t)) : []));
    // the newest announcements on a strip of their own above the box: the fit engine sizes
    // the box to what is left, so the strip never covers a contribution
    const strip = $(".os-announce-strip");
    const shown = (os.announcements || []).slice(0, SHOWN_ANNOUNCEMENTS);
    strip.hidden = !shown.length;
    strip.querySelector("ul").replaceChildren(...shown.map((a) => el("li", { "data-announcement": a.id, text: a.text })));
  }
  return { snapshot: state.snapshot, events: state.events, render };
}

// -- console ---------------------------------------------------------------------------------

export function console(ctx) {
  const t = ctx.t;
  const root = document.getElementById("openspace-panel");
  const $ = (sel) => root.querySelector(sel);
  const state = holder();
  let selected = null; // a topic chosen by click or keyboard, to place with a cell button

  $(".os-next-slot").addEventListener("click", () => ctx.act("os_set_slot", { slot: state.os.now + 1 }));
  $(".os-prev-slot").addEventListener("click", () => ctx.act("os_set_slot", { slot: state.os.now - 1 }));
  for (const b of root.querySelectorAll(".os-screen")) b.addEventListener("click", () => ctx.act("os_screen", { view: b.dataset.view }));
  $(".os-suggest").addEventListener("click", () => ctx.act("os_suggest"));
  $(".os-accept").addEventListener("click", () => ctx.act("os_suggestion_accept"));
  $(".os-dismiss").addEventListener("click", () => ctx.act("os_suggestion_dismiss"));
  const unplaceDrop = $(".os-unplaced");
  dropTarget(unplaceDrop, (id) => ctx.act("os_unplace", { topic: id }));

  function dropTarget(node, onDrop) {
    node.addEventListener("dragover", (event) => { event.preventDefault(); node.classList.add("os-over"); });
    node.addEventListener("dragleave", () => node.classList.remove("os-over"));
    node.addEventListener("drop", (event) => {
      event.preventDefault();
      node.classList.remove("os-over");
      const id = event.dataTransfer.getData("text/plain");
      if (id) onDrop(id);
    });
  }

  function chip(topic) {
    const pressed = selected === topic.id;
    const node = el("button", { type: "button", class: "os-chip", draggable: "true", "data-topic": topic.id,
                                "aria-pressed": String(pressed),
                                onclick: () => { selected = pressed ? null : topic.id; render(); } },
      el("span", { class: "os-title", text: topic.title }),
      el("span", { class: "small muted", text: ` · ${[topic.convener_name, ...(topic.co_names || [])].join(", ")} · ${plural(t.os_interested_n, topic.interested)}` }));
    node.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", topic.id);
      event.dataTransfer.effectAllowed = "move";
    });
    return node;
  }

  function render() {
    const os = state.os;
    const topics = byId(os.topics);
    if (selected && !topics[selected]) selected = null;
    $(".os-state").textContent = nowLine({ ...os }, { ...t, os_next: "" });
    const last = os.now + 1 >= os.slots.length;
    $(".os-next-slot").textContent = os.now >= os.slots.length ? t.os_over
      : last ? t.os_end_all : fill(t.os_start_slot, { slot: os.slots[os.now + 1].label });
    $(".os-next-slot").disabled = os.now >= os.slots.length;
    $(".os-prev-slot").disabled = os.now < 0;
    for (const b of root.querySelectorAll(".os-screen")) b.setAttribute("aria-pressed", String(b.dataset.view === os.screen));
    $(".os-warnings").replaceChildren(...(os.warnings || []).map((w) => el("li", { text: w })));
    const suggestion = os.suggestion;
    $(".os-accept").hidden = !suggestion;
    $(".os-dismiss").hidden = !suggestion;
    $(".os-messages").replaceChildren(...((suggestion && suggestion.messages) || []).map((m) => el("li", { text: m })));
    $(".os-conflicts").replaceChildren(...(os.conflicts || []).map((c) => el("li", { "data-kind": c.kind, text: c.message })));
    const hints = (os.hints || []).map((h) => topics[h.topic] && topics[h.other] ? el("li", {},
      el("span", { text: `${fill(t.os_hint, { a: topics[h.topic].title, b: topics[h.other].title })} ` }),
      el("button", { type: "button", class: "small", text: t.os_force, onclick: () => ctx.act("os_merge_propose", { topic: h.topic, into: h.other, force: true }) })) : null);
    const merges = (os.merges || []).map((m) => topics[m.topic] && topics[m.into] ? el("li", {},
      el("span", { text: `${fill(t.os_merge_open, { a: topics[m.topic].title, b: topics[m.into].title, names: m.waiting.join(", ") })} ` }),
      el("button", { type: "button", class: "small", text: t.os_force, onclick: () => ctx.act("os_merge_propose", { topic: m.topic, into: m.into, force: true }) })) : null);
    $(".os-hints").replaceChildren(...[...merges, ...hints].filter(Boolean));
    $(".os-selected").textContent = selected ? fill(t.os_selected, { title: topics[selected].title }) : "";
    const suggested = {};
    for (const [sp, sl, id] of (suggestion && suggestion.cells) || []) suggested[`${sp}|${sl}`] = id;
    const att = os.attendance || { counts: {}, names: {} };
    $(".os-grid-box").replaceChildren(gridTable(os, t, (topic, space, slot) => {
      const box = el("div", { class: "os-drop", "data-drop": `${space.id}|${slot.id}` });
      dropTarget(box, (id) => ctx.act("os_place", { topic: id, space: space.id, slot: slot.id }));
      if (topic) {
        box.append(chip(topic));
        const n = att.counts[topic.id];
        if (n) box.append(el("p", { class: "os-count small", text: plural(t.os_here_n, n) }));
        if (att.names[topic.id]) box.append(el("p", { class: "small muted", text: att.names[topic.id].join(", ") }));
      } else {
        const ghost = suggested[`${space.id}|${slot.id}`];
        if (ghost && topics[ghost]) box.append(el("p", { class: "small os-ghost", text: fill(t.os_suggested_cell, { title: topics[ghost].title }) }));
        box.append(el("button", { type: "button", class: "link small os-place-here", disabled: !selected,
                                  "aria-label": `${t.os_place_here}: ${space.name}, ${slot.label}`, text: selected ? t.os_place_here : t.os_free,
                                  onclick: () => { if (selected) { ctx.act("os_place", { topic: selected, space: space.id, slot: slot.id }); selected = null; } } }));
      }
      return box;
    }));
    $(".os-unplaced").replaceChildren(...[...os.topics.filter((x) => !x.cell).map((topic) => el("li", {}, chip(topic))),
      selected && topics[selected].cell ? el("li", {}, el("button", { type: "button", class: "small", text: t.os_unplace,
        onclick: () => { ctx.act("os_unplace", { topic: selected }); selected = null; } })) : null].filter(Boolean));
    for (const sel of [".os-warnings", ".os-messages", ".os-conflicts", ".os-hints"]) $(sel).hidden = !$(sel).children.length;
    $(".os-announcements").replaceChildren(...announcementItems(os, t, { may: () => true, send: (id) => ctx.act("os_announce_remove", { announcement: id }) }));
    $(".os-news-list").replaceChildren(...os.topics.filter((x) => x.cell).map((topic) => reportBlock(os, topic, t)));
  }
  announceForm($(".os-announce"), ctx.act);

  return {
    snapshot: state.snapshot,
    events: state.events,
    render(w) {
      const show = inOpenSpace(w) && Boolean(state.os);
      root.hidden = !show;
      if (show) render();
    },
    // Start the next slot, then End the sessions; once they are over, the console's next stage
    primary(w) {
      return inOpenSpace(w) && state.os && !root.hidden ? buttonMove(root, [".os-next-slot"]) : null;
    },
  };
}
