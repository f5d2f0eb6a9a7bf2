"""Load benchmark: N simulated phones post one note each to one workshop; how fast and how
reliably does each note reach the projector?

    python bench/load.py --phones 1000 --window 10 [--json out.json]

Starts, one after the other, the project's server (`python -m facilitator serve`) and the bare
Flask-SocketIO + eventlet baseline (bench/baseline_server.py) on free ports on 127.0.0.1, runs
the same scenario against each and prints a table; the last line is a one-line summary. The
exit code is 1 when the project lost a note (or could not be benchmarked), else 0.

All clients (phones, projector, console) live in this one process, on one asyncio loop, using
the minimal WebSocket-only Socket.IO client in bench/sioclient.py. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sioclient import ConnectError, SioClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PLAN = {
    "title": "Bench",
    "stages": [{"kind": "notes", "prompt": "Anything", "options": {"max_per_person": 200}}],
}
# the room scenario: ideas, a dot vote on the first ten, then a café (a table each four)
ROOM_PLAN = {
    "title": "Bench room",
    "stages": [{"kind": "notes", "prompt": "Ideas for the library"},
               {"kind": "vote", "prompt": "Which matter most?",
                "options": {"dots": 3, "hidden": False}},
               {"kind": "cafe", "prompt": "Talk it over",
                "options": {"rounds": 3, "table_size": 4}}],
}
VOTE_ITEMS = 10


# ---------------------------------------------------------------------------------------------
# helpers


def print_rows(results: list[dict], rows: list, width: int, column: int) -> None:
    """The figures table: a column per target that ran, a row per (label, getter); then each
    target's failure and error counts."""
    ok = [r for r in results if "failed" not in r and not r.get("skipped")]
    print(f"{'':<{width}}" + "".join(f"{r['target']:>{column}}" for r in ok))
    for label, get in rows:
        print(f"{label:<{width}}" + "".join(f"{get(r):>{column}}" for r in ok))
    for r in results:
        if "failed" in r:
            print(f"{r['target']}: FAILED: {r['failed']}")
        for err, count in (r.get("errors") or {}).items():
            print(f"{r['target']}: {count} x {err}")


def marked_index(data, marker: str) -> int | None:  # noqa: ANN001
    """The phone's index a projector's ``note`` event carries after ``marker`` in its text
    (None: not one of this run's notes)."""
    text = str(((data or {}).get("note") or {}).get("text", ""))
    i = text.find(marker)
    if i < 0:
        return None
    return int(text[i + len(marker):text.index("]", i)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile, or None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process, from /proc (Linux); None elsewhere."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent busy since boot, from /proc/stat (Linux); None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def http_json(method: str, url: str, body: dict | None = None, timeout: float = 10.0) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode() or "{}")


class Server:
    """A server under test, run as a subprocess with its output in a log file."""

    def __init__(self, name: str, cmd: list[str], port: int, workdir: Path,
                 env: dict[str, str] | None = None):
        self.name = name
        self.cmd = cmd
        self.env = env or {}
        self.port = port
        self.log_path = workdir / f"{name}-server.log"
        self.proc: subprocess.Popen | None = None
        self.stopped_by = ""  # the signal that stopped it

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float = 60.0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.env)
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} server not healthy after {timeout:g} s:\n"
                           + self.log_tail())

    def stop(self) -> None:
        """Ctrl-C (SIGINT), then SIGTERM, then SIGKILL, 5 s apart; remember which one did it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            self.proc.send_signal(sig)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                continue
            self.stopped_by = sig.name
            break

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Lines of the server's output that look like errors."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        keys = ("Traceback", "Error", "error", "Exception", "WARNING", "CRITICAL")
        return [ln for ln in text.splitlines() if any(k in ln for k in keys)]


# ---------------------------------------------------------------------------------------------
# the scenario


class LagMonitor:
    """How late the client's own event loop wakes up: if this is high, the client (not the
    server) is the bottleneck and latencies are inflated."""

    def __init__(self, interval: float = 0.01):
        self.interval = interval
        self.lags: list[float] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(time.perf_counter() - t - self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


def phone_connector(target: str, port: int, auth: dict, phones: list, connect_lat: list,
                    join_lat: list, errors: Counter, args,
                    on_event: Callable[[int], Callable[[str, Any, float], None] | None]
                    = lambda i: None) -> Callable[[int], Awaitable[None]]:
    """An async function connecting phone i (and, on the project, joining it), a bounded
    number at a time; it puts the client in phones[i] or counts the error."""
    sem = asyncio.Semaphore(args.connect_concurrency)

    async def connect_phone(i: int) -> None:
        async with sem:
            c = SioClient(HOST, port, on_event(i))
            t0 = time.perf_counter()
            try:
                await c.connect(auth, timeout=args.connect_timeout)
            except ConnectError as exc:
                errors[f"connect: {exc}"] += 1
                return
            connect_lat.append(time.perf_counter() - t0)
            if target == "project":
                t1 = time.perf_counter()
                try:
                    ack = await c.call("join", {"client_id": str(uuid.uuid4())},
                                       timeout=args.connect_timeout)
                except (TimeoutError, ConnectError) as exc:
                    errors[f"join: {type(exc).__name__} {exc}"] += 1
                    await c.close()
                    return
                if not (isinstance(ack, dict) and ack.get("ok")):
                    errors[f"join refused: {ack!r}"] += 1
                    await c.close()
                    return
                join_lat.append(time.perf_counter() - t1)
            phones[i] = c

    return connect_phone


async def run_scenario(target: str, url: str, pid: int | None, args) -> dict:
    """Connect the phones, post the notes, measure. `target` is "project" or "baseline"."""
    port = int(url.rsplit(":", 1)[1])
    n = args.phones
    run_id = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    res: dict = {"target": target, "phones": n, "window_s": args.window, "errors": Counter()}

    # project: create and start a workshop
    phone_auth: dict = {"role": "phone"}
    screen_auth: dict = {"role": "screen"}
    console = None
    if target == "project":
        ws = await asyncio.to_thread(http_json, "POST", url + "/api/workshops", PLAN)
        phone_auth = {"role": "phone", "code": ws["code"]}
        screen_auth = {"role": "screen", "key": ws["screen_key"]}
        console = SioClient(HOST, port, lambda *a: None)
        await console.connect({"role": "console", "key": ws["console_key"]})
        ack = await console.call("start", {})
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"start refused: {ack!r}")

    # projector: record when each bench note first arrives
    marker = f"[{run_id}:"
    received: dict[int, float] = {}
    dupes = 0
    other_events: Counter = Counter()

    def on_screen_event(name: str, data, t: float) -> None:
        nonlocal dupes
        if name != "note":
            other_events[name] += 1
            return
        idx = marked_index(data, marker)
        if idx is None:
            return
        if idx in received:
            dupes += 1
        else:
            received[idx] = t

    projector = SioClient(HOST, port, on_screen_event)
    await projector.connect(screen_auth)

    lag = LagMonitor()
    lag.start()

    # connect the phones (and join, for the project), a bounded number at a time
    phones: list[SioClient | None] = [None] * n
    connect_lat: list[float] = []
    join_lat: list[float] = []
    connect_phone = phone_connector(target, port, phone_auth, phones, connect_lat, join_lat,
                                    res["errors"], args)

    cpu0 = cpu_seconds(pid)
    t_connect = time.perf_counter()
    await asyncio.gather(*(connect_phone(i) for i in range(n)))
    connect_total = time.perf_counter() - t_connect
    cpu1 = cpu_seconds(pid)
    busy1, client1 = machine_busy_seconds(), time.process_time()
    connected = sum(1 for c in phones if c is not None)
    rss_connected = rss_mb(pid)

    # every connected phone posts one note at a random moment within the window
    sent_at: dict[int, float] = {}
    ack_lat: list[float] = []
    acked: set[int] = set()
    ack_order: list[int] = []
    offsets = [rng.uniform(0, args.window) for _ in range(n)]
    await asyncio.sleep(0.5)  # let the joins' fan-out (people counts etc.) settle
    t_start = time.perf_counter()

    async def post(i: int) -> None:
        c = phones[i]
        if c is None:
            return
        delay = t_start + offsets[i] - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        text = f"{marker}{i}] An idea from phone {i}: a quieter room for the library"
        try:
            fut, t = c.call_nowait("post_note", {"client_id": str(uuid.uuid4()), "text": text})
        except ConnectError as exc:
            res["errors"][f"post: {exc}"] += 1
            return
        sent_at[i] = t
        try:
            ack, t_ack = await asyncio.wait_for(fut, args.window + args.grace)
        except TimeoutError:
            res["errors"]["post: no ack"] += 1
            return
        except ConnectError as exc:
            res["errors"][f"post: {exc}"] += 1
            return
        if isinstance(ack, dict) and ack.get("ok"):
            ack_lat.append(t_ack - t)
            ack_order.append(i)
            acked.add(i)
        else:
            err = ack.get("error") if isinstance(ack, dict) else ack
            res["errors"][f"post refused: {err}"] += 1

    posting = asyncio.gather(*(post(i) for i in range(n)))
    # wait for the window, then up to `grace` seconds for the stragglers
    deadline = t_start + args.window + args.grace
    await asyncio.sleep(args.window)
    while time.perf_counter() < deadline:
        if len(received) >= connected and posting.done():
            break
        await asyncio.sleep(0.05)
    if not posting.done():
        posting.cancel()
        try:
            await posting
        except asyncio.CancelledError:
            pass
    cpu2 = cpu_seconds(pid)
    busy2, client2 = machine_busy_seconds(), time.process_time()
    await lag.stop()
    other_cpu = None
    if None not in (cpu1, cpu2, busy1, busy2):
        other_cpu = round((busy2 - busy1) - (cpu2 - cpu1) - (client2 - client1), 2)

    p2p = [received[i] - sent_at[i] for i in received if i in sent_at]
    ack_at = {i: sent_at[i] + a for i, a in zip(ack_order, ack_lat, strict=True)}
    # per note: [phone, moment in the window (s), phone->projector (ms), ack (ms)]
    samples = [[i, round(offsets[i], 3),
                round((received[i] - sent_at[i]) * 1000, 2) if i in received else None,
                round((ack_at[i] - sent_at[i]) * 1000, 2) if i in ack_at else None]
               for i in sorted(sent_at)]
    delivered = sum(1 for i in received if i in sent_at)
    disconnected = sum(1 for c in phones if c is not None and c.closed)
    if projector.closed:
        res["errors"][f"projector disconnected: {projector.close_reason}"] += 1
    if disconnected:
        res["errors"]["phones disconnected during the run"] += disconnected
    acked_not_shown = len(acked - set(received))
    if acked_not_shown:
        res["errors"]["acked but never on the projector"] += acked_not_shown

    for c in phones:
        if c is not None:
            await c.close()
    await projector.close()
    if console is not None:
        await console.close()
    await asyncio.sleep(1.0)  # let the server run its disconnect handlers before it is stopped

    def ms(v):
        return None if v is None else round(v * 1000, 2)

    res.update({
        "connected": connected,
        "connect_total_s": round(connect_total, 2),
        "connect_ms": {p: ms(pct(connect_lat, p)) for p in (50, 95, 99)},
        "join_ms": {p: ms(pct(join_lat, p)) for p in (50, 95, 99)} if target == "project"
        else None,
        "sent": len(sent_at),
        "acked": len(acked),
        "delivered": delivered,
        "lost": n - delivered,
        "duplicates": dupes,
        "p2p_ms": {p: ms(pct(p2p, p)) for p in (50, 95, 99)} | {"max": ms(max(p2p, default=None))},
        "ack_ms": {p: ms(pct(ack_lat, p)) for p in (50, 95, 99)}
        | {"max": ms(max(ack_lat, default=None))},
        "server_cpu_connect_s": None if cpu0 is None or cpu1 is None else round(cpu1 - cpu0, 2),
        "server_cpu_notes_s": None if cpu1 is None or cpu2 is None else round(cpu2 - cpu1, 2),
        "client_cpu_notes_s": round(client2 - client1, 2),
        "other_cpu_notes_s": other_cpu,
        "server_rss_mb": None if rss_connected is None else round(rss_connected, 1),
        "client_loop_lag_ms": {"p99": ms(pct(lag.lags, 99)), "max": ms(max(lag.lags, default=0))},
        "projector_other_events": dict(other_events),
        "samples": samples,
    })
    res["errors"] = dict(res["errors"])
    return res


async def run_room(target: str, url: str, pid: int | None, args) -> dict:
    """The room scenario: N phones joined; fan-out (stage changes, a vote opening, a café
    round start: each phone its own view) timed from the console's command to each phone's
    update; then a dot-vote burst (N dots within --vote-window) timed to the projector."""
    port = int(url.rsplit(":", 1)[1])
    n = args.phones
    rng = random.Random(args.seed)
    errors: Counter = Counter()
    res: dict = {"target": target, "phones": n, "errors": errors}
    project = target == "project"
    settle = 0.1 + n / 2000  # seconds between steps: the last one's stragglers arrive
    console_auth: dict = {"role": "console"}
    phone_auth: dict = {"role": "phone"}
    screen_auth: dict = {"role": "screen"}
    if project:
        ws = await asyncio.to_thread(http_json, "POST", url + "/api/workshops", ROOM_PLAN)
        phone_auth = {"role": "phone", "code": ws["code"]}
        screen_auth = {"role": "screen", "key": ws["screen_key"]}
        console_auth = {"role": "console", "key": ws["console_key"]}
    console = SioClient(HOST, port, lambda *a: None)
    await console.connect(console_auth)

    async def command(event: str, data: dict) -> dict:
        ack = await console.call(event, data, timeout=60)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{event} refused: {ack!r}")
        return ack

    if project:
        await command("start", {})

    # the projector: every vote update, with its seq
    screen_votes: list[tuple[float, int]] = []

    def on_screen(name: str, data, t: float) -> None:
        if name == "vote" and isinstance(data, dict):
            screen_votes.append((t, int(data.get("seq") or 0)))

    projector = SioClient(HOST, port, on_screen)
    await projector.connect(screen_auth)

    # each phone records when the update the current phase waits for reaches it
    phase: dict[str, Any] = {"match": None, "got": {}, "size": None}

    def on_phone(i: int):
        def handler(name: str, data, t: float) -> None:
            match = phase["match"]
            if match is not None and i not in phase["got"] and match(name, data):
                phase["got"][i] = t
                if phase["size"] is None:
                    phase["size"] = len(json.dumps([name, data], separators=(",", ":")))
        return handler

    phones: list[SioClient | None] = [None] * n
    connect_lat: list[float] = []
    join_lat: list[float] = []
    connect_phone = phone_connector(target, port, phone_auth, phones, connect_lat, join_lat,
                                    errors, args, on_phone)
    cpu0 = cpu_seconds(pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(connect_phone(i) for i in range(n)))
    res["connect_total_s"] = round(time.perf_counter() - t0, 2)
    cpu1 = cpu_seconds(pid)
    live = [i for i, c in enumerate(phones) if c is not None]
    res["connected"] = len(live)
    res["server_cpu_connect_ms_per_phone"] = (
        None if cpu0 is None or cpu1 is None or not live
        else round((cpu1 - cpu0) * 1000 / len(live), 3))
    await asyncio.sleep(settle)

    fanout: dict[str, dict] = {}

    async def timed(label: str, event: str, data: dict, match) -> None:
        """Send the console's command; wait until every phone has the update (or grace)."""
        phase.update(match=match, got={}, size=None)
        c0 = cpu_seconds(pid)
        start = time.perf_counter()
        await command(event, data)
        deadline = start + args.grace
        while len(phase["got"]) < len(live) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        c1 = cpu_seconds(pid)
        lat = [t - start for t in phase["got"].values()]
        phase["match"] = None
        fanout[label] = {
            "received": len(lat), "bytes": phase["size"],
            "ms": {"p50": ms(pct(lat, 50)), "p99": ms(pct(lat, 99)),
                   "max": ms(max(lat, default=None))},
            "server_cpu_s": None if c0 is None or c1 is None else round(c1 - c0, 3)}
        await asyncio.sleep(settle)

    def snapshot_at(stage: int):
        return lambda name, d: (name == "snapshot" and isinstance(d, dict)
                                and (d.get("workshop") or {}).get("stage_index") == stage)

    def fanned(k: int):
        return lambda name, d: name == "fanout" and isinstance(d, dict) and d.get("phase") == k

    async def vote_burst() -> None:
        """Every phone places one dot within the vote window."""
        if project:
            ack = await console.call("resync", {})
            items = [it["id"] for it in ((ack or {}).get("snapshot", {}).get("vote") or {})
                     .get("results", [])] or None
            if not items:
                errors["vote: no items in the console's snapshot"] += 1
        else:
            items = [f"i{k}" for k in range(VOTE_ITEMS)]
        offsets = [rng.uniform(0, args.vote_window) for _ in range(n)]
        dots: list[tuple[float, int]] = []  # (sent, acked seq)
        ack_lat: list[float] = []
        screen_votes.clear()
        c0 = cpu_seconds(pid)
        t_start = time.perf_counter()

        async def vote(i: int) -> None:
            delay = t_start + offsets[i] - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                fut, t = phones[i].call_nowait("place_dot", {"client_id": str(uuid.uuid4()),
                                                             "item_id": items[i % len(items)]})
                ack, t_ack = await asyncio.wait_for(fut, args.vote_window + args.grace)
            except (TimeoutError, ConnectError) as exc:
                errors[f"dot: {type(exc).__name__} {exc}"] += 1
                return
            if isinstance(ack, dict) and ack.get("ok"):
                dots.append((t, int(ack["seq"])))
                ack_lat.append(t_ack - t)
            else:
                errors[f"dot refused: {ack!r}"[:200]] += 1

        if items:
            await asyncio.gather(*(vote(i) for i in live))
            last = max((seq for _, seq in dots), default=0)
            deadline = time.perf_counter() + args.grace
            while (not screen_votes or screen_votes[-1][1] < last) and \
                    time.perf_counter() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)  # a trailing update still in flight
        c1 = cpu_seconds(pid)
        # a dot is on the projector once an update with its seq (or a later one) has arrived
        shown = []
        for t, seq in dots:
            at = next((ts for ts, s in screen_votes if s >= seq), None)
            if at is None:
                errors["dot acked but its tally never on the projector"] += 1
            else:
                shown.append(at - t)
        res["vote"] = {
            "acked": len(dots), "screen_updates": len(screen_votes),
            "final_seq_on_screen": max((s for _, s in screen_votes), default=None) ==
            max((s for _, s in dots), default=None),
            "to_projector_ms": {"p50": ms(pct(shown, 50)), "p99": ms(pct(shown, 99)),
                                "max": ms(max(shown, default=None))},
            "ack_ms": {"p50": ms(pct(ack_lat, 50)), "p99": ms(pct(ack_lat, 99))},
            "server_cpu_ms_per_dot": None if c0 is None or c1 is None or not dots
            else round((c1 - c0) * 1000 / len(dots), 3)}

    if project:
        # ten ideas to vote on
        for i in live[:VOTE_ITEMS]:
            await phones[i].call("post_note", {"client_id": str(uuid.uuid4()),
                                               "text": f"Idea {i}: a quieter room"})
        await timed("stage change (to a vote)", "next_stage", {}, snapshot_at(1))
        await timed("vote opens", "open_vote", {},
                    lambda name, d: name == "snapshot" and bool((d or {}).get("vote")))
        await vote_burst()
        await timed("stage change (to a café)", "next_stage", {}, snapshot_at(2))
    else:
        pad = args.fanout_bytes
        await timed("N emits, one per sid", "fanout_each", {"phase": 1, "bytes": pad},
                    fanned(1))
        await timed("one broadcast", "fanout_broadcast", {"phase": 2, "bytes": pad}, fanned(2))
        await vote_burst()

    if project:
        # a facilitator introduces the café before the first round: the server, quiet
        # meanwhile, seats the room then (Service.prepare); --cafe-intro 0 times it cold
        await asyncio.sleep(args.cafe_intro)
        await timed("café round start (a table each)", "cafe_start_round", {},
                    lambda name, d: name == "snapshot" and
                    ((d or {}).get("cafe") or {}).get("phase") == "round")
    res["fanout"] = fanout
    res["join_ms"] = {"p50": ms(pct(join_lat, 50)), "p99": ms(pct(join_lat, 99))}
    for c in phones:
        if c is not None:
            await c.close()
    await projector.close()
    await console.close()
    await asyncio.sleep(1.0)
    res["errors"] = dict(errors)
    return res


def ms(v: float | None) -> float | None:
    return None if v is None else round(v * 1000, 2)


def bench_target(target: str, args, workdir: Path) -> dict:
    """Start the target's server (unless given a URL), run the scenario(s), stop the
    server. The room scenario's figures go under "room"."""
    server = None
    url = args.project_url if target == "project" else None
    if url is None:
        port = free_port()
        if target == "project":
            cmd = [sys.executable, "-m", "facilitator", "serve", "--host", HOST,
                   "--port", str(port), "--db", str(workdir / "bench.db"),
                   "--public-url", f"http://{HOST}:{port}",
                   "--max-connections", str(args.max_connections)]
        else:
            cmd = [sys.executable, str(ROOT / "bench" / "baseline_server.py"), "--host", HOST,
                   "--port", str(port), "--max-connections", str(args.max_connections)]
            if args.baseline_nodelay:
                cmd.append("--nodelay")
        # every bench phone comes from 127.0.0.1: lift the per-address limits (a real room's
        # phones share at most a venue's NAT address; docs/operations.md), not the others
        n = str(10 * args.phones + 1000)
        env = {f"FACILITATOR_{k}": n for k in ("JOIN_BURST", "JOIN_PER_SECOND", "ADDRESS_BURST",
                                               "ADDRESS_PER_SECOND", "CONNECT_BURST",
                                               "CONNECT_PER_SECOND")}
        server = Server(target, cmd, port, workdir, env if target == "project" else None)
        try:
            server.start()
        except Exception as exc:
            return {"target": target, "failed": f"server did not start: {exc}"}
        url = server.url
    pid = server.pid if server else None
    spy = None
    if args.profile and target == "project" and pid is not None:
        # py-spy (pip install py-spy) samples the server from outside: collapsed stacks
        exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        spy = subprocess.Popen([exe, "record", "--format", "raw", "--rate", "200",
                                "--nonblocking", "-o", args.profile, "-p", str(pid)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        res = {"target": target, "skipped": True}
        if args.scenario in ("notes", "all"):
            res = asyncio.run(run_scenario(target, url, pid, args))
        if args.scenario in ("room", "all"):
            try:
                res["room"] = asyncio.run(run_room(target, url, pid, args))
            except Exception as exc:
                res["room"] = {"target": target, "failed": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:
        res = {"target": target, "failed": f"{type(exc).__name__}: {exc}"}
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file as it stops
            spy.wait(30)
        if server is not None:
            server.stop()
    if server is not None:
        problems = server.log_problems()
        res["server_log_problems"] = len(problems)
        res["server_log_sample"] = problems[:10]
        res["server_log"] = str(server.log_path)
        if server.stopped_by not in ("", "SIGINT"):
            res["server_stop"] = f"ignored Ctrl-C (SIGINT) for 5 s; {server.stopped_by} stopped it"
    return res


# ---------------------------------------------------------------------------------------------
# reporting


def fmt(v, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}{unit}"
    return f"{v}{unit}"


def per(total_s: float | None, count: int) -> str:
    """Milliseconds per item, or "-"."""
    return "-" if total_s is None or not count else f"{total_s * 1000 / count:.2f}"


def print_room_table(results: list[dict]) -> None:
    """The room scenario: fan-out from the console's command to the phones, the vote burst."""
    rooms = [r["room"] for r in results if "room" in r]
    if not rooms:
        return
    print()
    print(f"{'fan-out: command -> each phone':<40}{'p50':>9}{'p99':>9}{'max':>9}"
          f"{'phones':>8}{'bytes':>8}{'srv CPU':>9}")
    for room_res in rooms:
        if "failed" in room_res:
            print(f"{room_res['target']}: room FAILED: {room_res['failed']}")
            continue
        for label, f in room_res["fanout"].items():
            print(f"{room_res['target'] + ': ' + label:<40}{fmt(f['ms']['p50']):>9}"
                  f"{fmt(f['ms']['p99']):>9}{fmt(f['ms']['max']):>9}"
                  f"{f['received']:>8}{fmt(f['bytes']):>8}{fmt(f['server_cpu_s']):>9}")
    print()
    print(f"{'vote burst: dot -> projector':<40}{'p50':>9}{'p99':>9}{'max':>9}"
          f"{'acked':>8}{'updates':>8}{'final':>7}{'CPU/dot':>9}")
    for room_res in rooms:
        if "failed" in room_res:
            continue
        v = room_res["vote"]
        final = "ok" if v["final_seq_on_screen"] else "NO"
        print(f"{room_res['target']:<40}{fmt(v['to_projector_ms']['p50']):>9}"
              f"{fmt(v['to_projector_ms']['p99']):>9}{fmt(v['to_projector_ms']['max']):>9}"
              f"{v['acked']:>8}{v['screen_updates']:>8}{final:>7}"
              f"{fmt(v['server_cpu_ms_per_dot']):>9}")
    for room_res in rooms:
        if "failed" in room_res:
            continue
        print(f"{room_res['target']}: {room_res['connected']}/{room_res['phones']} phones, "
              f"connect+join {room_res['connect_total_s']} s, server CPU "
              f"{fmt(room_res['server_cpu_connect_ms_per_phone'])} ms per phone")
        for err, count in (room_res.get("errors") or {}).items():
            print(f"{room_res['target']}: room: {count} x {err}")


def print_table(results: list[dict]) -> None:
    rows = [
        ("phones connected", lambda r: f"{r['connected']}/{r['phones']}"),
        ("connect all (s)", lambda r: fmt(r["connect_total_s"])),
        ("connect p50/p99 (ms)",
         lambda r: f"{fmt(r['connect_ms'][50])} / {fmt(r['connect_ms'][99])}"),
        ("join p50/p99 (ms)",
         lambda r: "-" if not r["join_ms"] else
         f"{fmt(r['join_ms'][50])} / {fmt(r['join_ms'][99])}"),
        ("notes sent / acked", lambda r: f"{r['sent']} / {r['acked']}"),
        ("delivered to projector", lambda r: f"{r['delivered']}/{r['phones']}"),
        ("lost", lambda r: str(r["lost"])),
        ("duplicates on projector", lambda r: str(r["duplicates"])),
        ("phone->projector p50 (ms)", lambda r: fmt(r["p2p_ms"][50])),
        ("phone->projector p95 (ms)", lambda r: fmt(r["p2p_ms"][95])),
        ("phone->projector p99 (ms)", lambda r: fmt(r["p2p_ms"][99])),
        ("phone->projector max (ms)", lambda r: fmt(r["p2p_ms"]["max"])),
        ("ack p50 (ms)", lambda r: fmt(r["ack_ms"][50])),
        ("ack p95 (ms)", lambda r: fmt(r["ack_ms"][95])),
        ("ack p99 (ms)", lambda r: fmt(r["ack_ms"][99])),
        ("ack max (ms)", lambda r: fmt(r["ack_ms"]["max"])),
        ("server CPU, connecting (s)", lambda r: fmt(r["server_cpu_connect_s"])),
        ("server CPU, notes window (s)", lambda r: fmt(r["server_cpu_notes_s"])),
        ("server CPU per note (ms)", lambda r: per(r["server_cpu_notes_s"], r["delivered"])),
        ("server CPU per connect+join (ms)",
         lambda r: per(r["server_cpu_connect_s"], r["connected"])),
        ("client CPU, notes window (s)", lambda r: fmt(r["client_cpu_notes_s"])),
        ("OTHER processes' CPU, same (s)", lambda r: fmt(r["other_cpu_notes_s"])),
        ("server RSS connected (MB)", lambda r: fmt(r["server_rss_mb"])),
        ("client loop lag p99/max (ms)",
         lambda r: f"{fmt(r['client_loop_lag_ms']['p99'])} / "
         f"{fmt(r['client_loop_lag_ms']['max'])}"),
        ("server log error lines", lambda r: fmt(r.get("server_log_problems"))),
    ]
    print_rows(results, rows, 34, 22)
    for r in results:
        if r.get("server_log_problems"):
            print(f"{r['target']}: server log {r.get('server_log')} has "
                  f"{r['server_log_problems']} error-looking lines, e.g.:")
            for line in r["server_log_sample"][:5]:
                print(f"    {line[:200]}")
        if r.get("server_stop"):
            print(f"{r['target']}: server {r['server_stop']}")


def summary(r: dict) -> str:
    if "failed" in r:
        return f"{r['target']}: FAILED ({r['failed'].splitlines()[0][:120]})"

    def trio(d):
        return f"p50 {fmt(d[50])} p95 {fmt(d[95])} p99 {fmt(d[99])} ms"

    return (f"{r['target']}: delivered {r['delivered']}/{r['phones']} lost {r['lost']} | "
            f"p2p {trio(r['p2p_ms'])} | ack {trio(r['ack_ms'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Phones -> projector load benchmark.")
    parser.add_argument("--phones", type=int, default=1000, help="simulated phones (1000)")
    parser.add_argument("--window", type=float, default=10.0,
                        help="seconds over which the notes are posted, at random moments (10)")
    parser.add_argument("--grace", type=float, default=10.0,
                        help="seconds after the window before a missing note counts lost (10)")
    parser.add_argument("--connect-concurrency", type=int, default=50,
                        help="phones connecting at the same time (50)")
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    parser.add_argument("--max-connections", type=int, default=5000,
                        help="passed to both servers (eventlet's default cap is 1024)")
    parser.add_argument("--only", choices=["project", "baseline"],
                        help="benchmark one server only")
    parser.add_argument("--project-url", help="use this running project server instead of "
                        "starting one (http://127.0.0.1:PORT); no server CPU figures")
    parser.add_argument("--baseline-nodelay", action="store_true",
                        help="baseline with TCP_NODELAY on its sockets (Nagle off)")
    parser.add_argument("--seed", type=int, default=None, help="seed for the posting moments")
    parser.add_argument("--scenario", choices=["notes", "room", "all"], default="notes",
                        help="notes: N notes to the projector (the default); room: fan-out "
                        "and a dot-vote burst; all: both, one server at a time")
    parser.add_argument("--vote-window", type=float, default=1.0,
                        help="seconds within which every phone places a dot (1)")
    parser.add_argument("--cafe-intro", type=float, default=4.0,
                        help="seconds between the stage change to the café and its first "
                             "round, as a facilitator introduces it (4; 0: seated cold)")
    parser.add_argument("--fanout-bytes", type=int, default=1500,
                        help="the baseline's per-phone fan-out message size (1500, about a "
                        "café phone's snapshot)")
    parser.add_argument("--profile", metavar="PATH",
                        help="sample the project server with py-spy (pip install py-spy), "
                        "writing its collapsed stacks here")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.project_url and not args.project_url.startswith(f"http://{HOST}:"):
        parser.error(f"--project-url must be http://{HOST}:PORT")

    targets = [args.only] if args.only else ["project", "baseline"]
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-bench-"))
    results = []
    for target in targets:
        print(f"# {target}: {args.phones} phones, {args.scenario} ...", flush=True)
        results.append(bench_target(target, args, workdir))

    print()
    if args.scenario in ("notes", "all"):
        print_table(results)
    print_room_table(results)
    for r in results:
        r.pop("server_log_sample", None)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "params": {k: v for k, v in vars(args).items() if k != "json"},
            "cpus": os.cpu_count(),
            "results": results,
        }, indent=2, default=str))
    problems = any(r.get("server_log_problems") or "failed" in r for r in results)
    if args.keep or problems:
        print(f"logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(" || ".join(summary(r) for r in results if not r.get("skipped")), flush=True)

    project = next((r for r in results if r["target"] == "project"), None)
    if project is not None and ("failed" in project or project.get("lost", 0) > 0
                                or "failed" in project.get("room", {})):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
