"""Presence (facilitator/realtime/presence.py): who is connected, in this process
(MemoryPresence) or across processes (RedisPresence on a real redis-server), and how a
process that dies stops counting."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from facilitator.realtime.presence import (
    Connection,
    MemoryPresence,
    RedisPresence,
    phone_room,
    room,
)


def phone(workshop: str, pid: str | None, lang: str = "en") -> Connection:
    return Connection(workshop, "phone", participant=pid, lang=lang)


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def processes(client, n: int = 2, **kwargs) -> list[RedisPresence]:
    """``n`` processes' presences on one Redis (cache 0: every read is fresh)."""
    return [RedisPresence(client, cache=0, process_id=f"proc{i}-{uuid.uuid4().hex[:6]}",
                          **kwargs) for i in range(n)]


@pytest.fixture(params=["memory", "redis"])
def one(request) -> MemoryPresence:
    """One process's presence, of either kind: the answers are the same."""
    if request.param == "memory":
        return MemoryPresence()
    return processes(request.getfixturevalue("client"), 1)[0]


def test_one_process_counts_participants_languages_and_each_phones_room(one) -> None:
    w = uuid.uuid4().hex
    one.add("s1", phone(w, "p1", "en"))
    one.add("s2", phone(w, "p1", "en"))  # the same person on a second phone
    one.add("s3", phone(w, "p2", "cy"))
    one.add("s4", phone(w, None, "en"))  # a visitor
    one.add("s5", Connection(w, "screen", lang="en", also="pl"))
    one.add("x", phone(uuid.uuid4().hex, "p9", "ar"))  # another workshop
    assert one.online(w) == 2
    assert one.languages(w) == {"en", "cy", "pl"}
    assert one.phones_with_language(w) == [
        (room(w, "visitors", "en"), None, "en"),
        (room(w, "p1", "en"), "p1", "en"),
        (room(w, "p2", "cy"), "p2", "cy"),
    ]
    one.identify("s4", "p3")  # the visitor joins
    assert one.online(w) == 3
    assert [r for r, _p, _l in one.phones_with_language(w)] == [
        phone_room(w, "p1", "en"), phone_room(w, "p2", "cy"), phone_room(w, "p3", "en")]
    for sid in ("s1", "s3", "s5"):
        one.remove(sid)
    assert one.online(w) == 2  # p1 still has a phone
    assert one.languages(w) == {"en"}
    assert one.remove("s1") is None  # twice is nothing
    for sid in ("s2", "s4"):
        one.remove(sid)
    assert (one.online(w), one.languages(w), one.phones_with_language(w)) == (0, set(), [])


def test_processes_see_each_others_phones_once_per_participant_and_language(client) -> None:
    a, b = processes(client)
    w = uuid.uuid4().hex
    a.add("a1", phone(w, "p1", "en"))
    b.add("b1", phone(w, "p1", "en"))  # the same person, a second phone on another process
    b.add("b2", phone(w, "p2", "cy"))
    b.add("b3", phone(w, None, "pl"))
    a.add("a2", Connection(w, "console", lang="ar"))
    for p in (a, b):
        assert p.online(w) == 2
        assert p.languages(w) == {"en", "cy", "pl", "ar"}
        assert [(pid, lang) for _r, pid, lang in p.phones_with_language(w)] == [
            (None, "pl"), ("p1", "en"), ("p2", "cy")]
    assert a.phones(w) == [("a1", "p1")]  # the sockets themselves stay each process's own
    b.identify("b3", "p3")
    b.remove("b2")
    assert a.online(w) == 2 and a.languages(w) == {"en", "pl", "ar"}
    assert {pid for _r, pid, _l in a.phones_with_language(w)} == {"p1", "p3"}


def test_a_killed_process_stops_counting_when_its_entries_expire(client) -> None:
    a, dead = processes(client, ttl=0.6)
    w = uuid.uuid4().hex
    a.add("a1", phone(w, "p1"))
    dead.add("d1", phone(w, "p2", "cy"))
    dead.add("d2", phone(w, "p3"))
    assert a.online(w) == 3 and "cy" in a.languages(w)
    # `dead` never refreshes (as if SIGKILLed); `a` keeps itself alive
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        a.refresh_all()
        time.sleep(0.1)
    assert a.online(w) == 1
    assert a.languages(w) == {"en"}
    assert a.phones_with_language(w) == [(room(w, "p1", "en"), "p1", "en")]
    members = {m.decode() for m in client.smembers(a._key(w))}
    assert members == {a.process_id}  # the dead process left the workshop's set


def test_a_live_process_refreshing_in_the_background_keeps_counting_and_leaves_cleanly(
        client) -> None:
    reader, alive = processes(client, ttl=0.6, refresh=0.15)
    w = uuid.uuid4().hex
    alive.add("s1", phone(w, "p1"))
    keeper = threading.Thread(target=alive.keep_alive, daemon=True)
    keeper.start()
    time.sleep(1.3)  # more than twice the TTL
    assert reader.online(w) == 1
    alive.close()  # a clean shutdown takes its entries out at once
    keeper.join(2)
    assert not keeper.is_alive()
    assert reader.online(w) == 0 and reader.languages(w) == set()


def test_people_counts_are_cached_briefly_but_the_local_change_shows_at_once(client) -> None:
    clock = [0.0]
    a = RedisPresence(client, cache=0.5, clock=lambda: clock[0], process_id="a" + uuid.uuid4().hex)
    b = processes(client, 1)[0]
    w = uuid.uuid4().hex
    a.add("a1", phone(w, "p1"))
    assert a.online(w) == 1
    b.add("b1", phone(w, "p2"))
    assert a.online(w) == 1  # cached: another process's phone shows within `cache`
    clock[0] += 0.6
    assert a.online(w) == 2
    a.add("a2", phone(w, "p3"))  # this process's own change shows at once
    assert a.online(w) == 3


def test_racing_changes_leave_redis_with_the_truth(client) -> None:
    """Many phones of one participant come and go on threads at once: what Redis holds at
    the end is what the process holds (each write says the entry as it is now)."""
    a, reader = processes(client)
    w = uuid.uuid4().hex

    def churn(i: int) -> None:
        for k in range(20):
            sid = f"s{i}-{k}"
            a.add(sid, phone(w, "p1", "en" if i % 2 else "cy"))
            if k % 3:
                a.remove(sid)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reader.readers(w) == a.local_readers(w) == {("p1", "en"), ("p1", "cy")}
    for sid in list(a.connections):
        a.remove(sid)
    assert reader.readers(w) == set() and reader.languages(w) == set()


def test_presence_answers_from_this_process_when_redis_is_away() -> None:
    from facilitator.localservers import free_port
    from facilitator.realtime.scale import connect_redis

    lost = RedisPresence(connect_redis(f"redis://127.0.0.1:{free_port()}/0"), cache=0)
    w = uuid.uuid4().hex
    lost.add("s1", phone(w, "p1", "cy"))  # the write fails: said in the log, not raised
    assert lost.online(w) == 1 and lost.languages(w) == {"cy"}
    assert lost.phones_with_language(w) == [(room(w, "p1", "cy"), "p1", "cy")]


def test_a_process_knows_whether_it_alone_has_a_workshops_clients(client) -> None:
    clock = [0.0]
    a, b = processes(client)
    a.clock = b.clock = lambda: clock[0]
    w = uuid.uuid4().hex
    a.add("a1", phone(w, "p1"))
    a.add("a2", Connection(w, "screen", lang="en"))
    assert a.alone(w)  # only a has clients: its emits may stay in it
    b.add("b1", Connection(w, "console", lang="cy"))  # a console on b counts too
    assert not a.alone(w) and not b.alone(w)
    b.remove("b1")
    assert not a.alone(w)  # a "no" is remembered for a second (publishing is never wrong)
    clock[0] += 1.5
    assert a.alone(w) and not b.alone(w)
    assert MemoryPresence().alone(w)  # one process, no queue: always


def test_alone_is_no_when_redis_is_away() -> None:
    from facilitator.localservers import free_port
    from facilitator.realtime.scale import connect_redis

    lost = RedisPresence(connect_redis(f"redis://127.0.0.1:{free_port()}/0"), cache=0)
    w = uuid.uuid4().hex
    lost.add("s1", phone(w, "p1"))
    assert not lost.alone(w)  # send through the queue, as before
