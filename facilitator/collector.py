"""When the cyclic garbage collector makes its full collections: when the room is quiet.

A full (generation 2) collection visits every object the collector tracks, and nothing else
runs meanwhile. ``gc.freeze()`` at start takes what was loaded out of its sight, but not what a
room creates: with 1,000 phones connected a full collection took 100 to 140 ms, and CPython
starts one by itself every few thousand notes, so a burst of notes had a latency tail of that
size (bench/README.md). Here the automatic full collections are turned off (the young
generations are still collected as usual) and a background task makes one when the server has
handled nothing for ``quiet`` seconds, or after ``longest`` seconds at the latest, so that
garbage in reference cycles is still freed in a workshop that never pauses. Before a quiet
collection, what commands will need is worked out ahead (``Service.prepare``: a café's
seating), since nothing else is waiting then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

# gen2's threshold: the number of generation-1 collections between full ones; with this
# many, CPython never starts one by itself (3.11 and 3.12: gc.set_threshold's third number)
NEVER = 1_000_000_000


class Collector:
    """Decides when to collect: ``activity()`` returns a number that grows with the work
    handled (commands, connections); ``clock`` is monotonic seconds."""

    def __init__(self, activity: Callable[[], int], quiet: float = 2.0,
                 longest: float = 300.0, clock: Callable[[], float] = time.monotonic,
                 collect: Callable[[], object] = lambda: gc.collect(2),
                 prepare: Callable[[], object] = lambda: None) -> None:
        self.activity = activity
        self._prepare = prepare
        self.quiet = quiet
        self.longest = longest
        self.clock = clock
        self._collect = collect
        self._seen = activity()
        self._changed_at = self._collected_at = clock()
        self.collections = 0

    def tick(self) -> bool:
        """Look once (every second or so); collect if it is time. Whether it collected."""
        now = self.clock()
        seen = self.activity()
        if seen != self._seen:
            self._seen, self._changed_at = seen, now
        idle = now - self._changed_at >= self.quiet
        worked_since = self._changed_at > self._collected_at
        if (idle and worked_since) or now - self._collected_at >= self.longest:
            if idle:
                self._prepare()  # work ahead while nothing happens (Service.prepare)
            self._collect()
            self._collected_at = self.clock()
            self.collections += 1
            return True
        return False


def collect_when_quiet(activity: Callable[[], int], sleep: Callable[[float], None],
                       start: Callable[[Callable[[], None]], None], every: float = 1.0,
                       prepare: Callable[[], object] = lambda: None,
                       **kwargs: float) -> Collector:
    """Turn off CPython's own full collections and start the background task that makes
    them when quiet (``start(fn)`` runs ``fn`` in the background; ``sleep`` waits), after
    ``prepare()``, the work that can be done ahead (Service.prepare)."""
    first, second, _third = gc.get_threshold()
    gc.set_threshold(first, second, NEVER)
    collector = Collector(activity, prepare=prepare, **kwargs)

    def loop() -> None:
        while True:
            sleep(every)
            collector.tick()

    start(loop)
    return collector
