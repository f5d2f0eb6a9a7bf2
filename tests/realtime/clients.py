"""Helpers for the Socket.IO tests: open a workshop's console, screen and joined phones."""

from typing import Any

from facilitator.core.plan import load_plan


def received(client: Any, name: str) -> list[dict]:
    """The payloads of the ``name`` events ``client`` got since the last call (then forgotten
    with every other event it got)."""
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def open_room(service: Any, connect: Any, plan: dict, phones: int, tag: str,
              names: bool = True) -> tuple[Any, Any, Any, list[Any]]:
    """A new workshop with its console, screen and ``phones`` joined phones (named P0, P1...
    when ``names``); each phone's device token is ``<tag>-token-<i>-0123456789``."""
    row = service.create_workshop(load_plan(plan))
    console = connect({"role": "console", "key": row.console_key})
    screen = connect({"role": "screen", "key": row.screen_key})
    out = []
    for i in range(phones):
        phone = connect({"role": "phone", "code": row.code})
        payload = {"client_id": f"j{i}", "token": f"{tag}-token-{i}-0123456789"}
        if names:
            payload["name"] = f"P{i}"
        assert phone.emit("join", payload, callback=True)["ok"]
        out.append(phone)
    return row, console, screen, out
