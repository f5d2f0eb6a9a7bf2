"""The coalescer (realtime/coalesce.py): whole-state updates at most once per interval per
key, the latest state always sent, and a stream's order kept."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.realtime.coalesce import Coalescer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(interval: float = 0.1) -> tuple[Coalescer, Clock, list[tuple[str, Any, str]]]:
    clock = Clock()
    sent: list[tuple[str, Any, str]] = []
    c = Coalescer(lambda event, payload, room: sent.append((event, payload, room)),
                  interval, spawn=None, clock=clock)
    return c, clock, sent


def test_first_update_goes_at_once_and_a_burst_is_held_until_the_trailing_flush() -> None:
    c, clock, sent = make()
    c.offer("w:screen", "vote", {"n": 1}, "w:screen@en")
    assert sent == [("vote", {"n": 1}, "w:screen@en")]
    for n in range(2, 50):
        clock.now += 0.001
        c.offer("w:screen", "vote", {"n": n}, "w:screen@en")
    assert len(sent) == 1 and c.pending() == 1
    clock.now += 0.05
    assert c.flush_due() == 0  # not yet: 100 ms after the first was sent
    clock.now += 0.05
    assert c.flush_due() == 1
    assert sent[-1] == ("vote", {"n": 49}, "w:screen@en")  # the last state won
    assert c.pending() == 0 and c.skipped == 47


def test_a_quiet_key_sends_at_once_again() -> None:
    c, clock, sent = make()
    c.offer("s", "vote", 1, "r")
    clock.now += 0.5
    c.offer("s", "vote", 2, "r")
    assert [p for _, p, _ in sent] == [1, 2]


def test_keys_are_independent() -> None:
    c, clock, sent = make()
    c.offer("s", "vote", 1, "r")
    c.offer("s", "people", {"online": 1}, "r")
    c.offer("t", "vote", 9, "r2")
    assert len(sent) == 3


def test_another_event_to_the_stream_sends_what_is_held_first() -> None:
    c, clock, sent = make()
    c.offer("s", "vote", 1, "r")
    c.offer("s", "vote", 2, "r")
    c.offer("other", "vote", 7, "q")
    c.offer("other", "vote", 8, "q")
    c.before("s")  # e.g. a snapshot after the vote closed
    assert [p for _, p, _ in sent] == [1, 7, 2]
    assert c.pending() == 1  # the other stream's is still held
    c.flush_all()
    assert [p for _, p, _ in sent] == [1, 7, 2, 8]


def test_the_spawned_flush_sends_the_latest() -> None:
    clock = Clock()
    sent: list[Any] = []
    timers: list[tuple[Any, float]] = []
    c = Coalescer(lambda e, p, r: sent.append(p), 0.1,
                  spawn=lambda fn, delay: timers.append((fn, delay)), clock=clock)
    c.offer("s", "vote", 1, "r")
    clock.now += 0.03
    c.offer("s", "vote", 2, "r")
    c.offer("s", "vote", 3, "r")
    assert len(timers) == 1  # one flush per held key, however many updates replace it
    fn, delay = timers[0]
    assert abs(delay - 0.07) < 1e-9
    clock.now += delay
    fn()
    assert sent == [1, 3]
    fn()  # a flush with nothing held sends nothing
    assert sent == [1, 3]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.floats(0, 0.3),
                          st.booleans()), min_size=1, max_size=60))
def test_latest_always_sent_in_order_and_at_most_once_per_interval(steps) -> None:
    """Random offers over time to two streams, some followed by another event to the
    stream: each stream's sends are its offers in order with some skipped, its last offer is
    always sent, and a key's sends are an interval apart unless another event to the stream
    forced the held one out early."""
    c, clock, _ = make(0.1)
    forcing = False
    sends: list[tuple[str, int, float, bool]] = []  # (stream, payload, when, forced)
    c.emit = lambda event, payload, room: sends.append((room, payload, clock.now, forcing))
    offered: dict[str, list[int]] = {"a": [], "b": []}
    for n, (stream, dt, other_event) in enumerate(steps):
        clock.now += dt
        c.flush_due()
        c.offer(stream, "vote", n, stream)
        offered[stream].append(n)
        if other_event:
            forcing = True
            c.before(stream)
            forcing = False
    clock.now += 1.0
    c.flush_due()
    assert c.pending() == 0
    for stream in ("a", "b"):
        mine = [(p, t, f) for room, p, t, f in sends if room == stream]
        payloads = [p for p, _, _ in mine]
        assert payloads == sorted(payloads) and set(payloads) <= set(offered[stream])
        if offered[stream]:
            assert payloads[-1] == offered[stream][-1]  # the final state always arrives
        for (_p1, t1, _f1), (_p2, t2, forced) in zip(mine, mine[1:], strict=False):
            assert forced or t2 - t1 >= 0.1 - 1e-9
