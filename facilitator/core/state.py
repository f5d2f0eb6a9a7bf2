"""Workshop state as a fold of its event log.

``apply(state, event)`` is deterministic and does no I/O. For speed it updates ``state`` in
place and returns it (a workshop with thousands of notes must not be copied per event);
callers that need the old state keep their own copy via ``replay``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.plan import Plan, Stage, load_plan
from facilitator.i18n import SOURCE, current, reset, set_current

FACILITATOR = "facilitator"


@dataclass(frozen=True)
class Event:
    """One entry of a workshop's log. ``seq`` numbers events from 1 within a workshop."""

    seq: int
    type: str
    actor: str
    at: float
    data: dict[str, Any]
    client_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"seq": self.seq, "type": self.type, "actor": self.actor, "at": self.at,
               "data": self.data}
        if self.client_id:
            out["client_id"] = self.client_id
        return out


@dataclass
class Participant:
    id: str
    name: str
    joined_at: float


@dataclass
class Note:
    id: str
    stage: int
    author: str
    text: str
    posted_at: float
    edited_at: float | None = None
    deleted: bool = False
    hidden: bool = False
    hidden_by: str | None = None
    hidden_at: float | None = None
    table: int | None = None  # a World Café tablecloth note: its table and round
    round: int | None = None
    # pre-moderation (a stage with ``moderate: true``): "pending" until the facilitator
    # approves it, then "approved"; None in a stage that is not moderated. A pending note
    # that is hidden was refused.
    moderation: str | None = None

    @property
    def pending(self) -> bool:
        """Waiting for the facilitator's approval (or refused): the room does not see it."""
        return self.moderation == "pending"


@dataclass
class Timer:
    """A stage's countdown. ``ends_at`` is server time while running; ``remaining`` while
    paused or not started. Clients show ``ends_at - now`` with the server's ``now``."""

    duration: int | None = None
    running: bool = False
    ends_at: float | None = None
    remaining: float | None = None

    def left(self, now: float) -> float | None:
        if self.running and self.ends_at is not None:
            return max(0.0, self.ends_at - now)
        return self.remaining


@dataclass
class WorkshopState:
    """Everything a workshop is at one point of its log."""

    title: str = ""
    # the plan with every language's texts; ``plan`` gives it in the current language
    plan_source: Plan | None = None
    code: str = ""
    created_at: float = 0.0
    status: str = "waiting"  # waiting -> running -> ended
    stage_index: int = -1
    locked: set[int] = field(default_factory=set)
    qr_visible: bool = True
    qr_keep_large: bool = False  # the facilitator keeps the join panel large past the start
    door_open: bool = True  # False: the facilitator lets no new participant join
    started_at: float | None = None  # when the first stage started
    stage_started_at: float | None = None  # when the current stage started
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    notes_by_author: dict[str, list[str]] = field(default_factory=dict)
    timer: Timer = field(default_factory=Timer)
    revealed: set[int] = field(default_factory=set)  # silent stages whose notes are shown
    screen_view: str | None = None  # None: the stage kind's own view
    spotlight: str | None = None  # the note the screen shows very large, if any
    boards: dict[int, Any] = field(default_factory=dict)  # cluster stage -> Board
    votes: dict[int, Any] = field(default_factory=dict)  # vote stage -> Vote
    cafes: dict[int, Any] = field(default_factory=dict)  # café stage -> Cafe
    asset_map: Any = None  # the workshop's asset map (activities/asset_map.py), once begun
    openspaces: dict[int, Any] = field(default_factory=dict)  # open space / adopt stage
    inquiry: dict[int, Any] = field(default_factory=dict)  # AI stage -> Define, Discover, ...
    groupings: dict[int, Any] = field(default_factory=dict)  # 1-2-4-All stage -> its groups
    undo_stack: list[Event] = field(default_factory=list)  # facilitator events to undo
    seq: int = 0

    @property
    def plan(self) -> Plan | None:
        """The plan, its texts in the language being produced now (facilitator/i18n.py), so
        every view and export reads a person's own language without asking for it."""
        source = self.plan_source
        return source.in_language(current()) if source is not None else None

    @plan.setter
    def plan(self, value: Plan | None) -> None:
        self.plan_source = value

    @property
    def stages(self) -> tuple[Stage, ...]:
        plan = self.plan
        return plan.stages if plan else ()

    @property
    def stage(self) -> Stage | None:
        if 0 <= self.stage_index < len(self.stages):
            return self.stages[self.stage_index]
        return None

    def is_open(self, index: int) -> bool:
        """Whether participants may add or change contributions in stage ``index`` now."""
        return self.status == "running" and index == self.stage_index and index not in self.locked


Reducer = Callable[[WorkshopState, Event], None]
REDUCERS: dict[str, Reducer] = {}
UNDOABLE: set[str] = set()  # facilitator event types that ``undo`` can compensate


def reducer(event_type: str) -> Callable[[Reducer], Reducer]:
    """Register the function that folds events of ``event_type`` into the state."""

    def register(fn: Reducer) -> Reducer:
        REDUCERS[event_type] = fn
        return fn

    return register


def apply(state: WorkshopState, event: Event) -> WorkshopState:
    """Fold one event into ``state`` (in place) and return it."""
    from facilitator import activities  # noqa: F401  (registers activity reducers)

    try:
        fn = REDUCERS[event.type]
    except KeyError:
        raise ValueError(f"no reducer for event type {event.type!r}") from None
    # a reducer that reads the plan's texts (the asset map's purpose) reads them in the
    # workshop's own language, whoever's action or replay it is: the state is the same
    source = state.plan_source
    token = set_current(source.workshop_languages[0] if source else SOURCE)
    try:
        fn(state, event)
    finally:
        reset(token)
    state.seq = event.seq
    undo_of = event.data.get("undo_of")
    if undo_of is not None:
        state.undo_stack = [e for e in state.undo_stack if e.seq != undo_of]
    elif event.actor == FACILITATOR and event.type in UNDOABLE:
        state.undo_stack.append(event)
        del state.undo_stack[:-50]  # the last 50 steps are enough to undo
    return state


def replay(events: Iterable[Event]) -> WorkshopState:
    """The state after folding ``events`` into an empty workshop."""
    state = WorkshopState()
    for event in events:
        apply(state, event)
    return state


@reducer("workshop_created")
def _created(state: WorkshopState, event: Event) -> None:
    state.plan = load_plan(event.data["plan"])
    state.title = state.plan.title
    state.code = event.data.get("code", "")
    state.created_at = event.at


@reducer("participant_joined")
def _joined(state: WorkshopState, event: Event) -> None:
    pid = event.data["participant"]
    state.participants[pid] = Participant(pid, event.data.get("name", ""), event.at)


@reducer("participant_renamed")
def _renamed(state: WorkshopState, event: Event) -> None:
    state.participants[event.data["participant"]].name = event.data.get("name", "")


@reducer("stage_changed")
def _stage_changed(state: WorkshopState, event: Event) -> None:
    state.status = "running"
    state.stage_index = event.data["stage"]
    state.screen_view = None
    state.stage_started_at = event.at
    if state.started_at is None:
        state.started_at = event.at
    if "qr_visible" in event.data:  # the start shrinks the join panel to a corner
        state.qr_visible = bool(event.data["qr_visible"])
    state.spotlight = None
    stage = state.stage
    state.timer = Timer(duration=stage.duration if stage else None,
                        remaining=stage.duration if stage else None)


@reducer("workshop_ended")
def _ended(state: WorkshopState, event: Event) -> None:
    state.status = "ended"


@reducer("workshop_reopened")
def _reopened(state: WorkshopState, event: Event) -> None:
    state.status = "running" if state.stage_index >= 0 else "waiting"


@reducer("input_locked")
def _locked(state: WorkshopState, event: Event) -> None:
    state.locked.add(event.data["stage"])


@reducer("input_unlocked")
def _unlocked(state: WorkshopState, event: Event) -> None:
    state.locked.discard(event.data["stage"])


@reducer("qr_shown")
def _qr(state: WorkshopState, event: Event) -> None:
    state.qr_visible = bool(event.data["visible"])


@reducer("qr_keep_large_set")
def _qr_keep(state: WorkshopState, event: Event) -> None:
    state.qr_keep_large = bool(event.data["keep"])
    if state.qr_keep_large:
        state.qr_visible = True


@reducer("door_closed")
def _door_closed(state: WorkshopState, event: Event) -> None:
    state.door_open = False


@reducer("door_opened")
def _door_opened(state: WorkshopState, event: Event) -> None:
    state.door_open = True
