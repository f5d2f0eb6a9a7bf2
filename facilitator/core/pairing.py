"""Appreciative interview pairing: who interviews whom in a round (docs/pairing.md).

Appreciative Inquiry's Discover phase runs on paired interviews (METHODS.md): everyone is in a
pair, one trio takes the odd person out, and nobody should interview someone they have already
interviewed in an earlier round. ``pair_people`` finds a pairing with the fewest repeated
partners: a maximum matching (Edmonds' blossom algorithm) in the graph of people who have not
yet been partners, seeded from one round of a round-robin (circle method) so that rounds chained
with the same seed follow the round-robin and stay repeat-free for n - 1 rounds when n is even.
``add_late`` and ``remove`` change a pairing during a round without moving anyone else.

Pure: no I/O, no clock. The only chance is a small seeded generator (``seed``), so the same
arguments always give the same pairing, whatever the interpreter's hash seed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from facilitator.core.errors import DomainError
from facilitator.core.rng import Rng as _Rng
from facilitator.i18n import _, ngettext

MAX_PEOPLE = 5000
# Work (trios looked at, plus people squared and earlier pairs per matching tried) that
# pair_people may spend trying other trios for an odd count; bounds the runtime without a clock.
_TRIO_BUDGET = 600_000


@dataclass(frozen=True)
class Pairing:
    """Interview groups for one round: pairs, and at most one trio when ``pair_people`` made it.

    Each group lists its first interviewer first (see ``turns``). ``waiting`` holds a person
    with nobody to interview: only ever someone who is alone in the room. ``repeated`` lists
    the partners in ``groups`` who were partners in an earlier round. ``unavoidable`` is a
    number of repeats no pairing of these people could avoid: ``fewest_repeats``, or for an odd
    count the true fewest when ``pair_people`` proved it. It is ``None`` after ``add_late`` or
    ``remove``, which keep everyone in place rather than re-pair, and when ``pair_people``
    kept people with the same answer apart. ``alike`` lists the partners with the same
    answer (``pair_people``'s ``apart``) that no better pairing could part.
    """

    groups: tuple[tuple[str, ...], ...]
    waiting: tuple[str, ...] = ()
    repeated: tuple[frozenset[str], ...] = ()
    unavoidable: int | None = 0
    alike: tuple[frozenset[str], ...] = ()

    @property
    def repeats(self) -> int:
        """How many pairs of partners in this round were partners before."""
        return len(self.repeated)

    @property
    def people(self) -> list[str]:
        """Everyone in this round, group by group, then anyone waiting."""
        return [p for group in self.groups for p in group] + list(self.waiting)

    def group_of(self, person: str) -> tuple[str, ...] | None:
        """The group ``person`` is in, or ``None`` (not here, or waiting)."""
        for group in self.groups:
            if person in group:
                return group
        return None

    def pairs(self) -> set[frozenset[str]]:
        """Every pair of partners in this round (a trio gives three): the next ``previous``."""
        return {frozenset((a, b)) for group in self.groups
                for i, a in enumerate(group) for b in group[i + 1:]}

    def problems(self) -> list[str]:
        """Sentences for the facilitator: repeated partners, and anyone left waiting."""
        out = [_("%s and %s were partners in an earlier round.") % tuple(sorted(pair))
               for pair in self.repeated]
        if self.repeated and self.unavoidable is not None:
            out.append(ngettext("No pairing of these people has fewer than %d repeat.",
                                "No pairing of these people has fewer than %d repeats.",
                                self.unavoidable) % self.unavoidable)
        out += [_("%s has nobody to interview yet: the next person to arrive pairs with them.")
                % person for person in self.waiting]
        return out


class Role(NamedTuple):
    """One person's two sides of the interview: whom they interview, and who interviews them."""

    interviews: str
    interviewed_by: str


def turns(group: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The interviews in a group, in order, as (interviewer, interviewee).

    A pair (A, B): A interviews B, then they swap. A trio (A, B, C) rotates: A interviews B,
    B interviews C, C interviews A, so a trio needs three interview slots where a pair needs
    two. A group of one has no interviews.
    """
    if len(group) < 2:
        return ()
    if len(group) == 2:
        return ((group[0], group[1]), (group[1], group[0]))
    return tuple((group[i], group[(i + 1) % len(group)]) for i in range(len(group)))


def roles(pairing: Pairing) -> dict[str, Role]:
    """Each grouped person's interviewee and interviewer (people waiting have none)."""
    out: dict[str, Role] = {}
    for group in pairing.groups:
        for i, person in enumerate(group):
            out[person] = Role(interviews=group[(i + 1) % len(group)],
                               interviewed_by=group[(i - 1) % len(group)])
    return out


# -- pairing ---------------------------------------------------------------------------------

def fewest_repeats(people: list[str], previous: Iterable[Iterable[str]] = ()) -> int:
    """A lower bound on the repeated partners of any pairing of ``people``, given ``previous``.

    It is half the people a largest set of fresh pairs leaves out (rounded down). For an even
    count it is exact, and ``pair_people`` always reaches it. With a trio the true fewest can
    be up to two more: ``pair_people`` reports that as ``Pairing.unavoidable`` when it proves it.
    """
    _check_people(people)
    order = sorted(people)
    return _Matcher(order, _meetings(previous)).bound


def pair_people(people: list[str], previous: Iterable[Iterable[str]] = (),
                seed: int = 0, apart: Mapping[str, str] | None = None) -> Pairing:
    """Pair ``people`` for appreciative interviews, avoiding partners from earlier rounds.

    Everyone is in exactly one group: pairs, plus one trio when the count is odd. ``previous``
    holds earlier groups (pairs, or trios, each counted as its three pairs; repeats of the same
    pair count as more meetings); names no longer present are ignored. The pairing has the
    fewest possible repeated partners when the count is even; for an odd count it does when
    the trio costs no repeat or the search over other trios finishes within its budget (always
    for small rooms; docs/pairing.md). Which pairing is chosen depends on the people
    (not their order) and ``seed``: chain rounds with the same seed, adding each round's
    ``Pairing.pairs()`` to ``previous``.

    ``apart`` gives "unlikely pairs": each person's answer to a question such as their role or
    organisation (people without an answer are left out of it). Two people with the same
    answer are then avoided exactly as earlier partners are: the pairing has the fewest pairs
    that either met before or share an answer, so people pair across answers wherever the
    room allows. ``repeated`` still lists only earlier partners and ``alike`` the partners
    with the same answer; ``unavoidable`` is then ``None`` (it would count both).

    :raises DomainError: for fewer than two people, too many, or someone listed twice.
    """
    _check_people(people)
    if len(people) < 2:
        raise DomainError(_("Interviews need at least two people: wait for a partner to join."))
    met = _meetings(previous)
    avoid = met
    same = _same_answers(people, apart or {})
    if same:
        avoid = met.copy()
        avoid.update(same)
    order = sorted(people)
    rng = _Rng(seed)
    rng.shuffle(order)
    matcher = _Matcher(order, avoid)
    groups = matcher.groups()
    unavoidable: int | None = matcher.bound
    if len(order) % 2 and len(_repeated(_names(groups, order), avoid)) > matcher.bound:
        groups, unavoidable = _best_trio(order, avoid, matcher, groups)
    named = []
    for group in sorted(groups, key=min):
        first, second = group[0], group[1]
        if rng.below(2):
            first, second = second, first
        named.append(tuple(order[i] for i in (first, second, *group[2:])))
    position = {p: i for i, p in enumerate(people)}
    named.sort(key=lambda g: min(position[p] for p in g))
    return Pairing(groups=tuple(named), repeated=_repeated(named, met),
                   unavoidable=None if same else unavoidable,
                   alike=_repeated(named, Counter(same)) if same else ())


def _same_answers(people: list[str], apart: Mapping[str, str]) -> list[frozenset[str]]:
    """Every pair of ``people`` who gave the same (non-empty) answer in ``apart``."""
    by_answer: dict[str, list[str]] = {}
    for p in sorted(set(people)):
        value = apart.get(p)
        if value:
            by_answer.setdefault(value, []).append(p)
    return [frozenset((a, b)) for group in by_answer.values()
            for i, a in enumerate(group) for b in group[i + 1:]]


def _names(groups: Iterable[tuple[int, ...]], order: list[str]) -> list[tuple[str, ...]]:
    return [tuple(order[i] for i in g) for g in groups]


def _best_trio(order: list[str], met: Counter[frozenset[str]], matcher: _Matcher,
               groups: list[tuple[int, ...]]) -> tuple[list[tuple[int, ...]], int]:
    """Try other trios when the first one cost repeats (odd counts, crowded histories).

    Any pairing is a trio plus a pairing of the rest, whose fewest repeats a matching gives
    exactly, so trying every trio finds the optimum. A trio with c repeats among its three
    can only help if c <= (repeats now) - bound, since the rest has at least bound - 1. Trios
    are tried fewest-repeats first, within ``_TRIO_BUDGET``; if all were tried the best found
    is the optimum and is returned as the new ``unavoidable``, otherwise the bound stays.
    """
    n, prev, bound = len(order), matcher.prev, matcher.bound
    best = len(_repeated(_names(groups, order), met))
    work = 0
    for c in range(4):
        if c > best - bound or best == bound:
            break
        for i in range(n):
            for j in range(i + 1, n):
                rij = j in prev[i]
                if rij > c:
                    continue
                work += n - j
                if work > _TRIO_BUDGET:
                    return groups, bound
                for k in range(j + 1, n):
                    if rij + (k in prev[i]) + (k in prev[j]) != c:
                        continue
                    work += n * n + len(met)
                    if work > _TRIO_BUDGET:
                        return groups, bound
                    rest = [order[x] for x in range(n) if x not in (i, j, k)]
                    sub = _Matcher(rest, met)
                    if c + sub.bound < best:
                        back = {p: x for x, p in enumerate(order)}
                        groups = [tuple(back[rest[x]] for x in g) for g in sub.groups()]
                        groups.append((i, j, k))
                        best = c + sub.bound
                        if best == bound or c > best - bound:
                            return groups, best
    return groups, best


def add_late(pairing: Pairing, person: str, previous: Iterable[Iterable[str]] = ()) -> Pairing:
    """``person`` arrives during the round; the others stay where they are where possible.

    They pair with someone waiting, or else join a pair as the third of a trio (the pair where
    they meet nobody again, then the first). Only when every group is already a trio does one
    trio member move, to pair with them (that trio becomes a pair). With nobody else in the
    room they wait. The newcomer is last in their group, so an interview under way goes on.

    :raises DomainError: if ``person`` is already in the round.
    """
    if person in pairing.people:
        raise DomainError(_("%s is already in this round.") % person)
    met = _meetings(previous)
    groups, waiting = _place(list(pairing.groups), list(pairing.waiting), person, met)
    return Pairing(groups=tuple(groups), waiting=tuple(waiting),
                   repeated=_repeated(groups, met), unavoidable=None)


def remove(pairing: Pairing, person: str, previous: Iterable[Iterable[str]] = ()) -> Pairing:
    """``person`` leaves during the round; only their partner, if left alone, moves.

    A trio loses them and goes on as a pair. A partner left alone is placed as ``add_late``
    places a newcomer: with someone waiting, else as the third of a pair, else (every group a
    trio) with a trio member, else waiting if nobody else is here.

    :raises DomainError: if ``person`` is not in the round.
    """
    if person in pairing.waiting:
        return Pairing(groups=pairing.groups,
                       waiting=tuple(p for p in pairing.waiting if p != person),
                       repeated=pairing.repeated, unavoidable=None)
    group = pairing.group_of(person)
    if group is None:
        raise DomainError(_("%s is not in this round.") % person)
    met = _meetings(previous)
    groups = list(pairing.groups)
    at = groups.index(group)
    rest = tuple(p for p in group if p != person)
    waiting = list(pairing.waiting)
    if len(rest) >= 2:
        groups[at] = rest
    else:
        del groups[at]
        for orphan in rest:
            groups, waiting = _place(groups, waiting, orphan, met)
    return Pairing(groups=tuple(groups), waiting=tuple(waiting),
                   repeated=_repeated(groups, met), unavoidable=None)


def _place(groups: list[tuple[str, ...]], waiting: list[str], person: str,
           met: Counter[frozenset[str]]) -> tuple[list[tuple[str, ...]], list[str]]:
    """Put ``person`` into a round without moving anyone if that can be done."""
    def cost(others: Iterable[str]) -> tuple[int, int]:
        counts = [met.get(frozenset((person, x)), 0) for x in others]
        return (sum(c > 0 for c in counts), sum(counts))

    groups, waiting = list(groups), list(waiting)
    if waiting:
        partner = min(waiting, key=lambda w: (cost([w]), waiting.index(w)))
        waiting.remove(partner)
        groups.append((partner, person))
    elif any(len(g) == 2 for g in groups):
        at = min((i for i, g in enumerate(groups) if len(g) == 2),
                 key=lambda i: (cost(groups[i]), i))
        groups[at] = (*groups[at], person)
    elif groups:
        # Every group is a trio (or larger): one member leaves theirs to pair with ``person``.
        at, member = min(((i, j) for i, g in enumerate(groups) for j in range(len(g))),
                         key=lambda ij: (cost([groups[ij[0]][ij[1]]]), ij[0], -ij[1]))
        mover = groups[at][member]
        groups[at] = tuple(p for p in groups[at] if p != mover)
        groups.append((mover, person))
    else:
        waiting.append(person)
    return groups, waiting


def _check_people(people: list[str]) -> None:
    if not people:
        raise DomainError(_("There is nobody to pair yet."))
    if len(people) > MAX_PEOPLE:
        raise DomainError(_("At most %d people can be paired.") % MAX_PEOPLE)
    if len(set(people)) != len(people):
        raise DomainError(_("Someone is listed twice: each person is in one interview group."))


def _meetings(previous: Iterable[Iterable[str]]) -> Counter[frozenset[str]]:
    """How often each pair were partners: every pair within each earlier group counts once."""
    met: Counter[frozenset[str]] = Counter()
    for group in previous:
        if isinstance(group, str):
            raise TypeError("previous holds groups of names, not single names")
        members = sorted(set(group))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                met[frozenset((a, b))] += 1
    return met


def _repeated(groups: Iterable[tuple[str, ...]],
              met: Counter[frozenset[str]]) -> tuple[frozenset[str], ...]:
    out = []
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pair = frozenset((a, b))
                if met.get(pair, 0):
                    out.append(pair)
    return tuple(out)


class _Matcher:
    """A maximum matching among people 0..n-1 (named by ``order``) avoiding earlier partners.

    ``fresh(u, v)``: u and v were never partners. The matching starts from the round of the
    circle-method round-robin on ``order`` (with a phantom for an odd count) that holds the
    fewest earlier pairs, is made maximal greedily, then maximum by Edmonds' augmenting paths.
    Unmatched people then pair among themselves (every such pair is a repeat); with an odd
    count one of them joins a pair as the third of the trio.
    """

    def __init__(self, order: list[str], met: Counter[frozenset[str]]) -> None:
        self.n = n = len(order)
        self.order = order
        index = {p: i for i, p in enumerate(order)}
        self.prev: list[set[int]] = [set() for _i in range(n)]
        self.count: dict[tuple[int, int], int] = {}
        for pair, c in met.items():
            a, b = pair
            if a in index and b in index:
                u, v = index[a], index[b]
                self.prev[u].add(v)
                self.prev[v].add(u)
                self.count[(u, v)] = self.count[(v, u)] = c
        # Circle method on m = n (even) or n + 1 (odd, the phantom is index n) people: the
        # fixed point is m - 1, the others sit on a circle of M = m - 1 (odd) places.
        self.m = n + n % 2
        self.M = self.m - 1
        self.used = [0] * max(1, self.M)
        for u in range(n):
            for v in self.prev[u]:
                if u < v:
                    self.used[self._factor(u, v)] += 1
        self.match = [-1] * n
        self._start()
        self._augment()
        self.bound = n // 2 - sum(m >= 0 for m in self.match) // 2

    def _factor(self, u: int, v: int) -> int:
        """The round of the circle-method round-robin in which u and v are partners."""
        if u == self.M:
            return v
        if v == self.M:
            return u
        return (u + v) * ((self.M + 1) // 2) % self.M

    def _start(self) -> None:
        n, match, prev = self.n, self.match, self.prev
        k = min(range(len(self.used)), key=lambda f: (self.used[f], f))
        edges = [(self.M, k)] + [((k + i) % self.M, (k - i) % self.M)
                                 for i in range(1, self.m // 2)]
        for u, v in edges:
            if u < n and v < n and v not in prev[u]:
                match[u], match[v] = v, u
        free = [v for v in range(n) if match[v] < 0]
        for i, v in enumerate(free):
            if match[v] >= 0:
                continue
            for u in free[i + 1:]:
                if match[u] < 0 and u not in prev[v]:
                    match[u], match[v] = v, u
                    break

    def _augment(self) -> None:
        """Grow the matching to maximum: one search from each unmatched person."""
        match = self.match
        free = [v for v in range(self.n) if match[v] < 0]
        for root in list(free):
            if len(free) <= self.n % 2:
                break
            if match[root] >= 0:
                continue
            end, parent = self._search(root, free)
            if end < 0:
                continue  # no augmenting path from root now, nor after later augmentations
            free.remove(root)
            free.remove(end)
            v = end
            while v >= 0:
                pv = parent[v]
                ppv = match[pv]
                match[v], match[pv] = pv, v
                v = ppv

    def _search(self, root: int, free: list[int]) -> tuple[int, list[int]]:
        """Edmonds' search for an augmenting path from ``root`` (e-maxx formulation).

        Fresh edges are implicit (everyone except earlier partners). Each vertex taken from
        the queue first looks for an unmatched fresh partner, which ends the search at once:
        in a room where most pairs are fresh the path is found without building blossoms.
        """
        n, match, prev = self.n, self.match, self.prev
        base = list(range(n))
        parent = [-1] * n
        used = [False] * n
        used[root] = True
        queue = [root]
        head = 0

        def lca(a: int, b: int) -> int:
            seen = [False] * n
            while True:
                a = base[a]
                seen[a] = True
                if match[a] < 0:
                    break
                a = parent[match[a]]
            while True:
                b = base[b]
                if seen[b]:
                    return b
                b = parent[match[b]]

        def mark(v: int, b: int, child: int, blossom: list[bool]) -> None:
            while base[v] != b:
                blossom[base[v]] = blossom[base[match[v]]] = True
                parent[v] = child
                child = match[v]
                v = parent[match[v]]

        while head < len(queue):
            v = queue[head]
            head += 1
            pv = prev[v]
            for f in free:
                if f != root and f not in pv and parent[f] < 0:
                    parent[f] = v
                    return f, parent
            for to in range(n):
                if to == v or to in pv or base[v] == base[to] or match[v] == to:
                    continue
                if to == root or (match[to] >= 0 and parent[match[to]] >= 0):
                    b = lca(v, to)
                    blossom = [False] * n
                    mark(v, b, to, blossom)
                    mark(to, b, v, blossom)
                    for i in range(n):
                        if blossom[base[i]]:
                            base[i] = b
                            if not used[i]:
                                used[i] = True
                                queue.append(i)
                elif parent[to] < 0:
                    parent[to] = v
                    if match[to] < 0:
                        return to, parent
                    used[match[to]] = True
                    queue.append(match[to])
        return -1, parent

    def _met(self, u: int, v: int) -> int:
        return self.count.get((u, v), 0)

    def groups(self) -> list[tuple[int, ...]]:
        """The matching as groups (index order), the unmatched paired up, the trio formed."""
        n, match = self.n, self.match
        pairs = [(v, match[v]) for v in range(n) if 0 <= v < match[v]]
        free = [v for v in range(n) if match[v] < 0]
        trio: tuple[int, ...] | None = None
        if n % 2 and pairs:
            # The odd one out joins the pair where they meet nobody again; among equals, the
            # pair whose two new partnerships lie in the most-used rounds of the round-robin,
            # keeping the least-used rounds whole for later.
            def key(choice: tuple[int, int]) -> tuple[int, int, int, int, int]:
                w, at = choice
                a, b = pairs[at]
                fa, fb = self._met(w, a), self._met(w, b)
                spoil = self.used[self._factor(w, a)] + self.used[self._factor(w, b)]
                return ((fa > 0) + (fb > 0), fa + fb, -spoil, w, at)

            w, at = min(((w, at) for w in free for at in range(len(pairs))), key=key)
            trio = (*pairs[at], w)
            del pairs[at]
            free.remove(w)
        # Whoever is left has been partners with everyone else left: pair the least-met first.
        left = list(free)
        while len(left) >= 2:
            v = left.pop(0)
            u = min(left, key=lambda x: (self._met(v, x), x))
            left.remove(u)
            pairs.append((v, u))
        out: list[tuple[int, ...]] = list(pairs)
        if left:  # odd count and no pair at all was fresh: the last joins the best group
            w = left[0]
            at = min(range(len(out)), key=lambda i: (sum(self._met(w, x) for x in out[i]), i))
            trio = (*out[at], w)
            del out[at]
        if trio is not None:
            out.append(trio)
        return sorted(out, key=min)


# -- small groups ----------------------------------------------------------------------------

def _spread(n: int, k: int) -> list[int]:
    """``n`` people in ``k`` groups as evenly as possible: the larger groups first."""
    q, r = divmod(n, k)
    return [q + 1] * r + [q] * (k - r)


def _deviation(sizes: Sequence[int], size: int) -> tuple[int, int]:
    """How far group sizes stray from ``size``: the worst, then the total."""
    return (max(abs(s - size) for s in sizes), sum(abs(s - size) for s in sizes))


def _group_counts(n: int, size: int) -> list[int]:
    """Numbers of groups worth trying for ``n`` people, best spread first."""
    low, high = max(1, n // (size + 1)), max(1, -(-n // max(1, size - 1)))
    counts = range(low, min(n, high + 1) + 1)
    return sorted(counts, key=lambda k: (*_deviation(_spread(n, k), size), abs(k * size - n), k))


def group_sizes(n: int, size: int) -> list[int]:
    """How many people each small group has when ``n`` people meet in groups of about ``size``.

    The remainder is spread: 7 people at size 4 make 4 and 3, never 7; 9 make 5 and 4. No
    group is more than one above or below ``size`` whenever some number of groups allows it,
    which is always the case for sizes 2 to 4 and for rooms of at least ``size * (size - 2) / 2``
    people; fewer people than a group meet as one group. Where no number of groups keeps
    every group within one (10 to 13 people at size 8: one group of 10 to 13, or two of 5 to
    7), the sizes stray the least possible. Larger groups come first.

    :raises DomainError: for no people or a size below 2.
    """
    if n < 1:
        raise DomainError(_("There is nobody to put in groups yet."))
    if size < 2:
        raise DomainError(_("A small group has at least two people."))
    return _spread(n, _group_counts(n, size)[0])


def small_groups(units: Sequence[Sequence[str]], size: int) -> list[list[str]]:
    """Put interview pairs (and trios, and anyone waiting) into small groups of about ``size``.

    The group sizes are ``group_sizes(people, size)``, or another spread that strays no more
    from ``size`` and keeps every pair whole. Otherwise pairs are kept whole wherever they fit
    and the few that do not (at most one per group) are shared between two groups. Everyone
    is in exactly one group.

    :raises DomainError: for nobody, a size below 2, or someone listed twice.
    """
    people = [p for unit in units for p in unit]
    if len(set(people)) != len(people):
        raise DomainError(_("Someone is listed twice: each person is in one group."))
    n = len(people)
    target = group_sizes(n, size)
    limit = _deviation(target, size)[0]
    ordered = sorted((list(u) for u in units if u), key=len, reverse=True)
    for k in _group_counts(n, size)[:3]:
        if _deviation(_spread(n, k), size)[0] > limit:
            break
        bins: list[list[str]] = [[] for _i in range(k)]
        for unit in ordered:  # longest units first, each into the smallest group so far
            min(bins, key=len).extend(unit)
        if bins and _deviation([len(b) for b in bins], size)[0] <= limit:
            return sorted(bins, key=len, reverse=True)
    rooms = list(target)
    groups: list[list[str]] = [[] for _i in rooms]
    left: list[list[str]] = []
    for unit in ordered:
        fits = [i for i, room in enumerate(rooms) if room >= len(unit)]
        if not fits:
            left.append(unit)
            continue
        at = min(fits, key=lambda i: (rooms[i] - len(unit), i))
        groups[at].extend(unit)
        rooms[at] -= len(unit)
    for unit in left:  # a pair that fits nowhere whole is shared between two groups
        for person in unit:
            at = max(range(len(rooms)), key=lambda i: (rooms[i], -i))
            groups[at].append(person)
            rooms[at] -= 1
    return groups
