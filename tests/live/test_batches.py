"""A real server (eventlet) in a burst: what reaches the projector and the console in one turn
of the loop goes as one `batch` message (facilitator/realtime/batch.py). 100 phones post three
notes each at once: every note reaches the projector and the console once, in seq order, in
fewer messages than notes; a note in a quiet room goes as itself."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.live.test_chaos import shut, sioclient

PHONES = 100
EACH = 3
PLAN = {"title": "Burst", "stages": [{"kind": "notes", "title": "S", "prompt": "P",
                                      "options": {"max_per_person": 10}}]}


def test_a_burst_reaches_the_projector_and_console_once_in_order_in_fewer_messages(
        live_server) -> None:
    w = live_server.create(PLAN)
    sio = sioclient()
    host, port = "127.0.0.1", live_server.port
    seen: dict[str, list[tuple[int, str]]] = {"screen": [], "console": []}

    def recorder(who: str) -> Any:
        def on(name: str, data: Any, _t: float) -> None:
            if name == "note":
                seen[who].append((data["seq"], data["note"]["text"]))
        return on

    async def run() -> tuple[int, int]:
        screen = sio.SioClient(host, port, recorder("screen"))
        await screen.connect({"role": "screen", "key": w["screen_key"]}, timeout=10)
        console = sio.SioClient(host, port, recorder("console"))
        await console.connect({"role": "console", "key": w["console_key"]}, timeout=10)
        assert (await console.call("start", {"client_id": "start"}, timeout=10))["ok"]
        phones = []
        for i in range(PHONES):
            phone = sio.SioClient(host, port, None)
            await phone.connect({"role": "phone", "code": w["code"]}, timeout=10)
            joined = await phone.call("join", {"client_id": f"j{i}", "name": f"P{i}"}, timeout=10)
            assert joined["ok"], joined
            phones.append(phone)
        # a quiet room: one note, one message of its own
        assert (await phones[0].call("post_note", {"client_id": "quiet", "text": "quiet"},
                                     timeout=10))["ok"]
        await asyncio.sleep(0.3)
        quiet_batches = screen.batches
        calls = [phone.call_nowait("post_note", {"client_id": f"n{i}-{k}", "text": f"{i}-{k}"})
                 for k in range(EACH) for i, phone in enumerate(phones)]
        acks = [ack for ack, _t in
                await asyncio.gather(*(asyncio.wait_for(fut, 30) for fut, _t in calls))]
        assert all(a["ok"] for a in acks), [a for a in acks if not a["ok"]][:3]
        for _ in range(100):
            if all(len(v) == PHONES * EACH + 1 for v in seen.values()):
                break
            await asyncio.sleep(0.1)
        for c in (screen, console, *phones):
            await shut(c)
        return quiet_batches, screen.batches + console.batches

    quiet_batches, batches = asyncio.run(run())
    assert quiet_batches == 0  # the lone note went as itself
    texts = {f"{i}-{k}" for i in range(PHONES) for k in range(EACH)} | {"quiet"}
    for who, notes in seen.items():
        assert sorted(t for _s, t in notes) == sorted(texts), who  # each note once
        assert [s for s, _t in notes] == sorted(s for s, _t in notes), who  # in seq order
    assert batches > 0
    messages = sum(1 for _ in seen["screen"])  # events; batches carried several of them
    assert batches < messages
