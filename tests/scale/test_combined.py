"""Commands decided together on a shared store (facilitator/service.py, ``Service._combined``).

With PostgreSQL, the commands that reach one process for a workshop while another is being
written are decided under one hold of the workshop's lock and written in one transaction:
one catch-up and one commit for all of them. Each is still acked once its events are
durable, in its sender's language; a failed write is told to every one of them and the
state is replayed from the log; a write that conflicts with the log is decided again.

Run on PostgreSQL and on the SQLite stand-in for a shared log (tests/scale/test_serialised)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_serialised import PLAN, SharedSqlite, join, two_services

from facilitator import i18n
from facilitator.core.commands import PARTICIPANT, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, WorkshopState, apply
from facilitator.core.views import CONSOLE, snapshot
from facilitator.service import Service, could_not_save
from facilitator.store.base import Conflict


class Counted:
    """Wraps a store's ``append_together`` and ``serialised``: how many transactions, how
    many commands in each, and a pause before each write and on entering the lock (so
    commands pile up)."""

    def __init__(self, store: Any, pause: float = 0.0) -> None:
        self.store, self.pause = store, pause
        self.batches: list[int] = []
        # raised by the next appends of more than one command, one each
        self.fail: list[BaseException] = []
        real_append, real_serialised = store.append_together, store.serialised

        def append_together(workshop_id: str, writes: list) -> None:
            self.batches.append(len(writes))
            time.sleep(self.pause)
            if self.fail and len(writes) > 1:
                raise self.fail.pop(0)
            real_append(workshop_id, writes)

        @contextmanager
        def serialised(workshop_id: str, after: int | None = None) -> Iterator[Any]:
            time.sleep(self.pause)
            with real_serialised(workshop_id, after) as missed:
                yield missed

        store.append_together = append_together
        store.serialised = serialised


@pytest.fixture(params=["postgres", "sqlite"])
def service(request, tmp_path: Path) -> Iterator[Service]:
    if request.param == "postgres":
        from facilitator.store.postgres import PgStore

        store = PgStore(request.getfixturevalue("fresh_postgres_url"), pool_size=4)
    else:
        store = SharedSqlite(tmp_path / "shared.db")
    yield Service(store)
    store.close()


def started(service: Service, people: int) -> tuple[str, list[str]]:
    w = service.create_workshop(load_plan(PLAN)).id
    assert service.handle(w, Actor(FACILITATOR), "start", {}).ok
    return w, [join(service, w, f"P{i}") for i in range(people)]


def post_all(service: Service, w: str, notes: list[tuple[str, str, str]],
             lang: Any = None) -> list:
    """Each (participant, text, client id) posted from its own thread, all at once."""
    acks: list = [None] * len(notes)
    gate = threading.Barrier(len(notes))

    def post(i: int, pid: str, text: str, cid: str) -> None:
        with i18n.use(lang(i) if lang else i18n.SOURCE):
            gate.wait()
            acks[i] = service.handle(w, Actor(PARTICIPANT, pid), "post_note", {"text": text},
                                     cid)

    threads = [threading.Thread(target=post, args=(i, *n)) for i, n in enumerate(notes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acks


def folded(service: Service, w: str) -> dict:
    replay = WorkshopState()
    for event in service.store.events(w):
        apply(replay, event)
    return snapshot(replay, CONSOLE, None, 0)


def test_commands_arriving_together_share_one_transaction(service: Service) -> None:
    w, people = started(service, 6)
    counted = Counted(service.store, pause=0.05)
    notes = [(people[i % 6], f"Note {i}", uuid.uuid4().hex) for i in range(30)]
    acks = post_all(service, w, notes)
    assert all(a.ok for a in acks), [a.error for a in acks if not a.ok]
    assert sum(counted.batches) == 30
    assert len(counted.batches) < 10 and max(counted.batches) > 3, counted.batches
    events = service.store.events(w)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert sorted(a.seq for a in acks) == [e.seq for e in events[-30:]]
    # each ack's seq is its own note's, and the cached state is the log's fold
    by_seq = {e.seq: e for e in events}
    assert all(by_seq[a.seq].client_id == cid for a, (_p, _t, cid) in zip(acks, notes, strict=True))
    assert snapshot(service.live(w).state, CONSOLE, None, 0) == folded(service, w)


def test_a_failed_transaction_is_told_to_each_in_its_language_and_resent_once(
        service: Service) -> None:
    w, people = started(service, 4)
    before = service.store.events(w)
    counted = Counted(service.store, pause=0.05)
    counted.fail = [OSError("disk gone")]
    langs = ["cy", "pl", "ar", "en"]
    notes = [(people[i % 4], f"Lost {i}", uuid.uuid4().hex) for i in range(12)]
    acks = post_all(service, w, notes, lang=lambda i: langs[i % 4])
    refused = [(i, a) for i, a in enumerate(acks) if not a.ok]
    assert len(refused) > 4, counted.batches  # a whole batch (the first to come leads alone)
    for i, a in refused:  # each hears it in its own language
        with i18n.use(langs[i % 4]):
            assert a.error == could_not_save()
    assert len({a.error for _i, a in refused}) == 4
    # nothing of a failed transaction is in the log, nor in the state replayed from it
    durable = {e.client_id for e in service.store.events(w)}
    assert all(cid not in durable for (_p, _t, cid), a in zip(notes, acks, strict=True) if not a.ok)
    # the outboxes send again, with the same ids: each note is applied once
    again = post_all(service, w, [n for n, a in zip(notes, acks, strict=True) if not a.ok])
    assert all(a.ok and not a.duplicate for a in again)
    events = service.store.events(w)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert len(events) == len(before) + 12
    texts = [n["text"] for n in folded(service, w)["notes"]]
    assert sorted(texts) == sorted(t for _p, t, _c in notes)
    assert snapshot(service.live(w).state, CONSOLE, None, 0) == folded(service, w)


def test_a_transaction_that_conflicts_with_the_log_is_decided_again(service: Service) -> None:
    w, people = started(service, 3)
    counted = Counted(service.store, pause=0.05)
    counted.fail = [Conflict("a client id the state did not know")]
    notes = [(people[i % 3], f"Again {i}", uuid.uuid4().hex) for i in range(9)]
    acks = post_all(service, w, notes)
    assert all(a.ok for a in acks), [a.error for a in acks if not a.ok]
    assert len(counted.batches) >= 2  # the conflicting one, then again
    events = service.store.events(w)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert sorted(e.client_id for e in events[-9:]) == sorted(c for _p, _t, c in notes)
    assert snapshot(service.live(w).state, CONSOLE, None, 0) == folded(service, w)


def test_a_resend_in_the_same_batch_is_a_duplicate_of_the_first(service: Service) -> None:
    w, people = started(service, 2)
    Counted(service.store, pause=0.05)
    cid = uuid.uuid4().hex
    acks = post_all(service, w, [(people[0], "Once", cid)] * 5
                    + [(people[1], "Other", uuid.uuid4().hex)])
    assert all(a.ok for a in acks)
    firsts = [a for a in acks[:5] if not a.duplicate]
    assert len(firsts) == 1 and all(a.seq == firsts[0].seq for a in acks[:5])
    assert [n["text"] for n in folded(service, w)["notes"]].count("Once") == 1


def test_a_refusal_in_a_batch_fails_alone(service: Service) -> None:
    w, people = started(service, 2)
    Counted(service.store, pause=0.05)
    acks = post_all(service, w, [(people[0], "   ", uuid.uuid4().hex),
                                 (people[1], "Fine", uuid.uuid4().hex),
                                 (people[0], "Also fine", uuid.uuid4().hex)])
    assert [a.ok for a in acks] == [False, True, True]
    assert sorted(n["text"] for n in folded(service, w)["notes"]) == ["Also fine", "Fine"]


@pytest.fixture(params=["postgres", "sqlite"])
def two(request, tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    yield from two_services(request, tmp_path)


def test_one_writer_takes_no_lock_until_another_process_writes(two, monkeypatch) -> None:
    a, b = two
    w, people = started(a, 2)
    locks = {a: 0, b: 0}
    for service in (a, b):
        real = service.store.serialised

        @contextmanager
        def counting(workshop_id: str, after: int | None = None, _s=service, _real=real):
            locks[_s] += 1
            with _real(workshop_id, after) as missed:
                yield missed

        service.store.serialised = counting
    # a alone writes: decided on its cached state, written without the lock
    for i in range(5):
        assert post_all(a, w, [(people[0], f"A{i}", uuid.uuid4().hex)])[0].ok
    assert locks[a] == 0
    b.live(w)  # b loads the workshop, then a writes again: b's state is behind
    assert post_all(a, w, [(people[0], "A5", uuid.uuid4().hex)])[0].ok
    late = post_all(b, w, [(people[1], "From b", uuid.uuid4().hex)])[0]
    assert late.ok and late.seq == len(a.store.events(w))  # refused by the key, decided again
    assert locks[b] == 1  # ... under the lock, after the catch-up
    assert b.counts == {"lock_free": 1, "locked": 1, "conflicts": 1}  # /healthz shows these
    assert a.counts["locked"] == a.counts["conflicts"] == 0 and a.counts["lock_free"] >= 6
    assert post_all(b, w, [(people[1], "From b again", uuid.uuid4().hex)])[0].ok
    assert locks[b] == 2  # b saw a writing: it stays on the lock for a while
    # a snapshot on a that catches up what b wrote makes a take the lock too
    a.live(w, fresh=True)
    assert post_all(a, w, [(people[0], "A6", uuid.uuid4().hex)])[0].ok and locks[a] == 1
    # once nobody else wrote for CONTENDED_FOR seconds, no lock again
    later = time.monotonic() + 11
    monkeypatch.setattr("facilitator.service.time.monotonic", lambda: later)
    assert post_all(a, w, [(people[0], "A7", uuid.uuid4().hex)])[0].ok and locks[a] == 1
    events = a.store.events(w)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert snapshot(b.live(w, fresh=True).state, CONSOLE, None, 0) == folded(a, w) \
        == snapshot(a.live(w, fresh=True).state, CONSOLE, None, 0)


def test_a_refusal_decided_on_a_state_another_process_moved_on_is_decided_again(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    pid = join(b, w, "Di")  # b holds the workshop before it starts
    assert a.handle(w, Actor(FACILITATOR), "start", {}).ok  # ... and a starts it
    # on b's cached state the workshop has not started: a refusal, which no key can refuse;
    # b reads the log, finds the start and decides again
    posted = post_all(b, w, [(pid, "Started after all", uuid.uuid4().hex)])[0]
    assert posted.ok, posted.error
    assert [n["text"] for n in folded(a, w)["notes"]] == ["Started after all"]
    # a refusal on a state that is up to date stays a refusal
    again = post_all(b, w, [(pid, " ", uuid.uuid4().hex)])[0]
    assert not again.ok
