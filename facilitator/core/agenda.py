"""Open Space agenda: topics posted on a grid of spaces by time slots (docs/agenda.md).

In the marketplace of an Open Space (METHODS.md) each convener posts their topic in a free cell
of the grid: a breakout space at a time slot. This module holds that grid and the rules the
board follows: a taken cell is refused with the free cells named, a convener in two places at
once is flagged but not refused, and a convener is told how many of their interested people
also marked a session in the same slot. ``suggest_agenda`` is the opt-in "suggest a schedule"
(a departure from Owen, where conveners choose): it fills free cells with the topics not yet
on the grid and never moves one that is.

A topic runs once: it occupies at most one cell. A second session on the same theme is a new
topic ("... part 2"), posted and convened like any other.

Pure: no I/O, no clock. The only chance is a small seeded generator (``seed``), so the same
arguments always give the same agenda, whatever the interpreter's hash seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from facilitator.core.errors import DomainError
from facilitator.core.rng import Rng as _Rng
from facilitator.i18n import _

_UNLIMITED = 1 << 62  # a capacity of None ("some place else") sorts above every real room
# Steps of simulated annealing per topic to place, and at most this many in all: a budget in
# steps rather than time keeps the result deterministic.
_STEPS_PER_TOPIC = 500
_MAX_STEPS = 50_000
# Annealing temperatures, in shared people: at the start a move adding 2 clashes is taken
# about one time in three; at the end almost only improvements are.
_HOT, _COLD = 2.0, 0.05
# Candidate moves the final descent may look at before it stops improving clashes.
_DESCENT_BUDGET = 400_000


# -- the grid ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Space:
    """A breakout space. ``capacity`` is how many people it holds; ``None`` means unlimited,
    as for the "some place else" cells (the garden, the café, a corridor)."""

    id: str
    name: str
    capacity: int | None = None

    def fits(self, people: int) -> bool:
        """Whether ``people`` fit in this space."""
        return self.capacity is None or people <= self.capacity


@dataclass(frozen=True)
class Slot:
    """A time slot, from ``start`` to ``end`` in minutes since the event began. Slots may
    differ in length; they do not overlap."""

    id: str
    label: str
    start: int
    end: int

    @property
    def minutes(self) -> int:
        """How long the slot lasts."""
        return self.end - self.start


@dataclass(frozen=True)
class Topic:
    """A topic posted in the marketplace by its ``convener`` (a participant id).

    ``interested`` holds the participants who marked a non-binding "likely to attend".
    """

    id: str
    convener: str
    title: str
    interested: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "interested", frozenset(self.interested))

    @property
    def people(self) -> frozenset[str]:
        """Who is expected: the interested people and the convener."""
        return self.interested | {self.convener}

    @property
    def headcount(self) -> int:
        """How many people are expected (the convener counts once, marked or not)."""
        return len(self.people)


Cell = tuple[str, str]
"""A cell of the grid: (space id, slot id)."""


@dataclass(frozen=True)
class Agenda:
    """The grid of ``spaces`` by ``slots``, the ``topics`` posted, and where they are placed.

    ``placements`` holds (space id, slot id, topic id) triples; a mapping from (space id,
    slot id) to topic id is accepted too. They are kept sorted in grid order (slot, then
    space), so two agendas with the same cells are equal. Every agenda is valid: ids are
    unique, slots are in time order without overlap, each cell holds at most one topic and
    each topic sits in at most one cell. Topics keep the order in which they were posted.
    """

    spaces: tuple[Space, ...]
    slots: tuple[Slot, ...]
    topics: tuple[Topic, ...] = ()
    placements: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "spaces", tuple(self.spaces))
        object.__setattr__(self, "slots", tuple(self.slots))
        object.__setattr__(self, "topics", tuple(self.topics))
        raw = self.placements
        triples = ([(sp, sl, t) for (sp, sl), t in raw.items()] if isinstance(raw, Mapping)
                   else [tuple(x) for x in raw])
        _check_grid(self.spaces, self.slots, self.topics)
        space_at = {s.id: i for i, s in enumerate(self.spaces)}
        slot_at = {s.id: i for i, s in enumerate(self.slots)}
        topics = {t.id: t for t in self.topics}
        cells: dict[Cell, str] = {}
        where: dict[str, Cell] = {}
        for triple in triples:
            if len(triple) != 3:
                raise DomainError(_("A placement names a space, a slot and a topic."))
            space_id, slot_id, topic_id = triple
            _check_cell(self, space_id, slot_id)
            if topic_id not in topics:
                raise DomainError(_("That topic does not exist: post it before placing it."))
            if (space_id, slot_id) in cells:
                raise DomainError(_("%(space)s at %(slot)s holds one topic at a time.")
                                  % self._cell_words((space_id, slot_id)))
            if topic_id in where:
                raise DomainError(_("“%(title)s” runs once: it can be in one cell only.")
                                  % {"title": topics[topic_id].title})
            cells[(space_id, slot_id)] = topic_id
            where[topic_id] = (space_id, slot_id)
        ordered = sorted(cells.items(), key=lambda kv: (slot_at[kv[0][1]], space_at[kv[0][0]]))
        object.__setattr__(self, "placements",
                           tuple((sp, sl, t) for (sp, sl), t in ordered))

    # -- look-ups (cached: the agenda never changes) ------------------------------------------

    @cached_property
    def cells(self) -> dict[Cell, str]:
        """The taken cells: (space id, slot id) -> topic id, in grid order. Do not mutate."""
        return {(sp, sl): t for sp, sl, t in self.placements}

    @cached_property
    def _where(self) -> dict[str, Cell]:
        return {t: (sp, sl) for sp, sl, t in self.placements}

    @cached_property
    def _topics(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    @cached_property
    def _spaces(self) -> dict[str, Space]:
        return {s.id: s for s in self.spaces}

    @cached_property
    def _slots(self) -> dict[str, Slot]:
        return {s.id: s for s in self.slots}

    def topic(self, topic_id: str) -> Topic:
        """The topic with that id; ``DomainError`` if there is none."""
        try:
            return self._topics[topic_id]
        except KeyError:
            raise DomainError(_("That topic does not exist: post it before placing it.")) \
                from None

    def space(self, space_id: str) -> Space:
        """The space with that id; ``DomainError`` if there is none."""
        try:
            return self._spaces[space_id]
        except KeyError:
            raise DomainError(_("That space does not exist; the spaces are %(names)s.")
                              % {"names": ", ".join(s.name for s in self.spaces)}) from None

    def slot(self, slot_id: str) -> Slot:
        """The slot with that id; ``DomainError`` if there is none."""
        try:
            return self._slots[slot_id]
        except KeyError:
            raise DomainError(_("That slot does not exist; the slots are %(labels)s.")
                              % {"labels": ", ".join(s.label for s in self.slots)}) from None

    def cell_of(self, topic_id: str) -> Cell | None:
        """The (space id, slot id) cell of a topic, or ``None`` while it is not on the grid."""
        return self._where.get(topic_id)

    def topic_at(self, space_id: str, slot_id: str) -> str | None:
        """The id of the topic in a cell, or ``None`` if the cell is free."""
        return self.cells.get((space_id, slot_id))

    def free_cells(self, slot_id: str | None = None) -> list[Cell]:
        """The free cells, in grid order: of one slot, or of the whole grid."""
        slots = [self.slot(slot_id)] if slot_id is not None else self.slots
        return [(sp.id, sl.id) for sl in slots for sp in self.spaces
                if (sp.id, sl.id) not in self.cells]

    def in_slot(self, slot_id: str) -> list[str]:
        """The ids of the topics placed in a slot, in space order."""
        return [t for (_sp, sl), t in self.cells.items() if sl == slot_id]

    def unplaced(self) -> list[str]:
        """The ids of the topics not on the grid, in the order they were posted."""
        return [t.id for t in self.topics if t.id not in self._where]

    def _cell_words(self, cell: Cell) -> dict[str, str]:
        return {"space": self._spaces[cell[0]].name, "slot": self._slots[cell[1]].label}


def _check_grid(spaces: tuple[Space, ...], slots: tuple[Slot, ...],
                topics: tuple[Topic, ...]) -> None:
    for kind, items in ((_("space"), spaces), (_("slot"), slots), (_("topic"), topics)):
        ids = [x.id for x in items]
        if len(set(ids)) != len(ids):
            raise DomainError(_("Each %(kind)s needs its own id; one is used twice.")
                              % {"kind": kind})
    for space in spaces:
        if not space.name.strip():
            raise DomainError(_("Every space needs a name people can find."))
        if space.capacity is not None and space.capacity < 1:
            raise DomainError(_("%(space)s must hold at least 1 person; leave the capacity "
                                "empty for unlimited.") % {"space": space.name})
    for slot in slots:
        if slot.start < 0 or slot.end <= slot.start:
            raise DomainError(_("Slot %(slot)s must end after it starts.")
                              % {"slot": slot.label})
    for before, after in zip(slots, slots[1:], strict=False):
        if after.start < before.end:
            raise DomainError(_("Slot %(after)s starts before %(before)s ends: list the slots "
                                "in time order, without overlap.")
                              % {"after": after.label, "before": before.label})
    for topic in topics:
        if not topic.title.strip():
            raise DomainError(_("A topic needs a title."))


def _check_cell(agenda: Agenda, space_id: str, slot_id: str) -> None:
    agenda.slot(slot_id)
    agenda.space(space_id)


# -- changes on the board ---------------------------------------------------------------------

def add_topic(agenda: Agenda, topic: Topic) -> Agenda:
    """Post a new topic (not yet on the grid). Refused if its id is taken."""
    if topic.id in agenda._topics:
        raise DomainError(_("A topic with that id is already posted."))
    return replace(agenda, topics=agenda.topics + (topic,))


def mark_interest(agenda: Agenda, topic_id: str, person: str, interested: bool = True) -> Agenda:
    """``person`` marks (or unmarks) a non-binding "likely to attend" for a topic."""
    topic = agenda.topic(topic_id)
    people = topic.interested | {person} if interested else topic.interested - {person}
    if people == topic.interested:
        return agenda
    new = replace(topic, interested=people)
    return replace(agenda, topics=tuple(new if t.id == topic_id else t for t in agenda.topics))


def place(agenda: Agenda, topic_id: str, space_id: str, slot_id: str) -> Agenda:
    """Put a topic in the free cell (space, slot); a topic already on the grid moves there and
    frees its old cell. Placing a topic where it already is changes nothing.

    A convener in two places at once is allowed here and flagged by ``conflicts``.

    :raises DomainError: for an unknown slot, space or topic, or a cell that another topic
        holds (the message names the free cells of that slot, or of the grid if that slot is
        full).
    """
    slot = agenda.slot(slot_id)
    space = agenda.space(space_id)
    topic = agenda.topic(topic_id)
    holder = agenda.topic_at(space_id, slot_id)
    if holder == topic_id:
        return agenda
    if holder is not None:
        taken = (_("%(space)s at %(slot)s is taken by “%(title)s”.")
                 % {"space": space.name, "slot": slot.label,
                    "title": agenda.topic(holder).title})
        raise DomainError(taken + " " + _free_words(agenda, slot))
    others = [(sp, sl, t) for sp, sl, t in agenda.placements if t != topic.id]
    return replace(agenda, placements=tuple(others) + ((space_id, slot_id, topic_id),))


def _free_words(agenda: Agenda, slot: Slot) -> str:
    """Where a convener can go instead: the free cells of ``slot``, else of the grid."""
    here = agenda.free_cells(slot.id)
    if here:
        return (_("Free at %(slot)s: %(spaces)s.")
                % {"slot": slot.label,
                   "spaces": ", ".join(agenda.space(sp).name for sp, _sl in here)})
    anywhere = agenda.free_cells()
    if not anywhere:
        return _("Every cell is taken: ask the facilitator for another space or slot.")
    by_slot = []
    for other in agenda.slots:
        names = [agenda.space(sp).name for sp, sl in anywhere if sl == other.id]
        if names:
            by_slot.append(_("at %(slot)s: %(spaces)s")
                           % {"slot": other.label, "spaces": ", ".join(names)})
    return (_("Nothing is free at %(slot)s. Free %(cells)s.")
            % {"slot": slot.label, "cells": "; ".join(by_slot)})


def unplace(agenda: Agenda, topic_id: str) -> Agenda:
    """Take a topic off the grid (it stays posted), freeing its cell."""
    topic = agenda.topic(topic_id)
    if agenda.cell_of(topic_id) is None:
        raise DomainError(_("“%(title)s” is not on the grid.") % {"title": topic.title})
    return replace(agenda, placements=tuple(p for p in agenda.placements if p[2] != topic_id))


# -- what the board shows ---------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    """A problem on the grid that is shown, never silently resolved.

    ``kind`` is ``"two_places"`` (``person`` convenes every topic in ``topic_ids``, all in
    ``slot_id``) or ``"too_small"`` (more people marked the one topic in ``topic_ids`` than
    its space holds). ``message`` is the sentence to show.
    """

    kind: str
    slot_id: str
    topic_ids: tuple[str, ...]
    person: str | None
    message: str


def conflicts(agenda: Agenda, names: Mapping[str, str] | None = None) -> list[Conflict]:
    """The flagged problems of the grid, slot by slot: conveners in two places at once, then
    topics whose space is smaller than their headcount (``Topic.headcount``). ``names`` maps
    participant ids to the names the sentences use (the id when a name is missing)."""
    names = names or {}
    out = []
    for slot in agenda.slots:
        by_convener: dict[str, list[str]] = {}
        placed = [(sp, t) for (sp, sl), t in agenda.cells.items() if sl == slot.id]
        for _sp, t in placed:
            by_convener.setdefault(agenda.topic(t).convener, []).append(t)
        for person, ids in by_convener.items():
            if len(ids) > 1:
                where = [_("“%(title)s” in %(space)s")
                         % {"title": agenda.topic(t).title,
                            "space": agenda.space(sp).name} for sp, t in placed
                         if t in ids]
                out.append(Conflict(
                    "two_places", slot.id, tuple(ids), person,
                    _("%(person)s convenes %(sessions)s at %(slot)s, in two places at once: "
                      "move one of them, or find a co-convener to host it.")
                    % {"person": names.get(person, person),
                       "sessions": _(" and ").join(where),
                       "slot": slot.label}))
        for sp, t in placed:
            topic, space = agenda.topic(t), agenda.space(sp)
            if not space.fits(topic.headcount):
                out.append(Conflict(
                    "too_small", slot.id, (t,), None,
                    _("“%(title)s” expects %(n)d people but %(space)s holds %(cap)d: "
                      "look for a larger free space.")
                    % {"title": topic.title, "n": topic.headcount, "space": space.name,
                       "cap": space.capacity}))
    return out


def _shared(a: Topic, b: Topic) -> int:
    return len(a.people & b.people)


def interest_clashes(agenda: Agenda, topic_id: str) -> dict[str, int]:
    """For a convener: of the people expected at this topic (``Topic.people``), how many also
    marked each other session placed in the same slot. Only sessions sharing someone are
    listed, in space order; an unplaced topic has none."""
    topic = agenda.topic(topic_id)
    cell = agenda.cell_of(topic_id)
    if cell is None:
        return {}
    out = {}
    for other in agenda.in_slot(cell[1]):
        if other != topic_id:
            shared = _shared(topic, agenda.topic(other))
            if shared:
                out[other] = shared
    return out


def slot_clashes(agenda: Agenda, topic_id: str) -> dict[str, int]:
    """For a convener choosing where to post: per slot, how many of the people expected at
    this topic marked a session placed in that slot (the topic itself left out)."""
    topic = agenda.topic(topic_id)
    out = {}
    for slot in agenda.slots:
        seen: set[str] = set()
        for other in agenda.in_slot(slot.id):
            if other != topic_id:
                seen |= topic.people & agenda.topic(other).people
        out[slot.id] = len(seen)
    return out


def clash_count(agenda: Agenda) -> int:
    """Shared-interest pairs: the sum over slots, over pairs of topics placed in the same slot,
    of the number of people expected at both. The scheduler's objective."""
    total = 0
    for slot in agenda.slots:
        ids = agenda.in_slot(slot.id)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                total += _shared(agenda.topic(a), agenda.topic(b))
    return total


# -- the opt-in scheduler ---------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """What ``suggest_agenda`` proposes, and how well it went.

    ``agenda`` is the proposed grid. ``placed`` lists the topics it placed, in posting order.
    ``unplaced`` pairs each topic it could not place with the reason. ``too_small`` pairs each
    placed topic whose space holds fewer than its headcount with a sentence saying so.
    ``clashes`` is ``clash_count(agenda)``, for the whole proposed grid.
    """

    agenda: Agenda
    placed: tuple[str, ...]
    unplaced: tuple[tuple[str, str], ...]
    too_small: tuple[tuple[str, str], ...]
    clashes: int

    def messages(self) -> list[str]:
        """The sentences for the facilitator: unplaced topics first, then tight spaces."""
        return [m for _t, m in self.unplaced] + [m for _t, m in self.too_small]


def suggest_agenda(agenda: Agenda, seed: int = 0,
                   names: Mapping[str, str] | None = None) -> Suggestion:
    """Propose cells for the topics not yet on the grid, leaving every placed topic where it is.

    In order of importance (docs/agenda.md): no cell holds two topics and no convener is given
    two sessions in one slot (never broken); as many topics as possible are placed, earlier
    posts first when not all fit; as few as possible go to a space smaller than their
    headcount; and the sum over slots of shared-interest pairs (``clash_count``) is as small as
    the search finds. Within a slot, more popular topics get larger spaces. ``seed`` picks the
    search's moves; ``names`` maps participant ids to the names the report's sentences use.
    """
    board = _Board(agenda)
    board.fill()
    rng = _Rng(seed)
    if board.new:
        board.anneal(rng, min(_MAX_STEPS, _STEPS_PER_TOPIC * len(board.placed())))
        board.descend(_DESCENT_BUDGET)
        board.repair_capacity()
    return board.suggestion(names or {})




def _misfits(heads: list[int], caps: list[int]) -> int:
    """How many topics of ``heads`` (descending) cannot get a space of ``caps`` (descending)
    holding them, at best. Any space that holds the largest topic holds every smaller one, so
    giving each topic in turn the largest remaining space, when it fits, is optimal."""
    j = miss = 0
    for h in heads:
        if j < len(caps) and caps[j] >= h:
            j += 1
        else:
            miss += 1
    return miss


class _Board:
    """Mutable working state of the scheduler over the unplaced topics 0..n-1.

    Each new topic gets a slot (``slot_of``, -1 while unplaced); its space within the slot is
    chosen at the end (``_assign``). Hard rules hold in every state: a slot holds at most as
    many new topics as it has free cells, and no convener has two sessions in a slot.
    ``near[i][s]`` is how many shared people topic i has with the topics in slot s (placed
    ones included, i itself left out), so a move's change in clashes costs O(1).
    """

    def __init__(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self.new = [agenda.topic(t) for t in agenda.unplaced()]
        slots = agenda.slots
        self.nslots = len(slots)
        slot_index = {s.id: i for i, s in enumerate(slots)}
        n = len(self.new)
        self.free_spaces: list[list[Space]] = [
            [agenda.space(sp) for sp, _sl in agenda.free_cells(s.id)] for s in slots]
        self.room = [len(f) for f in self.free_spaces]
        self.caps = [sorted((_UNLIMITED if sp.capacity is None else sp.capacity
                             for sp in f), reverse=True) for f in self.free_spaces]
        self.busy: list[set[str]] = [set() for _s in slots]
        fixed: list[list[Topic]] = [[] for _s in slots]
        for (_sp, sl), t in agenda.cells.items():
            topic = agenda.topic(t)
            self.busy[slot_index[sl]].add(topic.convener)
            fixed[slot_index[sl]].append(topic)
        self.conv = [t.convener for t in self.new]
        self.head = [t.headcount for t in self.new]
        people = [t.people for t in self.new]
        self.w = [[0] * n for _i in range(n)]
        total = 0
        for i in range(n):
            for j in range(i + 1, n):
                shared = len(people[i] & people[j])
                self.w[i][j] = self.w[j][i] = shared
                total += shared
        self.near = [[sum(len(people[i] & f.people) for f in fixed[s])
                      for s in range(self.nslots)] for i in range(n)]
        total += sum(map(sum, self.near))
        # One misfit outweighs every possible clash, so capacity always comes first.
        self.big = total + 1
        self.slot_of = [-1] * n
        self.members: list[list[int]] = [[] for _s in slots]
        self.heads: list[list[int]] = [[] for _s in slots]  # descending
        self.by_convener: list[dict[str, int]] = [{} for _s in slots]  # convener -> topic
        self.miss = [0] * self.nslots

    # -- moves --------------------------------------------------------------------------------

    def _free_for(self, i: int, s: int, leaving: int = -1) -> bool:
        """Whether topic i's convener is free in slot s (if topic ``leaving`` leaves it)."""
        c = self.conv[i]
        if c in self.busy[s]:
            return False
        there = self.by_convener[s].get(c, -1)
        return there < 0 or there == leaving

    def _misfits_with(self, s: int, out: int = -1, into: int = -1) -> int:
        heads = self.heads[s]
        if out >= 0 or into >= 0:
            heads = list(heads)
            if out >= 0:
                heads.remove(self.head[out])
            if into >= 0:
                heads.append(self.head[into])
            heads.sort(reverse=True)
        return _misfits(heads, self.caps[s])

    def _join(self, i: int, s: int) -> None:
        self.slot_of[i] = s
        self.members[s].append(i)
        self.heads[s].append(self.head[i])
        self.heads[s].sort(reverse=True)
        self.by_convener[s][self.conv[i]] = i
        self.miss[s] = _misfits(self.heads[s], self.caps[s])
        wi = self.w[i]
        for j, row in enumerate(self.near):
            row[s] += wi[j]

    def _leave(self, i: int) -> None:
        s = self.slot_of[i]
        self.slot_of[i] = -1
        self.members[s].remove(i)
        self.heads[s].remove(self.head[i])
        del self.by_convener[s][self.conv[i]]
        self.miss[s] = _misfits(self.heads[s], self.caps[s])
        wi = self.w[i]
        for j, row in enumerate(self.near):
            row[s] -= wi[j]

    def _move_parts(self, i: int, b: int) -> tuple[int, int] | None:
        """(Change in misfits, change in clashes) if placed topic i moves to slot b; ``None``
        if that move is not allowed."""
        a = self.slot_of[i]
        if a == b or len(self.members[b]) >= self.room[b] or not self._free_for(i, b):
            return None
        misfit = (self._misfits_with(a, out=i) + self._misfits_with(b, into=i)
                  - self.miss[a] - self.miss[b])
        return misfit, self.near[i][b] - self.near[i][a]

    def _move_delta(self, i: int, b: int) -> int | None:
        """Change in cost if placed topic i moves to slot b; ``None`` if not allowed."""
        parts = self._move_parts(i, b)
        return None if parts is None else parts[0] * self.big + parts[1]

    def _swap_delta(self, i: int, j: int) -> int | None:
        """Change in cost if placed topics i and j exchange slots; ``None`` if not allowed."""
        a, b = self.slot_of[i], self.slot_of[j]
        if a == b or not self._free_for(i, b, leaving=j) or not self._free_for(j, a, leaving=i):
            return None
        misfit = 0
        if self.head[i] != self.head[j]:
            misfit = (self._misfits_with(a, out=i, into=j) + self._misfits_with(b, out=j, into=i)
                      - self.miss[a] - self.miss[b])
        wij = self.w[i][j]
        clash = (self.near[i][b] - wij - self.near[i][a]) + (self.near[j][a] - wij
                                                              - self.near[j][b])
        return misfit * self.big + clash

    def _swap(self, i: int, j: int) -> None:
        a, b = self.slot_of[i], self.slot_of[j]
        self._leave(i)
        self._leave(j)
        self._join(i, b)
        self._join(j, a)

    def _move(self, i: int, b: int) -> None:
        self._leave(i)
        self._join(i, b)

    # -- phases -------------------------------------------------------------------------------

    def fill(self) -> None:
        """Place topics in posting order. Each goes straight to its cheapest open slot when
        there is one; otherwise an augmenting path may shift topics placed before it, so a
        topic is left out only if no arrangement places it together with all earlier ones."""
        for i in range(len(self.new)):
            best = None
            for s in range(self.nslots):
                if len(self.members[s]) < self.room[s] and self._free_for(i, s):
                    cost = ((self._misfits_with(s, into=i) - self.miss[s]) * self.big
                            + self.near[i][s], s)
                    if best is None or cost < best:
                        best = cost
            if best is not None:
                self._join(i, best[1])
            else:
                self._augment(i)

    def _augment(self, start: int) -> bool:
        """Breadth-first search for a chain of moves that makes room for topic ``start``.

        Topic x can take slot s when its convener is free there: directly if s has a free
        cell; by displacing the topic of the same convener already in s; or, s being full, by
        displacing any topic in s. A displaced topic looks for a slot in turn.
        """
        if sum(self.room) == sum(map(len, self.members)):
            return False  # every free cell is taken: no chain can end anywhere
        parent: dict[int, tuple[int, int] | None] = {start: None}  # topic -> (from, slot)
        queue = [start]
        seen_full: set[int] = set()
        for x in queue:
            c = self.conv[x]
            for s in range(self.nslots):
                if s == self.slot_of[x] or c in self.busy[s]:
                    continue
                same = self.by_convener[s].get(c, -1)
                if same >= 0:
                    nexts = [same]
                elif len(self.members[s]) < self.room[s]:
                    self._apply_path(parent, x, s)
                    return True
                elif s in seen_full:
                    continue
                else:
                    seen_full.add(s)
                    nexts = list(self.members[s])
                for y in nexts:
                    if y not in parent:
                        parent[y] = (x, s)
                        queue.append(y)
        return False

    def _apply_path(self, parent: dict[int, tuple[int, int] | None], last: int,
                    slot: int) -> None:
        moves = [(last, slot)]
        step = parent[last]
        while step is not None:
            x, s = step
            moves.append((x, s))
            step = parent[x]
        # Everyone on the path leaves first, then each joins its new slot: every slot ends
        # with as many topics as before except the last one, which had a free cell.
        for x, _s in moves:
            if self.slot_of[x] >= 0:
                self._leave(x)
        for x, s in moves:
            self._join(x, s)

    def _new_near(self, i: int, s: int) -> int:
        return sum(self.w[i][j] for j in self.members[s])

    def placed(self) -> list[int]:
        return [i for i, s in enumerate(self.slot_of) if s >= 0]

    def anneal(self, rng: _Rng, steps: int) -> None:
        """Simulated annealing over relocations and swaps; keeps the best state seen."""
        placed = self.placed()
        if len(placed) < 1 or self.nslots < 2:
            return
        cost = best_cost = self._score()
        best = list(self.slot_of)
        # With no free cell left anywhere only swaps can change anything.
        spare = sum(self.room) > len(placed)
        t0, t1 = _HOT, _COLD
        for step in range(steps):
            temp = t0 * (t1 / t0) ** (step / steps)
            i = placed[rng.below(len(placed))]
            b = j = -1
            if spare and rng.below(2):
                b = rng.below(self.nslots)
                delta = self._move_delta(i, b)
            else:
                j = placed[rng.below(len(placed))]
                delta = self._swap_delta(i, j)
            if delta is None:
                continue
            if delta <= 0 or rng.unit() < math.exp(-delta / temp):
                if j < 0:
                    self._move(i, b)
                else:
                    self._swap(i, j)
                cost += delta
                if cost < best_cost:
                    best_cost, best = cost, list(self.slot_of)
        self._restore(best)

    def _score(self) -> int:
        """Misfits times ``big`` plus the clashes that involve a new topic."""
        new_new = sum(self._new_near(i, s) for i, s in enumerate(self.slot_of) if s >= 0)
        with_fixed = sum(self.near[i][s] for i, s in enumerate(self.slot_of) if s >= 0)
        # near counts new-new pairs twice (once from each side) and new-fixed pairs once.
        return sum(self.miss) * self.big + with_fixed - new_new // 2

    def _restore(self, slots: list[int]) -> None:
        for i in self.placed():
            self._leave(i)
        for i, s in enumerate(slots):
            if s >= 0:
                self._join(i, s)

    def descend(self, budget: int) -> None:
        """First-improvement descent over relocations and swaps until none helps (or the
        budget of looked-at moves is spent)."""
        placed = self.placed()
        improved = True
        while improved and budget > 0:
            improved = False
            for i in placed:
                for b in range(self.nslots):
                    budget -= 1
                    delta = self._move_delta(i, b)
                    if delta is not None and delta < 0:
                        self._move(i, b)
                        improved = True
                for j in placed:
                    if j <= i:
                        continue
                    budget -= 1
                    delta = self._swap_delta(i, j)
                    if delta is not None and delta < 0:
                        self._swap(i, j)
                        improved = True
                if budget <= 0:
                    break

    def repair_capacity(self) -> None:
        """Move topics out of too-small spaces while a move lowers the misfit count (so at
        most one move per misfit): the move lowering it most, then adding fewest clashes.
        Afterwards no topic is in a too-small space while a free cell that holds it is left in
        a slot where its convener is free: that move would lower the misfit count."""
        while True:
            best = None
            for i in self.placed():
                for b in range(self.nslots):
                    parts = self._move_parts(i, b)
                    if parts is not None and parts[0] < 0:
                        if best is None or (parts, i, b) < best:
                            best = (parts, i, b)
            if best is None:
                return
            self._move(best[1], best[2])

    # -- result -------------------------------------------------------------------------------

    def _assign(self, s: int) -> list[tuple[Space, Topic]]:
        """Spaces for the new topics of slot s: larger topics first, each in the largest free
        real room that holds it, else a "some place else" cell; a topic nothing holds gets,
        after the others, the largest space left."""
        rooms = sorted(self.free_spaces[s], key=lambda sp: (
            sp.capacity is None, -(sp.capacity or 0)))
        topics = sorted(self.members[s], key=lambda i: (-self.head[i], i))
        out = []
        left_over = []
        for i in topics:
            fitting = [sp for sp in rooms if sp.fits(self.head[i])]
            if fitting:
                rooms.remove(fitting[0])
                out.append((fitting[0], self.new[i]))
            else:
                left_over.append(i)
        for i in left_over:
            out.append((rooms.pop(0), self.new[i]))
        return out

    def suggestion(self, names: Mapping[str, str]) -> Suggestion:
        agenda = self.agenda
        triples = list(agenda.placements)
        too_small = []
        for s, slot in enumerate(agenda.slots):
            for space, topic in self._assign(s):
                triples.append((space.id, slot.id, topic.id))
                if not space.fits(topic.headcount):
                    too_small.append((topic.id, _(
                        "“%(title)s” expects %(n)d people but %(space)s holds %(cap)d: no "
                        "larger space was left free in a slot where its convener is free.")
                        % {"title": topic.title, "n": topic.headcount, "space": space.name,
                           "cap": space.capacity}))
        result = replace(agenda, placements=tuple(triples))
        unplaced = []
        left = [s for s in range(self.nslots) if len(self.members[s]) < self.room[s]]
        for i, s in enumerate(self.slot_of):
            if s >= 0:
                continue
            topic = self.new[i]
            if not left:
                reason = _("“%(title)s” found no free cell: the grid is full. Add a space or a "
                           "slot to place it.") % {"title": topic.title}
            else:
                reason = (_("“%(title)s” was not placed: %(person)s already convenes a "
                            "session in every slot with a free cell (%(slots)s). Add a space "
                            "in another slot, or let a co-convener host one of them.")
                          % {"title": topic.title,
                             "person": names.get(topic.convener, topic.convener),
                             "slots": ", ".join(agenda.slots[s].label for s in left)})
            unplaced.append((topic.id, reason))
        order = {t.id: k for k, t in enumerate(agenda.topics)}
        too_small.sort(key=lambda x: order[x[0]])
        return Suggestion(
            agenda=result,
            placed=tuple(t.id for i, t in enumerate(self.new) if self.slot_of[i] >= 0),
            unplaced=tuple(unplaced),
            too_small=tuple(too_small),
            clashes=clash_count(result))
