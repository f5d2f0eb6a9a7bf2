"""A minimal asyncio Socket.IO (protocol 5) / Engine.IO (protocol 4) client over WebSocket.

Written for the load benchmark: a thousand of these share one event loop and one CPU core with
the servers under test, so it does the least work possible per message. It speaks only what the
benchmark needs: the WebSocket transport (no long-polling, no upgrade), the default namespace,
text frames, events, acks, connect/connect_error and the Engine.IO ping/pong. No reconnection.

Only the standard library is used, so the benchmark adds no dependency to the project.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time
from collections.abc import Callable
from typing import Any

_OP_CONT, _OP_TEXT, _OP_BIN, _OP_CLOSE, _OP_PING, _OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class ConnectError(Exception):
    """The server refused the Socket.IO connection, or the handshake failed."""


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    if n == 0:
        return payload
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")


def _frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = os.urandom(4)
    return head + key + _mask(payload, key)


class SioClient:
    """One Socket.IO connection. `on_event(name, data, t)` is called for every server event,
    with `t` the `time.perf_counter()` at which the frame was parsed."""

    def __init__(self, host: str, port: int, on_event: Callable[[str, Any, float], None] | None,
                 query: str = ""):
        self.host = host
        self.port = port
        self.on_event = on_event
        self.batches = 0  # `batch` messages received (each handed on as its events)
        self.query = query  # more of the URL's query, e.g. "route=QKH4A7" behind the proxy
        self.headers: dict[str, str] = {}  # the WebSocket upgrade's response headers
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._acks: dict[int, asyncio.Future] = {}
        self._next_ack = 1
        self._connected: asyncio.Future | None = None
        self._task: asyncio.Task | None = None
        self.closed = False
        self.close_reason = ""
        self.sid = ""

    async def connect(self, auth: dict, timeout: float = 30.0) -> None:
        """Open the WebSocket, do the Engine.IO and Socket.IO handshakes; raise ConnectError."""
        try:
            await asyncio.wait_for(self._connect(auth), timeout)
        except TimeoutError as exc:
            await self.close()
            raise ConnectError(f"connect timed out after {timeout:g} s") from exc
        except (OSError, asyncio.IncompleteReadError) as exc:
            await self.close()
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc
        except ConnectError:
            await self.close()
            raise

    async def _connect(self, auth: dict) -> None:
        loop = asyncio.get_running_loop()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /socket.io/?EIO=4&transport=websocket{'&' + self.query if self.query else ''}"
            " HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise ConnectError(f"WebSocket upgrade refused: {status.decode(errors='replace')}")
        for line in head.decode(errors="replace").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if value:
                self.headers[name.strip().lower()] = value.strip()
        # Engine.IO open packet: 0{"sid":..., "pingInterval":...}
        op, msg = await self._read_message()
        if op != _OP_TEXT or not msg.startswith("0"):
            raise ConnectError(f"unexpected Engine.IO open packet: {msg[:80]!r}")
        self._connected = loop.create_future()
        self._task = asyncio.create_task(self._read_loop())
        self._send_text("40" + json.dumps(auth, separators=(",", ":")))
        await self._connected

    async def _read_message(self) -> tuple[int, str]:
        assert self.reader is not None
        parts: list[bytes] = []
        first_op = None
        while True:
            b1, b2 = await self.reader.readexactly(2)
            fin, op, n = b1 & 0x80, b1 & 0x0F, b2 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
            if b2 & 0x80:  # servers do not mask, but be lenient
                key = await self.reader.readexactly(4)
                payload = _mask(await self.reader.readexactly(n), key)
            else:
                payload = await self.reader.readexactly(n) if n else b""
            if op == _OP_PING:
                self._write(_frame(_OP_PONG, payload))
                continue
            if op == _OP_PONG:
                continue
            if op == _OP_CLOSE:
                return _OP_CLOSE, payload[2:].decode(errors="replace")
            if op != _OP_CONT:
                first_op = op
            parts.append(payload)
            if fin:
                data = parts[0] if len(parts) == 1 else b"".join(parts)
                if first_op == _OP_TEXT:
                    return _OP_TEXT, data.decode()
                return _OP_BIN, ""

    async def _read_loop(self) -> None:
        reason = "connection closed"
        try:
            while True:
                op, msg = await self._read_message()
                if op == _OP_CLOSE:
                    reason = f"server closed the WebSocket {msg}".strip()
                    break
                if op != _OP_TEXT or not msg:
                    continue
                t = time.perf_counter()
                eio = msg[0]
                if eio == "4":
                    self._on_sio(msg, t)
                elif eio == "2":  # Engine.IO ping -> pong
                    self._send_text("3" + msg[1:])
                elif eio == "1":
                    reason = "server closed the Engine.IO session"
                    break
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            reason = f"{type(exc).__name__}"
        except asyncio.CancelledError:
            reason = "closed by client"
            raise
        finally:
            self._fail(reason)

    def _on_sio(self, msg: str, t: float) -> None:
        kind = msg[1:2]
        i = 2
        if msg[i : i + 1] == "/":  # namespace other than "/" (not used here)
            i = msg.index(",", i) + 1
        j = i
        while j < len(msg) and msg[j].isdigit():
            j += 1
        ack_id = int(msg[i:j]) if j > i else None
        body = msg[j:]
        if kind == "2":  # event
            name, *args = json.loads(body)
            if self.on_event is not None:
                data = args[0] if args else None
                if name == "batch" and isinstance(data, list):  # a turn's events, in order
                    self.batches += 1
                    for inner, payload in data:
                        self.on_event(inner, payload, t)
                else:
                    self.on_event(name, data, t)
            if ack_id is not None:  # the benchmark never needs to answer, but be polite
                self._send_text(f"43{ack_id}[]")
        elif kind == "3":  # ack
            fut = self._acks.pop(ack_id, None)
            if fut is not None and not fut.done():
                args = json.loads(body)
                fut.set_result((args[0] if args else None, t))
        elif kind == "0":  # connected
            data = json.loads(body) if body else {}
            self.sid = data.get("sid", "")
            if self._connected is not None and not self._connected.done():
                self._connected.set_result(True)
        elif kind == "4":  # connect_error
            data = json.loads(body) if body else {}
            message = data.get("message", body) if isinstance(data, dict) else body
            if self._connected is not None and not self._connected.done():
                self._connected.set_exception(ConnectError(f"refused: {message}"))
        elif kind == "1":  # disconnected by the server
            self._fail("server disconnected the Socket.IO session")

    def _fail(self, reason: str) -> None:
        if not self.closed:
            self.closed = True
            self.close_reason = reason
        err = ConnectError(reason)
        if self._connected is not None and not self._connected.done():
            self._connected.set_exception(err)
        for fut in self._acks.values():
            if not fut.done():
                fut.set_exception(err)
        self._acks.clear()

    def _write(self, data: bytes) -> None:
        if self.writer is not None and not self.writer.is_closing():
            self.writer.write(data)

    def _send_text(self, text: str) -> None:
        self._write(_frame(_OP_TEXT, text.encode()))

    def emit(self, event: str, data: Any) -> None:
        self._send_text("42" + json.dumps([event, data], separators=(",", ":")))

    def call_nowait(self, event: str, data: Any) -> tuple[asyncio.Future, float]:
        """Send an event with an ack; return (future of (ack, t_ack), t_sent)."""
        if self.closed:
            raise ConnectError(self.close_reason)
        ack_id = self._next_ack
        self._next_ack += 1
        fut = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = fut
        payload = json.dumps([event, data], separators=(",", ":"))
        t = time.perf_counter()
        self._send_text(f"42{ack_id}{payload}")
        return fut, t

    async def call(self, event: str, data: Any, timeout: float = 30.0) -> Any:
        fut, _ = self.call_nowait(event, data)
        ack, _t = await asyncio.wait_for(fut, timeout)
        return ack

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        if self.writer is not None:
            try:
                if not self.writer.is_closing():
                    self.writer.write(_frame(_OP_CLOSE, struct.pack("!H", 1000)))
                self.writer.close()
            except (OSError, RuntimeError):
                pass
        self.closed = True
