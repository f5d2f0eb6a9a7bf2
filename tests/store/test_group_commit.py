"""SQLite's group commit (``SqliteStore.submit``) and the Service around it.

Submissions made while a commit is on its way are committed together, in the order they were
made; a bad one fails alone; what a workshop decided after a failed write is refused (it would
leave a gap in ``seq``) until the service has replayed the log; the service forgets a state
whose write failed, and the action sent again is applied once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, Event
from facilitator.service import Service
from facilitator.store import DuplicateClientId, SqliteStore, WorkshopRow
from facilitator.store.sqlite import EarlierWriteFailed
from tests.store.workshop import PLAN


def workshop(store: SqliteStore, n: int) -> WorkshopRow:
    row = WorkshopRow(id=f"w{n}", code=f"C{n}", screen_key=f"s{n}", console_key=f"k{n}",
                      title="W", created_at=1_000.0 + n)
    store.create_workshop(row, Event(1, "workshop_created", "facilitator", 1_000.0,
                                     {"plan": {"title": "W"}, "code": row.code}))
    return row


def note(seq: int, client_id: str | None = None) -> Event:
    return Event(seq, "note_posted", "p1", 1_001.0, {"text": f"n{seq}", "stage": 0}, client_id)


def held_back(store: SqliteStore) -> Any:
    """Hold the store's writer, so that what is submitted meanwhile waits for one commit."""
    return store._lock


def wait_until_taken(store: SqliteStore) -> None:
    """Wait until the commit loop has taken what was queued (and waits for the writer)."""
    deadline = time.monotonic() + 5
    while store._queue and time.monotonic() < deadline:
        time.sleep(0.001)
    assert not store._queue


def test_what_is_submitted_during_a_commit_is_committed_together_in_order(tmp_path: Path):
    store = SqliteStore(tmp_path / "g.db")
    rows = [workshop(store, n) for n in range(3)]
    commits = store._commits
    with held_back(store):
        first = store.submit(rows[0].id, [note(2)])
        wait_until_taken(store)  # the first commit is on its way, waiting for the writer
        waiters = [store.submit(row.id, [note(seq + (i == 0))])
                   for seq in range(2, 12) for i, row in enumerate(rows)]
        assert len(store._queue) == 30
    first()
    for wait in waiters:
        wait()
    assert store._commits - commits == 2  # 31 submissions, two transactions
    assert [e.seq for e in store.events(rows[0].id)] == list(range(1, 13))
    for row in rows[1:]:
        assert [e.seq for e in store.events(row.id)] == list(range(1, 12))
    store.close()


def test_many_threads_submitting_at_once_lose_nothing(tmp_path: Path):
    store = SqliteStore(tmp_path / "t.db")
    rows = [workshop(store, n) for n in range(4)]
    locks = {row.id: threading.Lock() for row in rows}
    next_seq = {row.id: 2 for row in rows}
    errors: list[BaseException] = []

    def writer(row: WorkshopRow, k: int) -> None:
        for i in range(25):
            with locks[row.id]:  # as the service's workshop lock: seq in order, no wait
                seq = next_seq[row.id]
                next_seq[row.id] += 1
                wait = store.submit(row.id, [note(seq, f"{row.id}-{k}-{i}")])
            try:
                wait()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(row, k)) for row in rows for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for row in rows:
        assert [e.seq for e in store.events(row.id)] == list(range(1, 102))
    store.close()


def test_a_bad_submission_fails_alone_and_what_its_workshop_decided_after_is_refused(
        tmp_path: Path):
    store = SqliteStore(tmp_path / "f.db")
    one, two = workshop(store, 1), workshop(store, 2)
    store.append(one.id, [note(2, "used")])
    with held_back(store):
        first = store.submit(two.id, [note(2)])
        wait_until_taken(store)
        resent = store.submit(one.id, [note(3, "used")])  # the client id is in the log
        other = store.submit(two.id, [note(3)])
        after = store.submit(one.id, [note(4)])  # decided on a state holding seq 3
    first()
    with pytest.raises(DuplicateClientId) as dup:
        resent()
    assert dup.value.seq == 2
    other()  # another workshop's write in the same batch is not touched
    with pytest.raises(EarlierWriteFailed):
        after()
    assert [e.seq for e in store.events(one.id)] == [1, 2]
    assert [e.seq for e in store.events(two.id)] == [1, 2, 3]
    # replayed from the log, the workshop decides seq 3 again: it is written, and what follows
    store.submit(one.id, [note(3)])()
    store.submit(one.id, [note(4)])()
    assert [e.seq for e in store.events(one.id)] == [1, 2, 3, 4]
    store.close()


def test_lookups_read_what_was_committed(tmp_path: Path):
    store = SqliteStore(tmp_path / "r.db")
    row = workshop(store, 1)
    assert store.find(code=row.code) == row
    store.submit(row.id, [note(2, "cid")], device=("hash", "p1"))()
    assert store.participant_for(row.id, "hash") == "p1"
    assert store.seq_for_client_id(row.id, "cid") == 2
    store.close()


class FailingOnce:
    """A store whose next write fails after the service has applied its events."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.fail_next = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def submit(self, workshop_id: str, events: list[Event], device: Any = None) -> Any:
        if not self.fail_next:
            return self.store.submit(workshop_id, events, device)
        self.fail_next = False

        def failed() -> None:
            raise OSError("disk full")
        return failed


def test_a_failed_write_is_told_and_the_state_replayed_and_the_resend_applied_once(
        tmp_path: Path):
    store = FailingOnce(SqliteStore(tmp_path / "s.db"))
    service = Service(store)  # type: ignore[arg-type]
    row = service.create_workshop(load_plan(PLAN))
    assert service.handle(row.id, Actor(FACILITATOR), "start", {}).ok
    joined = service.handle(row.id, Actor(VISITOR), "join", {"name": "Ada"})
    ada = Actor(PARTICIPANT, joined.extra["participant"]["participant"])
    before = service.live(row.id)
    assert before is not None
    store.fail_next = True
    failed = service.handle(row.id, ada, "post_note", {"text": "lost?"}, "c1")
    assert not failed.ok and "could not save" in (failed.error or "")
    again = service.live(row.id)
    assert again is not before and before.forgotten  # replayed from the log
    assert [n.text for n in again.state.notes.values()] == []
    sent = service.handle(row.id, ada, "post_note", {"text": "lost?"}, "c1")
    assert sent.ok and not sent.duplicate
    resent = service.handle(row.id, ada, "post_note", {"text": "lost?"}, "c1")
    assert resent.ok and resent.duplicate and resent.seq == sent.seq
    texts = [e.data.get("text") for e in store.events(row.id) if e.type == "note_posted"]
    assert texts == ["lost?"]


def test_a_checkpoint_waits_for_a_quiet_moment_or_comes_after_many_commits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from facilitator.store import sqlite

    monkeypatch.setattr(sqlite, "CHECKPOINT_EVERY", 5)
    monkeypatch.setattr(sqlite, "CHECKPOINT_QUIET", 0.3)
    monkeypatch.setattr(sqlite, "CHECKPOINT_AT_LATEST", 40)
    store = SqliteStore(tmp_path / "c.db")
    row = workshop(store, 1)
    made: list[int] = []
    real = store.checkpoint
    store.checkpoint = lambda: (made.append(store._commits), real())[1]  # type: ignore[method-assign]
    for seq in range(2, 12):  # ten commits, no pause: due, not made
        store.append(row.id, [note(seq)])
    assert made == []
    deadline = time.monotonic() + 5
    while not made and time.monotonic() < deadline:
        time.sleep(0.05)
    assert made == [store._commits]  # made once the commits paused
    for seq in range(12, 60):  # a burst that never pauses: made after 40 commits anyway
        store.append(row.id, [note(seq)])
    time.sleep(0.1)
    assert any(at <= made[0] + 41 for at in made[1:]), made  # in the burst, not after it
    store.close()
