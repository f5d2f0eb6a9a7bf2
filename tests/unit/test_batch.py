"""A turn's events for a screen or a console go as one message (facilitator/realtime/batch.py):
in order per audience, consecutive events to one room merged, a lone event as itself."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from facilitator.realtime.batch import BATCH, Batcher
from facilitator.realtime.presence import room


class Loop:
    """A loop whose next turn runs when the test says."""

    def __init__(self) -> None:
        self.later: list[Any] = []
        self.sent: list[tuple[str, Any, str]] = []

    def batcher(self) -> Batcher:
        return Batcher(lambda event, payload, to, _local=False:
                       self.sent.append((event, payload, to)), self.later.append)

    def turn(self) -> None:
        todo = list(self.later)
        self.later.clear()
        for fn in todo:
            fn()


def received(sent: list[tuple[str, Any, str]], to: set[str]) -> list[tuple[str, Any]]:
    """What a socket in the rooms ``to`` handles, batches unpacked as the pages do."""
    out: list[tuple[str, Any]] = []
    for event, payload, where in sent:
        if where not in to:
            continue
        out += [tuple(item) for item in payload] if event == BATCH else [(event, payload)]
    return out


def test_a_turns_notes_go_as_one_message_and_a_lone_note_as_itself() -> None:
    loop = Loop()
    b = loop.batcher()
    screen = room("w", "screen", "en")
    for i in range(5):
        b.add("note", {"seq": i}, screen)
    assert loop.sent == [] and len(loop.later) == 1  # one flush for the turn
    loop.turn()
    assert loop.sent == [(BATCH, [["note", {"seq": i}] for i in range(5)], screen)]
    b.add("note", {"seq": 5}, screen)
    loop.turn()
    assert loop.sent[-1] == ("note", {"seq": 5}, screen)
    assert (b.messages, b.events) == (2, 6)


def test_without_a_loop_every_event_is_sent_at_once() -> None:
    sent: list[Any] = []
    b = Batcher(lambda event, payload, to, _local=False: sent.append((event, to)))
    b.add("note", 1, "w:screen")
    b.add("note", 2, "w:screen")
    assert sent == [("note", "w:screen"), ("note", "w:screen")]


def test_a_flush_sends_what_is_held_before_what_comes_next() -> None:
    loop = Loop()
    b = loop.batcher()
    b.add("note", 1, room("w", "console", "en"))
    b.flush()  # (before a snapshot goes to one socket)
    assert loop.sent == [("note", 1, room("w", "console", "en"))]
    loop.turn()  # the scheduled flush finds nothing
    assert len(loop.sent) == 1


ROOMS = [room("w", "screen"), room("w", "screen", "en"), room("w", "screen", "cy"),
         room("w", "console", "en"), room("v", "screen", "en")]


@given(st.lists(st.tuples(st.sampled_from(ROOMS), st.integers(0, 9)), max_size=40),
       st.lists(st.booleans(), max_size=40))
def test_every_socket_handles_what_it_would_have_handled_unbatched_in_the_same_order(
        adds: list[tuple[str, int]], turns: list[bool]) -> None:
    loop = Loop()
    b = loop.batcher()
    for i, (where, n) in enumerate(adds):
        b.add("e", n, where)
        if i < len(turns) and turns[i]:
            loop.turn()
    loop.turn()
    # a socket is in its audience's room and its language's room
    for member_of in ({ROOMS[0], ROOMS[1]}, {ROOMS[0], ROOMS[2]}, {ROOMS[3]}, {ROOMS[4]}):
        assert received(loop.sent, member_of) == [("e", n) for where, n in adds
                                                  if where in member_of]
