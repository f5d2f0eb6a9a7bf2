"""When full garbage collections happen (facilitator/collector.py): when the server has been
quiet, not in the middle of a burst, and at the latest after ``longest`` seconds."""

from __future__ import annotations

import gc

from facilitator.collector import NEVER, Collector, collect_when_quiet


class Room:
    def __init__(self) -> None:
        self.now = 0.0
        self.handled = 0
        self.collected: list[float] = []

    def collector(self, **kwargs: float) -> Collector:
        return Collector(lambda: self.handled, clock=lambda: self.now,
                         collect=lambda: self.collected.append(self.now), **kwargs)


def test_a_burst_is_never_interrupted_and_the_quiet_after_it_collects_once() -> None:
    room = Room()
    c = room.collector(quiet=2.0, longest=300.0)
    for _second in range(60):  # a minute of notes, every second
        room.now += 1
        room.handled += 50
        assert not c.tick()
    room.now += 1
    assert not c.tick()  # one quiet second is not yet quiet
    room.now += 1
    assert c.tick() and room.collected == [62.0]
    for _second in range(100):  # a quiet room with nothing new to collect: no more
        room.now += 1
        assert not c.tick()


def test_a_room_that_never_pauses_is_still_collected_after_the_longest_wait() -> None:
    room = Room()
    c = room.collector(quiet=2.0, longest=30.0)
    for _second in range(95):
        room.now += 1
        room.handled += 1
        c.tick()
    assert room.collected == [30.0, 60.0, 90.0]


def test_collect_when_quiet_turns_off_only_the_automatic_full_collections() -> None:
    before = gc.get_threshold()
    started = []
    try:
        collector = collect_when_quiet(lambda: 0, lambda _s: None, started.append)
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        assert len(started) == 1 and collector.collections == 0
    finally:
        gc.set_threshold(*before)
