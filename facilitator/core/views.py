"""Views: what the projector (screen), the console and each phone see.

``snapshot(state, audience, participant)`` is the whole view, sent on connect and after a
stage change. ``changes(state, event)`` is the small update each audience gets after one
event, so a note goes to the screen, the console and its author, not to every phone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from facilitator import i18n
from facilitator.core.plan import Stage
from facilitator.core.state import Event, Note, WorkshopState
from facilitator.core.words import frequent

SCREEN = "screen"
CONSOLE = "console"
PHONES = "phones"
PHONE = "phone"  # one participant's view
WRITING_KINDS = ("notes", "cafe", "checkin", "onetwofour")  # kinds whose stages collect notes


@dataclass(frozen=True)
class Emit:
    """Send ``name`` with ``payload`` to ``audience`` (screen, console, phones, or a
    participant id). A ``None`` payload with name ``snapshot`` means: a fresh snapshot; with
    a name in ``FRESH`` (``words``): that view of the state as it is when the update is sent,
    which the transport builds at most a few times a second however fast events come."""

    audience: str
    name: str
    payload: dict[str, Any] | None


T = TypeVar("T")
_shared: ContextVar[dict[Hashable, Any] | None] = ContextVar("shared_views", default=None)


@contextmanager
def shared_views() -> Iterator[None]:
    """Inside the block, the parts of views that many audiences have in common (the workshop,
    a café table's tablecloth, a vote's results) are built once per state and language and
    then shared: a fan-out to 1,000 phones builds each table's view once, not each phone's.
    Outside it, every view is built from scratch as before (``shared`` just builds)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(state: WorkshopState, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, or, inside :func:`shared_views`, the value it gave for this ``key``, this
    state at this ``seq`` and the current language. The value is shared between views:
    callers copy before they change it."""
    memo = _shared.get()
    if memo is None:
        return build()
    full = (id(state), state.seq, i18n.current(), key)
    try:
        return memo[full]
    except KeyError:
        value = memo[full] = build()
        return value


def in_shared_views() -> bool:
    """Whether views are being built inside :func:`shared_views`."""
    return _shared.get() is not None


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


def shown_stage(state: WorkshopState) -> int:
    """The stage the screen is about: the current one, or the first before the start."""
    return max(state.stage_index, 0)


def timer_view(state: WorkshopState) -> dict[str, Any]:
    t = state.timer
    return {"duration": t.duration, "running": t.running, "ends_at": t.ends_at,
            "remaining": t.remaining}


def workshop_view(state: WorkshopState) -> dict[str, Any]:
    stage = state.stage
    plan = state.plan
    return {
        "title": plan.title if plan else state.title,
        "purpose": plan.purpose if plan else "",
        "status": state.status,
        "stage_index": state.stage_index,
        "stage_count": len(state.stages),
        "stage": {**stage.to_dict(), "duration": stage.duration} if stage else None,
        "locked": state.stage_index in state.locked,
        "revealed": state.stage_index in state.revealed,
        "qr_visible": state.qr_visible,
        "qr_keep_large": state.qr_keep_large,
        "door_open": state.door_open,
        "started_at": state.started_at,
        "stage_started_at": state.stage_started_at,
        "screen_view": screen_view_name(state),
        "own_view": own_view(state),
        "timer": timer_view(state),
        "spotlight": spotlight_view(state),
    }


def spotlight_view(state: WorkshopState) -> dict[str, Any] | None:
    """The note in the spotlight, as the room may see it: ``{"id", "text", "name"}`` (``name``
    is "" in an anonymous stage), or None. Never a hidden, pending or private note."""
    note = state.notes.get(state.spotlight or "")
    if note is None or not on_screen(state, note):
        return None
    anonymous = (stage_is_anonymous(state, note.stage)
                 or stage_is_anonymous(state, shown_stage(state)))
    return {"id": note.id, "text": note.text,
            "name": "" if anonymous else author_name(state, note.author)}


def own_view(state: WorkshopState) -> str:
    """The view the shown stage's kind puts on the screen by default."""
    from facilitator.activities import KINDS

    stage = state.stages[shown_stage(state)] if state.stages else None
    if stage is None:
        return "wall"
    chooser = getattr(KINDS[stage.kind], "screen_view_of", None)  # a view the plan chooses
    return chooser(stage) if chooser else getattr(KINDS[stage.kind], "SCREEN_VIEW", "wall")


def screen_view_name(state: WorkshopState) -> str:
    """What the screen shows now: the facilitator's choice, else the stage kind's own view."""
    return state.screen_view or own_view(state)


def planned_length(stage: Stage) -> int | None:
    """A stage's planned length in seconds: its duration, or what its kind says (a café's
    duration is one round's)."""
    from facilitator.activities import KINDS

    planned = getattr(KINDS[stage.kind], "planned_length", None)
    return planned(stage) if planned else stage.duration


def author_name(state: WorkshopState, pid: str) -> str:
    p = state.participants.get(pid)
    return p.name if p else ""


def stage_is_anonymous(state: WorkshopState, index: int) -> bool:
    return 0 <= index < len(state.stages) and state.stages[index].anonymous


def note_view(state: WorkshopState, note: Note, audience: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": note.id, "stage": note.stage, "text": note.text,
                           "posted_at": note.posted_at, "edited": note.edited_at is not None}
    if note.table is not None:
        out.update(table=note.table, round=note.round)
    if audience == SCREEN:
        out["name"] = "" if stage_is_anonymous(state, note.stage) else author_name(state,
                                                                                   note.author)
    if audience == CONSOLE:
        out.update(name=author_name(state, note.author), author=note.author, hidden=note.hidden,
                   hidden_by=note.hidden_by, hidden_at=note.hidden_at)
    if note.moderation is not None and audience in (CONSOLE, PHONE):
        out["moderation"] = note.moderation  # "pending" until the facilitator approves it
    return out


def on_screen(state: WorkshopState, note: Note) -> bool:
    """Whether the room may see this note now: visible, approved if its stage is moderated,
    and not waiting for a reveal."""
    if note.deleted or note.hidden or note.pending:
        return False
    stage = state.stages[note.stage]
    if stage.kind == "cafe":  # tablecloths are for their table until the café is over
        return note.stage != state.stage_index
    if stage.kind == "onetwofour":  # a four's chosen idea: for the room from "All" on
        from facilitator.activities.onetwofour import note_on_screen

        return note_on_screen(state, note)
    return not (stage.kind == "notes" and stage.options.get("silent")
                and note.stage not in state.revealed)


def stage_notes(state: WorkshopState, index: int, audience: str) -> list[dict[str, Any]]:
    return [note_view(state, n, audience) for n in state.notes.values()
            if n.stage == index and (on_screen(state, n) if audience == SCREEN
                                     else not n.deleted)]


def words_view(state: WorkshopState) -> dict[str, Any]:
    """Frequent words across the visible notes of the shown stage (or of its source)."""
    from facilitator.activities import source_stage

    index = source_stage(state, shown_stage(state))
    texts = [n.text for n in state.notes.values() if n.stage == index and on_screen(state, n)]
    # a check-in is a word each: a word said once still belongs to the room's picture
    once = bool(state.stages) and state.stages[index].kind == "checkin"
    return {"stage": index, **frequent(texts, min_count=1 if once else 2)}


def words_update(state: WorkshopState) -> dict[str, Any]:
    return {"seq": state.seq, "words": words_view(state)}


# updates whose payload is built when sent (Emit payload None): counting every note's words
# after each of 1,000 check-ins grew with the room squared
FRESH: dict[str, Callable[[WorkshopState], dict[str, Any]]] = {"words": words_update}


def people_view(state: WorkshopState, online: int) -> dict[str, Any]:
    return {"joined": len(state.participants), "online": online}


def snapshot(state: WorkshopState, audience: str, participant: str | None = None,
             online: int = 0) -> dict[str, Any]:
    """The whole view for one audience (``participant`` for a phone that has joined)."""
    from facilitator.activities import KINDS

    out: dict[str, Any] = {"seq": state.seq,
                           "workshop": shared(state, "workshop", lambda: workshop_view(state))}
    index = shown_stage(state)
    if audience == SCREEN:
        out["people"] = people_view(state, online)
        out["notes"] = stage_notes(state, index, SCREEN) if state.stages else []
        if screen_view_name(state) == "words":
            out["words"] = words_view(state)
    elif audience == CONSOLE:
        out["people"] = people_view(state, online)
        out["notes"] = [note_view(state, n, CONSOLE) for n in state.notes.values()
                        if not n.deleted]
        out["participants"] = [{"id": p.id, "name": p.name} for p in state.participants.values()]
        out["stages"] = [{"kind": s.kind, "title": s.title, "prompt": s.prompt,
                          "anonymous": s.anonymous, "duration": planned_length(s),
                          "timer": s.timer} for s in state.stages]
        # a person-centred plan (one person's own asset map) puts nothing on a projector
        out["projector"] = not any(s.options.get("person_centred") for s in state.stages)
        out["can_undo"] = bool(state.undo_stack)
        out["words"] = words_view(state) if state.stages else None
    else:
        me = state.participants.get(participant or "")
        out["joined"] = me is not None
        out["me"] = {"id": me.id, "name": me.name} if me else None
        out["notes"] = [note_view(state, state.notes[nid], PHONE)
                        for nid in state.notes_by_author.get(participant or "", [])
                        if not state.notes[nid].deleted and not state.notes[nid].hidden]
    if state.stages:
        kind = KINDS[state.stages[index].kind]
        out.update(kind.view(state, index, audience, participant))
    return out


@notifier("stage_changed", "workshop_ended", "workshop_reopened", "input_locked",
          "input_unlocked", "qr_shown", "qr_keep_large_set", "door_closed", "door_opened")
def _workshop_changed(state: WorkshopState, event: Event) -> list[Emit]:
    out = [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None)]
    if event.type == "stage_changed":
        # a new stage brings each phone its own view (items to vote on, its notes...)
        return [*out, Emit(PHONES, "snapshot", None)]
    return [*out, Emit(PHONES, "stage", {"seq": state.seq, "workshop": workshop_view(state)})]


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
