"""Smoke test of the load benchmark: 50 phones against the project's server and the baseline.

The benchmark starts both servers in subprocesses (so eventlet's monkey-patching never touches
pytest) and its clients run in a subprocess too.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_fifty_phones_lose_no_note_and_the_room_scenario_runs(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--phones", "50", "--window", "3",
         "--scenario", "all", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    last = proc.stdout.strip().splitlines()[-1]
    for target in ("project", "baseline"):
        assert re.search(rf"\b{target}: delivered 50/50 lost 0 \|", last), output
    for r in json.loads(out.read_text())["results"]:
        room = r["room"]
        assert "failed" not in room, output
        # every phone got every fan-out; every dot was acked; the projector's last update
        # is the final tally (the project's updates coalesced: fewer than the dots)
        assert all(f["received"] == 50 for f in room["fanout"].values()), room["fanout"]
        assert len(room["fanout"]) == (4 if r["target"] == "project" else 2)
        assert room["vote"]["acked"] == 50 and room["vote"]["final_seq_on_screen"], room
        assert room["errors"] == {}, room["errors"]


@pytest.mark.parametrize(("script", "expected"), [
    ("seating.py", r"repeated pairs: 0 \(lower bound 0\)"),
    ("algorithms.py", r"999 people, 5 rounds chained: \d+ ms in all .*repeated partners: 0"),
])
def test_algorithm_benchmarks_run(script: str, expected: str) -> None:
    """The planners' benchmarks still run (their figures are read, not asserted)."""
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--runs", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert re.search(expected, proc.stdout), proc.stdout
