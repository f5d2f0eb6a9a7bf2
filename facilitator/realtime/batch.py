"""One message per turn of the event loop for the projector and the console.

In a burst of 1,000 notes the projector and the console are sent a `note` each per note, and
every message costs the stack the same whatever it holds (encoding, a frame, a write, a wake
of the socket's writer). Under eventlet, what goes to a screen's or a console's rooms during
one turn of the hub (the handlers that ran in it) is held and sent at the start of the next
turn: one event as itself, several as one ``batch`` message, ``[[event, payload], ...]``,
which the pages' ``connect()`` (static/js/common.js) hands to the same handlers in order.
Nothing waits for a timer: in a quiet room a note goes out on the very next turn; in a busy
one the notes of a turn share a message, so the more the room sends, the less each note costs.

Order is kept per *stream* (a workshop's audience, which may span its rooms: the audience's
room and its language's): one list per stream, and consecutive events to the same room are
merged. The caller flushes (:meth:`Batcher.flush`) before anything sent outside the batcher
must not overtake what it holds (a snapshot sent to one socket). Without a ``defer`` function
(tests, the threading server) every event is sent at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from facilitator.realtime.presence import stream_of

EmitFn = Callable[..., None]  # (event, payload, room, local=False)
BATCH = "batch"


class Batcher:
    """Holds ``(room, event, payload)`` per stream until ``defer`` runs the flush."""

    def __init__(self, emit: EmitFn,
                 defer: Callable[[Callable[[], None]], None] | None = None) -> None:
        self.emit = emit
        self.defer = defer
        self._held: dict[str, list[tuple[str, str, Any, bool]]] = {}
        self._scheduled = False
        self._lock = threading.RLock()  # held while sending: no two flushes interleave
        self.messages = 0  # messages sent (for tests and benchmarks)
        self.events = 0  # events they carried

    def add(self, event: str, payload: Any, room: str, local: bool = False) -> None:
        """Send ``event`` to ``room`` on the loop's next turn, with what else comes (the
        arguments of an ``EmitFn``, so that a Coalescer can send through a Batcher).
        ``local``: to this process's sockets only (no other process has any in the room)."""
        if self.defer is None:
            self._send(room, [(event, payload)], local)
            return
        with self._lock:
            self._held.setdefault(stream_of(room), []).append((room, event, payload, local))
            if self._scheduled:
                return
            self._scheduled = True
        self.defer(self.flush)

    def flush(self) -> None:
        """Send everything held now, each stream's events in the order they were added."""
        with self._lock:
            held, self._held = self._held, {}
            self._scheduled = False
            for items in held.values():
                run: list[tuple[str, Any]] = []
                for i, (room, event, payload, local) in enumerate(items):
                    run.append((event, payload))
                    if i + 1 == len(items) or items[i + 1][0] != room \
                            or items[i + 1][3] != local:
                        self._send(room, run, local)
                        run = []

    def _send(self, room: str, run: list[tuple[str, Any]], local: bool = False) -> None:
        self.messages += 1
        self.events += len(run)
        if len(run) == 1:
            self.emit(run[0][0], run[0][1], room, local)
        else:
            self.emit(BATCH, [[event, payload] for event, payload in run], room, local)
