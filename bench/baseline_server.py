"""The bare-stack baseline: Flask-SocketIO + eventlet and nothing else.

Phones connect (any auth), send `post_note` with an ack; the server emits the note to the
"projector" room and acks. A client with auth `{"role": "screen"}` joins that room. No storage,
no validation, no rooms per workshop: the floor that the project's server is measured against.

For the room scenario (bench/load.py --scenario room): a phone's `place_dot` adds to a tally
that is emitted whole to the projector after every dot (what a naive server does); a console
(auth `{"role": "console"}`) sends `fanout_each` (one emit per phone sid, each its own
message of `bytes` characters: the floor for per-phone views) or `fanout_broadcast` (one emit
to the phones' room).

    python bench/baseline_server.py --host 127.0.0.1 --port 5055
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import itertools  # noqa: E402
from collections import Counter  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet", max_http_buffer_size=64 * 1024)
_seq = itertools.count(1)
_phones: set[str] = set()  # sids of the connected phones
_tally: Counter[str] = Counter()


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("connect")
def on_connect(auth):
    role = auth.get("role") if isinstance(auth, dict) else None
    if role == "screen":
        join_room("projector")
    elif role != "console":
        join_room("phones")
        _phones.add(request.sid)
    emit("snapshot", {"seq": 0})


@socketio.on("disconnect")
def on_disconnect(reason=None):
    _phones.discard(request.sid)


@socketio.on("post_note")
def on_post_note(data):
    seq = next(_seq)
    note = {"id": seq, "text": str(data.get("text", ""))[:280]}
    emit("note", {"seq": seq, "note": note}, to="projector")
    return {"ok": True, "seq": seq, "note_id": seq}


@socketio.on("place_dot")
def on_place_dot(data):
    seq = next(_seq)
    _tally[str(data.get("item_id", ""))] += 1
    results = [{"id": k, "count": v} for k, v in _tally.most_common()]
    emit("vote", {"seq": seq, "vote": {"placed": sum(_tally.values()), "results": results}},
         to="projector")
    return {"ok": True, "seq": seq}


@socketio.on("fanout_each")
def on_fanout_each(data):
    """One message per phone, to its sid (as per-phone views are sent)."""
    pad = "x" * int(data.get("bytes", 1000))
    for sid in list(_phones):
        socketio.emit("fanout", {"phase": data.get("phase"), "pad": pad}, to=sid)
    return {"ok": True}


@socketio.on("fanout_broadcast")
def on_fanout_broadcast(data):
    """One message to the phones' room."""
    pad = "x" * int(data.get("bytes", 1000))
    socketio.emit("fanout", {"phase": data.get("phase"), "pad": pad}, to="phones")
    return {"ok": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--max-connections", type=int, default=5000)
    parser.add_argument("--nodelay", action="store_true",
                        help="set TCP_NODELAY (no Nagle) on the connections, which the stack "
                        "does not do by default")
    args = parser.parse_args()
    print(f"baseline listening on http://{args.host}:{args.port}", flush=True)
    if args.nodelay:
        import socket

        import eventlet.wsgi

        # Linux: accepted sockets inherit TCP_NODELAY from the listening socket.
        listener = eventlet.listen((args.host, args.port))
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        eventlet.wsgi.server(listener, app, max_size=args.max_connections, log_output=False)
    else:
        socketio.run(app, host=args.host, port=args.port, max_size=args.max_connections,
                     log_output=False)


if __name__ == "__main__":
    main()
