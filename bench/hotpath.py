"""The server's own work on the hot path, without the network: CPU per step for a room of N
people, in the pure core (what Service.handle and realtime.send build), so that what each
optimisation changed can be told apart from the stack's cost and from other load.

    python bench/hotpath.py --people 1000
    cp bench/hotpath.py OLDER/bench/ && python OLDER/bench/hotpath.py   # an older checkout

Steps (CPU time of this process, median of --runs):
- fan-out of a stage change to a vote: every phone's snapshot, as send() builds them;
- a café round start: seating everyone, then every phone's snapshot;
- a dot vote: every person places one dot; the notifier's updates for each (what
  Service.handle builds per dot), in all;
- a check-in with the screen on words: every person answers; the updates for each, plus
  the words the transport builds (with coalescing at most one per 100 ms of the burst; the
  figure counts them as built once per 10 answers, a 1 s burst of 1,000);
- the projector's and console's snapshot after the café round start.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's code

from facilitator.core import views  # noqa: E402
from facilitator.core.commands import PARTICIPANT, VISITOR, Actor, decide  # noqa: E402
from facilitator.core.plan import load_plan  # noqa: E402
from facilitator.core.state import FACILITATOR, Event, apply, replay  # noqa: E402
from facilitator.core.views import CONSOLE, PHONE, SCREEN, changes, snapshot  # noqa: E402

FAC = Actor(FACILITATOR)
SHARED = getattr(views, "shared_views", None)  # older code has none
FRESH = getattr(views, "FRESH", {})


class Room:
    def __init__(self, stages: list[dict]) -> None:
        plan = load_plan({"title": "Bench", "stages": stages})
        self.state = replay([Event(1, "workshop_created", FACILITATOR, 0.0,
                                   {"plan": plan.to_dict(), "code": "ABCDEF"})])
        self.now = 1000.0

    def do(self, actor: Actor, name: str, payload: dict | None = None) -> list:
        """Decide and apply; return the updates (Emits) every event gives, as handle does."""
        drafts = decide(self.state, actor, name, payload or {}, self.now)
        author = drafts[0].data["participant"] if name == "join" else actor.id
        out = []
        for d in drafts:
            event = Event(self.state.seq + 1, d.type, author, self.now, d.data)
            apply(self.state, event)
            out += changes(self.state, event)
        return out

    def join(self, i: int) -> Actor:
        self.do(Actor(VISITOR), "join", {"name": f"Person {i}"})
        return Actor(PARTICIPANT, list(self.state.participants)[-1])


def phones(room: Room, people: list[Actor]) -> int:
    """Every phone's snapshot, as send() builds them; their total size in characters."""
    size = 0
    with SHARED() if SHARED else nullcontext():
        for p in people:
            size += len(repr(snapshot(room.state, PHONE, p.participant)))
    return size


def cpu(fn) -> float:
    t = time.process_time()
    fn()
    return (time.process_time() - t) * 1000


def run(n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    room = Room([{"kind": "notes", "prompt": "Ideas"},
                 {"kind": "vote", "prompt": "Vote", "options": {"dots": 3, "hidden": False}},
                 {"kind": "cafe", "prompt": "Talk", "options": {"rounds": 3, "table_size": 4}}])
    people = [room.join(i) for i in range(n)]
    room.do(FAC, "start")
    for i, p in enumerate(people[:10]):
        room.do(p, "post_note", {"text": f"Idea {i}: a quieter room"})
    room.do(FAC, "next_stage")
    out["stage change: N phone snapshots"] = cpu(lambda: phones(room, people))
    room.do(FAC, "open_vote")
    items = [i["id"] for i in room.state.votes[1].items]
    out["vote opens: N phone snapshots"] = cpu(lambda: phones(room, people))

    def vote() -> None:
        for i, p in enumerate(people):
            room.do(p, "place_dot", {"item_id": items[i % len(items)]})
    out["N dots: updates built, in all"] = cpu(vote)
    room.do(FAC, "next_stage")
    out["café round start: seating"] = cpu(lambda: room.do(FAC, "cafe_start_round"))
    out["café round start: N phone snapshots"] = cpu(lambda: phones(room, people))
    out["café: screen + console snapshots"] = cpu(
        lambda: (snapshot(room.state, SCREEN, None, n), snapshot(room.state, CONSOLE, None, n)))
    for i, p in enumerate(people):  # everyone writes on their tablecloth
        room.do(p, "post_note", {"text": f"At my table {i}: more benches"})
    room.do(FAC, "cafe_end_round")
    room.do(FAC, "cafe_start_round")  # round 2: each phone sees its new table's cloth so far
    out["café round 2 start (N notes on cloths): N phone snapshots"] = cpu(
        lambda: phones(room, people))

    check = Room([{"kind": "checkin", "prompt": "One word"}])
    answering = [check.join(i) for i in range(n)]
    check.do(FAC, "start")
    words = ["curious", "tired", "hopeful", "calm", "busy", "ready", "sleepy", "glad"]

    def check_in() -> None:
        for i, p in enumerate(answering):
            emits = check.do(p, "post_note", {"text": words[i % len(words)]})
            if FRESH and i % 10 == 9:  # the transport builds the words once per flush
                for e in emits:
                    if e.payload is None and e.name in FRESH:
                        FRESH[e.name](check.state)
    out["N check-ins (screen on words): updates, in all"] = cpu(check_in)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    runs = [run(args.people) for _ in range(args.runs)]
    code = "shared views" if SHARED else "no shared views (older code)"
    print(f"{args.people} people, CPU ms, median of {args.runs} ({code}):")
    for key in runs[0]:
        print(f"  {key:<58}{statistics.median(r[key] for r in runs):>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
