"""One Redis message per turn of the event loop for what a process tells the others.

With Flask-SocketIO's message queue, every emit that may reach another process's sockets is
published to Redis as a message of its own, and every process reads and decodes each one.
In a room spread over processes a note makes several (the projector's, its author's
phones'), and each costs every process a PUBLISH or a read through redis-py, whatever it
holds. Under eventlet, ``combine`` holds what one turn of the hub publishes and sends it at
the end of the next turn (with what the projector's and console's Batcher sends at its
start, realtime/batch.py): one message as itself, several as one ``multi`` message, which
each process's listener hands to the manager one by one, in order. This process's own
sockets are not waited for: the manager delivers to them at once, as before.

Nothing else changes: a process reading a ``multi`` message skips the parts it published
itself (their ``host_id``), as it skips its own single messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

MULTI = "facilitator_multi"  # not a method python-socketio knows: older processes skip it


def combine(manager: Any, later: Callable[[Callable[[], None]], None] | None) -> None:
    """Make ``manager`` (a python-socketio PubSubManager) publish once per turn (``later``
    runs a function on the next turn; None: publish each message at once) and read the
    messages so combined. Call before the manager starts listening (its first use)."""
    if later is None:
        return
    publish = manager._publish
    listen = manager._listen
    held: list[dict[str, Any]] = []

    def flush() -> None:
        messages = held[:]
        del held[:len(messages)]
        if not messages:
            return
        try:
            publish(messages[0] if len(messages) == 1 else
                    {"method": MULTI, "messages": messages, "host_id": manager.host_id})
        except Exception:  # noqa: BLE001 - the manager logs Redis's errors itself
            log.exception("could not publish %d message(s) to the queue", len(messages))

    def held_publish(data: dict[str, Any]) -> None:
        held.append(data)
        if len(held) == 1:  # after the next turn: what the Batcher sends then goes with it
            later(lambda: later(flush))

    def unpacked() -> Iterator[Any]:
        for message in listen():
            try:
                data = message if isinstance(message, dict) else manager.json.loads(message)
            except Exception:  # noqa: BLE001 - the manager ignores what it cannot read
                continue
            if isinstance(data, dict) and data.get("method") == MULTI:
                if data.get("host_id") != manager.host_id:
                    yield from (m for m in data.get("messages") or () if isinstance(m, dict))
            else:
                yield data

    manager._publish = held_publish
    manager._listen = unpacked
