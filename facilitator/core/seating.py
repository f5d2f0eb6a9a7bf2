"""World Café seating: who sits at which table in each round (docs/seating.md).

Seating is the Social Golfer Problem (METHODS.md): seat people at tables round after round so
that travellers meet as many new people as possible. ``plan_rounds`` places people greedily,
round by round, then improves all rounds together by tabu local search (swapping travellers
between tables of a round, or moving one to a table one smaller), minimising the sum over
pairs of (times met)^2 as "Good-Enough Golfers" does. When the table count is a prime power
and no table holds more people than there are tables, a repeat-free finite-geometry
construction (the cyclic one, for a prime) is used instead.

Pure: no I/O, no clock. The only chance is a small seeded generator (``seed``), so the same
arguments always give the same seating, whatever the interpreter's hash seed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from facilitator.core.errors import DomainError
from facilitator.core.rng import Rng as _Rng
from facilitator.i18n import _, ngettext

MAX_PEOPLE = 5000
MAX_ROUNDS = 50
# A pair kept apart weighs as much as this many repeated meetings, so the search removes those
# breaches first and only then repeats.
_APART = 1 << 20
# Work (roughly: candidate swaps looked at) each call may spend improving; bounds the runtime
# of tight instances (very large tables) without a clock.
_WORK_BUDGET = 6_000_000
# Each tabu step looks at this many travellers who meet someone again and makes the best
# move among theirs: 1 is a plain random walk, more is steadier but slower per step.
_SAMPLE = 3


@dataclass(frozen=True)
class Seating:
    """Who sits where: ``rounds[r][t]`` is the people at table ``t`` in round ``r``.

    ``hosts[r][t]`` is the host of table ``t`` in round ``r`` (``None`` for none); a table's
    host is listed first. ``keep_apart`` is kept so late arrivals and re-plans respect it.
    """

    rounds: tuple[tuple[tuple[str, ...], ...], ...]
    hosts: tuple[tuple[str | None, ...], ...]
    keep_apart: frozenset[frozenset[str]] = frozenset()
    seed: int = 0

    @property
    def tables(self) -> int:
        """How many tables there are (the same in every round)."""
        return len(self.rounds[0]) if self.rounds else 0

    def people(self, round_index: int) -> list[str]:
        """Everyone seated in a round, table by table."""
        return [p for table in self.rounds[round_index] for p in table]

    def table_of(self, round_index: int, person: str) -> int | None:
        """The table index ``person`` sits at in a round, or ``None`` if they are not there."""
        for t, table in enumerate(self.rounds[round_index]):
            if person in table:
                return t
        return None

    def pair_counts(self, upto: int | None = None) -> Counter[frozenset[str]]:
        """How often each pair sat together (in rounds before ``upto``, or in all rounds)."""
        counts: Counter[frozenset[str]] = Counter()
        for tables in self.rounds[:upto]:
            for table in tables:
                for i, a in enumerate(table):
                    for b in table[i + 1:]:
                        counts[frozenset((a, b))] += 1
        return counts

    def repeated_pairs(self) -> int:
        """Sum over pairs of (times met - 1) for pairs that met more than once."""
        return sum(c - 1 for c in self.pair_counts().values() if c > 1)

    def new_encounter_share(self, round_index: int) -> float:
        """Share of the pairs sharing a table in that round who had never sat together before.

        A round with no pairs at all (everyone alone) counts as 1.0.
        """
        before = self.pair_counts(round_index)
        total = new = 0
        for table in self.rounds[round_index]:
            for i, a in enumerate(table):
                for b in table[i + 1:]:
                    total += 1
                    new += frozenset((a, b)) not in before
        return new / total if total else 1.0

    def mixing(self) -> tuple[list[float], int]:
        """Per round the share of new encounters (``new_encounter_share``) and the repeated
        pairs (``repeated_pairs``), in one pass over the pairs: the console shows both, and
        for a room of 1,000 the two, asked round by round, counted every pair again for each
        round."""
        met: dict[tuple[str, str], int] = {}
        shares = []
        for tables in self.rounds:
            pairs = [(a, b) if a < b else (b, a)
                     for table in tables for i, a in enumerate(table) for b in table[i + 1:]]
            new = sum(1 for pair in pairs if pair not in met)
            for pair in pairs:
                met[pair] = met.get(pair, 0) + 1
            shares.append(new / len(pairs) if pairs else 1.0)
        return shares, sum(c - 1 for c in met.values() if c > 1)

    def keep_apart_breaches(self) -> list[tuple[int, frozenset[str]]]:
        """Each (round, pair) where a keep-apart pair shares a table: no seating avoided it."""
        out = []
        for r, tables in enumerate(self.rounds):
            for table in tables:
                seated = set(table)
                for pair in self.keep_apart:
                    if pair <= seated:
                        out.append((r, pair))
        return sorted(out, key=lambda x: (x[0], sorted(x[1])))

    def problems(self) -> list[str]:
        """Sentences for the facilitator about keep-apart pairs that could not be kept apart."""
        return [_("%s and %s share table %d in round %d: no balanced seating keeps them apart.")
                % (*sorted(pair), self.table_of(r, min(pair)) + 1, r + 1)  # type: ignore[operator]
                for r, pair in self.keep_apart_breaches()]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the event log (``Seating.from_dict`` reads it back)."""
        return {"rounds": [[list(t) for t in r] for r in self.rounds],
                "hosts": [list(h) for h in self.hosts],
                "keep_apart": sorted(sorted(p) for p in self.keep_apart), "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Seating:
        return cls(rounds=tuple(tuple(tuple(t) for t in r) for r in data["rounds"]),
                   hosts=tuple(tuple(h) for h in data["hosts"]),
                   keep_apart=frozenset(frozenset(p) for p in data.get("keep_apart", ())),
                   seed=data.get("seed", 0))

    def lower_bound(self) -> int:
        """The fewest repeated pairs any seating of this room could have: the same people in
        each round, the same table sizes, the same fixed hosts (docs/seating.md). For a plan
        nobody changed it is ``lower_bound_repeats`` for its size; after late arrivals,
        leavers and moves it still never exceeds ``repeated_pairs()``."""
        return seating_lower_bound(self)


# -- lower bound -----------------------------------------------------------------------------

def _sizes(n: int, tables: int) -> list[int]:
    base, extra = divmod(n, tables)
    return [base + 1] * extra + [base] * (tables - extra)


def lower_bound_repeats(n: int, tables: int | None, table_size: int, rounds: int,
                        hosted: bool) -> int:
    """A lower bound on ``repeated_pairs`` for n people at balanced tables over some rounds.

    ``tables`` (or, if ``None``, ceil(n / table_size)) fixes the table count; tables differ by
    at most one person. ``hosted`` means every table has a fixed host. The bound is the largest
    of four simple arguments (docs/seating.md): counting pairs, counting each person's
    neighbours, the pigeonhole between consecutive rounds (a table of s people drawn from g
    earlier tables must hold two who sat together when s > g; with fixed hosts this is the
    "travellers from different earlier tables" rule of METHODS.md), and, with fixed hosts,
    travellers revisiting hosts after g rounds. 0 does not promise that 0 can be reached.
    """
    if not tables and table_size < 1:
        raise DomainError(_("A table seats at least 1 person."))
    if n < 2 or rounds < 2:
        return 0
    g = tables if tables else math.ceil(n / table_size)
    g = max(1, min(g, n))
    sizes = _sizes(n, g)
    hosts = g if hosted else 0
    # 1. Pairs: each round seats sum C(s, 2) pairs; only C(n, 2) distinct pairs exist, and
    #    hosts never sit with each other.
    available = math.comb(n, 2) - math.comb(hosts, 2)
    counting = rounds * sum(math.comb(s, 2) for s in sizes) - available
    # 2. Each person meets at least (smallest table - 1) people a round but has only n - 1
    #    (a host: n - g) people to meet; every repeat is counted by both people in it.
    low = min(sizes) - 1
    excess = (hosts * max(0, rounds * low - (n - hosts))
              + (n - hosts) * max(0, rounds * low - (n - 1)))
    per_person = (excess + 1) // 2
    # 3. Pigeonhole: in each round after the first, a table of s people comes from g tables of
    #    the round before; at best they spread evenly, leaving C(q, 2) pairs per group.
    pigeon = 0
    for s in sizes:
        q, e = divmod(s, g)
        pigeon += e * math.comb(q + 1, 2) + (g - e) * math.comb(q, 2)
    pigeon *= rounds - 1
    # 4. With fixed hosts a traveller meets a host again in every round beyond the g-th.
    revisit = (n - hosts) * max(0, rounds - g) if hosted else 0
    return max(0, counting, per_person, pigeon, revisit)


def seating_lower_bound(seating: Seating) -> int:
    """``lower_bound_repeats``'s four arguments, applied to the room as it really was.

    The room is who sat in each round and how big each round's tables were (a leaver can leave
    a table short; a late arrival joins one). Fixed hosts are those hosting the same table in
    every round. Each argument holds for every seating with that attendance and those sizes.
    """
    rounds = seating.rounds
    g = seating.tables
    if len(rounds) < 2 or g == 0:
        return 0
    present = [set(seating.people(r)) for r in range(len(rounds))]
    everyone = set().union(*present)
    n = len(everyone)
    fixed = {h for h in seating.hosts[0] if h is not None
             and all(hosts.count(h) == 1 and hosts.index(h) == seating.hosts[0].index(h)
                     and h in present[r] for r, hosts in enumerate(seating.hosts))}
    k = len(fixed)
    # 1. Pairs: the meetings the tables hold, less the distinct pairs there are to meet.
    meetings = sum(math.comb(len(t), 2) for tables in rounds for t in tables)
    counting = meetings - (math.comb(n, 2) - math.comb(k, 2))
    # 2. Each person meets at least (smallest table of the round - 1) people a round.
    smallest = [min((len(t) for t in tables if t), default=1) - 1 for tables in rounds]
    excess = 0
    for person in everyone:
        met = sum(smallest[r] for r in range(len(rounds)) if person in present[r])
        excess += max(0, met - (n - k if person in fixed else n - 1))
    per_person = (excess + 1) // 2
    # 3. Pigeonhole: the people of a table who sat in the round before came from g tables.
    #    Newcomers are counted as filling the biggest tables first (the least the argument
    #    can then claim: its cost per table grows with the table's size).
    pigeon = 0
    for r in range(1, len(rounds)):
        sizes = sorted(len(t) for t in rounds[r])
        for _new in range(len(present[r] - present[r - 1])):
            sizes[-1] -= 1
            sizes.sort()
        for size in sizes:
            q, e = divmod(size, g)
            pigeon += e * math.comb(q + 1, 2) + (g - e) * math.comb(q, 2)
    # 4. With every table fixed-hosted, a traveller meets some host again in each round
    #    beyond the g-th they sat in.
    revisit = 0
    if k == g:
        revisit = sum(max(0, sum(p in present[r] for r in range(len(rounds))) - g)
                      for p in everyone - fixed)
    return max(0, counting, per_person, pigeon, revisit)


# -- planning --------------------------------------------------------------------------------

def plan_rounds(people: list[str], rounds: int, *, tables: int | None = None,
                table_size: int = 4, hosts: dict[int, str] | None = None,
                keep_apart: Iterable[frozenset[str]] = frozenset(), seed: int = 0) -> Seating:
    """Seat ``people`` for ``rounds`` rounds so that pairs meet as rarely twice as possible.

    With ``tables`` given, everyone is spread over that many tables; otherwise there are
    ceil(n / table_size) tables. Table sizes in a round differ by at most one. ``hosts`` maps a
    table index to a participant who stays at that table every round. Keep-apart pairs never
    share a table unless no balanced seating allows it (``Seating.problems`` says so).

    :raises DomainError: for duplicate people, impossible table counts or unknown hosts.
    """
    hosts = dict(hosts or {})
    _check_plan(people, rounds, tables, table_size, hosts)
    n = len(people)
    g = tables if tables is not None else math.ceil(n / table_size)
    apart = _normalise_apart(keep_apart)
    index = {p: i for i, p in enumerate(people)}
    pinned = [index[hosts[t]] if t in hosts else None for t in range(g)]
    rng = _Rng(seed)

    board = _Board(n, g, rounds, [pinned] * rounds)
    board.add_apart(_apart_indices(apart, index))
    built = _construct(n, g, rounds, pinned, rng)
    if built is not None:
        for r, layout in enumerate(built):
            for t, members in enumerate(layout):
                for p in members:
                    board.join(r, p, t)
    else:
        present = list(range(n))
        for r in range(rounds):
            board.greedy(r, present, rng)
            board.search([r], rng, 0, effort=2)
    bound = lower_bound_repeats(n, g, table_size, rounds, len(hosts) == g)
    board.search(list(range(rounds)), rng, bound)
    for r in range(1, rounds):
        board.travel(r)

    host_names = tuple(hosts.get(t) for t in range(g))
    out = tuple(board.layout(r, people) for r in range(rounds))
    return Seating(rounds=out, hosts=(host_names,) * rounds, keep_apart=apart, seed=seed)


def _check_plan(people: list[str], rounds: int, tables: int | None, table_size: int,
                hosts: dict[int, str]) -> None:
    if not people:
        raise DomainError(_("There is nobody to seat yet."))
    if len(people) > MAX_PEOPLE:
        raise DomainError(_("At most %d people can be seated.") % MAX_PEOPLE)
    if len(set(people)) != len(people):
        raise DomainError(_("Someone is listed twice: each person sits at one table."))
    if not 1 <= rounds <= MAX_ROUNDS:
        raise DomainError(_("A World Café has from 1 to %d rounds.") % MAX_ROUNDS)
    if tables is None and table_size < 2:
        raise DomainError(_("A table seats at least 2 people."))
    g = tables if tables is not None else math.ceil(len(people) / table_size)
    if not 1 <= g <= len(people):
        raise DomainError(_("Choose from 1 to %d tables for %d people: every table needs "
                            "someone.") % (len(people), len(people)))
    known = set(people)
    for t, host in hosts.items():
        if not 0 <= t < g:
            raise DomainError(_("There is no table %d to host.") % (t + 1))
        if host not in known:
            raise DomainError(_("The host of table %d is not among the people.") % (t + 1))
    if len(set(hosts.values())) != len(hosts):
        raise DomainError(_("One person cannot host two tables."))


def _normalise_apart(pairs: Iterable[frozenset[str]]) -> frozenset[frozenset[str]]:
    out = set()
    for pair in pairs:
        pair = frozenset(pair)
        if len(pair) != 2:
            raise DomainError(_("A keep-apart pair names two different people."))
        out.add(pair)
    return frozenset(out)


def _apart_indices(apart: frozenset[frozenset[str]],
                   index: dict[str, int]) -> list[tuple[int, int]]:
    out = []
    for pair in apart:
        a, b = sorted(pair)
        if a in index and b in index:  # the other may arrive late
            out.append((index[a], index[b]))
    return sorted(out)


# -- changes during the café -----------------------------------------------------------------

def place_late(seating: Seating, round_index: int, person: str,
               table: int | None = None) -> Seating:
    """Seat a late arrival from ``round_index`` on without moving anyone already seated.

    In that round they join ``table`` if given (they scanned that table's QR code), else a
    smallest table, preferring one without a keep-apart partner and then one where they meet
    the fewest people they met before. Later rounds are re-planned to include them.
    """
    _check_round(seating, round_index)
    if seating.table_of(round_index, person) is not None:
        raise DomainError(_("%s is already seated in round %d.") % (person, round_index + 1))
    _check_table(seating, table)
    board, names = _board_of(seating, extra=person)
    p = names.index(person)
    tabs = board.tabs[round_index]
    apart = board.apart[p]

    def rank(t: int) -> tuple[int, int, int, int]:
        members = tabs[t]
        return (len(members), sum(x in apart for x in members),
                sum(board.met(p, x) > 0 for x in members), t)

    best = min(range(board.g), key=rank) if table is None else table
    current = list(seating.rounds[round_index])
    current[best] = current[best] + (person,)
    board.join(round_index, p, best)
    rng = _Rng(seating.seed ^ (round_index + 1) * 0x9E3779B97F4A7C15)
    for r in range(round_index + 1, len(seating.rounds)):
        if board.where[r][p] < 0:
            board.join(r, p, min(range(board.g), key=lambda t, r=r: (
                len(board.tabs[r][t]), board.cost(p, r, t), t)))
    _replan(board, round_index + 1, rng)
    return _seating_from(board, names, seating, round_index, tuple(current))


def move_to(seating: Seating, round_index: int, person: str, table: int) -> Seating:
    """``person`` sits at ``table`` in ``round_index`` instead (they scanned its QR code);
    nobody else moves in that round or before. Later rounds are re-planned around it.

    A host cannot leave the table they host this way (the facilitator changes hosts).
    """
    _check_round(seating, round_index)
    _check_table(seating, table)
    here = seating.table_of(round_index, person)
    if here is None:
        raise DomainError(_("%s is not seated in round %d.") % (person, round_index + 1))
    if here == table:
        raise DomainError(_("%s already sits at table %d.") % (person, table + 1))
    if seating.hosts[round_index][here] == person:
        raise DomainError(_("%s hosts table %d and stays there.") % (person, here + 1))
    board, names = _board_of(seating)
    p = names.index(person)
    board.leave(round_index, p)
    board.join(round_index, p, table)
    current = list(seating.rounds[round_index])
    current[here] = tuple(x for x in current[here] if x != person)
    current[table] = current[table] + (person,)
    rng = _Rng(seating.seed ^ (round_index + 3) * 0x9E3779B97F4A7C15)
    _replan(board, round_index + 1, rng)
    return _seating_from(board, names, seating, round_index, tuple(current))


def set_host(seating: Seating, round_index: int, table: int, person: str | None) -> Seating:
    """``person`` hosts ``table`` from ``round_index`` on (``None``: the table has no host).

    In that round at most two people move: if ``person`` sits at another table, they trade
    places with the table's old host (or, with no host there, the traveller whose trade adds
    the fewest repeats); a person who hosted another table leaves it without a host. Earlier
    rounds do not change; later rounds are re-planned with ``person`` staying at ``table``.
    """
    _check_round(seating, round_index)
    _check_table(seating, table)
    r = round_index
    old = seating.hosts[r][table]
    if person == old:
        raise DomainError(_("That is already the host of table %d.") % (table + 1))
    board, names = _board_of(seating)
    index = {x: i for i, x in enumerate(names)}
    current = list(seating.rounds[r])
    if person is not None:
        here = seating.table_of(r, person)
        if here is None:
            raise DomainError(_("%s is not seated in round %d.") % (person, r + 1))
        p = index[person]
        if here != table:
            if seating.hosts[r][here] == person:
                board.pinned[r][here] = None
            others = [index[x] for x in current[table] if seating.hosts[r][table] != x]
            if old is not None:
                q = index[old]
            elif others:
                q = min(others, key=lambda x: (board.cost(x, r, here) - board.cur[r][x],
                                               names[x]))
            else:
                q = None
            board.leave(r, p)
            if q is not None:
                board.leave(r, q)
                board.join(r, q, here)
            board.join(r, p, table)
            moved = names[q] if q is not None else None
            current[here] = tuple(x for x in current[here] if x != person) + (
                (moved,) if moved is not None else ())
            current[table] = (person,) + tuple(x for x in current[table] if x != moved)
        else:
            current[table] = (person,) + tuple(x for x in current[table] if x != person)
    for r2 in range(r, len(seating.rounds)):
        pins = board.pinned[r2]
        if person is not None:
            p = index[person]
            pins[:] = [None if h == p else h for h in pins]
        pins[table] = index[person] if person is not None else None
        if r2 > r and person is not None:
            p = index[person]
            if board.where[r2][p] >= 0 and board.where[r2][p] != table:
                board.leave(r2, p)
                board.join(r2, p, table)
            board.rebalance(r2)
    rng = _Rng(seating.seed ^ (round_index + 17) * 0x9E3779B97F4A7C15)
    _replan(board, r + 1, rng)
    return _seating_from(board, names, seating, r, tuple(current))


def _check_table(seating: Seating, table: int | None) -> None:
    if table is not None and not 0 <= table < seating.tables:
        raise DomainError(ngettext("There is no table %(n)d: this café has %(count)d table.",
                                   "There is no table %(n)d: this café has %(count)d tables.",
                                   seating.tables) % {"n": table + 1, "count": seating.tables})


def remove(seating: Seating, round_index: int, person: str) -> Seating:
    """``person`` leaves: they vanish from ``round_index`` on; nobody else moves in that round.

    That round may be left unbalanced (one table short); later rounds are rebalanced and
    re-planned. A departing host leaves their table without a host from then on.
    """
    _check_round(seating, round_index)
    if seating.table_of(round_index, person) is None:
        raise DomainError(_("%s is not seated in round %d.") % (person, round_index + 1))
    board, names = _board_of(seating)
    p = names.index(person)
    current = tuple(tuple(x for x in table if x != person)
                    for table in seating.rounds[round_index])
    for r in range(round_index, len(seating.rounds)):
        if board.where[r][p] >= 0:
            board.leave(r, p)
        board.pinned[r] = [None if h == p else h for h in board.pinned[r]]
    rng = _Rng(seating.seed ^ (round_index + 7) * 0x9E3779B97F4A7C15)
    for r in range(round_index + 1, len(seating.rounds)):
        board.rebalance(r)
    _replan(board, round_index + 1, rng)
    return _seating_from(board, names, seating, round_index, current)


def swap(seating: Seating, round_index: int, a: str, b: str) -> Seating:
    """The facilitator swaps ``a`` and ``b`` in one round; no other round changes.

    A host stays at their table: only two hosts can swap, and then each hosts the other's
    table for that round.
    """
    _check_round(seating, round_index)
    ta, tb = seating.table_of(round_index, a), seating.table_of(round_index, b)
    for who, t in ((a, ta), (b, tb)):
        if t is None:
            raise DomainError(_("%s is not seated in round %d.") % (who, round_index + 1))
    assert ta is not None and tb is not None
    if ta == tb:
        raise DomainError(_("%s and %s already share table %d.") % (a, b, ta + 1))
    hosts = list(seating.hosts[round_index])
    a_hosts, b_hosts = hosts[ta] == a, hosts[tb] == b
    if a_hosts != b_hosts:
        host, table = (a, ta) if a_hosts else (b, tb)
        raise DomainError(_("%s hosts table %d and stays there; swap them with another host.")
                          % (host, table + 1))
    if a_hosts:
        hosts[ta], hosts[tb] = b, a
    tables = list(seating.rounds[round_index])
    tables[ta] = tuple(b if x == a else x for x in tables[ta])
    tables[tb] = tuple(a if x == b else x for x in tables[tb])
    rounds = list(seating.rounds)
    rounds[round_index] = tuple(tables)
    all_hosts = list(seating.hosts)
    all_hosts[round_index] = tuple(hosts)
    return replace(seating, rounds=tuple(rounds), hosts=tuple(all_hosts))


def rehost(seating: Seating, round_index: int, hosts: dict[int, str]) -> Seating:
    """New hosts from ``round_index`` on (a World Café whose hosts change each round).

    ``hosts`` maps a table to a person seated in that round; each moves to their table and
    stays there in later rounds, tables without a new host have none. Earlier rounds do not
    change; round ``round_index`` and later are rebalanced and re-planned around the hosts.
    Call it before the round starts: it may move anyone in that round.
    """
    _check_round(seating, round_index)
    if len(set(hosts.values())) != len(hosts):
        raise DomainError(_("One person cannot host two tables."))
    board, names = _board_of(seating)
    index = {p: i for i, p in enumerate(names)}
    for t, person in hosts.items():
        if not 0 <= t < seating.tables:
            raise DomainError(_("There is no table %d to host.") % (t + 1))
        if seating.table_of(round_index, person) is None:
            raise DomainError(_("%s is not seated in round %d.") % (person, round_index + 1))
    pinned = [index[hosts[t]] if t in hosts else None for t in range(seating.tables)]
    for r in range(round_index, len(seating.rounds)):
        board.pinned[r] = list(pinned)
        for t, p in enumerate(pinned):
            if p is not None and board.where[r][p] >= 0 and board.where[r][p] != t:
                board.leave(r, p)
                board.join(r, p, t)
        board.rebalance(r)
    rng = _Rng(seating.seed ^ (round_index + 13) * 0x9E3779B97F4A7C15)
    _replan(board, round_index, rng)
    rounds = list(seating.rounds[:round_index])
    rounds += [board.layout(r, names) for r in range(round_index, len(seating.rounds))]
    host_names = tuple(hosts.get(t) for t in range(seating.tables))
    all_hosts = list(seating.hosts[:round_index])
    all_hosts += [host_names] * (len(seating.rounds) - round_index)
    return replace(seating, rounds=tuple(rounds), hosts=tuple(all_hosts))


def _check_round(seating: Seating, round_index: int) -> None:
    if not 0 <= round_index < len(seating.rounds):
        raise DomainError(_("There is no round %d.") % (round_index + 1))


def _board_of(seating: Seating, extra: str | None = None) -> tuple[_Board, list[str]]:
    """A working board holding ``seating`` (names indexed in order of first appearance)."""
    names: list[str] = []
    index: dict[str, int] = {}
    for tables in seating.rounds:
        for table in tables:
            for p in table:
                if p not in index:
                    index[p] = len(names)
                    names.append(p)
    if extra is not None and extra not in index:
        index[extra] = len(names)
        names.append(extra)
    g, nrounds = seating.tables, len(seating.rounds)
    pinned = [[index[h] if h is not None else None for h in seating.hosts[r]]
              for r in range(nrounds)]
    board = _Board(len(names), g, nrounds, pinned)
    board.add_apart(_apart_indices(seating.keep_apart, index))
    for r, tables in enumerate(seating.rounds):
        for t, table in enumerate(tables):
            for p in table:
                board.join(r, index[p], t)
    return board, names


def _replan(board: _Board, start: int, rng: _Rng) -> None:
    """Improve rounds ``start``.. with the earlier rounds fixed; travellers then move on."""
    if start < len(board.tabs):
        board.search(list(range(start, len(board.tabs))), rng, 0)
    for r in range(max(1, start), len(board.tabs)):
        board.travel(r)


def _seating_from(board: _Board, names: list[str], old: Seating, round_index: int,
                  current: tuple[tuple[str, ...], ...]) -> Seating:
    rounds = list(old.rounds[:round_index]) + [current]
    rounds += [board.layout(r, names) for r in range(round_index + 1, len(old.rounds))]
    hosts = list(old.hosts[:round_index])
    for r in range(round_index, len(old.rounds)):
        hosts.append(tuple(names[h] if h is not None else None for h in board.pinned[r]))
    return replace(old, rounds=tuple(rounds), hosts=tuple(hosts))


# -- the working board -----------------------------------------------------------------------


class _Board:
    """Mutable working seating over people 0..n-1, with the objective kept up to date.

    ``w[p][x]`` is how often p and x sat together over all rounds, plus ``_APART`` for a
    keep-apart pair. ``cur[r][p]`` is the weight p adds at their table in round r: the sum
    over tablemates x of ``w[p][x] - 1`` (their meetings in the other rounds). ``phi`` is the
    sum over pairs of C(times met, 2) plus ``_APART`` per keep-apart meeting: (times met)^2
    summed over pairs, less a constant, halved. A swap in round r changes it by the change
    in the two people's ``cur``.
    """

    def __init__(self, n: int, g: int, nrounds: int,
                 pinned: list[list[int | None]]) -> None:
        self.n, self.g = n, g
        self.tabs: list[list[list[int]]] = [[[] for _ in range(g)] for _ in range(nrounds)]
        self.where = [[-1] * n for _ in range(nrounds)]
        self.pinned = [list(p) for p in pinned]
        self.w: list[dict[int, int]] = [{} for _ in range(n)]
        self.apart: list[set[int]] = [set() for _ in range(n)]
        self.cur = [[0] * n for _ in range(nrounds)]
        self.phi = self.repeats = self.breaches = 0
        self.work = 0

    def add_apart(self, pairs: list[tuple[int, int]]) -> None:
        """Record keep-apart pairs; call before anyone is seated."""
        for a, b in pairs:
            if b not in self.apart[a]:
                self.apart[a].add(b)
                self.apart[b].add(a)
                self.w[a][b] = self.w[a].get(b, 0) + _APART
                self.w[b][a] = self.w[b].get(a, 0) + _APART

    def met(self, a: int, b: int) -> int:
        return self.w[a].get(b, 0) - (_APART if b in self.apart[a] else 0)

    def _others(self, r: int, p: int, x: int, step: int) -> None:
        """p and x met once more or less in round r: their weight in other rounds changes."""
        for r2, where in enumerate(self.where):
            if r2 != r and where[p] >= 0 and where[p] == where[x]:
                self.cur[r2][p] += step
                self.cur[r2][x] += step

    def join(self, r: int, p: int, t: int) -> None:
        w, cur, apart = self.w, self.cur[r], self.apart[p]
        wp = w[p]
        for x in self.tabs[r][t]:
            c = wp.get(x, 0)
            self.phi += c
            if x in apart:
                self.breaches += 1
                self.repeats += c - _APART >= 1
            else:
                self.repeats += c >= 1
            wp[x] = w[x][p] = c + 1
            cur[x] += c
            cur[p] += c
            self._others(r, p, x, 1)
        self.tabs[r][t].append(p)
        self.where[r][p] = t

    def leave(self, r: int, p: int) -> None:
        t = self.where[r][p]
        members = self.tabs[r][t]
        members.remove(p)
        self.where[r][p] = -1
        w, cur, apart = self.w, self.cur[r], self.apart[p]
        wp = w[p]
        for x in members:
            c = wp[x] - 1
            self.phi -= c
            if x in apart:
                self.breaches -= 1
                self.repeats -= c - _APART >= 1
            else:
                self.repeats -= c >= 1
            if c:
                wp[x] = w[x][p] = c
            else:
                del wp[x], w[x][p]
            cur[x] -= c
            cur[p] -= c
            self._others(r, p, x, -1)

    def cost(self, p: int, r: int, t: int) -> int:
        """Weight p would add at table t of round r (p not seated there)."""
        wp = self.w[p]
        return sum(wp.get(x, 0) for x in self.tabs[r][t])

    def layout(self, r: int, names: list[str]) -> tuple[tuple[str, ...], ...]:
        out = []
        for t, members in enumerate(self.tabs[r]):
            host = self.pinned[r][t]
            order = sorted(members, key=lambda p, host=host: (p != host, p))
            out.append(tuple(names[p] for p in order))
        return tuple(out)

    # -- building a round --------------------------------------------------------------

    def capacities(self, r: int, count: int) -> list[int]:
        base, extra = divmod(count, self.g)
        if base > 0:  # rotate the big tables so nobody's table is always the big one
            order = [(t + r * extra) % self.g for t in range(self.g)]
        else:  # some tables stay empty: never a hosted one
            order = sorted(range(self.g), key=lambda t: (self.pinned[r][t] is None, t))
        caps = [base] * self.g
        for t in order[:extra]:
            caps[t] += 1
        return caps

    def greedy(self, r: int, present: list[int], rng: _Rng) -> None:
        """Seat round r one person at a time: most-met first, each at the emptiest table
        where they meet nobody again (else where they add the least weight)."""
        pinned = self.pinned[r]
        caps = self.capacities(r, len(present))
        fill = [0] * self.g
        for t, h in enumerate(pinned):
            if h is not None:
                self.join(r, h, t)
                fill[t] = 1
        hosts = {h for h in pinned if h is not None}
        order = [p for p in present if p not in hosts]
        rng.shuffle(order)
        order.sort(key=lambda p: -len(self.w[p]))
        buckets: list[dict[int, None]] = [{} for _ in range(max(caps) + 1)]
        for t in range(self.g):
            if fill[t] < caps[t]:
                buckets[fill[t]][t] = None
        where = self.where[r]
        for p in order:
            conflict: dict[int, int] = {}
            for x, c in self.w[p].items():
                t = where[x]
                if t >= 0:
                    conflict[t] = conflict.get(t, 0) + c
            choice = -1
            for bucket in buckets:
                for t in bucket:
                    if t not in conflict:
                        choice = t
                        break
                if choice >= 0:
                    break
            if choice < 0:
                choice = min((t for t in conflict if fill[t] < caps[t]),
                             key=lambda t: (conflict[t], fill[t], t))
            del buckets[fill[choice]][choice]
            fill[choice] += 1
            if fill[choice] < caps[choice]:
                buckets[fill[choice]][choice] = None
            self.join(r, p, choice)

    def rebalance(self, r: int) -> None:
        """Move travellers from the fullest to the emptiest tables until sizes differ by one."""
        tabs = self.tabs[r]
        while True:
            big = max(range(self.g), key=lambda t: (len(tabs[t]), -t))
            small = min(range(self.g), key=lambda t: (len(tabs[t]), t))
            if len(tabs[big]) - len(tabs[small]) <= 1:
                return
            movers = [p for p in tabs[big] if p != self.pinned[r][big]]
            p = min(movers, key=lambda p, small=small: (
                self.cost(p, r, small) - self.cur[r][p], p))
            self.leave(r, p)
            self.join(r, p, small)

    # -- travellers move ----------------------------------------------------------------

    def stayers(self, r: int) -> list[int]:
        """Travellers at a hosted table in round r who sat at that same table in round r-1."""
        out = []
        for t, members in enumerate(self.tabs[r]):
            if self.pinned[r][t] is None:
                continue
            out += [p for p in members if p != self.pinned[r][t] and self.where[r - 1][p] == t]
        return sorted(out)

    def travel(self, r: int) -> None:
        """Everyone but the host moves to a new table (METHODS.md): stays are undone.

        Minimising repeats alone can leave a traveller where they were (with fixed hosts a
        stayer costs the same one repeat, with the host, as two travellers from one table
        meeting again). First stayers at different tables trade places in a ring, which
        keeps every table's size; a last stayer swaps with the traveller elsewhere whose
        swap adds the least weight and does not make them a stayer.
        """
        if self.g < 2:
            return
        for _attempt in range(self.n):
            stay = self.stayers(r)
            if not stay:
                return
            ring: dict[int, int] = {}
            for p in stay:
                ring.setdefault(self.where[r][p], p)
            if len(ring) >= 2:
                tables = sorted(ring)
                movers = [ring[t] for t in tables]
                breaches = self.breaches
                self._place(r, movers, tables[1:] + tables[:1])
                if self.breaches <= breaches:
                    continue
                self._place(r, movers, tables)  # it seated a keep-apart pair: undo
            a = stay[0]
            ta = self.where[r][a]
            best: tuple[int, int] | None = None
            for u in range(self.g):  # a move to a smaller table keeps sizes within one
                if u != ta and len(self.tabs[r][u]) < len(self.tabs[r][ta]):
                    before, breaches = self.phi, self.breaches
                    self.leave(r, a)
                    self.join(r, a, u)
                    delta, worse = self.phi - before, self.breaches > breaches
                    self.leave(r, a)
                    self.join(r, a, ta)
                    if not worse and (best is None or (delta, -1 - u) < best):
                        best = (delta, -1 - u)
            for b in range(self.n):
                tb = self.where[r][b]
                if (tb < 0 or tb == ta or b == self.pinned[r][tb]
                        or self.where[r - 1][b] == ta):
                    continue
                before, breaches = self.phi, self.breaches
                self._swap(r, a, b)
                delta, worse = self.phi - before, self.breaches > breaches
                self._swap(r, a, b)
                if not worse and (best is None or (delta, b) < best):
                    best = (delta, b)
            if best is None:
                return
            if best[1] < 0:
                self.leave(r, a)
                self.join(r, a, -1 - best[1])
            else:
                self._swap(r, a, best[1])

    def _place(self, r: int, people: list[int], tables: list[int]) -> None:
        for p in people:
            self.leave(r, p)
        for p, t in zip(people, tables, strict=True):
            self.join(r, p, t)

    def _swap(self, r: int, a: int, b: int) -> None:
        ta, tb = self.where[r][a], self.where[r][b]
        self.leave(r, a)
        self.leave(r, b)
        self.join(r, a, tb)
        self.join(r, b, ta)

    # -- local search ------------------------------------------------------------------

    def search(self, window: list[int], rng: _Rng, bound: int, effort: int = 10) -> None:
        """Tabu search over the rounds in ``window`` (after Dotú & Van Hentenryck's golfers).

        Each step takes a random traveller who meets someone again, and makes the best swap
        with a traveller at another table of that round (or a move to a table one smaller),
        even if it makes things worse, unless it puts someone back where they just were.
        Stops at no keep-apart breaches with ``bound`` repeats, or after a run of steps that
        find nothing better, or when the work budget is spent; keeps the best seating seen.
        """
        movers = {r: [p for p in range(self.n) if self.where[r][p] >= 0
                      and p not in self.pinned[r]] for r in window}
        if self.g < 2 or not any(movers.values()):  # one traveller can still move
            return

        def done() -> bool:
            return self.breaches == 0 and self.repeats <= bound

        # Ties in the objective are broken towards fewer repeated pairs (what people see).
        best_phi, best_key = self.phi, (self.phi, self.repeats)
        best = [list(self.where[r]) for r in window]
        tabu: dict[tuple[int, int, int], int] = {}
        patience = 100 + effort * sum(len(m) for m in movers.values())
        step = stale = 0
        while not done() and stale < patience and self.work <= _WORK_BUDGET:
            step += 1
            conflicted = [(r, p) for r in window for p in movers[r] if self.cur[r][p] > 0]
            if not conflicted:
                break
            choice = None
            for _i in range(min(_SAMPLE, len(conflicted))):
                r, a = conflicted[rng.below(len(conflicted))]
                d, b, t = self._choose(r, a, movers[r], rng, tabu, step, best_phi)
                if t >= 0 and (choice is None or d < choice[0]):
                    choice = (d, r, a, b, t)
            if choice is None:
                stale += 1
                continue
            _d, r, a, b, t = choice
            ta = self.where[r][a]
            tenure = 3 + rng.below(8)
            tabu[(r, a, ta)] = step + tenure
            self.leave(r, a)
            if b >= 0:
                tabu[(r, b, t)] = step + tenure
                self.leave(r, b)
                self.join(r, b, ta)
            self.join(r, a, t)
            if (self.phi, self.repeats) < best_key:
                stale = 0 if self.phi < best_phi else stale + 1
                best_phi, best_key = self.phi, (self.phi, self.repeats)
                best = [list(self.where[r]) for r in window]
            else:
                stale += 1
        if (self.phi, self.repeats) != best_key:
            for i, r in enumerate(window):
                moved = [p for p in movers[r] if self.where[r][p] != best[i][p]]
                for p in moved:
                    self.leave(r, p)
                for p in moved:
                    self.join(r, p, best[i][p])

    def _choose(self, r: int, a: int, movers: list[int], rng: _Rng,
                tabu: dict[tuple[int, int, int], int], step: int,
                best_phi: int) -> tuple[int, int, int]:
        """The best allowed (traveller to swap with or -1, table) for ``a`` in round r."""
        tabs, where, w, cur = self.tabs[r], self.where[r], self.w, self.cur[r]
        ta = where[a]
        wa = w[a]
        at_table = [0] * self.g  # weight a would add at each table (before anyone leaves)
        for x, c in wa.items():
            t = where[x]
            if t >= 0:
                at_table[t] += c
        into_a: dict[int, int] = {}  # weight each outsider would add at a's table without a
        for x in tabs[ta]:
            if x != a:
                for y, c in w[x].items():
                    into_a[y] = into_a.get(y, 0) + c
        self.work += len(movers) + len(wa) + sum(len(w[x]) for x in tabs[ta])
        stay = cur[a]
        # Aspiration: a tabu move is allowed when it beats the best seating seen.
        aspire = best_phi - self.phi
        best_d, best_b, best_t = None, -1, -1
        size_a = len(tabs[ta])
        for t in range(self.g):
            if len(tabs[t]) == size_a - 1 and t != ta:
                d = at_table[t] - stay
                if (best_d is None or d < best_d) and (
                        tabu.get((r, a, t), 0) < step or d < aspire):
                    best_d, best_b, best_t = d, -1, t
        m = len(movers)
        start = rng.below(m)
        for i in range(m):
            b = movers[(start + i) % m]
            tb = where[b]
            if tb == ta:
                continue
            d = at_table[tb] - wa.get(b, 0) - stay + into_a.get(b, 0) - cur[b]
            if (best_d is None or d < best_d) and (
                    (tabu.get((r, a, tb), 0) < step and tabu.get((r, b, ta), 0) < step)
                    or d < aspire):
                best_d, best_b, best_t = d, b, tb
        return (best_d or 0), best_b, best_t


# -- construction ----------------------------------------------------------------------------

def _construct(n: int, g: int, rounds: int, pinned: list[int | None],
               rng: _Rng) -> list[list[list[int]]] | None:
    """A repeat-free seating from the affine plane over GF(g), when one applies.

    Person (t, k) sits at table t + k*r in round r (field arithmetic): two people meet at most
    once in g rounds, and a (g+1)-th round seats each column k together when n = g^2. Column
    0 never moves, so it holds the hosts when every table has one. Columns are filled in
    order, so at most one column is partial and every round's tables stay balanced.
    """
    hosted = sum(h is not None for h in pinned)
    if hosted not in (0, g) or g < 2:
        return None
    field = _Field.of(g)
    columns = math.ceil(n / g)
    if field is None or columns > g:
        return None
    vertical = rounds == g + 1 and n == g * g and not hosted
    if rounds > g and not vertical:
        return None
    if hosted:
        travellers = [p for p in range(n) if p not in set(pinned)]
        rng.shuffle(travellers)
        cells = {(t, 0): h for t, h in enumerate(pinned) if h is not None}
        for i, p in enumerate(travellers):
            cells[(i % g, 1 + i // g)] = p
    else:
        order = list(range(n))
        rng.shuffle(order)
        cells = {(i % g, i // g): p for i, p in enumerate(order)}
    out = []
    for r in range(min(rounds, g)):
        layout: list[list[int]] = [[] for _ in range(g)]
        for (t, k), p in cells.items():
            layout[field.add(t, field.mul(k, r))].append(p)
        out.append(layout)
    if vertical:
        layout = [[] for _ in range(g)]
        for (_t, k), p in cells.items():
            layout[k].append(p)
        out.append(layout)
    return out


class _Field:
    """GF(p^k) on the integers 0..q-1 (base-p digits are polynomial coefficients)."""

    def __init__(self, p: int, k: int) -> None:
        self.p, self.k = p, k
        self.modulus = _irreducible(p, k) if k > 1 else [0, 1]

    @classmethod
    def of(cls, q: int) -> _Field | None:
        for p in range(2, q + 1):
            if q % p == 0:  # p is q's smallest prime factor
                k, rest = 0, q
                while rest % p == 0:
                    rest //= p
                    k += 1
                return cls(p, k) if rest == 1 else None
        return None

    def _digits(self, a: int) -> list[int]:
        out = []
        for _i in range(self.k):
            a, d = divmod(a, self.p)
            out.append(d)
        return out

    def _number(self, digits: list[int]) -> int:
        return sum(d * self.p ** i for i, d in enumerate(digits))

    def add(self, a: int, b: int) -> int:
        if self.k == 1:
            return (a + b) % self.p
        return self._number([(x + y) % self.p
                             for x, y in zip(self._digits(a), self._digits(b), strict=True)])

    def mul(self, a: int, b: int) -> int:
        if self.k == 1:
            return a * b % self.p
        product = _poly_mul(self._digits(a), self._digits(b), self.p)
        return self._number(_poly_mod(product, self.modulus, self.p))


def _poly_mul(a: list[int], b: list[int], p: int) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % p
    return out


def _poly_mod(a: list[int], m: list[int], p: int) -> list[int]:
    """a mod m over GF(p); m is monic (coefficients low to high)."""
    a = list(a)
    d = len(m) - 1
    for i in range(len(a) - 1, d - 1, -1):
        c = a[i]
        if c:
            for j in range(d + 1):
                a[i - d + j] = (a[i - d + j] - c * m[j]) % p
    return a[:d] if d else []


def _irreducible(p: int, k: int) -> list[int]:
    """The first monic irreducible polynomial of degree k over GF(p)."""
    def monic(deg: int) -> Iterable[list[int]]:
        for low in range(p ** deg):
            digits = []
            for _i in range(deg):
                low, r = divmod(low, p)
                digits.append(r)
            yield digits + [1]

    for f in monic(k):
        if all(any(_poly_mod(f, h, p)) for deg in range(1, k // 2 + 1) for h in monic(deg)):
            return f
    raise AssertionError("every degree has an irreducible polynomial")
