// Vote results as a ranked list (screen and phones) or a table (console).
// Equal counts share a rank, said in words ("joint 2nd"), never by colour alone.
import { el, fill, plural } from "./common.js";

let ranks = null; // base.html's rank words, for pages whose own strings lack them
function rankStrings(t) {
  if (t.ordinal) return t;
  if (!ranks) {
    const box = document.getElementById("t-ranks");
    ranks = box ? JSON.parse(box.textContent) : {};
  }
  return ranks;
}


export function dots(t, n) {
  return plural(t.dots, n);
}


// An ordered list: each row has its rank, label, a bar as long as its share of the top count,
// and the count written out.
export function resultsList(rows, t, attrs = {}) {
  const top = Math.max(1, ...rows.map((r) => r.count));
  return el("ol", { class: "results", ...attrs }, ...rows.map((row) => {
    const level = el("span", { class: "meter-fill" });
    level.style.width = `${(100 * row.count) / top}%`;
    return el("li", { class: "result", "data-item-id": row.id, "data-count": String(row.count) },
      el("span", { class: "rank", text: rankWords(row, t) }),
      el("span", { class: "label", text: row.label }),
      el("span", { class: "meter", "aria-hidden": "true" }, level),
      el("span", { class: "count", text: dots(t, row.count) }));
  }));
}

// A rank in words, for the console's table: "1st", "joint 2nd" (t.ordinal: {CLDR ordinal category: form}
// by the page language's ordinal rules, t.rank_joint for a shared rank).
export function rankWords(row, page) {
  const t = rankStrings(page);
  const rules = new Intl.PluralRules(document.documentElement.lang || "en", { type: "ordinal" });
  const ordinal = fill(t.ordinal[rules.select(row.rank)] || t.ordinal.other, { n: row.rank });
  return row.tied ? fill(t.rank_joint, { rank: ordinal }) : ordinal;
}

export function resultsTable(rows, t, attrs = {}) {
  return el("table", { class: "results-table", ...attrs },
    el("caption", { text: t.results_caption }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t.col_rank }),
      el("th", { scope: "col", text: t.col_item }),
      el("th", { scope: "col", text: t.col_dots }))),
    el("tbody", {}, ...rows.map((row) => el("tr", { "data-item-id": row.id, "data-count": String(row.count) },
      el("td", {}, el("span", { class: "rank", text: rankWords(row, t) })),
      el("th", { scope: "row", class: "label", text: row.label }),
      el("td", { class: "count", text: String(row.count) })))));
}
