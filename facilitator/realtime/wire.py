"""Decoding what arrives on the wire so that every message gets an answer.

python-socketio decodes a packet's JSON before any handler runs, so input the decoder chokes
on (an array nested 20,000 deep: RecursionError; a 401-digit number: "Integer is too large")
raised inside the library: a traceback in the log and no ack for the sender (issue 14).
Here:

- ``SafeJSON.loads`` checks nesting depth and number sizes *before* the JSON decoder runs,
  and refuses NaN and Infinity; it raises ``ValueError`` with a sentence.
- ``SafePacket`` (the server's packet class) turns an event it cannot decode, or one that
  uses a name the connection itself uses (``connect``, ``disconnect``...), into a
  ``Malformed`` event: the action handler answers it with ``ok: false`` and the sentence.
- ``guard`` wraps the server's message entry point: whatever still cannot be answered (no
  ack id, a broken packet) closes that one connection with one logged line, no traceback.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import orjson
from socketio import packet as sio_packet

from facilitator.i18n import _

log = logging.getLogger("facilitator.wire")

MAX_DEPTH = 16  # the deepest legitimate payload (a list of ids in an object) has depth 3
MAX_DIGITS = 16  # 2**53, the largest integer a JavaScript client can send exactly, has 16
MAX_EVENT_NAME = 64
# names the Socket.IO protocol and its clients use for the connection itself
RESERVED = frozenset({"connect", "disconnect", "connect_error", "disconnecting",
                      "newListener", "removeListener", "error", "ping", "pong"})

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_LONG_NUMBER = re.compile(rf"(?<![.\d])\d{{{MAX_DIGITS + 1},}}")  # integer parts only
_BRACKET = re.compile(r"[\[\]{}]")


class Malformed(str):
    """The event name given to a message that cannot be decoded or may not be sent. A client
    cannot make one (JSON gives plain ``str``), so the handler knows it came from here."""

    reason: str

    def __new__(cls, reason: str) -> Malformed:
        out = super().__new__(cls, "\x00malformed")
        out.reason = reason
        return out


class Refusal(ValueError):
    """Input refused before or while decoding; the message is a sentence for a person."""


class Unanswerable(ValueError):
    """A message that cannot be answered with an ack: its connection is closed instead."""


def check_limits(text: str) -> None:
    """Refuse JSON text nested too deep or holding too long a number, before decoding it.

    :raises Refusal: with a sentence a person can read.
    """
    bare = _STRING.sub('""', text) if '"' in text else text  # brackets in text do not count
    if _LONG_NUMBER.search(bare):
        raise Refusal(_("That message has a number far too long to be meant."))
    if bare.count("[") + bare.count("{") <= MAX_DEPTH:
        return  # cannot be nested deeper than its number of brackets
    depth = 0
    for m in _BRACKET.finditer(bare):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise Refusal(_("That message is nested too deeply to be read."))
        else:
            depth -= 1


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise Refusal(_("That message has a number far too long to be meant."))
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")) or len(text) > 40:
        raise Refusal(_("That message has a number far too large to be meant."))
    return value


def _parse_constant(name: str) -> Any:
    raise Refusal(_("That message has a number that is not a number (%s).") % name[:10])


def dumps(obj: Any, **_kwargs: Any) -> str:
    """What the server sends, as compact JSON text. orjson encodes a phone's snapshot five
    times as fast as the standard library (12 against 66 us for a café phone's 5 KB), and a
    fan-out encodes a thousand of them; what it refuses (an integer beyond 64 bits, a lone
    surrogate in a string) the standard encoder writes as before."""
    return _encoded(obj) or json.dumps(obj, separators=(",", ":"))


def _encoded(obj: Any) -> str | None:
    """``obj`` as orjson writes it, or None for what orjson refuses."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return None


class SafeJSON:
    """A ``json`` module for python-socketio and python-engineio (``dumps``, ``loads``)."""

    dumps = staticmethod(dumps)

    @staticmethod
    def loads(text: str | bytes, **_kwargs: Any) -> Any:
        if isinstance(text, bytes | bytearray):
            text = text.decode("utf-8")
        check_limits(text)
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)


class QueueJSON:
    """The ``json`` of the message queue (Redis): its messages come from this server's own
    processes, so they are decoded without the limits on what phones send, by orjson. What
    orjson cannot encode exactly (an integer beyond 64 bits) it would not decode exactly
    either (it reads such an integer as a float): the standard encoder writes it, with a
    leading space (JSON whitespace) that tells ``loads`` to use the standard decoder."""

    @staticmethod
    def dumps(obj: Any, **_kwargs: Any) -> str:
        return _encoded(obj) or " " + json.dumps(obj, separators=(",", ":"))

    @staticmethod
    def loads(text: str | bytes, **_kwargs: Any) -> Any:
        if text[:1] in (" ", b" "):
            return json.loads(text)
        return orjson.loads(text)


class SafePacket(sio_packet.Packet):
    """A Socket.IO packet whose decoding never lets bad input through to a handler."""

    json = SafeJSON
    # nothing the server sends is binary (views are JSON; photos go by URL): skip the
    # recursive walk python-socketio makes of every payload it sends (~5% of a note's CPU)
    uses_binary_events = False

    def decode(self, encoded_packet: Any) -> int:
        if not isinstance(encoded_packet, str):
            raise Unanswerable("binary data where a text packet was expected")
        self.id = None
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, RecursionError, TypeError, IndexError) as exc:
            if self.packet_type not in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
                raise Unanswerable(f"undecodable packet: {str(exc)[:80]}") from None
            self._refuse(str(exc) if isinstance(exc, Refusal)
                         else _("That message could not be read (it is not valid JSON)."))
            return 0
        if self.packet_type == sio_packet.CONNECT and not isinstance(self.data, dict | None):
            self.data = None  # refused by the connect handler with its sentence
        if self.packet_type == sio_packet.BINARY_EVENT:
            # nothing the pages send is binary; answer the event, then the attachments that
            # follow close the connection (they arrive where no packet expects them)
            self.packet_type = sio_packet.EVENT
            self._refuse(_("That message carried binary data, which is not accepted."))
            return 0
        if self.packet_type == sio_packet.EVENT:
            data = self.data
            if not (isinstance(data, list) and data and isinstance(data[0], str)
                    and 0 < len(data[0]) <= MAX_EVENT_NAME):
                self._refuse(_("That message has no action name."))
            elif data[0] in RESERVED:
                self._refuse(_("'%s' is a name the connection itself uses; it is not an "
                               "action.") % data[0])
        return attachments

    def _refuse(self, reason: str) -> None:
        self.packet_type = sio_packet.EVENT
        self.data = [Malformed(reason)]
        if self.id is None:
            raise Unanswerable(f"unanswerable message (no ack id): {reason}")


def install(server: Any) -> None:
    """Make ``server`` (a python-socketio Server) decode with ``SafePacket`` and close, with
    one logged line, a connection whose message cannot be answered."""
    assert server.packet_class is SafePacket, "pass serializer=SafePacket, json=SafeJSON"
    if getattr(server.manager, "json", None) is SafeJSON:  # a message queue's manager
        server.manager.json = QueueJSON
    handle = server._handle_eio_message  # the library's entry point for every message

    def guarded(eio_sid: str, data: Any) -> None:
        try:
            handle(eio_sid, data)
        except Exception as exc:  # bad input must never reach the log as a traceback
            reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            log.warning("closed connection %s: %s", eio_sid, reason)
            server._binary_packet.pop(eio_sid, None)
            for namespace in list(server.manager.get_namespaces()):
                sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
                if sid is not None:
                    server.disconnect(sid, namespace=namespace)
            server.eio.disconnect(eio_sid)

    server._handle_eio_message = guarded  # the test client calls this attribute directly
    server.eio.on("message", guarded)


def unmask(data: bytes, mask: bytes, length: int | None = None, offset: int = 0) -> bytes:
    """``eventlet.websocket.RFC6455WebSocket._apply_mask``, the same bytes: XOR the first
    ``length`` bytes of ``data`` with the 4-byte ``mask`` started at ``offset``. eventlet's
    own builds a bytes object per byte of every frame a phone sends (a note's 150 bytes: 40 us
    of the server's CPU); this is one XOR of two integers."""
    if length is None:
        length = len(data)
    if length <= 0:
        return b""
    k = offset % 4
    key = bytes(mask[k:4]) + bytes(mask[:k])
    stream = (key * (length // 4 + 1))[:length]
    value = int.from_bytes(bytes(data[:length]), "big") ^ int.from_bytes(stream, "big")
    return value.to_bytes(length, "big")


def install_unmask() -> None:
    """Use ``unmask`` in eventlet's WebSocket server (``facilitator serve`` under eventlet)."""
    from eventlet import websocket

    websocket.RFC6455WebSocket._apply_mask = staticmethod(unmask)  # type: ignore[method-assign]
