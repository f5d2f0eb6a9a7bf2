"""Time the pure planners of the methods on large rooms (the tests check what they do; this
measures how fast). World Café seating has its own: bench/seating.py.

    python bench/algorithms.py            # median of 3 runs each
    python bench/algorithms.py --runs 5

- Appreciative Inquiry pairing: 1,000 and 999 people, 5 rounds chained (no repeat partner).
- Open Space: suggest_agenda for 100 topics, 10 spaces, 6 slots (60 cells), random interest.
- Asset mapping: suggest_connections for 1,000 offers x 1,000 wishes of everyday phrases.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.core.agenda import Agenda, Slot, Space, Topic, suggest_agenda  # noqa: E402
from facilitator.core.assets import Item, suggest_connections  # noqa: E402
from facilitator.core.pairing import pair_people  # noqa: E402

PHRASES = ["bass guitar lessons", "to find live music locally", "knows the allotment association",
           "to grow food", "cooking for a crowd", "learn to use email", "fixing bikes",
           "a lift to the doctor's", "knitting and mending", "football coaching for kids",
           "reading to children", "walking group on Thursdays", "Welsh conversation",
           "company for an older neighbour", "help with forms", "choir practice"]


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _run in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def pairing(people: int) -> Callable[[], int]:
    names = [f"person {i}" for i in range(people)]

    def run() -> int:
        previous: set[frozenset[str]] = set()
        repeats = 0
        for seed in range(5):
            p = pair_people(names, previous, seed=seed)
            repeats += p.repeats
            previous |= p.pairs()
        return repeats

    return run


def agenda() -> Agenda:
    r = random.Random(7)
    people = [f"p{i}" for i in range(120)]
    spaces = [Space(f"s{i}", f"Space {i}", r.choice([None, 8, 12, 20, 30, 60]))
              for i in range(10)]
    slots = [Slot(f"t{i}", f"Session {i + 1}", 60 * i, 60 * i + 50) for i in range(6)]
    topics = [Topic(f"x{i}", r.choice(people[:40]), f"Topic {i}",
                    frozenset(r.sample(people, r.choice([0, 1, 3, 6, 10, 25]))))
              for i in range(100)]
    return Agenda(spaces, slots, topics)


def items(prefix: str, owners: int, shift: int) -> list[Item]:
    return [Item(f"{prefix}{i}", f"p{(i * shift) % owners}",
                 f"{PHRASES[(i * shift) % len(PHRASES)]} {i % 50}") for i in range(1000)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    for n in (1000, 999):
        t, repeats = timed(pairing(n), runs)
        print(f"pairing: {n} people, 5 rounds chained: {t * 1000:.0f} ms in all "
              f"({t * 200:.0f} ms a round), repeated partners: {repeats}")
    grid = agenda()
    t, s = timed(lambda: suggest_agenda(grid), runs)
    print(f"open space: suggest_agenda, 100 topics, 10 spaces, 6 slots: {t * 1000:.0f} ms; "
          f"placed {len(s.placed)}, left {len(s.unplaced)}, shared-interest clashes "
          f"{s.clashes}")
    offers, wishes = items("o", 700, 1), items("w", 700, 7)
    t, out = timed(lambda: suggest_connections(offers, wishes), runs)
    print(f"asset map: suggest_connections, 1,000 offers x 1,000 wishes: {t * 1000:.0f} ms, "
          f"{len(out)} suggestions")
    print(f"(median of {runs} runs each)")


if __name__ == "__main__":
    main()
