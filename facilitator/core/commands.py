"""Commands: what a phone or the console asks for, checked and turned into events.

A command has a wire name (the Socket.IO event name, also in docs/protocol.md), the role
allowed to send it, a payload schema, and ``decide(state, actor, payload, now)`` which
returns the events to append or raises ``DomainError`` with a human message. Nothing here
touches a socket or a database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.errors import DomainError
from facilitator.core.state import FACILITATOR, WorkshopState
from facilitator.i18n import _

PARTICIPANT = "participant"
VISITOR = "visitor"  # a phone on the join page that has not joined yet
MAX_NAME = 40
MIN_TOKEN, MAX_TOKEN = 16, 200


def door_closed() -> str:
    """What a phone that wants to join hears while the facilitator has closed the door."""
    return _("The facilitator has closed the door to new participants for now. If you should "
             "be in, ask them to open it.")


@dataclass(frozen=True)
class Actor:
    """Who sends a command: the facilitator, a participant (with id), or a visitor."""

    role: str
    participant: str | None = None

    @property
    def id(self) -> str:
        return self.participant if self.role == PARTICIPANT and self.participant else self.role


@dataclass(frozen=True)
class Draft:
    """An event to append, before the store gives it a ``seq``."""

    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One payload field: its type, whether it is required, and a length limit for text."""

    type: type
    required: bool = True
    max_length: int | None = None


Decide = Callable[[WorkshopState, Actor, dict[str, Any], float], list[Draft]]
# Activities that react to someone joining (a café seats a late arrival): (state, pid, now)
JOIN_HOOKS: list[Callable[[WorkshopState, str, float], list[Draft]]] = []
# The same, for activities that use where the phone joined from (a café table's QR code gives
# ``table``): (state, pid, {"table": index or None}, now)
JOIN_PLACE_HOOKS: list[Callable[[WorkshopState, str, dict[str, Any], float], list[Draft]]] = []
# Activities that may refuse a move to a stage (no Dream before Discover is closed):
# (state, target index) -> a sentence saying why not, or None. ``force`` skips on purpose.
STAGE_GUARDS: list[Callable[[WorkshopState, int], str | None]] = []
# What else happens as a stage starts (its timer starts): (state before the move, target, now)
STAGE_ENTERED: list[Callable[[WorkshopState, int, float], list[Draft]]] = []


# Work a command will need that can be done ahead, while the room is quiet (a café's
# seating for the people there now): each takes the state and fills a pure function's memo,
# changing nothing; the service runs them when nothing has happened for a moment
PREPARERS: list[Callable[[WorkshopState], None]] = []


def preparer(fn: Callable[[WorkshopState], None]) -> Callable[[WorkshopState], None]:
    """Register ``fn`` in PREPARERS."""
    PREPARERS.append(fn)
    return fn


@dataclass(frozen=True)
class Command:
    name: str
    roles: frozenset[str]
    decide: Decide
    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    ack: Callable[[list[Any]], dict[str, Any]] | None = None  # extra ack fields from events
    upload: bool = False  # sent by the HTTP upload route only (it stores the file first)


COMMANDS: dict[str, Command] = {}


def command(name: str, roles: set[str], fields: dict[str, Field] | None = None,
            ack: Callable[[list[Any]], dict[str, Any]] | None = None, upload: bool = False):
    """Register ``decide`` as the command ``name`` that ``roles`` may send (``upload``: only
    through an HTTP upload route, which stores the uploaded file before sending it)."""

    def register(fn: Decide) -> Decide:
        doc = (fn.__doc__ or "").strip()
        COMMANDS[name] = Command(name, frozenset(roles), fn, fields or {}, doc, ack, upload)
        return fn

    return register


def check_payload(cmd: Command, payload: Any) -> dict[str, Any]:
    """Check the payload's shape against the command's fields; return the known fields."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise DomainError(_("That request was not understood (expected an object)."))
    out: dict[str, Any] = {}
    for name, spec in cmd.fields.items():
        value = payload.get(name)
        if value is None:
            if spec.required:
                raise DomainError(_("Something is missing from that request: '%s'.") % name)
            continue
        if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise DomainError(_("'%s' must be a whole number.") % name)
        if spec.type is bool and not isinstance(value, bool):
            raise DomainError(_("'%s' must be true or false.") % name)
        if spec.type is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DomainError(_("'%s' must be a list of ids.") % name)
            if spec.max_length is not None and len(value) > spec.max_length:
                raise DomainError(_("'%s' has too many items.") % name)
        if spec.type is str:
            if not isinstance(value, str):
                raise DomainError(_("'%s' must be text.") % name)
            if spec.max_length is not None and len(value) > spec.max_length * 4:
                # far over any limit: refuse before doing any work on it
                raise DomainError(_("'%s' is far too long.") % name)
        out[name] = value
    return out


def decide(state: WorkshopState, actor: Actor, name: str, payload: Any, now: float) -> list[Draft]:
    """Turn a request into events, or raise ``DomainError`` saying why not."""
    from facilitator import activities  # noqa: F401  (registers activity commands)

    cmd = COMMANDS.get(name)
    if cmd is None:
        raise DomainError(_("Unknown action '%s'.") % str(name)[:40])
    if actor.role not in cmd.roles:
        if FACILITATOR in cmd.roles:
            raise DomainError(_("Only the facilitator can do that."))
        if actor.role == VISITOR:
            raise DomainError(_("Please join the workshop first."))
        raise DomainError(_("That action is not available here."))
    return cmd.decide(state, actor, check_payload(cmd, payload), now)


def clean_text(value: str, limit: int, what: str) -> str:
    """Normalise participant text, refusing empty or over-long text with a clear sentence."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not value.isprintable():  # (printable text has no control character: nothing to drop)
        value = "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch) != "Cc")
    value = value.strip()
    if not value:
        raise DomainError(_("The %s is empty: write something first.") % what)
    if len(value) > limit:
        raise DomainError(
            _("The %(what)s is too long: %(n)d characters, and the limit is %(limit)d. "
              "Please shorten it.") % {"what": what, "n": len(value), "limit": limit}
        )
    return value


def clean_name(value: str | None) -> str:
    if not value:
        return ""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    if len(value) > MAX_NAME:
        raise DomainError(_("That name is too long (at most %d characters).") % MAX_NAME)
    return value


def require_running(state: WorkshopState) -> None:
    if state.status == "ended":
        raise DomainError(_("This workshop has ended. Thank you for taking part."))
    if state.status != "running":
        raise DomainError(_("The workshop has not started yet. Please wait for the facilitator."))


# -- joining ---------------------------------------------------------------------------------

@command("join", {VISITOR}, {"name": Field(str, required=False, max_length=MAX_NAME),
                             "token": Field(str, required=False, max_length=MAX_TOKEN),
                             "table": Field(int, required=False)})
def join(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A phone joins; the name is optional (anonymous by default).

    The phone may bring its own device ``token`` (made before sending, so a resent join that
    lost its ack still knows its identity); the transport stores only the token's hash.
    """
    token = payload.get("token")
    if token is not None and not MIN_TOKEN <= len(token) <= MAX_TOKEN:
        raise DomainError(_("The device token must be 16 to 200 characters."))
    if state.status == "ended":
        raise DomainError(_("This workshop has ended. Thank you for taking part."))
    if not state.door_open:
        raise DomainError(door_closed())
    pid = f"p{len(state.participants) + 1}"
    drafts = [Draft("participant_joined", {"participant": pid,
                                           "name": clean_name(payload.get("name"))})]
    for hook in JOIN_HOOKS:
        drafts += hook(state, pid, now)
    place = {"table": payload.get("table")}  # a table's QR code (index from 0)
    for place_hook in JOIN_PLACE_HOOKS:
        drafts += place_hook(state, pid, place, now)
    return drafts


@command("rename", {PARTICIPANT}, {"name": Field(str, required=False, max_length=MAX_NAME)})
def rename(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A participant changes (or clears) the name the room sees."""
    return [Draft("participant_renamed", {"participant": actor.participant,
                                          "name": clean_name(payload.get("name"))})]


# -- stage control (facilitator) -------------------------------------------------------------

def _to_stage(state: WorkshopState, index: int, now: float, force: bool = False,
              extra: dict[str, Any] | None = None) -> list[Draft]:
    if state.status == "ended":
        raise DomainError(_("The workshop has ended; reopen it first."))
    if not 0 <= index < len(state.stages):
        raise DomainError(_("There is no such stage."))
    reasons = [r for guard in STAGE_GUARDS if (r := guard(state, index))]
    if reasons and not force:
        raise DomainError(reasons[0])
    data: dict[str, Any] = {"stage": index, "from": state.stage_index, **(extra or {})}
    if reasons:
        data["skipped"] = reasons  # the facilitator moved on on purpose: the log says past what
    return [Draft("stage_changed", data)] + [d for hook in STAGE_ENTERED
                                             for d in hook(state, index, now)]


@command("start", {FACILITATOR})
def start(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Start the workshop at its first stage."""
    if state.status != "waiting":
        raise DomainError(_("The workshop has already started."))
    # the join panel shrinks to a corner unless the facilitator chose to keep it large
    extra = {"qr_visible": False} if state.qr_visible and not state.qr_keep_large else None
    return _to_stage(state, 0, now, extra=extra)


@command("next_stage", {FACILITATOR}, {"force": Field(bool, required=False)})
def next_stage(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Move everyone on to the next stage (``force``: past a stage guard, on purpose)."""
    if state.stage_index + 1 >= len(state.stages):
        raise DomainError(_("This is the last stage. End the workshop when you are ready."))
    return _to_stage(state, state.stage_index + 1, now, bool(payload.get("force")))


@command("prev_stage", {FACILITATOR})
def prev_stage(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Go back to the previous stage."""
    if state.stage_index <= 0:
        raise DomainError(_("This is the first stage."))
    return _to_stage(state, state.stage_index - 1, now)


@command("go_to_stage", {FACILITATOR}, {"stage": Field(int),
                                        "force": Field(bool, required=False)})
def go_to_stage(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Jump to any stage (``force``: past a stage guard, on purpose)."""
    return _to_stage(state, payload["stage"], now, bool(payload.get("force")))


@command("end_workshop", {FACILITATOR})
def end_workshop(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Close the workshop: no more contributions; the harvest can be exported."""
    if state.status == "ended":
        raise DomainError(_("The workshop has already ended."))
    return [Draft("workshop_ended", {})]


@command("reopen_workshop", {FACILITATOR})
def reopen_workshop(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Reopen an ended workshop (for example, ended by mistake)."""
    if state.status != "ended":
        raise DomainError(_("The workshop is not ended."))
    return [Draft("workshop_reopened", {})]


@command("lock_input", {FACILITATOR})
def lock_input(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Stop participants adding or changing anything in the current stage."""
    require_running(state)
    if state.stage_index in state.locked:
        raise DomainError(_("Input is already locked."))
    return [Draft("input_locked", {"stage": state.stage_index})]


@command("unlock_input", {FACILITATOR})
def unlock_input(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Let participants contribute to the current stage again."""
    require_running(state)
    if state.stage_index not in state.locked:
        raise DomainError(_("Input is not locked."))
    return [Draft("input_unlocked", {"stage": state.stage_index})]


@command("show_qr", {FACILITATOR}, {"visible": Field(bool)})
def show_qr(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Show the join panel on the projector large, or minimise it."""
    return [Draft("qr_shown", {"visible": payload["visible"]})]


@command("keep_qr_large", {FACILITATOR}, {"keep": Field(bool)})
def keep_qr_large(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Keep the join panel large when the workshop starts (``keep``: false lets it shrink to
    a corner as the first stage starts); keeping it large also shows it large now."""
    if payload["keep"] == state.qr_keep_large:
        raise DomainError(_("The join panel already does that."))
    return [Draft("qr_keep_large_set", {"keep": payload["keep"]})]


@command("close_door", {FACILITATOR})
def close_door(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """No new participants (those who joined carry on); joiners are told why."""
    if not state.door_open:
        raise DomainError(_("The door is already closed to new participants."))
    return [Draft("door_closed", {})]


@command("open_door", {FACILITATOR})
def open_door(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Let new participants join again."""
    if state.door_open:
        raise DomainError(_("The door is already open."))
    return [Draft("door_opened", {})]
