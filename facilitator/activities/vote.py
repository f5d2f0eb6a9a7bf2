"""The ``vote`` activity: dot voting on the notes or themes of an earlier stage.

The facilitator opens the vote (items are fixed then: no new options once voting starts),
choosing dots per person, whether several dots may go on one item, and whether results stay
hidden until the vote closes. Participants place and move dots; the budget is enforced here.
Closing freezes the vote for good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.cluster import board
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONE,
    PHONES,
    SCREEN,
    WRITING_KINDS,
    Emit,
    notifier,
    on_screen,
    shared,
)
from facilitator.i18n import _, ngettext

OPTIONS = {
    "source": Option(int, -1, -1, 49, "The stage whose notes or themes are voted on (index "
                                      "from 0; default: the stage before this one)."),
    "dots": Option(int, 0, 0, 20, "Dots per person (0: about a quarter of the items, at least "
                                  "3 and at most 5, never more than the items)."),
    "allow_multiple": Option(bool, False, help="Several dots may go on one item (as many as "
                                               "max_per_item allows)."),
    "max_per_item": Option(int, 0, 0, 20, "Most dots one person may put on one item (0: one, "
                                          "or no limit when allow_multiple is on)."),
    "hidden": Option(bool, True, help="Results stay hidden until the vote closes."),
}
SCREEN_VIEW = "results"
MAX_ITEMS = 200
# Other kinds whose items can be voted on: kind -> (state, stage index) -> [{"id", "label"}]
ITEM_SOURCES: dict[str, Callable[[WorkshopState, int], list[dict[str, str]]]] = {}


def default_dots(items: int) -> int:
    """Dots per person as practice has it: about a quarter of the items (rounded half up), at
    least 3 and at most 5, and never more than the items (2 themes give 2 dots)."""
    if items < 1:
        return 0
    return min(items, max(3, min(5, (items + 2) // 4)))


def per_item_cap(dots: int, allow_multiple: bool, max_per_item: int) -> int:
    """The most dots one person may put on one item: ``max_per_item`` when given (several
    dots then go on one item), else one, or all of one's dots with ``allow_multiple``."""
    if max_per_item > 0:
        return min(max_per_item, dots)
    return dots if allow_multiple else 1


@dataclass
class Vote:
    items: list[dict[str, str]]
    dots: int
    allow_multiple: bool
    hidden: bool
    closed: bool = False
    cap: int = 1  # most dots one person may put on one item
    placed: dict[str, Counter[str]] = field(default_factory=dict)  # participant -> item -> n
    # kept by ``add`` and ``take`` (the reducers), so that a dot's update does not count
    # every person's dots again: item -> dots on it, and how many people have a dot on
    totals: Counter[str] = field(default_factory=Counter)
    voters: int = 0

    def add(self, participant: str, item: str) -> None:
        mine = self.placed.setdefault(participant, Counter())
        if not mine:
            self.voters += 1
        mine[item] += 1
        self.totals[item] += 1

    def take(self, participant: str, item: str) -> None:
        mine = self.placed[participant]
        mine[item] -= 1
        if mine[item] <= 0:
            del mine[item]
        self.totals[item] -= 1
        if self.totals[item] <= 0:
            del self.totals[item]
        if not mine:
            self.voters -= 1

    def tally(self) -> Counter[str]:
        return Counter(self.totals)

    def used(self, participant: str) -> int:
        return sum(self.placed.get(participant, Counter()).values())

    def results(self) -> list[dict[str, Any]]:
        """Items ranked by dots; equal counts share a rank ("1, 2, 2, 4")."""
        tally = self.totals
        rows = [{"id": i["id"], "label": i["label"], "count": tally[i["id"]]} for i in self.items]
        rows.sort(key=lambda r: -r["count"])
        same = Counter(r["count"] for r in rows)
        rank = 0
        for k, row in enumerate(rows):  # sorted: a count's rank is where it first appears
            if k == 0 or row["count"] != rows[k - 1]["count"]:
                rank = k + 1
            row["rank"] = rank
            row["tied"] = same[row["count"]] > 1
        return rows


def _source_items(state: WorkshopState, index: int) -> list[dict[str, str]]:
    source = vote_source(state, index)
    kind = state.stages[source].kind
    if kind == "openspace":  # convergence: the topics or the actions of an Open Space
        from facilitator.activities.openspace import vote_items

        return vote_items(state, source)
    if kind in ITEM_SOURCES:
        return ITEM_SOURCES[kind](state, source)
    if kind == "cluster":
        b = board(state, source)
        return [{"id": t.id, "label": t.name} for t in b.themes.values()
                if any(not state.notes[n].deleted and on_screen(state, state.notes[n])
                       for n in t.notes)]
    return [{"id": n.id, "label": n.text} for n in state.notes.values()
            if n.stage == source and on_screen(state, n)]


def vote_source(state: WorkshopState, index: int) -> int:
    """The stage whose themes or notes a vote stage votes on."""
    chosen = stage_option(state.stages[index], "source")
    if chosen >= 0:
        return chosen
    for i in range(index - 1, -1, -1):
        if state.stages[i].kind in (*WRITING_KINDS, "cluster", "openspace", *ITEM_SOURCES):
            return i
    return index


def _stage(state: WorkshopState) -> int:
    stage = state.stage
    if state.status != "running" or stage is None or stage.kind != "vote":
        raise DomainError(_("Voting happens in a voting stage."))
    return state.stage_index


def _open_vote(state: WorkshopState) -> tuple[int, Vote]:
    index = _stage(state)
    vote = state.votes.get(index)
    if vote is None:
        raise DomainError(_("Voting has not opened yet. Please wait for the facilitator."))
    if vote.closed:
        raise DomainError(_("Voting has closed, so dots can no longer change."))
    return index, vote


def _item(vote: Vote, item_id: str) -> str:
    if not any(i["id"] == item_id for i in vote.items):
        raise DomainError(_("That is not one of the things being voted on."))
    return item_id


@command("open_vote", {FACILITATOR},
         {"dots": Field(int, required=False), "allow_multiple": Field(bool, required=False),
          "hidden": Field(bool, required=False), "max_per_item": Field(int, required=False)})
def open_vote(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Open the vote on the items of the source stage, as they are now."""
    index = _stage(state)
    if index in state.votes:
        raise DomainError(_("This vote has already been opened."))
    stage = state.stages[index]
    items = _source_items(state, index)[:MAX_ITEMS]
    if not items:
        raise DomainError(_("There is nothing to vote on yet: the source stage has no notes "
                            "or themes."))
    dots = payload.get("dots", stage_option(stage, "dots")) or default_dots(len(items))
    if not 1 <= dots <= 20:
        raise DomainError(_("Give each person between 1 and 20 dots."))
    allow_multiple = payload.get("allow_multiple", stage_option(stage, "allow_multiple"))
    most = payload.get("max_per_item", stage_option(stage, "max_per_item"))
    if not 0 <= most <= 20:
        raise DomainError(_("Allow between 1 and 20 dots on one item (0: the usual rule)."))
    cap = per_item_cap(dots, allow_multiple, most)
    dots = min(dots, cap * len(items))  # more dots than could ever be placed help nobody
    cap = min(cap, dots)
    return [Draft("vote_opened", {
        "stage": index, "items": items, "dots": dots, "allow_multiple": cap > 1, "cap": cap,
        "hidden": payload.get("hidden", stage_option(stage, "hidden"))})]


@command("place_dot", {PARTICIPANT}, {"item_id": Field(str, max_length=20)})
def place_dot(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Put one of one's dots on an item."""
    index, vote = _open_vote(state)
    item = _item(vote, payload["item_id"])
    pid = actor.participant or ""
    if vote.used(pid) >= vote.dots:
        raise DomainError(ngettext(
            "You have used your %d dot. Take it off an item to move it.",
            "You have used all %d of your dots. Take one off an item to move it.",
            vote.dots) % vote.dots)
    if vote.placed.get(pid, Counter())[item] >= vote.cap:
        raise DomainError(ngettext(
            "One dot per item in this vote: this one already has yours.",
            "At most %(n)d dots per item in this vote: this one already has %(n)d of yours.",
            vote.cap) % {"n": vote.cap})
    return [Draft("dot_placed", {"stage": index, "item": item})]


@command("remove_dot", {PARTICIPANT}, {"item_id": Field(str, max_length=20)})
def remove_dot(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take one of one's dots off an item."""
    index, vote = _open_vote(state)
    item = _item(vote, payload["item_id"])
    if not vote.placed.get(actor.participant or "", Counter())[item]:
        raise DomainError(_("You have no dot on that item."))
    return [Draft("dot_removed", {"stage": index, "item": item})]


@command("close_vote", {FACILITATOR})
def close_vote(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Close the vote: results are final and shown."""
    index, _vote = _open_vote(state)
    return [Draft("vote_closed", {"stage": index})]


@reducer("vote_opened")
def _opened(state: WorkshopState, e: Event) -> None:
    d = e.data
    cap = d.get("cap", d["dots"] if d["allow_multiple"] else 1)  # logs from before the cap
    state.votes[d["stage"]] = Vote(list(d["items"]), d["dots"], d["allow_multiple"], d["hidden"],
                                   cap=cap)


@reducer("dot_placed")
def _placed(state: WorkshopState, e: Event) -> None:
    state.votes[e.data["stage"]].add(e.actor, e.data["item"])


@reducer("dot_removed")
def _removed(state: WorkshopState, e: Event) -> None:
    state.votes[e.data["stage"]].take(e.actor, e.data["item"])


@reducer("vote_closed")
def _closed(state: WorkshopState, e: Event) -> None:
    state.votes[e.data["stage"]].closed = True


# -- views -----------------------------------------------------------------------------------

def vote_view(state: WorkshopState, index: int, audience: str,
              participant: str | None = None) -> dict[str, Any] | None:
    vote = state.votes.get(index)
    if vote is None:
        return None
    status = "closed" if vote.closed else "open"
    out: dict[str, Any] = {"stage": index, "status": status, "dots": vote.dots,
                           "allow_multiple": vote.allow_multiple, "hidden": vote.hidden,
                           "cap": vote.cap,
                           "voters": vote.voters, "placed": sum(vote.totals.values())}
    if audience == PHONE:
        mine = vote.placed.get(participant or "", Counter())
        out.update(items=vote.items, mine=dict(+mine), left=vote.dots - sum(mine.values()))
        if vote.closed or not vote.hidden:
            out["results"] = _results(state, index, vote)
    elif audience == CONSOLE or vote.closed or not vote.hidden:
        out["results"] = _results(state, index, vote)
    else:
        out["items"] = len(vote.items)
    return out


def _results(state: WorkshopState, index: int, vote: Vote) -> list[dict[str, Any]]:
    """``vote.results()``, built once per state and language when views are shared."""
    return shared(state, ("vote_results", index), vote.results)


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"vote": vote_view(state, index, PHONE if audience not in (SCREEN, CONSOLE)
                              else audience, participant)}


@notifier("dot_placed", "dot_removed")
def _dots_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    return [Emit(event.actor, "vote", {"seq": state.seq,
                                       "vote": vote_view(state, index, PHONE, event.actor)}),
            Emit(CONSOLE, "vote", {"seq": state.seq, "vote": vote_view(state, index, CONSOLE)}),
            Emit(SCREEN, "vote", {"seq": state.seq, "vote": vote_view(state, index, SCREEN)})]


@notifier("vote_opened", "vote_closed")
def _vote_changed(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]
