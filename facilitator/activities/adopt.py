"""The ``adopt`` activity: people sign up to take the top items of a vote forward.

The end of an Open Space's convergence (METHODS.md): after the dot vote on the topics or
actions, volunteers adopt the priorities and write an action plan for each: actions, each with
its owner, a date and who else is involved (METHODS.md). The items are the top ones
of a closed ``vote`` stage (equal counts share a rank, so ties are all in). Names are shown
to the room only when the person agrees, and only in a named stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from facilitator.core.commands import (
    PARTICIPANT,
    Actor,
    Draft,
    Field,
    clean_text,
    command,
    require_running,
)
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, SCREEN, Emit, author_name, notifier, stage_is_anonymous
from facilitator.i18n import _

SCREEN_VIEW = "adopt"
MAX_STEP = 300
MAX_ACTION = 300
MAX_OWNER = 60
MAX_OTHERS = 120
MAX_ACTIONS = 30  # per priority
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

OPTIONS = {
    "source": Option(int, -1, -1, 49, "The vote stage whose top items are taken forward (index "
                                      "from 0; default: the nearest vote stage before)."),
    "top": Option(int, 3, 1, 20, "How many of the top-ranked items (ties included)."),
}


@dataclass
class Signup:
    step: str
    public: bool


@dataclass
class PlanAction:
    """One action of a priority's action plan: what, who owns it, by when, who else."""

    id: str
    item: str
    text: str
    owner: str
    due: str
    others: str
    author: str
    removed: bool = False


@dataclass
class Adoption:
    signups: dict[str, dict[str, Signup]] = field(default_factory=dict)  # item -> pid -> ...
    actions: dict[str, PlanAction] = field(default_factory=dict)
    next_action: int = 1


def adopt_source(state: WorkshopState, index: int) -> int:
    """The vote stage an adopt stage takes its items from."""
    chosen = stage_option(state.stages[index], "source")
    if chosen >= 0:
        return chosen
    for i in range(index - 1, -1, -1):
        if state.stages[i].kind == "vote":
            return i
    return index


def adoption(state: WorkshopState, index: int) -> Adoption:
    return state.openspaces.get(index) or Adoption()


def top_items(state: WorkshopState, index: int) -> list[dict[str, Any]]:
    """The top results of the source vote (once closed): rank within ``top``, ties included."""
    vote = state.votes.get(adopt_source(state, index))
    if vote is None or not vote.closed:
        return []
    top = stage_option(state.stages[index], "top")
    return [r for r in vote.results() if r["rank"] <= top and r["count"] > 0]


@command("adopt_item", {PARTICIPANT}, {"item": Field(str, max_length=20), "on": Field(bool),
                                       "step": Field(str, False, MAX_STEP),
                                       "show_name": Field(bool, required=False)})
def adopt_item(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Sign up to take an item forward (with a first step), or withdraw."""
    index, items = _priorities(state)
    if payload["item"] not in {i["id"] for i in items}:
        raise DomainError(_("That is not one of the priorities being taken forward."))
    pid = actor.participant or ""
    mine = adoption(state, index).signups.get(payload["item"], {}).get(pid)
    step = (clean_text(payload["step"], MAX_STEP, _("first step"))
            if (payload.get("step") or "").strip() else "")
    if not payload["on"] and mine is None:
        raise DomainError(_("You had not signed up for that one."))
    public = bool(payload.get("show_name", False))
    if payload["on"] and mine is not None and (mine.step, mine.public) == (step, public):
        raise DomainError(_("That is already noted."))
    return [Draft("item_adopted", {"stage": index, "item": payload["item"], "on": payload["on"],
                                   "step": step, "public": public})]


def _priorities(state: WorkshopState) -> tuple[int, list[dict[str, Any]]]:
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "adopt":
        raise DomainError(_("Signing up happens in the “take it forward” step."))
    index = state.stage_index
    items = top_items(state, index)
    if not items:
        raise DomainError(_("The vote has not closed yet: the priorities are not known."))
    return index, items


def _due(value: str) -> str:
    """A calendar date, YYYY-MM-DD (a phone's date picker sends that)."""
    value = value.strip()
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise DomainError(_("Give the date as a calendar date, like 2027-03-31.")) from None


@command("adopt_action_add", {PARTICIPANT, FACILITATOR},
         {"item": Field(str, max_length=20), "text": Field(str, max_length=MAX_ACTION),
          "owner": Field(str, max_length=MAX_OWNER), "due": Field(str, max_length=20),
          "with": Field(str, False, MAX_OTHERS)},
         ack=lambda events: {"action_id": events[0].data["action"]})
def add_action(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add an action to a priority's action plan: what, its owner, by when, and who else.
    Those who signed up for the priority (and the facilitator) write the plan together."""
    index, items = _priorities(state)
    item = payload["item"]
    if item not in {i["id"] for i in items}:
        raise DomainError(_("That is not one of the priorities being taken forward."))
    a = adoption(state, index)
    if actor.role == PARTICIPANT and actor.participant not in a.signups.get(item, {}):
        raise DomainError(_("Sign up to take this priority forward first, then add to its "
                            "action plan."))
    if sum(1 for x in a.actions.values() if x.item == item and not x.removed) >= MAX_ACTIONS:
        raise DomainError(_("This action plan has %d actions, which is the most.")
                          % MAX_ACTIONS)
    text = clean_text(payload["text"], MAX_ACTION, _("action"))
    owner = clean_text(payload["owner"], MAX_OWNER, _("owner")).replace("\n", " ")
    others = (clean_text(payload["with"], MAX_OTHERS, _("list of who else")).replace("\n", " ")
              if (payload.get("with") or "").strip() else "")
    return [Draft("adopt_action_added", {"stage": index, "item": item,
                                         "action": f"x{a.next_action}", "text": text,
                                         "owner": owner, "due": _due(payload["due"]),
                                         "with": others})]


@command("adopt_action_remove", {PARTICIPANT, FACILITATOR}, {"action": Field(str, max_length=20)})
def remove_action(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take an action off a plan: its author, or the facilitator (the log keeps it)."""
    index, _items = _priorities(state)
    found = adoption(state, index).actions.get(payload["action"])
    if found is None or found.removed:
        raise DomainError(_("That action is not in the plan (it may have been removed)."))
    if actor.role == PARTICIPANT and found.author != actor.participant:
        raise DomainError(_("Only whoever added an action, or the facilitator, can remove it."))
    return [Draft("adopt_action_removed", {"stage": index, "action": found.id})]


@reducer("adopt_action_added")
def _action_added(state: WorkshopState, event: Event) -> None:
    a = state.openspaces.setdefault(event.data["stage"], Adoption())
    d = event.data
    a.actions[d["action"]] = PlanAction(d["action"], d["item"], d["text"], d["owner"], d["due"],
                                        d["with"], event.actor)
    a.next_action += 1


@reducer("adopt_action_removed")
def _action_removed(state: WorkshopState, event: Event) -> None:
    state.openspaces[event.data["stage"]].actions[event.data["action"]].removed = True


def plan_of(a: Adoption, item: str, pid: str | None = None) -> list[dict[str, Any]]:
    """A priority's action plan, by date: text, owner, due, who else (and, for a phone, which
    are its own)."""
    rows = sorted((x for x in a.actions.values() if x.item == item and not x.removed),
                  key=lambda x: (x.due, int(x.id[1:])))
    return [{"id": x.id, "text": x.text, "owner": x.owner, "due": x.due, "with": x.others,
             **({"mine": x.author == pid} if pid is not None else {})} for x in rows]


@reducer("item_adopted")
def _adopted(state: WorkshopState, event: Event) -> None:
    a = state.openspaces.setdefault(event.data["stage"], Adoption())
    people = a.signups.setdefault(event.data["item"], {})
    if event.data["on"]:
        people[event.actor] = Signup(event.data["step"], event.data["public"])
    else:
        people.pop(event.actor, None)


def _name(state: WorkshopState, index: int, pid: str, s: Signup, audience: str) -> str:
    if audience == CONSOLE:
        return author_name(state, pid) or _("Participant %s") % pid.lstrip("p")
    if not s.public or stage_is_anonymous(state, index):
        return ""
    return author_name(state, pid)


def adopt_view(state: WorkshopState, index: int, audience: str, pid: str | None
               ) -> dict[str, Any]:
    a = adoption(state, index)
    items = []
    for r in top_items(state, index):
        people = a.signups.get(r["id"], {})
        row = {"id": r["id"], "label": r["label"], "rank": r["rank"], "tied": r["tied"],
               "count": r["count"], "volunteers": len(people),
               "names": [n for p, s in people.items() if (n := _name(state, index, p, s,
                                                                     audience))],
               "steps": [s.step for s in people.values() if s.step],
               "actions": plan_of(a, r["id"], pid)}
        if pid:
            mine = people.get(pid)
            row.update(mine=mine is not None, my_step=mine.step if mine else "",
                       my_public=bool(mine and mine.public))
        items.append(row)
    vote = state.votes.get(adopt_source(state, index))
    return {"stage": index, "ready": bool(vote and vote.closed), "items": items}


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"adopt": adopt_view(state, index, audience,
                                None if audience in (SCREEN, CONSOLE) else participant)}


@notifier("item_adopted")
def _adopt_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    out = [Emit(a, "adopt", {"seq": state.seq, "adopt": adopt_view(state, index, a, None)})
           for a in (SCREEN, CONSOLE)]
    return [*out, Emit(event.actor, "adopt", {"seq": state.seq, "adopt": adopt_view(
        state, index, "phone", event.actor)})]


@notifier("adopt_action_added", "adopt_action_removed")
def _plan_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """The projector, the console, and the phones of everyone taking that priority forward
    (they write its plan together)."""
    index = event.data["stage"]
    a = adoption(state, index)
    item = a.actions[event.data["action"]].item
    out = [Emit(x, "adopt", {"seq": state.seq, "adopt": adopt_view(state, index, x, None)})
           for x in (SCREEN, CONSOLE)]
    people = sorted(set(a.signups.get(item, {})) | ({event.actor} - {FACILITATOR}))
    return out + [Emit(p, "adopt", {"seq": state.seq, "adopt": adopt_view(state, index,
                                                                            "phone", p)})
                  for p in people]
