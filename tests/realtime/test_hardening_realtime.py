"""Hardening over Socket.IO (issue 14): limits that hold across reconnects and belong to a
participant and an address, limited joins, the door, and answers for every message."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from facilitator.core.plan import load_plan

PLAN = {"title": "Hardening", "stages": [
    {"kind": "notes", "title": "Many", "prompt": "Write", "options": {"max_per_person": 200}}]}


class Clock:
    """A clock the test moves by hand, so that no bucket refills while a test runs."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(tmp_path: Path, **config: Any):
    from facilitator.app import create_app
    from facilitator.realtime.limits import MemoryLimits

    clock = Clock()
    app = create_app({"DATABASE": str(tmp_path / "h.db"), "ASYNC_MODE": "threading",
                      "TESTING": True, "LIMITS_STORE": MemoryLimits(clock), **config})
    return app, clock


class Room:
    def __init__(self, app) -> None:
        from facilitator.app import get_service, get_socketio

        self.app = app
        self.service = get_service(app)
        self.sio = get_socketio(app)
        self.row = self.service.create_workshop(load_plan(PLAN))
        self.clients: list[Any] = []
        self.console = self.client({"role": "console", "key": self.row.console_key})
        assert self.console.emit("start", {}, callback=True)["ok"]

    def client(self, auth: dict, address: str | None = None):
        headers = {"X-Forwarded-For": address} if address else None
        c = self.sio.test_client(self.app, auth=auth, headers=headers,
                                 flask_test_client=self.app.test_client())
        self.clients.append(c)
        return c

    def phone(self, token: str | None = None, address: str | None = None):
        auth = {"role": "phone", "code": self.row.code}
        if token:
            auth["token"] = token
        return self.client(auth, address)

    def joined(self, i: int, address: str | None = None):
        token = f"device-token-{i:04d}-abcdef"
        phone = self.phone(address=address)
        ack = phone.emit("join", {"client_id": f"join-{i}", "token": token}, callback=True)
        assert ack["ok"], ack
        return phone, token

    def close(self) -> None:
        for c in self.clients:
            if c.is_connected():
                c.disconnect()


@pytest.fixture
def room(tmp_path: Path):
    app, clock = make_app(tmp_path)
    r = Room(app)
    r.clock = clock
    yield r
    r.close()


def post(phone, i: int) -> dict:
    return phone.emit("post_note", {"client_id": f"n{i}", "text": f"note {i}"}, callback=True)


# -- limits that hold across reconnects --------------------------------------------------------

def test_a_participants_budget_survives_reconnecting(room: Room) -> None:
    phone, token = room.joined(0)
    acks = [post(phone, i) for i in range(20)]  # the burst: 20
    assert all(a["ok"] for a in acks)
    phone.disconnect()
    again = room.phone(token)  # a new connection, the same participant
    refused = post(again, 20)
    assert not refused["ok"] and "very fast" in refused["error"]
    assert refused["retry_after"] > 0
    room.clock.now += 1.0  # 5 a second come back
    got = [post(again, 21 + i) for i in range(6)]
    assert [a["ok"] for a in got] == [True] * 5 + [False], got


def test_a_refused_action_changes_nothing_and_a_resend_later_is_applied_once(room: Room) -> None:
    phone, _token = room.joined(0)
    for i in range(20):
        post(phone, i)
    seq = room.service.live(room.row.id).state.seq
    assert not post(phone, 99)["ok"]
    assert room.service.live(room.row.id).state.seq == seq
    room.clock.now += 1
    assert post(phone, 99)["ok"] and post(phone, 99).get("duplicate")


def test_the_budget_belongs_to_the_participant_not_the_connection(room: Room) -> None:
    a, token = room.joined(0)
    b = room.phone(token)  # the same person on a second tab
    for i in range(10):
        assert post(a, i)["ok"] and post(b, 100 + i)["ok"]
    assert not post(a, 50)["ok"] and not post(b, 150)["ok"]
    other, _ = room.joined(1)  # someone else is not held up
    assert post(other, 200)["ok"]


def test_one_address_shares_one_budget_and_forwarded_for_counts_only_behind_a_proxy(
        tmp_path: Path) -> None:
    app, clock = make_app(tmp_path, ADDRESS_BURST=30, TRUSTED_PROXIES=1)
    room = Room(app)
    phones = [room.joined(i, address="203.0.113.7")[0] for i in range(3)]
    oks = [post(p, 10 * i + k)["ok"] for k in range(10) for i, p in enumerate(phones)]
    assert oks == [True] * 30
    refused = post(phones[0], 999)
    assert not refused["ok"] and refused["retry_after"] > 0
    elsewhere = room.joined(9, address="198.51.100.2")[0]
    assert post(elsewhere, 1000)["ok"]
    room.close()

    # with no proxy trusted, the header is anyone's to write: the socket's address counts
    app, clock = make_app(tmp_path / "b", ADDRESS_BURST=30)
    room = Room(app)
    phones = [room.joined(i, address=f"198.51.100.{i}")[0] for i in range(3)]
    oks = [post(p, 10 * i + k)["ok"] for k in range(10) for i, p in enumerate(phones)]
    assert oks == [True] * 30 and not post(phones[2], 999)["ok"]
    room.close()


def test_joins_are_limited_per_address_and_the_limit_survives_reconnects(
        tmp_path: Path) -> None:
    app, clock = make_app(tmp_path, JOIN_BURST=5, JOIN_PER_SECOND=1.0, TRUSTED_PROXIES=1)
    room = Room(app)
    for i in range(5):
        room.joined(i, address="203.0.113.9")
    late = room.phone(address="203.0.113.9")  # a new socket changes nothing
    ack = late.emit("join", {"client_id": "late", "token": "late-device-token-0001"},
                    callback=True)
    assert not ack["ok"] and "joining from this network" in ack["error"]
    assert ack["retry_after"] > 0
    assert len(room.service.live(room.row.id).state.participants) == 5
    assert room.joined(50, address="198.51.100.9")  # another network joins meanwhile
    clock.now += 1.0
    assert late.emit("join", {"client_id": "late", "token": "late-device-token-0001"},
                     callback=True)["ok"]
    room.close()


def test_default_join_limit_lets_a_thousand_phones_behind_one_address_in_within_a_minute(
        tmp_path: Path) -> None:
    from facilitator.app import create_app
    from facilitator.realtime.limits import MemoryLimits, rates

    app = create_app({"DATABASE": str(tmp_path / "x.db"), "ASYNC_MODE": "threading"})
    rate = rates(app.config)["join_address"]
    clock = Clock()
    limits = MemoryLimits(clock)
    waited = 0.0
    for _ in range(1000):  # each phone tries again when told to (the outbox does)
        while (wait := limits.take("join:nat", rate)) > 0:
            clock.now += wait
            waited += wait
    assert waited < 60
    # and a script cannot add participants faster than that
    assert sum(limits.take("join:nat", rate) == 0 for _ in range(100)) <= 1


# -- the door --------------------------------------------------------------------------------

def test_the_door_closes_to_new_participants_and_opens_again(room: Room) -> None:
    member, token = room.joined(0)
    visitor = room.phone()  # on the join page when the door closes
    ack = room.console.emit("close_door", {}, callback=True)
    assert ack["ok"]
    stage = [e["args"][0] for e in visitor.get_received() if e["name"] == "stage"]
    assert stage[-1]["workshop"]["door_open"] is False
    refused = visitor.emit("join", {"client_id": "v", "token": "visitor-device-token-1"},
                           callback=True)
    assert not refused["ok"] and "closed the door" in refused["error"]
    newcomer = room.phone()
    assert not newcomer.is_connected()  # refused at connect, with the sentence (live test)
    back = room.phone(token)  # someone who joined carries on
    assert back.is_connected() and post(back, 1)["ok"]
    assert not room.console.emit("close_door", {}, callback=True)["ok"]
    assert room.console.emit("open_door", {}, callback=True)["ok"]
    assert room.phone().emit("join", {"client_id": "v2"}, callback=True)["ok"]
    assert not member.emit("close_door", {}, callback=True)["ok"]  # the console's alone


def test_a_closed_door_is_in_the_log_and_stays_closed_after_a_restart(tmp_path: Path) -> None:
    app, _clock = make_app(tmp_path)
    room = Room(app)
    assert room.console.emit("close_door", {}, callback=True)["ok"]
    room.close()
    app2, _clock = make_app(tmp_path)  # the same database, a fresh process
    from facilitator.app import get_service, get_socketio

    state = get_service(app2).live(room.row.id).state
    assert state.door_open is False
    phone = get_socketio(app2).test_client(app2, auth={"role": "phone", "code": room.row.code})
    assert not phone.is_connected()


# -- every message answered --------------------------------------------------------------------

def raw(client, sio, text: str) -> Any:
    """Send ``text`` as the client's Socket.IO packet, as it would arrive on the wire; the
    ack's arguments, or None."""
    client.acks = None
    sio.server._handle_eio_message(client.eio_sid, text)
    return client.acks["args"][0] if client.acks else None


BAD_PAYLOADS = [
    ('["post_note",' + "[" * 20_000 + "]" * 20_000 + "]", "nested too deeply"),
    ('["post_note",{"text":' + "9" * 401 + "}]", "number far too long"),
    ('["post_note",{"text":1e999}]', "far too large"),
    ('["post_note",{"text":NaN}]', "not a number"),
    ('["post_note",{"text":', "could not be read"),
    ('{"post_note":1}', "no action name"),
    ("[]", "no action name"),
    ("[42]", "no action name"),
    ('["' + "x" * 65 + '"]', "no action name"),
    ('"post_note"', "no action name"),
]


@pytest.mark.parametrize(("body", "sentence"), BAD_PAYLOADS)
def test_a_message_the_decoder_cannot_take_is_answered(room: Room, body: str, sentence: str,
                                                       caplog) -> None:
    phone, _ = room.joined(0)
    seq = room.service.live(room.row.id).state.seq
    with caplog.at_level(logging.INFO):
        ack = raw(phone, room.sio, "27" + body)
    assert ack is not None and ack["ok"] is False and sentence in ack["error"]
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert phone.is_connected() and post(phone, 1)["ok"]
    assert room.service.live(room.row.id).state.seq == seq + 1


@pytest.mark.parametrize("name", ["connect", "disconnect", "connect_error", "disconnecting",
                                  "newListener"])
def test_reserved_event_names_never_reach_a_handler(room: Room, name: str, caplog) -> None:
    phone, _ = room.joined(0)
    people_before = room.app.extensions["facilitator.socketio"].server.manager.rooms
    with caplog.at_level(logging.INFO):
        acks = [raw(phone, room.sio, f'2{i}["{name}",{{"role":"phone"}}]') for i in range(5)]
    assert all(a and not a["ok"] and "connection itself uses" in a["error"] for a in acks)
    assert not [r for r in caplog.records if r.exc_info]
    assert post(phone, 1)["ok"]  # still attached to its workshop: disconnect did not detach
    assert room.app.extensions["facilitator.socketio"].server.manager.rooms is people_before


def test_reserved_names_count_against_the_limit(room: Room) -> None:
    phone, _ = room.joined(0)
    acks = [raw(phone, room.sio, f'2{i}["connect",{{}}]') for i in range(21)]
    assert "very fast" in acks[-1]["error"]


def test_an_unreadable_message_without_an_ack_closes_only_its_connection(room: Room,
                                                                          caplog) -> None:
    phone, _ = room.joined(0)
    other, _ = room.joined(1)
    with caplog.at_level(logging.INFO):
        raw(phone, room.sio, '2["post_note",' + "[" * 100 + "]" * 100 + "]")
    assert not phone.is_connected()
    closing = [r for r in caplog.records if "closed connection" in r.getMessage()]
    assert len(closing) == 1 and "\n" not in closing[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]
    assert post(other, 5)["ok"]


@pytest.mark.parametrize("packet", ["9", "x", "", "5-[]", "4{}", '0{"role":1'])
def test_a_packet_that_is_not_socketio_closes_the_connection_with_one_line(room: Room,
                                                                            packet: str,
                                                                            caplog) -> None:
    phone, _ = room.joined(0)
    with caplog.at_level(logging.INFO):
        raw(phone, room.sio, packet)
    assert not [r for r in caplog.records if r.exc_info]
    if not phone.is_connected():
        assert len([r for r in caplog.records if "closed connection" in r.getMessage()]) == 1
