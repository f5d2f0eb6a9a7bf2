"""The ``notes`` activity: participants write short notes to a prompt; a live wall.

Participants post, edit and delete their own notes while the stage is open; the facilitator
hides and unhides notes (hidden notes leave the screen and phones at once but stay in the log).
"""

from __future__ import annotations

from typing import Any

from facilitator.activities.mechanics import inverse
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, clean_text, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import FACILITATOR, Event, Note, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONE,
    PHONES,
    SCREEN,
    WRITING_KINDS,
    Emit,
    note_view,
    notifier,
    on_screen,
    screen_view_name,
    shown_stage,
    words_view,
    workshop_view,
)
from facilitator.i18n import _

OPTIONS = {
    "max_length": Option(int, 280, 20, 2000, "Longest note, in characters."),
    "max_per_person": Option(int, 20, 1, 200, "Most notes one person can write in the stage."),
    "silent": Option(bool, False, help="Notes stay private to their authors until the "
                                      "facilitator reveals them (silent writing)."),
}
HARD_MAX = 2000  # no option can raise a note past this


def _open_notes_stage(state: WorkshopState, stage: int | None) -> int:
    if state.status == "ended":
        raise DomainError(_("This workshop has ended. Thank you for taking part."))
    if state.status != "running":
        raise DomainError(_("The workshop has not started yet. Please wait for the facilitator."))
    if stage is not None and stage != state.stage_index:
        raise DomainError(_("That step has finished, so your note was not added. "
                            "You can copy it into the current step."))
    if state.stage is None or state.stage.kind not in WRITING_KINDS:
        raise DomainError(_("This step does not take notes."))
    if state.stage_index in state.locked:
        raise DomainError(_("The facilitator has paused writing for now, so your note was not "
                            "added. Keep it and try again when writing reopens."))
    return state.stage_index


def _own_note(state: WorkshopState, actor: Actor, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None or note.deleted:
        raise DomainError(_("That note does not exist (it may have been deleted)."))
    if note.author != actor.participant:
        raise DomainError(_("You can only change your own notes."))
    if note.hidden:
        raise DomainError(_("The facilitator has hidden this note, so it cannot be changed."))
    if not state.is_open(note.stage):
        raise DomainError(_("That step is closed, so its notes can no longer be changed."))
    return note


def _limit(state: WorkshopState) -> int:
    assert state.stage is not None
    return min(stage_option(state.stage, "max_length"), HARD_MAX)


@command("post_note", {PARTICIPANT},
         {"text": Field(str, max_length=HARD_MAX), "stage": Field(int, required=False),
          "round": Field(int, required=False)},
         ack=lambda events: {"note_id": note_id_for(events[0])})
def post_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add a note to the current stage."""
    stage = _open_notes_stage(state, payload.get("stage"))
    text = clean_text(payload["text"], _limit(state), _("note"))
    mine = [nid for nid in state.notes_by_author.get(actor.participant or "", [])
            if state.notes[nid].stage == stage and not state.notes[nid].deleted]
    cap = stage_option(state.stage, "max_per_person")
    if len(mine) >= cap:
        raise DomainError(_("You have written %d notes in this step, which is the most allowed.")
                          % cap)
    data: dict[str, Any] = {"stage": stage, "text": text}
    if state.stages[stage].kind == "cafe":  # it goes on the writer's table's tablecloth
        from facilitator.activities.cafe import writing_table

        data["round"], data["table"] = writing_table(state, actor, payload.get("round"))
    return [Draft("note_posted", data)]


@command("edit_note", {PARTICIPANT},
         {"note_id": Field(str, max_length=20), "text": Field(str, max_length=HARD_MAX)})
def edit_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Change the text of one's own note while its stage is open."""
    note = _own_note(state, actor, payload["note_id"])
    text = clean_text(payload["text"], _limit(state), _("note"))
    return [Draft("note_edited", {"note": note.id, "text": text})]


@command("delete_note", {PARTICIPANT}, {"note_id": Field(str, max_length=20)})
def delete_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Delete one's own note while its stage is open."""
    note = _own_note(state, actor, payload["note_id"])
    return [Draft("note_deleted", {"note": note.id})]


def _any_note(state: WorkshopState, note_id: str) -> Note:
    note = state.notes.get(note_id)
    if note is None or note.deleted:
        raise DomainError(_("That note does not exist (it may have been deleted)."))
    return note


@command("hide_note", {FACILITATOR}, {"note_id": Field(str, max_length=20)})
def hide_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a note off the screen and phones; it stays in the log."""
    note = _any_note(state, payload["note_id"])
    if note.hidden:
        raise DomainError(_("That note is already hidden."))
    return [Draft("note_hidden", {"note": note.id})]


@command("unhide_note", {FACILITATOR}, {"note_id": Field(str, max_length=20)})
def unhide_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Show a hidden note again."""
    note = _any_note(state, payload["note_id"])
    if not note.hidden:
        raise DomainError(_("That note is not hidden."))
    return [Draft("note_unhidden", {"note": note.id})]


def note_id_for(event: Event) -> str:
    """A posted note's id is derived from its event's seq, so replay gives the same ids."""
    return f"n{event.seq}"


@reducer("note_posted")
def _posted(state: WorkshopState, event: Event) -> None:
    note = Note(note_id_for(event), event.data["stage"], event.actor, event.data["text"], event.at,
                table=event.data.get("table"), round=event.data.get("round"))
    state.notes[note.id] = note
    state.notes_by_author.setdefault(event.actor, []).append(note.id)


@reducer("note_edited")
def _edited(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.text = event.data["text"]
    note.edited_at = event.at


@reducer("note_deleted")
def _deleted(state: WorkshopState, event: Event) -> None:
    state.notes[event.data["note"]].deleted = True


@reducer("note_hidden")
def _hidden(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.hidden, note.hidden_by, note.hidden_at = True, event.actor, event.at


@reducer("note_unhidden")
def _unhidden(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.hidden, note.hidden_by, note.hidden_at = False, None, None


def _upsert(state: WorkshopState, note: Note, audience: str) -> dict[str, Any]:
    return {"seq": state.seq, "note": note_view(state, note, audience)}


def _removed(state: WorkshopState, note: Note) -> dict[str, Any]:
    return {"seq": state.seq, "note_id": note.id}


@notifier("note_posted", "note_edited", "note_unhidden")
def _note_shown(state: WorkshopState, event: Event) -> list[Emit]:
    note = state.notes[event.data.get("note") or note_id_for(event)]
    out = [Emit(CONSOLE, "note", _upsert(state, note, CONSOLE)),
           Emit(note.author, "note", _upsert(state, note, PHONE))]
    if note.table is not None:
        return out + _tablecloth(state, note)
    if note.stage == shown_stage(state):
        if on_screen(state, note):
            out.append(Emit(SCREEN, "note", _upsert(state, note, SCREEN)))
        else:  # silent writing: the room sees how many, not what
            out.append(Emit(SCREEN, "silent_count", _silent_count(state, note.stage)))
    return out + _words(state)


def _silent_count(state: WorkshopState, stage: int) -> dict[str, Any]:
    count = sum(1 for n in state.notes.values()
                if n.stage == stage and not n.deleted and not n.hidden)
    return {"seq": state.seq, "stage": stage, "count": count}


def _words(state: WorkshopState) -> list[Emit]:
    """Fresh frequent words for the screen, only while it shows them."""
    if screen_view_name(state) != "words":
        return []
    return [Emit(SCREEN, "words", {"seq": state.seq, "words": words_view(state)})]


@command("reveal_notes", {FACILITATOR})
def reveal_notes(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Show a silent stage's notes to the room, all at once."""
    stage = state.stage
    if stage is None or stage.kind != "notes":
        raise DomainError(_("This step does not take notes."))
    if not stage_option(stage, "silent"):
        raise DomainError(_("This step's notes are already shown as they are written."))
    if state.stage_index in state.revealed:
        raise DomainError(_("The notes are already revealed."))
    return [Draft("notes_revealed", {"stage": state.stage_index})]


@inverse("notes_revealed")
def _undo_reveal(state: WorkshopState, event: Event) -> list[Draft]:
    return [Draft("notes_concealed", {"stage": event.data["stage"]})]


@reducer("notes_revealed")
def _revealed(state: WorkshopState, event: Event) -> None:
    state.revealed.add(event.data["stage"])


@reducer("notes_concealed")
def _concealed(state: WorkshopState, event: Event) -> None:
    state.revealed.discard(event.data["stage"])


@notifier("notes_revealed", "notes_concealed")
def _reveal_changed(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "stage", {"seq": state.seq, "workshop": workshop_view(state)})]


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    """The notes stage's part of a snapshot (the notes themselves are common to all)."""
    stage = state.stages[index]
    if audience == SCREEN and stage_option(stage, "silent") and index not in state.revealed:
        return {"silent_count": _silent_count(state, index)["count"]}
    return {}


@notifier("note_deleted", "note_hidden")
def _note_gone(state: WorkshopState, event: Event) -> list[Emit]:
    note = state.notes[event.data["note"]]
    console = (Emit(CONSOLE, "note_removed", _removed(state, note)) if note.deleted
               else Emit(CONSOLE, "note", _upsert(state, note, CONSOLE)))
    out = [console, Emit(note.author, "note_removed", _removed(state, note))]
    if note.table is not None:
        return out + _tablecloth(state, note)
    if note.stage == shown_stage(state):
        out.append(Emit(SCREEN, "note_removed", _removed(state, note)))
    return out + _words(state)


def _tablecloth(state: WorkshopState, note: Note) -> list[Emit]:
    from facilitator.activities.cafe import note_emits

    return note_emits(state, note)
