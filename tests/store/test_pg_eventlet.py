"""psycopg under eventlet: a slow query must hold only its own green thread, not the server.

The probe (eventlet_probe.py) runs a monkey-patched eventlet server on PostgreSQL in a
subprocess and asks /healthz every 20 ms while the store runs ``SELECT pg_sleep(1)``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("eventlet_probe.py")


def probe(url: str, mode: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, str(PROBE), url, mode], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_slow_query_does_not_stall_the_eventlet_server(postgres_url):
    found = probe(postgres_url, "store")
    assert found["answers"] >= 20  # /healthz kept answering during the 1 s query ...
    assert found["worst_ms"] < 200  # ... promptly (2 ms here)
    assert found["wait"] == "wait_green"  # (postgres.wait_green: one hub listener a wait)


def test_the_probe_sees_the_freeze_of_psycopgs_c_wait_function(postgres_url):
    # what the store avoids: with the C wait function the whole process stops for the query
    found = probe(postgres_url, "wait_c")
    assert found["worst_ms"] > 800


def test_waiting_for_a_workshops_lock_holds_only_that_green_thread(postgres_url):
    # green threads of one process are as separate as processes: each takes its own
    # connection, the second waits for the first's lock, and the server answers meanwhile
    found = probe(postgres_url, "lock")
    assert found["second_waited"]
    assert found["answers"] >= 15 and found["worst_ms"] < 200
