"""Owners (facilitator/realtime/owners.py) on a real redis-server: which process decides a
workshop's commands, the forwarding of the others' commands to it, and what happens when it
is gone, stalls, or Redis is away. Each "process" is an Owners with its own id, listening on
a thread of its own."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from facilitator.realtime.owners import CHANNEL, Owners
from facilitator.realtime.scale import connect_redis
from tests.conftest import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def spawn(fn: Any) -> None:
    threading.Thread(target=fn, daemon=True).start()


class Process:
    """One process's Owners, with the commands it decided for others."""

    def __init__(self, client: Any, name: str, **kwargs: Any) -> None:
        self.decided: list[dict[str, Any]] = []
        self.stall = threading.Event()  # set: deciding never ends (a stuck process)
        self.owners = Owners(client, f"{name}-{uuid.uuid4().hex[:6]}", self.decide, spawn,
                             **kwargs)
        self.thread = threading.Thread(target=self.owners.listen, daemon=True)
        self.thread.start()
        wait_until(lambda: client.pubsub_numsub(CHANNEL + self.owners.process_id)[0][1] == 1)

    def decide(self, command: dict[str, Any]) -> dict[str, Any]:
        if self.stall.is_set():
            time.sleep(30)
        self.decided.append(command)
        return {"ok": True, "seq": len(self.decided), "by": self.owners.process_id}

    def close(self) -> None:
        self.owners.close()
        wait_until(lambda: not self.thread.is_alive())


def wait_until(test: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def client(redis_url: str) -> Iterator[Any]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture
def two(client: Any) -> Iterator[tuple[Process, Process]]:
    a, b = Process(client, "a", wait=1.0), Process(client, "b", wait=1.0)
    yield a, b
    for p in (a, b):
        if p.thread.is_alive():
            p.close()


def workshop() -> str:
    return uuid.uuid4().hex


def note(w: str, text: str = "hello") -> dict[str, Any]:
    return {"workshop": w, "role": "participant", "participant": "p1", "name": "post_note",
            "payload": {"text": text}, "client_id": uuid.uuid4().hex, "lang": "cy"}


def test_the_first_process_to_ask_owns_the_workshop_and_the_others_forward_to_it(two) -> None:
    a, b = two
    w = workshop()
    assert a.owners.owner(w) is None  # a decides it
    assert b.owners.owner(w) == a.owners.process_id
    command = note(w, "Croeso")
    ack = b.owners.forward(a.owners.process_id, command)
    assert ack == {"ok": True, "seq": 1, "by": a.owners.process_id}
    assert a.decided == [command]  # the command whole, its language too
    assert (b.owners.forwarded, a.owners.decided_for_others) == (1, 1)
    assert a.owners.owner(w) is None  # still a's
    other = workshop()
    assert b.owners.owner(other) is None  # another workshop: the first to ask is b
    assert a.owners.owner(other) == b.owners.process_id


def test_many_commands_forwarded_at_once_each_get_their_own_ack(two) -> None:
    a, b = two
    w = workshop()
    a.owners.owner(w)
    acks: dict[int, dict] = {}

    def send(i: int) -> None:
        acks[i] = b.owners.forward(a.owners.process_id, note(w, f"n{i}"))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(acks) == 50 and all(ack["ok"] for ack in acks.values())
    assert sorted(ack["seq"] for ack in acks.values()) == list(range(1, 51))
    texts = sorted(c["payload"]["text"] for c in a.decided)
    assert texts == sorted(f"n{i}" for i in range(50))


def test_an_owner_that_is_gone_is_found_at_once_and_the_next_asker_takes_over(two) -> None:
    """SIGKILLed: nobody listens on its channel, so PUBLISH reaches nobody. The forward says
    so at once (no wait), the lease is dropped, and the next command finds a new owner."""
    a, b = two
    w = workshop()
    a.owners.owner(w)
    a.owners._stop.set()  # a dies without a word: no close, no lease let go
    a.owners._pubsub.unsubscribe()
    wait_until(lambda: b.owners.redis.pubsub_numsub(CHANNEL + a.owners.process_id)[0][1] == 0)
    assert b.owners.owner(w) == a.owners.process_id  # its lease is still there
    started = time.monotonic()
    assert b.owners.forward(a.owners.process_id, note(w)) is None  # b decides it itself
    assert time.monotonic() - started < 0.5
    assert b.owners.owner(w) is None  # and owns the workshop from now on
    assert b.owners.redis.get(Owners.key(w)).decode() == b.owners.process_id


def test_an_owner_that_does_not_answer_in_time_loses_the_command_and_its_lease(two) -> None:
    a, b = two
    w = workshop()
    a.owners.owner(w)
    a.stall.set()
    started = time.monotonic()
    assert b.owners.forward(a.owners.process_id, note(w)) is None  # after wait (1 s)
    assert 0.9 < time.monotonic() - started < 3
    assert b.owners.owner(w) is None  # b took the workshop


def test_a_late_ack_after_the_wait_is_dropped_without_harm(client) -> None:
    a, b = Process(client, "a"), Process(client, "b", wait=0.2)
    try:
        w = workshop()
        a.owners.owner(w)
        slow = a.decide

        def late(command: dict[str, Any]) -> dict[str, Any]:
            time.sleep(0.5)
            return slow(command)

        a.owners.decide = late
        assert b.owners.forward(a.owners.process_id, note(w)) is None
        time.sleep(0.6)  # the ack comes now: nobody waits for it
        a.owners.decide = slow
        assert b.owners.owner(w) is None  # b owns it now, a's lease was dropped
        assert a.owners.owner(w) == b.owners.process_id or a.owners.owner(w) is None
    finally:
        a.close()
        b.close()


def test_a_lease_lives_while_its_owner_renews_it_and_runs_out_when_it_stops(client) -> None:
    a = Process(client, "a", lease=0.3)
    b = Process(client, "b", lease=0.3, remember=0.0)
    try:
        w = workshop()
        a.owners.owner(w)
        for _ in range(5):  # five times the lease, renewed
            time.sleep(0.15)
            a.owners.renew()
        assert b.owners.owner(w) == a.owners.process_id
        time.sleep(0.4)  # a stops renewing (stalled): the lease runs out ...
        assert b.owners.owner(w) is None  # ... and b takes it
        a.owners.renew()  # a notices it lost it: its own commands go to b now
        assert w not in a.owners.owned
        assert a.owners.owner(w) == b.owners.process_id
    finally:
        a.close()
        b.close()


def test_a_workshop_idle_for_a_while_is_let_go(client) -> None:
    clock = Clock()
    a = Process(client, "a", idle=600.0, clock=clock)
    try:
        busy, idle = workshop(), workshop()
        a.owners.owner(busy)
        a.owners.owner(idle)
        clock.now += 400
        a.owners.owner(busy)  # a command for busy: its lease is kept
        clock.now += 300
        a.owners.renew()
        assert set(a.owners.owned) == {busy}
    finally:
        a.close()


def test_a_forwarded_command_is_decided_by_the_process_it_was_sent_to(two) -> None:
    """b sent it to a by a stale belief: a decides it anyway (the log keeps seq right
    whoever writes) and takes the workshop as its own from then on."""
    a, b = two
    w = workshop()
    assert b.owners.owner(w) is None  # b owns it
    ack = a.owners.forward(b.owners.process_id, note(w))
    assert ack is not None and ack["by"] == b.owners.process_id
    assert b.owners.owner(w) is None


def test_with_redis_away_every_command_is_decided_where_it_arrived(two) -> None:
    a, _b = two
    gone = connect_redis(f"redis://127.0.0.1:{free_port()}/0")  # as serve makes it: nobody there
    lost = Owners(gone, "lost", lambda c: {"ok": True}, spawn)
    w = workshop()
    assert lost.owner(w) is None
    assert lost.forward(a.owners.process_id, note(w)) is None
    lost.renew()  # nothing held, nothing to do: no error either
    lost.owned[w] = time.monotonic()
    lost.renew()  # Redis away: logged, kept for the next round
    assert w in lost.owned


def test_an_unreadable_message_on_a_channel_is_ignored(two, client) -> None:
    a, b = two
    w = workshop()
    a.owners.owner(w)
    client.publish(CHANNEL + a.owners.process_id, b"\xff not json")
    client.publish(CHANNEL + a.owners.process_id, b'{"kind": "ack", "id": 999999, "ack": {}}')
    assert b.owners.forward(a.owners.process_id, note(w))["ok"]  # a still answers


def test_close_lets_go_of_the_leases(two) -> None:
    a, b = two
    w = workshop()
    a.owners.owner(w)
    a.close()
    assert b.owners.owner(w) is None


def test_a_claim_moves_the_workshop_to_its_claimer_and_every_process_hears_of_it(
        client) -> None:
    """A projector connecting to c makes c the owner: a and b forward to c from the next
    command on, without waiting for what they remembered to go stale."""
    a, b, c = (Process(client, n, remember=60.0) for n in "abc")
    try:
        w = workshop()
        assert a.owners.owner(w) is None
        assert b.owners.owner(w) == a.owners.process_id
        c.owners.claim(w)
        wait_until(lambda: b.owners.owner(w) == c.owners.process_id)
        wait_until(lambda: a.owners.owner(w) == c.owners.process_id)
        assert w not in a.owners.owned
        ack = b.owners.forward(c.owners.process_id, note(w))
        assert ack["by"] == c.owners.process_id
        a.owners.renew()  # a's lease is gone: nothing to renew, nothing taken back
        assert client.get(Owners.key(w)).decode() == c.owners.process_id
    finally:
        for p in (a, b, c):
            p.close()
