"""The one place that knows about eventlet at run time: running blocking calls.

sqlite3 holds the whole eventlet hub while a C call runs; ``run_blocking`` sends the call to
eventlet's thread pool when the process was monkey-patched by ``facilitator serve``, and calls
it directly otherwise (tests, the threading server, the CLI).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _patched() -> bool:
    eventlet = sys.modules.get("eventlet")
    if eventlet is None:
        return False
    from eventlet import patcher

    return bool(patcher.is_monkey_patched("thread"))


def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` without blocking other green threads, when there are any."""
    if _patched():
        from eventlet import tpool

        return tpool.execute(fn, *args)
    return fn(*args)


def run_in_background(fn: Callable[[], Any]) -> None:
    """Start ``fn()`` without waiting for it: a green thread under eventlet, else a daemon
    thread."""
    if _patched():
        import eventlet

        eventlet.spawn_n(fn)
        return
    import threading

    threading.Thread(target=fn, daemon=True).start()


def next_turn() -> Callable[[Callable[[], Any]], None] | None:
    """Under eventlet, a function that runs ``fn()`` on the hub's next turn (after the green
    threads ready now); None otherwise (there are no turns to wait for)."""
    if not _patched():
        return None
    import eventlet

    return lambda fn: eventlet.spawn_n(fn)
