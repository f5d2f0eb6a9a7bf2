"""A blocking Socket.IO client that sends raw text packets, as an attacker's script would:
the Engine.IO and Socket.IO handshakes by hand over websocket-client, then any text."""

from __future__ import annotations

import json
import time
from typing import Any

import websocket


class Refused(Exception):
    """The server refused the Socket.IO connection; the message is its sentence."""


class RawClient:
    def __init__(self, url: str, auth: dict[str, Any], timeout: float = 10) -> None:
        self.ws = websocket.create_connection(
            url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
            timeout=timeout)
        opened = self.ws.recv()
        assert opened.startswith("0"), opened
        self.ws.send("40" + json.dumps(auth))
        self.next_id = 1
        while True:
            msg = self._recv()
            if msg.startswith("40"):
                break
            if msg.startswith("44"):
                self.ws.close()
                raise Refused(json.loads(msg[2:]).get("message"))

    def _recv(self) -> str:
        while True:
            msg = self.ws.recv()
            if msg == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            return msg

    def send_raw(self, body: str, timeout: float = 10) -> Any:
        """Send ``42<id><body>`` and return the ack's first argument (raises on timeout or a
        closed connection)."""
        ack_id = self.next_id
        self.next_id += 1
        self.ws.send(f"42{ack_id}{body}")
        deadline = time.monotonic() + timeout
        prefix = f"43{ack_id}"
        while time.monotonic() < deadline:
            msg = self._recv()
            if msg.startswith(prefix) and not msg[len(prefix):len(prefix) + 1].isdigit():
                args = json.loads(msg[len(prefix):])
                return args[0] if args else None
        raise TimeoutError(f"no ack for {body[:80]!r}")

    def call(self, event: str, payload: Any) -> Any:
        return self.send_raw(json.dumps([event, payload]))

    def close(self) -> None:
        try:
            self.ws.close()
        except OSError:
            pass
