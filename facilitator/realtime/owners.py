"""One process decides a spread workshop's commands: the others forward them to it (Redis).

When a workshop's phones are spread over several processes (``--spread``), each process
deciding the commands its own phones send makes every command wait for the workshop's
cross-process lock and catch up from the log under it (Service._decide_together): the
processes take turns, and a room's burst queues behind the lock. Instead, one process owns
the workshop: it decides every command, in batches, on the state it holds, without the lock
(it is the only writer), and the others send it their phones' commands through Redis and
hand back its acks.

Ownership is a lease in Redis (``facilitator:owner:{workshop}``, ``lease`` seconds, renewed
by its owner every third of that): the first process to get a command for a workshop that
has no owner takes it. Ownership only decides who does the work, never whether the log
stays right: every process may still decide any command, and the log's key and the
workshop's lock keep ``seq`` gapless whoever writes (docs/architecture.md). So when the
owner is not there, a command is decided where it arrived:

- **the owner is gone** (SIGKILLed: nobody is subscribed to its channel, PUBLISH says 0):
  the lease is dropped, and this process takes it;
- **the owner does not answer** within ``wait`` seconds: the command is decided here; if
  the owner wrote it meanwhile, its client id makes this a duplicate, acked as the first;
- **Redis is away**: decided here.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from facilitator.realtime.wire import QueueJSON

log = logging.getLogger(__name__)

PREFIX = "facilitator:owner:"
CHANNEL = "facilitator:owners:"  # + process id: the commands for it, and its replies
BROADCAST = "facilitator:owners"  # to every process: a workshop has a new owner (claim)

# the owner's id, after taking the lease when there is none (or renewing its own)
TAKE_SCRIPT = """
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return owner
"""
# drop the lease if it is still held by ARGV[1] (a process found gone)
DROP_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
# renew each lease still held by ARGV[1]; 1 for each renewed, 0 for each lost
RENEW_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
"""

Decider = Callable[[dict[str, Any]], dict[str, Any]]


class Owners:
    """Which process decides each workshop's commands, and the forwarding to it.

    ``decide`` runs a forwarded command here and returns its ack (the transport's own path:
    service.handle, then the emits); ``spawn`` runs a function on a thread of its own."""

    def __init__(self, client: Any, process_id: str, decide: Decider,
                 spawn: Callable[[Callable[[], Any]], Any], lease: float = 3.0,
                 wait: float = 4.0, remember: float = 2.0, idle: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = client
        self.process_id = process_id
        self.decide = decide
        self.spawn = spawn
        self.lease_ms = int(lease * 1000)
        self.lease = lease
        self.wait = wait
        self.remember = remember  # seconds another process is taken as the owner unasked
        self.idle = idle  # seconds without a command before a lease is let go
        self.clock = clock
        self._take = client.register_script(TAKE_SCRIPT)
        self._drop = client.register_script(DROP_SCRIPT)
        self._renew = client.register_script(RENEW_SCRIPT)
        self.owned: dict[str, float] = {}  # workshop -> when it last had a command here
        self._known: dict[str, tuple[str, float]] = {}  # workshop -> (owner, asked at)
        self._waiting: dict[int, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self._ids = itertools.count(1)
        self._stop = threading.Event()
        self._pubsub: Any = None
        self.forwarded = 0  # commands sent to another process
        self.decided_for_others = 0  # commands decided here for another process

    @staticmethod
    def key(workshop: str) -> str:
        return f"{PREFIX}{{{workshop}}}"

    # -- who decides ----------------------------------------------------------------------

    def owner(self, workshop: str) -> str | None:
        """The process to forward the workshop's commands to, or None to decide them here
        (this process owns it, or Redis could not be asked)."""
        now = self.clock()
        if workshop in self.owned:
            self.owned[workshop] = now
            return None
        known = self._known.get(workshop)
        if known and now - known[1] < self.remember:
            return known[0]
        try:
            found = self._take(keys=[self.key(workshop)], args=[self.process_id, self.lease_ms])
        except Exception as exc:  # noqa: BLE001 - Redis away: decide here
            log.warning("could not ask Redis who owns workshop %s: %s", workshop, exc)
            return None
        owner = found.decode() if isinstance(found, bytes) else str(found)
        if owner == self.process_id:
            self.owned[workshop] = now
            self._known.pop(workshop, None)
            return None
        if len(self._known) > 4096:
            self._known.clear()
        self._known[workshop] = (owner, now)
        return owner

    def claim(self, workshop: str) -> None:
        """Own the workshop from now on, whoever did (a projector connected here: its
        notes are then decided where they are shown, one hop through Redis fewer), and
        tell every process. A command the old owner decides meanwhile is safe: the log's key
        refuses one of the two writes, which is decided again."""
        now = self.clock()
        try:
            self.redis.set(self.key(workshop), self.process_id, px=self.lease_ms)
            self.redis.publish(BROADCAST, QueueJSON.dumps(
                {"kind": "owner", "workshop": workshop, "owner": self.process_id}))
        except Exception as exc:  # noqa: BLE001 - Redis away: every process decides its own
            log.warning("could not claim workshop %s: %s", workshop, exc)
            return
        self.owned[workshop] = now
        self._known.pop(workshop, None)

    def forget(self, workshop: str, owner: str) -> None:
        """``owner`` did not take a command: drop its lease (if it still holds it), so that
        the next command finds a live owner."""
        self._known.pop(workshop, None)
        try:
            self._drop(keys=[self.key(workshop)], args=[owner])
        except Exception as exc:  # noqa: BLE001 - its lease runs out by itself
            log.warning("could not drop the lease of workshop %s: %s", workshop, exc)

    # -- forwarding -------------------------------------------------------------------------

    def forward(self, owner: str, command: dict[str, Any]) -> dict[str, Any] | None:
        """Send ``command`` (with its "workshop") to ``owner`` and wait for its ack; None if
        the owner is gone or did not answer in time: the caller decides it itself."""
        request_id = next(self._ids)
        slot: list[dict[str, Any]] = []
        done = threading.Event()
        self._waiting[request_id] = (done, slot)
        message = QueueJSON.dumps({"kind": "command", "id": request_id,
                                   "from": self.process_id, "command": command})
        try:
            heard = self.redis.publish(CHANNEL + owner, message)
            if not heard:  # nobody listens on its channel: the process is gone
                self.forget(command["workshop"], owner)
                return None
            self.forwarded += 1
            if not done.wait(self.wait):
                log.warning("process %s did not answer for workshop %s in %.0f s: deciding "
                            "here", owner, command["workshop"], self.wait)
                self.forget(command["workshop"], owner)
                return None
        except Exception as exc:  # noqa: BLE001 - Redis away: decide here
            log.warning("could not forward a command to process %s: %s", owner, exc)
            return None
        finally:
            self._waiting.pop(request_id, None)
        return slot[0]

    def _received(self, raw: bytes | str) -> None:
        """One message on this process's channel (a command to decide, or an ack) or to
        every process (a workshop's new owner)."""
        try:
            message = QueueJSON.loads(raw)
            kind = message["kind"]
        except Exception:  # noqa: BLE001 - not one of ours: nobody is waiting for it
            log.warning("an unreadable message on %s", CHANNEL + self.process_id)
            return
        if kind == "ack":
            waiting = self._waiting.get(message["id"])
            if waiting is not None:  # else it came after its wait ended
                waiting[1].append(message["ack"])
                waiting[0].set()
        elif kind == "command":
            self.spawn(lambda: self._decide_for(message))
        elif kind == "owner" and message["owner"] != self.process_id:
            self.owned.pop(message["workshop"], None)
            self._known[message["workshop"]] = (message["owner"], self.clock())

    def _decide_for(self, message: dict[str, Any]) -> None:
        command = message["command"]
        # it was sent here, so here it is decided (renew keeps it only while the lease is ours)
        self.owned[command["workshop"]] = self.clock()
        self.decided_for_others += 1
        try:
            ack = self.decide(command)
        except Exception:  # noqa: BLE001 - a bug, not the input: the sender decides it
            log.exception("deciding a forwarded command for workshop %s failed",
                          command.get("workshop"))
            return
        try:
            self.redis.publish(CHANNEL + message["from"], QueueJSON.dumps(
                {"kind": "ack", "id": message["id"], "ack": ack}))
        except Exception as exc:  # noqa: BLE001 - the sender decides it again: a duplicate
            log.warning("could not send an ack to process %s: %s", message["from"], exc)

    # -- running ------------------------------------------------------------------------------

    def listen(self) -> None:
        """Take this process's commands and acks until ``close``; run it in the background.
        (A lease taken before the subscription is made is dropped by the first process that
        forwards to it and finds nobody listening: it is taken again, no command is lost.)"""
        pause = 0.5
        while not self._stop.is_set():
            pubsub = self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANNEL + self.process_id, BROADCAST)
                pause = 0.5
                for message in pubsub.listen():  # until unsubscribed (close)
                    if message.get("type") == "message":
                        self._received(message["data"])
            except Exception as exc:  # noqa: BLE001 - Redis away: subscribe again
                if not self._stop.is_set():
                    if pause == 0.5:  # once per outage, not at every try
                        log.warning("lost the subscription to %s: %s",
                                    CHANNEL + self.process_id, exc)
                    self._stop.wait(pause)
                    pause = min(pause * 2, 5.0)
            finally:
                pubsub.close()

    def keep_alive(self) -> None:
        """Renew this process's leases every third of ``lease`` until ``close``."""
        while not self._stop.wait(self.lease / 3):
            self.renew()

    def renew(self) -> None:
        """Renew the leases of the workshops that had a command here in the last ``idle``
        seconds; let the others' run out."""
        now = self.clock()
        for workshop, used in list(self.owned.items()):
            if now - used > self.idle:
                self.owned.pop(workshop, None)
        owned = list(self.owned)
        if not owned:
            return
        try:
            kept = self._renew(keys=[self.key(w) for w in owned],
                               args=[self.process_id, self.lease_ms])
        except Exception as exc:  # noqa: BLE001 - the next round tries again
            log.warning("could not renew the workshops' leases: %s", exc)
            return
        for workshop, renewed in zip(owned, kept, strict=False):
            if not renewed:  # taken by another process meanwhile (a long stall here)
                self.owned.pop(workshop, None)

    def close(self) -> None:
        """Stop listening and renewing, and let go of this process's leases."""
        self._stop.set()
        for workshop in list(self.owned):
            self.forget(workshop, self.process_id)
        self.owned.clear()
        if self._pubsub is not None:
            try:  # the listener reads the confirmation, ends and closes the connection
                self._pubsub.unsubscribe()
            except Exception:  # noqa: BLE001 - closing anyway
                pass
