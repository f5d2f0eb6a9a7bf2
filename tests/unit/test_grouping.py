"""1-2-4-All grouping (facilitator/core/grouping.py): pairs, fours made of pairs, late arrivals."""

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.grouping import Grouping, add_late, form_fours, form_pairs


def people(n: int) -> list[str]:
    return [f"p{i + 1}" for i in range(n)]


def check(grouping: Grouping, everyone: list[str]) -> None:
    """Everyone in exactly one pair and one four; no lone person; fours made of pairs."""
    n = len(everyone)
    for groups in (grouping.pairs, grouping.fours):
        members = [p for g in groups for p in g]
        assert sorted(members) == sorted(everyone)  # each exactly once
        if n >= 2:
            assert min(len(g) for g in groups) >= 2  # never a lone person
    if n >= 3:
        assert {len(g) for g in grouping.pairs} <= {2, 3}
        assert sum(len(g) == 3 for g in grouping.pairs) == n % 2  # one trio for an odd count
        assert {len(g) for g in grouping.fours} <= {3, 4, 5}
    # fours are built from pairs: every pair sits whole inside one four, except, when the
    # number of pairs is odd and none is a trio, the one left-over pair split over two fours
    split = [pair for pair in grouping.pairs
             if not any(set(pair) <= set(four) for four in grouping.fours)]
    if n % 4 == 2 and n >= 6:
        assert len(split) == 1 and len(split[0]) == 2
        a, b = split[0]
        assert grouping.four_of(a) != grouping.four_of(b)
    else:
        assert split == []


def test_every_room_from_1_to_200_people() -> None:
    for n in range(1, 201):
        everyone = people(n)
        pairs = form_pairs(everyone, seed=n)
        grouping = Grouping(pairs, form_fours(pairs))
        check(grouping, everyone)
        if n == 1:
            assert grouping.pairs == (("p1",),)  # alone in the room: waits for a partner


def test_small_rooms_sizes() -> None:
    sizes = {n: sorted(len(g) for g in form_fours(form_pairs(people(n), seed=3)))
             for n in (2, 3, 5, 6, 7, 9, 10)}
    assert sizes == {2: [2], 3: [3], 5: [5], 6: [3, 3], 7: [3, 4], 9: [4, 5], 10: [5, 5]}


def test_pairs_depend_only_on_the_seed() -> None:
    assert form_pairs(people(30), seed=7) == form_pairs(people(30), seed=7)
    assert form_pairs(people(30), seed=7) != form_pairs(people(30), seed=8)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 200), late=st.integers(1, 12), seed=st.integers(0, 2**32),
       fours_first=st.booleans())
def test_late_arrivals_change_no_one_elses_group(n: int, late: int, seed: int,
                                                fours_first: bool) -> None:
    everyone = people(n)
    pairs = form_pairs(everyone, seed=seed)
    grouping = Grouping(pairs, form_fours(pairs) if fours_first else ())
    for i in range(late):
        newcomer = f"late{i}"
        after = add_late(grouping, newcomer)
        # groups keep their numbers and only grow, by the newcomer alone
        steps = [(grouping.pairs, after.pairs)]
        if fours_first:
            steps.append((grouping.fours, after.fours))
        else:
            assert after.fours == ()
        for before_groups, after_groups in steps:
            assert len(after_groups) == len(before_groups)
            grew = [j for j, (b, a) in enumerate(zip(before_groups, after_groups, strict=True))
                    if b != a]
            assert len(grew) == 1
            j = grew[0]
            assert after_groups[j] == before_groups[j] + (newcomer,)
        if fours_first:  # the newcomer's pair is inside the newcomer's four
            assert set(after.pairs[after.pair_of(newcomer)]) <= set(
                after.fours[after.four_of(newcomer)]) or n % 4 == 2
        everyone.append(newcomer)
        grouping = after
        assert add_late(grouping, newcomer) == grouping  # placing twice changes nothing
    for groups in (grouping.pairs, grouping.fours) if fours_first else (grouping.pairs,):
        assert sorted(p for g in groups for p in g) == sorted(everyone)
        assert min(len(g) for g in groups) >= 2


def test_a_lone_person_gets_the_next_arrival() -> None:
    grouping = Grouping(form_pairs(["a"]))
    assert add_late(grouping, "b").pairs == (("a", "b"),)


def test_round_trip() -> None:
    pairs = form_pairs(people(11), seed=1)
    g = Grouping(pairs, form_fours(pairs))
    assert Grouping.from_dict(g.to_dict()) == g
