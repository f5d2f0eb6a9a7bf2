"""What the five stages of an Appreciative Inquiry share: per-stage state, lookups, moderation.

Each AI stage keeps its state in ``state.inquiry[stage index]`` (a ``Define``, ``Discover``,
``Dream``, ``Design`` or ``Destiny``). Later stages read earlier ones: Discover uses the
interview guide of the nearest Define before it, Dream links propositions to Discover's
consented stories, Design and Destiny work on the propositions the room chose.
"""

from __future__ import annotations

from typing import Any

from facilitator.core.commands import Actor, Draft, Field, clean_text, command, require_running
from facilitator.core.errors import DomainError
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, PHONES, SCREEN, Emit, author_name, notifier
from facilitator.core.views import stage_is_anonymous as anonymous
from facilitator.i18n import _

AI_KINDS = ("ai_define", "ai_discover", "ai_dream", "ai_design", "ai_destiny")
MAX_ID = 20
MAX_SHORT = 120


def kind_name(kind: str) -> str:
    return {"ai_define": _("Define"), "ai_discover": _("Discover"), "ai_dream": _("Dream"),
            "ai_design": _("Design"), "ai_destiny": _("Destiny")}.get(kind, kind)


def get(state: WorkshopState, index: int, factory: type) -> Any:
    """The stage's AI state (a fresh one if nothing has happened in it yet)."""
    found = state.inquiry.get(index)
    return found if isinstance(found, factory) else factory()


def for_event(state: WorkshopState, event: Event, factory: type) -> Any:
    index = event.data["stage"]
    found = state.inquiry.get(index)
    if not isinstance(found, factory):
        found = state.inquiry[index] = factory()
    return found


def current(state: WorkshopState, kind: str) -> int:
    """The current stage's index if it is running and of ``kind``; else a reason why not."""
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != kind:
        raise DomainError(_("This step is not the %s stage of the inquiry.") % kind_name(kind))
    return state.stage_index


def writable(state: WorkshopState, kind: str) -> int:
    """Like ``current``, and the facilitator has not paused writing."""
    index = current(state, kind)
    if index in state.locked:
        raise DomainError(_("The facilitator has paused writing for now, so this was not "
                            "saved. Keep it and try again when writing reopens."))
    return index


def earlier(state: WorkshopState, index: int, kind: str) -> int | None:
    """The nearest stage of ``kind`` before ``index``, or None."""
    for i in range(index - 1, -1, -1):
        if state.stages[i].kind == kind:
            return i
    return None


def label(state: WorkshopState, pid: str | None) -> str:
    """A name for the facilitator and the export: the given name, or "Participant 3"."""
    if not pid:
        return ""
    return author_name(state, pid) or _("Participant %s") % pid.lstrip("p")


def public_name(state: WorkshopState, index: int, pid: str | None) -> str:
    """A name the room may see: only in a named stage, and only if the person gave one."""
    if not pid or anonymous(state, index):
        return ""
    return author_name(state, pid)


def text(value: Any, limit: int, what: str) -> str:
    return clean_text(str(value), limit, what)


def short(value: Any, limit: int, what: str, required: bool = False) -> str:
    """A short optional text (a date, a name list): cleaned, may be empty unless required."""
    value = " ".join(str(value or "").split())
    if not value:
        if required:
            raise DomainError(_("The %s is empty: write something first.") % what)
        return ""
    return clean_text(value, limit, what)


def hidden_set(state: WorkshopState, index: int) -> set[str]:
    obj = state.inquiry.get(index)
    return getattr(obj, "hidden", set()) if obj is not None else set()


# -- moderation: the facilitator hides any item of an AI stage (it stays in the log) ---------

@command("ai_hide", {FACILITATOR}, {"item_id": Field(str, max_length=MAX_ID),
                                    "hidden": Field(bool, required=False)})
def hide_item(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a framing, story, proposition, statement or commitment off the screen and phones
    (or show it again with ``hidden: false``); it stays in the log."""
    index = state.stage_index
    stage = state.stage
    if stage is None or stage.kind not in AI_KINDS:
        raise DomainError(_("This step is not part of an inquiry."))
    obj = state.inquiry.get(index)
    item = payload["item_id"]
    if obj is None or not obj.has(item):
        raise DomainError(_("There is no such item in this stage."))
    hide = payload.get("hidden", True)
    if hide == (item in obj.hidden):
        raise DomainError(_("That is already hidden.") if hide else _("That is not hidden."))
    return [Draft("ai_item_hidden", {"stage": index, "item": item, "hidden": hide})]


@reducer("ai_item_hidden")
def _hidden(state: WorkshopState, event: Event) -> None:
    obj = state.inquiry[event.data["stage"]]
    if event.data["hidden"]:
        obj.hidden.add(event.data["item"])
    else:
        obj.hidden.discard(event.data["item"])


@notifier("ai_item_hidden")
def _hidden_notice(state: WorkshopState, event: Event) -> list[Emit]:
    return refresh_all()


def refresh_all() -> list[Emit]:
    """A fresh snapshot for every audience (phase changes, moderation)."""
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]


def ai_emit(state: WorkshopState, index: int, audience: str, view_fn: Any,
            participant: str | None = None) -> Emit:
    """The ``inquiry`` update: this stage's part as ``audience`` (or one phone) sees it."""
    return Emit(participant or audience, "inquiry",
                {"seq": state.seq, "stage": index,
                 "inquiry": view_fn(state, index,
                                    PHONE if participant or audience == PHONES else audience,
                                    participant)})


def public_and_author(state: WorkshopState, index: int, view_fn: Any,
                      author: str | None) -> list[Emit]:
    """A public change: the screen, the console, every phone (the public part), then the
    author's phone its own view (its items marked as theirs)."""
    out = [ai_emit(state, index, SCREEN, view_fn), ai_emit(state, index, CONSOLE, view_fn),
           ai_emit(state, index, PHONES, view_fn)]
    if author and author in state.participants:
        out.append(ai_emit(state, index, PHONE, view_fn, author))
    return out
