"""Socket.IO transport: authenticate, hand the command to the service, emit to rooms.

Handlers never branch on which method a workshop runs; see docs/protocol.md for the wire.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from facilitator import i18n
from facilitator.blocking import next_turn
from facilitator.core.commands import COMMANDS, PARTICIPANT, VISITOR, Actor, door_closed
from facilitator.core.state import FACILITATOR
from facilitator.core.views import (
    CONSOLE,
    FRESH,
    PHONE,
    PHONES,
    SCREEN,
    Emit,
    people_view,
    shared_views,
    snapshot,
)
from facilitator.i18n import _
from facilitator.realtime.batch import Batcher
from facilitator.realtime.coalesce import Coalescer
from facilitator.realtime.limits import LimitsStore, client_address, rates
from facilitator.realtime.presence import VISITORS, Connection, MemoryPresence, room
from facilitator.realtime.queue import combine
from facilitator.realtime.scale import limits_store, owners_of, presence_store
from facilitator.realtime.wire import Malformed, install
from facilitator.service import Result, Service, hash_token, normalise_code
from facilitator.web.language import chosen

ROLES = {PHONE, SCREEN, CONSOLE}


PAGER_EVENTS = ("screen_pager", "pager_state")
# events to the projector and the console whose payload is a whole state (the latest wins):
# held and sent at most every COALESCE_INTERVAL seconds (realtime/coalesce.py)
COALESCED = {"vote", "people", "cafe_counts", *FRESH}
# events that carry one item (a note), never a state a held update also carries: they go at
# once, past held updates; any other event (a snapshot, a stage, a café view) sends the held
# ones first, so that nothing older follows it
ONE_ITEM = {"note", "note_removed", "participant"}
FIND_TTL = 10.0  # seconds a workshop found by code or key is remembered for connects
PAGER_ACTIONS = ("next", "prev", "first", "pause", "resume")


# the presence store: this process's connections, and who is online in each workshop (in
# this process, or in every process through Redis: facilitator/realtime/presence.py)
Presence = MemoryPresence  # or its subclass RedisPresence
__all__ = ["Connection", "Presence", "register_handlers", "room"]


def register_handlers(socketio: SocketIO, service: Service, app: Flask) -> Presence:
    # presence and limits: in this process, or shared by every process through Redis
    # (REDIS_URL; facilitator/realtime/scale.py)
    presence = presence_store(app)
    app.extensions["facilitator.presence"] = presence
    install(socketio.server)
    if app.config.get("REDIS_URL"):  # one message per turn to the other processes
        combine(socketio.server.manager, next_turn())
    limits: LimitsStore = limits_store(app)
    app.extensions["facilitator.limits"] = limits
    rate = rates(app.config)
    proxies = int(app.config["TRUSTED_PROXIES"])

    def slow_down(sentence: str, wait: float) -> dict[str, Any]:
        """A refusal for going too fast; ``retry_after`` lets an outbox try again itself."""
        return {"ok": False, "error": sentence, "retry_after": round(wait + 0.05, 1)}

    def over_limit(conn: Connection, event: str, data: Any) -> dict[str, Any] | None:
        """The refusal if this action is over one of the sender's limits, else None. The
        buckets are the participant's and the address's, so reconnecting changes nothing."""
        if conn.role != PHONE:
            wait = limits.take(f"{conn.role}:{conn.workshop}", rate["console"])
        elif conn.participant:
            wait = limits.take_first([(f"p:{conn.workshop}:{conn.participant}",
                                       rate["participant"]),
                                      (f"a:{conn.address}", rate["address"])])
        elif event == "join":
            token = data.get("token") if isinstance(data, dict) else None
            wait = (limits.take(f"join:{conn.address}", rate["join_address"])
                    or (isinstance(token, str) and limits.take(
                        f"jt:{conn.workshop}:{hash_token(token)}", rate["join_token"])))
            if wait:
                return slow_down(_("Many people are joining from this network just now. "
                                   "You will be let in in a moment."), wait)
            return None
        else:
            wait = limits.take(f"a:{conn.address}", rate["address"])
        if wait:
            return slow_down(_("You are sending very fast. Please wait a moment and try "
                               "again."), wait)
        return None
    service.languages_in_use = presence.languages

    def spawn(fn: Any, delay: float) -> None:
        def later() -> None:
            socketio.sleep(delay)
            fn()
        socketio.start_background_task(later)

    # what goes to projectors and consoles in one turn of the loop goes as one message
    # (realtime/batch.py); their whole-state updates at most every ~100 ms (coalesce.py)
    batcher = Batcher(lambda event, payload, to, local=False: socketio.emit(
        event, payload, to=to, ignore_queue=local), next_turn())
    # with Redis's message queue, every emit is published to every process; a command's
    # emits stay in this process when no other process has a client of its workshop
    queued = bool(app.config.get("REDIS_URL"))
    app.extensions["facilitator.batcher"] = batcher
    coalescer = Coalescer(batcher.add, float(app.config.get("COALESCE_INTERVAL", 0.1)), spawn)
    app.extensions["facilitator.coalescer"] = coalescer

    def workshop_languages(workshop: str) -> tuple[str, ...]:
        live = service.live(workshop)
        source = live.state.plan_source if live else None
        return source.workshop_languages if source else (i18n.SOURCE,)

    def view(workshop: str, audience: str, participant: str | None = None,
             lang: str | None = None, also: str | None = None) -> dict[str, Any]:
        """The audience's snapshot in ``lang`` (a bilingual projector's also in ``also``)."""
        live = service.live(workshop)
        assert live is not None
        with live.lock, i18n.use(lang or i18n.current()):
            out = snapshot(live.state, audience, participant, presence.online(workshop))
        if also:
            with live.lock, i18n.use(also):
                second = snapshot(live.state, audience, participant, presence.online(workshop))
            out["second"] = {"lang": also, "workshop": second["workshop"]}
        out["now"] = service.clock()  # clients count timers down from the server's clock
        return out

    def fresh(workshop: str, name: str, lang: str) -> Any:
        """A FRESH update's builder: the view of the workshop as it is when it is sent."""
        def build() -> dict[str, Any]:
            live = service.live(workshop)
            assert live is not None
            with live.lock, i18n.use(lang):
                return FRESH[name](live.state)
        return build

    def people(workshop: str, audiences: tuple[str, ...] = (SCREEN, CONSOLE)) -> None:
        live = service.live(workshop)
        if live is None:
            return
        def payload() -> dict[str, Any]:  # built when sent: a held count is never stale
            state = live.state
            if service.shared:  # this process may not have decided the latest joins
                try:
                    state = (service.live(workshop, fresh=True) or live).state
                except Exception:  # noqa: BLE001 - the database away: the count as known
                    pass
            return {"seq": state.seq, **people_view(state, presence.online(workshop))}

        for audience in audiences:  # a burst of joins: the latest count, every ~100 ms
            coalescer.offer((workshop, audience), "people", payload, room(workshop, audience))

    def send(workshop: str, emits: Result | list[Emit] | dict[str, list[Emit]]) -> None:
        """Emit a command's changes, each audience in the language(s) it reads: the same
        changes were built once per language (Service.handle), never once per person."""
        if isinstance(emits, Result):
            by_language = emits.emits_by_language or {i18n.current(): emits.emits}
        elif isinstance(emits, dict):
            by_language = emits
        else:
            by_language = {i18n.current(): emits}
        if not by_language:
            return
        langs = workshop_languages(workshop)
        primary, also = langs[0], (langs[1] if len(langs) > 1 else None)
        # asked now, after the write (presence.RedisPresence.alone says why that is safe)
        local = queued and presence.alone(workshop)
        reference = next(iter(by_language.values()))
        snapshots: dict[tuple[str, str], dict[str, Any]] = {}
        for i, e in enumerate(reference):
            if e.payload is None and e.name == "people":
                people(workshop, (e.audience,))
                continue
            # per-phone views: the "sid" below is each participant's room in its language
            # (or its language's visitors' room), which reaches its phones on any process
            if e.payload is None and e.audience == PHONES:
                # each phone has its own view: send each its own snapshot, in its language
                # (what phones share, a table's or a language's part, is built once)
                coalescer.before((workshop, PHONES))
                with shared_views():
                    for sid, pid, lang in presence.phones_with_language(workshop):
                        socketio.emit("snapshot", view(workshop, PHONE, pid, lang), to=sid,
                                      ignore_queue=local)
                continue
            if e.audience == SCREEN:
                targets = [(primary, also)]
            else:
                targets = [(lang, None) for lang in by_language]
            for lang, second in targets:
                mine = by_language.get(lang, reference)[i]
                payload = mine.payload
                if payload is None and e.name in FRESH:
                    payload = fresh(workshop, e.name, lang)
                elif payload is None:
                    key = (e.audience, lang)
                    payload = snapshots.get(key) or view(workshop, e.audience, lang=lang,
                                                         also=second)
                    snapshots[key] = payload
                elif "workshop" in payload:
                    payload = {**payload, "now": service.clock()}
                    if second and second in by_language:
                        other = by_language[second][i].payload or {}
                        payload["second"] = {"lang": second, "workshop": other.get("workshop")}
                to, stream = room(workshop, e.audience, lang), (workshop, e.audience)
                if e.audience not in (SCREEN, CONSOLE):
                    socketio.emit(e.name, payload, to=to, ignore_queue=local)  # phones
                elif e.name in COALESCED:
                    coalescer.offer(stream, e.name, payload, to)
                else:
                    if e.name not in ONE_ITEM:
                        coalescer.before(stream)  # held states first: order is kept
                    batcher.add(e.name, payload, to, local)

    found: dict[tuple[str, str], tuple[float, Any]] = {}  # (column, value) -> (when, row)

    def find_workshop(column: str, value: str) -> Any:
        """``store.find``, remembered for FIND_TTL seconds: a room of phones connecting at
        once asks for the same code a thousand times, each a trip to the database. A
        workshop deleted meanwhile is not found (it is no longer live)."""
        now = time.monotonic()
        hit = found.get((column, value))
        if hit is not None and now - hit[0] < FIND_TTL and service.live(hit[1].id) is not None:
            return hit[1]
        row = service.store.find(**{column: value})
        if len(found) > 4096:
            found.clear()
        if row is None:
            found.pop((column, value), None)
        else:
            found[(column, value)] = (now, row)
        return row

    def reader_language(auth: Any, default: str | None = None) -> str:
        """The language the page told us it speaks (its <html lang>), else the person's."""
        wanted = auth.get("lang") if isinstance(auth, dict) else None
        return wanted if i18n.is_shipped(wanted) else chosen(default)

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        service.activity += 1
        with i18n.use(reader_language(auth)):
            connect(auth)

    def connect(auth: Any) -> None:
        # every refusal is a ConnectionRefusedError with a sentence (in the reader's
        # language): the client's connect_error carries it
        address = client_address(request.environ, proxies)
        if limits.take(f"connect:{address}", rate["connect"]):
            raise ConnectionRefusedError(_("Too many connections from this network just now. "
                                           "Trying again in a moment."))
        # AUTH: who is this, and for which workshop?
        if not isinstance(auth, dict) or auth.get("role") not in ROLES:
            raise ConnectionRefusedError(_("Please open the link or scan the QR code again."))
        role = auth["role"]
        row = None
        if role == PHONE and isinstance(auth.get("code"), str):
            row = find_workshop("code", normalise_code(auth["code"]))
        elif role == SCREEN and isinstance(auth.get("key"), str):
            row = find_workshop("screen_key", auth["key"])
        elif role == CONSOLE and isinstance(auth.get("key"), str):
            row = find_workshop("console_key", auth["key"])
        if row is None:
            raise ConnectionRefusedError(
                _("This workshop could not be found. Check the code, or ask the facilitator."))
        conn = Connection(row.id, role, address=address)
        langs = workshop_languages(row.id)
        if role == SCREEN:  # the projector speaks the workshop's language(s), not a person's
            conn.lang, conn.also = langs[0], (langs[1] if len(langs) > 1 else None)
        else:
            conn.lang = reader_language(auth, langs[0])
        pid = service.participant_for_token(row.id, auth.get("token")) if role == PHONE else None
        if role == PHONE and pid is None:
            live = service.live(row.id)
            if live is None:
                raise ConnectionRefusedError(_("This workshop no longer exists."))
            if not live.state.door_open and live.state.status != "ended":
                raise ConnectionRefusedError(door_closed())
        audience = PHONES if role == PHONE else role
        join_room(room(row.id, audience))
        join_room(room(row.id, audience, conn.lang))
        if pid:
            conn.participant = pid
            join_room(room(row.id, pid))
            join_room(room(row.id, pid, conn.lang))
        elif role == PHONE:  # a visitor's own view goes to the visitors reading its language
            join_room(room(row.id, VISITORS, conn.lang))
        # counted first, then the log read: a command another process appends meanwhile
        # reaches this client either in the snapshot or as an emit (realtime/presence.py)
        presence.add(request.sid, conn)  # type: ignore[attr-defined]
        if role == SCREEN and owners is not None:
            owners.claim(row.id)  # the room's notes decided where they are shown
        service.live(row.id, fresh=True)
        coalescer.before((row.id, audience))  # nothing older may follow the snapshot
        batcher.flush()
        socketio.emit("snapshot", view(row.id, role, conn.participant, conn.lang, conn.also),
                      to=request.sid, ignore_queue=True)  # type: ignore[attr-defined]
        if conn.participant:
            people(row.id)

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        service.activity += 1
        conn = presence.remove(request.sid)  # type: ignore[attr-defined]
        if conn and conn.participant:
            people(conn.workshop)

    def on_action(event: str, sid: str, data: Any = None, *extra: Any) -> dict[str, Any]:
        """Every action. python-socketio calls this itself (registered below): Flask-SocketIO
        would build a Flask request context for each event, URL matching and all, which was
        a tenth of a note's CPU; nothing here needs one."""
        conn = presence.connections.get(sid)
        # every sentence of the answer, and the views built here, in the sender's language
        with i18n.use(conn.lang if conn else language_of(sid)):
            return action(conn, sid, event, data)

    socketio.server.on("*", on_action)

    def language_of(sid: str) -> str:
        """The language of a socket that is not connected to a workshop: its browser's."""
        environ = socketio.server.get_environ(sid)
        if not environ:
            return i18n.SOURCE
        with app.request_context(environ):
            return chosen()

    def action(conn: Connection | None, sid: str, event: str, data: Any) -> dict[str, Any]:
        if conn is None:
            return {"ok": False, "error": _("Not connected to a workshop. Reload the page.")}
        refused = over_limit(conn, event, data)
        if refused:
            return refused
        if isinstance(event, Malformed):  # undecodable, or a reserved name (realtime/wire)
            return {"ok": False, "error": event.reason}
        if event == "resync":
            service.live(conn.workshop, fresh=True)
            batcher.flush()  # what is held is older than the snapshot: it goes first
            return {"ok": True, "snapshot": view(conn.workshop, conn.role, conn.participant,
                                                 conn.lang, conn.also)}
        # VALIDATION happens in the core; here only the envelope
        client_id = data.get("client_id") if isinstance(data, dict) else None
        payload = {k: v for k, v in data.items() if k != "client_id"} \
            if isinstance(data, dict) else data
        if event in PAGER_EVENTS:
            return relay_pager(conn, event, data)
        if conn.role == CONSOLE:
            actor = Actor(FACILITATOR)
        elif conn.role == PHONE:
            actor = Actor(PARTICIPANT, conn.participant) if conn.participant else Actor(VISITOR)
        else:
            return {"ok": False, "error": _("The projector screen cannot send actions.")}
        cmd = COMMANDS.get(event)
        if cmd is not None and cmd.upload:
            return {"ok": False, "error": _("Photos are sent with the photo button.")}
        # RESOLUTION, and EMIT
        joined = None
        if event == "join" and conn.participant is None:
            def joined(pid: str, duplicate: bool, seq: int | None) -> None:
                identified(conn, sid, pid, duplicate, seq)
        return command(conn.workshop, actor, event, payload, client_id, conn.lang, joined)

    def command(workshop: str, actor: Actor, name: str, payload: Any, client_id: Any,
                lang: str, joined: Any = None, forward: bool = True) -> dict[str, Any]:
        """Decide a command and emit its changes; its ack. When the workshop's phones are
        spread, the process that owns it decides (realtime/owners.py): this one hands its
        ack on. ``joined(pid, duplicate, seq)``: for a phone's join, once decided, before
        its emits when decided here (``seq`` None when decided elsewhere: after them)."""
        owner = owners.owner(workshop) if owners is not None and forward else None
        if owner is not None:
            ack = owners.forward(owner, {"workshop": workshop, "role": actor.role,
                                         "participant": actor.id, "name": name,
                                         "payload": payload, "client_id": client_id,
                                         "lang": lang})
            if ack is not None:  # its emits reached every process through the queue
                person = ack.get("participant") if ack.get("ok") else None
                if joined is not None and isinstance(person, dict):
                    joined(person["participant"], bool(ack.get("duplicate")), None)
                return ack
        result = service.handle(workshop, actor, name, payload, client_id)
        if joined is not None and result.ok and result.extra:
            joined(result.extra["participant"]["participant"], result.duplicate, result.seq)
        send(workshop, result)
        return result.ack()

    def identified(conn: Connection, sid: str, pid: str, duplicate: bool,
                   seq: int | None) -> None:
        """A phone that joined (as ``pid``, at ``seq``) is its participant from now on."""
        socketio.server.enter_room(sid, room(conn.workshop, pid))
        socketio.server.enter_room(sid, room(conn.workshop, pid, conn.lang))
        socketio.server.leave_room(sid, room(conn.workshop, VISITORS, conn.lang))
        presence.identify(sid, pid)
        if duplicate:
            people(conn.workshop)
        if service.shared:
            caught_up(conn, sid, seq)

    def caught_up(conn: Connection, sid: str, seq: int | None) -> None:
        """A phone that just joined counts as its participant from now on; if another
        process appended something between the join and now (or decided the join: ``seq``
        None), its per-phone snapshot went to the room before this phone was in it: send
        this phone its view now."""
        live = service.live(conn.workshop, fresh=True)
        if live is not None and (seq is None or live.state.seq > seq):
            socketio.emit("snapshot", view(conn.workshop, PHONE, conn.participant, conn.lang),
                          to=sid, ignore_queue=True)

    def decide_forwarded(command_: dict[str, Any]) -> dict[str, Any]:
        """A command another process forwarded here (the workshop's owner): decided and
        emitted as one of this process's own; its ack goes back to be handed on."""
        lang = command_["lang"] if i18n.is_shipped(command_["lang"]) else i18n.SOURCE
        with i18n.use(lang):
            return command(command_["workshop"], Actor(command_["role"],
                                                       command_["participant"]),
                           command_["name"], command_["payload"], command_["client_id"],
                           lang, forward=False)

    owners = owners_of(app, presence, decide_forwarded, socketio.start_background_task)
    if owners is not None:
        app.extensions["facilitator.owners"] = owners

    def relay_pager(conn: Connection, event: str, data: Any) -> dict[str, Any]:
        """The projector's paging is how one screen shows the room's work, not workshop
        state: the console's page turns go to the screen, the screen's page k of n to the
        console, and nothing is logged."""
        if event == "screen_pager":
            action = data.get("action") if isinstance(data, dict) else None
            if conn.role != CONSOLE:
                return {"ok": False, "error": _("Only the facilitator turns the screen's pages.")}
            if action not in PAGER_ACTIONS:
                return {"ok": False, "error": _("The screen's pages can be turned: %s.")
                        % ", ".join(PAGER_ACTIONS)}
            batcher.add("pager", {"action": action}, room(conn.workshop, SCREEN))
            return {"ok": True}
        if conn.role != SCREEN:
            return {"ok": False, "error": _("Only the projector screen reports its pages.")}
        if not isinstance(data, dict):
            return {"ok": False, "error": _("The page report must be an object.")}
        page, pages, paused = data.get("page"), data.get("pages"), data.get("paused")
        if not (type(page) is int and type(pages) is int and 1 <= page <= pages <= 1000
                and isinstance(paused, bool)):
            return {"ok": False, "error": _("The page report needs page, pages and paused.")}
        batcher.add("pager_state", {"page": page, "pages": pages, "paused": paused},
                    room(conn.workshop, CONSOLE))
        return {"ok": True}

    app.extensions["facilitator.command"] = command  # for HTTP routes that change a workshop
    return presence
