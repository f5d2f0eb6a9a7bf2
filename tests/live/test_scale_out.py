"""One workshop across two `facilitator serve` processes (eventlet, as in production) on one
PostgreSQL database and one Redis, with clients pointed straight at each process (no proxy:
the proxy's own test is tests/live/test_proxy.py). The console is on process A, the projector
on B, phones on both, one person with a phone on each."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import LiveServer, unbatched

pytestmark = pytest.mark.slow

PLAN = {"title": "Across processes", "stages": [
    {"kind": "notes", "title": "One", "prompt": "What helps?",
     "options": {"max_per_person": 50}},
    {"kind": "notes", "title": "Two", "prompt": "What next?"}]}
RATE_BURST = 8  # each participant's burst (per participant, whichever process)


class Client:
    """A python-socketio client (WebSocket) that records every event it receives."""

    def __init__(self, url: str, auth: dict[str, Any]) -> None:
        self.received: list[tuple[str, Any]] = []
        self.got = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", unbatched(self._on))
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _on(self, event: str, data: Any = None) -> None:
        with self.got:
            self.received.append((event, data))
            self.got.notify_all()

    def events(self, name: str) -> list[Any]:
        with self.got:
            return [d for e, d in self.received if e == name]

    def wait_for(self, test, timeout: float = 10, what: str = "") -> None:
        with self.got:
            assert self.got.wait_for(test, timeout), f"{what} not received: {self.received[-5:]}"

    def call(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.sio.call(event, {"client_id": uuid.uuid4().hex, **(payload or {})},
                             timeout=10)

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture(scope="module")
def cluster(pg_server, redis_url, tmp_path_factory) -> Iterator[tuple[LiveServer, LiveServer]]:
    name = f"scale_{uuid.uuid4().hex[:8]}"
    url = pg_server.create_database(name)
    tmp: Path = tmp_path_factory.mktemp("scale")
    env = {"FACILITATOR_RATE_BURST": str(RATE_BURST), "FACILITATOR_RATE_PER_SECOND": "0.01"}
    servers = [LiveServer(url, tmp / f"{n}.log", args=["--redis", redis_url], env=env)
               for n in "ab"]
    for s in servers:
        s.start()
    yield servers[0], servers[1]
    for s in servers:
        s.stop()
    pg_server.drop_database(name)


def phone(server: LiveServer, code: str, name: str, token: str | None = None) -> Client:
    token = token or uuid.uuid4().hex * 2
    c = Client(server.url, {"role": "phone", "code": code, "token": token})
    c.token = token  # type: ignore[attr-defined]
    if not token_known(c):
        ack = c.call("join", {"name": name, "token": token})
        assert ack["ok"], ack
        # its own view, joined: its "me" from the process that decided the join, or (when
        # another process owns the workshop) a snapshot from this one, once the phone is in
        # its participant's room
        c.wait_for(lambda: c.events("me") or any(s.get("joined") for s in c.events("snapshot")),
                   what="its own view after joining")
    return c


def token_known(c: Client) -> bool:
    c.wait_for(lambda: c.events("snapshot"), what="snapshot")
    return bool(c.events("snapshot")[0].get("joined"))


def test_one_workshop_on_two_processes(cluster) -> None:
    a, b = cluster
    w = a.create(PLAN)
    code = w["code"]
    console = Client(a.url, {"role": "console", "key": w["console_key"]})
    screen = Client(b.url, {"role": "screen", "key": w["screen_key"]})
    assert console.call("start")["ok"]
    on_a = [phone(a, code, f"A{i}") for i in range(3)]
    on_b = [phone(b, code, f"B{i}") for i in range(3)]
    # Ada has a phone on each process (the same device token)
    ada_a = phone(a, code, "Ada")
    ada_b = phone(b, code, "Ada", token=ada_a.token)  # type: ignore[attr-defined]
    visitor = Client(b.url, {"role": "phone", "code": code})  # on B, not joined
    phones = [*on_a, *on_b, ada_a, ada_b]

    # people counts include both processes: 7 participants (Ada once)
    screen.wait_for(lambda: any(p["online"] == 7 for p in screen.events("people")),
                    what="people online 7 on the screen (B)")
    console.wait_for(lambda: any(p["online"] == 7 for p in console.events("people")),
                     what="people online 7 on the console (A)")

    # notes from both processes, at once: each reaches the projector (B), the console (A)
    # and its author's phones (Ada's on both processes) exactly once, and seq is gapless
    acks: dict[str, dict] = {}

    def post(c: Client, who: str) -> None:
        for k in range(4):
            text = f"{who} note {k}"
            acks[text] = c.call("post_note", {"text": text})

    writers = [threading.Thread(target=post, args=(c, f"p{i}"))
               for i, c in enumerate([*on_a, *on_b, ada_a])]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    assert all(ack["ok"] for ack in acks.values()), acks
    ids = {ack["note_id"] for ack in acks.values()}
    assert len(ids) == 28
    for c, where in ((screen, "screen on B"), (console, "console on A")):
        c.wait_for(lambda c=c: {e["note"]["id"] for e in c.events("note")} >= ids,
                   what=f"every note on the {where}")
    time.sleep(0.3)  # anything doubled would have arrived by now
    for c in (screen, console):
        shown = [e["note"]["id"] for e in c.events("note")]
        assert sorted(shown) == sorted(ids)  # each exactly once
    ada_notes = {ack["note_id"] for text, ack in acks.items() if text.startswith("p6 ")}
    for c in (ada_a, ada_b):
        c.wait_for(lambda c=c: {e["note"]["id"] for e in c.events("note")} >= ada_notes,
                   what="Ada's notes on both her phones")
        assert sorted(e["note"]["id"] for e in c.events("note")) == sorted(ada_notes)
    for i, c in enumerate(on_b):  # a phone on B gets its own notes, and no one else's
        mine = {ack["note_id"] for text, ack in acks.items() if text.startswith(f"p{i + 3} ")}
        c.wait_for(lambda c=c, mine=mine: {e["note"]["id"] for e in c.events("note")} >= mine)
        assert {e["note"]["id"] for e in c.events("note")} == mine
    # the projector is on B, so B owns the workshop: A forwarded its console's and phones'
    # commands to B (facilitator/realtime/owners.py), and decided none of B's
    health_a, health_b = (requests.get(f"{s.url}/healthz", timeout=10).json() for s in (a, b))
    assert health_a["forwarded"] >= 1 + 4 + 16  # the start, four joins and sixteen notes
    assert health_b["decided_for_others"] >= health_a["forwarded"]
    assert health_b["forwarded"] == 0 and health_a["decided_for_others"] == 0
    # a refusal decided on B for a phone on A comes in the phone's language
    from facilitator import i18n
    from facilitator.i18n import _

    token = uuid.uuid4().hex * 2
    welsh = Client(a.url, {"role": "phone", "code": code, "token": token, "lang": "cy"})
    assert welsh.call("join", {"name": "Cerys", "token": token})["ok"]
    refused = welsh.call("post_note", {"text": "   "})
    with i18n.use("cy"):
        sentence = _("The %s is empty: write something first.") % _("note")
    assert sentence != "The note is empty: write something first."
    assert not refused["ok"] and refused["error"] == sentence, refused
    welsh.close()
    log = requests.get(f"{b.url}/console/{w['console_key']}/export.json", timeout=10).json()
    seqs = [e["seq"] for e in log["events"]]
    assert seqs == list(range(1, len(seqs) + 1))
    assert sorted(ack["seq"] for ack in acks.values()) == sorted(
        e["seq"] for e in log["events"] if e["type"] == "note_posted")

    # a stage change reaches the phones on both processes, each with its own view (its
    # participant's room), and the visitor on B with the visitors' view
    assert console.call("next_stage")["ok"]
    for c in [*phones, visitor, screen]:
        c.wait_for(lambda c=c: any(s["workshop"]["stage_index"] == 1
                                   for s in c.events("snapshot")), what="the new stage")
    ada_view = [s for s in ada_b.events("snapshot") if s["workshop"]["stage_index"] == 1][-1]
    assert ada_view["me"]["name"] == "Ada" and len(ada_view["notes"]) == 4
    visitor_view = [s for s in visitor.events("snapshot")
                    if s["workshop"]["stage_index"] == 1][-1]
    assert not visitor_view["joined"]

    # a phone connecting to B after notes posted through A sees them in its snapshot
    late_a = phone(a, code, "Late")
    posted = late_a.call("post_note", {"text": "Posted via A"})
    assert posted["ok"]
    late_a.close()
    late_b = Client(b.url, {"role": "phone", "code": code, "token": late_a.token})  # type: ignore[attr-defined]
    late_b.wait_for(lambda: late_b.events("snapshot"), what="snapshot on B")
    snap = late_b.events("snapshot")[0]
    assert [n["text"] for n in snap["notes"]] == ["Posted via A"]
    assert snap["seq"] >= posted["seq"]
    resynced = Client(b.url, {"role": "console", "key": w["console_key"]})
    resynced.wait_for(lambda: resynced.events("snapshot"))
    texts = {n["text"] for n in resynced.events("snapshot")[0]["notes"]}
    assert "Posted via A" in texts and "p0 note 3" in texts

    # a participant's rate limit holds when it reconnects to the other process
    fast = phone(a, code, "Fast")
    answers = [fast.call("post_note", {"text": f"fast {k}"}) for k in range(RATE_BURST)]
    assert all(x["ok"] for x in answers)
    assert not fast.call("post_note", {"text": "one too many"})["ok"]
    fast.close()
    again = Client(b.url, {"role": "phone", "code": code, "token": fast.token})  # type: ignore[attr-defined]
    again.wait_for(lambda: again.events("snapshot"))
    refused = again.call("post_note", {"text": "after moving to B"})
    assert not refused["ok"] and refused["retry_after"] > 1

    # the people count follows a phone leaving another process
    for c in on_b:
        c.close()
    console.wait_for(lambda: console.events("people")[-1]["online"] == 6,
                     what="people online 6 after B's three phones left")
    for c in [*on_a, ada_a, ada_b, visitor, late_b, resynced, again, screen, console]:
        c.close()


def test_a_workshop_on_one_process_keeps_its_emits_there_until_a_client_comes_to_another(
        cluster, redis_url) -> None:
    import redis

    a, b = cluster
    w = a.create(PLAN)
    console = Client(a.url, {"role": "console", "key": w["console_key"]})
    screen = Client(a.url, {"role": "screen", "key": w["screen_key"]})
    assert console.call("start")["ok"]
    mine = phone(a, w["code"], "Mo")
    time.sleep(0.5)  # the joins' people counts (coalesced, through Redis) have gone
    listener = redis.Redis.from_url(redis_url).pubsub()
    listener.subscribe("facilitator")
    listener.get_message(timeout=1)  # the subscription's own confirmation
    for k in range(5):
        assert mine.call("post_note", {"text": f"alone {k}"})["ok"]
    screen.wait_for(lambda: len(screen.events("note")) >= 5, what="5 notes on the screen")
    published = []
    while (m := listener.get_message(timeout=0.3)) is not None:
        published.append(m)
    assert published == []  # every client of the workshop is on A: nothing went through Redis

    # a phone comes to B: from now on A's emits reach it through Redis
    there = phone(b, w["code"], "Bea")
    assert mine.call("post_note", {"text": "after Bea came"})["ok"]
    assert console.call("next_stage")["ok"]
    there.wait_for(lambda: any((e.get("workshop") or {}).get("stage_index") == 1
                               for e in there.events("snapshot") + there.events("stage")),
                   what="the stage change on B")
    assert there.call("post_note", {"text": "from B"})["ok"]
    screen.wait_for(lambda: any(e["note"]["text"] == "after Bea came"
                                for e in screen.events("note")), what="A's note")
    console.wait_for(lambda: any(e["note"]["text"] == "from B" for e in console.events("note")),
                     what="B's note on A's console")
    assert listener.get_message(timeout=2) is not None  # through Redis now
    listener.close()
    for c in (console, screen, mine, there):
        c.close()
