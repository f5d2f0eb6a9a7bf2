"""What the server sends is encoded by orjson (facilitator/realtime/wire.py ``dumps``): any
value gives the same JSON document as the standard library's encoder, including what orjson
refuses (integers beyond 64 bits, lone surrogates), which falls back to it. The message
queue's messages, from the server's own processes, decode to the same values (QueueJSON)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from facilitator.realtime.wire import QueueJSON, SafeJSON, dumps

scalars = (st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.text()
           | st.floats(allow_nan=False, allow_infinity=False))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=5) | st.integers(-9, 9), inner,
                                        max_size=4), max_leaves=20)


@given(values)
def test_any_value_decodes_as_the_standard_encoding_does(value: object) -> None:
    assert json.loads(dumps(value, separators=(",", ":"))) == json.loads(json.dumps(value))


def test_a_phones_text_arrives_as_written() -> None:
    text = "Caf\u00e9 \u0645\u0631\u062d\u0628\u0627 \U0001f331 \u2028 <b>&</b>"
    assert json.loads(dumps(["note", {"text": text}])) == ["note", {"text": text}]


@given(values)
def test_the_message_queue_decodes_what_a_process_sent(value: object) -> None:
    # (orjson for speed; the standard decoder for what orjson refuses, integers beyond 64 bits)
    sent = QueueJSON.dumps(value)
    assert QueueJSON.loads(sent) == QueueJSON.loads(sent.encode()) == json.loads(json.dumps(value))


def test_the_message_queue_has_its_own_decoder_and_phones_keep_the_safe_one(tmp_path) -> None:
    from facilitator.app import create_app, get_socketio

    app = create_app({"DATABASE": str(tmp_path / "q.db"), "TESTING": True,
                      "REDIS_URL": "redis://127.0.0.1:9/0"})  # (not connected to here)
    server = get_socketio(app).server
    assert server.manager.json is QueueJSON
    assert server.packet_class.json is SafeJSON
