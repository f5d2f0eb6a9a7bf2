"""Several processes on one shared log (facilitator/service.py with ``store.shared``): each
Service here stands for a process, with its own store connection and its own cached state.
Commands are serialised through the store's per-workshop lock; each process catches up
from the log before it decides, so ``seq`` stays gapless, a client id is applied once
whichever process it reaches, and a snapshot shows every acknowledged event.

Run on PostgreSQL (the real thing) and on a SQLite file with ``shared`` forced on and a
file lock for ``serialised`` (the same contract, without a server)."""

from __future__ import annotations

import fcntl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, WorkshopState, apply
from facilitator.core.views import CONSOLE, snapshot
from facilitator.service import Service
from facilitator.store import SqliteStore

PLAN = {"title": "Two processes", "stages": [
    {"kind": "notes", "title": "One", "prompt": "What helps?",
     "options": {"max_per_person": 100}},
    {"kind": "notes", "title": "Two", "prompt": "What next?"}]}


class SharedSqlite(SqliteStore):
    """A SQLite file several stores append to, serialised by a file lock per workshop (as
    PostgreSQL's advisory lock does across processes)."""

    shared = True

    @contextmanager
    def serialised(self, workshop_id: str, after: int | None = None) -> Iterator[Any]:
        with open(f"{self.path}.{workshop_id}.lock", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield (self.events(workshop_id, after) if after is not None else None)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(params=["postgres", "sqlite"])
def two(request, tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    """Two "processes" on one log."""
    yield from two_services(request, tmp_path)


def two_services(request: Any, tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    if request.param == "postgres":
        from facilitator.store.postgres import PgStore

        url = request.getfixturevalue("fresh_postgres_url")
        stores = [PgStore(url, pool_size=4), PgStore(url, pool_size=4)]
    else:
        stores = [SharedSqlite(tmp_path / "shared.db"), SharedSqlite(tmp_path / "shared.db")]
    yield Service(stores[0]), Service(stores[1])
    for store in stores:
        store.close()


def join(service: Service, workshop: str, name: str) -> str:
    result = service.handle(workshop, Actor(VISITOR), "join",
                            {"name": name, "token": uuid.uuid4().hex * 2}, uuid.uuid4().hex)
    assert result.ok, result.error
    return result.extra["participant"]["participant"]


def note(service: Service, workshop: str, pid: str, text: str, client_id: str | None = None):
    return service.handle(workshop, Actor(PARTICIPANT, pid), "post_note", {"text": text},
                          client_id or uuid.uuid4().hex)


def console_view(service: Service, workshop: str) -> dict:
    live = service.live(workshop, fresh=True)
    return snapshot(live.state, CONSOLE, None, 0)


def test_two_processes_write_one_log_and_each_decides_on_what_the_other_did(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    assert a.handle(w, Actor(FACILITATOR), "start", {}).ok
    ada = join(b, w, "Ada")  # b has never seen the workshop: it replays the log
    first = note(b, w, ada, "From b")
    # a has not heard of Ada, but catches up before deciding: her note is accepted
    second = note(a, w, ada, "From a, for Ada")
    assert second.ok and second.seq == first.seq + 1
    moved = a.handle(w, Actor(FACILITATOR), "next_stage", {})
    assert moved.ok
    # b's next command is decided in the stage a moved to
    refused = b.handle(w, Actor(PARTICIPANT, ada), "post_note", {"text": "late", "stage": 0},
                       uuid.uuid4().hex)
    assert not refused.ok
    seqs = [e.seq for e in a.store.events(w)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert console_view(a, w) == console_view(b, w)
    assert console_view(b, w)["workshop"]["stage_index"] == 1


def test_a_snapshot_catches_up_and_a_plain_read_does_not_query(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    assert a.handle(w, Actor(FACILITATOR), "start", {}).ok
    before = a.live(w).state.seq
    pid = join(b, w, "Bo")
    note(b, w, pid, "Seen by a's next snapshot")
    assert a.live(w).state.seq == before  # the hot path (views per phone) reads no log
    assert a.live(w, fresh=True).state.seq == before + 2
    assert [n["text"] for n in console_view(a, w)["notes"]] == ["Seen by a's next snapshot"]


def test_a_client_id_applied_by_one_process_is_a_duplicate_on_the_other(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    assert a.handle(w, Actor(FACILITATOR), "start", {}).ok
    pid = join(a, w, "Cy")
    once = note(a, w, pid, "Once", client_id="the-same-action")
    again = note(b, w, pid, "Once", client_id="the-same-action")
    assert again.ok and again.duplicate and again.seq == once.seq
    assert again.extra["note_id"] == once.extra["note_id"]
    assert not again.emits  # nothing new to show anyone
    assert [n["text"] for n in console_view(b, w)["notes"]] == ["Once"]


def test_racing_commands_on_both_processes_make_one_gapless_log(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    assert a.handle(w, Actor(FACILITATOR), "start", {}).ok
    people = [join(a if i % 2 else b, w, f"P{i}") for i in range(4)]
    acks: list = []

    def post(service: Service, pid: str) -> None:
        for k in range(12):
            acks.append(note(service, w, pid, f"{pid} {k}"))

    threads = [threading.Thread(target=post, args=(a if i % 2 else b, pid))
               for i, pid in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in acks), [r.error for r in acks if not r.ok]
    assert len({r.seq for r in acks}) == 48
    events = a.store.events(w)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    # each process's cached state is the fold of the log, as a fresh replay gives
    replay = WorkshopState()
    for event in events:
        apply(replay, event)
    expected = snapshot(replay, CONSOLE, None, 0)
    assert console_view(a, w) == expected == console_view(b, w)
    assert len(expected["notes"]) == 48


def test_retention_on_every_process_deletes_once_and_each_lets_go_of_its_copy(two) -> None:
    a, b = two
    w = a.create_workshop(load_plan(PLAN)).id
    for name in ("start", "end_workshop"):
        assert a.handle(w, Actor(FACILITATOR), name, {}).ok
    assert b.live(w) is not None  # b holds the workshop in memory too
    a.clock = b.clock = lambda: time.time() + 3 * 86400
    assert a.delete_expired(2) == [w]  # the first process to look deletes it ...
    assert b.delete_expired(2) == []  # ... the second finds nothing left to delete ...
    assert b.live(w) is None and a.live(w) is None  # ... and neither keeps its state
    assert a.store.events(w) == []
