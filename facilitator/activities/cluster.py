"""The ``cluster`` activity: the facilitator groups a stage's notes into named themes.

Every note of the source stage is in exactly one place: one theme, or not yet grouped.
Operations are pure functions on a ``Board``; each event carries the board as it was before,
so undo restores it with a compensating ``board_restored`` event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.mechanics import inverse
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, clean_text, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONES,
    SCREEN,
    WRITING_KINDS,
    Emit,
    author_name,
    notifier,
    on_screen,
    stage_is_anonymous,
)
from facilitator.i18n import _

OPTIONS = {
    "source": Option(int, -1, -1, 49, "The notes stage to cluster (index from 0; default: the "
                                      "nearest notes stage before this one)."),
    "suggest": Option(bool, False, help="Participants may suggest which theme their note "
                                       "belongs to."),
}
SCREEN_VIEW = "themes"  # what the projector shows by default in this kind's stages
MAX_THEME_NAME = 80
MAX_GROUP = 500


@dataclass
class Theme:
    id: str
    name: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Board:
    """Themes in order, each with its notes in order; ``next_id`` numbers new themes."""

    themes: dict[str, Theme] = field(default_factory=dict)
    next_id: int = 1
    suggestions: dict[str, str] = field(default_factory=dict)  # note -> theme

    def theme_of(self, note_id: str) -> str | None:
        for theme in self.themes.values():
            if note_id in theme.notes:
                return theme.id
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"themes": [{"id": t.id, "name": t.name, "notes": list(t.notes)}
                           for t in self.themes.values()], "next_id": self.next_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Board:
        themes = {t["id"]: Theme(t["id"], t["name"], list(t["notes"])) for t in data["themes"]}
        return cls(themes, data["next_id"])

    # -- pure operations: each keeps every note in at most one theme --------------------------

    def _take_out(self, note_ids: list[str]) -> None:
        for theme in self.themes.values():
            theme.notes = [n for n in theme.notes if n not in note_ids]

    def group(self, theme_id: str, name: str, note_ids: list[str]) -> None:
        self._take_out(note_ids)
        self.themes[theme_id] = Theme(theme_id, name, list(dict.fromkeys(note_ids)))
        self.next_id = max(self.next_id, int(theme_id[1:]) + 1)

    def move(self, note_id: str, theme_id: str | None) -> None:
        self._take_out([note_id])
        if theme_id is not None:
            self.themes[theme_id].notes.append(note_id)

    def rename(self, theme_id: str, name: str) -> None:
        self.themes[theme_id].name = name

    def merge(self, theme_id: str, into_id: str) -> None:
        moved = self.themes.pop(theme_id).notes
        self.themes[into_id].notes.extend(moved)

    def remove(self, theme_id: str) -> None:
        self.themes.pop(theme_id)


def board(state: WorkshopState, index: int) -> Board:
    """A stage's board, for reading (decide and views never change the state)."""
    return state.boards.get(index) or Board()


def _board(state: WorkshopState, index: int) -> Board:
    """A stage's board, for the reducers to change."""
    return state.boards.setdefault(index, Board())


def source_of(state: WorkshopState, index: int) -> int:
    """The notes stage a cluster (or vote) stage draws from."""
    chosen = stage_option(state.stages[index], "source")
    if chosen >= 0:
        return chosen
    for i in range(index - 1, -1, -1):
        if state.stages[i].kind in WRITING_KINDS:
            return i
    return index


def _current(state: WorkshopState) -> tuple[int, Board]:
    stage = state.stage
    if state.status != "running" or stage is None or stage.kind != "cluster":
        raise DomainError(_("Grouping into themes happens in a clustering stage."))
    return state.stage_index, board(state, state.stage_index)


def _note(state: WorkshopState, index: int, note_id: str) -> str:
    note = state.notes.get(note_id)
    if note is None or note.deleted or note.stage != source_of(state, index):
        raise DomainError(_("That note is not one of the notes being grouped."))
    if note.pending:
        raise DomainError(_("That note is waiting for your approval: approve it first."))
    return note_id


def _theme(b: Board, theme_id: str) -> Theme:
    theme = b.themes.get(theme_id)
    if theme is None:
        raise DomainError(_("That theme does not exist (it may have been merged or removed)."))
    return theme


def _name(value: str | None, fallback: str) -> str:
    if value is None or not value.strip():
        return fallback
    return clean_text(value, MAX_THEME_NAME, _("theme name"))


@command("group_notes", {FACILITATOR},
         {"note_ids": Field(list, max_length=MAX_GROUP),
          "name": Field(str, required=False, max_length=MAX_THEME_NAME)})
def group_notes(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Group notes as a new theme (from wherever they were)."""
    index, b = _current(state)
    ids = [_note(state, index, n) for n in dict.fromkeys(payload["note_ids"])]
    if not ids:
        raise DomainError(_("Choose at least one note to group."))
    theme = f"t{b.next_id}"
    name = _name(payload.get("name"), _("Theme %d") % b.next_id)
    return [Draft("theme_created", {"stage": index, "theme": theme, "name": name, "notes": ids,
                                    "before": b.to_dict()})]


@command("move_note", {FACILITATOR},
         {"note_id": Field(str, max_length=20), "theme_id": Field(str, required=False,
                                                                   max_length=20)})
def move_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Move a note into a theme, or out of every theme (``theme_id`` null)."""
    index, b = _current(state)
    note = _note(state, index, payload["note_id"])
    target = payload.get("theme_id")
    if target is not None:
        _theme(b, target)
    if b.theme_of(note) == target:
        raise DomainError(_("The note is already there."))
    return [Draft("note_moved", {"stage": index, "note": note, "theme": target,
                                 "before": b.to_dict()})]


@command("rename_theme", {FACILITATOR},
         {"theme_id": Field(str, max_length=20), "name": Field(str, max_length=MAX_THEME_NAME)})
def rename_theme(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Name (or rename) a theme."""
    index, b = _current(state)
    theme = _theme(b, payload["theme_id"])
    name = clean_text(payload["name"], MAX_THEME_NAME, _("theme name"))
    return [Draft("theme_renamed", {"stage": index, "theme": theme.id, "name": name,
                                    "before": b.to_dict()})]


@command("merge_themes", {FACILITATOR},
         {"theme_id": Field(str, max_length=20), "into_id": Field(str, max_length=20)})
def merge_themes(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Merge one theme into another; its notes follow, its name goes."""
    index, b = _current(state)
    theme, into = _theme(b, payload["theme_id"]), _theme(b, payload["into_id"])
    if theme.id == into.id:
        raise DomainError(_("Choose two different themes to merge."))
    return [Draft("themes_merged", {"stage": index, "theme": theme.id, "into": into.id,
                                    "before": b.to_dict()})]


@command("remove_theme", {FACILITATOR}, {"theme_id": Field(str, max_length=20)})
def remove_theme(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Remove a theme; its notes go back to "not yet grouped"."""
    index, b = _current(state)
    theme = _theme(b, payload["theme_id"])
    return [Draft("theme_removed", {"stage": index, "theme": theme.id, "before": b.to_dict()})]


@command("suggest_theme", {PARTICIPANT},
         {"note_id": Field(str, max_length=20), "theme_id": Field(str, max_length=20)})
def suggest_theme(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A participant suggests which theme their own note belongs to."""
    index, b = _current(state)
    if not stage_option(state.stages[index], "suggest"):
        raise DomainError(_("The facilitator is grouping the notes in this stage."))
    note = _note(state, index, payload["note_id"])
    if state.notes[note].author != actor.participant:
        raise DomainError(_("You can only suggest a theme for your own notes."))
    _theme(b, payload["theme_id"])
    return [Draft("theme_suggested", {"stage": index, "note": note,
                                      "theme": payload["theme_id"]})]


@reducer("theme_created")
def _created(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).group(e.data["theme"], e.data["name"], e.data["notes"])


@reducer("note_moved")
def _moved(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).move(e.data["note"], e.data["theme"])


@reducer("theme_renamed")
def _renamed(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).rename(e.data["theme"], e.data["name"])


@reducer("themes_merged")
def _merged(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).merge(e.data["theme"], e.data["into"])


@reducer("theme_removed")
def _removed(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).remove(e.data["theme"])


@reducer("board_restored")
def _restored(state: WorkshopState, e: Event) -> None:
    old = _board(state, e.data["stage"])
    new = Board.from_dict(e.data["board"])
    new.next_id = max(new.next_id, old.next_id)  # ids are never reused
    new.suggestions = old.suggestions
    state.boards[e.data["stage"]] = new


@reducer("theme_suggested")
def _suggested(state: WorkshopState, e: Event) -> None:
    _board(state, e.data["stage"]).suggestions[e.data["note"]] = e.data["theme"]


@inverse("theme_created", "note_moved", "theme_renamed", "themes_merged", "theme_removed")
def _undo(state: WorkshopState, event: Event) -> list[Draft]:
    return [Draft("board_restored", {"stage": event.data["stage"],
                                     "board": event.data["before"]})]


# -- views -----------------------------------------------------------------------------------

def _note_item(state: WorkshopState, note_id: str, audience: str, index: int
               ) -> dict[str, Any]:
    note = state.notes[note_id]
    out: dict[str, Any] = {"id": note.id, "text": note.text}
    if audience == CONSOLE:
        out["name"] = author_name(state, note.author)
        out["hidden"] = note.hidden
    elif not (stage_is_anonymous(state, note.stage) or stage_is_anonymous(state, index)):
        out["name"] = author_name(state, note.author)
    return out


def board_view(state: WorkshopState, index: int, audience: str) -> dict[str, Any]:
    """Themes with their notes and counts, then the notes not yet grouped."""
    b = board(state, index)
    source = source_of(state, index)

    def shown(note_id: str) -> bool:
        note = state.notes[note_id]
        return not note.deleted and (on_screen(state, note) if audience != CONSOLE
                                     else not note.pending)  # pending: not yet approved

    themes = []
    for t in b.themes.values():
        notes = [_note_item(state, n, audience, index) for n in t.notes if shown(n)]
        themes.append({"id": t.id, "name": t.name, "count": len(notes), "notes": notes})
    placed = {n for t in b.themes.values() for n in t.notes}
    loose = [_note_item(state, n.id, audience, index) for n in state.notes.values()
             if n.stage == source and n.id not in placed and shown(n.id)]
    out: dict[str, Any] = {"stage": index, "source": source, "themes": themes,
                           "ungrouped": loose}
    if audience == CONSOLE:
        out["suggestions"] = dict(b.suggestions)
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    if audience in (SCREEN, CONSOLE):
        return {"board": board_view(state, index, audience)}
    if not stage_option(state.stages[index], "suggest"):
        return {}
    b = board(state, index)
    source = source_of(state, index)
    mine = [{"id": nid, "text": state.notes[nid].text, "theme": b.theme_of(nid),
             "suggested": b.suggestions.get(nid)}
            for nid in state.notes_by_author.get(participant or "", [])
            if state.notes[nid].stage == source and not state.notes[nid].deleted
            and not state.notes[nid].pending]
    return {"themes": [{"id": t.id, "name": t.name} for t in b.themes.values()],
            "to_place": mine}


@notifier("theme_created", "note_moved", "theme_renamed", "themes_merged", "theme_removed",
          "board_restored", "theme_suggested")
def _board_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    out = [Emit(SCREEN, "board", {"seq": state.seq, "board": board_view(state, index, SCREEN)}),
           Emit(CONSOLE, "board", {"seq": state.seq, "board": board_view(state, index, CONSOLE)})]
    if stage_option(state.stages[index], "suggest") and event.type != "theme_suggested":
        out.append(Emit(PHONES, "snapshot", None))
    return out
