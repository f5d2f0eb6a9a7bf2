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

export function screen(ctx) {
  const root = document.getElementById("view-adopt");
  const state = holder();
  return { snapshot: state.snapshot, events: state.events,
           render() { if (state.adopt) readOnly(root, state.adopt, ctx.t); } };
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
