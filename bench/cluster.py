"""Cluster benchmark: 5,000 phones over 4 processes behind nginx, with Redis and PostgreSQL,
next to one process at the same per-process load on the same stack, and the bare stack.

    python bench/cluster.py --phones 5000 --processes 4 --window 10 [--json out.json]
    python bench/cluster.py --phones 40 --processes 2 --window 3      # smoke size

Three targets, one after the other, in one run:

1. **cluster**: ``--processes`` serve processes (``--db postgresql://... --redis redis://...
   --trusted-proxies 1``) behind nginx (facilitator/deploy). ``--room spread`` (default): one
   workshop whose phones are spread over every process (``--spread P``, routes ``CODE.k``);
   the projector is on one of them, so most notes reach it through Redis, and every note of
   the room takes the workshop's lock in PostgreSQL. ``--room workshops``: P workshops, each
   on a process of its own, a projector each.
2. **single**: the same stack (nginx, PostgreSQL, Redis) with one process and
   ``phones / processes`` phones: the same load per process.
3. **baseline**: bench/baseline_server.py (bare Flask-SocketIO + eventlet, no proxy) with
   ``phones / processes`` phones.

Each phone connects over WebSocket (through the proxy), joins, and posts one note at a random
moment within ``--window``; the projector, in this process, records when each note arrives.
The phones live in ``--client-procs`` worker processes (asyncio, bench/sioclient.py), since
5,000 sockets on one Python loop that shares 2 cores with the servers is client-bound; each
worker reports its loop lag. ``time.perf_counter`` is the system's monotonic clock, so the
workers' send times and the projector's receive times compare.

The exit code is 1 when a note was lost on the cluster or the single process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import (  # noqa: E402
    HOST,
    LagMonitor,
    Server,
    cpu_seconds,
    fmt,
    free_port,
    http_json,
    machine_busy_seconds,
    marked_index,
    pct,
    print_rows,
    rss_mb,
)
from sioclient import ConnectError, SioClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLAN = {"title": "Cluster bench",
        "stages": [{"kind": "notes", "prompt": "Anything", "options": {"max_per_person": 200}}]}
# the benchmark's phones all come from 127.0.0.1: lift the per-address limits (which a venue's
# NAT address would need raised too; docs/operations.md) so they measure the servers
NO_LIMITS = {f"FACILITATOR_{k}": "1000000" for k in (
    "JOIN_BURST", "JOIN_PER_SECOND", "CONNECT_BURST", "CONNECT_PER_SECOND", "ADDRESS_BURST",
    "ADDRESS_PER_SECOND", "RATE_BURST", "RATE_PER_SECOND")}


# ---------------------------------------------------------------------------------------------
# the phones' worker process: connect, join, wait for "go", post, report


async def worker_main(spec: dict) -> dict:
    port, marker = spec["port"], spec["marker"]
    res: dict = {"errors": Counter(), "connect_ms": [], "join_ms": [], "sent": {}, "ack_ms": {},
                 "upstreams": Counter(), "upstream_of": {}}
    lag = LagMonitor()
    lag.start()
    sem = asyncio.Semaphore(spec["concurrency"])
    phones: dict[int, SioClient] = {}

    async def connect(i: int, route: str, code: str) -> None:
        async with sem:
            c = SioClient(HOST, port, None, query=f"route={route}" if route else "")
            t0 = time.perf_counter()
            try:
                await c.connect({"role": "phone", "code": code} if code else {"role": "phone"},
                                timeout=spec["timeout"])
            except ConnectError as exc:
                res["errors"][f"connect: {exc}"] += 1
                return
            res["connect_ms"].append((time.perf_counter() - t0) * 1000)
            res["upstreams"][c.headers.get("x-facilitator-upstream", "direct")] += 1
            res["upstream_of"][i] = c.headers.get("x-facilitator-upstream", "direct")
            if spec["join"]:
                t1 = time.perf_counter()
                try:
                    ack = await c.call("join", {"client_id": str(uuid.uuid4())},
                                       timeout=spec["timeout"])
                except (TimeoutError, ConnectError) as exc:
                    res["errors"][f"join: {type(exc).__name__} {exc}"] += 1
                    await c.close()
                    return
                if not (isinstance(ack, dict) and ack.get("ok")):
                    res["errors"][f"join refused: {ack!r}"] += 1
                    await c.close()
                    return
                res["join_ms"].append((time.perf_counter() - t1) * 1000)
            phones[i] = c

    t0 = time.perf_counter()
    await asyncio.gather(*(connect(i, r, code) for i, r, code in spec["phones"]))
    res["connect_total_s"] = time.perf_counter() - t0
    print(json.dumps({"connected": len(phones)}), flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    t_start = float(json.loads(line)["go"])
    offsets = spec["offsets"]

    async def post(i: int) -> None:
        c = phones[i]
        delay = t_start + offsets[str(i)] - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        text = f"{marker}{i}] An idea from phone {i}: a quieter room for the library"
        try:
            fut, t = c.call_nowait("post_note", {"client_id": str(uuid.uuid4()), "text": text})
        except ConnectError as exc:
            res["errors"][f"post: {exc}"] += 1
            return
        res["sent"][i] = t
        try:
            ack, t_ack = await asyncio.wait_for(fut, spec["window"] + spec["grace"])
        except TimeoutError:
            res["errors"]["post: no ack"] += 1
            return
        except ConnectError as exc:
            res["errors"][f"post: {exc}"] += 1
            return
        if isinstance(ack, dict) and ack.get("ok"):
            res["ack_ms"][i] = (t_ack - t) * 1000
        else:
            err = ack.get("error") if isinstance(ack, dict) else ack
            res["errors"][f"post refused: {err}"] += 1

    c0 = time.process_time()
    await asyncio.gather(*(post(i) for i in phones))
    res["client_cpu_s"] = time.process_time() - c0
    res["disconnected"] = sum(1 for c in phones.values() if c.closed)
    await asyncio.to_thread(sys.stdin.readline)  # "stop": the projector has what it will get
    await lag.stop()
    res["lag_ms"] = [x * 1000 for x in lag.lags]
    for c in phones.values():
        await c.close()
    res["errors"] = dict(res["errors"])
    res["upstreams"] = dict(res["upstreams"])
    return res


# ---------------------------------------------------------------------------------------------
# the main process: the servers, the projector, the figures


def start_stack(target: str, args, workdir: Path, pg, redis_url: str):  # noqa: ANN001, ANN201
    """Start the target's servers; returns (url to connect to, pids, stop function)."""
    if target == "baseline":
        port = free_port()
        server = Server("baseline", [sys.executable, str(ROOT / "bench" / "baseline_server.py"),
                                     "--host", HOST, "--port", str(port),
                                     "--max-connections", "20000"], port, workdir)
        server.start()
        return server.url, {"serve": [server.pid]}, server.stop

    from facilitator.deploy.cluster import Cluster
    from facilitator.deploy.nginx import ProxySettings, worker_user

    count = args.processes if target == "cluster" else 1
    name = f"{target}_{uuid.uuid4().hex[:6]}"
    db = pg.create_database(name)
    cluster = Cluster(workdir / target, processes=count, port=free_port(), host=HOST,
                      spread=count if args.room == "spread" else 1, db=db, redis=redis_url,
                      env=NO_LIMITS,
                      proxy=ProxySettings(user=worker_user(), access_log=False,
                                          worker_processes=args.nginx_workers),
                      say=lambda _s: None)
    cluster.start()
    master = cluster.nginx.proc.pid if cluster.nginx and cluster.nginx.proc else None
    pids = {"serve": [p.pid for p in cluster.processes],
            "nginx": [] if master is None else [master, *children(master)]}

    def stop() -> None:
        for p in cluster.processes:  # what each process did (web/healthz), for the table
            try:
                with urllib.request.urlopen(p.url + "/healthz", timeout=5) as resp:
                    stop.health.append(json.loads(resp.read()))
            except OSError:
                stop.health.append({})
        cluster.stop()
        pg.drop_database(name)

    stop.health = []

    return cluster.url, pids, stop


def children(pid: int) -> list[int]:
    """A process's children (nginx's workers), from /proc (Linux); none elsewhere."""
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def upstream_of(url: str, route: str) -> str:
    import urllib.request

    with urllib.request.urlopen(f"{url}/socket.io/?EIO=4&transport=polling&route={route}",
                                timeout=10) as resp:
        return resp.headers["X-Facilitator-Upstream"]


def balanced_parts(url: str, processes: int, mode: str,
                   tries: int = 200) -> list[tuple[dict, str]]:
    """The room's parts, one per process, as (workshop, route): ``spread``, one workshop whose
    route values ``CODE.k`` land on ``processes`` different processes; ``workshops``, as many
    workshops, each on a process of its own. The consistent hash may put two parts on one
    process; the benchmark measures the balanced case (docs/deploy.md says how to even a real
    room out)."""
    if processes == 1 or mode == "workshops":
        parts: dict[str, tuple[dict, str]] = {}
        for _ in range(tries * processes):
            ws = http_json("POST", url + "/api/workshops", PLAN)
            parts.setdefault(upstream_of(url, ws["code"]), (ws, ws["code"]))
            if len(parts) == processes:
                return list(parts.values())
    else:
        for _ in range(tries):
            ws = http_json("POST", url + "/api/workshops", PLAN)
            routes = [f"{ws['code']}.{k}" for k in range(processes)]
            if len({upstream_of(url, r) for r in routes}) == processes:
                return [(ws, r) for r in routes]
    raise RuntimeError(f"no room in {tries} tries spread evenly over {processes} processes")


async def run_target(target: str, phones: int, args, workdir: Path, pg, redis_url: str) -> dict:
    res: dict = {"target": target, "phones": phones, "errors": Counter()}
    url, pids, stop = await asyncio.to_thread(start_stack, target, args, workdir, pg, redis_url)
    port = int(url.rsplit(":", 1)[1])
    workers: list[subprocess.Popen] = []
    try:
        parts: list[tuple[dict, str]] = [({}, "")]  # (workshop, route) of each part
        consoles: list[SioClient] = []
        if target != "baseline":
            count = args.processes if target == "cluster" else 1
            parts = await asyncio.to_thread(balanced_parts, url, count, args.room)
            for ws in {id(w): w for w, _r in parts}.values():
                console = SioClient(HOST, port, None, query=f"route={ws['code']}")
                await console.connect({"role": "console", "key": ws["console_key"]})
                consoles.append(console)
                ack = await console.call("start", {})
                if not (isinstance(ack, dict) and ack.get("ok")):
                    raise RuntimeError(f"start refused: {ack!r}")
        marker = f"[{uuid.uuid4().hex[:8]}:"
        received: dict[int, float] = {}
        dupes = 0

        def on_screen(name: str, data, t: float) -> None:  # noqa: ANN001
            nonlocal dupes
            if name != "note":
                return
            idx = marked_index(data, marker)
            if idx is None:
                return
            if idx in received:
                dupes += 1
            else:
                received[idx] = t

        projectors = []  # one per workshop, on the process of the workshop's first part
        for ws, route in {id(w): (w, r) for w, r in parts}.values():
            projector = SioClient(HOST, port, on_screen, query=f"route={route}")
            await projector.connect({"role": "screen", "key": ws.get("screen_key")})
            projectors.append(projector)
        res["projectors_on"] = [p.headers.get("x-facilitator-upstream", "direct")
                                for p in projectors]
        lag = LagMonitor()
        lag.start()

        rng = random.Random(args.seed)
        offsets = {i: rng.uniform(0, args.window) for i in range(phones)}
        shares = [list(range(k, phones, args.client_procs)) for k in range(args.client_procs)]
        for share in shares:
            spec = {"port": port, "marker": marker,
                    "join": target != "baseline", "timeout": args.connect_timeout,
                    "concurrency": max(1, args.connect_concurrency // args.client_procs),
                    "window": args.window, "grace": args.grace,
                    "phones": [[i, parts[i % len(parts)][1],
                                parts[i % len(parts)][0].get("code", "")] for i in share],
                    "offsets": {str(i): offsets[i] for i in share}}
            p = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
            p.stdin.write(json.dumps(spec) + "\n")
            p.stdin.flush()
            workers.append(p)
        cpu = {k: [cpu_seconds(pid) for pid in v] for k, v in pids.items()}
        t_connect = time.perf_counter()
        connected = 0
        for p in workers:
            line = await asyncio.to_thread(p.stdout.readline)
            if not line:
                raise RuntimeError("a client worker died while connecting")
            connected += json.loads(line)["connected"]
        res["connect_all_s"] = round(time.perf_counter() - t_connect, 2)
        cpu_connected = {k: [cpu_seconds(pid) for pid in v] for k, v in pids.items()}
        rss = {k: [rss_mb(pid) for pid in v] for k, v in pids.items()}
        await asyncio.sleep(1.0)  # the joins' fan-out settles
        busy0, own0 = machine_busy_seconds(), time.process_time()
        t_start = time.perf_counter() + 0.5
        for p in workers:
            p.stdin.write(json.dumps({"go": t_start}) + "\n")
            p.stdin.flush()
        deadline = t_start + args.window + args.grace
        await asyncio.sleep(max(0.0, t_start + args.window - time.perf_counter()))
        while time.perf_counter() < deadline and len(received) < connected:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        cpu_end = {k: [cpu_seconds(pid) for pid in v] for k, v in pids.items()}
        busy1, own1 = machine_busy_seconds(), time.process_time()
        await lag.stop()
        results = []
        for p in workers:
            p.stdin.write("stop\n")
            p.stdin.flush()
            out, _ = await asyncio.to_thread(p.communicate, None, 60)
            results.append(json.loads(out.strip().splitlines()[-1]))
        for c in projectors + consoles:
            await c.close()
    finally:
        for p in workers:
            if p.poll() is None:
                p.kill()
        await asyncio.to_thread(stop)
        res["health"] = getattr(stop, "health", [])

    sent = {int(i): t for r in results for i, t in r["sent"].items()}
    acks = {int(i): v for r in results for i, v in r["ack_ms"].items()}
    p2p = [(received[i] - sent[i]) * 1000 for i in received if i in sent]
    # the phones on the projector's process, and the others (whose notes cross processes)
    upstream_of = {int(i): u for r in results for i, u in r["upstream_of"].items()}
    shown_on = set(res.get("projectors_on") or ())
    split = {where: [(received[i] - sent[i]) * 1000 for i in received
                     if i in sent and (upstream_of.get(i) in shown_on) == (where == "same")]
             for where in ("same", "other")}
    worker_lags = [x for r in results for x in r["lag_ms"]]
    for r in results:
        res["errors"].update(r["errors"])
        if r["disconnected"]:
            res["errors"]["phones disconnected during the run"] += r["disconnected"]
    acked_not_shown = len(set(acks) - set(received))
    if acked_not_shown:
        res["errors"]["acked but never on the projector"] += acked_not_shown
    upstreams: Counter = Counter()
    for r in results:
        upstreams.update(r["upstreams"])

    def spent(before, after):  # noqa: ANN001, ANN202
        return {k: round(sum((b or 0) - (a or 0) for a, b in zip(before[k], after[k],
                                                                  strict=True)), 2)
                for k in before}

    delivered = sum(1 for i in received if i in sent)
    res.update({
        "connected": connected,
        "phones_per_process": dict(sorted(upstreams.items())),
        "connect_ms": {p: round(pct([x for r in results for x in r["connect_ms"]], p) or 0, 1)
                       for p in (50, 99)},
        "join_ms": {p: round(pct([x for r in results for x in r["join_ms"]], p) or 0, 1)
                    for p in (50, 99)},
        "sent": len(sent), "acked": len(acks), "delivered": delivered,
        "lost": phones - delivered, "duplicates": dupes,
        "p2p_ms": {p: None if not p2p else round(pct(p2p, p), 1) for p in (50, 95, 99)}
        | {"max": round(max(p2p), 1) if p2p else None},
        "p2p_p99_by_process": {where: round(pct(xs, 99), 1) if xs else None
                               for where, xs in split.items()},
        "ack_ms": {p: None if not acks else round(pct(list(acks.values()), p), 1)
                   for p in (50, 95, 99)},
        "cpu_connect_s": spent(cpu, cpu_connected),
        "cpu_notes_s": spent(cpu_connected, cpu_end),
        "cpu_notes_each_s": [round((b or 0) - (a or 0), 1) for a, b in
                             zip(cpu_connected["serve"], cpu_end["serve"], strict=True)],
        "rss_mb": {k: [round(x or 0) for x in v] for k, v in rss.items()},
        "machine_busy_notes_s": None if busy0 is None or busy1 is None
        else round(busy1 - busy0, 2),
        "projector_client_cpu_s": round(own1 - own0, 2),
        "client_cpu_notes_s": round(sum(r["client_cpu_s"] for r in results), 2),
        "client_lag_ms": {"projector_p99": round(pct(lag.lags, 99) * 1000, 1)
                          if lag.lags else None,
                          "phones_p99": round(pct(worker_lags, 99), 1) if worker_lags else None,
                          "phones_max": round(max(worker_lags), 1) if worker_lags else None},
    })
    res["errors"] = dict(res["errors"])
    return res


def print_table(results: list[dict]) -> None:
    rows = [
        ("phones connected", lambda r: f"{r['connected']}/{r['phones']}"),
        ("phones per process", lambda r: " ".join(str(v) for v in
                                                  r["phones_per_process"].values())),
        ("connect+join all (s)", lambda r: fmt(r["connect_all_s"])),
        ("join p50/p99 (ms)", lambda r: f"{fmt(r['join_ms'][50])} / {fmt(r['join_ms'][99])}"),
        ("notes sent / acked", lambda r: f"{r['sent']} / {r['acked']}"),
        ("delivered to projector", lambda r: f"{r['delivered']}/{r['phones']}"),
        ("lost / duplicates", lambda r: f"{r['lost']} / {r['duplicates']}"),
        ("phone->projector p50 (ms)", lambda r: fmt(r["p2p_ms"][50])),
        ("phone->projector p95 (ms)", lambda r: fmt(r["p2p_ms"][95])),
        ("phone->projector p99 (ms)", lambda r: fmt(r["p2p_ms"][99])),
        ("phone->projector max (ms)", lambda r: fmt(r["p2p_ms"]["max"])),
        ("p99, phones with/away from proj.", lambda r:
         f"{fmt(r['p2p_p99_by_process']['same'])} / {fmt(r['p2p_p99_by_process']['other'])}"),
        ("ack p50/p99 (ms)", lambda r: f"{fmt(r['ack_ms'][50])} / {fmt(r['ack_ms'][99])}"),
        ("serve CPU, connecting (s)", lambda r: fmt(r["cpu_connect_s"].get("serve"))),
        ("serve CPU, notes (s)", lambda r: fmt(r["cpu_notes_s"].get("serve"))),
        ("serve CPU each, notes (s)", lambda r: " ".join(
            fmt(x) for x in r["cpu_notes_each_s"])),
        ("batches free/locked/refused", lambda r: " ".join(
            "/".join(str((h.get("batches") or {}).get(k, "-"))
                     for k in ("lock_free", "locked", "conflicts"))
            for h in r.get("health") or [{}])),
        ("nginx CPU, notes (s)", lambda r: fmt(r["cpu_notes_s"].get("nginx"))),
        ("machine busy, notes (s)", lambda r: fmt(r["machine_busy_notes_s"])),
        ("clients' CPU, notes (s)", lambda r: fmt(r["client_cpu_notes_s"])),
        ("serve RSS each (MB)", lambda r: " ".join(str(x) for x in r["rss_mb"]["serve"])),
        ("client lag p99 phones/proj (ms)",
         lambda r: f"{fmt(r['client_lag_ms']['phones_p99'])} / "
         f"{fmt(r['client_lag_ms']['projector_p99'])}"),
    ]
    print_rows(results, rows, 32, 24)


def summary(r: dict) -> str:
    if "failed" in r:
        return f"{r['target']}: FAILED ({r['failed'].splitlines()[0][:120]})"
    p = r["p2p_ms"]
    return (f"{r['target']} ({r['phones']} phones): delivered {r['delivered']}/{r['phones']} "
            f"lost {r['lost']} | p2p p50 {fmt(p[50])} p95 {fmt(p[95])} p99 {fmt(p[99])} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cluster benchmark (see the module's doc).")
    parser.add_argument("--phones", type=int, default=5000, help="phones on the cluster")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--grace", type=float, default=15.0)
    parser.add_argument("--client-procs", type=int, default=2,
                        help="worker processes holding the phones (2)")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--nginx-workers", default="1")
    parser.add_argument("--room", choices=["spread", "workshops"], default="spread",
                        help="cluster: one workshop spread over every process (--spread P), "
                             "or P workshops, one per process")
    parser.add_argument("--only", choices=["cluster", "single", "baseline"], action="append")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        spec = json.loads(sys.stdin.readline())
        out = asyncio.run(worker_main(spec))
        print(json.dumps(out, default=str), flush=True)
        return 0

    from facilitator.deploy.cluster import raise_open_files_limit
    from facilitator.localservers import Postgres, Redis

    limit = raise_open_files_limit()
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-bench-cluster-"))
    workdir.chmod(0o755)
    per_process = args.phones // args.processes
    targets = args.only or ["cluster", "single", "baseline"]
    results = []
    print(f"# open files limit {limit}; {os.cpu_count()} CPUs; work dir {workdir}", flush=True)
    with Postgres(workdir / "pg", shared_buffers="128MB") as pg, Redis(workdir / "redis") as rd:
        for target in targets:
            phones = args.phones if target == "cluster" else per_process
            print(f"# {target}: {phones} phones, notes over {args.window:g} s ...", flush=True)
            try:
                results.append(asyncio.run(run_target(target, phones, args, workdir, pg,
                                                      rd.url)))
            except Exception as exc:
                results.append({"target": target, "failed": f"{type(exc).__name__}: {exc}"})
    print()
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps({"params": vars(args), "cpus": os.cpu_count(),
                                               "results": results}, indent=2, default=str))
    print(" || ".join(summary(r) for r in results), flush=True)
    failed = any("failed" in r for r in results)
    if failed or os.environ.get("BENCH_KEEP"):
        print(f"logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    bad = [r for r in results if r["target"] != "baseline" and ("failed" in r or r["lost"])]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
