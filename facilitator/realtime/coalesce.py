"""Coalescing of whole-state updates that arrive faster than a screen can show them.

A dot vote in a room of 1,000 phones changes the tally 1,000 times in a few seconds; the
projector and the console only need its latest state, a few times a second. Events whose
payload is the whole state of something (a vote's tally, the people count, a café's counts
per table) go through a :class:`Coalescer`: the first in a quiet spell is sent at once, the
ones that follow within ``interval`` seconds are held, each replacing the one before, and the
last is sent when the interval has passed (a trailing flush). The final state is always sent;
only intermediate states are skipped.

Order is kept per *stream* (one workshop's audience): before an event that carries state a
held update also carries (a snapshot, a stage, a café view) goes to a stream, the caller sends
the stream's held updates first (:meth:`Coalescer.before`), so a client never sees an older
state after a newer one (a tally after the vote-closed snapshot). Events that each carry
something new (a note) are never coalesced, and need not wait.

It works under eventlet and plain threads alike: the trailing flush runs as a background task
started by the ``spawn`` function given (Flask-SocketIO's ``start_background_task`` and
``sleep``), and a re-entrant lock guards the held updates, sending included, so that two
handlers never interleave one stream's updates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

EmitFn = Callable[[str, Any, str], None]  # (event, payload, room)
Key = tuple[Hashable, str, str]  # (stream, event, room)


class Coalescer:
    """Last-state-wins, trailing-flush coalescing of emits, at most one per key per
    ``interval`` seconds. ``emit(event, payload, room)`` sends; ``spawn(fn, delay)`` runs
    ``fn`` after ``delay`` seconds in the background (None: the caller flushes by hand, with
    :meth:`flush_due`, as the unit tests do); ``clock`` is a monotonic clock in seconds."""

    def __init__(self, emit: EmitFn, interval: float = 0.1,
                 spawn: Callable[[Callable[[], None], float], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.emit = emit
        self.interval = interval
        self.spawn = spawn
        self.clock = clock
        self._held: dict[Key, Any] = {}  # key -> the latest payload not sent yet
        self._due: dict[Key, float] = {}  # key -> when its trailing flush is due
        self._sent_at: dict[Key, float] = {}  # key -> when it was last sent
        self._lock = threading.RLock()
        self.sent = 0  # updates sent (for tests and benchmarks)
        self.skipped = 0  # updates replaced by a later one before they were sent

    def offer(self, stream: Hashable, event: str, payload: Any, room: str) -> None:
        """Send ``payload`` now if the key has been quiet for ``interval``, else hold it
        (replacing any held one) until its trailing flush. A callable ``payload`` is called
        when it is sent (a view that is costly to build is then built once per flush)."""
        key = (stream, event, room)
        with self._lock:
            now = self.clock()
            if key not in self._held and now - self._sent_at.get(key, -1e18) >= self.interval:
                self._send(key, payload, now)
                return
            if key in self._held:
                self.skipped += 1
            self._held[key] = payload
            if key in self._due:
                return  # its flush is already on its way
            due = self._sent_at.get(key, now) + self.interval
            self._due[key] = due
        if self.spawn is not None:
            self.spawn(lambda: self._flush_key(key), max(0.0, due - now))

    def before(self, stream: Hashable) -> None:
        """Another event is about to go to ``stream``: send its held updates first."""
        with self._lock:
            keys = [k for k in self._held if k[0] == stream]
            now = self.clock()
            for key in keys:
                self._send(key, self._held.pop(key), now)
                self._due.pop(key, None)

    def flush_due(self) -> int:
        """Send every held update whose flush is due now; how many were sent."""
        with self._lock:
            now = self.clock()
            due = [k for k, at in self._due.items() if at <= now]
            for key in due:
                self._flush_key(key)
            return len(due)

    def flush_all(self) -> None:
        """Send every held update now (shutting down, or a test that will not wait)."""
        with self._lock:
            for key in list(self._held):
                self._flush_key(key)

    def pending(self) -> int:
        with self._lock:
            return len(self._held)

    def _flush_key(self, key: Key) -> None:
        with self._lock:
            self._due.pop(key, None)
            if key in self._held:
                self._send(key, self._held.pop(key), self.clock())

    def _send(self, key: Key, payload: Any, now: float) -> None:
        self._sent_at[key] = now
        self.sent += 1
        self.emit(key[1], payload() if callable(payload) else payload, key[2])
