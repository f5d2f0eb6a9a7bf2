"""Run in a subprocess by test_pg_eventlet.py: a monkey-patched eventlet server on PostgreSQL
runs ``SELECT pg_sleep(1)`` through the store while /healthz is asked every 20 ms; prints
the slowest /healthz answer in ms as JSON. argv: database URL, mode: ``store`` (the store as
it is), ``tpool`` (the call sent to eventlet's thread pool) or ``wait_c`` (psycopg's C wait
function forced back, which the store replaces under eventlet: the freeze it avoids) or
``lock`` (one green thread holds a workshop's ``serialised`` lock for 1 s while another waits
for it: the wait holds neither the server nor the holder's connection; prints also whether
the second entered only after the first left)."""

import warnings

warnings.simplefilter("ignore")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import json  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from facilitator.app import create_app, get_service, get_socketio  # noqa: E402
from facilitator.blocking import run_blocking  # noqa: E402


def main() -> None:
    url, mode = sys.argv[1], sys.argv[2]
    app = create_app({"DATABASE": url, "ASYNC_MODE": "eventlet", "TESTING": True})
    store = get_service(app).store
    listener = eventlet.listen(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    eventlet.spawn_n(eventlet.wsgi.server, listener, app, log_output=False)
    get_socketio(app)  # the Socket.IO server is wired, as under `facilitator serve`

    def healthz() -> float:
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
            while s.recv(4096):
                pass
        return (time.monotonic() - start) * 1000

    if mode == "wait_c":
        from psycopg import waiting

        waiting.wait = waiting.wait_c
    healthz()
    times: dict[str, float] = {}
    if mode == "lock":
        def hold() -> None:
            with store.serialised("probe-workshop"):
                times["first_in"] = time.monotonic()
                eventlet.sleep(1)
                store._read("SELECT 1")  # the holder's own connection, still its own
                times["first_out"] = time.monotonic()

        def wait_then_enter() -> None:
            eventlet.sleep(0.1)
            with store.serialised("probe-workshop"):
                times["second_in"] = time.monotonic()

        eventlet.spawn(hold)
        slow = eventlet.spawn(wait_then_enter)
    elif mode == "tpool":
        slow = eventlet.spawn(run_blocking, store._read, "SELECT pg_sleep(1)")
    else:
        slow = eventlet.spawn(store._read, "SELECT pg_sleep(1)")
    start = time.monotonic()
    eventlet.sleep(0.05)  # the query is under way; a frozen hub sleeps until it ends
    worst, answers = (time.monotonic() - start) * 1000 - 50, 0
    while not slow.dead:
        worst = max(worst, healthz())
        answers += 1
        eventlet.sleep(0.02)
    slow.wait()
    from psycopg import waiting

    out = {"worst_ms": round(worst, 1), "answers": answers, "wait": waiting.wait.__name__}
    if times:
        out["second_waited"] = times["second_in"] >= times["first_out"] > times["first_in"]
    print(json.dumps(out))


main()
