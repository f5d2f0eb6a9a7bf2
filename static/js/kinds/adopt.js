// Taking priorities forward (the `adopt` kind) on the phone, the projector and the console:
// the top items of the convergence vote, who signed up (names only with consent) and their
// first steps. Participant text is set with textContent only.
import { el, fill } from "../common.js";

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
    el("p", { class: "small muted", text: `${fill(item.count === 1 ? t.adopt_dots_one : t.adopt_dots, { n: item.count })} · ${fill(t.adopt_volunteers, { n: item.volunteers })}` })];
}

function readOnly(root, adopt, t) {
  root.querySelector(".adopt-wait").hidden = adopt.ready;
  root.querySelector(".adopt-items").replaceChildren(...adopt.items.map((item) => el("li", { class: "card", "data-item": item.id },
    ...itemHead(item, t),
    item.names.length ? el("p", { class: "adopt-names", text: item.names.join(", ") }) : null,
    item.steps.length ? el("ul", {}, ...item.steps.map((s) => el("li", { text: s }))) : null)));
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
      root.querySelector(".adopt-items").replaceChildren(...adopt.items.map((item, index) => {
        const stepId = `adopt-step-${item.id}`;
        const showId = `adopt-show-${item.id}`;
        const step = el("input", { id: stepId, maxlength: 300 });
        step.value = item.my_step;
        const consent = el("input", { type: "checkbox", id: showId });
        consent.checked = item.my_public;
        // signing up comes first; the first step and showing one's name follow
        return el("li", { class: "card", "data-item": item.id }, ...itemHead(item, t),
          el("div", { class: "row wrap" },
            el("button", { type: "button", class: "toggle adopt-sign", "aria-pressed": String(item.mine),
                           "data-main-action": index === 0,
                           text: item.mine ? t.adopt_signed : t.adopt_sign,
                           onclick: () => ctx.send("adopt_item", item.mine ? { item: item.id, on: false }
                             : { item: item.id, on: true, step: step.value.trim(), show_name: consent.checked }) }),
            item.mine ? el("button", { type: "button", text: t.adopt_save,
                                       onclick: () => ctx.send("adopt_item", { item: item.id, on: true, step: step.value.trim(), show_name: consent.checked }) }) : null),
          el("label", { for: stepId, text: t.adopt_step }), step,
          el("label", { class: "check" }, consent, el("span", { text: t.adopt_show })));
      }));
    },
    acked(event) { return event === "adopt_item" ? t.adopt_thanks : undefined; },
  };
}

// On the projector each priority is a group in the fit box (static/js/fit.js): its rank,
// label, dots and volunteers as the heading, its first steps the items (a priority with none
// counts as one item). Ties are said in words, not "1=".
function plural(t, key, n) {
  return fill(n === 1 ? t[`${key}_one`] : t[`${key}_other`], { n });
}

function priority(item, t) {
  const rank = fill(item.tied ? t.adopt_rank_tied : t.adopt_rank, { rank: item.rank });
  const volunteers = item.volunteers ? plural(t, "adopt_volunteers", item.volunteers) : t.adopt_volunteers_none;
  return el("li", { class: "adopt-priority", "data-group": `priority:${item.id}`, "data-item-id": item.id },
    el("h3", { class: "adopt-label" }, el("span", { class: "adopt-rank", text: `${rank}: ` }),
      el("span", { text: item.label })),
    el("p", { class: "adopt-meta", text: `${plural(t, "adopt_dots", item.count)} · ${volunteers}` }),
    item.names.length ? el("p", { class: "adopt-names", text: item.names.join(", ") }) : null,
    item.steps.length
      ? el("ul", { class: "adopt-steps", "aria-label": t.adopt_steps_h }, ...item.steps.map((s, i) => el("li", {
        "data-item": `step:${item.id}:${i}`, text: s })))
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
