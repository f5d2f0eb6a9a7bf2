// The asset map on the phone, the projector and the console: plug-ins for the pages (see
// static/js/kinds/index.js). Each keeps the `assets` part of the snapshot (docs/activities/
// assets.md) and renders it into its section of templates/kinds/assets/; participant text is
// set with textContent only.
import { el, fill, readConfig, store, plural } from "../common.js";

const VISIBILITIES = ["private", "group", "public"];
const inMap = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "assets");

// Keeps the latest `assets` view: from each snapshot, and from `assets` updates for this stage.
function holder() {
  const h = {
    assets: null,
    me: null,
    snapshot(data) {
      h.assets = data.assets || null;
      if ("me" in data) h.me = data.me;
    },
    update(data, workshop) {
      if (!workshop || data.stage === workshop.stage_index) h.assets = data.assets;
    },
  };
  return h;
}

function visibilitySelect(t, id, value, personCentred) {
  const suffix = personCentred ? "_pc" : "";
  const select = el("select", { id, class: "assets-vis" },
    ...VISIBILITIES.map((v) => el("option", { value: v, text: t[`assets_vis_${v}${suffix}`] })));
  select.value = value;
  return select;
}

// -- phone -----------------------------------------------------------------------------------

export function phone(ctx) {
  const t = ctx.t;
  // one person's map (with a practitioner) says "you" and "your practitioner", not "the group"
  const say = (key) => (state.assets && state.assets.person_centred && t[`${key}_pc`]) || t[key];
  const root = document.getElementById("assets");
  const $ = (sel) => root.querySelector(sel);
  const state = holder();
  let person = ""; // "" = me; else the interviewee I record for
  let editing = null; // the entry being edited, and what is typed in it
  let draft = null;
  let builtFor = ""; // the categories the add forms were built for
  let printing = false;
  let shown = null; // the workshop last rendered, to render again after a local change
  const active = (w) => inMap(w) && Boolean(state.assets);
  const rerender = () => render(shown);

  const owner = () => person || (state.me && state.me.id) || "";
  const ownerName = () => {
    const p = (state.assets.people || []).find((x) => x.id === person);
    return p ? (p.name || fill(t.assets_someone, { n: p.id.slice(1) })) : "";
  };
  const withPerson = (payload) => (person ? { ...payload, person } : payload);

  // interview mode
  $(".assets-person").addEventListener("change", (event) => {
    person = event.target.value;
    editing = null;
    rerender();
  });
  $(".assets-interview-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("#assets-consent").checked) return ctx.say(t.assets_consent_needed);
    ctx.send("asset_interviewee", { name: $("#assets-interviewee").value.trim(), consent: true });
    $("#assets-interviewee").value = "";
    $("#assets-consent").checked = false;
    $(".assets-interview").open = false;
  });

  // community assets; a location only when the person presses the button (never automatic)
  let located = null;
  const showLocated = (text) => {
    $(".assets-located").textContent = text;
    $(".assets-unlocate-btn").hidden = !located;
  };
  $(".assets-locate-btn").addEventListener("click", () => {
    if (!navigator.geolocation) return showLocated(fill(t.assets_locate_failed, { why: t.assets_locate_none }));
    showLocated(t.assets_locating);
    navigator.geolocation.getCurrentPosition((pos) => {
      located = { lat: pos.coords.latitude, lon: pos.coords.longitude };
      showLocated(fill(t.assets_located, { lat: located.lat.toFixed(5), lon: located.lon.toFixed(5),
                                           metres: Math.max(1, Math.round(pos.coords.accuracy || 0)) }));
    }, (err) => {
      located = null;
      showLocated(fill(t.assets_locate_failed, { why: err && err.code === 1 ? t.assets_locate_denied : t.assets_locate_unavailable }));
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  $(".assets-unlocate-btn").addEventListener("click", () => { located = null; showLocated(""); });
  $("#assets-kind").addEventListener("change", () => showKindHelp());
  $(".assets-asset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("#assets-name").value.trim();
    if (!name) {
      ctx.say(t.assets_name_needed);
      $("#assets-name").focus();
      return;
    }
    const payload = { kind: $("#assets-kind").value, name, offers: $("#assets-offers").value.trim(),
                      place: $("#assets-place").value.trim(), access: $("#assets-access").value.trim(),
                      visibility: $("#assets-asset-vis").value };
    if (located) Object.assign(payload, located);
    ctx.send("asset_add", withPerson(payload));
    for (const id of ["#assets-name", "#assets-offers", "#assets-place", "#assets-access"]) $(id).value = "";
    located = null;
    showLocated("");
    $("#assets-name").focus();
  });

  // connections
  $(".assets-contact-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.send("asset_contact", withPerson({ contact: $("#assets-contact").value.trim() }));
    $("#assets-contact").dataset.dirty = "";
  });
  $("#assets-contact").addEventListener("input", () => { $("#assets-contact").dataset.dirty = "1"; });

  // the printable map, and deleting a person-centred map
  $(".assets-open-print").addEventListener("click", () => { printing = true; rerender(); });
  $(".assets-close-print").addEventListener("click", () => { printing = false; rerender(); });
  $(".assets-print-btn").addEventListener("click", () => window.print());
  $(".assets-forget-btn").addEventListener("click", forget);

  function showKindHelp() {
    const kind = (state.assets.kinds || []).find((k) => k.key === $("#assets-kind").value);
    $("#assets-kind-help").textContent = kind ? kind.help : "";
  }

  async function forget() {
    const cfg = readConfig();
    const token = store(`fac:${cfg.code}:token`).get();
    let answer = null;
    try {
      const response = await fetch(`/j/${encodeURIComponent(cfg.code)}/forget`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token }) });
      answer = await response.json();
    } catch {
      answer = { ok: false, error: "" };
    }
    if (!answer.ok) return ctx.say(`${t.assets_forget_failed} ${answer.error}`);
    for (const key of ["token", "pending-token", "outbox", "seq"]) store(`fac:${cfg.code}:${key}`).remove();
    document.querySelector("main").replaceChildren(
      el("h1", { text: t.assets_forgotten, role: "status" }));
  }

  function entryItem(g, a) {
    if (editing === g.id) {
      const area = el("textarea", { rows: 2, "aria-label": t.assets_edit_label, maxlength: String(a.max_length) });
      if (draft === null) draft = g.text;
      area.value = draft;
      area.addEventListener("input", () => { draft = area.value; });
      const vis = visibilitySelect(t, `assets-edit-vis-${g.id}`, g.visibility, a.person_centred);
      setTimeout(() => area.focus(), 0);
      return el("li", { class: "assets-entry editing", "data-gift-id": g.id }, area,
        el("label", { for: vis.id, text: t.assets_vis }), vis,
        el("div", { class: "row wrap" },
          el("button", { type: "button", class: "primary", text: t.assets_save, onclick: () => {
            const text = area.value.trim();
            if (!text) return ctx.say(t.empty);
            const payload = { gift_id: g.id };
            if (text !== g.text) payload.text = text;
            if (vis.value !== g.visibility) payload.visibility = vis.value;
            if (Object.keys(payload).length > 1) ctx.send("asset_gift_edit", payload);
            editing = null;
            draft = null;
            rerender();
          } }),
          el("button", { type: "button", text: t.assets_cancel, onclick: () => { editing = null; draft = null; rerender(); } })));
    }
    return el("li", { class: "assets-entry", "data-gift-id": g.id, "data-visibility": g.visibility },
      el("p", { class: "text", text: g.line || g.text }),
      el("p", { class: "small muted tag", text: say(`assets_tag_${g.visibility}`) }),
      el("div", { class: "row wrap" },
        el("button", { type: "button", text: t.assets_edit, "aria-label": `${t.assets_edit}: ${g.text.slice(0, 40)}`,
                       onclick: () => { editing = g.id; draft = null; rerender(); } }),
        el("button", { type: "button", text: t.assets_delete, "aria-label": `${t.assets_delete}: ${g.text.slice(0, 40)}`,
                       onclick: () => ctx.send("asset_gift_delete", { gift_id: g.id }) })));
  }

  // One box per category: its help, the entries, and a small form to add one. Built once per
  // set of categories, so what someone is typing survives every update.
  function buildCategories(a) {
    const key = a.categories.map((c) => c.key).join(",") + (a.person_centred ? ":pc" : "")
      + (a.areas || []).join("|");
    if (key === builtFor) return;
    builtFor = key;
    $(".assets-personal").replaceChildren(...a.categories.map((c, i) => {
      const input = el("input", { id: `assets-new-${c.key}`, maxlength: String(a.max_length), autocomplete: "off" });
      const vis = visibilitySelect(t, `assets-vis-${c.key}`, a.visibility, a.person_centred);
      // a skill names its area; an offer says what, when and for whom
      const area = ["have", "learn"].includes(c.key) && (a.areas || []).length
        ? el("select", { id: `assets-area-${c.key}`, class: "assets-area" },
          ...a.areas.map((name) => el("option", { value: name, text: name }))) : null;
      const offer = c.key === "offer";
      const when = offer ? el("input", { id: `assets-when-${c.key}`, class: "assets-when", maxlength: "80", autocomplete: "off" }) : null;
      const whom = offer ? el("input", { id: `assets-whom-${c.key}`, class: "assets-whom", maxlength: "80", autocomplete: "off" }) : null;
      // the first box's form is the step's main action (the phone's first screen shows it)
      const form = el("form", { class: "assets-add stack", "data-category": c.key,
                                ...(i === 0 ? { "data-main-action": "" } : {}) },
        area ? el("label", { for: area.id, text: t.assets_area }) : null, area,
        el("label", { for: input.id, text: offer ? t.assets_what : fill(t.assets_new_entry, { what: c.label }) }), input,
        when ? el("label", { for: when.id, text: t.assets_when }) : null, when,
        whom ? el("label", { for: whom.id, text: t.assets_for_whom }) : null, whom,
        el("label", { for: vis.id, text: t.assets_vis }), vis,
        el("button", { type: "submit", class: "primary", text: t.assets_add,
                       "aria-label": fill(t.assets_add_to, { what: c.label }) }));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) {
          ctx.say(t.empty);
          input.focus();
          return;
        }
        const payload = { category: c.key, text, visibility: vis.value };
        if (area) payload.area = area.value;
        if (when && when.value.trim()) payload.when = when.value.trim();
        if (whom && whom.value.trim()) payload.for_whom = whom.value.trim();
        ctx.send("asset_gift_add", withPerson(payload));
        input.value = "";
        if (when) when.value = "";
        if (whom) whom.value = "";
        input.focus();
      });
      return el("section", { class: "assets-category", "data-category": c.key, "aria-labelledby": `assets-h-${c.key}` },
        el("h2", { id: `assets-h-${c.key}`, text: c.label }),
        el("p", { class: "small muted", text: c.help }),
        el("ul", { class: "assets-items plain" }),
        form);
    }));
  }

  function renderPersonal(a) {
    buildCategories(a);
    const mine = (a.gifts || []).filter((g) => g.owner === owner());
    for (const box of root.querySelectorAll(".assets-category")) {
      const items = mine.filter((g) => g.category === box.dataset.category);
      box.querySelector(".assets-items").replaceChildren(...(items.length
        ? items.map((g) => entryItem(g, a)) : [el("li", { class: "muted small", text: t.assets_none_yet })]));
    }
  }

  function renderCommunity(a) {
    const kinds = $("#assets-kind");
    if (kinds.options.length !== a.kinds.length) {
      kinds.replaceChildren(...a.kinds.map((k) => el("option", { value: k.key, text: k.label })));
      const vis = visibilitySelect(t, "assets-asset-vis", a.asset_visibility, a.person_centred);
      $("#assets-asset-vis").replaceWith(vis);
      showKindHelp();
    }
    const label = (key) => (a.kinds.find((k) => k.key === key) || {}).label || key;
    const mine = (a.assets || []).filter((x) => x.owner === owner());
    $(".assets-mine-assets").replaceChildren(...(mine.length ? mine.map((x) => el("li", {
      class: "assets-entry", "data-asset-id": x.id, "data-kind": x.kind },
    el("p", { class: "text", text: x.name }),
    el("p", { class: "small muted", text: [label(x.kind), x.offers.length ? fill(t.assets_offers, { text: x.offers.join("; ") }) : "",
                                           x.place, x.located ? t.assets_has_location : "",
                                           x.access ? fill(t.assets_access, { text: x.access }) : "",
                                           say(`assets_tag_${x.visibility}`)].filter(Boolean).join(" · ") }),
    el("button", { type: "button", text: t.assets_remove, "aria-label": `${t.assets_remove}: ${x.name.slice(0, 40)}`,
                   onclick: () => ctx.send("asset_remove", { asset_id: x.id }) })))
      : [el("li", { class: "muted small", text: t.assets_none_yet })]));
  }

  function renderConnections(a) {
    const contact = $("#assets-contact");
    if (document.activeElement !== contact && !contact.dataset.dirty) {
      contact.value = (a.contacts || {})[owner()] || "";
    }
    const links = (a.connections || []).filter((c) => c.owner === owner());
    $(".assets-links-empty").hidden = links.length > 0;
    $(".assets-links").replaceChildren(...links.map((c, i) => {
      let outcome = null;
      if (c.agreed && c.asset) outcome = el("p", { class: "agreed", text: t.assets_agreed_asset });
      else if (c.agreed) {
        outcome = el("div", { class: "agreed" },
          el("p", { text: fill(t.assets_agreed, { name: c.their_name || t.assets_someone_named }) }),
          el("p", { class: "contact", text: c.their_contact ? fill(t.assets_agreed_contact, { contact: c.their_contact })
            : t.assets_agreed_nocontact }));
      }
      return el("li", { class: "assets-link", "data-connection": c.id, "data-agreed": String(c.agreed) },
        el("p", { class: "text", text: fill(c.side === "offer" ? t.assets_mine_offer : t.assets_mine_wish,
                                            { mine: c.mine, theirs: c.theirs }) }),
        el("p", { class: "small muted", text: fill(t.assets_why, { why: c.why }) }),
        el("button", { type: "button", class: "toggle assets-follow", "aria-pressed": String(c.i_follow),
                       "data-main-action": i === 0,
                       text: c.i_follow ? t.assets_following : t.assets_follow,
                       onclick: () => ctx.send("asset_follow", withPerson({ connection: c.id, follow: !c.i_follow })) }),
        outcome);
    }));
  }

  function renderPrint(a) {
    const name = ownerName();
    $("#assets-print-h").textContent = name ? fill(t.assets_print_title_for, { name }) : t.assets_print_title;
    $(".assets-print-purpose").textContent = a.purpose ? fill(say("assets_purpose"), { text: a.purpose }) : "";
    const gifts = (a.gifts || []).filter((g) => g.owner === owner());
    const assets = (a.assets || []).filter((x) => x.owner === owner());
    const sections = [];
    for (const c of a.all_categories) {
      const items = gifts.filter((g) => g.category === c.key);
      if (!items.length && !a.categories.some((x) => x.key === c.key)) continue;
      sections.push(el("section", { class: "assets-print-box", "data-category": c.key },
        el("h2", { text: c.label }), el("p", { class: "small", text: c.help }),
        items.length ? el("ul", {}, ...items.map((g) => el("li", { text: g.line || g.text })))
          : el("p", { class: "small", text: t.assets_print_empty })));
    }
    if (assets.length) {
      const label = (key) => (a.kinds.find((k) => k.key === key) || {}).label || key;
      sections.push(el("section", { class: "assets-print-box" }, el("h2", { text: t.assets_print_assets }),
        el("ul", {}, ...assets.map((x) => el("li", { text: `${x.name} (${label(x.kind)})${x.offers.length ? `: ${x.offers.join("; ")}` : ""}${x.place ? ` · ${x.place}` : ""}` })))));
    }
    const agreed = (a.connections || []).filter((c) => c.owner === owner() && c.agreed);
    if (agreed.length) {
      sections.push(el("section", { class: "assets-print-box" }, el("h2", { text: t.assets_print_links }),
        el("ul", {}, ...agreed.map((c) => el("li", { text: `${c.mine} ↔ ${c.theirs}${c.their_name ? ` · ${c.their_name}` : ""}${c.their_contact ? ` · ${c.their_contact}` : ""}` })))));
    }
    $(".assets-print-body").replaceChildren(...sections);
  }

  function render(w) {
    shown = w;
    const show = active(w);
    root.hidden = !show;
    document.getElementById("stage").classList.toggle("assets-active", show);
    document.body.classList.toggle("assets-printing", show && printing);
    if (!show) return;
    const a = state.assets;
    const step = a.step;
    const purposeSet = Boolean(a.purpose);
    if (person && !(a.people || []).some((p) => p.id === person)) person = "";
    // the purpose leads in its own step; later it is a line under the step's forms
    const purposeText = purposeSet ? fill(say("assets_purpose"), { text: a.purpose }) : "";
    $(".assets-purpose").hidden = !purposeSet || step !== "purpose";
    $(".assets-purpose").textContent = purposeText;
    $(".assets-purpose-later").hidden = !purposeSet || step === "purpose" || printing;
    $(".assets-purpose-later").textContent = purposeText;
    $(".assets-wait").hidden = purposeSet;
    $(".assets-private-note").hidden = !a.person_centred;
    const collecting = purposeSet && (step === "personal" || step === "community");
    $(".assets-who").hidden = !(collecting && a.interview);
    const select = $(".assets-person");
    select.replaceChildren(el("option", { value: "", text: t.assets_me }),
      ...(a.people || []).map((p) => el("option", { value: p.id, text: p.name || fill(t.assets_someone, { n: p.id.slice(1) }) })));
    select.value = person;
    $(".assets-personal").hidden = !(purposeSet && step === "personal");
    if (purposeSet && step === "personal") renderPersonal(a);
    $(".assets-community").hidden = !(purposeSet && step === "community");
    if (purposeSet && step === "community") renderCommunity(a);
    $(".assets-connections").hidden = step !== "connections";
    if (step === "connections") renderConnections(a);
    $(".assets-mapstep").hidden = step !== "map";
    const mine = (a.gifts || []).filter((g) => g.owner === owner()).length;
    const mineAssets = (a.assets || []).filter((x) => x.owner === owner()).length;
    $(".assets-summary").textContent = fill(t.assets_summary, {
      gifts: plural(t.assets_entries, mine),
      assets: plural(t.assets_assets, mineAssets) });
    $(".assets-tools").hidden = step === "purpose" || printing;
    // in the map step, the printable map is the step's main action
    $(".assets-open-print").toggleAttribute("data-main-action", step === "map");
    $(".assets-forget").hidden = !a.person_centred || step === "purpose" || printing;
    $(".assets-print").hidden = !printing;
    if (printing) renderPrint(a);
  }

  return {
    snapshot: state.snapshot,
    events: { assets: state.update },
    render,
    writable() { return false; },
    what(w) {
      if (!active(w)) return undefined;
      if (!state.assets.purpose && state.assets.step !== "purpose") return undefined;
      return (w.stage && w.stage.instructions) || say(`assets_what_${state.assets.step}`);
    },
    acked(event, ack) {
      if (event === "asset_interviewee") {
        person = ack.person_id || "";
        return fill(t.assets_recording, { name: ownerName() || t.assets_someone_named });
      }
      return { asset_gift_add: t.assets_added, asset_gift_edit: t.assets_saved,
               asset_gift_delete: t.assets_deleted, asset_add: t.assets_added,
               asset_remove: t.assets_removed, asset_contact: t.assets_contact_saved,
               asset_follow: t.assets_noted }[event];
    },
  };
}

// -- projector -------------------------------------------------------------------------------
// Everything on the map goes into the fit box (static/js/fit.js): each box (a personal
// category, a kind of asset, the connections) is a `data-group` with its heading and count,
// each entry a `data-item`. The engine sizes the text and pages; the lines between connected
// entries are drawn again after each fit or page turn, between entries both on this page.

function countText(t, n) {
  return plural(t.assets_count, n);
}

function entries(group, items, count, t, text) {
  const list = el("ul", { class: "assets-chips" }, ...items.map((item) => el("li", {
    class: "assets-chip", "data-item": `${group}:${item.id}`, "data-item-id": item.id, text: text(item) })));
  const more = count - items.length;
  return [list,
    items.length ? null : el("p", { class: "assets-none", text: t.assets_none }),
    more > 0 ? el("p", { class: "assets-more", text: plural(t.assets_more, more) }) : null];
}

function boxHead(label, count, t, extra) {
  return el("h3", {}, el("span", { class: "label", text: label }), " ",
    el("span", { class: "count", text: String(count) }),
    el("span", { class: "sr-only", text: ` (${countText(t, count)})` }), extra || null);
}

// Lines between connected entries that are both on the page now (the engine hides the others).
// The SVG fills the box by CSS, in px from its corner. Lines are only replaced when they
// change, and marking an entry as linked changes no size, so drawing never makes the engine
// fit again.
function drawLines(board, svg, connections) {
  const box = svg.getBoundingClientRect();
  const shown = (node) => Boolean(node && node.getClientRects().length && !node.closest("[data-off]"));
  const want = [];
  const linked = new Set();
  for (const c of connections) {
    const a = board.querySelector(`.assets-chip[data-item-id="${CSS.escape(c.offer)}"]`);
    const b = board.querySelector(`.assets-chip[data-item-id="${CSS.escape(c.wish)}"]`);
    if (!shown(a) || !shown(b)) continue;
    const ra = a.getBoundingClientRect();
    const rb = b.getBoundingClientRect();
    want.push({ id: c.id, agreed: c.agreed,
                at: [ra.left + ra.width / 2 - box.left, ra.top + ra.height / 2 - box.top,
                     rb.left + rb.width / 2 - box.left, rb.top + rb.height / 2 - box.top].map((x) => x.toFixed(1)) });
    linked.add(a).add(b);
  }
  for (const chip of board.querySelectorAll(".assets-chip")) chip.classList.toggle("linked", linked.has(chip));
  const key = JSON.stringify(want);
  if (svg.dataset.drawn === key) return;
  svg.dataset.drawn = key;
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren(...want.map((w) => {
    const line = document.createElementNS(ns, "line");
    for (const [k, v] of [["x1", w.at[0]], ["y1", w.at[1]], ["x2", w.at[2]], ["y2", w.at[3]]]) line.setAttribute(k, v);
    line.setAttribute("class", w.agreed ? "link agreed" : "link");
    line.dataset.connection = w.id;
    return line;
  }));
}

export function screen(ctx) {
  const t = ctx.t;
  const root = document.getElementById("view-assets");
  const $ = (sel) => root.querySelector(sel);
  const board = $(".assets-board");
  const state = holder();
  let frame = 0;
  const redraw = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const a = state.assets;
      if (a && !a.private && !root.hidden) drawLines(board, $(".assets-lines"), a.connections || []);
    });
  };
  board.addEventListener("fit:paged", redraw);
  window.addEventListener("resize", redraw);

  function render() {
    const a = state.assets;
    if (!a) return;
    if (a.private) {
      // a person's own map: nothing of it is shown here, not even its purpose
      $(".assets-purpose").textContent = "";
      $(".assets-purpose").hidden = true;
      $(".assets-gaps-line").hidden = true;
      $(".assets-groups").replaceChildren(el("p", { class: "assets-private", "data-item": "private", text: t.assets_private }));
      drawLines(board, $(".assets-lines"), []);
      return;
    }
    $(".assets-purpose").hidden = false;
    $(".assets-purpose").textContent = a.purpose ? fill(t.assets_purpose, { text: a.purpose }) : t.assets_no_purpose;
    const thin = a.kinds.filter((k) => k.thin).map((k) => k.label);
    $(".assets-gaps-line").hidden = a.step !== "map";
    $(".assets-gaps-line").textContent = thin.length ? fill(t.assets_gaps, { kinds: thin.join(", ") }) : t.assets_no_gaps;
    if (a.step === "purpose") {
      $(".assets-groups").replaceChildren();
      drawLines(board, $(".assets-lines"), []);
      return;
    }
    const groups = [];
    for (const p of a.personal) {
      groups.push(el("section", { class: "assets-box personal", "data-group": `personal:${p.key}`,
                                  "data-category": p.key, "data-count": String(p.count) },
        boxHead(p.label, p.count, t), ...entries("gift", p.items, p.count, t, (item) => item.text)));
    }
    for (const k of a.kinds) {
      groups.push(el("section", { class: k.thin ? "assets-box kind thin" : "assets-box kind",
                                  "data-group": `kind:${k.key}`, "data-kind": k.key, "data-count": String(k.count) },
        boxHead(k.label, k.count, t, k.thin ? el("span", { class: "thin-tag", text: t.assets_thin }) : null),
        ...entries("asset", k.items, k.count, t, (item) => item.name)));
    }
    const links = a.connections || [];
    if (links.length) {
      groups.push(el("section", { class: "assets-box assets-links-box", "data-group": "connections" },
        el("h3", { text: t.assets_links_h }),
        el("p", { class: "assets-legend" },
          el("span", { class: "line-solid", "aria-hidden": "true" }), ` ${t.assets_legend_agreed}`),
        el("p", { class: "assets-legend" },
          el("span", { class: "line-dashed", "aria-hidden": "true" }), ` ${t.assets_legend_suggested}`),
        el("ol", { class: "assets-link-list" }, ...links.map((c) => el("li", {
          "data-item": `link:${c.id}`, "data-connection": c.id, "data-agreed": String(c.agreed),
          text: fill(c.agreed ? t.assets_link_agreed : t.assets_link, { offer: c.offer_text, wish: c.wish_text }) })))));
    }
    $(".assets-groups").replaceChildren(...groups);
    redraw();
  }

  return { snapshot: state.snapshot, events: { assets: state.update }, render };
}

// -- console ---------------------------------------------------------------------------------

export function console(ctx) {
  const t = ctx.t;
  const root = document.getElementById("assets-panel");
  const $ = (sel) => root.querySelector(sel);
  const state = holder();
  const area = $("#assets-purpose-text");
  area.addEventListener("input", () => { area.dataset.dirty = "1"; });
  $(".assets-purpose-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act("asset_purpose", { text: area.value.trim() }, () => { area.dataset.dirty = ""; });
  });
  $(".assets-merge-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act("asset_merge", { keep: $("#assets-merge-into").value, merge: $("#assets-merge-from").value });
  });

  function render(w) {
    const show = inMap(w) && Boolean(state.assets);
    root.hidden = !show;
    if (!show) return;
    const a = state.assets;
    $(".assets-pc").hidden = !a.person_centred;
    $(".assets-delete").hidden = !a.person_centred;
    $(".assets-warnings").hidden = !(a.warnings || []).length;
    $(".assets-warnings").replaceChildren(...(a.warnings || []).map((x) => el("li", { text: x })));
    if (document.activeElement !== area && !area.dataset.dirty) area.value = a.purpose || a.suggested_purpose || "";
    $(".assets-purpose-now").textContent = a.purpose ? fill(t.assets_purpose, { text: a.purpose }) : t.assets_no_purpose;
    $(".assets-personal-counts").replaceChildren(...a.personal.map((p) => el("li", { class: "assets-pill", "data-category": p.key },
      `${fill(t.assets_count, { label: p.label, n: p.count })}${p.private ? ` ${fill(t.assets_private_count, { n: p.private })}` : ""}`)));
    $(".assets-interviewees").textContent = a.interviewees ? fill(t.assets_interviewees, { n: a.interviewees }) : "";
    $(".assets-kind-counts").replaceChildren(...a.kinds.map((k) => el("li", { class: "assets-pill", "data-kind": k.key, "data-count": String(k.count) },
      fill(t.assets_count, { label: k.label, n: k.count }) + (k.thin ? ` (${t.assets_thin})` : ""))));
    renderDuplicates(a);
    renderAssets(a);
    renderSuggestions(a);
  }

  function renderDuplicates(a) {
    const dups = a.duplicates || [];
    $(".assets-dup-empty").hidden = dups.length > 0;
    $(".assets-dup-list").replaceChildren(...dups.map((d) => el("li", { class: "assets-dup", "data-pair": `${d.a} ${d.b}` },
      el("p", { class: "small", text: d.reason }),
      el("button", { type: "button", class: "assets-merge-btn", text: fill(t.assets_merge, { a: d.a_name, b: d.b_name }),
                     onclick: () => ctx.act("asset_merge", { keep: d.a, merge: d.b }) }))));
  }

  function renderAssets(a) {
    const all = a.kinds.flatMap((k) => k.items);
    for (const sel of ["#assets-merge-from", "#assets-merge-into"]) {
      const select = $(sel);
      const keep = select.value;
      select.replaceChildren(...all.map((x) => el("option", { value: x.id, text: `${x.name} (${a.kind_choices.find((k) => k.key === x.kind).label})` })));
      if (all.some((x) => x.id === keep)) select.value = keep;
    }
    $(".assets-merge-form").hidden = all.length < 2;
    $(".assets-asset-list").replaceChildren(...all.map((x) => {
      const id = `assets-kind-of-${x.id}`;
      const select = el("select", { id }, ...a.kind_choices.map((k) => el("option", { value: k.key, text: k.label })));
      select.value = x.kind;
      select.addEventListener("change", () => ctx.act("asset_edit", { asset_id: x.id, kind: select.value }));
      return el("li", { class: "assets-row", "data-asset-id": x.id },
        el("p", { class: "text", text: [x.name, ...x.aliases].join(" / ") }),
        el("p", { class: "small muted", text: [x.offers.join("; "), x.place, fill(t.assets_by, { who: x.who || t.assets_anonymous })].filter(Boolean).join(" · ") }),
        el("label", { for: id, class: "sr-only", text: fill(t.assets_kind_of, { name: x.name }) }), select,
        el("button", { type: "button", class: "danger", text: t.assets_remove, "aria-label": `${t.assets_remove}: ${x.name.slice(0, 40)}`,
                       onclick: () => ctx.act("asset_remove", { asset_id: x.id }) }));
    }));
  }

  function renderSuggestions(a) {
    const show = Array.isArray(a.suggestions);
    $(".assets-review").hidden = !show;
    if (!show) return;
    $(".assets-review-help").textContent = fill(a.review ? t.assets_review_on : t.assets_review_off, { n: a.suggestion_count });
    $(".assets-suggestions-empty").hidden = a.suggestions.length > 0;
    $(".assets-suggestions").replaceChildren(...a.suggestions.map((s) => {
      const who = (text, name) => (name ? `${text} (${name})` : text);
      const buttons = [];
      if (s.status !== "shared") buttons.push(el("button", { type: "button", class: "assets-share", text: t.assets_share, onclick: () => ctx.act("asset_review", { connection: s.id, status: "shared" }) }));
      if (s.status !== "dismissed") buttons.push(el("button", { type: "button", class: "assets-dismiss", text: t.assets_dismiss, onclick: () => ctx.act("asset_review", { connection: s.id, status: "dismissed" }) }));
      if (s.status !== "suggested") buttons.push(el("button", { type: "button", class: "link", text: t.assets_undo_review, onclick: () => ctx.act("asset_review", { connection: s.id, status: "suggested" }) }));
      return el("li", { class: "assets-suggestion", "data-connection": s.id, "data-status": s.status, "data-agreed": String(s.agreed) },
        el("p", { class: "text", text: fill(t.assets_link, { offer: who(s.offer, s.offer_who), wish: who(s.wish, s.wish_who) }) }),
        el("p", { class: "small why", text: s.why }),
        el("p", { class: "small muted", text: [t[`assets_status_${s.status}`], fill(t.assets_follows, { n: s.follows, sides: s.sides }), s.agreed ? t.assets_agreed : ""].filter(Boolean).join(" · ") }),
        el("div", { class: "row wrap" }, ...buttons));
    }));
  }

  return { snapshot: state.snapshot, events: { assets: state.update }, render };
}
