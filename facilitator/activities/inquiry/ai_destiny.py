"""``ai_destiny``: commitments and action teams (Destiny, or Delivery).

Everyone can make personal or group commitments: "I will…", by when, with whom (optionally
for one of the chosen propositions, and optionally private: kept off the projector). Action
teams form around the chosen propositions: people join from their phones; a member records
the team's first step and its date and so becomes its owner. The projector shows the wall of
commitments and the teams.

Offers and requests: anyone says what they can offer ("I can run a stall on Saturdays") and
what they are looking for ("someone to show me the accounts"). They are matched to each other
as the asset map matches offers and wishes (``facilitator.core.assets.suggest_connections``,
each match with the words that matched). The two sides of a match see each other's offer or
request, without names; each says whether they want to be put in touch, and only once both
agreed does each see the other's name and the contact they left.
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
from facilitator.core.assets import Connection, Item, suggest_connections
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, SCREEN, Emit, notifier
from facilitator.i18n import _

SCREEN_VIEW = "ai_destiny"
MAX_WHEN = 40

OPTIONS = {
    "choose": Option(int, 3, 0, 20, "Action teams form around this many top-voted "
                                    "propositions (0: all of them)."),
    "max_length": Option(int, 300, 40, 1000, "Longest commitment, in characters."),
    "max_per_person": Option(int, 5, 1, 20, "Most commitments one person can make."),
    "offers": Option(bool, True, help="People post offers and requests, matched to each "
                                      "other; names and contacts are shown only when both "
                                      "sides agree."),
}
SIDES = ("offer", "request")
MAX_OFFER = 200
MAX_CONTACT = 200
MAX_OFFERS_EACH = 10  # offers and requests together, per person
MATCHES_EACH = 5  # best offers suggested for each request


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
class Offer:
    """An offer ("I can...") or a request ("I am looking for...") in Destiny."""

    id: str
    author: str
    side: str  # offer | request
    text: str


@dataclass
class Destiny:
    commitments: dict[str, Commitment] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # proposition id -> team
    hidden: set[str] = field(default_factory=set)
    offers: dict[str, Offer] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)  # pid -> how to reach them
    agreed: dict[str, set[str]] = field(default_factory=dict)  # match id -> pids who agreed

    def has(self, item: str) -> bool:
        return item in self.commitments or item in self.offers


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


@command("ai_offer", {PARTICIPANT}, {"side": Field(str, max_length=10),
                                     "text": Field(str, max_length=1000)},
         ack=lambda events: {"offer_id": events[0].data["id"]})
def post_offer(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """An offer ("I can...") or a request ("I am looking for..."), matched with the others."""
    index = writable(state, "ai_destiny")
    if not stage_option(state.stages[index], "offers"):
        raise DomainError(_("This Destiny has no offers and requests."))
    side = payload["side"]
    if side not in SIDES:
        raise DomainError(_("Say whether it is an offer or a request."))
    value = text(payload["text"], MAX_OFFER, _("offer") if side == "offer" else _("request"))
    de = destiny(state, index)
    if sum(1 for o in de.offers.values() if o.author == actor.participant) >= MAX_OFFERS_EACH:
        raise DomainError(_("You have made the most offers and requests allowed here."))
    return [Draft("ai_offered", {"stage": index, "id": f"o{len(de.offers) + 1}", "side": side,
                                 "text": value})]


@command("ai_offer_contact", {PARTICIPANT}, {"contact": Field(str, max_length=MAX_CONTACT)})
def set_contact(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """How to reach you: shown only to the other side of a match you both agreed to."""
    index = writable(state, "ai_destiny")
    value = " ".join(payload["contact"].split())
    if value:
        value = text(value, MAX_CONTACT, _("contact detail"))
    if destiny(state, index).contacts.get(actor.participant or "", "") == value:
        raise DomainError(_("That is already saved."))
    return [Draft("ai_offer_contact_set", {"stage": index, "contact": value})]


@command("ai_offer_follow", {PARTICIPANT}, {"match": Field(str, max_length=2 * MAX_ID + 1),
                                            "follow": Field(bool)})
def follow_match(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Agree (or no longer agree) to be put in touch with the other side of a match."""
    index = writable(state, "ai_destiny")
    found = matches(state, index).get(payload["match"])
    pid = actor.participant or ""
    if found is None or pid not in (found.offer_owner, found.wish_owner):
        raise DomainError(_("That match is not open to you."))
    if payload["follow"] == (pid in destiny(state, index).agreed.get(payload["match"], set())):
        raise DomainError(_("That is already noted."))
    return [Draft("ai_offer_followed", {"stage": index, "match": payload["match"],
                                        "follow": payload["follow"]})]


def matches(state: WorkshopState, index: int) -> dict[str, Connection]:
    """Offers that might meet requests, best first, by id ``<offer>~<request>`` (hidden ones
    and a person's own are never matched)."""
    de = destiny(state, index)
    live = [o for o in de.offers.values() if o.id not in de.hidden]
    offers = [Item(o.id, o.author, o.text) for o in live if o.side == "offer"]
    wants = [Item(o.id, o.author, o.text) for o in live if o.side == "request"]
    if not offers or not wants:
        return {}
    return {f"{c.offer_id}~{c.wish_id}": c
            for c in suggest_connections(offers, wants, per_wish=MATCHES_EACH)}


def both_agreed(de: Destiny, match_id: str, c: Connection) -> bool:
    return {c.offer_owner, c.wish_owner} <= de.agreed.get(match_id, set())


def _destiny(state: WorkshopState, event: Event) -> Destiny:
    return for_event(state, event, Destiny)


@reducer("ai_committed")
def _committed(state: WorkshopState, event: Event) -> None:
    cid = f"c{event.seq}"
    d = event.data
    _destiny(state, event).commitments[cid] = Commitment(
        cid, event.actor, d["text"], d["by_when"], d.get("with_whom", ""), d.get("group", False),
        d.get("proposition"), d.get("private", False))


@reducer("ai_offered")
def _offered(state: WorkshopState, event: Event) -> None:
    d = event.data
    _destiny(state, event).offers[d["id"]] = Offer(d["id"], event.actor, d["side"], d["text"])


@reducer("ai_offer_contact_set")
def _contact_set(state: WorkshopState, event: Event) -> None:
    de = _destiny(state, event)
    if event.data["contact"]:
        de.contacts[event.actor] = event.data["contact"]
    else:
        de.contacts.pop(event.actor, None)


@reducer("ai_offer_followed")
def _offer_followed(state: WorkshopState, event: Event) -> None:
    people = _destiny(state, event).agreed.setdefault(event.data["match"], set())
    if event.data["follow"]:
        people.add(event.actor)
    else:
        people.discard(event.actor)


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
    out: dict[str, Any] = {"kind": "ai_destiny", "commitments": rows, "teams": teams,
                           "offers_on": bool(stage_option(state.stages[index], "offers"))}
    shown = [o for o in de.offers.values() if audience == CONSOLE or o.id not in de.hidden]
    out["offers"] = [{"id": o.id, "side": o.side, "text": o.text,
                      **({"author": label(state, o.author), "hidden": o.id in de.hidden}
                         if audience == CONSOLE else {})} for o in shown]
    found = matches(state, index)
    if audience == CONSOLE:
        out["matches"] = [{"id": mid, "offer": de.offers[c.offer_id].text,
                           "request": de.offers[c.wish_id].text, "why": c.explain(),
                           "agreed": len(de.agreed.get(mid, set())
                                         & {c.offer_owner, c.wish_owner}),
                           "both": both_agreed(de, mid, c)} for mid, c in found.items()]
    elif audience == SCREEN:
        out["matched"] = sum(1 for mid, c in found.items() if both_agreed(de, mid, c))
    if audience == PHONE and participant:
        out["me"] = {"mine": [c.id for c in de.commitments.values() if c.author == participant],
                     "teams": [p for p, t in de.teams.items() if participant in t.members],
                     "owns": [p for p, t in de.teams.items() if t.owner == participant],
                     "offers": [o.id for o in de.offers.values() if o.author == participant],
                     "contact": de.contacts.get(participant, ""),
                     "matches": _my_matches(state, de, found, participant)}
    return out


def _my_matches(state: WorkshopState, de: Destiny, found: dict[str, Connection],
                pid: str) -> list[dict[str, Any]]:
    """The matches one phone is a side of: the other side's text, and their name and contact
    only once both agreed (consent before contact)."""
    out = []
    for mid, c in found.items():
        if pid not in (c.offer_owner, c.wish_owner):
            continue
        mine_is_offer = c.offer_owner == pid
        other = c.wish_owner if mine_is_offer else c.offer_owner
        row: dict[str, Any] = {
            "id": mid, "side": "offer" if mine_is_offer else "request",
            "mine": de.offers[c.offer_id if mine_is_offer else c.wish_id].text,
            "theirs": de.offers[c.wish_id if mine_is_offer else c.offer_id].text,
            "why": c.explain(), "i_agree": pid in de.agreed.get(mid, set()),
            "both": both_agreed(de, mid, c)}
        if row["both"]:
            row["their_name"] = label(state, other)
            row["their_contact"] = de.contacts.get(other, "")
        out.append(row)
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


@notifier("ai_offered")
def _offer_notice(state: WorkshopState, event: Event) -> list[Emit]:
    """A new offer or request: the projector and the console see it (no name on the
    projector); its author's phone, and the phones of the people it is matched with, get
    their own view. Nobody else's matches change, except that a request keeps only its best
    few offers."""
    from facilitator.activities.inquiry.common import ai_emit

    index = event.data["stage"]
    new = event.data["id"]
    people = {event.actor}
    for c in matches(state, index).values():
        if new in (c.offer_id, c.wish_id):
            people |= {c.offer_owner, c.wish_owner}
    return [ai_emit(state, index, SCREEN, inquiry_view), ai_emit(state, index, CONSOLE,
                                                                 inquiry_view),
            *[ai_emit(state, index, PHONE, inquiry_view, p) for p in sorted(people)
              if p in state.participants]]


@notifier("ai_offer_followed", "ai_offer_contact_set")
def _follow_notice(state: WorkshopState, event: Event) -> list[Emit]:
    """Consent changes: the console, the screen's count, and the phones of the people in the
    matches concerned (a contact shows on the other side's phone once both agreed)."""
    from facilitator.activities.inquiry.common import ai_emit

    index = event.data["stage"]
    found = matches(state, index)
    if event.type == "ai_offer_followed":
        c = found.get(event.data["match"])
        people = {c.offer_owner, c.wish_owner} if c else {event.actor}
    else:
        people = {event.actor}
        for c in found.values():
            if event.actor in (c.offer_owner, c.wish_owner):
                people |= {c.offer_owner, c.wish_owner}
    return [ai_emit(state, index, CONSOLE, inquiry_view), ai_emit(state, index, SCREEN,
                                                                  inquiry_view),
            *[ai_emit(state, index, PHONE, inquiry_view, p) for p in sorted(people)
              if p in state.participants]]


@notifier("ai_committed", "ai_team_joined", "ai_team_step_set")
def _changed(state: WorkshopState, event: Event) -> list:
    if event.type == "ai_committed" and event.data.get("private"):
        # a private commitment: only its author and the facilitator hear of it
        from facilitator.activities.inquiry.common import ai_emit

        index = event.data["stage"]
        return [ai_emit(state, index, CONSOLE, inquiry_view),
                ai_emit(state, index, PHONE, inquiry_view, event.actor)]
    return public_and_author(state, event.data["stage"], inquiry_view, event.actor)
