"""The ``notes`` activity: participants write short notes to a prompt; a live wall.

Participants post, edit and delete their own notes while the stage is open; the facilitator
hides and unhides notes (hidden notes leave the screen and phones at once but stay in the log).

Pre-moderation (option ``moderate``): a note is logged as usual but pending; only its author
and the console see it until the facilitator approves it (one, or all pending). Hiding a
pending note refuses it; it stays in the log, pending, and "Show again" puts it back in the
queue. An approved note edited by its author waits for approval again.

Spotlight: the facilitator puts one note the room may see on the screen, very large, and
takes it off ("Back to the wall"); hiding, deleting or re-moderating that note clears it.
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
    workshop_view,
)
from facilitator.i18n import _

OPTIONS = {
    "max_length": Option(int, 280, 20, 2000, "Longest note, in characters."),
    "max_per_person": Option(int, 20, 1, 200, "Most notes one person can write in the stage."),
    "silent": Option(bool, False, help="Notes stay private to their authors until the "
                                      "facilitator reveals them (silent writing)."),
    "moderate": Option(bool, False, help="Pre-moderation: each note reaches the screen and "
                                        "other phones only once the facilitator approves it."),
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
         ack=lambda events: {"note_id": note_id_for(events[0]),
                             **({"moderation": "pending"} if events[0].data.get("pending")
                                else {})})
def post_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add a note to the current stage."""
    stage = _open_notes_stage(state, payload.get("stage"))
    if state.stages[stage].kind == "onetwofour":  # its notes are the groups' shared notes
        raise DomainError(_("In 1-2-4-All you write in your group's shared note."))
    text = clean_text(payload["text"], _limit(state), _("note"))
    mine = [nid for nid in state.notes_by_author.get(actor.participant or "", [])
            if state.notes[nid].stage == stage and not state.notes[nid].deleted]
    if state.stage.kind == "checkin" and mine:  # a round: one answer each
        raise DomainError(_("You have answered already. You can change your answer instead."))
    cap = 1 if state.stage.kind == "checkin" else stage_option(state.stage, "max_per_person")
    if len(mine) >= cap:
        raise DomainError(_("You have written %d notes in this step, which is the most allowed.")
                          % cap)
    data: dict[str, Any] = {"stage": stage, "text": text}
    if moderated(state, stage):
        data["pending"] = True  # the room sees it once the facilitator approves it
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
    data: dict[str, Any] = {"note": note.id, "text": text}
    if note.moderation == "approved" and text != note.text:
        data["pending"] = True  # new words: the facilitator approves them again
        return [Draft("note_edited", data), *_off_spotlight(state, note.id)]
    return [Draft("note_edited", data)]


@command("delete_note", {PARTICIPANT}, {"note_id": Field(str, max_length=20)})
def delete_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Delete one's own note while its stage is open."""
    note = _own_note(state, actor, payload["note_id"])
    return [Draft("note_deleted", {"note": note.id}), *_off_spotlight(state, note.id)]


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
    return [Draft("note_hidden", {"note": note.id}), *_off_spotlight(state, note.id)]


@command("unhide_note", {FACILITATOR}, {"note_id": Field(str, max_length=20)})
def unhide_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Show a hidden note again."""
    note = _any_note(state, payload["note_id"])
    if not note.hidden:
        raise DomainError(_("That note is not hidden."))
    return [Draft("note_unhidden", {"note": note.id})]


def moderated(state: WorkshopState, index: int) -> bool:
    """Whether stage ``index`` holds its notes for the facilitator's approval."""
    stage = state.stages[index]
    return stage.kind == "notes" and bool(stage_option(stage, "moderate"))


def _off_spotlight(state: WorkshopState, note_id: str) -> list[Draft]:
    """Take the note out of the spotlight, if it is there (before it is hidden or deleted)."""
    if state.spotlight != note_id:
        return []
    return [Draft("spotlight_changed", {"note": None, "from": note_id})]


def _pending(state: WorkshopState, note_id: str) -> Note:
    note = _any_note(state, note_id)
    if note.moderation is None:
        raise DomainError(_("That note's step is not moderated: it is already shown."))
    if note.moderation == "approved":
        raise DomainError(_("That note is already approved."))
    if note.hidden:
        raise DomainError(_("That note was hidden. Show it again first, then approve it."))
    return note


@command("approve_note", {FACILITATOR}, {"note_id": Field(str, max_length=20)})
def approve_note(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Pre-moderation: let a pending note reach the screen and the room."""
    note = _pending(state, payload["note_id"])
    return [Draft("notes_approved", {"notes": [note.id]})]


MAX_APPROVE = 500
BULK_APPROVAL = 20  # more notes approved at once: one snapshot, not a note each


@command("approve_all", {FACILITATOR}, {"note_ids": Field(list, required=False,
                                                            max_length=MAX_APPROVE)})
def approve_all(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Approve every pending note (or those of ``note_ids`` still pending: what the console
    listed, so a note that arrived meanwhile is not approved unseen)."""
    if "note_ids" in payload:
        wanted = [state.notes.get(n) for n in dict.fromkeys(payload["note_ids"])]
        candidates = [n for n in wanted if n is not None]
    else:
        candidates = list(state.notes.values())
    ids = [n.id for n in candidates if n.pending and not n.hidden and not n.deleted]
    if not ids:
        raise DomainError(_("No notes are waiting for approval."))
    return [Draft("notes_approved", {"notes": ids})]


@command("spotlight", {FACILITATOR}, {"note_id": Field(str, required=False, max_length=20)})
def spotlight(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Put one note on the screen, very large; ``note_id`` null takes it off (back to the
    wall)."""
    note_id = payload.get("note_id")
    if note_id is None:
        if state.spotlight is None:
            raise DomainError(_("Nothing is in the spotlight."))
        return [Draft("spotlight_changed", {"note": None, "from": state.spotlight})]
    note = _any_note(state, note_id)
    if note.hidden:
        raise DomainError(_("That note is hidden, so it cannot be in the spotlight."))
    if note.pending:
        raise DomainError(_("That note is waiting for your approval: approve it first."))
    if not on_screen(state, note):
        raise DomainError(_("The room cannot see that note yet, so it cannot be in the "
                            "spotlight."))
    if state.spotlight == note.id:
        raise DomainError(_("That note is already in the spotlight."))
    return [Draft("spotlight_changed", {"note": note.id, "from": state.spotlight})]


def note_id_for(event: Event) -> str:
    """A posted note's id is derived from its event's seq, so replay gives the same ids."""
    return f"n{event.seq}"


@reducer("note_posted")
def _posted(state: WorkshopState, event: Event) -> None:
    note = Note(note_id_for(event), event.data["stage"], event.actor, event.data["text"], event.at,
                table=event.data.get("table"), round=event.data.get("round"),
                moderation="pending" if event.data.get("pending") else None)
    state.notes[note.id] = note
    state.notes_by_author.setdefault(event.actor, []).append(note.id)


@reducer("note_edited")
def _edited(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.text = event.data["text"]
    note.edited_at = event.at
    if event.data.get("pending"):
        note.moderation = "pending"


@reducer("note_deleted")
def _deleted(state: WorkshopState, event: Event) -> None:
    state.notes[event.data["note"]].deleted = True


@reducer("note_hidden")
def _hidden(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.hidden, note.hidden_by, note.hidden_at = True, event.actor, event.at


@reducer("notes_approved")
def _approved(state: WorkshopState, event: Event) -> None:
    for note_id in event.data["notes"]:
        state.notes[note_id].moderation = "approved"


@reducer("spotlight_changed")
def _spotlight(state: WorkshopState, event: Event) -> None:
    state.spotlight = event.data["note"]


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
    if note.pending:  # waiting for the facilitator: the room hears nothing of it
        if event.data.get("pending") and event.type == "note_edited" \
                and note.stage == shown_stage(state):  # approved before: off the wall now
            return [*out, Emit(SCREEN, "note_removed", _removed(state, note)), *_words(state)]
        return out
    if note.id == state.spotlight:  # the spotlight shows the new words
        out += _workshop_update(state)
    if note.stage == shown_stage(state):
        if on_screen(state, note):
            out.append(Emit(SCREEN, "note", _upsert(state, note, SCREEN)))
        else:  # silent writing: the room sees how many, not what
            out.append(Emit(SCREEN, "silent_count", _silent_count(state, note.stage)))
    return out + _words(state)


def _silent_count(state: WorkshopState, stage: int) -> dict[str, Any]:
    count = sum(1 for n in state.notes.values()
                if n.stage == stage and not n.deleted and not n.hidden and not n.pending)
    return {"seq": state.seq, "stage": stage, "count": count}


def _words(state: WorkshopState) -> list[Emit]:
    """Fresh frequent words for the screen, only while it shows them (built as it is sent:
    views.FRESH)."""
    if screen_view_name(state) != "words":
        return []
    return [Emit(SCREEN, "words", None)]


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
    if note.pending:  # never approved: the room never had it, so it hears nothing
        return out
    if note.stage == shown_stage(state):
        out.append(Emit(SCREEN, "note_removed", _removed(state, note)))
    return out + _words(state)


def _tablecloth(state: WorkshopState, note: Note) -> list[Emit]:
    from facilitator.activities.cafe import note_emits

    return note_emits(state, note)


def _workshop_update(state: WorkshopState) -> list[Emit]:
    payload = {"seq": state.seq, "workshop": workshop_view(state)}
    return [Emit(SCREEN, "stage", payload), Emit(CONSOLE, "stage", payload)]


@notifier("spotlight_changed")
def _spotlight_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """The screen and the console get the workshop with its new ``spotlight``."""
    return _workshop_update(state)


@notifier("notes_approved")
def _notes_approved(state: WorkshopState, event: Event) -> list[Emit]:
    """Each approved note reaches the console, its author and the screen (or the screen's
    silent count), as if it had just been posted; a board or a vote about it follows. Many at
    once: the screen and the console get one fresh snapshot instead of a note each."""
    out: list[Emit] = []
    shown = shown_stage(state)
    counted: set[int] = set()
    bulk = len(event.data["notes"]) > BULK_APPROVAL
    if bulk:
        out += [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None)]
    for note_id in event.data["notes"]:
        note = state.notes[note_id]
        out.append(Emit(note.author, "note", _upsert(state, note, PHONE)))
        if bulk:
            continue
        out.append(Emit(CONSOLE, "note", _upsert(state, note, CONSOLE)))
        if note.stage != shown:
            continue
        if on_screen(state, note):
            out.append(Emit(SCREEN, "note", _upsert(state, note, SCREEN)))
        elif note.stage not in counted:
            counted.add(note.stage)
            out.append(Emit(SCREEN, "silent_count", _silent_count(state, note.stage)))
    from facilitator.activities import source_stage

    stages = {state.notes[n].stage for n in event.data["notes"]}
    if bulk:
        return out
    if (state.stages and state.stages[shown].kind != "notes"
            and source_stage(state, shown) in stages):  # a board (or a vote) about them
        out += [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None)]
    return out + _words(state)
