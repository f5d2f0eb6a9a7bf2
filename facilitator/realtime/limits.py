"""Rate limits that belong to a person or a network address, not to a connection.

A token bucket kept on the connection starts full again on every reconnect, so a script that
reconnects every 20 posts got twice the allowance (issue 14). Here buckets live in a *limits
store*, keyed by who is sending (a workshop's participant, or the device token a join
carries) and by where from (the client's address), so they hold across reconnects.

``LimitsStore`` is the small interface; ``MemoryLimits`` keeps the buckets in this process,
``RedisLimits`` in Redis, shared by every process (a participant who reconnects to another
process keeps the bucket it had).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Rate:
    """A bucket's shape: ``burst`` actions at once, then ``per_second`` on average."""

    burst: float
    per_second: float


class LimitsStore(Protocol):
    """Where buckets live. ``take`` is the only operation the app needs."""

    def take(self, key: str, rate: Rate, cost: float = 1.0) -> float:
        """Take ``cost`` from the bucket ``key`` (new buckets start full).

        :returns: 0.0 when taken; otherwise the seconds until it could be (nothing taken).
        """
        ...

    def take_first(self, buckets: Sequence[tuple[str, Rate]], cost: float = 1.0) -> float:
        """``take`` from each bucket in turn, stopping at the first that refuses (the ones
        after it are not touched): 0.0, or that bucket's wait. One round trip in Redis."""
        ...


class MemoryLimits:
    """Token buckets in a dict, for one process. A bucket that has refilled to full is the
    same as no bucket, so such buckets are dropped now and then: memory stays bounded by the
    keys active in the last ``burst / per_second`` seconds."""

    PRUNE_EVERY = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[str, tuple[float, float, Rate]] = {}  # key -> tokens, at, rate
        self._lock = threading.Lock()
        self._takes = 0

    def take(self, key: str, rate: Rate, cost: float = 1.0) -> float:
        now = self.clock()
        with self._lock:
            tokens, at, _rate = self._buckets.get(key, (rate.burst, now, rate))
            tokens = min(rate.burst, tokens + (now - at) * rate.per_second)
            self._takes += 1
            if self._takes % self.PRUNE_EVERY == 0:
                self._prune(now)
            if tokens < cost - 1e-9:  # (a float a hair short of a whole token is whole)
                self._buckets[key] = (tokens, now, rate)
                return (cost - tokens) / rate.per_second if rate.per_second > 0 else 3600.0
            self._buckets[key] = (max(0.0, tokens - cost), now, rate)
            return 0.0

    def take_first(self, buckets: Sequence[tuple[str, Rate]], cost: float = 1.0) -> float:
        for key, rate in buckets:
            wait = self.take(key, rate, cost)
            if wait:
                return wait
        return 0.0

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self, now: float) -> None:
        self._buckets = {k: v for k, v in self._buckets.items()
                         if v[0] + (now - v[1]) * v[2].per_second < v[2].burst}


# Buckets taken from in turn, atomically, in one round trip: KEYS are the buckets (hashes:
# tokens, at); ARGV: now (seconds), cost, then burst and per_second for each key. The same
# arithmetic as MemoryLimits.take; a bucket expires once it would have refilled, since a full
# bucket is the same as none. The first bucket that refuses stops the script (those after it
# are not touched). Returns "0" when every bucket gave, else the seconds to wait, as text (a
# Lua number would be cut to an integer on its way back). All the keys of a call must be on
# one Redis (one instance, as docs/deploy.md runs it).
TAKE_SCRIPT = """
local cost = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  local now = tonumber(ARGV[1])
  local burst = tonumber(ARGV[1 + 2 * i])
  local per = tonumber(ARGV[2 + 2 * i])
  local found = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(found[1])
  local at = tonumber(found[2])
  if tokens == nil or at == nil then
    tokens = burst
    at = now
  end
  if now > at then
    tokens = math.min(burst, tokens + (now - at) * per)
  else
    -- another process's clock is a little ahead: no refill, and keep the later time
    tokens = math.min(burst, tokens)
    now = at
  end
  local wait = 0
  if tokens < cost - 1e-9 then
    if per > 0 then wait = (cost - tokens) / per else wait = 3600 end
  else
    tokens = math.max(0, tokens - cost)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  local full_in = 3600
  if per > 0 then full_in = (burst - tokens) / per end
  redis.call('PEXPIRE', key, math.max(1, math.ceil(full_in * 1000)))
  if wait > 0 then return tostring(wait) end
end
return "0"
"""


class RedisLimits:
    """Token buckets in Redis, shared by every process: each ``take`` is one atomic script
    (one round trip). Times come from ``clock``, the wall clock by default, since several
    processes (on several machines) must agree on it; a bucket's key expires when the
    bucket would be full again, so Redis holds only the buckets in use."""

    PREFIX = "facilitator:limit:"

    def __init__(self, client: Any, clock: Callable[[], float] = time.time) -> None:
        self.redis = client
        self.clock = clock
        self._take = client.register_script(TAKE_SCRIPT)

    def take(self, key: str, rate: Rate, cost: float = 1.0) -> float:
        return self.take_first([(key, rate)], cost)

    def take_first(self, buckets: Sequence[tuple[str, Rate]], cost: float = 1.0) -> float:
        args = [repr(float(self.clock())), repr(float(cost))]
        for _key, rate in buckets:
            args += [repr(float(rate.burst)), repr(float(rate.per_second))]
        try:
            wait = self._take(keys=[self.PREFIX + key for key, _rate in buckets], args=args)
        except Exception as exc:  # Redis away: let the room go on rather than refuse all
            print(f"facilitator: rate limits not checked (Redis: {exc})", flush=True)
            return 0.0
        return float(wait)

    def __len__(self) -> int:
        """The buckets held now (for tests and the curious; scans the keys)."""
        return sum(1 for _key in self.redis.scan_iter(match=self.PREFIX + "*", count=1000))


def rates(config: dict) -> dict[str, Rate]:
    """The named rates, from the settings (see docs/operations.md)."""
    return {
        # one participant's actions (notes, dots, ...), whichever connection they come on
        "participant": Rate(config["RATE_BURST"], config["RATE_PER_SECOND"]),
        # everything from one address: a whole venue behind one NAT shares it
        "address": Rate(config["ADDRESS_BURST"], config["ADDRESS_PER_SECOND"]),
        # new participants from one address: 1,000 phones behind one NAT join in a minute
        "join_address": Rate(config["JOIN_BURST"], config["JOIN_PER_SECOND"]),
        # joins with one device token (a phone retrying), and the console's own actions
        "join_token": Rate(5, 0.5),
        "console": Rate(config["CONSOLE_BURST"], config["CONSOLE_PER_SECOND"]),
        # opening a connection, per address (1,000 phones reconnect at once after a restart)
        "connect": Rate(config["CONNECT_BURST"], config["CONNECT_PER_SECOND"]),
        # photos, per participant: each is decoded, the costliest thing a phone can ask for
        "photo": Rate(5, 0.2),
    }


def client_address(environ: dict, trusted_proxies: int) -> str:
    """The address a request came from: the socket's peer, or, behind ``trusted_proxies``
    proxies that each append to X-Forwarded-For, the address the nearest one saw. Never the
    header alone when no proxy is trusted: anyone can write it."""
    peer = environ.get("REMOTE_ADDR") or "unknown"
    if trusted_proxies <= 0:
        return peer
    forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
    if len(forwarded) < trusted_proxies:
        return peer
    return forwarded[-trusted_proxies][:64]
