// The World Café on the phone, the projector and the console: plug-ins for the pages (see
// static/js/kinds/index.js). Each keeps the `cafe` part of the snapshot (docs/protocol.md)
// and renders it into its section of templates/kinds/cafe/; text is set with textContent only.
import { el, fill, newId, store, plural } from "../common.js";
import { buttonMove } from "./moves.js";
import { signOf, signSvg } from "../signs.js";

// A table's sign (number, colour, shape: docs/signs.md), named for screen readers.
const tableSign = (i, size) => signSvg(signOf(i + 1), size, signOf(i + 1).label);

const tableName = (t, i) => fill(t.cafe_table, { n: i + 1 });
const roundName = (t, cafe) => fill(t.cafe_round, { n: cafe.round + 1, total: cafe.rounds });

function noteItems(notes, t, withRound) {
  return notes.map((note) => el("li", { class: "card", "data-note-id": note.id },
    el("p", { class: "text", text: note.text }),
    withRound || note.mine
      ? el("p", { class: "small muted", text: [withRound ? fill(t.cafe_from_round, { n: note.round + 1 }) : "",
                                                  note.mine ? t.cafe_yours : ""].filter(Boolean).join(" · ") })
      : null));
}

// Photos of paper tablecloths; ``remove`` (optional) offers to take one away.
function photoItems(photos, t, remove) {
  return (photos || []).map((p) => el("li", { class: "photo", "data-photo-id": p.id },
    el("img", { src: p.src, width: String(p.width), height: String(p.height), loading: "lazy",
                alt: fill(t.cafe_photo_alt, { n: p.table + 1, r: p.round + 1 }) }),
    remove && (p.mine || remove.any)
      ? el("button", { type: "button", class: "link small", text: t.cafe_remove_photo,
                       onclick: () => remove.send(p.id) }) : null));
}

function summaryItems(summaries, t) {
  return summaries.map((s) => el("li", { class: "summary" },
    el("p", { class: "small muted", text: fill(t.cafe_summary_of, { n: s.round + 1 }) }),
    el("p", { class: "text", text: s.text })));
}

// Who else sits at my table: every name, and "1 other" / "2 others" for those without one.
function matesLine(mates, t) {
  const names = mates.filter((m) => m.name).map((m) => m.name);
  const unnamed = mates.length - names.length;
  const count = (n) => plural(t.cafe_others, n);
  if (!names.length) return plural(t.cafe_mates, mates.length);
  const parts = unnamed ? [...names, count(unnamed)] : names;
  const list = parts.length === 1 ? parts[0]
    : fill(t.cafe_and, { first: parts.slice(0, -1).join(", "), last: parts[parts.length - 1] });
  return fill(t.cafe_mates_named, { names: list });
}

function etiquetteList(cafe) {
  return (cafe.etiquette || []).map((line) => el("li", { text: line }));
}

// All tables' tablecloths and summaries: the harvest (phone, projector, console).
function harvestTables(cafe, t) {
  return (cafe.all_tables || []).map((table) => el("section", {
    class: "cafe-table", "data-table": String(table.table), "aria-label": tableName(t, table.table) },
  el("h3", { text: tableName(t, table.table) }),
  el("p", { class: "small muted", text: table.question }),
  table.summaries.length ? el("ul", { class: "summaries" }, ...summaryItems(table.summaries, t)) : null,
  (table.photos || []).length ? el("ul", { class: "photos plain" }, ...photoItems(table.photos, t)) : null,
  table.notes.length ? el("ul", { class: "cloth" }, ...noteItems(table.notes, t, true))
    : el("p", { class: "muted", text: t.cafe_cloth_empty })));
}

// Between rounds: the next table, decided as the round ended (it changes only if the
// facilitator changes it, and then this phone is told at once).
function nextLine(cafe, t, seated) {
  const n = cafe.next_table + 1;
  const writes = seated && cafe.i_host;
  if (typeof cafe.next_table !== "number") return writes ? t.cafe_host_summary : "";
  if (cafe.next_host && seated && cafe.i_host && cafe.table === cafe.next_table) return t.cafe_host_summary;
  const next = cafe.next_host ? fill(t.cafe_next_you_host, { n })
    : cafe.next_host_name ? fill(t.cafe_next_hosted, { n, name: cafe.next_host_name })
      : fill(t.cafe_next, { n });
  return [writes ? t.cafe_write_summary : "", next, cafe.next_host ? "" : t.cafe_carry]
    .filter(Boolean).join(" ");
}

// The phone: where to go, what to talk about, the tablecloth, the host's tasks.
function renderPhoneCafe(root, cafe, t, handlers) {
  const $ = (sel) => root.querySelector(sel) || document.querySelector(sel); // .cafe-where leads the page
  const phase = cafe.phase;
  const seated = cafe.table !== null && cafe.table !== undefined;
  let where = "";
  if (phase === "gathering") where = t.cafe_gathering;
  else if (phase === "harvest") where = t.cafe_harvest_phone;
  else if (!seated) where = cafe.left ? t.cafe_left : t.cafe_no_table;
  else if (cafe.i_host) where = `${roundName(t, cafe)}: ${fill(t.cafe_you_host, { n: cafe.table + 1 })}`;
  else if (cafe.host_name) where = `${roundName(t, cafe)}: ${fill(t.cafe_go_host, { n: cafe.table + 1, name: cafe.host_name })}`;
  else where = `${roundName(t, cafe)}: ${fill(t.cafe_go, { n: cafe.table + 1 })}`;
  const hasNext = phase === "between" && typeof cafe.next_table === "number";
  if (phase === "between" && (seated || hasNext)) {
    where = [fill(t.cafe_round_over, { n: cafe.round + 1 }), nextLine(cafe, t, seated)].filter(Boolean).join(" ");
  }
  $(".cafe-where").textContent = where;
  $(".cafe-where").dataset.table = seated ? String(cafe.table + 1) : "";
  $(".cafe-where").dataset.nextTable = hasNext ? String(cafe.next_table + 1) : "";
  // the sign of the table to be at (now, or next between rounds) beside the line (app.css)
  let signBox = $(".cafe-where").previousElementSibling;
  if (!signBox || !signBox.classList.contains("cafe-sign")) {
    signBox = el("div", { class: "cafe-sign" });
    $(".cafe-where").before(signBox);
  }
  const signTable = hasNext ? cafe.next_table : seated && phase !== "harvest" ? cafe.table : null;
  signBox.replaceChildren(...(signTable !== null ? [tableSign(signTable, 40)] : []));

  // the etiquette: open while people gather, folded away (still there) once the rounds start
  const etiquette = $(".cafe-etiquette");
  etiquette.hidden = phase === "harvest" || !(cafe.etiquette || []).length;
  if (etiquette.dataset.phase !== phase) etiquette.open = phase === "gathering";
  etiquette.dataset.phase = phase;
  etiquette.querySelector("ul").replaceChildren(...etiquetteList(cafe));

  // offering to host: before round 1, or (volunteer hosts) during a round, to stay for the
  // next one (its seating is decided as the round ends)
  const lastRound = cafe.round + 1 >= cafe.rounds;
  const canOffer = cafe.hosts_mode !== "none" && ((phase === "gathering")
    || (cafe.hosts_mode === "volunteer" && seated && !lastRound && phase === "round"));
  const offer = $(".cafe-offer");
  offer.hidden = !canOffer;
  offer.setAttribute("aria-pressed", String(Boolean(cafe.volunteered)));
  offer.textContent = cafe.volunteered ? t.cafe_offered
    : phase === "gathering" ? t.cafe_offer_host : t.cafe_offer_stay;
  offer.onclick = () => handlers.offer(!cafe.volunteered);

  const seat = $(".cafe-seat");
  seat.hidden = !(phase === "round" || phase === "between") || seated || hasNext;
  seat.onclick = handlers.takeSeat;

  $(".cafe-mates").hidden = !seated || phase === "harvest";
  $(".cafe-mates").textContent = seated ? matesLine(cafe.tablemates || [], t) : "";

  const summaries = cafe.summaries || [];
  const earlier = summaries.filter((s) => s.round < cafe.round);
  const handover = $(".cafe-handover");
  handover.hidden = !seated || earlier.length === 0 || phase === "harvest";
  handover.querySelector("h2").textContent = cafe.i_host ? t.cafe_retell : t.cafe_handover;
  handover.querySelector("ul").replaceChildren(...summaryItems(earlier, t));

  // the summary: the host writes it (anyone at the table when there are no hosts)
  const form = $(".cafe-summary-form");
  const writer = seated && (cafe.i_host || cafe.hosts_mode === "none" || cafe.host === null);
  form.hidden = !(writer && (phase === "round" || phase === "between"));
  const mine = summaries.find((s) => s.round === cafe.round);
  const area = form.querySelector("textarea");
  if (!form.hidden && document.activeElement !== area && !area.dataset.dirty) {
    area.value = mine ? mine.text : "";
  }
  form.querySelector(".cafe-summary-saved").textContent = mine ? t.cafe_summary_saved : "";

  const cloth = cafe.tablecloth || [];
  const clothBox = $(".cafe-cloth");
  clothBox.hidden = !seated || phase === "harvest" || phase === "gathering";
  clothBox.querySelector("h2").textContent = seated ? fill(t.cafe_cloth_of, { n: cafe.table + 1 }) : "";
  clothBox.querySelector("ul.cloth").replaceChildren(...noteItems(cloth, t, cafe.round > 0));
  clothBox.querySelector("ul.photos").replaceChildren(...photoItems(cafe.photos, t,
    { send: (id) => handlers.send("cafe_remove_photo", { photo: id }) }));
  clothBox.querySelector(".cafe-cloth-empty").hidden = cloth.length > 0 || (cafe.photos || []).length > 0;
  $(".cafe-photo-form").hidden = !seated || !(phase === "round" || phase === "between");

  const harvest = $(".cafe-harvest");
  harvest.hidden = phase !== "harvest";
  if (phase === "harvest") harvest.querySelector(".tables").replaceChildren(...harvestTables(cafe, t));
}

// The projector: the etiquette while people arrive, a map of tables during the rounds,
// every tablecloth in the harvest. Note texts never appear before the harvest. The round line
// is a second headline and the round's question sits under it; everything else goes in the
// clip box ([data-fit]) the fit engine sizes and pages: each table, line, note, summary or
// photo is a [data-item], each harvest table a [data-group] whose heading repeats per page.
// A big café (more than COMPACT tables) gets compact tables, so that up to 200 go round in a
// minute: the name, then "4 seated · 3 notes" on one line; the hosts are on people's phones.
const COMPACT = 36;

function screenSpot(table, t, cafe, compact) {
  const own = table.question && table.question !== cafe.question ? table.question : "";
  const seated = el(compact ? "span" : "p", { class: "seated", text: plural(t.cafe_seated, table.seated) });
  const count = el(compact ? "span" : "p", { class: "count", text: plural(t.cafe_notes, table.notes) });
  return el("li", {
    class: "cafe-spot", "data-item": `table-${table.table}`, "data-table": String(table.table),
    "data-seated": String(table.seated), "data-notes": String(table.notes) },
  tableSign(table.table, compact ? 32 : 48),
  el("h3", { text: tableName(t, table.table) }),
  table.host_name && !compact ? el("p", { class: "host", text: fill(t.cafe_hosted_by, { name: table.host_name }) }) : null,
  own ? el("p", { class: "spot-question", text: own }) : null,
  ...(compact ? [el("p", { class: "counts" }, seated, " · ", count)] : [seated, count]));
}

function screenHarvestTable(table, t, shared) {
  const key = `t${table.table}`;
  const items = [
    ...table.summaries.map((s) => el("li", { class: "summary", "data-item": `${key}-summary-${s.round}` },
      el("p", {}, el("span", { class: "label", text: fill(t.cafe_summary_line, { n: s.round + 1 }) }), " ",
        el("span", { class: "text", text: s.text })))),
    ...(table.photos || []).map((p) => el("li", { class: "photo", "data-item": `${key}-photo-${p.id}`, "data-photo-id": p.id },
      el("img", { src: p.src, width: String(p.width), height: String(p.height),
                  alt: fill(t.cafe_photo_alt, { n: p.table + 1, r: p.round + 1 }) }))),
    ...[...table.notes].sort((a, b) => (a.round - b.round) || (a.posted_at - b.posted_at)).map((note) =>
      el("li", { class: "card", "data-item": note.id, "data-note-id": note.id },
        el("p", { class: "text", text: note.text }))),
  ];
  return el("section", { class: "cafe-table", "data-group": key, "data-table": String(table.table),
                         "aria-label": tableName(t, table.table) },
  el("h3", { text: tableName(t, table.table) }),
  table.question && table.question !== shared ? el("p", { class: "table-question", text: table.question }) : null,
  items.length ? el("ul", {}, ...items) : el("p", { class: "cafe-empty", text: t.cafe_cloth_empty }));
}

function renderScreenCafe(root, cafe, t, purpose) {
  const $ = (sel) => root.querySelector(sel);
  const phase = cafe.phase;
  const rounds = phase === "round";
  // whenever no round is running (before the first, between rounds, after the last): the
  // purpose and the etiquette card, for the room to read while people move
  const card = phase === "gathering" || phase === "between";
  let line = "";
  if (phase === "gathering") line = plural(t.cafe_waiting, cafe.waiting || 0);
  else if (phase === "round") line = roundName(t, cafe);
  else if (phase === "between") line = `${fill(t.cafe_round_over, { n: cafe.round + 1 })} ${cafe.round + 1 < cafe.rounds ? t.cafe_move_soon : ""}`.trim();
  else line = t.cafe_harvest_screen;
  $(".cafe-line").textContent = line;
  const question = $(".cafe-question");
  question.textContent = rounds ? cafe.question : "";
  question.hidden = !rounds || !cafe.question;
  const why = $(".cafe-purpose");
  why.textContent = card && purpose ? fill(t.cafe_purpose, { text: purpose }) : "";
  why.hidden = !(card && purpose);
  const box = $(".cafe-box");
  box.dataset.fitMax = card ? "2.5" : "2";
  const etiquette = $(".cafe-etiquette");
  etiquette.hidden = !card;
  $(".cafe-etiquette-h").hidden = etiquette.hidden;
  etiquette.replaceChildren(...(card ? cafe.etiquette || [] : [])
    .map((text, i) => el("li", { "data-item": `etiquette-${i}`, text })));
  const map = $(".cafe-map");
  map.hidden = !rounds;
  const compact = (cafe.map || []).length > COMPACT;
  map.classList.toggle("compact", compact);
  map.replaceChildren(...(rounds ? cafe.map || [] : []).map((table) => screenSpot(table, t, cafe, compact)));
  const harvest = $(".cafe-harvest");
  harvest.hidden = phase !== "harvest";
  const tables = phase === "harvest" ? cafe.all_tables || [] : [];
  // a question every table shared is not repeated under each table
  const shared = tables.length && tables.every((x) => x.question === tables[0].question) ? tables[0].question : null;
  harvest.replaceChildren(...tables.map((table) => screenHarvestTable(table, t, shared)));
}

// The console: round control, the seating with swaps and leavers, new encounters.
// How well the seating mixes people, in plain words: per round after the first, the pairs who
// sit together for the first time; how often people meet again, against the fewest possible.
export function mixingText(cafe, t) {
  const share = cafe.new_share || [];
  if (share.length < 2) return "";
  const rounds = share.slice(1).map((s, i) => (s >= 1 ? fill(t.cafe_share_all, { n: i + 2 })
    : fill(t.cafe_share, { n: i + 2, pct: Math.floor(s * 100) })));
  const n = cafe.repeats || 0;
  const repeats = n === 0 ? t.cafe_repeats_none
    : plural(t.cafe_repeats, n);
  // always next to the fewest any seating of this room could have (docs/seating.md)
  const fewest = cafe.fewest_repeats;
  const bound = typeof fewest !== "number" ? ""
    : fewest >= n ? t.cafe_repeats_fewest
      : plural(t.cafe_repeats_floor, fewest);
  return [...rounds, repeats, bound].filter(Boolean).join(" ");
}

// Choose or change a table's host (cafe_set_host): during a round from the people at that
// table (nobody moves), between rounds from everyone (the new host and one other move).
const picked = new Map();
function hostPicker(cafe, table, seating, t, act) {
  if (cafe.hosts_mode === "none" || !["round", "between"].includes(cafe.phase)) return null;
  const id = `cafe-host-${table.table}`;
  const people = cafe.phase === "round" ? table.people
    : seating.flatMap((x) => x.people.map((p) => ({ ...p, table: x.table })));
  const select = el("select", { id, class: "cafe-host-select" },
    el("option", { value: "", text: t.cafe_no_host }),
    ...people.map((p) => el("option", { value: p.id,
      text: p.table === undefined || p.table === table.table ? p.name : `${p.name} · ${tableName(t, p.table)}` })));
  // a choice not yet sent survives the list being redrawn (notes keep coming)
  const key = `${cafe.round}:${cafe.phase}:${table.table}`;
  select.value = picked.has(key) ? picked.get(key) : table.host || "";
  select.addEventListener("change", () => picked.set(key, select.value));
  return el("form", { class: "cafe-host-form row wrap", "data-table": String(table.table),
                      onsubmit: (event) => {
                        event.preventDefault();
                        picked.delete(key);
                        act("cafe_set_host", select.value ? { table: table.table, participant: select.value }
                          : { table: table.table });
                      } },
  el("label", { for: id, text: fill(t.cafe_host_of, { n: table.table + 1 }) }), select,
  el("button", { type: "submit", text: t.cafe_set_host }));
}

function renderConsoleCafe(root, cafe, t, act) {
  const $ = (sel) => root.querySelector(sel);
  const phase = cafe.phase;
  const next = cafe.round + 2;
  $(".cafe-state").textContent = phase === "gathering"
    ? plural(t.cafe_waiting, cafe.waiting || 0)
    : phase === "harvest" ? t.cafe_harvest_screen
      : phase === "round" ? roundName(t, cafe) : fill(t.cafe_round_over, { n: cafe.round + 1 });
  const start = $(".cafe-start");
  start.hidden = phase === "round" || phase === "harvest" || cafe.round + 1 >= cafe.rounds;
  start.textContent = fill(t.cafe_start, { n: next });
  $(".cafe-end").hidden = phase !== "round";
  $(".cafe-harvest-btn").hidden = phase !== "between";
  $(".cafe-warnings").replaceChildren(...(cafe.warnings || []).map((w) => el("li", { text: w })));
  const vols = cafe.volunteers || [];
  $(".cafe-volunteers").textContent = vols.length
    ? fill(t.cafe_volunteers, { names: vols.map((v) => v.name).join(", ") }) : "";
  $(".cafe-share").textContent = mixingText(cafe, t);
  const seating = cafe.seating || [];
  $(".cafe-seating-h").textContent = seating.length
    ? fill(t.cafe_seating_of, { n: cafe.shown_round + 1 }) : "";
  $(".cafe-seating").replaceChildren(...seating.map((table) => el("li", {
    class: "cafe-spot", "data-table": String(table.table) },
  el("h3", { text: `${tableName(t, table.table)} · ${plural(t.cafe_notes, table.notes)}` }),
  el("ul", { class: "plain" }, ...table.people.map((p) => el("li", { "data-pid": p.id },
    `${p.name}${p.id === table.host ? ` (${t.cafe_host})` : ""} `,
    el("button", { type: "button", class: "link small", text: t.cafe_gone,
                   "aria-label": `${t.cafe_gone}: ${p.name}`,
                   onclick: () => act("cafe_remove", { participant: p.id }) })))),
  hostPicker(cafe, table, seating, t, act),
  table.summary ? el("p", { class: "small", text: `${t.cafe_summary_label} ${table.summary}` }) : null,
  (table.photos || []).length ? el("ul", { class: "photos plain" }, ...photoItems(table.photos, t,
    { any: true, send: (id) => act("cafe_remove_photo", { photo: id }) })) : null)));
  // swap: two pickers over everyone seated in the shown round
  const people = seating.flatMap((table) => table.people.map((p) => ({ ...p, table: table.table })));
  for (const sel of [$(".cafe-swap-a"), $(".cafe-swap-b")]) {
    const keep = sel.value;
    sel.replaceChildren(...people.map((p) => el("option", { value: p.id, text: `${p.name} · ${tableName(t, p.table)}` })));
    if (people.some((p) => p.id === keep)) sel.value = keep;
  }
  $(".cafe-swap").hidden = people.length < 2 || phase === "harvest";
  const harvest = $(".cafe-harvest");
  harvest.hidden = phase !== "harvest";
  harvest.replaceChildren(...(phase === "harvest" ? harvestTables(cafe, t) : []));
}

// -- plug-ins --------------------------------------------------------------------------------

const inCafe = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "cafe");

// Keeps the latest `cafe` view: from each snapshot, and from `cafe` updates for this stage.
function holder() {
  const h = {
    cafe: null,
    snapshot(data) { h.cafe = data.cafe || null; },
    update(data, workshop) {
      if (!workshop || data.stage === workshop.stage_index) h.cafe = data.cafe;
    },
  };
  return h;
}

export function phone(ctx) {
  const root = document.getElementById("cafe");
  const state = holder();
  const active = (w) => inCafe(w) && Boolean(state.cafe);
  const seated = () => state.cafe && state.cafe.table !== null && state.cafe.table !== undefined;
  const area = root.querySelector("textarea");
  area.addEventListener("input", () => { area.dataset.dirty = "1"; });
  // where to sit comes first on the page, above the table's question
  const where = document.getElementById("cafe-where");
  const lead = document.getElementById("stage-lead");
  if (lead) lead.append(where);
  root.querySelector(".cafe-summary-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return ctx.say(ctx.t.empty);
    ctx.send("cafe_summary", { text });
  });
  // a photo goes by HTTP (too big for the outbox): the server cleans and stores it, then acks
  const photoForm = root.querySelector(".cafe-photo-form");
  const status = photoForm.querySelector(".cafe-photo-status");
  photoForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = photoForm.querySelector("input[type=file]").files[0];
    if (!file) { status.textContent = ctx.t.cafe_photo_choose; return; }
    // the documented size check, before sending: the server refuses more anyway (413)
    const most = Number(photoForm.querySelector("input[type=file]").dataset.maxBytes);
    if (most && file.size > most) { status.textContent = ctx.t.cafe_photo_too_large; return; }
    const body = new FormData();
    body.append("photo", file);
    body.append("token", ctx.token());
    body.append("client_id", newId());
    status.textContent = ctx.t.cafe_photo_sending;
    try {
      const response = await fetch(`/photos/${encodeURIComponent(ctx.code)}`, { method: "POST", body });
      const ack = await response.json();
      status.textContent = ack.ok ? ctx.t.cafe_photo_sent : `${ctx.t.refused} ${ack.error}`;
      if (ack.ok) photoForm.reset();
    } catch {
      status.textContent = ctx.t.cafe_photo_offline;
    }
  });
  // a table's QR code (/j/<code>/table/<n>): sit there, asking first if seated elsewhere;
  // answered once per round (kept for a reload of the same page)
  const qr = root.querySelector(".cafe-qr");
  const asked = store(`fac:${ctx.code}:table-qr:${ctx.table}`);
  let joined = false; // a visitor's snapshot has no table: never ask the server for one
  function tableQr(cafe) {
    qr.hidden = true;
    const wanted = ctx.table;
    if (!wanted || !joined || !["gathering", "round", "between"].includes(cafe.phase)) return;
    const text = qr.querySelector("p");
    if (cafe.phase === "gathering") {
      qr.hidden = false;
      text.textContent = fill(ctx.t.cafe_qr_wait, { n: wanted });
      qr.querySelector(".row").hidden = true;
      return;
    }
    const key = `${cafe.round}:${cafe.phase}`;
    if (asked.get() === key) return;
    const between = cafe.phase === "between";
    const at = between ? cafe.next_table : cafe.table;
    const seatedNow = typeof at === "number";
    if (between && cafe.last_round) return;
    if (wanted > cafe.tables) {
      qr.hidden = false;
      qr.querySelector(".row").hidden = true;
      text.textContent = plural(ctx.t.cafe_qr_no_table, cafe.tables,
        { n: wanted, count: cafe.tables });
      return;
    }
    if (seatedNow && at === wanted - 1) { asked.set(key); return; }
    if (!seatedNow) { asked.set(key); ctx.send("cafe_sit", { table: wanted - 1 }); return; }
    qr.hidden = false;
    qr.querySelector(".row").hidden = false;
    text.textContent = fill(between ? ctx.t.cafe_qr_move_next : ctx.t.cafe_qr_move, { here: at + 1, there: wanted });
    const yes = qr.querySelector(".cafe-qr-yes");
    const no = qr.querySelector(".cafe-qr-no");
    yes.textContent = fill(ctx.t.cafe_qr_yes, { n: wanted });
    no.textContent = fill(ctx.t.cafe_qr_no, { n: at + 1 });
    yes.onclick = () => { asked.set(key); qr.hidden = true; ctx.send("cafe_sit", { table: wanted - 1, move: true }); };
    no.onclick = () => { asked.set(key); qr.hidden = true; };
  }
  return {
    snapshot(data) {
      state.snapshot(data);
      joined = Boolean(data.joined);
    },
    events: {
      cafe(data, w) {
        joined = true; // only a participant's phones are told about their café
        state.update(data, w);
      },
    },
    render(w) {
      root.hidden = !active(w);
      where.hidden = !active(w);
      if (!active(w)) return;
      renderPhoneCafe(root, state.cafe, ctx.t, {
        offer: (host) => ctx.send("cafe_host", { host }),
        takeSeat: () => ctx.send("cafe_take_seat", {}),
        send: ctx.send,
      });
      tableQr(state.cafe);
    },
    // a note in a café goes on the writer's table's tablecloth, while a round is on
    writable(w) {
      return active(w) && ["round", "between"].includes(state.cafe.phase) && seated();
    },
    // the round the note is written in: it goes to this table's tablecloth even if it is
    // sent after the round changed (kept on the phone while offline)
    noteFields(w) {
      return this.writable(w) ? { round: state.cafe.round } : {};
    },
    what(w) {
      if (!active(w)) return undefined;
      return this.writable(w) ? ctx.t.cafe_write : undefined;
    },
    prompt(w) {
      if (!active(w) || state.cafe.phase === "gathering") return undefined;
      return state.cafe.question || undefined;
    },
    acked(event) {
      if (event === "cafe_summary") {
        area.dataset.dirty = "";
        return ctx.t.cafe_summary_saved;
      }
      if (event === "cafe_host") return ctx.t.cafe_offer_sent;
      if (event === "cafe_take_seat") return ctx.t.cafe_seated_now;
      if (event === "cafe_sit") return fill(ctx.t.cafe_qr_moved, { n: ctx.table });
      return undefined;
    },
  };
}

// This round's notes per table (``cafe_counts``), patched into a map or seating list.
function patchCounts(list, data, round) {
  if (!list || data.round !== round) return;
  for (const table of list) table.notes = data.counts[String(table.table)] || 0;
}

export function screen(ctx) {
  const root = document.getElementById("view-cafe");
  const state = holder();
  return {
    snapshot: state.snapshot,
    events: {
      cafe: state.update,
      cafe_counts(data) {
        if (state.cafe) patchCounts(state.cafe.map, data, state.cafe.round);
      },
    },
    people(data) {
      // nobody has left before the first round: everyone who joined waits for a table
      if (state.cafe && state.cafe.phase === "gathering") state.cafe.waiting = data.joined;
    },
    render(w) {
      if (state.cafe) renderScreenCafe(root, state.cafe, ctx.t, (w && w.purpose) || "");
    },
  };
}

export function console(ctx) {
  const root = document.getElementById("cafe-panel");
  const state = holder();
  let people = []; // everyone who joined, to choose hosts from before round 1
  const pick = root.querySelector("#cafe-host-pick");
  root.querySelector(".cafe-choose-host").addEventListener("submit", (event) => {
    event.preventDefault();
    if (pick.value) ctx.act("cafe_host", { participant: pick.value, host: true });
  });
  for (const button of root.querySelectorAll("[data-cafe]")) {
    button.addEventListener("click", () => ctx.act(button.dataset.cafe));
  }
  root.querySelector(".cafe-swap").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act("cafe_swap", { a: root.querySelector(".cafe-swap-a").value,
                           b: root.querySelector(".cafe-swap-b").value });
  });
  return {
    snapshot(data) {
      state.snapshot(data);
      people = data.participants || [];
    },
    // Start round N, End round, then the next round or (after the last) Show the harvest
    primary(w) {
      if (!inCafe(w) || !state.cafe || root.hidden) return null;
      const phase = state.cafe.phase;
      if (phase === "round") return buttonMove(root, [".cafe-end"]);
      if (phase === "gathering") return buttonMove(root, [".cafe-start"]);
      if (phase === "between") return buttonMove(root, [".cafe-start", ".cafe-harvest-btn"]);
      return null;
    },
    events: {
      cafe: state.update,
      cafe_counts(data) {
        if (state.cafe) patchCounts(state.cafe.seating, data, state.cafe.shown_round);
      },
      participant(data) {
        const i = people.findIndex((p) => p.id === data.participant.id);
        if (i >= 0) people[i] = data.participant;
        else people.push(data.participant);
      },
    },
    people(data) {
      if (state.cafe && state.cafe.phase === "gathering") {
        state.cafe.waiting = data.joined - (state.cafe.left || []).length;
      }
    },
    render(w) {
      const show = inCafe(w) && Boolean(state.cafe);
      root.hidden = !show;
      if (!show) return;
      renderConsoleCafe(root, state.cafe, ctx.t, ctx.act);
      const cafe = state.cafe;
      const offered = new Set((cafe.volunteers || []).map((v) => v.id));
      const form = root.querySelector(".cafe-choose-host");
      form.hidden = cafe.phase !== "gathering" || cafe.hosts_mode === "none";
      const keep = pick.value;
      pick.replaceChildren(...people.filter((p) => !offered.has(p.id)).map((p) =>
        el("option", { value: p.id, text: p.name || fill(ctx.t.cafe_participant, { n: p.id.slice(1) }) })));
      if ([...pick.options].some((o) => o.value === keep)) pick.value = keep;
    },
  };
}
