"""``ai_define``: the affirmative topic and the interview guide (the Define of a 5-D inquiry).

The facilitator states the topic (the ``topic`` option, or ``ai_topic`` live), or
participants turn a problem into an affirmative focus: they propose framings and support the
ones they like best (a small budget each); the facilitator adopts one. Deficit wording is
flagged as advice (``facilitator.core.affirmative``), never refused. The interview guide is
built here: pre-loaded with the standard questions, editable on the console.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.inquiry.common import (
    MAX_ID,
    for_event,
    get,
    label,
    public_and_author,
    public_name,
    text,
    writable,
)
from facilitator.core.affirmative import STANDARD_GUIDE, deficit_advice
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, command, require_running
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, SCREEN, notifier
from facilitator.i18n import _, ngettext

SCREEN_VIEW = "ai_define"
MAX_TOPIC = 300
MAX_QUESTION = 500
MAX_FRAMINGS = 5  # per person

OPTIONS = {
    "topic": Option(str, "", help="The affirmative topic, if the facilitator states it (else "
                                  "participants propose framings)."),
    "questions": Option(list, [], maximum=len(STANDARD_GUIDE),
                        help="The interview guide, one question a line: a high point, what "
                             "you value, what gives life, three wishes (empty: the standard "
                             "questions)."),
    "framings": Option(bool, True, help="Participants may propose affirmative framings and "
                                        "support the ones they like."),
    "votes": Option(int, 2, 1, 5, "How many framings each person may support."),
    "max_length": Option(int, 200, 20, MAX_TOPIC, "Longest framing, in characters."),
}


def warnings(stage: Stage) -> list[str]:
    """Advice on the plan's topic and questions: deficit wording (never a refusal)."""
    out = [f"{a.message} {a.hint}" for a in deficit_advice(stage_option(stage, "topic"))]
    for q in stage_option(stage, "questions"):
        out += [_("Question “%(q)s”: %(m)s") % {"q": q[:60], "m": a.message}
                for a in deficit_advice(q)]
    return out


def advice(value: str) -> list[dict[str, Any]]:
    """Deficit-wording advice as plain data (for phones, the console and acks)."""
    return [{"kind": a.kind, "words": list(a.words), "message": a.message, "hint": a.hint}
            for a in deficit_advice(value)]


@dataclass
class Framing:
    id: str
    text: str
    author: str
    supporters: list[str] = field(default_factory=list)


@dataclass
class Define:
    """A Define stage: the adopted topic, proposed framings, the guide's edited questions."""

    topic: str | None = None  # None: the plan's topic option
    topic_from: str | None = None  # the framing adopted, if any
    framings: dict[str, Framing] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)  # guide key -> edited question
    hidden: set[str] = field(default_factory=set)

    def has(self, item: str) -> bool:
        return item in self.framings


def topic_of(state: WorkshopState, index: int) -> str:
    d = get(state, index, Define)
    return d.topic if d.topic is not None else stage_option(state.stages[index], "topic")


def guide(state: WorkshopState, index: int | None) -> list[dict[str, Any]]:
    """The interview guide as a Define stage left it (``None``: the standard one)."""
    lines: list[str] = []
    edited: dict[str, str] = {}
    if index is not None:
        stage = state.stages[index]
        if stage.kind == "ai_define":
            edited = get(state, index, Define).questions
        lines = stage_option(stage, "questions")
    out = []
    for i, q in enumerate(STANDARD_GUIDE):
        question = edited.get(q.key) or (lines[i] if i < len(lines) else q.question)
        out.append({"key": q.key, "title": q.title, "question": question,
                    "prompts": list(q.prompts)})
    return out


def _support_budget(stage: Stage) -> int:
    return stage_option(stage, "votes")


# -- commands --------------------------------------------------------------------------------

@command("ai_frame", {PARTICIPANT}, {"text": Field(str, max_length=MAX_TOPIC)},
         ack=lambda events: {"framing_id": f"f{events[0].seq}",
                             "advice": advice(events[0].data["text"])})
def propose_framing(state: WorkshopState, actor: Actor, payload: dict, now: float
                    ) -> list[Draft]:
    """Propose an affirmative framing of the topic (deficit wording is advised on, in the
    ack and on the phone, never refused)."""
    index = writable(state, "ai_define")
    stage = state.stages[index]
    if not stage_option(stage, "framings"):
        raise DomainError(_("The facilitator has stated the topic for this inquiry."))
    value = text(payload["text"], stage_option(stage, "max_length"), _("framing"))
    d = get(state, index, Define)
    mine = sum(1 for f in d.framings.values() if f.author == actor.participant)
    if mine >= MAX_FRAMINGS:
        raise DomainError(_("You have proposed %d framings, which is the most allowed.")
                          % MAX_FRAMINGS)
    return [Draft("ai_framing_proposed", {"stage": index, "text": value})]


@command("ai_support", {PARTICIPANT}, {"framing_id": Field(str, max_length=MAX_ID),
                                       "support": Field(bool)})
def support_framing(state: WorkshopState, actor: Actor, payload: dict, now: float
                    ) -> list[Draft]:
    """Support (or stop supporting) a framing; each person has a few supports."""
    index = writable(state, "ai_define")
    d = get(state, index, Define)
    f = d.framings.get(payload["framing_id"])
    if f is None or f.id in d.hidden:
        raise DomainError(_("That framing is not on the list."))
    pid = actor.participant or ""
    if payload["support"]:
        if pid in f.supporters:
            raise DomainError(_("You already support this framing."))
        used = sum(1 for g in d.framings.values() if pid in g.supporters and g.id not in d.hidden)
        budget = _support_budget(state.stages[index])
        if used >= budget:
            raise DomainError(ngettext(
                "You can support %d framing. Take your support off it to choose another.",
                "You can support %d framings. Take your support off one to choose another.",
                budget) % budget)
    elif pid not in f.supporters:
        raise DomainError(_("You do not support this framing."))
    return [Draft("ai_framing_supported", {"stage": index, "framing": f.id,
                                           "support": payload["support"]})]


@command("ai_topic", {FACILITATOR}, {"text": Field(str, required=False, max_length=MAX_TOPIC),
                                     "framing_id": Field(str, required=False,
                                                         max_length=MAX_ID)})
def set_topic(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """State the affirmative topic, or adopt a proposed framing as the topic."""
    index = _define_stage(state)
    d = get(state, index, Define)
    framing = payload.get("framing_id")
    if framing:
        if framing not in d.framings:
            raise DomainError(_("That framing is not on the list."))
        value = d.framings[framing].text
    else:
        value = text(payload.get("text") or "", MAX_TOPIC, _("topic"))
    return [Draft("ai_topic_set", {"stage": index, "text": value, "framing": framing})]


@command("ai_guide", {FACILITATOR}, {"key": Field(str, max_length=40),
                                     "question": Field(str, max_length=MAX_QUESTION)})
def edit_guide(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Edit one question of the interview guide (keys stay: a high point, values, what gives
    life, wishes)."""
    index = _define_stage(state)
    if payload["key"] not in {q.key for q in STANDARD_GUIDE}:
        raise DomainError(_("The guide has no question '%s'.") % payload["key"][:40])
    value = text(payload["question"], MAX_QUESTION, _("question"))
    return [Draft("ai_guide_edited", {"stage": index, "key": payload["key"],
                                      "question": value})]


def _define_stage(state: WorkshopState) -> int:
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "ai_define":
        raise DomainError(_("The topic and the guide are set in the Define stage."))
    return state.stage_index


# -- reducers --------------------------------------------------------------------------------

def _define(state: WorkshopState, event: Event) -> Define:
    return for_event(state, event, Define)


@reducer("ai_framing_proposed")
def _proposed(state: WorkshopState, event: Event) -> None:
    fid = f"f{event.seq}"
    _define(state, event).framings[fid] = Framing(fid, event.data["text"], event.actor)


@reducer("ai_framing_supported")
def _supported(state: WorkshopState, event: Event) -> None:
    f = _define(state, event).framings[event.data["framing"]]
    if event.data["support"]:
        f.supporters.append(event.actor)
    else:
        f.supporters = [p for p in f.supporters if p != event.actor]


@reducer("ai_topic_set")
def _topic(state: WorkshopState, event: Event) -> None:
    d = _define(state, event)
    d.topic, d.topic_from = event.data["text"], event.data.get("framing")


@reducer("ai_guide_edited")
def _guide(state: WorkshopState, event: Event) -> None:
    _define(state, event).questions[event.data["key"]] = event.data["question"]


# -- views -----------------------------------------------------------------------------------

def inquiry_view(state: WorkshopState, index: int, audience: str,
                 participant: str | None = None) -> dict[str, Any]:
    stage = state.stages[index]
    d = get(state, index, Define)
    topic = topic_of(state, index)
    shown = [f for f in d.framings.values() if f.id not in d.hidden or audience == CONSOLE]
    shown.sort(key=lambda f: (-len(f.supporters), f.id))
    out: dict[str, Any] = {
        "kind": "ai_define", "topic": topic, "framings_open": stage_option(stage, "framings"),
        "votes": _support_budget(stage), "guide": guide(state, index),
        "framings": [{"id": f.id, "text": f.text, "support": len(f.supporters),
                      "adopted": f.id == d.topic_from} for f in shown],
    }
    if audience == SCREEN:
        for row, f in zip(out["framings"], shown, strict=True):
            row["name"] = public_name(state, index, f.author)
    if audience == CONSOLE:
        out["topic_advice"] = advice(topic)
        for row, f in zip(out["framings"], shown, strict=True):
            row.update(author=label(state, f.author), advice=advice(f.text),
                       hidden=f.id in d.hidden)
        for q in out["guide"]:
            q["advice"] = advice(q["question"])
    if audience == PHONE and participant:
        mine = [f.id for f in d.framings.values() if f.author == participant]
        supported = [f.id for f in shown if participant in f.supporters]
        out["me"] = {"mine": mine, "supported": supported,
                     "left": _support_budget(stage) - len(supported),
                     "advice": {f.id: advice(f.text) for f in d.framings.values()
                                if f.author == participant}}
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


@notifier("ai_framing_proposed", "ai_framing_supported", "ai_topic_set", "ai_guide_edited")
def _changed(state: WorkshopState, event: Event) -> list:
    author = event.actor if event.actor in state.participants else None
    return public_and_author(state, event.data["stage"], inquiry_view, author)
