"""The bare-stack baseline: Flask-SocketIO + eventlet and nothing else.

Phones connect (any auth), send `post_note` with an ack; the server emits the note to the
"projector" room and acks. A client with auth `{"role": "screen"}` joins that room. No storage,
no validation, no rooms per workshop: the floor that the project's server is measured against.

    python bench/baseline_server.py --host 127.0.0.1 --port 5055
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import itertools  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet", max_http_buffer_size=64 * 1024)
_seq = itertools.count(1)


@app.get("/healthz")
def healthz():
    return {"ok": True}


@socketio.on("connect")
def on_connect(auth):
    if isinstance(auth, dict) and auth.get("role") == "screen":
        join_room("projector")
    emit("snapshot", {"seq": 0})


@socketio.on("post_note")
def on_post_note(data):
    seq = next(_seq)
    note = {"id": seq, "text": str(data.get("text", ""))[:280]}
    emit("note", {"seq": seq, "note": note}, to="projector")
    return {"ok": True, "seq": seq, "note_id": seq}


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
