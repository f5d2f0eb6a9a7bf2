// The activity kinds whose pages have their own parts (templates/kinds/<kind>/ and a module
// here). A kind's module exports phone(ctx), screen(ctx) and console(ctx), each returning a
// plug-in the page drives (docs/architecture.md, "Page plug-ins"):
//   snapshot(data)      the page received a snapshot: keep this kind's part of it
//   events: {name(data, workshop)}  server events this kind handles (the page re-renders)
//   render(workshop)    show or hide this kind's section and fill it
//   people(data)        optional: the joined / online counts changed
// Console plug-ins may answer primary(workshop): the stage's next step as {label, run} (the
// console's one primary button shows and does it), or null to leave it to the console.
// Phone plug-ins may also answer writable(workshop) (the note form posts now), prompt() and
// what() (override the heading and the "what to do" line), acked(event, ack) (a thank-you) and
// noteFields(workshop) (fields added to a note as it is written, e.g. a café's round) and
// maxLength(workshop) (the note form's limit, when the kind's default is not the plan's).
import * as assets from "./assets.js";
import * as adopt from "./adopt.js";
import * as cafe from "./cafe.js";
import * as openspace from "./openspace.js";
import * as inquiry from "./inquiry.js";
import * as checkin from "./checkin.js";
import * as onetwofour from "./onetwofour.js";

export const KINDS = { cafe, assets, openspace, adopt, ...inquiry.KINDS, checkin, onetwofour };

// A page's plug-ins: each kind's factory for this page, with its own strings (#t-<kind>)
// over the page's.
export function plugins(page, ctx) {
  const out = [];
  for (const [kind, module] of Object.entries(KINDS)) {
    const box = document.getElementById(`t-${kind}`);
    if (!module[page] || !box) continue;
    out.push(module[page]({ ...ctx, t: { ...ctx.t, ...JSON.parse(box.textContent) } }));
  }
  return out;
}

// Add every plug-in's server events to a page's handlers; ``after`` runs after each (render).
export function withPluginEvents(handlers, list, seen, getWorkshop, after) {
  const out = { ...handlers };
  for (const plugin of list) {
    for (const [name, fn] of Object.entries(plugin.events || {})) {
      const before = out[name];
      out[name] = (data) => {
        if (before) before(data);
        seen(data.seq);
        fn(data, getWorkshop());
        after();
      };
    }
  }
  return out;
}

