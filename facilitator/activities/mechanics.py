"""Mechanics every stage can use: the timer, the screen's view, and undo.

Undo never deletes history: it appends compensating events (each marked ``undo_of``) for the
facilitator's last undoable action.
"""

from __future__ import annotations

from collections.abc import Callable

from facilitator.core.commands import (
    STAGE_ENTERED,
    Actor,
    Draft,
    Field,
    command,
    require_running,
)
from facilitator.core.errors import DomainError
from facilitator.core.state import FACILITATOR, UNDOABLE, Event, Timer, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONES, SCREEN, Emit, notifier, workshop_view
from facilitator.i18n import _

MAX_TIMER = 8 * 3600
SCREEN_VIEWS = ("step", "wall", "words", "themes", "results")  # "step": the stage kind's own
OWN_TIMING = ("cafe", "onetwofour")  # kinds that time their own rounds or steps


# -- timer -----------------------------------------------------------------------------------

@command("timer_start", {FACILITATOR}, {"seconds": Field(int, required=False)})
def timer_start(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Start (or resume) the stage's countdown; ``seconds`` sets a duration first."""
    require_running(state)
    t = state.timer
    if t.running:
        raise DomainError(_("The timer is already running."))
    seconds = payload.get("seconds")
    if seconds is not None:
        if not 1 <= seconds <= MAX_TIMER:
            raise DomainError(_("A timer runs from 1 second to 8 hours."))
        remaining = float(seconds)
    elif t.remaining is not None and t.remaining > 0:
        remaining = t.remaining
    elif t.duration:
        remaining = float(t.duration)
    else:
        raise DomainError(_("This stage has no duration: choose how long the timer runs."))
    return [Draft("timer_started", {"ends_at": now + remaining,
                                    "duration": seconds or t.duration or int(remaining)})]


@command("timer_pause", {FACILITATOR})
def timer_pause(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Pause the countdown, keeping the time left."""
    if not state.timer.running:
        raise DomainError(_("The timer is not running."))
    return [Draft("timer_paused", {"remaining": state.timer.left(now)})]


@command("timer_add", {FACILITATOR}, {"seconds": Field(int, required=False)})
def timer_add(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add time (a minute unless ``seconds`` says otherwise); negative takes time off."""
    require_running(state)
    seconds = payload.get("seconds", 60)
    if not -MAX_TIMER <= seconds <= MAX_TIMER or seconds == 0:
        raise DomainError(_("Add between 1 second and 8 hours."))
    t = state.timer
    if t.running:
        return [Draft("timer_adjusted", {"ends_at": max(now, (t.ends_at or now) + seconds)})]
    base = t.remaining if t.remaining is not None else 0.0
    return [Draft("timer_adjusted", {"remaining": max(0.0, base + seconds)})]


@command("timer_reset", {FACILITATOR})
def timer_reset(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Stop the countdown and set it back to the stage's duration."""
    return [Draft("timer_reset", {})]


def _auto_timer(state: WorkshopState, index: int, now: float) -> list[Draft]:
    """A stage with a duration starts its countdown as it starts (plan ``timer: auto``, the
    default); ``timer: manual`` waits for "Start timer", and a café times its own rounds."""
    stage = state.stages[index]
    if not stage.duration or stage.timer != "auto" or stage.kind in OWN_TIMING:
        return []
    return [Draft("timer_started", {"ends_at": now + stage.duration, "duration": stage.duration,
                                    "auto": True})]


STAGE_ENTERED.append(_auto_timer)


@reducer("timer_started")
def _started(state: WorkshopState, event: Event) -> None:
    state.timer = Timer(duration=event.data["duration"], running=True,
                        ends_at=event.data["ends_at"], remaining=None)


@reducer("timer_paused")
def _paused(state: WorkshopState, event: Event) -> None:
    t = state.timer
    t.running, t.ends_at, t.remaining = False, None, event.data["remaining"]


@reducer("timer_adjusted")
def _adjusted(state: WorkshopState, event: Event) -> None:
    if "ends_at" in event.data:
        state.timer.ends_at = event.data["ends_at"]
    else:
        state.timer.remaining = event.data["remaining"]


@reducer("timer_reset")
def _reset(state: WorkshopState, event: Event) -> None:
    from facilitator.activities import KINDS

    stage = state.stage
    own = getattr(KINDS[stage.kind], "timer_length", None) if stage else None
    duration = own(state) if own else stage.duration if stage else None
    state.timer = Timer(duration=duration, remaining=duration)


@notifier("timer_started", "timer_paused", "timer_adjusted", "timer_reset")
def _timer_changed(state: WorkshopState, event: Event) -> list[Emit]:
    payload = {"seq": state.seq, "workshop": workshop_view(state)}
    return [Emit(a, "stage", payload) for a in (SCREEN, CONSOLE, PHONES)]


# -- what the screen shows -------------------------------------------------------------------

@command("show_view", {FACILITATOR}, {"view": Field(str, max_length=20)})
def show_view(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Switch the screen between the wall, frequent words, themes and vote results, or back
    to the step's own view (``step``: a café's table map, an Open Space grid, ...)."""
    if payload["view"] not in SCREEN_VIEWS:
        raise DomainError(_("The screen can show: %s.") % ", ".join(SCREEN_VIEWS))
    view = None if payload["view"] == "step" else payload["view"]
    if view == state.screen_view:
        raise DomainError(_("The screen already shows that."))
    return [Draft("screen_view_changed", {"view": view, "from": state.screen_view})]


@reducer("screen_view_changed")
def _view_changed(state: WorkshopState, event: Event) -> None:
    state.screen_view = event.data["view"]


@reducer("workshop_unstarted")
def _unstarted(state: WorkshopState, event: Event) -> None:
    state.status, state.stage_index, state.timer = "waiting", -1, Timer()
    state.started_at = state.stage_started_at = None
    if "qr_visible" in event.data:  # the start had shrunk the join panel: large again
        state.qr_visible = bool(event.data["qr_visible"])


@notifier("workshop_unstarted")
def _back_to_waiting(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "stage", {"seq": state.seq, "workshop": workshop_view(state)})]


@notifier("screen_view_changed")
def _screen_refresh(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None)]


# -- undo ------------------------------------------------------------------------------------

Inverse = Callable[[WorkshopState, Event], list[Draft]]
INVERSES: dict[str, Inverse] = {}


def inverse(*event_types: str) -> Callable[[Inverse], Inverse]:
    """Register how to compensate a facilitator event; it becomes undoable."""

    def register(fn: Inverse) -> Inverse:
        for t in event_types:
            INVERSES[t] = fn
            UNDOABLE.add(t)
        return fn

    return register


@command("undo", {FACILITATOR})
def undo(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Compensate the facilitator's last undoable action (history is kept)."""
    if not state.undo_stack:
        raise DomainError(_("There is nothing to undo."))
    last = state.undo_stack[-1]
    drafts = INVERSES[last.type](state, last)
    return [Draft(d.type, {**d.data, "undo_of": last.seq}) for d in drafts]


@inverse("stage_changed")
def _undo_stage(state: WorkshopState, event: Event) -> list[Draft]:
    if event.data.get("from", -1) < 0:
        return [Draft("workshop_unstarted", {"qr_visible": True} if "qr_visible" in event.data
                      else {})]
    return [Draft("stage_changed", {"stage": event.data["from"], "from": event.data["stage"]})]


@inverse("input_locked", "input_unlocked")
def _undo_lock(state: WorkshopState, event: Event) -> list[Draft]:
    flip = "input_unlocked" if event.type == "input_locked" else "input_locked"
    return [Draft(flip, {"stage": event.data["stage"]})]


@inverse("note_hidden", "note_unhidden")
def _undo_hide(state: WorkshopState, event: Event) -> list[Draft]:
    flip = "note_unhidden" if event.type == "note_hidden" else "note_hidden"
    return [Draft(flip, {"note": event.data["note"]})]


@inverse("qr_shown")
def _undo_qr(state: WorkshopState, event: Event) -> list[Draft]:
    return [Draft("qr_shown", {"visible": not event.data["visible"]})]


@inverse("screen_view_changed")
def _undo_view(state: WorkshopState, event: Event) -> list[Draft]:
    return [Draft("screen_view_changed", {"view": event.data.get("from"),
                                          "from": event.data["view"]})]
