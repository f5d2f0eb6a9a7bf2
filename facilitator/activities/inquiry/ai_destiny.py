"""``ai_destiny``: commitments and action teams (Destiny, or Delivery).

Everyone can make personal or group commitments: "I will…", by when, with whom (optionally
for one of the chosen propositions, and optionally private: kept off the projector). Action
teams form around the chosen propositions: people join from their phones; a member records
the team's first step and its date and so becomes its owner. The projector shows the wall of
commitments and the teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.inquiry.ai_design import chosen
from facilitator.activities.inquiry.common import (
    MAX_ID,
    MAX_SHORT,
    for_event,
    get,
    label,
    public_and_author,
    public_name,
    short,
    text,
    writable,
)
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, SCREEN, notifier
from facilitator.i18n import _

SCREEN_VIEW = "ai_destiny"
MAX_WHEN = 40

OPTIONS = {
    "choose": Option(int, 3, 0, 20, "Action teams form around this many top-voted "
                                    "propositions (0: all of them)."),
    "max_length": Option(int, 300, 40, 1000, "Longest commitment, in characters."),
    "max_per_person": Option(int, 5, 1, 20, "Most commitments one person can make."),
}


@dataclass
class Commitment:
    id: str
    author: str
    text: str
    by_when: str
    with_whom: str
    group: bool
    proposition: str | None
    private: bool


@dataclass
class Team:
    members: list[str] = field(default_factory=list)
    owner: str | None = None
    first_step: str = ""
    by_when: str = ""


@dataclass
class Destiny:
    commitments: dict[str, Commitment] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # proposition id -> team
    hidden: set[str] = field(default_factory=set)

    def has(self, item: str) -> bool:
        return item in self.commitments


def destiny(state: WorkshopState, index: int) -> Destiny:
    return get(state, index, Destiny)


def _proposition(state: WorkshopState, index: int, pid: str | None) -> str | None:
    if not pid:
        return None
    if pid not in {p["id"] for p in chosen(state, index)}:
        raise DomainError(_("That proposition was not chosen for action."))
    return pid


@command("ai_commit", {PARTICIPANT},
         {"text": Field(str, max_length=1000), "by_when": Field(str, max_length=MAX_WHEN),
          "with_whom": Field(str, required=False, max_length=MAX_SHORT),
          "group": Field(bool, required=False), "private": Field(bool, required=False),
          "proposition_id": Field(str, required=False, max_length=MAX_ID)},
         ack=lambda events: {"commitment_id": f"c{events[0].seq}"})
def commit(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Make a commitment: "I will…" (or "We will…" for a group), by when, with whom."""
    index = writable(state, "ai_destiny")
    stage = state.stages[index]
    value = text(payload["text"], stage_option(stage, "max_length"), _("commitment"))
    by_when = short(payload["by_when"], MAX_WHEN, _("date"), required=True)
    with_whom = short(payload.get("with_whom"), MAX_SHORT, _("list of people"))
    pid = actor.participant or ""
    mine = sum(1 for c in destiny(state, index).commitments.values() if c.author == pid)
    if mine >= stage_option(stage, "max_per_person"):
        raise DomainError(_("You have made the most commitments allowed here."))
    return [Draft("ai_committed", {
        "stage": index, "text": value, "by_when": by_when, "with_whom": with_whom,
        "group": bool(payload.get("group")), "private": bool(payload.get("private")),
        "proposition": _proposition(state, index, payload.get("proposition_id"))})]


@command("ai_join_team", {PARTICIPANT}, {"proposition_id": Field(str, max_length=MAX_ID),
                                         "join": Field(bool)})
def join_team(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Join (or leave) the action team of a chosen proposition."""
    index = writable(state, "ai_destiny")
    prop = _proposition(state, index, payload["proposition_id"])
    team = destiny(state, index).teams.get(prop or "", Team())
    inside = actor.participant in team.members
    if payload["join"] == inside:
        raise DomainError(_("You are already in this team.") if inside
                          else _("You are not in this team."))
    return [Draft("ai_team_joined", {"stage": index, "proposition": prop,
                                     "join": payload["join"]})]


@command("ai_team_step", {PARTICIPANT}, {"proposition_id": Field(str, max_length=MAX_ID),
                                         "first_step": Field(str, max_length=1000),
                                         "by_when": Field(str, max_length=MAX_WHEN)})
def team_step(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A team member records the team's first step and its date, and owns it."""
    index = writable(state, "ai_destiny")
    prop = _proposition(state, index, payload["proposition_id"])
    team = destiny(state, index).teams.get(prop or "", Team())
    if actor.participant not in team.members:
        raise DomainError(_("Join the team first."))
    step = text(payload["first_step"], stage_option(state.stages[index], "max_length"),
                _("first step"))
    when = short(payload["by_when"], MAX_WHEN, _("date"), required=True)
    return [Draft("ai_team_step_set", {"stage": index, "proposition": prop,
                                       "first_step": step, "by_when": when})]


def _destiny(state: WorkshopState, event: Event) -> Destiny:
    return for_event(state, event, Destiny)


@reducer("ai_committed")
def _committed(state: WorkshopState, event: Event) -> None:
    cid = f"c{event.seq}"
    d = event.data
    _destiny(state, event).commitments[cid] = Commitment(
        cid, event.actor, d["text"], d["by_when"], d.get("with_whom", ""), d.get("group", False),
        d.get("proposition"), d.get("private", False))


@reducer("ai_team_joined")
def _joined(state: WorkshopState, event: Event) -> None:
    team = _destiny(state, event).teams.setdefault(event.data["proposition"], Team())
    if event.data["join"]:
        team.members.append(event.actor)
    else:
        team.members = [m for m in team.members if m != event.actor]
        if team.owner == event.actor:
            team.owner = None


@reducer("ai_team_step_set")
def _step(state: WorkshopState, event: Event) -> None:
    team = _destiny(state, event).teams.setdefault(event.data["proposition"], Team())
    team.owner = event.actor
    team.first_step, team.by_when = event.data["first_step"], event.data["by_when"]


def commitment_text(c: Commitment) -> str:
    """The commitment as said: "I will …" (the phone's form starts it for the writer)."""
    lead = _("We will") if c.group else _("I will")
    body = c.text
    if body.casefold().startswith(("i will", "we will")):
        return body
    return f"{lead} {body}"


def inquiry_view(state: WorkshopState, index: int, audience: str,
                 participant: str | None = None) -> dict[str, Any]:
    de = destiny(state, index)
    props = chosen(state, index)
    rows = []
    for c in de.commitments.values():
        if audience != CONSOLE and (c.id in de.hidden or (c.private and audience == SCREEN)):
            continue
        if audience == PHONE and c.private and c.author != participant:
            continue
        row = {"id": c.id, "text": commitment_text(c), "by_when": c.by_when,
               "with_whom": c.with_whom, "group": c.group, "proposition": c.proposition}
        if audience == SCREEN:
            row["name"] = public_name(state, index, c.author)
        if audience == CONSOLE:
            row.update(author=label(state, c.author), private=c.private,
                       hidden=c.id in de.hidden)
        rows.append(row)
    teams = []
    for p in props:
        team = de.teams.get(p["id"], Team())
        row = {"proposition": p["id"], "text": p["text"], "members": len(team.members),
               "first_step": team.first_step, "by_when": team.by_when,
               "has_owner": team.owner is not None}
        if audience == SCREEN:
            row["names"] = [n for m in team.members if (n := public_name(state, index, m))]
            row["owner"] = public_name(state, index, team.owner)
        if audience == CONSOLE:
            row["names"] = [label(state, m) for m in team.members]
            row["owner"] = label(state, team.owner)
        teams.append(row)
    out: dict[str, Any] = {"kind": "ai_destiny", "commitments": rows, "teams": teams}
    if audience == PHONE and participant:
        out["me"] = {"mine": [c.id for c in de.commitments.values() if c.author == participant],
                     "teams": [p for p, t in de.teams.items() if participant in t.members],
                     "owns": [p for p, t in de.teams.items() if t.owner == participant]}
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


@notifier("ai_committed", "ai_team_joined", "ai_team_step_set")
def _changed(state: WorkshopState, event: Event) -> list:
    if event.type == "ai_committed" and event.data.get("private"):
        # a private commitment: only its author and the facilitator hear of it
        from facilitator.activities.inquiry.common import ai_emit

        index = event.data["stage"]
        return [ai_emit(state, index, CONSOLE, inquiry_view),
                ai_emit(state, index, PHONE, inquiry_view, event.actor)]
    return public_and_author(state, event.data["stage"], inquiry_view, event.actor)
