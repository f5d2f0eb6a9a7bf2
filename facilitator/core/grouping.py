"""1-2-4-All grouping: pairs, then fours made of pairs (docs/activities/onetwofour.md).

``form_pairs`` puts everyone in a pair; an odd count makes one trio, so nobody is alone (one
person on their own in the whole room is the only exception: they wait for the next arrival).
``form_fours`` joins the pairs two by two. With an odd number of pairs, a left-over trio stays
a group of three; a left-over pair of two is split so that its two people join two different
fours (two fives; with 6 people, two threes): never a group of one, never more than five.
``add_late`` gives a late arrival a group without moving anyone: groups only grow.

Groups are numbered from 1 in the order they are listed; a group keeps its number for the
whole step. Pure: no I/O, no clock; the only chance is the seeded ``Rng``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.core.rng import Rng

Groups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Grouping:
    """One 1-2-4-All round of groups: ``pairs`` and the ``fours`` built from them (empty
    before the fours are formed). Group ``i`` (from 0) is shown as number ``i + 1``."""

    pairs: Groups = ()
    fours: Groups = ()

    def pair_of(self, person: str) -> int | None:
        return _index_of(self.pairs, person)

    def four_of(self, person: str) -> int | None:
        return _index_of(self.fours, person)

    @property
    def people(self) -> list[str]:
        return [p for group in self.pairs for p in group]

    def to_dict(self) -> dict[str, list[list[str]]]:
        return {"pairs": [list(g) for g in self.pairs], "fours": [list(g) for g in self.fours]}

    @classmethod
    def from_dict(cls, data: dict) -> Grouping:
        return cls(tuple(tuple(g) for g in data.get("pairs", ())),
                   tuple(tuple(g) for g in data.get("fours", ())))


def _index_of(groups: Groups, person: str) -> int | None:
    for i, group in enumerate(groups):
        if person in group:
            return i
    return None


def form_pairs(people: Sequence[str], seed: int = 0) -> Groups:
    """Pairs in a shuffled order; an odd count gives one trio (the last group)."""
    order = list(dict.fromkeys(people))  # each person once, whatever the caller sent
    Rng(seed).shuffle(order)
    if len(order) <= 3:
        return (tuple(order),) if order else ()
    groups = [tuple(order[i:i + 2]) for i in range(0, len(order) - 1, 2)]
    if len(order) % 2:
        groups[-1] = groups[-1] + (order[-1],)
    return tuple(groups)


def form_fours(pairs: Groups) -> Groups:
    """Fours made of pairs taken two by two, in order (see the module's docstring for an odd
    number of pairs)."""
    pairs = tuple(p for p in pairs if p)
    if len(pairs) <= 1:
        return pairs
    fours = [pairs[i] + pairs[i + 1] for i in range(0, len(pairs) - 1, 2)]
    if len(pairs) % 2 == 0:
        return tuple(fours)
    last = pairs[-1]
    if len(last) != 2:  # a trio left over stays a group of three
        return (*fours, last)
    a, b = last
    if len(fours) == 1:  # 6 people: two groups of three, each a pair and one more
        return (pairs[0] + (a,), pairs[1] + (b,))
    # the left-over pair's two people join the two smallest fours (two fives)
    first, second = sorted(range(len(fours)), key=lambda i: (len(fours[i]), i))[:2]
    fours[first] += (a,)
    fours[second] += (b,)
    return tuple(fours)


def add_late(grouping: Grouping, person: str) -> Grouping:
    """A late arrival joins the smallest pair (lowest number on a tie) and, once fours are
    formed, the four of that pair; nobody else changes group. Someone already placed is left
    where they are."""
    if person in grouping.people:
        return grouping
    if not grouping.pairs:
        return Grouping(((person,),), ((person,),) if grouping.fours else ())
    if grouping.fours:
        f = min(range(len(grouping.fours)), key=lambda i: (len(grouping.fours[i]), i))
        inside = [i for i, pair in enumerate(grouping.pairs) if set(pair) <= set(grouping.fours[f])]
        candidates = inside or list(range(len(grouping.pairs)))
    else:
        candidates = list(range(len(grouping.pairs)))
    p = min(candidates, key=lambda i: (len(grouping.pairs[i]), i))
    pairs = tuple(g + (person,) if i == p else g for i, g in enumerate(grouping.pairs))
    if not grouping.fours:
        return Grouping(pairs)
    four = grouping.four_of(grouping.pairs[p][0])
    fours = tuple(g + (person,) if i == four else g for i, g in enumerate(grouping.fours))
    return Grouping(pairs, fours)
