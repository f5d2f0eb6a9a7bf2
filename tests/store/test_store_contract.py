"""The store contract, for SQLite and for a real PostgreSQL (started by the tests).

Every test runs on both stores: the append-only log with a gapless ``seq`` per workshop,
``(workshop, client_id)`` unique, atomic appends, the device row of a join, durability
(across reopening, and on PostgreSQL across a crash of the server), deletion that leaves no
row, files, retention, lookups; then the Service on each store; then, for PostgreSQL,
``serialised`` excluding another connection (another process's pool).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.plan import load_plan
from facilitator.core.state import Event
from facilitator.service import Service
from facilitator.store import DuplicateClientId, SqliteStore, WorkshopRow, open_store
from tests.store.workshop import run_workshop

TABLES = ("workshops", "events", "devices", "files")


class Target:
    """Where a store lives: opens stores on it and counts its rows directly."""

    def __init__(self, kind: str, location: str) -> None:
        self.kind = kind
        self.location = location
        self.opened: list[Any] = []

    def open(self) -> Any:
        store = open_store(self.location)
        self.opened.append(store)
        return store

    def rows(self, table: str, workshop_id: str) -> int:
        column = "id" if table == "workshops" else "workshop_id"
        sql = f"SELECT COUNT(*) FROM {table} WHERE {column} = "
        if self.kind == "sqlite":
            with sqlite3.connect(self.location) as conn:
                return conn.execute(sql + "?", (workshop_id,)).fetchone()[0]
        with psycopg.connect(self.location) as conn:
            return conn.execute(sql + "%s", (workshop_id,)).fetchone()[0]

    def close_all(self) -> None:
        for store in self.opened:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - a store whose server was crashed on purpose
                pass


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "sqlite":
        found = Target("sqlite", str(tmp_path / "contract.db"))
    else:
        # the session's database: every test makes workshops of its own (fresh ids), so they
        # need no database of their own (CREATE DATABASE costs ~0.2 s each)
        found = Target("postgres", request.getfixturevalue("postgres_url"))
    yield found
    found.close_all()


@pytest.fixture
def store(target: Target) -> Any:
    return target.open()


_ids = iter(range(1, 10**9))


def workshop(store: Any, title: str = "W", at: float = 1_000.0) -> WorkshopRow:
    n = next(_ids)
    row = WorkshopRow(id=f"w{n:06d}", code=f"C{n:05d}", screen_key=f"s{n}", console_key=f"k{n}",
                      title=title, created_at=at + n / 1000)
    store.create_workshop(row, Event(1, "workshop_created", "facilitator", at,
                                     {"plan": {"title": title}, "code": row.code}))
    return row


def note(seq: int, text: str = "hi", client_id: str | None = None, at: float = 1_001.0) -> Event:
    return Event(seq, "note_posted", "p1", at, {"text": text, "stage": 0}, client_id)


# -- the log ----------------------------------------------------------------------------------

def test_seq_is_gapless_and_ordered_and_a_taken_seq_is_refused(store):
    row, other = workshop(store), workshop(store)
    for seq in range(2, 12):
        store.append(row.id, [note(seq, f"n{seq}")])
    store.append(other.id, [note(2, "elsewhere")])  # seq is per workshop
    assert [e.seq for e in store.events(row.id)] == list(range(1, 12))
    assert [e.seq for e in store.events(row.id, after=5, limit=3)] == [6, 7, 8]
    assert [e.seq for e in store.events(row.id, after=11)] == []
    # a second writer deciding on the same seq (a process that missed an event) fails whole
    with pytest.raises(Exception) as refused:
        store.append(row.id, [note(11, "late writer")])
    assert not isinstance(refused.value, DuplicateClientId)
    assert [e.data["text"] for e in store.events(row.id, after=10)] == ["n11"]
    assert [e.seq for e in store.events(other.id)] == [1, 2]


def test_a_client_id_is_stored_once_and_its_first_seq_is_given_back(store):
    row = workshop(store)
    store.append(row.id, [note(2, "first", "client-a")])
    store.append(row.id, [note(3, "other", "client-b")])
    with pytest.raises(DuplicateClientId) as dup:
        store.append(row.id, [note(4, "resent", "client-a")])
    assert dup.value.seq == 2
    assert store.seq_for_client_id(row.id, "client-a") == 2
    assert store.seq_for_client_id(row.id, "client-z") is None
    assert [e.data["text"] for e in store.events(row.id)[1:]] == ["first", "other"]
    # the same client id in another workshop is another action
    other = workshop(store)
    store.append(other.id, [note(2, "first", "client-a")])
    assert store.events(other.id)[1].client_id == "client-a"


def test_a_failing_batch_leaves_nothing(store, target):
    row = workshop(store)
    store.append(row.id, [note(2, "kept")])
    with pytest.raises(Exception):  # noqa: B017 - the second event's seq is taken
        store.append(row.id, [note(3, "lost 1", "cid-3"), note(2, "clash")])
    assert [e.seq for e in store.events(row.id)] == [1, 2]
    assert store.seq_for_client_id(row.id, "cid-3") is None
    # a join whose device row clashes stores neither its events nor the row
    store.append(row.id, [note(3, "join")], device=("hash-1", "p1"))
    with pytest.raises(Exception):  # noqa: B017
        store.append(row.id, [note(4, "join again")], device=("hash-1", "p2"))
    assert [e.seq for e in store.events(row.id)] == [1, 2, 3]
    assert store.participant_for(row.id, "hash-1") == "p1"
    assert target.rows("devices", row.id) == 1


def test_a_join_stores_its_device_row_with_its_events(store):
    row = workshop(store)
    store.append(row.id, [Event(2, "participant_joined", "p7", 1_002.0,
                                {"participant": "p7", "name": "Ana"}, "join-1")],
                 device=("token-hash", "p7"))
    assert store.participant_for(row.id, "token-hash") == "p7"
    assert store.participant_for(row.id, "other-hash") is None
    assert store.participant_for(workshop(store).id, "token-hash") is None
    # a resent join: the duplicate is reported, the device row is not doubled
    with pytest.raises(DuplicateClientId) as dup:
        store.append(row.id, [Event(3, "participant_joined", "p8", 1_003.0,
                                    {"participant": "p8"}, "join-1")],
                     device=("token-hash", "p8"))
    assert dup.value.seq == 2
    assert store.participant_for(row.id, "token-hash") == "p7"


def test_an_acknowledged_event_is_there_after_reopening(target, store):
    row = workshop(store)
    store.append(row.id, [note(2, "durable", "c-1")])
    store.close()
    again = target.open()
    assert again.events(row.id)[-1].data == {"text": "durable", "stage": 0}
    assert again.find(code=row.code) == row


def test_an_acknowledged_event_survives_a_crash_of_postgres(pg_server, postgres_url):
    store = open_store(postgres_url)
    row = workshop(store)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("CHECKPOINT")  # recovery then replays little more than the event below
    store.append(row.id, [note(2, "acked before the crash", "c-9")])
    try:
        pg_server.crash()  # pg_ctl stop -m immediate: no shutdown checkpoint
        pg_server.start()  # recovery replays the WAL
        # the store's pooled connection died with the server: a read takes a fresh one, and
        # so does the workshop's lock
        assert store.seq_for_client_id(row.id, "c-9") == 2
        with psycopg.connect(postgres_url, autocommit=True) as admin:  # they die once more
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND pid <> pg_backend_pid()")
        with store.serialised(row.id):
            assert store.events(row.id)[-1].seq == 2
        store.close()
        again = open_store(postgres_url)
        assert [e.data.get("text") for e in again.events(row.id)] == [
            None, "acked before the crash"]
        assert again.seq_for_client_id(row.id, "c-9") == 2
        again.close()
    finally:
        pg_server.start()  # the session's server stays up for the other tests


def test_delete_removes_every_row_of_the_workshop_and_nothing_else(store, target):
    row, keep = workshop(store), workshop(store)
    for w in (row, keep):
        store.append(w.id, [note(2, "x", "c1")], device=("h1", "p1"))
        store.put_file(w.id, "f1", "image/jpeg", b"\xff\xd8 jpeg")
    assert all(target.rows(t, row.id) >= 1 for t in TABLES)
    store.delete_workshop(row.id)
    assert {t: target.rows(t, row.id) for t in TABLES} == dict.fromkeys(TABLES, 0)
    assert store.find(id=row.id) is None and not store.code_taken(row.code)
    assert store.events(row.id) == [] and store.get_file(row.id, "f1") is None
    assert {t: target.rows(t, keep.id) for t in TABLES} == {
        "workshops": 1, "events": 2, "devices": 1, "files": 1}


def test_files_are_stored_once_and_read_back_exactly(store):
    row, other = workshop(store), workshop(store)
    data = bytes(range(256)) * 64
    store.put_file(row.id, "abc", "image/jpeg", data)
    store.put_file(row.id, "abc", "image/png", b"ignored: the same id is the same content")
    assert store.get_file(row.id, "abc") == ("image/jpeg", data)
    assert store.get_file(row.id, "missing") is None
    assert store.get_file(other.id, "abc") is None


def test_ended_before_finds_the_workshops_that_stayed_ended(store):
    old, reopened, recent, running = (workshop(store) for _ in range(4))
    store.append(old.id, [Event(2, "workshop_ended", "facilitator", 100.0, {})])
    store.append(reopened.id, [Event(2, "workshop_ended", "facilitator", 100.0, {}),
                               Event(3, "workshop_reopened", "facilitator", 150.0, {})])
    store.append(recent.id, [Event(2, "workshop_ended", "facilitator", 300.0, {})])
    store.append(running.id, [note(2)])
    mine = {old.id, reopened.id, recent.id, running.id}
    assert [w for w in store.ended_before(200.0) if w in mine] == [old.id]
    assert sorted(w for w in store.ended_before(400.0) if w in mine) == sorted(
        [old.id, recent.id])


def test_lookups_by_code_keys_and_id_and_the_list_in_creation_order(store):
    rows = [workshop(store, title=f"T{i}", at=2_000.0 - i) for i in range(3)]
    first = rows[0]
    assert store.find(code=first.code) == first
    assert store.find(screen_key=first.screen_key) == first
    assert store.find(console_key=first.console_key) == first
    assert store.find(id=first.id) == first
    assert store.find(code="NOPE") is None
    assert store.code_taken(first.code) and not store.code_taken("NOPE")
    mine = {r.id for r in rows}
    assert [r.title for r in store.workshops() if r.id in mine] == ["T2", "T1", "T0"]
    assert isinstance(first.created_at, float)
    with pytest.raises(Exception):  # noqa: B017 - join codes are unique
        store.create_workshop(WorkshopRow("other", first.code, "s", "k", "t", 1.0),
                              Event(1, "workshop_created", "facilitator", 1.0, {}))
    assert store.find(id="other") is None


def test_shared_and_serialised_are_there(store, target):
    assert store.shared is (target.kind == "postgres")
    row = workshop(store)
    with store.serialised(row.id):
        store.append(row.id, [note(2)])
        assert store.events(row.id, after=1)[0].seq == 2


# -- the log round-trip, for any JSON and any client id ---------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)
# PostgreSQL text cannot hold U+0000: client ids are text without it (the service's limit is
# 64 characters); NUL inside event data is fine, JSON escapes it
# (lone surrogates are not text either store can encode; the socket layer's JSON has none)
CLIENT_IDS = st.none() | st.text(st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\x00"),
                                 min_size=1, max_size=64)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.text(), JSON, max_size=5), client_id=CLIENT_IDS,
       actor=st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s),
       at=st.floats(0, 4e9, allow_nan=False))
def test_the_log_gives_back_exactly_what_was_appended(store, data, client_id, actor, at):
    row = workshop(store)
    event = Event(2, "anything", actor, at, data, client_id)
    store.append(row.id, [event])
    assert store.events(row.id, after=1) == [event]
    if client_id is not None:
        assert store.seq_for_client_id(row.id, client_id) == 2


# -- the Service on each store ----------------------------------------------------------------

def test_the_service_runs_a_workshop_and_a_fresh_service_replays_it(target):
    service = Service(target.open())
    row = run_workshop(service)
    before = service.live(row.id).state
    replayed = Service(target.open()).live(row.id)
    assert replayed.state == before
    assert replayed.client_ids == service.live(row.id).client_ids
    assert replayed.state.seq == len(service.store.events(row.id))
    # a resent note is acknowledged with its first seq, not stored twice
    people = sorted(before.participants)
    from facilitator.core.commands import PARTICIPANT, Actor

    again = Service(target.open())
    resent = again.handle(row.id, Actor(PARTICIPANT, people[0]), "post_note",
                          {"text": "again"}, "note-0")
    assert resent.ok and resent.duplicate


def test_creating_many_workshops_gives_distinct_codes(target):
    service = Service(target.open())
    plan = load_plan({"title": "X", "stages": [{"kind": "notes", "title": "A", "prompt": "B"}]})
    rows = [service.create_workshop(plan) for _ in range(5)]
    assert len({r.code for r in rows}) == 5
    assert {r.id for r in rows} <= {r.id for r in service.store.workshops()}


# -- serialised: a cross-process lock on PostgreSQL --------------------------------------------

def _in_thread(fn: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def test_serialised_makes_another_connection_wait(postgres_url):
    first, second = open_store(postgres_url), open_store(postgres_url)  # two "processes"
    try:
        row, other = workshop(first), workshop(first)
        entered: dict[str, float] = {}
        holding = threading.Event()

        def hold() -> None:
            with first.serialised(row.id):
                holding.set()
                time.sleep(0.4)
                entered["first_left"] = time.monotonic()

        def wait_for_it() -> None:
            holding.wait(5)
            with second.serialised(row.id):
                entered["second"] = time.monotonic()

        a = _in_thread(hold)
        holding.wait(5)
        started = time.monotonic()
        with second.serialised(other.id):  # another workshop's lock is free meanwhile
            assert time.monotonic() - started < 0.3
        b = _in_thread(wait_for_it)
        a.join(5)
        b.join(5)
        assert entered["second"] >= entered["first_left"]
    finally:
        first.close()
        second.close()


def test_the_lock_is_released_when_its_holder_dies(postgres_url):
    first, second = open_store(postgres_url), open_store(postgres_url)
    try:
        row = workshop(first)
        holding, done = threading.Event(), threading.Event()
        pids: list[int] = []

        def hold() -> None:
            try:
                with first.serialised(row.id):
                    with first._conn() as conn:
                        pids.append(conn.info.backend_pid)
                    holding.set()
                    done.wait(10)
            except Exception:  # noqa: BLE001 - its connection is killed under it
                pass

        thread = _in_thread(hold)
        holding.wait(5)
        got: list[bool] = []

        def wait_for_it() -> None:
            with second.serialised(row.id):
                got.append(True)

        waiter = _in_thread(wait_for_it)
        time.sleep(0.3)
        assert not got  # still waiting for the holder
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pids[0],))  # the process "dies"
        waiter.join(5)
        assert got == [True]
        done.set()
        thread.join(5)
    finally:
        first.close()
        second.close()


def test_sqlite_serialised_is_a_no_op(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.db")
    with store.serialised("a"), store.serialised("a"):  # nothing to wait for
        pass
    assert store.shared is False
