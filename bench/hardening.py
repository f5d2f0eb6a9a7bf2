"""The hardening figures (issue 14), measured on a live server (`facilitator serve`, eventlet):

- posts a second one participant gets through, on one connection and reconnecting every 20
  posts (the limit belongs to the participant, so both should be the same);
- joins a second from one address, and how long 1,000 phones behind one address take to join
  (each phone sends its join again when told to wait, as the pages' outbox does);
- the server's peak memory (VmHWM) and /healthz's worst answer time while 4 worst-case photos
  arrive at once: 7000x7000 PNGs of 46 KB (refused from the header now) and, separately, the
  largest photos still accepted (5000x5000, 25 M pixels, decoded two at a time);
- with --with-tests, the chaos and fuzz tests' counts (they print them).

    python bench/hardening.py [--seconds 4] [--joins 1000] [--with-tests]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sioclient import ConnectError, SioClient  # noqa: E402

HOST = "127.0.0.1"
PLAN = {"title": "Hardening bench", "stages": [
    {"kind": "notes", "title": "S", "prompt": "P", "options": {"max_per_person": 200}}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = workdir / "server.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", HOST, "--port",
             str(self.port), "--db", str(workdir / "bench.db"), "--public-url", self.url,
             "--quiet"], cwd=ROOT, env=env, stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.log.read_text()[-2000:])

    def create(self) -> dict:
        req = urllib.request.Request(self.url + "/api/workshops", json.dumps(PLAN).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def memory(self, field: str) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def reset_peak(self) -> None:
        try:  # Linux: writing 5 to clear_refs resets VmHWM to the current RSS
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            pass

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def connect(server: Server, auth: dict) -> SioClient:
    while True:
        client = SioClient(HOST, server.port, None)
        try:
            await client.connect(auth, timeout=10)
            return client
        except ConnectError as exc:
            await client.close()
            if "refused" in str(exc):
                await asyncio.sleep(0.5)
                continue
            raise


async def start_workshop(server: Server) -> dict:
    w = server.create()
    console = await connect(server, {"role": "console", "key": w["console_key"]})
    assert (await console.call("start", {}))["ok"]
    await console.close()
    return w


async def posts_per_second(server: Server, seconds: float, reconnect_every: int | None) -> float:
    w = await start_workshop(server)
    token = f"bench-token-{reconnect_every}-0123456789"
    auth = {"role": "phone", "code": w["code"], "token": token}
    phone = await connect(server, auth)
    assert (await phone.call("join", {"client_id": "j", "token": token}))["ok"]
    ok = sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ack = await phone.call("post_note", {"client_id": f"n{sent}", "text": f"note {sent}"})
        sent += 1
        ok += bool(ack.get("ok"))
        if reconnect_every and sent % reconnect_every == 0:
            await phone.close()
            phone = await connect(server, auth)
    await phone.close()
    return ok / seconds


async def joins(server: Server, n: int) -> dict:
    w = await start_workshop(server)
    joined_at: list[float] = []
    start = time.monotonic()
    gate = asyncio.Semaphore(100)

    async def one(i: int) -> None:
        async with gate:
            phone = await connect(server, {"role": "phone", "code": w["code"]})
            payload = {"client_id": f"j{i}", "token": f"join-bench-{i:05d}-0123456789"}
            while True:
                ack = await phone.call("join", payload, timeout=60)
                if ack.get("ok"):
                    joined_at.append(time.monotonic() - start)
                    break
                await asyncio.sleep(ack["retry_after"])
            await phone.close()

    await asyncio.gather(*(one(i) for i in range(n)))
    joined_at.sort()
    return {"total_s": joined_at[-1], "first_second": sum(t <= 1.0 for t in joined_at),
            "sustained_per_s": (n - sum(t <= 1.0 for t in joined_at))
            / max(joined_at[-1] - 1.0, 1e-9)}


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def multipart(fields: dict[str, str], data: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary7d1"
    out = b""
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                ).encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; "
            f"filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + data
    out += f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def photos(server: Server, image: bytes) -> dict:
    async def tokens() -> tuple[str, list[str]]:
        w = await start_workshop(server)
        out = []
        for i in range(4):
            token = f"photo-bench-{time.time_ns()}-{i}"
            phone = await connect(server, {"role": "phone", "code": w["code"]})
            assert (await phone.call("join", {"client_id": f"j{i}", "token": token}))["ok"]
            await phone.close()
            out.append(token)
        return w["code"], out

    code, toks = asyncio.run(tokens())
    before = server.memory("VmRSS")
    server.reset_peak()
    answers: list[str] = []
    worst = [0.0]
    done = threading.Event()

    def upload(token: str) -> None:
        body, ctype = multipart({"token": token, "client_id": token}, image)
        req = urllib.request.Request(f"{server.url}/photos/{code}", body,
                                     {"Content-Type": ctype})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                answers.append(json.loads(r.read()).get("error") or "ok")
        except urllib.error.HTTPError as exc:
            answers.append(json.loads(exc.read()).get("error", ""))

    def probe() -> None:
        while not done.is_set():
            t = time.perf_counter()
            with urllib.request.urlopen(server.url + "/healthz", timeout=30):
                pass
            worst[0] = max(worst[0], time.perf_counter() - t)
            time.sleep(0.02)

    prober = threading.Thread(target=probe)
    prober.start()
    start = time.perf_counter()
    threads = [threading.Thread(target=upload, args=(t,)) for t in toks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    done.set()
    prober.join()
    return {"rss_before_mb": before, "peak_mb": server.memory("VmHWM"), "seconds": took,
            "healthz_worst_s": worst[0], "answers": sorted(set(a[:70] for a in answers))}


def test_counts() -> list[str]:
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                          "tests/live/test_chaos.py", "tests/live/test_fuzz.py"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    return [line for line in out.stdout.splitlines()
            if line.lstrip(".").startswith(("chaos:", "fuzz:"))] + [out.stdout.splitlines()[-1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--joins", type=int, default=1000)
    parser.add_argument("--with-tests", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        try:
            one = asyncio.run(posts_per_second(server, args.seconds, None))
            again = asyncio.run(posts_per_second(server, args.seconds, 20))
            print(f"posts/s, one participant, {args.seconds:g} s: one connection {one:.1f}; "
                  f"reconnecting every 20 posts {again:.1f}")
            j = asyncio.run(joins(server, args.joins))
            print(f"joins from one address: {args.joins} in {j['total_s']:.1f} s "
                  f"({j['first_second']} in the first second, then "
                  f"{j['sustained_per_s']:.1f}/s)")
            for label, image in (("7000x7000 PNG (49 M px)", png(7000, 7000)),
                                 ("5000x5000 PNG (25 M px, the largest accepted)",
                                  png(5000, 5000))):
                p = photos(server, image)
                print(f"4 photos at once, {label}, {len(image) // 1024} KB each: RSS "
                      f"{p['rss_before_mb']:.0f} MB -> peak {p['peak_mb']:.0f} MB, "
                      f"{p['seconds']:.2f} s, /healthz worst {p['healthz_worst_s']:.3f} s; "
                      f"answers: {p['answers']}")
        finally:
            server.stop()
    if args.with_tests:
        for line in test_counts():
            print(line.lstrip("."))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
