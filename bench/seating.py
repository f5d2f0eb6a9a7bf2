"""World Café seating benchmark: plan rounds for a large room and report time and mixing.

    python bench/seating.py                        # 1,000 people, 200 tables, 4 rounds
    python bench/seating.py --people 300 --tables 60 --rounds 3 --hosts
    python bench/seating.py --runs 5               # repeat, report the median time

Prints the planning time, the share of new encounters per round (pairs at a table who had
never sat together), the repeated pairs against the lower bound, and the time to seat a late
arrival and to take someone out mid-café (both re-plan the later rounds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.core.seating import place_late, plan_rounds, remove  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--hosts", action="store_true", help="a fixed host at every table")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    people = [f"p{i}" for i in range(args.people)]
    hosts = {t: people[t] for t in range(args.tables)} if args.hosts else None
    times, seating = [], None
    for run in range(args.runs):
        start = time.perf_counter()
        seating = plan_rounds(people, args.rounds, tables=args.tables, hosts=hosts, seed=run)
        times.append(time.perf_counter() - start)
    assert seating is not None
    start = time.perf_counter()
    late = place_late(seating, 1, "late-arrival")
    late_s = time.perf_counter() - start
    start = time.perf_counter()
    remove(late, 1, people[-1])
    remove_s = time.perf_counter() - start

    shares = [seating.new_encounter_share(r) for r in range(args.rounds)]
    sizes = sorted({len(t) for t in seating.rounds[0]})
    print(f"seating: {args.people} people, {args.tables} tables (sizes {sizes}), "
          f"{args.rounds} rounds, hosts: {'fixed' if args.hosts else 'none'}")
    print(f"  plan: median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print("  new encounters per round: " + ", ".join(f"{s:.1%}" for s in shares))
    print(f"  repeated pairs: {seating.repeated_pairs()} (lower bound {seating.lower_bound()})")
    print(f"  late arrival in round 2: {late_s * 1000:.0f} ms; "
          f"someone leaving in round 2: {remove_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
