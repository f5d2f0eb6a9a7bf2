"""``ai_dream``: provocative propositions, what might be, rated against the criteria (Dream).

Groups draft propositions in the present tense, as if already true, each linked to at least
one consented story of the Discover before it. The phone shows the four criteria
(affirmative, challenging, grounded in the stories, desired) as a checklist the authors tick;
others rate each proposition against them. Future or conditional wording and deficit wording
are advised on, never refused. The projector shows the gallery. A ``vote`` stage after this
one (``source`` this stage, or by default) holds the dot vote on the propositions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.inquiry.ai_define import advice as deficit
from facilitator.activities.inquiry.ai_discover import discover
from facilitator.activities.inquiry.common import (
    MAX_ID,
    earlier,
    for_event,
    get,
    label,
    public_and_author,
    public_name,
    text,
    writable,
)
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, SCREEN, notifier
from facilitator.i18n import _

SCREEN_VIEW = "ai_dream"
CRITERIA = ("affirmative", "challenging", "grounded", "desired")
MAX_LINKS = 10

OPTIONS = {
    "max_length": Option(int, 400, 40, 1000, "Longest proposition, in characters."),
    "max_per_person": Option(int, 5, 1, 20, "Most propositions one person can write."),
}

# "will", "would", "could" and their kin say what is not yet: a proposition says it is.
_FUTURE = re.compile(r"(?<![\w-])(will|would|could|should|shall|might|may|hope to|want to|"
                     r"wants to|going to|we'll|it'll|they'll|wish)(?![\w-])", re.IGNORECASE)


def criteria() -> list[dict[str, str]]:
    return [
        {"key": "affirmative", "label": _("Affirmative"),
         "hint": _("It says what we want, in positive terms.")},
        {"key": "challenging", "label": _("Challenging"),
         "hint": _("It stretches us beyond where we are now.")},
        {"key": "grounded", "label": _("Grounded"),
         "hint": _("Real stories show it has happened here, at least once.")},
        {"key": "desired", "label": _("Desired"),
         "hint": _("People here truly want it.")},
    ]


def advice(value: str) -> list[dict[str, Any]]:
    """Present-tense and deficit-wording advice on a proposition (never a refusal)."""
    out = []
    future = [m.group(0) for m in _FUTURE.finditer(value.replace("\u2019", "'"))]
    if future:
        out.append({"kind": "tense", "words": future,
                    "message": _("Says what might happen one day."),
                    "hint": _("Write it in the present tense, as if it is already true: "
                              "“Every street has a place where neighbours meet.”")})
    return out + deficit(value)


@dataclass
class Proposition:
    id: str
    text: str
    author: str
    stories: list[str]
    checks: list[str]
    ratings: dict[str, list[str]] = field(default_factory=dict)  # rater -> criteria met


@dataclass
class Dream:
    propositions: dict[str, Proposition] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def has(self, item: str) -> bool:
        return item in self.propositions

    def visible(self) -> list[Proposition]:
        return [p for p in self.propositions.values() if p.id not in self.hidden]


def dream(state: WorkshopState, index: int) -> Dream:
    return get(state, index, Dream)


def stories_for(state: WorkshopState, index: int) -> dict[str, dict[str, Any]]:
    """The consented stories a proposition of this stage can link to, by id."""
    source = earlier(state, index, "ai_discover")
    if source is None:
        return {}
    d = discover(state, source)
    out = {}
    for s in d.shared():
        words = s.fields.get("quote") or s.fields.get("highlights") or s.fields.get("life", "")
        out[s.id] = {"id": s.id, "label": words[:140],
                     "themes": [d.themes[k] for k in s.tags]}
    return out


def _checks(values: list[str]) -> list[str]:
    bad = [v for v in values if v not in CRITERIA]
    if bad:
        raise DomainError(_("The criteria are: %s.") % ", ".join(CRITERIA))
    return [c for c in CRITERIA if c in values]


@command("ai_propose", {PARTICIPANT},
         {"text": Field(str, max_length=1000), "stories": Field(list, max_length=MAX_LINKS),
          "checks": Field(list, required=False, max_length=len(CRITERIA)),
          "proposition_id": Field(str, required=False, max_length=MAX_ID)},
         ack=lambda events: {"proposition_id": events[0].data["proposition"],
                             "advice": advice(events[0].data["text"])})
def propose(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Write (or rewrite one's own) provocative proposition, linked to at least one story,
    with the criteria its authors believe it meets."""
    index = writable(state, "ai_dream")
    stage = state.stages[index]
    dr = dream(state, index)
    value = text(payload["text"], stage_option(stage, "max_length"), _("proposition"))
    available = stories_for(state, index)
    links = list(dict.fromkeys(payload["stories"]))
    if any(s not in available for s in links):
        raise DomainError(_("Link the proposition to stories that were shared in Discover."))
    if available and not links:
        raise DomainError(_("Link the proposition to at least one story: propositions are "
                            "grounded in what has really happened here."))
    pid = actor.participant or ""
    existing = payload.get("proposition_id")
    if existing:
        p = dr.propositions.get(existing)
        if p is None or p.author != pid:
            raise DomainError(_("You can only change your own propositions."))
    elif sum(1 for p in dr.propositions.values() if p.author == pid) >= stage_option(
            stage, "max_per_person"):
        raise DomainError(_("You have written the most propositions allowed."))
    pid_ = existing or f"d{state.seq + 1}"
    return [Draft("ai_proposed", {"stage": index, "proposition": pid_, "text": value,
                                  "stories": links,
                                  "checks": _checks(payload.get("checks") or [])})]


@command("ai_rate", {PARTICIPANT}, {"proposition_id": Field(str, max_length=MAX_ID),
                                    "criteria": Field(list, max_length=len(CRITERIA))})
def rate(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Rate someone else's proposition: which criteria it meets (an empty list: none)."""
    index = writable(state, "ai_dream")
    dr = dream(state, index)
    p = dr.propositions.get(payload["proposition_id"])
    if p is None or p.id in dr.hidden:
        raise DomainError(_("That proposition is not in the gallery."))
    if p.author == actor.participant:
        raise DomainError(_("Others rate your proposition: tick the checklist when you "
                            "write it."))
    return [Draft("ai_rated", {"stage": index, "proposition": p.id,
                               "criteria": _checks(payload["criteria"])})]


def _dream(state: WorkshopState, event: Event) -> Dream:
    return for_event(state, event, Dream)


@reducer("ai_proposed")
def _proposed(state: WorkshopState, event: Event) -> None:
    dr = _dream(state, event)
    pid = event.data["proposition"]
    found = dr.propositions.get(pid)
    if found:
        found.text, found.stories = event.data["text"], list(event.data["stories"])
        found.checks = list(event.data["checks"])
    else:
        dr.propositions[pid] = Proposition(pid, event.data["text"], event.actor,
                                           list(event.data["stories"]),
                                           list(event.data["checks"]))


@reducer("ai_rated")
def _rated(state: WorkshopState, event: Event) -> None:
    p = _dream(state, event).propositions[event.data["proposition"]]
    p.ratings[event.actor] = list(event.data["criteria"])


def rating_counts(p: Proposition) -> dict[str, int]:
    return {c: sum(1 for r in p.ratings.values() if c in r) for c in CRITERIA}


def proposition_row(p: Proposition) -> dict[str, Any]:
    return {"id": p.id, "text": p.text, "stories": list(p.stories), "checks": list(p.checks),
            "ratings": rating_counts(p), "raters": len(p.ratings)}


def inquiry_view(state: WorkshopState, index: int, audience: str,
                 participant: str | None = None) -> dict[str, Any]:
    dr = dream(state, index)
    shown = dr.visible() if audience != CONSOLE else list(dr.propositions.values())
    out: dict[str, Any] = {"kind": "ai_dream", "criteria": criteria(),
                           "propositions": [proposition_row(p) for p in shown]}
    if audience != SCREEN:
        out["stories"] = list(stories_for(state, index).values())
    if audience == SCREEN:
        for row, p in zip(out["propositions"], shown, strict=True):
            row["name"] = public_name(state, index, p.author)
    if audience == CONSOLE:
        for row, p in zip(out["propositions"], shown, strict=True):
            row.update(author=label(state, p.author), hidden=p.id in dr.hidden,
                       advice=advice(p.text))
    if audience == PHONE and participant:
        out["me"] = {"mine": [p.id for p in shown if p.author == participant],
                     "rated": {p.id: p.ratings[participant] for p in shown
                               if participant in p.ratings},
                     "advice": {p.id: advice(p.text) for p in shown
                                if p.author == participant}}
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


@notifier("ai_proposed", "ai_rated")
def _changed(state: WorkshopState, event: Event) -> list:
    return public_and_author(state, event.data["stage"], inquiry_view, event.actor)


def vote_items(state: WorkshopState, index: int) -> list[dict[str, str]]:
    """The propositions a dot vote on this Dream stage votes on (``vote``'s item source)."""
    return [{"id": p.id, "label": p.text} for p in dream(state, index).visible()]
