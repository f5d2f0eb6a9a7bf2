// Taking priorities forward (the `adopt` kind) on the phone, the projector and the console:
// the top items of the convergence vote, who signed up (names only with consent) and their
// action plans (actions, owner, date, who else). Participant text is set with textContent only.
import { el, fill, plural } from "../common.js";

const inAdopt = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "adopt");

function holder() {
  const h = {
    adopt: null,
    snapshot(data) { h.adopt = data.adopt || null; },
    events: { adopt(data, w) { if (!w || data.adopt.stage === w.stage_index) h.adopt = data.adopt; } },
  };
  return h;
}

function itemHead(item, t) {
  return [el("h3", { text: `${fill(t.adopt_rank, { rank: item.tied ? `${item.rank}=` : item.rank })}: ${item.label}` }),
    el("p", { class: "small muted", text: `${plural(t.adopt_dots, item.count)} · ${plural(t.adopt_volunteers, item.volunteers)}` })];
}

// "Write to the bus company: Ann, by 2027-02-01, with Bo"
function actionText(a, t) {
  return fill(a.with ? t.adopt_action_line_with : t.adopt_action_line, a);
}

function readOnly(root, adopt, t) {
  root.querySelector(".adopt-wait").hidden = adopt.ready;
  root.querySelector(".adopt-items").replaceChildren(...adopt.items.map((item) => el("li", { class: "card", "data-item": item.id },
    ...itemHead(item, t),
    item.names.length ? el("p", { class: "adopt-names", text: item.names.join(", ") }) : null,
    item.steps.length || (item.actions || []).length ? el("ul", {}, ...item.steps.map((s) => el("li", { text: s })),
      ...(item.actions || []).map((a) => el("li", { text: actionText(a, t) }))) : null)));
}

// A priority's shared action plan on a phone of someone taking it forward: the actions so
// far (one's own can be removed) and a form for the next (what, owner, date, who else).
function planBlock(item, t, send) {
  const key = (f) => `adopt-${f}-${item.id}`;
  const input = (f, attrs) => el("input", { id: key(f), ...attrs });
  const fields = { text: input("text", { maxlength: 300 }), owner: input("owner", { maxlength: 60 }),
                   due: input("due", { type: "date" }), with: input("with", { maxlength: 120 }) };
  const form = el("form", { class: "adopt-plan-form stack", onsubmit: (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.value.trim()]));
    if (!values.text || !values.owner || !values.due) { send.say(t.adopt_plan_missing); return; }
    send.send("adopt_action_add", { item: item.id, ...values });
    for (const f of Object.values(fields)) f.value = "";
  } },
  el("label", { for: key("text"), text: t.adopt_plan_text }), fields.text,
  el("label", { for: key("owner"), text: t.adopt_plan_owner }), fields.owner,
  el("label", { for: key("due"), text: t.adopt_plan_due }), fields.due,
  el("label", { for: key("with"), text: t.adopt_plan_with }), fields.with,
  el("button", { type: "submit", text: t.adopt_plan_add }));
  const actions = item.actions || [];
  return el("section", { class: "adopt-plan", "aria-label": `${t.adopt_plan_h}: ${item.label}` },
    el("h4", { text: t.adopt_plan_h }),
    actions.length ? el("ul", { class: "plain adopt-plan-list" }, ...actions.map((a) => el("li", { "data-action-id": a.id },
      el("span", { text: actionText(a, t) }), " ",
      a.mine ? el("button", { type: "button", class: "link small", text: t.adopt_plan_remove,
                              "aria-label": `${t.adopt_plan_remove}: ${a.text}`,
                              onclick: () => send.send("adopt_action_remove", { action: a.id }) }) : null)))
      : el("p", { class: "muted small", text: t.adopt_plan_empty }),
    form);
}

export function phone(ctx) {
  const t = ctx.t;
  const root = document.getElementById("adopt");
  const state = holder();
  return {
    snapshot: state.snapshot,
    events: state.events,
    render(w) {
      const show = inAdopt(w) && Boolean(state.adopt);
      root.hidden = !show;
      if (!show) return;
      const adopt = state.adopt;
      root.querySelector(".adopt-wait").hidden = adopt.ready;
      // a form being typed in survives a redraw (someone else added to the plan meanwhile)
      const typed = {};
      for (const node of root.querySelectorAll(".adopt-plan-form input")) typed[node.id] = node.value;
      const focused = document.activeElement && document.activeElement.id;
      root.querySelector(".adopt-items").replaceChildren(...adopt.items.map((item, index) => {
        const showId = `adopt-show-${item.id}`;
        const consent = el("input", { type: "checkbox", id: showId });
        consent.checked = item.my_public;
        // signing up comes first; showing one's name and the action plan follow
        return el("li", { class: "card", "data-item": item.id }, ...itemHead(item, t),
          el("div", { class: "row wrap" },
            el("button", { type: "button", class: "toggle adopt-sign", "aria-pressed": String(item.mine),
                           "data-main-action": index === 0,
                           text: item.mine ? t.adopt_signed : t.adopt_sign,
                           onclick: () => ctx.send("adopt_item", item.mine ? { item: item.id, on: false }
                             : { item: item.id, on: true, step: item.my_step, show_name: consent.checked }) }),
            item.mine ? el("button", { type: "button", text: t.adopt_save,
                                       onclick: () => ctx.send("adopt_item", { item: item.id, on: true, step: item.my_step, show_name: consent.checked }) }) : null),
          el("label", { class: "check" }, consent, el("span", { text: t.adopt_show })),
          item.mine ? planBlock(item, t, { send: ctx.send, say: ctx.say }) : null);
      }));
      for (const [id, value] of Object.entries(typed)) {
        const node = document.getElementById(id);
        if (node) node.value = value;
      }
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    },
    acked(event) {
      if (event === "adopt_action_add") return t.adopt_plan_added;
      return event === "adopt_item" || event === "adopt_action_remove" ? t.adopt_thanks : undefined;
    },
  };
}

// On the projector each priority is a group in the fit box (static/js/fit.js): its rank,
// label, dots and volunteers as the heading, its first steps the items (a priority with none
// counts as one item). Ties are said in words, not "1=".
function priority(item, t) {
  const rank = fill(item.tied ? t.adopt_rank_tied : t.adopt_rank, { rank: item.rank });
  const volunteers = item.volunteers ? plural(t.adopt_volunteers, item.volunteers) : t.adopt_volunteers_none;
  return el("li", { class: "adopt-priority", "data-group": `priority:${item.id}`, "data-item-id": item.id },
    el("h3", { class: "adopt-label" }, el("span", { class: "adopt-rank", text: `${rank}: ` }),
      el("span", { text: item.label })),
    el("p", { class: "adopt-meta", text: `${plural(t.adopt_dots, item.count)} · ${volunteers}` }),
    item.names.length ? el("p", { class: "adopt-names", text: item.names.join(", ") }) : null,
    item.steps.length || (item.actions || []).length
      ? el("ul", { class: "adopt-steps", "aria-label": t.adopt_steps_h }, ...item.steps.map((s, i) => el("li", {
        "data-item": `step:${item.id}:${i}`, text: s })), ...(item.actions || []).map((a) => el("li", {
        "data-item": `action:${a.id}`, text: actionText(a, t) })))
      : el("p", { class: "adopt-none", text: t.adopt_no_steps }));
}

export function screen(ctx) {
  const t = ctx.t;
  const root = document.getElementById("view-adopt");
  const state = holder();
  return {
    snapshot: state.snapshot,
    events: state.events,
    render() {
      const adopt = state.adopt;
      if (!adopt) return;
      root.querySelector(".adopt-wait").hidden = adopt.ready;
      root.querySelector(".adopt-items").replaceChildren(...adopt.items.map((item) => priority(item, t)));
    },
  };
}

export function console(ctx) {
  const root = document.getElementById("adopt-panel");
  const state = holder();
  return {
    snapshot: state.snapshot,
    events: state.events,
    render(w) {
      const show = inAdopt(w) && Boolean(state.adopt);
      root.hidden = !show;
      if (show) readOnly(root, state.adopt, ctx.t);
    },
  };
}
