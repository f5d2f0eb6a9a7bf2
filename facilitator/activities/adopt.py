"""The ``adopt`` activity: people sign up to take the top items of a vote forward.

The end of an Open Space's convergence (METHODS.md): after the dot vote on the topics or
actions, volunteers adopt the priorities and say their first step. The items are the top ones
of a closed ``vote`` stage (equal counts share a rank, so ties are all in). Names are shown
to the room only when the person agrees, and only in a named stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from facilitator.core.state import Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, SCREEN, Emit, author_name, notifier, stage_is_anonymous
from facilitator.i18n import _

SCREEN_VIEW = "adopt"
MAX_STEP = 300

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
class Adoption:
    signups: dict[str, dict[str, Signup]] = field(default_factory=dict)  # item -> pid -> ...


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
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "adopt":
        raise DomainError(_("Signing up happens in the “take it forward” step."))
    index = state.stage_index
    items = top_items(state, index)
    if not items:
        raise DomainError(_("The vote has not closed yet: the priorities are not known."))
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
               "steps": [s.step for s in people.values() if s.step]}
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
