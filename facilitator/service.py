"""The one seam between transport and the pure core.

``Service.handle`` takes a command from an authenticated caller, lets the core decide the
events, appends them to the store, folds them into the cached state and returns the ack plus
the view changes for the transport to emit. One lock per workshop keeps ``seq`` in order.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator import i18n
from facilitator.core.commands import COMMANDS, PREPARERS, VISITOR, Actor, decide
from facilitator.core.errors import DomainError
from facilitator.core.plan import Plan
from facilitator.core.state import FACILITATOR, Event, WorkshopState, apply
from facilitator.core.views import Emit, changes
from facilitator.i18n import _
from facilitator.store import DuplicateClientId, SqliteStore, WorkshopRow
from facilitator.store.base import Conflict, saved

log = logging.getLogger(__name__)

# join codes avoid look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V)
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 6
MAX_CLIENT_ID = 64
# seconds a workshop is decided under its cross-process lock after another process was seen
# writing to it (Service._decide_together)
CONTENDED_FOR = 10.0


def normalise_code(code: str) -> str:
    """A join code as typed on a phone: case and spaces do not matter."""
    return "".join(code.split()).upper()[:20]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Result:
    """What ``handle`` did: the ack for the caller and the emits for the rooms."""

    ok: bool
    seq: int | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    emits: list[Emit] = field(default_factory=list)  # in the caller's language
    duplicate: bool = False
    # the same changes built in each language someone connected reads (text in views is
    # built per language, never per person); always holds the caller's language too
    emits_by_language: dict[str, list[Emit]] = field(default_factory=dict)

    def ack(self) -> dict[str, Any]:
        if not self.ok:
            return {"ok": False, "error": self.error}
        out: dict[str, Any] = {"ok": True, "seq": self.seq, **self.extra}
        if self.duplicate:
            out["duplicate"] = True
        return out


@dataclass
class Live:
    """A workshop in memory: its row, its folded state and the client ids it has seen."""

    row: WorkshopRow
    state: WorkshopState
    client_ids: dict[str, int]
    lock: threading.RLock = field(default_factory=threading.RLock)
    # client id -> the waiter of its write, while it is not durable yet (a resent action
    # is acked as a duplicate only once the first one is saved)
    unsaved: dict[str, Callable[[], None]] = field(default_factory=dict)
    forgotten: bool = False  # a write failed: this state is dropped, replayed from the log
    prepared: int = -1  # the seq PREPARERS last ran at (Service.prepare)
    # with a shared store, the commands waiting to be decided together (Service._combined)
    queue: list[_Ticket] = field(default_factory=list)
    draining: bool = False
    queue_guard: threading.Lock = field(default_factory=threading.Lock)


class _Ticket:
    """A command waiting to be decided with others (``Service._combined``)."""

    __slots__ = ("actor", "name", "payload", "client_id", "lang", "done", "leads",
                 "decided", "failed")

    def __init__(self, actor: Actor, name: str, payload: Any, client_id: str | None) -> None:
        self.actor, self.name, self.payload, self.client_id = actor, name, payload, client_id
        self.lang = i18n.current()  # its sentences and emits in its sender's language
        self.done = threading.Event()
        self.leads = False
        self.decided: _Decided | None = None
        self.failed: BaseException | None = None


@dataclass
class _Decided:
    """What ``Service._decide`` made of a command: the Result (or, for an action applied
    before, the seq it was given), and the waiter of its write."""

    result: Result | None
    written: Callable[[], None] = saved
    duplicate_of: int | None = None


def could_not_save() -> str:
    """The sentence for a write the store could not make (translated when it is said)."""
    return _("The server could not save that just now. Please try again.")


class Service:
    def __init__(self, store: SqliteStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self._live: dict[str, Live] = {}
        self._guard = threading.Lock()
        # workshop id -> until when (time.monotonic) another process is taken to write to it
        self._contended_until: dict[str, float] = {}
        # the languages read in a workshop now (the transport knows who is connected)
        self.languages_in_use: Callable[[str], set[str]] = lambda _workshop: set()
        # grows with every command and connection: how the collector tells a quiet room
        self.activity = 0
        # with a shared store, batches written without the lock and under it, and writes the
        # log refused (Service._decide_together): /healthz shows them
        self.counts = {"lock_free": 0, "locked": 0, "conflicts": 0}

    # -- workshops ----------------------------------------------------------------------------

    def create_workshop(self, plan: Plan) -> WorkshopRow:
        """Create a workshop from a validated plan, with a fresh join code and secret keys."""
        now = self.clock()
        code = self._new_code()
        row = WorkshopRow(id=uuid.uuid4().hex, code=code,
                          screen_key=secrets.token_urlsafe(24),
                          console_key=secrets.token_urlsafe(32),
                          title=plan.title, created_at=now)
        first = Event(1, "workshop_created", FACILITATOR, now,
                      {"plan": plan.to_dict(), "code": code})
        self.store.create_workshop(row, first)
        return row

    def _new_code(self) -> str:
        for _attempt in range(100):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if not self.store.code_taken(code):
                return code
        raise RuntimeError("could not find a free join code")

    @property
    def shared(self) -> bool:
        """Whether other processes append to this store too (PostgreSQL)."""
        return bool(getattr(self.store, "shared", False))

    def live(self, workshop_id: str, fresh: bool = False) -> Live | None:
        """The workshop's live state, replayed from the log on first use. ``fresh``: with a
        shared store, first fold in what other processes appended (one indexed query); for
        a snapshot, so that a client connecting to any process sees every acked event."""
        with self._guard:
            found = self._live.get(workshop_id)
        if found:
            if fresh and self.shared:
                with found.lock:
                    if self._catch_up(found):  # another process writes to it
                        self._contended(workshop_id)
            return found
        row = self.store.find(id=workshop_id)
        if row is None:
            return None
        events = self.store.events(workshop_id)
        state = WorkshopState()
        client_ids: dict[str, int] = {}
        for event in events:
            apply(state, event)
            if event.client_id:
                client_ids[event.client_id] = event.seq
        with self._guard:
            return self._live.setdefault(workshop_id, Live(row, state, client_ids))

    def _contended(self, workshop_id: str) -> None:
        """Another process was seen writing to the workshop: for CONTENDED_FOR seconds, its
        commands here are decided under its cross-process lock."""
        if len(self._contended_until) > 4096:
            self._contended_until.clear()
        self._contended_until[workshop_id] = time.monotonic() + CONTENDED_FOR

    def _catch_up(self, live: Live, events: list[Event] | None = None) -> int:
        """Fold in the events other processes appended since this one last looked (holding
        ``live.lock``), read now unless given. Nothing is emitted: the process that appended
        them emitted them. Returns how many there were."""
        if events is None:
            events = self.store.events(live.row.id, after=live.state.seq)
        for event in events:
            apply(live.state, event)
            if event.client_id:
                live.client_ids[event.client_id] = event.seq
        return len(events)

    def prepare(self) -> int:
        """Do ahead what commands will need (PREPARERS: a café's seating), for each live
        workshop that changed since last time; for when the room is quiet (the collector
        calls it). Returns how many workshops it prepared."""
        with self._guard:
            lives = list(self._live.values())
        done = 0
        for live in lives:
            with live.lock:
                if live.prepared == live.state.seq or live.forgotten:
                    continue
                live.prepared = live.state.seq
                for prepare in PREPARERS:
                    try:
                        prepare(live.state)
                    except Exception:  # noqa: BLE001 - work ahead only: the command redoes it
                        log.exception("preparing workshop %s failed", live.row.id)
            done += 1
        return done

    def delete_workshop(self, workshop_id: str) -> None:
        """Delete the workshop and everything in it, from memory and from the store."""
        with self._guard:
            self._live.pop(workshop_id, None)
        self.store.delete_workshop(workshop_id)

    def delete_expired(self, days: float) -> list[str]:
        """Delete every workshop that ended more than ``days`` days ago (the retention
        setting); returns the ids deleted."""
        gone = self.store.ended_before(self.clock() - days * 86400)
        for workshop_id in gone:
            self.delete_workshop(workshop_id)
        if self.shared:
            # every process runs this loop; the first to get there deletes from the store,
            # and the others must still let go of the state they hold in memory
            with self._guard:
                held = [w for w in self._live if w not in gone]
            for workshop_id in held:
                if self.store.find(id=workshop_id) is None:
                    with self._guard:
                        self._live.pop(workshop_id, None)
        return gone

    def participant_for_token(self, workshop_id: str, token: str | None) -> str | None:
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        return self.store.participant_for(workshop_id, hash_token(token))

    # -- commands -----------------------------------------------------------------------------

    def handle(self, workshop_id: str, actor: Actor, name: str, payload: Any,
               client_id: Any = None) -> Result:
        """Apply one command; never raises for bad input (the Result carries the error).

        The command is decided, submitted to the store and folded into the state under the
        workshop's lock; its write is waited for after the lock is let go, so that the
        commands of a burst share one commit (``SqliteStore.submit``). The Result, and so
        the ack and the emits, comes only once the events are durable."""
        if client_id is not None and (not isinstance(client_id, str)
                                      or not 0 < len(client_id) <= MAX_CLIENT_ID
                                      or not client_id.isprintable()):
            # (PostgreSQL's text cannot hold U+0000: an id is printable text on every store)
            return Result(False, error=_("The action id must be text of at most 64 characters."))
        self.activity += 1
        for _attempt in range(3):
            live = self.live(workshop_id)
            if live is None:
                return Result(False, error=_("This workshop no longer exists."))
            decided = self._decide(live, actor, name, payload, client_id)
            if decided is not None:
                return self._settle(live, decided, name, payload, client_id)
        return Result(False, error=could_not_save())

    def _decide(self, live: Live, actor: Actor, name: str, payload: Any,
                client_id: str | None) -> _Decided | None:
        """Decide, submit and apply under the lock; None if the state was forgotten (a
        write failed) before the lock was had: decide again on the state replayed."""
        if self.shared:
            return self._combined(live, _Ticket(actor, name, payload, client_id))
        with live.lock:
            if live.forgotten:
                return None

            def submit(events: list[Event], device: tuple[str, str] | None
                       ) -> Callable[[], None]:
                return self.store.submit(live.row.id, events, device)

            return self._decide_held(live, actor, name, payload, client_id, submit,
                                     self.languages_in_use(live.row.id))

    def _combined(self, live: Live, ticket: _Ticket) -> _Decided | None:
        """With a shared store: the commands that reach this process for a workshop while
        one is being decided and written are decided together, under one hold of the
        workshop's cross-process lock (one catch-up, one commit: two round trips for all of
        them). The first to come leads: it decides and writes what is queued, then hands the
        lead to the first command queued meanwhile. The others wait for their turn."""
        with live.queue_guard:
            live.queue.append(ticket)
            leading = not live.draining
            live.draining = True
        if not leading:
            ticket.done.wait()
            if not ticket.leads:
                if ticket.failed is not None:
                    raise ticket.failed
                return ticket.decided
        with live.queue_guard:
            batch, live.queue = live.queue, []
        try:
            self._decide_together(live, batch)
        finally:
            with live.queue_guard:
                if live.queue:  # came while this batch was on its way: the next one leads
                    live.queue[0].leads = True
                    live.queue[0].done.set()
                else:
                    live.draining = False
            for other in batch:
                if other is not ticket:
                    other.done.set()
        if ticket.failed is not None:
            raise ticket.failed
        return ticket.decided

    def _decide_together(self, live: Live, batch: list[_Ticket]) -> None:
        """Decide every ticket of ``batch`` in order and write all their events in one
        transaction. A ticket's ``decided`` stays None if the state was forgotten or the
        write conflicted with the log: it decides again on the state replayed. If the write
        fails, each is told that it could not be saved.

        While no other process has written to the workshop lately, the batch is decided on
        the cached state and written in one round trip, without the lock: the log's key
        (workshop, seq) refuses a write decided on a state that missed another process's
        event (a Conflict: the state is replayed, and the workshop is taken as contended).
        A contended workshop's batches are decided under its cross-process lock, after the
        catch-up read under it."""
        with live.lock:
            if live.forgotten:
                return
            writes: list[tuple[list[Event], tuple[str, str] | None]] = []

            def submit(events: list[Event], device: tuple[str, str] | None
                       ) -> Callable[[], None]:
                writes.append((events, device))
                return saved

            # read before the cross-process lock is taken: it is held for as short as can be
            languages = self.languages_in_use(live.row.id)

            def decide_all() -> None:
                for ticket in batch:
                    with i18n.use(ticket.lang):
                        try:
                            ticket.decided = self._decide_held(
                                live, ticket.actor, ticket.name, ticket.payload,
                                ticket.client_id, submit, languages)
                        except Exception as exc:  # a bug, not the input: that one fails
                            ticket.failed = exc
                if writes:
                    self.store.append_together(live.row.id, writes)

            try:
                if time.monotonic() >= self._contended_until.get(live.row.id, 0.0):
                    self.counts["lock_free"] += 1
                    decide_all()
                    if not writes and any(t.decided is not None and t.decided.duplicate_of
                                          is None for t in batch):
                        self._refused_on_fresh_state(live, batch)
                else:
                    self.counts["locked"] += 1
                    with self.store.serialised(live.row.id, live.state.seq) as missed:
                        if self._catch_up(live, missed):
                            self._contended(live.row.id)
                        decide_all()
            except Conflict:  # the log had what the state did not: replay, decide again
                self.counts["conflicts"] += 1
                self._contended(live.row.id)
                self._forget(live)
                for ticket in batch:
                    ticket.decided = None
            except Exception:  # the database, not the person: say so
                if writes:  # the state holds events that are not in the log
                    self._forget(live)
                for ticket in batch:
                    with i18n.use(ticket.lang):
                        ticket.decided = _Decided(Result(False, error=could_not_save()))

    def _refused_on_fresh_state(self, live: Live, batch: list[_Ticket]) -> None:
        """A batch decided without the lock that wrote nothing (refusals): a write would
        have shown a stale state by its conflict, a refusal does not. Read what the log has
        after the state; if another process wrote meanwhile, fold it in and decide again."""
        missed = self.store.events(live.row.id, after=live.state.seq)
        if missed:
            self._catch_up(live, missed)
            self._contended(live.row.id)
            for ticket in batch:
                if ticket.decided is not None and ticket.decided.duplicate_of is None:
                    ticket.decided = None

    def _decide_held(self, live: Live, actor: Actor, name: str, payload: Any,
                     client_id: str | None,
                     submit: Callable[[list[Event], tuple[str, str] | None],
                                      Callable[[], None]],
                     languages: set[str]) -> _Decided:
        """Decide one command on the state (holding ``live.lock``), ``submit`` its events,
        apply them and build its emits in each language read."""
        if client_id and client_id in live.client_ids:
            return _Decided(None, live.unsaved.get(client_id, saved),
                            duplicate_of=live.client_ids[client_id])
        now = self.clock()
        try:
            drafts = decide(live.state, actor, name, payload, now)
        except DomainError as exc:
            return _Decided(Result(False, error=exc.message))
        seq = live.state.seq
        author = actor.id
        extra: dict[str, Any] = {}
        device = None
        if name == "join" and actor.role == VISITOR:
            author = drafts[0].data["participant"]
            token = payload.get("token") or secrets.token_urlsafe(24)
            device = (hash_token(token), author)
            extra = {"token": token, "participant": dict(drafts[0].data)}
        events = [Event(seq + i + 1, d.type, author, now, d.data,
                        client_id if i == 0 else None) for i, d in enumerate(drafts)]
        try:
            written = submit(events, device)
        except DuplicateClientId as dup:
            live.client_ids[client_id] = dup.seq
            return _Decided(None, duplicate_of=dup.seq)
        except Exception:  # the disk, not the person: say so, keep the state unchanged
            return _Decided(Result(False, error=could_not_save()))
        here = i18n.current()
        by_language: dict[str, list[Emit]] = {lang: [] for lang in {here, *languages}}
        for event in events:
            apply(live.state, event)
            for lang, emits in by_language.items():
                with i18n.use(lang):
                    emits.extend(changes(live.state, event))
        if client_id:
            live.client_ids[client_id] = events[0].seq
            if written is not saved:
                live.unsaved[client_id] = written
        cmd = COMMANDS[name]
        if cmd.ack:
            extra.update(cmd.ack(events))
        if actor.role == FACILITATOR:
            extra["can_undo"] = bool(live.state.undo_stack)
        return _Decided(Result(True, seq=events[-1].seq, extra=extra,
                               emits=by_language[here], emits_by_language=by_language),
                        written)

    def _settle(self, live: Live, decided: _Decided, name: str, payload: Any,
                client_id: str | None) -> Result:
        """Wait for the decided events to be durable (outside the lock), then the Result.
        If the write failed, the state that already holds them is forgotten, to be replayed
        from the log: the caller is told, and its outbox sends the action again."""
        try:
            decided.written()
        except DuplicateClientId as dup:  # the log knew the id though the state did not
            self._forget(live)
            again = self.live(live.row.id)
            if again is None:
                return Result(False, error=_("This workshop no longer exists."))
            return self._duplicate(again, name, payload, dup.seq)
        except Exception:
            self._forget(live)
            return Result(False, error=could_not_save())
        finally:
            if client_id and decided.duplicate_of is None:
                live.unsaved.pop(client_id, None)
        if decided.duplicate_of is not None:
            return self._duplicate(live, name, payload, decided.duplicate_of)
        assert decided.result is not None
        return decided.result

    def _forget(self, live: Live) -> None:
        """Drop a workshop's state after a failed write: the next command replays the log."""
        with live.lock:
            live.forgotten = True
        with self._guard:
            if self._live.get(live.row.id) is live:
                del self._live[live.row.id]

    def _duplicate(self, live: Live, name: str, payload: Any, seq: int) -> Result:
        """The ack for an action applied before (the same extras, as far as they can be
        known again); a resent join gets its identity back."""
        extra: dict[str, Any] = {}
        cmd = COMMANDS.get(name)
        if cmd and cmd.ack:
            extra.update(cmd.ack(self.store.events(live.row.id, after=seq - 1, limit=1)))
        if name == "join" and isinstance(payload, dict):
            pid = self.participant_for_token(live.row.id, payload.get("token"))
            if pid:
                person = live.state.participants[pid]
                extra = {"token": payload["token"],
                         "participant": {"participant": pid, "name": person.name}}
        return Result(True, seq=seq, extra=extra, duplicate=True)
