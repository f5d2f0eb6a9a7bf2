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


def test_the_work_ahead_is_done_when_quiet_and_never_in_a_burst() -> None:
    room = Room()
    prepared: list[float] = []
    c = Collector(lambda: room.handled, clock=lambda: room.now,
                  collect=lambda: room.collected.append(room.now),
                  prepare=lambda: prepared.append(room.now), quiet=2.0, longest=30.0)
    for _second in range(40):  # busy past ``longest``: collected, nothing prepared
        room.now += 1
        room.handled += 1
        c.tick()
    assert room.collected == [30.0] and prepared == []
    room.now += 2
    assert c.tick() and prepared == [42.0] == room.collected[1:]


def test_the_service_prepares_each_workshop_once_per_change(tmp_path, monkeypatch,
                                                            caplog) -> None:
    import uuid

    from facilitator.core import commands
    from facilitator.core.commands import VISITOR, Actor
    from facilitator.core.plan import load_plan
    from facilitator.core.state import FACILITATOR
    from facilitator.service import Service
    from facilitator.store import SqliteStore

    seen: list[int] = []

    def broken(state) -> None:
        raise RuntimeError("a bug in a preparer")

    monkeypatch.setattr(commands, "PREPARERS", [lambda state: seen.append(state.seq)])
    monkeypatch.setattr("facilitator.service.PREPARERS", [broken, *commands.PREPARERS])
    service = Service(SqliteStore(tmp_path / "p.db"))
    w = service.create_workshop(load_plan({"title": "T", "stages": [
        {"kind": "cafe", "prompt": "Talk", "options": {"rounds": 2}}]})).id
    assert service.prepare() == 0  # not live yet: nothing to work ahead for
    assert service.handle(w, Actor(FACILITATOR), "start", {}).ok
    assert service.prepare() == 1 and service.prepare() == 0  # once per change
    assert service.handle(w, Actor(VISITOR), "join", {"name": "Ann"}, uuid.uuid4().hex).ok
    assert service.prepare() == 1
    assert seen == [2, 3]  # (a broken preparer is logged and the others still run)
    assert "a bug in a preparer" in caplog.text
    service.store.close()
