"""Hardening without a server (issue 14): the limits store, the wire's decoder, photos refused
before decoding, deletion that leaves nothing in the files, Markdown's blank lines,
retention and the online backup."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from facilitator.core.errors import DomainError
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, Event
from facilitator.realtime.limits import MemoryLimits, Rate, client_address
from facilitator.realtime.wire import MAX_DEPTH, Refusal, SafeJSON, check_limits

# -- the limits store --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Buckets:
    """A limits store on a test clock: MemoryLimits, or RedisLimits on a real redis-server
    (whose keys expire in real time, so ``advance`` also lets that much time pass)."""

    def __init__(self, kind: str, request: pytest.FixtureRequest) -> None:
        self.clock = Clock()
        self.kind = kind
        if kind == "memory":
            self.store = MemoryLimits(self.clock)
            self.store.PRUNE_EVERY = 100
        else:
            import redis

            from facilitator.realtime.limits import RedisLimits

            client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
            request.addfinalizer(client.close)
            self.store = RedisLimits(client, self.clock)
            self.store.PREFIX = f"test:{uuid.uuid4().hex}:"  # this test's buckets only

    def advance(self, seconds: float) -> None:
        self.clock.now += seconds
        if self.kind == "redis":
            time.sleep(seconds)


@pytest.fixture(params=["memory", "redis"])
def buckets(request: pytest.FixtureRequest) -> Buckets:
    return Buckets(request.param, request)


def test_a_bucket_gives_its_burst_then_its_rate_and_says_how_long_to_wait(buckets) -> None:
    limits, rate = buckets.store, Rate(3, 2.0)
    assert [limits.take("k", rate) for _ in range(3)] == [0, 0, 0]
    assert limits.take("k", rate) == pytest.approx(0.5)
    buckets.clock.now += 0.5
    assert limits.take("k", rate) == 0
    assert limits.take("k", rate) == pytest.approx(0.5)  # a refusal takes nothing ...
    assert limits.take("k", rate, cost=2) == pytest.approx(1.0)  # ... and says how long
    assert limits.take("other", rate) == 0  # buckets are per key


def test_take_first_stops_at_the_first_bucket_that_refuses_and_leaves_the_rest(
        buckets) -> None:
    limits, mine, shared = buckets.store, Rate(2, 1.0), Rate(3, 1.0)
    both = [("mine", mine), ("shared", shared)]
    assert [limits.take_first(both) for _ in range(2)] == [0, 0]
    assert limits.take_first(both) == pytest.approx(1.0)  # mine is empty ...
    assert limits.take("shared", shared) == 0  # ... and the shared one kept its last token
    assert limits.take("shared", shared) == pytest.approx(1.0)
    assert limits.take_first([("other", mine), ("shared", shared)]) == pytest.approx(1.0)
    assert limits.take("other", mine) == 0  # a later refusal does not undo the first take
    assert limits.take("other", mine) == pytest.approx(1.0)


def test_full_buckets_are_forgotten_so_memory_stays_bounded(buckets) -> None:
    for i in range(99):
        buckets.store.take(f"k{i}", Rate(5, 2.0))
    assert len(buckets.store) == 99
    buckets.advance(0.7)  # every bucket has refilled (4 tokens + 0.7 s at 2 a second)
    buckets.store.take("last", Rate(5, 2.0))
    assert len(buckets.store) <= 2


def test_redis_buckets_are_shared_by_processes_and_taken_from_atomically(redis_url) -> None:
    """Two processes' stores on one Redis see one bucket; eight threads racing for a bucket
    of 50 get exactly 50 between them."""
    import redis

    from facilitator.realtime.limits import RedisLimits

    prefix = f"test:{uuid.uuid4().hex}:"
    stores = []
    for _ in range(2):
        store = RedisLimits(redis.Redis.from_url(redis_url))
        store.PREFIX = prefix
        stores.append(store)
    rate = Rate(3, 0.001)
    assert [stores[i % 2].take("p", rate) for i in range(3)] == [0, 0, 0]
    assert stores[1].take("p", rate) > 0 and stores[0].take("p", rate) > 0

    taken = []
    never = Rate(50, 0.0)

    def grab(store: RedisLimits) -> None:
        for _ in range(20):
            if store.take("race", never) == 0:
                taken.append(1)

    threads = [threading.Thread(target=grab, args=(stores[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 50
    assert stores[0].take("race", never) == 3600.0  # no refill at all: "an hour"


def test_redis_limits_let_the_room_go_on_when_redis_is_away() -> None:
    from facilitator.localservers import free_port
    from facilitator.realtime.limits import RedisLimits
    from facilitator.realtime.scale import connect_redis

    gone = RedisLimits(connect_redis(f"redis://127.0.0.1:{free_port()}/0"))
    started = time.monotonic()
    assert gone.take("k", Rate(1, 1.0)) == 0.0
    assert time.monotonic() - started < 1  # and it does not hold the command up


def test_forwarded_for_counts_only_behind_the_trusted_number_of_proxies() -> None:
    environ = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}
    assert client_address(environ, 0) == "10.0.0.1"  # anyone can write the header
    assert client_address(environ, 1) == "203.0.113.5"  # what our one proxy saw
    assert client_address(environ, 2) == "6.6.6.6"
    assert client_address(environ, 3) == "10.0.0.1"  # fewer hops than proxies: the peer
    assert client_address({}, 1) == "unknown"


# -- the wire's decoder ------------------------------------------------------------------------

payloads = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=80, deadline=None)
@given(payloads)
def test_what_a_client_can_send_within_the_limits_decodes_as_the_standard_decoder_does(
        value: object) -> None:
    text = json.dumps(value)
    if depth(value) <= MAX_DEPTH:
        assert SafeJSON.loads(text) == json.loads(text)


@settings(max_examples=40, deadline=None)
@given(st.integers(MAX_DEPTH + 1, 5000), st.sampled_from("[{"), st.text(max_size=5))
def test_anything_nested_deeper_than_the_limit_is_refused_before_decoding(
        n: int, bracket: str, noise: str) -> None:
    opener = "[" if bracket == "[" else '{"a":'
    closer = "]" if bracket == "[" else "}"
    text = opener * n + json.dumps(noise) + closer * n
    with pytest.raises(Refusal, match="nested too deeply"):
        check_limits(text)


def test_brackets_and_digits_inside_text_do_not_count() -> None:
    text = json.dumps({"text": "[" * 100 + "9" * 100 + '\\" [[['})
    assert SafeJSON.loads(text)["text"].startswith("[[[")


@pytest.mark.parametrize("text", ["9" * 17, "-" + "9" * 17, '{"a": 1e400}', "NaN",
                                  "[Infinity]", "1" + "0" * 400])
def test_numbers_no_client_means_are_refused(text: str) -> None:
    with pytest.raises(Refusal):
        SafeJSON.loads(text)


def test_decoding_the_worst_allowed_message_is_quick() -> None:
    text = "[" + ",".join(["[[]]"] * 13_000) + "]"  # 64 KB of shallow brackets
    start = time.perf_counter()
    SafeJSON.loads(text)
    assert time.perf_counter() - start < 1.0  # linear: about 10 ms on an idle machine


# -- photos ------------------------------------------------------------------------------------

def png(width: int, height: int) -> bytes:
    """A PNG as an attacker sends it: a header claiming the size, a little compressed data
    (a real one of 7000x7000 in one bit per pixel weighs 46 KB)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 10_000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(7000, 7000), (20_000, 20_000)])
def test_a_small_file_with_too_many_pixels_is_refused_as_too_large_without_decoding(
        size: tuple[int, int], monkeypatch) -> None:
    from facilitator import photos

    def must_not_decode(image):  # noqa: ANN001
        raise AssertionError("decoded")

    monkeypatch.setattr(photos, "_decode", must_not_decode)
    data = png(*size)
    assert len(data) < 200_000
    with pytest.raises(DomainError, match="too large"):
        photos.clean(data)


def test_a_phone_sized_photo_is_accepted() -> None:
    from facilitator import photos

    buf = io.BytesIO()
    Image.new("RGB", (2400, 1800), "white").save(buf, "JPEG")
    photo = photos.clean(buf.getvalue())
    assert max(photo.width, photo.height) == photos.MAX_SIDE


def test_at_most_two_photos_are_decoded_at_once(monkeypatch) -> None:
    from facilitator import photos

    running, most = 0, 0
    lock = threading.Lock()
    real = photos._decode

    def slow_decode(image):  # noqa: ANN001
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.1)
        with lock:
            running -= 1
        return real(image)

    monkeypatch.setattr(photos, "_decode", slow_decode)
    buf = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buf, "PNG")
    threads = [threading.Thread(target=photos.clean, args=(buf.getvalue(),)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 2


# -- deletion leaves nothing -------------------------------------------------------------------

def test_deleting_a_workshop_leaves_its_words_in_neither_the_database_nor_the_wal(
        tmp_path: Path, monkeypatch) -> None:
    from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
    from facilitator.service import Service
    from facilitator.store import SqliteStore
    from facilitator.store import sqlite as module

    real_connect = sqlite3.connect

    def connect_as_a_build_without_secure_delete(*args, **kwargs):  # noqa: ANN002, ANN003
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")  # Debian's default is ON, others' is not
        return conn

    monkeypatch.setattr(module.sqlite3, "connect", connect_as_a_build_without_secure_delete)
    store = SqliteStore(tmp_path / "s.db", "NORMAL")
    assert store._conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    service = Service(store)
    plan = {"title": "Private", "stages": [{"kind": "notes", "title": "S", "prompt": "P",
                                            "options": {"max_per_person": 200}}]}
    row = service.create_workshop(load_plan(plan))
    keep = service.create_workshop(load_plan(plan))
    service.handle(row.id, Actor(FACILITATOR), "start", {})
    joined = service.handle(row.id, Actor(VISITOR), "join", {"token": "t" * 20})
    pid = joined.extra["participant"]["participant"]
    secret = "my-unique-story-zq81x"
    for i in range(50):
        assert service.handle(row.id, Actor(PARTICIPANT, pid), "post_note",
                              {"text": f"{secret} {i}"}).ok
    store.checkpoint()  # some of it in the database file, some still in the WAL
    service.handle(row.id, Actor(PARTICIPANT, pid), "post_note", {"text": f"{secret} WAL"})
    raw = (tmp_path / "s.db").read_bytes() + (tmp_path / "s.db-wal").read_bytes()
    assert secret.encode() in raw  # the check below can see the words when they are there
    service.delete_workshop(row.id)
    for name in ("s.db", "s.db-wal"):
        path = tmp_path / name
        assert not path.exists() or secret.encode() not in path.read_bytes(), name
    assert service.store.find(id=keep.id) is not None


# -- Markdown ----------------------------------------------------------------------------------

def test_markdown_keeps_a_notes_line_breaks_and_blank_lines() -> None:
    from facilitator.export.as_markdown import inline

    text = "line one\nline two\n\nline five"
    assert inline(text) == "line one  \nline two\n\nline five"
    assert inline(text, "  ") == "line one  \n  line two\n\n  line five"
    assert inline("\n\nonly\n\n") == "only"


def test_the_markdown_report_keeps_blank_lines_inside_a_note(tmp_path: Path) -> None:
    from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
    from facilitator.export import render
    from facilitator.service import Service
    from facilitator.store import SqliteStore

    service = Service(SqliteStore(tmp_path / "m.db"))
    plan = {"title": "T", "stages": [{"kind": "notes", "title": "S", "prompt": "P"}]}
    row = service.create_workshop(load_plan(plan))
    service.handle(row.id, Actor(FACILITATOR), "start", {})
    pid = service.handle(row.id, Actor(VISITOR), "join", {}).extra["participant"]["participant"]
    text = "line one\nline two\n\nline five"
    assert service.handle(row.id, Actor(PARTICIPANT, pid), "post_note", {"text": text}).ok
    body = render("md", row, service.store.events(row.id)).body
    assert "line one  \n  line two\n\n  line five" in body


# -- retention and backup ----------------------------------------------------------------------

def test_retention_deletes_only_workshops_ended_long_enough_ago(tmp_path: Path) -> None:
    from facilitator.service import Service
    from facilitator.store import SqliteStore

    now = [1_000_000.0]
    service = Service(SqliteStore(tmp_path / "r.db"), clock=lambda: now[0])
    plan = load_plan({"title": "T", "stages": [{"kind": "notes", "title": "S", "prompt": "P"}]})
    old, recent, running, reopened = (service.create_workshop(plan) for _ in range(4))
    for row in (old, recent, running, reopened):
        service.handle(row.id, Actor(FACILITATOR), "start", {})
    service.handle(old.id, Actor(FACILITATOR), "end_workshop", {})
    service.handle(reopened.id, Actor(FACILITATOR), "end_workshop", {})
    service.handle(reopened.id, Actor(FACILITATOR), "reopen_workshop", {})
    now[0] += 31 * 86400
    service.handle(recent.id, Actor(FACILITATOR), "end_workshop", {})
    now[0] += 86400
    assert service.delete_expired(30) == [old.id]
    assert {r.id for r in service.store.workshops()} == {recent.id, running.id, reopened.id}
    assert service.delete_expired(30) == []


def test_backup_copies_a_consistent_database(tmp_path: Path) -> None:
    from facilitator.store import SqliteStore, backup

    store = SqliteStore(tmp_path / "b.db")
    service_row = _row(store)
    assert backup(tmp_path / "b.db", tmp_path / "copy.db") == 1
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT id FROM workshops").fetchone()[0] == service_row
    with pytest.raises(FileExistsError):
        backup(tmp_path / "b.db", tmp_path / "copy.db")


def _row(store) -> str:  # noqa: ANN001
    from facilitator.service import Service

    return Service(store).create_workshop(load_plan(
        {"title": "T", "stages": [{"kind": "notes", "title": "S", "prompt": "P"}]})).id


Actor = __import__("facilitator.core.commands", fromlist=["Actor"]).Actor
_ = Event
