"""queue.combine (facilitator/realtime/queue.py): what one turn publishes to the other
processes goes as one message, and each process reads it as the messages it holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from facilitator.realtime.queue import MULTI, combine
from facilitator.realtime.wire import QueueJSON


class Manager:
    """The part of a python-socketio PubSubManager that combine touches."""

    json = QueueJSON

    def __init__(self, host_id: str, inbox: list[Any] | None = None) -> None:
        self.host_id = host_id
        self.published: list[dict[str, Any]] = []
        self.inbox = inbox or []

    def _publish(self, data: dict[str, Any]) -> None:
        self.published.append(data)

    def _listen(self) -> Iterator[Any]:
        yield from self.inbox


def emit(n: int, host: str = "a") -> dict[str, Any]:
    return {"method": "emit", "event": "note", "data": [n], "room": "w:screen", "host_id": host}


class Turns:
    def __init__(self) -> None:
        self.next: list[Callable[[], None]] = []

    def __call__(self, fn: Callable[[], None]) -> None:
        self.next.append(fn)

    def run(self) -> None:
        todo, self.next = self.next, []
        for fn in todo:
            fn()


def test_what_one_turn_publishes_goes_as_one_message_in_order() -> None:
    manager, turns = Manager("a"), Turns()
    combine(manager, turns)
    for n in range(3):
        manager._publish(emit(n))
    assert manager.published == [] and len(turns.next) == 1  # one flush for the turn ...
    turns.run()
    manager._publish(emit(3))  # ... after the next turn: what it publishes goes too
    assert manager.published == []
    turns.run()
    assert manager.published == [{"method": MULTI, "host_id": "a",
                                  "messages": [emit(0), emit(1), emit(2), emit(3)]}]
    manager._publish(emit(4))  # a quiet turn: the one message as itself
    turns.run()
    turns.run()
    assert manager.published[-1] == emit(4)
    turns.run()  # nothing held: nothing sent
    assert len(manager.published) == 2


def test_a_process_reads_a_combined_message_as_the_messages_it_holds() -> None:
    mine = QueueJSON.dumps({"method": MULTI, "host_id": "b", "messages": [emit(9, "b")]})
    inbox = [QueueJSON.dumps({"method": MULTI, "host_id": "a",
                              "messages": [emit(1), emit(2), "not a message"]}),
             QueueJSON.dumps(emit(3)), b"\xff undecodable", mine,
             {"method": "emit", "already": "decoded"}]
    manager = Manager("b", inbox)
    combine(manager, Turns())
    assert list(manager._listen()) == [emit(1), emit(2), emit(3),
                                       {"method": "emit", "already": "decoded"}]


def test_without_turns_to_wait_for_every_message_goes_at_once() -> None:
    manager = Manager("a", [QueueJSON.dumps(emit(1))])
    combine(manager, None)  # the threading server, the tests
    manager._publish(emit(0))
    assert manager.published == [emit(0)]
    assert list(manager._listen()) == [QueueJSON.dumps(emit(1))]  # left as it was
