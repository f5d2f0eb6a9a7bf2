"""What several ``facilitator serve`` processes share when the ``REDIS_URL`` setting is given
(cli ``serve --redis URL``, env FACILITATOR_REDIS): one Redis for Flask-SocketIO's message
queue (app.py), the rate limits (``RedisLimits``) and presence (``RedisPresence``). Without
it, limits and presence live in this process (``MemoryLimits``, ``MemoryPresence``).

Under eventlet, redis-py needs the standard library monkey-patched before it is imported:
``facilitator serve`` patches first thing (cli.main), and nothing here imports redis until
the app is built.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask

from facilitator.blocking import run_in_background
from facilitator.realtime.limits import LimitsStore, MemoryLimits, RedisLimits
from facilitator.realtime.owners import Decider, Owners
from facilitator.realtime.presence import MemoryPresence, RedisPresence


def redis_client(app: Flask) -> Any | None:
    """The app's Redis client (made on first use), or None without ``REDIS_URL``."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("facilitator.redis")
    if client is None:
        client = app.extensions["facilitator.redis"] = connect_redis(url)
    return client


def connect_redis(url: str) -> Any:
    """A Redis client for limits and presence: short timeouts and one quick retry, since a
    Redis that went away must not hold up a command for seconds (redis-py's default retries
    three times with backoff up to 10 s)."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1,
                                health_check_interval=30,
                                retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1))


def limits_store(app: Flask) -> LimitsStore:
    """The ``LIMITS_STORE`` setting (tests give one with their own clock), else Redis's
    with ``REDIS_URL``, else this process's."""
    given = app.config.get("LIMITS_STORE")
    if given is not None:
        return given
    client = redis_client(app)
    return RedisLimits(client) if client is not None else MemoryLimits()


def presence_store(app: Flask) -> MemoryPresence | RedisPresence:
    """The ``PRESENCE`` setting, else presence in Redis with ``REDIS_URL`` (refreshed in
    the background), else this process's."""
    given = app.config.get("PRESENCE")
    if given is not None:
        return given
    client = redis_client(app)
    if client is None:
        return MemoryPresence()
    presence = RedisPresence(client, ttl=float(app.config["PRESENCE_TTL"]),
                             refresh=float(app.config["PRESENCE_TTL"]) / 3)
    run_in_background(presence.keep_alive)
    return presence


def owners_of(app: Flask, presence: MemoryPresence | RedisPresence, decide: Decider,
              spawn: Callable[[Callable[[], Any]], Any]) -> Owners | None:
    """With Redis (and the ``OWNERS`` setting on), who decides each workshop's commands:
    its owner process, the others forwarding theirs to it (realtime/owners.py). None: each
    process decides its own clients' commands."""
    client = redis_client(app)
    if client is None or not int(app.config.get("OWNERS", 1)):
        return None
    process_id = getattr(presence, "process_id", None)
    owners = Owners(client, process_id or uuid.uuid4().hex[:16], decide, spawn)
    run_in_background(owners.listen)
    run_in_background(owners.keep_alive)
    return owners
