"""Appreciative interview pairing (facilitator/core/pairing.py, docs/pairing.md)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.errors import DomainError
from facilitator.core.pairing import (
    Pairing,
    Role,
    add_late,
    fewest_repeats,
    group_sizes,
    pair_people,
    remove,
    roles,
    small_groups,
    turns,
)

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def names(n: int) -> list[str]:
    return [f"p{i:02d}" for i in range(n)]


@st.composite
def rooms(draw: st.DrawFn, low: int = 2, high: int = 40) -> dict:
    """Arguments for pair_people: people in any order, earlier pairs and trios (some with
    people who have left), a seed."""
    n = draw(st.integers(low, high))
    people = draw(st.permutations(names(n)))
    pool = list(people) + ["gone1", "gone2"]
    groups = draw(st.lists(st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True),
                           max_size=n * 2))
    previous = [frozenset(g) for g in groups]
    return {"people": list(people), "previous": previous, "seed": draw(st.integers(0, 2**32))}


def meetings(previous: list[frozenset[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in previous for p in itertools.combinations(sorted(g), 2)}


def check_groups(pairing: Pairing, people: list[str]) -> None:
    """Everyone in exactly one group; pairs, plus one trio exactly when the count is odd."""
    assert sorted(pairing.people) == sorted(people)
    assert pairing.waiting == ()
    sizes = sorted(len(g) for g in pairing.groups)
    if len(people) % 2:
        assert sizes == [2] * (len(people) // 2 - 1) + [3]
    else:
        assert sizes == [2] * (len(people) // 2)


def brute_force_fewest(people: list[str], met: set[frozenset[str]]) -> int:
    """The fewest repeats over every grouping into pairs plus (odd count) one trio."""
    def groupings(rest: list[str], trio: bool) -> Iterator[list[tuple[str, ...]]]:
        if not rest:
            if not trio:
                yield []
            return
        a = rest[0]
        if trio:
            for i, j in itertools.combinations(range(1, len(rest)), 2):
                others = [p for k, p in enumerate(rest) if k not in (0, i, j)]
                for g in groupings(others, False):
                    yield [(a, rest[i], rest[j]), *g]
        for i in range(1, len(rest)):
            for g in groupings(rest[1:i] + rest[i + 1:], trio):
                yield [(a, rest[i]), *g]

    return min(sum(frozenset(p) in met for g in grouping for p in itertools.combinations(g, 2))
               for grouping in groupings(people, len(people) % 2 == 1))


# -- pair_people's guarantees ----------------------------------------------------------------

@PROPERTY
@given(rooms())
def test_everyone_is_in_one_group_of_two_or_the_one_trio(args: dict) -> None:
    check_groups(pair_people(**args), args["people"])


@PROPERTY
@given(rooms())
def test_repeats_are_reported_and_never_avoidable_for_an_even_count(args: dict) -> None:
    pairing = pair_people(**args)
    met = meetings(args["previous"])
    assert set(pairing.repeated) == pairing.pairs() & met
    assert pairing.repeats == len(pairing.repeated)
    bound = fewest_repeats(args["people"], args["previous"])
    assert pairing.repeats >= pairing.unavoidable >= bound
    assert pairing.unavoidable <= bound + 2
    if len(args["people"]) % 2 == 0:
        assert pairing.repeats == pairing.unavoidable == bound


@settings(max_examples=150, deadline=None)
@given(rooms(2, 9))
def test_small_rooms_reach_the_true_fewest_repeats(args: dict) -> None:
    pairing = pair_people(**args)
    best = brute_force_fewest(args["people"], meetings(args["previous"]))
    assert pairing.repeats == best
    assert pairing.unavoidable == best
    assert (pairing.problems() == []) == (best == 0)


@PROPERTY
@given(rooms())
def test_same_arguments_same_pairing_and_order_does_not_matter(args: dict) -> None:
    pairing = pair_people(**args)
    assert pair_people(**args) == pairing
    shuffled = pair_people(list(reversed(args["people"])), args["previous"], args["seed"])
    assert set(shuffled.groups) == set(pairing.groups)


def test_same_pairing_whatever_the_hash_seed() -> None:
    script = (
        "from facilitator.core.pairing import pair_people\n"
        "people = [f'person {i}' for i in range(23)]\n"
        "previous = {frozenset((people[i], people[(i * 7 + 3) % 23])) for i in range(23)}\n"
        "print(pair_people(people, previous, seed=7).groups)\n"
    )
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1


def test_pairing_and_advice_import_no_clock_randomness_or_io() -> None:
    blocked = ["random", "time", "datetime", "secrets", "socket", "sqlite3", "flask",
               "flask_socketio", "socketio", "eventlet"]
    script = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {blocked!r}:\n"
        "            raise ImportError('pairing imported ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import facilitator.core.pairing as p, facilitator.core.affirmative as a\n"
        "print(len(p.pair_people(['a', 'b', 'c']).groups), len(a.deficit_advice('stop')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1 1"


# -- rounds chained --------------------------------------------------------------------------

def chain(people: list[str], rounds: int, seed: int = 0) -> list[Pairing]:
    previous: set[frozenset[str]] = set()
    out = []
    for _r in range(rounds):
        pairing = pair_people(people, previous, seed=seed)
        out.append(pairing)
        previous |= pairing.pairs()
    return out


def test_eight_people_meet_everyone_once_in_seven_rounds() -> None:
    rounds = chain(names(8), 7)
    assert [p.repeats for p in rounds] == [0] * 7
    met = [pair for p in rounds for pair in p.pairs()]
    assert len(met) == len(set(met)) == 28  # a round-robin: every pair exactly once


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2**32))
def test_even_rooms_chained_are_repeat_free_for_n_minus_1_rounds(half: int, seed: int) -> None:
    n = 2 * half
    rounds = chain(names(n), n - 1, seed)
    assert all(p.repeats == 0 for p in rounds)
    assert len({pair for p in rounds for pair in p.pairs()}) == n * (n - 1) // 2


@pytest.mark.parametrize("n", [3, 5, 7, 9, 11, 13, 15, 17, 19, 21])
def test_odd_rooms_chained_stay_repeat_free_for_the_documented_rounds(n: int) -> None:
    # A trio meets three pairs in a round, so fewer repeat-free rounds exist than for an even
    # count; 3 and 5 people cannot have two (the trio's three have all met).
    expected = 1 if n <= 5 else (n - 1) // 2
    rounds = chain(names(n), expected + 1)
    assert [p.repeats for p in rounds[:expected]] == [0] * expected
    if n <= 5:
        assert rounds[expected].repeats == rounds[expected].unavoidable > 0


def test_a_thousand_people_pair_without_repeats() -> None:
    # how fast: bench/algorithms.py (measured there, not asserted here)
    people = [f"person {i}" for i in range(1000)]
    for count in (1000, 999):
        previous: set[frozenset[str]] = set()
        for seed in range(5):
            pairing = pair_people(people[:count], previous, seed=seed)
            assert pairing.repeats == 0
            previous |= pairing.pairs()
        check_groups(pairing, people[:count])


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("people", "start"), [
    ([], "There is nobody to pair"),
    (["Ann"], "Interviews need at least two people"),
    (["Ann", "Bob", "Ann"], "Someone is listed twice"),
])
def test_impossible_rooms_are_refused_with_a_sentence(people: list[str], start: str) -> None:
    with pytest.raises(DomainError) as refused:
        pair_people(people)
    assert refused.value.message.startswith(start)


def test_a_repeat_is_explained() -> None:
    pairing = pair_people(["Ann", "Bob"], [frozenset(("Ann", "Bob"))])
    assert pairing.repeated == (frozenset(("Ann", "Bob")),)
    assert pairing.problems() == ["Ann and Bob were partners in an earlier round.",
                                  "No pairing of these people has fewer than 1 repeat."]


# -- late arrivals and leavers ---------------------------------------------------------------

def check_live(pairing: Pairing, people: set[str]) -> None:
    """Everyone present once; groups of two or three; a person waits only when alone."""
    assert sorted(pairing.people) == sorted(people)
    assert all(len(g) in (2, 3) for g in pairing.groups)
    assert len(pairing.waiting) == (1 if len(people) == 1 else 0)


def only_change(before: Pairing, after: Pairing, person: str) -> None:
    """Every earlier group is still there, apart from at most one which gained ``person``,
    or (only when every group was a trio) one trio that lost a member to pair with them."""
    old, new = list(before.groups), list(after.groups)
    kept = [g for g in old if g in new]
    changed = [g for g in old if g not in new]
    assert len(changed) <= 1
    for g in changed:
        if (*g, person) in new:
            continue
        assert all(len(x) == 3 for x in old if x != g) and len(g) == 3
        trimmed = [x for x in new if len(x) == 2 and set(x) < set(g)]
        assert len(trimmed) == 1
        (mover,) = set(g) - set(trimmed[0])
        assert (mover, person) in new
    assert len(kept) >= len(old) - 1


@PROPERTY
@given(rooms(2, 20), st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=12))
def test_late_arrivals_and_leavers_move_nobody_else(args: dict,
                                                    changes: list[tuple[bool, int]]) -> None:
    pairing = pair_people(**args)
    present = set(args["people"])
    newcomers = iter(f"late{i}" for i in range(100))
    for arriving, pick in changes:
        if arriving or len(present) == 1:
            person = next(newcomers)
            after = add_late(pairing, person, args["previous"])
            only_change(pairing, after, person)
            present.add(person)
        else:
            person = sorted(present)[pick % len(present)]
            group = pairing.group_of(person) or ()
            after = remove(pairing, person, args["previous"])
            present.discard(person)
            assert person not in after.people
            without = Pairing(groups=tuple(tuple(p for p in g if p != person) if g == group else g
                                           for g in pairing.groups if g != group or len(g) > 2))
            if len(group) == 2:
                (partner,) = set(group) - {person}
                only_change(without, after, partner)
            else:
                assert after.groups == without.groups
        check_live(after, present)
        assert set(after.repeated) == after.pairs() & meetings(args["previous"])
        assert after.unavoidable is None
        pairing = after


def test_a_newcomer_joins_a_pair_they_have_not_met() -> None:
    pairing = Pairing(groups=(("Ann", "Bob"), ("Cy", "Dee")))
    after = add_late(pairing, "Eve", [frozenset(("Eve", "Ann"))])
    assert after.groups == (("Ann", "Bob"), ("Cy", "Dee", "Eve"))
    assert after.repeated == ()


def test_a_newcomer_pairs_with_someone_waiting() -> None:
    alone = remove(Pairing(groups=(("Ann", "Bob"),)), "Bob")
    assert alone.groups == () and alone.waiting == ("Ann",)
    assert alone.problems() == ["Ann has nobody to interview yet: the next person to arrive "
                                "pairs with them."]
    assert add_late(alone, "Cy").groups == (("Ann", "Cy"),)


def test_a_leavers_partner_joins_another_pair_and_a_trio_shrinks() -> None:
    pairing = Pairing(groups=(("Ann", "Bob"), ("Cy", "Dee"), ("Eve", "Fay", "Gus")))
    after = remove(pairing, "Ann")
    assert after.groups == (("Cy", "Dee", "Bob"), ("Eve", "Fay", "Gus"))
    assert remove(pairing, "Fay").groups == (("Ann", "Bob"), ("Cy", "Dee"), ("Eve", "Gus"))


def test_when_every_group_is_a_trio_one_member_pairs_with_the_newcomer() -> None:
    pairing = Pairing(groups=(("Ann", "Bob", "Cy"),))
    assert add_late(pairing, "Dee").groups == (("Ann", "Bob"), ("Cy", "Dee"))


def test_live_changes_refuse_with_a_sentence() -> None:
    pairing = pair_people(["Ann", "Bob"])
    with pytest.raises(DomainError, match="Ann is already in this round"):
        add_late(pairing, "Ann")
    with pytest.raises(DomainError, match="Zed is not in this round"):
        remove(pairing, "Zed")


# -- interview roles -------------------------------------------------------------------------

def test_a_pair_swaps_and_a_trio_rotates() -> None:
    assert turns(("A", "B")) == (("A", "B"), ("B", "A"))
    assert turns(("A", "B", "C")) == (("A", "B"), ("B", "C"), ("C", "A"))
    assert turns(("A",)) == ()
    found = roles(Pairing(groups=(("A", "B"), ("C", "D", "E"))))
    assert found == {"A": Role("B", "B"), "B": Role("A", "A"), "C": Role("D", "E"),
                     "D": Role("E", "C"), "E": Role("C", "D")}


@PROPERTY
@given(rooms())
def test_everyone_interviews_once_and_is_interviewed_once(args: dict) -> None:
    pairing = pair_people(**args)
    done = [t for g in pairing.groups for t in turns(g)]
    assert sorted(a for a, _b in done) == sorted(args["people"])
    assert sorted(b for _a, b in done) == sorted(args["people"])
    assert all(a != b and pairing.group_of(a) == pairing.group_of(b) for a, b in done)
    found = roles(pairing)
    assert set(found) == set(args["people"])
    assert {(p, r.interviews) for p, r in found.items()} == set(done)
    assert {(r.interviewed_by, p) for p, r in found.items()} == set(done)


# -- small groups for the themes (group_sizes, small_groups) ---------------------------------

def _best_worst(n: int, size: int) -> int:
    """By brute force over every number of groups: the least worst distance from ``size``."""
    best = n + size
    for k in range(1, n + 1):
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
        best = min(best, max(abs(s - size) for s in sizes))
    return best


def test_seven_people_at_size_four_make_four_and_three() -> None:
    assert group_sizes(7, 4) == [4, 3]
    assert sorted(map(len, small_groups([("a", "b"), ("c", "d", "e"), ("f", "g")], 4))) == [3, 4]


def test_group_sizes_for_every_count_and_size() -> None:
    """1 to 200 people, sizes 2 to 8: everyone placed once, the remainder spread (sizes differ
    by at most one), and no group more than one above or below its size wherever some
    number of groups allows it; where none does, the least distance possible."""
    impossible = set()
    for size in range(2, 9):
        for n in range(1, 201):
            sizes = group_sizes(n, size)
            assert sum(sizes) == n and min(sizes) >= 1
            assert max(sizes) - min(sizes) <= 1
            worst = max(abs(s - size) for s in sizes)
            best = _best_worst(n, size)
            assert worst == best
            if n < size - 1:
                assert sizes == [n]  # fewer people than a group meet as one group
            elif best > 1:
                impossible.add((size, n))
            else:
                assert worst <= 1
    # where no grouping keeps every group within one of its size (stated in docs/pairing.md)
    assert impossible == {(5, 7), (6, 8), (6, 9), (7, 9), (7, 10), (7, 11), (7, 17),
                          (8, 10), (8, 11), (8, 12), (8, 13), (8, 19), (8, 20)}


@st.composite
def interview_units(draw: st.DrawFn) -> list[tuple[str, ...]]:
    """A round's groups as ``pair_people``, ``add_late`` and ``remove`` leave them: pairs,
    some trios, perhaps someone waiting."""
    pairs = draw(st.integers(0, 60))
    trios = draw(st.integers(0, 4))
    waiting = draw(st.integers(0, 1))
    people = iter(names(pairs * 2 + trios * 3 + waiting))
    units = [tuple(next(people) for _i in range(2)) for _p in range(pairs)]
    units += [tuple(next(people) for _i in range(3)) for _t in range(trios)]
    units += [(next(people),) for _w in range(waiting)]
    return draw(st.permutations(units)) if units else units


@given(units=interview_units(), size=st.integers(2, 8))
@PROPERTY
def test_small_groups_spread_people_and_keep_pairs_whole(units: list[tuple[str, ...]],
                                                         size: int) -> None:
    n = sum(map(len, units))
    if n == 0:
        with pytest.raises(DomainError):
            small_groups(units, size)
        return
    groups = small_groups(units, size)
    placed = [p for g in groups for p in g]
    assert sorted(placed) == sorted(p for u in units for p in u)  # everyone exactly once
    worst = max(abs(len(g) - size) for g in groups)
    assert worst <= max(abs(s - size) for s in group_sizes(n, size))
    where = {p: i for i, g in enumerate(groups) for p in g}
    split = [u for u in units if len({where[p] for p in u}) > 1]
    assert len(split) <= len(groups)  # at most one shared pair per group
    if all(len(u) == 2 for u in units) and size % 2 == 0 and n % size == 0:
        assert not split  # pairs fill even groups exactly: nobody is parted from a partner


# -- unlikely pairs (pair_people's apart) -----------------------------------------------------

@given(n=st.integers(1, 30).map(lambda k: 2 * k), answers=st.integers(1, 4),
       data=st.data())
@PROPERTY
def test_unlikely_pairs_pair_across_answers_wherever_the_room_allows(
        n: int, answers: int, data: st.DataObject) -> None:
    people = names(n)
    apart = {p: data.draw(st.sampled_from(["staff", "resident", "council", "youth"][:answers]))
             for p in people}
    pairing = pair_people(people, apart=apart, seed=data.draw(st.integers(0, 5)))
    assert sorted(pairing.people) == sorted(people)
    alike = [pair for pair in pairing.pairs() if len({apart[p] for p in pair}) == 1]
    assert sorted(map(sorted, pairing.alike)) == sorted(map(sorted, alike))
    largest = max(list(apart.values()).count(a) for a in set(apart.values()))
    # the fewest same-answer pairs any pairing has: the largest answer's surplus, halved
    assert len(alike) == max(0, 2 * largest - n) // 2
    assert pairing.repeated == ()  # nobody met before: alike pairs are not called repeats


def test_unlikely_pairs_still_avoid_earlier_partners_and_ignore_people_without_answers() -> None:
    people = names(6)
    first = pair_people(people, apart={"p00": "staff", "p01": "staff"})
    assert frozenset(("p00", "p01")) not in first.pairs()
    second = pair_people(people, first.pairs(), apart={"p00": "staff", "p01": "staff"})
    assert second.repeats == 0 and not second.pairs() & first.pairs()
    assert frozenset(("p00", "p01")) not in second.pairs()
    assert pair_people(people, apart={}).unavoidable == 0  # no answers: as before
