"""``ai_design``: design statements for the chosen propositions (Design).

The chosen propositions are the top of the dot vote on the Dream before (``choose`` of
them, ties included), or every proposition when there was no vote. For each, groups write
design statements: the structures, relationships and practices that would make it true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.inquiry.ai_dream import dream
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

SCREEN_VIEW = "ai_design"
ASPECTS = ("structures", "relationships", "practices")

OPTIONS = {
    "choose": Option(int, 3, 0, 20, "How many of the top-voted propositions to design for "
                                    "(0: all of them)."),
    "max_length": Option(int, 500, 40, 2000, "Longest design statement, in characters."),
}


def aspects() -> list[dict[str, str]]:
    return [{"key": "structures", "label": _("Structures"),
             "hint": _("What would be set up, organised or resourced?")},
            {"key": "relationships", "label": _("Relationships"),
             "hint": _("Who would work with whom, and how?")},
            {"key": "practices", "label": _("Practices"),
             "hint": _("What would people do, day to day?")}]


def chosen(state: WorkshopState, index: int, choose: int | None = None
           ) -> list[dict[str, Any]]:
    """The propositions chosen for the stages after a Dream: the top ``choose`` of the last
    dot vote on it (ties included; ``0``: all), else every proposition, in rank order."""
    from facilitator.activities.vote import vote_source

    source = earlier(state, index, "ai_dream")
    if source is None:
        return []
    props = {p.id: p for p in dream(state, source).visible()}
    if choose is None:
        choose = stage_option(state.stages[index], "choose") \
            if "choose" in _options(state, index) else 0
    for i in range(index - 1, source, -1):
        vote = state.votes.get(i)
        if state.stages[i].kind == "vote" and vote and vote_source(state, i) == source:
            rows = [r for r in vote.results() if r["id"] in props]
            if choose:
                rows = [r for r in rows if r["rank"] <= choose]
            return [{"id": r["id"], "text": props[r["id"]].text, "dots": r["count"],
                     "rank": r["rank"]} for r in rows]
    return [{"id": p.id, "text": p.text, "dots": None, "rank": None} for p in props.values()]


def _options(state: WorkshopState, index: int) -> dict[str, Any]:
    from facilitator.activities import KINDS

    return KINDS[state.stages[index].kind].OPTIONS


@dataclass
class Statement:
    id: str
    proposition: str
    aspect: str
    text: str
    author: str


@dataclass
class Design:
    statements: dict[str, Statement] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def has(self, item: str) -> bool:
        return item in self.statements


def design(state: WorkshopState, index: int) -> Design:
    return get(state, index, Design)


@command("ai_design", {PARTICIPANT}, {"proposition_id": Field(str, max_length=MAX_ID),
                                      "aspect": Field(str, max_length=20),
                                      "text": Field(str, max_length=2000)},
         ack=lambda events: {"statement_id": f"g{events[0].seq}"})
def write_statement(state: WorkshopState, actor: Actor, payload: dict, now: float
                    ) -> list[Draft]:
    """Write a design statement for a chosen proposition: a structure, relationship or
    practice that would make it true."""
    index = writable(state, "ai_design")
    if payload["proposition_id"] not in {p["id"] for p in chosen(state, index)}:
        raise DomainError(_("That proposition was not chosen for design."))
    if payload["aspect"] not in ASPECTS:
        raise DomainError(_("Choose structures, relationships or practices."))
    value = text(payload["text"], stage_option(state.stages[index], "max_length"),
                 _("design statement"))
    return [Draft("ai_designed", {"stage": index, "proposition": payload["proposition_id"],
                                  "aspect": payload["aspect"], "text": value})]


@reducer("ai_designed")
def _designed(state: WorkshopState, event: Event) -> None:
    sid = f"g{event.seq}"
    for_event(state, event, Design).statements[sid] = Statement(
        sid, event.data["proposition"], event.data["aspect"], event.data["text"], event.actor)


def inquiry_view(state: WorkshopState, index: int, audience: str,
                 participant: str | None = None) -> dict[str, Any]:
    de = design(state, index)
    rows = []
    for p in chosen(state, index):
        statements = []
        for s in de.statements.values():
            if s.proposition != p["id"] or (s.id in de.hidden and audience != CONSOLE):
                continue
            row = {"id": s.id, "aspect": s.aspect, "text": s.text}
            if audience == SCREEN:
                row["name"] = public_name(state, index, s.author)
            if audience == CONSOLE:
                row.update(author=label(state, s.author), hidden=s.id in de.hidden)
            statements.append(row)
        rows.append({**p, "statements": statements})
    out: dict[str, Any] = {"kind": "ai_design", "aspects": aspects(), "propositions": rows}
    if audience == PHONE and participant:
        out["me"] = {"mine": [s.id for s in de.statements.values() if s.author == participant]}
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


@notifier("ai_designed")
def _changed(state: WorkshopState, event: Event) -> list:
    return public_and_author(state, event.data["stage"], inquiry_view, event.actor)
