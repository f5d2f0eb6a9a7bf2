"""``wire.unmask`` gives exactly the bytes eventlet's own WebSocket unmasking gives, for any
frame, mask, length and offset (it replaces it in ``facilitator serve``)."""

from __future__ import annotations

from eventlet.websocket import RFC6455WebSocket
from hypothesis import given
from hypothesis import strategies as st

from facilitator.realtime.wire import unmask

original = RFC6455WebSocket.__dict__["_apply_mask"].__func__


@given(st.binary(max_size=600), st.binary(min_size=4, max_size=4), st.integers(0, 11),
       st.one_of(st.none(), st.integers(0, 600)))
def test_unmask_is_eventlets_unmasking(data: bytes, mask: bytes, offset: int,
                                       length: int | None) -> None:
    if length is not None:
        length = min(length, len(data))
    assert unmask(data, mask, length, offset) == original(data, mask, length, offset)
    assert unmask(bytearray(data), mask, length, offset) == original(data, mask, length, offset)


def test_masking_twice_gives_the_frame_back() -> None:
    frame = "Une idée: a quieter room".encode()
    assert unmask(unmask(frame, b"\x01\x82\xff\x10"), b"\x01\x82\xff\x10") == frame
