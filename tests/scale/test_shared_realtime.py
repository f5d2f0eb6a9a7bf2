"""The Socket.IO side of a shared log, over Flask-SocketIO's test client: this app is one
process, a second Service on the same log is "another process" appending meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_serialised import PLAN, SharedSqlite

from facilitator.core.commands import Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR
from facilitator.service import Service


@pytest.fixture
def shared(tmp_path: Path):
    """(app, this process's service, the other process's service) on one shared log."""
    from facilitator.app import create_app, get_service

    db = tmp_path / "shared.db"
    app = create_app({"DATABASE": str(db), "ASYNC_MODE": "threading", "TESTING": True})
    here = get_service(app)
    here.store.close()
    here.store = SharedSqlite(db)
    other = Service(SharedSqlite(db))
    yield app, here, other
    here.store.close()
    other.store.close()


def snapshots(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received() if e["name"] == "snapshot"]


def test_a_phone_connecting_here_sees_what_the_other_process_appended(shared) -> None:
    from facilitator.app import get_socketio

    app, here, other = shared
    row = here.create_workshop(load_plan(PLAN))
    here.live(row.id)  # this process holds the workshop ...
    assert other.handle(row.id, Actor(FACILITATOR), "start", {}).ok  # ... the other starts it
    phone = get_socketio(app).test_client(app, auth={"role": "phone", "code": row.code})
    assert snapshots(phone)[-1]["workshop"]["status"] == "running"
    assert other.handle(row.id, Actor(FACILITATOR), "next_stage", {}).ok
    ack = phone.emit("resync", {}, callback=True)
    assert ack["snapshot"]["workshop"]["stage_index"] == 1
    phone.disconnect()


def test_a_phone_that_joins_as_the_other_process_changes_the_stage_gets_its_new_view(
        shared, monkeypatch) -> None:
    """The other process's per-phone snapshots went to the participant's room before this
    phone was in it: after the join, this process sends the phone its view itself."""
    from facilitator.app import get_socketio

    app, here, other = shared
    row = here.create_workshop(load_plan(PLAN))
    assert here.handle(row.id, Actor(FACILITATOR), "start", {}).ok
    phone = get_socketio(app).test_client(app, auth={"role": "phone", "code": row.code})
    presence = app.extensions["facilitator.presence"]
    identify = presence.identify

    def racing(sid: str, pid: str) -> None:  # between the join's append and its counting
        assert other.handle(row.id, Actor(FACILITATOR), "next_stage", {}).ok
        identify(sid, pid)

    monkeypatch.setattr(presence, "identify", racing)
    phone.get_received()
    ack = phone.emit("join", {"client_id": "j1", "name": "Ada", "token": "t" * 32},
                     callback=True)
    assert ack["ok"]
    views = snapshots(phone)
    assert views and views[-1]["workshop"]["stage_index"] == 1 and views[-1]["joined"]
    phone.disconnect()
