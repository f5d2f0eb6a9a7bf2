"""Who is connected now, per workshop: in this process, or across every process (Redis).

A process always keeps its own connections (sid -> ``Connection``) and counts, per workshop,
its phones per (participant, language) and its clients per language. ``MemoryPresence``
answers from those counts: one process serves the workshop. ``RedisPresence`` publishes
them, per workshop and under its own process id, to Redis (two small hashes written on
every connect, join and disconnect, with a TTL refreshed every ``refresh`` seconds), and
answers by merging every live process's hashes: a process that died without a word
(SIGKILL) stops counting when its hashes expire (``ttl``, 30 s).

What each answer is for, and how exact it must be:

- ``languages(w)``: the languages the views of a command are built in. Read fresh (one
  round trip per command): a phone that connected on another process a moment ago reads
  its language's updates from the next command on.
- ``phones_with_language(w)``: one entry per distinct (participant, language) of the
  workshop's phones, with the room to emit that phone's own snapshot to; visitors (phones
  that have not joined) by language, with their room. Read fresh (one round trip per
  per-phone snapshot event, never per phone).
- ``online(w)``: how many participants are connected, for people counts; cached for
  ``cache`` seconds (0.5 s), since nobody can tell 412 from 413 on a projector (a change in
  this process shows at once).

Reading fresh after the command's events are appended, while the connecting side publishes
before it reads the log for its snapshot, means a phone connecting on one process while a
command runs on another gets the command's change either in its snapshot or as an emit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator import i18n

PHONE = "phone"
PHONES = "phones"
VISITORS = "visitors"  # the room of a workshop's phones that have not joined yet


@dataclass
class Connection:
    """One connected client: which workshop, which audience, and from which address. Its
    rate budget is not here: it lives in the limits store, per participant and address."""

    workshop: str
    role: str  # phone | screen | console
    participant: str | None = None
    address: str = "unknown"
    lang: str = i18n.SOURCE  # what this client reads: acks and views come in it
    also: str | None = None  # a bilingual projector's second language


def room(workshop: str, audience: str, lang: str | None = None) -> str:
    """A Socket.IO room: an audience of a workshop, or the part of it reading ``lang``."""
    return f"{workshop}:{audience}@{lang}" if lang else f"{workshop}:{audience}"


def stream_of(room_name: str) -> str:
    """The audience a room belongs to (``workshop:audience``), whatever its language."""
    return room_name.partition("@")[0]


def phone_room(workshop: str, participant: str | None, lang: str) -> str:
    """Where one phone's own view goes: its participant's room in its language, or, before
    it has joined, the room of the workshop's visitors reading that language."""
    return room(workshop, participant or VISITORS, lang)


def _bump(counts: dict[Any, int], key: Any, delta: int) -> int:
    n = counts.get(key, 0) + delta
    if n > 0:
        counts[key] = n
    else:
        counts.pop(key, None)
    return max(n, 0)


class MemoryPresence:
    """The connections of this process, and the answers for a workshop served by it alone."""

    def __init__(self) -> None:
        self.connections: dict[str, Connection] = {}
        self.by_workshop: dict[str, dict[str, Connection]] = {}
        # workshop -> (participant or "", language) -> phones; workshop -> language -> clients
        self._readers: dict[str, dict[tuple[str, str], int]] = {}
        self._languages: dict[str, dict[str, int]] = {}
        self._participants: dict[str, dict[str, int]] = {}  # workshop -> participant -> phones
        self._lock = threading.Lock()

    # -- this process's connections --------------------------------------------------------

    def add(self, sid: str, conn: Connection) -> None:
        with self._lock:
            self.connections[sid] = conn
            self.by_workshop.setdefault(conn.workshop, {})[sid] = conn
            changed = self._count(conn, +1)
        self._changed(conn.workshop, changed)

    def identify(self, sid: str, participant: str) -> None:
        """A connected visitor joined: from now on it counts as ``participant``."""
        with self._lock:
            conn = self.connections[sid]
            changed = self._count(conn, -1, languages=False)
            conn.participant = participant
            changed |= self._count(conn, +1, languages=False)
        self._changed(conn.workshop, changed)

    def remove(self, sid: str) -> Connection | None:
        with self._lock:
            conn = self.connections.pop(sid, None)
            if conn is None:
                return None
            per = self.by_workshop.get(conn.workshop, {})
            per.pop(sid, None)
            if not per:
                self.by_workshop.pop(conn.workshop, None)
            changed = self._count(conn, -1)
        self._changed(conn.workshop, changed)
        return conn

    def phones(self, workshop: str) -> list[tuple[str, str | None]]:
        """(sid, participant) of every phone connected to this process for the workshop."""
        with self._lock:
            return [(sid, c.participant) for sid, c in self.by_workshop.get(workshop, {}).items()
                    if c.role == PHONE]

    def _count(self, conn: Connection, delta: int,
               languages: bool = True) -> set[tuple[str, str]]:
        """Count a connection in (+1) or out (-1). Returns the entries that appeared or went
        away: ("r", "participant|language") for phones, ("l", language) for every client."""
        changed: set[tuple[str, str]] = set()
        if conn.role == PHONE:
            readers = self._readers.setdefault(conn.workshop, {})
            key = (conn.participant or "", conn.lang)
            before = readers.get(key, 0)
            if (_bump(readers, key, delta) > 0) != (before > 0):
                changed.add(("r", f"{key[0]}|{key[1]}"))
            if not readers:
                self._readers.pop(conn.workshop, None)
            if conn.participant:
                people = self._participants.setdefault(conn.workshop, {})
                _bump(people, conn.participant, delta)
                if not people:
                    self._participants.pop(conn.workshop, None)
        if languages:
            per = self._languages.setdefault(conn.workshop, {})
            for lang in filter(None, (conn.lang, conn.also)):
                before = per.get(lang, 0)
                if (_bump(per, lang, delta) > 0) != (before > 0):
                    changed.add(("l", lang))
            if not per:
                self._languages.pop(conn.workshop, None)
        return changed

    def _changed(self, workshop: str, fields: set[tuple[str, str]]) -> None:
        """This process's entries for ``workshop`` changed (a shared presence says so)."""

    def local_readers(self, workshop: str) -> set[tuple[str, str]]:
        with self._lock:
            return set(self._readers.get(workshop, ()))

    def local_languages(self, workshop: str) -> set[str]:
        with self._lock:
            return set(self._languages.get(workshop, ()))

    # -- the answers -------------------------------------------------------------------------

    def languages(self, workshop: str) -> set[str]:
        """Every language some client of the workshop reads now."""
        return self.local_languages(workshop)

    def readers(self, workshop: str) -> set[tuple[str, str]]:
        """The distinct (participant, language) of the workshop's phones ("" for visitors)."""
        return self.local_readers(workshop)

    def phones_with_language(self, workshop: str) -> list[tuple[str, str | None, str]]:
        """(room, participant, language) for each distinct participant and language among
        the workshop's phones (participant None: the visitors reading that language): emit
        a phone's own view to its room, and it reaches that person's phones wherever they
        are connected."""
        return [(phone_room(workshop, pid or None, lang), pid or None, lang)
                for pid, lang in sorted(self.readers(workshop))]

    def alone(self, workshop: str) -> bool:
        """Whether no other process has a client of the workshop now (here: always)."""
        return True

    def online(self, workshop: str) -> int:
        """How many participants have a phone connected now (asked for every view built:
        a count kept up to date, not a count made)."""
        return len(self._participants.get(workshop, ()))

    def close(self) -> None:
        """Stop any background work (nothing to stop here)."""


# Reading every live process's table of one workshop in one round trip. KEYS[1] is the
# workshop's set of process ids; a process's tables are the sets KEYS[1]..":"..id..":l"
# (languages) and ":r" (readers, "participant|language"). A process whose language set is
# gone (expired, or emptied: it has no client of this workshop) leaves the set.
READ_SCRIPT = """
local out = {}
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local base = KEYS[1] .. ':' .. p
  if redis.call('EXISTS', base .. ':l') == 1 then
    for _, f in ipairs(redis.call('SMEMBERS', base .. ':' .. ARGV[1])) do
      out[#out + 1] = f
    end
  else
    redis.call('SREM', KEYS[1], p)
  end
end
return out
"""


# Whether a process is the only live one with clients of a workshop: KEYS[1] is the
# workshop's set of process ids, ARGV[1] this process's id. Returns 1 if no other process
# in the set still has its language table (the same liveness test as READ_SCRIPT's).
ALONE_SCRIPT = """
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if p ~= ARGV[1] then
    if redis.call('EXISTS', KEYS[1] .. ':' .. p .. ':l') == 1 then
      return 0
    end
    redis.call('SREM', KEYS[1], p)
  end
end
return 1
"""


class RedisPresence(MemoryPresence):
    """Presence shared by every process through Redis (see the module's docstring)."""

    PREFIX = "facilitator:presence:"

    def __init__(self, client: Any, ttl: float = 30.0, refresh: float = 10.0,
                 cache: float = 0.5, clock: Callable[[], float] = time.monotonic,
                 process_id: str | None = None) -> None:
        super().__init__()
        self.redis = client
        self.ttl_ms = int(ttl * 1000)
        self.refresh = refresh
        self.cache = cache
        self.clock = clock
        self.process_id = process_id or uuid.uuid4().hex[:16]
        self._read = client.register_script(READ_SCRIPT)
        self._alone = client.register_script(ALONE_SCRIPT)
        self._shared_until: dict[str, float] = {}  # workshop -> when "not alone" goes stale
        self._online: dict[str, tuple[float, int]] = {}  # workshop -> (read at, count)
        self._publishing = threading.Lock()
        self._stop = threading.Event()

    def _key(self, workshop: str) -> str:
        return f"{self.PREFIX}{{{workshop}}}"  # {workshop}: one slot, were Redis a cluster

    def _changed(self, workshop: str, fields: set[tuple[str, str]]) -> None:
        """Say in Redis what changed: each field as it is now (read under the publishing
        lock, so that of two changes racing the last written is the truth)."""
        if not fields:
            return
        self._online.pop(workshop, None)  # this process's own change shows at once
        key = self._key(workshop)
        mine = f"{key}:{self.process_id}"
        try:
            with self._publishing:
                with self._lock:  # each field looked up, never the whole table (a room)
                    now = {(t, f): self._has(workshop, t, f) for t, f in fields}
                pipe = self.redis.pipeline(transaction=True)
                for (table, field), present in now.items():
                    (pipe.sadd if present else pipe.srem)(f"{mine}:{table}", field)
                self._expire(pipe, workshop)
                pipe.execute()
        except Exception as exc:  # Redis away: the refresh round writes it all again
            _log(f"could not publish presence to Redis: {exc}")

    def _has(self, workshop: str, table: str, field: str) -> bool:
        if table == "r":
            pid, _bar, lang = field.partition("|")
            return (pid, lang) in self._readers.get(workshop, ())
        return field in self._languages.get(workshop, ())

    def _table(self, workshop: str, table: str) -> set[str]:
        if table == "r":
            return {f"{pid}|{lang}" for pid, lang in self._readers.get(workshop, ())}
        return set(self._languages.get(workshop, ()))

    def _expire(self, pipe: Any, workshop: str) -> None:
        key = self._key(workshop)
        mine = f"{key}:{self.process_id}"
        pipe.pexpire(f"{mine}:r", self.ttl_ms)
        pipe.pexpire(f"{mine}:l", self.ttl_ms)
        pipe.sadd(key, self.process_id)
        pipe.pexpire(key, self.ttl_ms)

    def refresh_all(self) -> None:
        """Write this process's tables of every workshop it has clients of again, whole
        (Redis may have restarted empty), with another ``ttl``."""
        with self._publishing:
            with self._lock:
                tables = {w: (self._table(w, "r"), self._table(w, "l"))
                          for w in self.by_workshop}
            pipe = self.redis.pipeline(transaction=True)
            for workshop, (readers, langs) in tables.items():
                mine = f"{self._key(workshop)}:{self.process_id}"
                pipe.delete(f"{mine}:r", f"{mine}:l")
                if readers:
                    pipe.sadd(f"{mine}:r", *readers)
                if langs:
                    pipe.sadd(f"{mine}:l", *langs)
                self._expire(pipe, workshop)
            pipe.execute()

    def _fields(self, workshop: str, table: str) -> list[str]:
        try:
            found = self._read(keys=[self._key(workshop)], args=[table])
        except Exception as exc:  # Redis away: this process's own clients still count
            _log(f"could not read presence from Redis: {exc}")
            return []
        return [f.decode() if isinstance(f, bytes) else f for f in found]

    def languages(self, workshop: str) -> set[str]:
        return set(self._fields(workshop, "l")) | self.local_languages(workshop)

    def readers(self, workshop: str) -> set[tuple[str, str]]:
        out = set(self.local_readers(workshop))
        for field in self._fields(workshop, "r"):
            pid, _bar, lang = field.partition("|")
            out.add((pid, lang))
        return out

    def alone(self, workshop: str) -> bool:
        """Whether no other process has a client of the workshop now. Asked after a
        command's write: a client connecting to another process is counted there before its
        snapshot is read, so if it is not counted yet, its snapshot will hold the write. A
        "no" is remembered for a second (sending through Redis is never wrong); a "yes" is
        asked again each time. Redis away: no."""
        if self.clock() < self._shared_until.get(workshop, 0.0):
            return False
        try:
            alone = bool(self._alone(keys=[self._key(workshop)], args=[self.process_id]))
        except Exception as exc:  # noqa: BLE001 - Redis away: send through it as before
            _log(f"could not read presence from Redis: {exc}")
            return False
        if not alone:
            if len(self._shared_until) > 4096:
                self._shared_until.clear()
            self._shared_until[workshop] = self.clock() + 1.0
        return alone

    def online(self, workshop: str) -> int:
        now = self.clock()
        found = self._online.get(workshop)
        if found and now - found[0] < self.cache:
            return found[1]
        count = len({pid for pid, _lang in self.readers(workshop) if pid})
        self._online[workshop] = (now, count)
        return count

    def keep_alive(self) -> None:
        """Refresh every ``refresh`` seconds until ``close``; run it in the background."""
        while not self._stop.wait(self.refresh):
            try:
                self.refresh_all()
            except Exception as exc:  # Redis away for a moment: the next round mends it
                _log(f"could not refresh presence in Redis: {exc}")

    def close(self) -> None:
        """Stop refreshing and take this process's tables out (a clean shutdown)."""
        self._stop.set()
        with self._lock:
            workshops = list(self.by_workshop)
        pipe = self.redis.pipeline(transaction=True)
        for workshop in workshops:
            mine = f"{self._key(workshop)}:{self.process_id}"
            pipe.delete(f"{mine}:r", f"{mine}:l")
            pipe.srem(self._key(workshop), self.process_id)
        pipe.execute()


def _log(sentence: str) -> None:
    print(f"facilitator: {sentence}", flush=True)
