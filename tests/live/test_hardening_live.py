"""Hardening on a real server (eventlet, issue 14): refusals reach the client with their
sentence, bad input is answered on the wire, an oversized upload gets a 413 an ordinary
HTTP client can read, and a backup taken while notes arrive is a consistent copy."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import requests
import socketio
from PIL import Image

from tests.conftest import ROOT, LiveServer
from tests.live.wsclient import RawClient, Refused

CAFE = {"title": "Café", "stages": [{"kind": "cafe", "title": "Tables", "prompt": "Talk",
                                      "options": {"tables": 2, "rounds": 2}}]}


def refusal(url: str, auth: dict) -> str:
    """The message of the CONNECT_ERROR packet the server sends, as it is on the wire (what
    the browser client's connect_error gives as ``err.message``)."""
    with pytest.raises(Refused) as caught:
        RawClient(url, auth)
    return str(caught.value)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for this file (starting one takes seconds): 40 connections per address,
    hardly refilled, so the last test can run them out."""
    tmp = tmp_path_factory.mktemp("hardening-live")
    mp = pytest.MonkeyPatch()
    mp.setenv("FACILITATOR_CONNECT_BURST", "40")
    mp.setenv("FACILITATOR_CONNECT_PER_SECOND", "0.01")
    live = LiveServer(tmp / "live.db", tmp / "server.log").start()
    mp.undo()
    yield live
    live.stop()


def test_bad_input_on_the_wire_is_answered_and_logs_no_traceback(server: LiveServer) -> None:
    w = server.create()
    phone = RawClient(server.url, {"role": "phone", "code": w["code"]})
    assert phone.call("join", {"client_id": "j", "token": "live-device-token-123"})["ok"]
    for body, sentence in [
        ('["post_note",' + "[" * 20_000 + "]" * 20_000 + "]", "nested too deeply"),
        ('["post_note",{"text":' + "9" * 401 + "}]", "number far too long"),
        ('["connect",{"role":"phone"}]', "connection itself"),
        ('["disconnect"]', "connection itself"),
        ('["post_note",{"text":]', "could not be read"),
    ]:
        ack = phone.send_raw(body)
        assert ack["ok"] is False and sentence in ack["error"], ack
    ack = phone.call("post_note", {"client_id": "after", "text": "still attached"})
    assert ack["ok"] is False and "not started" in ack["error"]  # a real answer from the core
    phone.close()
    assert requests.get(f"{server.url}/healthz", timeout=5).ok
    log = server.log.read_text()
    assert "Traceback" not in log and "handler error" not in log


def test_an_oversized_photo_gets_a_413_an_http_client_can_read(server: LiveServer) -> None:
    w = server.create(CAFE)
    big = b"\xff\xd8" + b"\0" * (20 * 1024 * 1024)
    r = requests.post(f"{server.url}/photos/{w['code']}",
                      files={"photo": ("big.jpg", big, "image/jpeg")},
                      data={"token": "x" * 20}, timeout=30)
    assert r.status_code == 413
    assert "too large" in r.json()["error"]
    # and a claimed 49 M pixels in 46 KB is refused for its size, before decoding
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"role": "phone", "code": w["code"]},
                  transports=["websocket"], wait_timeout=10)
    token = "photo-device-token-0001"
    assert phone.call("join", {"client_id": "j", "token": token}, timeout=10)["ok"]
    phone.disconnect()
    buf = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buf, "PNG")
    r = requests.post(f"{server.url}/photos/{w['code']}",
                      files={"photo": ("bomb.png", buf.getvalue(), "image/png")},
                      data={"token": token, "client_id": "p1"}, timeout=30)
    assert r.status_code == 400 and "too large" in r.json()["error"], r.text
    assert "7000 by 7000" in r.json()["error"]


def test_backup_while_notes_arrive_is_a_consistent_copy(server: LiveServer, tmp_path: Path) -> None:
    plan = {"title": "Backup", "stages": [{"kind": "notes", "title": "S", "prompt": "P",
                                           "options": {"max_per_person": 200}}]}
    w = server.create(plan)
    console = socketio.Client(reconnection=False)
    console.connect(server.url, auth={"role": "console", "key": w["console_key"]},
                    transports=["websocket"], wait_timeout=10)
    assert console.call("start", {}, timeout=10)["ok"]
    phones = []
    for i in range(4):
        p = socketio.Client(reconnection=False)
        p.connect(server.url, auth={"role": "phone", "code": w["code"]},
                  transports=["websocket"], wait_timeout=10)
        assert p.call("join", {"client_id": f"j{i}", "token": f"backup-token-{i}-0123456"},
                      timeout=10)["ok"]
        phones.append(p)
    acked: list[int] = []
    stop = threading.Event()

    def keep_posting(p: socketio.Client, i: int) -> None:
        n = 0
        while not stop.is_set() and n < 150:
            ack = p.call("post_note", {"client_id": uuid.uuid4().hex, "text": f"p{i} n{n}"},
                         timeout=10)
            if ack["ok"]:
                acked.append(ack["seq"])
                n += 1
            else:
                stop.wait(ack.get("retry_after", 0.2))

    threads = [threading.Thread(target=keep_posting, args=(p, i)) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    stop.wait(1.0)
    before = len(acked)
    target = tmp_path / "backup.db"
    done = subprocess.run([sys.executable, "-m", "facilitator", "backup", str(target),
                           "--db", str(server.db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    after = len(acked)
    stop.set()
    for t in threads:
        t.join()
    assert done.returncode == 0, done.stderr
    assert before > 10 and after > before  # notes were arriving all along
    copy = sqlite3.connect(target)
    (wid,) = copy.execute("SELECT id FROM workshops WHERE code=?", (w["code"],)).fetchone()
    seqs = [s for (s,) in copy.execute("SELECT seq FROM events WHERE workshop_id=? ORDER BY seq",
                                       (wid,))]
    assert seqs == list(range(1, len(seqs) + 1))  # one consistent moment: no gap
    texts = [json.loads(d)["text"] for (d,) in copy.execute(
        "SELECT data FROM events WHERE type='note_posted' AND workshop_id=?", (wid,))]
    assert before <= len(texts) <= after + 4  # every note acked before it started is in
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for p in [*phones, console]:
        p.disconnect()


def test_every_refused_connection_carries_its_sentence(server: LiveServer) -> None:
    url = server.url
    w = server.create()
    assert "could not be found" in refusal(url, {"role": "console", "key": "wrong-key"})
    assert "could not be found" in refusal(url, {"role": "phone", "code": "ZZZZZZ"})
    assert "open the link" in refusal(url, {"role": "nobody"})
    console = RawClient(url, {"role": "console", "key": w["console_key"]})
    assert console.call("close_door", {})["ok"]
    assert "closed the door" in refusal(url, {"role": "phone", "code": w["code"]})
    assert console.call("open_door", {})["ok"]
    console.close()
    gone = server.create()
    r = requests.post(f"{url}/console/{gone['console_key']}/delete",
                      data={"confirm_code": gone["code"]}, timeout=5)
    assert r.ok
    assert "could not be found" in refusal(url, {"role": "phone", "code": gone["code"]})
    # the address's connections run out (40 here): refused with a sentence, not a hang
    messages = []
    for _ in range(45):
        try:
            RawClient(url, {"role": "screen", "key": w["screen_key"]}).close()
        except Refused as exc:
            messages.append(str(exc))
    assert messages and all("Too many connections" in m for m in messages)
    assert "Traceback" not in server.log.read_text()
