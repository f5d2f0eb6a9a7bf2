"""Views: what the projector (screen), the console and each phone see.

``snapshot(state, audience, participant)`` is the whole view, sent on connect and after a
stage change. ``changes(state, event)`` is the small update each audience gets after one
event, so a note goes to the screen, the console and its author, not to every phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator.core.state import Event, Note, WorkshopState

SCREEN = "screen"
CONSOLE = "console"
PHONES = "phones"


@dataclass(frozen=True)
class Emit:
    """Send ``name`` with ``payload`` to ``audience`` (screen, console, phones, or a
    participant id). A ``None`` payload with name ``snapshot`` means: a fresh snapshot."""

    audience: str
    name: str
    payload: dict[str, Any] | None


Notifier = Callable[[WorkshopState, Event], list[Emit]]
NOTIFIERS: dict[str, Notifier] = {}


def notifier(*event_types: str) -> Callable[[Notifier], Notifier]:
    def register(fn: Notifier) -> Notifier:
        for t in event_types:
            NOTIFIERS[t] = fn
        return fn

    return register


def changes(state: WorkshopState, event: Event) -> list[Emit]:
    """The updates each audience gets after ``event`` has been applied to ``state``."""
    fn = NOTIFIERS.get(event.type)
    return fn(state, event) if fn else []


def workshop_view(state: WorkshopState) -> dict[str, Any]:
    stage = state.stage
    return {
        "title": state.title,
        "status": state.status,
        "stage_index": state.stage_index,
        "stage_count": len(state.stages),
        "stage": {**stage.to_dict(), "duration": stage.duration} if stage else None,
        "locked": state.stage_index in state.locked,
        "qr_visible": state.qr_visible,
    }


def author_name(state: WorkshopState, pid: str) -> str:
    p = state.participants.get(pid)
    return p.name if p else ""


def note_view(state: WorkshopState, note: Note, audience: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": note.id, "stage": note.stage, "text": note.text,
                           "posted_at": note.posted_at, "edited": note.edited_at is not None}
    if audience in (SCREEN, CONSOLE):
        out["name"] = author_name(state, note.author)
    if audience == CONSOLE:
        out.update(author=note.author, hidden=note.hidden, hidden_by=note.hidden_by,
                   hidden_at=note.hidden_at)
    return out


def people_view(state: WorkshopState, online: int) -> dict[str, Any]:
    return {"joined": len(state.participants), "online": online}


def snapshot(state: WorkshopState, audience: str, participant: str | None = None,
             online: int = 0) -> dict[str, Any]:
    """The whole view for one audience (``participant`` for a phone that has joined)."""
    out: dict[str, Any] = {"seq": state.seq, "workshop": workshop_view(state)}
    if audience == SCREEN:
        shown = max(state.stage_index, 0)
        out["people"] = people_view(state, online)
        out["notes"] = [note_view(state, n, SCREEN) for n in state.notes.values()
                        if n.stage == shown and not n.deleted and not n.hidden]
    elif audience == CONSOLE:
        out["people"] = people_view(state, online)
        out["notes"] = [note_view(state, n, CONSOLE) for n in state.notes.values()
                        if not n.deleted]
        out["participants"] = [{"id": p.id, "name": p.name} for p in state.participants.values()]
        out["stages"] = [{"kind": s.kind, "title": s.title, "prompt": s.prompt}
                         for s in state.stages]
    else:
        me = state.participants.get(participant or "")
        out["joined"] = me is not None
        out["me"] = {"id": me.id, "name": me.name} if me else None
        out["notes"] = [note_view(state, state.notes[nid], PHONES)
                        for nid in state.notes_by_author.get(participant or "", [])
                        if not state.notes[nid].deleted and not state.notes[nid].hidden]
    return out


@notifier("stage_changed", "workshop_ended", "workshop_reopened", "input_locked",
          "input_unlocked", "qr_shown")
def _workshop_changed(state: WorkshopState, event: Event) -> list[Emit]:
    phones = {"seq": state.seq, "workshop": workshop_view(state)}
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "stage", phones)]


@notifier("participant_joined", "participant_renamed")
def _participant(state: WorkshopState, event: Event) -> list[Emit]:
    pid = event.data["participant"]
    person = {"id": pid, "name": author_name(state, pid)}
    out = [Emit(CONSOLE, "participant", {"seq": state.seq, "participant": person}),
           Emit(pid, "me", {"seq": state.seq, "me": person})]
    if event.type == "participant_renamed":
        out.append(Emit(SCREEN, "snapshot", None))  # the name shows on this person's notes
    else:
        out += [Emit(SCREEN, "people", None), Emit(CONSOLE, "people", None)]
    return out
