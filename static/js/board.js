// The console's clustering board: themes as drop zones, "not yet grouped" notes, and three
// ways to move things: drag and drop (Pointer Events, so mouse, touch and pen all work; the
// HTML5 drag-and-drop API does nothing on touch screens), "Move to…" selects, and ticking
// notes then "Group as…". Theme names are edited in place. Participant text: textContent only.
import { el, fill, plural } from "./common.js";


const DRAG_THRESHOLD = 6; // px the pointer moves before a press becomes a drag
const INTERACTIVE = "input, select, button, textarea, option, a";

export class BoardEditor {
  constructor(root, { t, act, onSelection }) {
    Object.assign(this, { root, t, act, onSelection });
    this.board = null;
    this.selected = new Set();
    this.press = null; // a pointer pressed on something draggable
    this.pending = null; // a board that arrived during a drag, shown after the drop
    root.addEventListener("pointerdown", (e) => this.down(e));
    document.addEventListener("pointermove", (e) => this.move(e));
    document.addEventListener("pointerup", (e) => this.up(e));
    document.addEventListener("pointercancel", () => this.cancel());
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") this.cancel(); });
  }

  themeOf(noteId) {
    for (const theme of (this.board && this.board.themes) || []) {
      if (theme.notes.some((n) => n.id === noteId)) return theme.id;
    }
    return null;
  }

  nameOf(themeId) {
    const theme = ((this.board && this.board.themes) || []).find((th) => th.id === themeId);
    return theme ? theme.name : null;
  }

  selectedIds() {
    return [...this.selected];
  }

  clearSelection() {
    this.selected.clear();
    this.render(this.board);
  }

  // -- rendering ------------------------------------------------------------------------------

  render(board) {
    if (this.press && this.press.started) {
      this.pending = board;
      return;
    }
    this.board = board;
    if (!board) {
      this.root.replaceChildren();
      return;
    }
    const present = new Set([...board.ungrouped, ...board.themes.flatMap((th) => th.notes)].map((n) => n.id));
    for (const id of this.selected) if (!present.has(id)) this.selected.delete(id);
    // keep the keyboard where it was, and a theme name being typed, across the re-render
    const active = document.activeElement;
    const key = active && this.root.contains(active) ? active.dataset.key : null;
    const typed = active && active.classList.contains("theme-name") && active.value !== active.dataset.orig
      ? active.value : null;
    this.root.replaceChildren(
      this.zone(null, this.t.ungrouped, board.ungrouped),
      el("div", { class: "theme-zones" }, ...board.themes.map((theme) => this.zone(theme, theme.name, theme.notes))));
    if (key) {
      const again = this.root.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (again) {
        if (typed !== null) again.value = typed;
        again.focus();
      }
    }
    if (this.onSelection) this.onSelection(this.selected.size);
  }

  zone(theme, name, notes) {
    const id = theme ? theme.id : "";
    const headingId = `zone-h-${id || "loose"}`;
    const count = el("span", { class: "count", text: plural(this.t.notes, notes.length) });
    let head;
    if (theme) {
      // a textarea, so a long name wraps over lines instead of being cut ("Places and")
      const input = el("textarea", { id: `name-${id}`, class: "theme-name", maxlength: "80", rows: "1",
                                     autocomplete: "off", spellcheck: "false",
                                     "data-key": `name-${id}`, "data-orig": theme.name });
      input.value = theme.name;
      const commit = () => {
        const value = input.value.trim();
        if (value && value !== input.dataset.orig) {
          input.dataset.orig = value;
          this.act("rename_theme", { theme_id: id, name: value });
        }
      };
      input.addEventListener("change", commit);
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); commit(); } });
      head = el("div", { class: "zone-head theme-head", "data-drag": "theme", "data-id": id },
        el("span", { class: "grip", "aria-hidden": "true", title: this.t.drag_theme, text: "⠿" }),
        el("label", { for: `name-${id}`, class: "sr-only", text: this.t.theme_name }),
        el("h3", { id: headingId, class: "sr-only", text: name }),
        input, count);
    } else {
      head = el("div", { class: "zone-head" }, el("h3", { id: headingId, text: name }), count);
    }
    const tools = theme ? this.themeTools(theme) : null;
    return el("section", { class: theme ? "zone theme" : "zone loose", "data-drop": id,
                           "data-theme-id": id || null, "aria-labelledby": headingId },
      head,
      el("ul", { class: "zone-notes" }, ...notes.map((note) => this.noteCard(note, id || null))),
      notes.length ? null : el("p", { class: "small muted empty", text: this.t.drop_here }),
      tools);
  }

  themeTools(theme) {
    const others = this.board.themes.filter((th) => th.id !== theme.id);
    const mergeId = `merge-${theme.id}`;
    const select = el("select", { id: mergeId, "data-key": mergeId },
      el("option", { value: "", text: this.t.choose }),
      ...others.map((th) => el("option", { value: th.id, text: th.name })));
    return el("div", { class: "row wrap theme-tools" },
      others.length ? el("label", { for: mergeId, class: "small", text: this.t.merge_into }) : null,
      others.length ? select : null,
      others.length ? el("button", { type: "button", text: this.t.merge, "data-key": `merge-btn-${theme.id}`,
        "aria-label": `${this.t.merge}: ${theme.name}`,
        onclick: () => { if (select.value) this.act("merge_themes", { theme_id: theme.id, into_id: select.value }); } }) : null,
      el("button", { type: "button", class: "danger", text: this.t.remove_theme,
                     "aria-label": `${this.t.remove_theme}: ${theme.name}`,
                     onclick: () => this.act("remove_theme", { theme_id: theme.id }) }));
  }

  noteCard(note, themeId) {
    const pick = `pick-${note.id}`;
    const move = `move-${note.id}`;
    const box = el("input", { type: "checkbox", id: pick, "data-key": pick, "aria-describedby": `text-${note.id}` });
    box.checked = this.selected.has(note.id);
    box.addEventListener("change", () => {
      if (box.checked) this.selected.add(note.id);
      else this.selected.delete(note.id);
      if (this.onSelection) this.onSelection(this.selected.size);
    });
    const select = el("select", { id: move, "data-key": move },
      el("option", { value: "", text: this.t.ungrouped }),
      ...this.board.themes.map((th) => el("option", { value: th.id, text: th.name })));
    select.value = themeId || "";
    select.addEventListener("change", () => {
      this.act("move_note", { note_id: note.id, theme_id: select.value || null });
    });
    const suggestion = (this.board.suggestions || {})[note.id];
    const suggestedName = suggestion ? this.nameOf(suggestion) : null;
    return el("li", { class: note.hidden ? "board-note hidden-note" : "board-note", "data-note-id": note.id,
                      "data-drag": "note", "data-id": note.id },
      el("div", { class: "pick" },
        box, el("label", { for: pick, class: "sr-only", text: this.t.select_note }),
        el("p", { class: "text", id: `text-${note.id}`, text: note.text })),
      el("p", { class: "small muted who" }, note.name || ""),
      note.hidden ? el("p", { class: "small", text: `(${this.t.hidden_note})` }) : null,
      suggestedName ? el("p", { class: "small suggested" },
        el("span", { text: fill(this.t.suggested, { theme: suggestedName }) }), " ",
        suggestion !== themeId ? el("button", { type: "button", class: "link", text: this.t.accept,
          "data-key": `accept-${note.id}`,
          onclick: () => this.act("move_note", { note_id: note.id, theme_id: suggestion }) }) : null) : null,
      el("div", { class: "move" },
        el("label", { for: move, class: "small", text: this.t.move_to }), select));
  }

  // -- drag and drop --------------------------------------------------------------------------

  down(e) {
    if (e.button !== 0 || this.press) return;
    if (e.target.closest(INTERACTIVE)) return;
    const source = e.target.closest("[data-drag]");
    if (!source || !this.root.contains(source)) return;
    this.press = { kind: source.dataset.drag, id: source.dataset.id, source, pointer: e.pointerId,
                   x: e.clientX, y: e.clientY, started: false, ghost: null, over: null };
  }

  move(e) {
    const p = this.press;
    if (!p || e.pointerId !== p.pointer) return;
    if (!p.started) {
      if (Math.hypot(e.clientX - p.x, e.clientY - p.y) < DRAG_THRESHOLD) return;
      this.start(p);
    }
    e.preventDefault();
    this.place(p, e.clientX, e.clientY);
    const target = this.targetAt(e.clientX, e.clientY);
    if (target !== p.over) {
      if (p.over) p.over.classList.remove("drop-target");
      p.over = target;
      if (target) target.classList.add("drop-target");
    }
  }

  start(p) {
    p.started = true;
    const card = p.kind === "theme" ? p.source.closest(".zone") : p.source;
    const rect = card.getBoundingClientRect();
    const ghost = card.cloneNode(true);
    for (const node of [ghost, ...ghost.querySelectorAll("*")]) {
      for (const attr of ["id", "data-note-id", "data-theme-id", "data-drop", "data-drag", "data-key", "for"]) {
        node.removeAttribute(attr);
      }
    }
    ghost.classList.add("drag-ghost");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${Math.min(rect.width, 360)}px`;
    p.dx = Math.min(p.x - rect.left, 340);
    p.dy = p.y - rect.top;
    document.body.append(ghost);
    p.ghost = ghost;
    card.classList.add("dragging");
    p.card = card;
    document.body.classList.add("is-dragging");
  }

  place(p, x, y) {
    p.ghost.style.left = `${x - p.dx}px`;
    p.ghost.style.top = `${y - p.dy}px`;
  }

  targetAt(x, y) {
    const hit = document.elementFromPoint(x, y);
    const zone = hit && hit.closest("[data-drop]");
    if (!zone || !this.root.contains(zone)) return null;
    if (this.press.kind === "theme" && (zone.dataset.drop === "" || zone.dataset.drop === this.press.id)) return null;
    return zone;
  }

  up(e) {
    const p = this.press;
    if (!p || e.pointerId !== p.pointer) return;
    if (!p.started) {
      this.press = null;
      return;
    }
    const target = this.targetAt(e.clientX, e.clientY);
    this.finish();
    // a drag ends with a click on whatever is under the pointer: don't let it tick a box
    const swallow = (ev) => { ev.stopPropagation(); ev.preventDefault(); };
    window.addEventListener("click", swallow, true);
    setTimeout(() => window.removeEventListener("click", swallow, true), 0);
    if (!target) return;
    const into = target.dataset.drop || null;
    if (p.kind === "note" && into !== this.themeOf(p.id)) {
      this.act("move_note", { note_id: p.id, theme_id: into });
    } else if (p.kind === "theme" && into && into !== p.id) {
      this.act("merge_themes", { theme_id: p.id, into_id: into });
    }
  }

  cancel() {
    if (this.press) this.finish();
  }

  finish() {
    const p = this.press;
    this.press = null;
    if (p && p.started) {
      if (p.ghost) p.ghost.remove();
      if (p.over) p.over.classList.remove("drop-target");
      if (p.card) p.card.classList.remove("dragging");
      document.body.classList.remove("is-dragging");
    }
    if (this.pending) {
      const board = this.pending;
      this.pending = null;
      this.render(board);
    }
  }
}
