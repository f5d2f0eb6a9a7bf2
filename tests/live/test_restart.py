"""A real server process (eventlet): restart on the same database loses nothing."""

import gc
import threading
import uuid
import warnings

import requests
import socketio

from tests.conftest import unbatched


class Client:
    """A python-socketio client that records what it receives."""

    def __init__(self, url: str, auth: dict) -> None:
        self.received: dict[str, list] = {}
        self.got = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", unbatched(self._on))
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _on(self, event, data=None):
        with self.got:
            self.received.setdefault(event, []).append(data)
            self.got.notify_all()

    def wait(self, event: str, count: int = 1, timeout: float = 10) -> list:
        with self.got:
            assert self.got.wait_for(lambda: len(self.received.get(event, [])) >= count,
                                     timeout), f"{event} x{count} not received: {self.received}"
            return self.received[event]

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, {"client_id": uuid.uuid4().hex, **payload}, timeout=10)

    def close(self) -> None:
        self.sio.disconnect()


def test_restart_keeps_workshops_participants_notes_hidden_flags_and_stage(live_server) -> None:
    w = live_server.create()
    console = Client(live_server.url, {"role": "console", "key": w["console_key"]})
    assert console.call("start", {})["ok"]
    phone = Client(live_server.url, {"role": "phone", "code": w["code"]})
    token = "restart-test-device-token-123"
    assert phone.call("join", {"name": "Ada", "token": token})["ok"]
    kept = phone.call("post_note", {"text": "Kept across the restart"})
    hidden = phone.call("post_note", {"text": "Hidden before the restart"})
    assert console.call("hide_note", {"note_id": hidden["note_id"]})["ok"]
    assert console.call("next_stage", {})["ok"]
    seq_before = console.call("resync", {})["snapshot"]["seq"]
    for c in (console, phone):
        c.close()

    live_server.stop()
    live_server.start()

    phone = Client(live_server.url, {"role": "phone", "code": w["code"], "token": token})
    snap = phone.wait("snapshot")[0]
    assert snap["joined"] and snap["me"]["name"] == "Ada"
    assert snap["seq"] == seq_before
    assert snap["workshop"]["stage_index"] == 1
    assert [n["text"] for n in snap["notes"]] == ["Kept across the restart"]
    console = Client(live_server.url, {"role": "console", "key": w["console_key"]})
    notes = {n["id"]: n for n in console.wait("snapshot")[0]["notes"]}
    assert notes[hidden["note_id"]]["hidden"] and notes[hidden["note_id"]]["hidden_by"]
    assert not notes[kept["note_id"]]["hidden"]
    # the phone carries on, and a resend from before the restart is still applied only once
    after = phone.call("post_note", {"text": "After the restart"})
    assert after["ok"] and after["seq"] == seq_before + 1
    again = phone.sio.call("post_note", {"client_id": "fixed-id", "text": "x"}, timeout=10)
    assert phone.sio.call("post_note", {"client_id": "fixed-id", "text": "x"},
                          timeout=10) == {**again, "duplicate": True}
    screen = Client(live_server.url, {"role": "screen", "key": w["screen_key"]})
    texts = [n["text"] for n in screen.wait("snapshot")[0]["notes"]]
    assert texts == ["After the restart", "x"]
    for c in (console, phone, screen):
        c.close()


def test_oversized_message_drops_only_that_client(live_server) -> None:
    w = live_server.create()
    console = Client(live_server.url, {"role": "console", "key": w["console_key"]})
    console.call("start", {})
    big = Client(live_server.url, {"role": "phone", "code": w["code"]})
    big.call("join", {})
    try:
        big.sio.call("post_note", {"client_id": "big", "text": "x" * 200_000}, timeout=3)
    except socketio.exceptions.TimeoutError:
        pass
    big.sio.sleep(0.5)
    assert not big.sio.connected
    # the client library leaves its half of the dropped socket for the GC: collect it here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del big
        gc.collect()
    ok = Client(live_server.url, {"role": "phone", "code": w["code"]})
    assert ok.call("join", {})["ok"]
    assert ok.call("post_note", {"text": "the workshop carries on"})["ok"]
    ok.close()
    console.close()


def test_http_pages_and_clear_errors(live_server) -> None:
    w = live_server.create()
    assert requests.get(w["join_url"], timeout=5).status_code == 200
    r = requests.get(f"{live_server.url}/j/ZZZZZZ", timeout=5)
    assert r.status_code == 404 and "ZZZZZZ" in r.text and "Traceback" not in r.text
    r = requests.get(f"{live_server.url}/screen/{w['screen_key']}/qr.svg", timeout=5)
    assert r.headers["content-type"].startswith("image/svg+xml") and "<svg" in r.text
    assert requests.get(f"{live_server.url}/console/{w['code']}", timeout=5).status_code == 404
    r = requests.post(f"{live_server.url}/api/workshops", json={"title": "x"}, timeout=5)
    assert r.status_code == 400 and r.json()["field"] == "stages"
