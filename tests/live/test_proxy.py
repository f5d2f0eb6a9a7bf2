"""nginx in front of `facilitator serve` (facilitator/deploy/nginx.py): the generated
configuration, run by Debian's nginx, routes by workshop, fails over, forwards the phone's
address, and carries Socket.IO over long-polling and WebSocket."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import socketio

from facilitator.deploy.nginx import Nginx, ProxySettings, render_config, worker_user
from facilitator.realtime.limits import client_address
from tests.conftest import LiveServer, free_port, unbatched


class Echo(BaseHTTPRequestHandler):
    """An upstream that answers with its own port, the path and the headers it got."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"port": self.server.server_address[1], "path": self.path,
                           "headers": dict(self.headers), "length": length}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echoes() -> Iterator[list[ThreadingHTTPServer]]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Echo) for _ in range(3)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield servers
    for s in servers:
        s.shutdown()
        s.server_close()


def proxy(tmp_path: Path, upstreams: list[tuple[str, int]]) -> Nginx:
    settings = ProxySettings(listen=f"127.0.0.1:{free_port()}", user=worker_user())
    return Nginx(tmp_path / "nginx", upstreams, settings).start()


def get(nginx: Nginx, path: str, source: str = "127.0.0.1",
        headers: dict[str, str] | None = None, body: bytes | None = None) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10,
                                      source_address=(source, 0))
    try:
        conn.request("POST" if body else "GET", path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 200, (resp.status, data[:300], nginx.error_tail())
        out = json.loads(data)
        out["upstream_header"] = resp.getheader("X-Facilitator-Upstream")
        return out
    finally:
        conn.close()


def test_config_names_every_process_and_keeps_files_in_its_directory(tmp_path: Path) -> None:
    conf = render_config(tmp_path, [("127.0.0.1", 5001), ("10.0.0.2", 5002)],
                         ProxySettings(listen="8080"))
    assert "hash $route_key consistent;" in conf
    assert "server 127.0.0.1:5001 max_fails=1 fail_timeout=5s;" in conf
    assert "server 10.0.0.2:5002 max_fails=1 fail_timeout=5s;" in conf
    assert "proxy_buffering off;" in conf and "proxy_http_version 1.1;" in conf
    for line in conf.splitlines():  # every path nginx writes is under the directory given
        if line.strip().split(" ")[0].endswith(("_path", "pid", "error_log", "access_log")) \
                and "off;" not in line:
            assert str(tmp_path) in line, line
    with pytest.raises(ValueError):
        render_config(tmp_path, [])


def test_routes_by_workshop_fails_over_and_forwards_the_phones_address(
        tmp_path: Path, echoes: list[ThreadingHTTPServer]) -> None:
    nginx = proxy(tmp_path, [("127.0.0.1", s.server_address[1]) for s in echoes])
    try:
        # one workshop's Socket.IO requests all reach one process; workshops spread out
        routes = [f"W{i:03d}" for i in range(40)]
        where = {r: get(nginx, f"/socket.io/?EIO=4&transport=polling&route={r}")["port"]
                 for r in routes}
        for r in routes[:10]:
            assert get(nginx, f"/socket.io/?EIO=4&transport=polling&route={r}&t=x")["port"] \
                == where[r]
        assert len(set(where.values())) == 3
        # its join page hashes the same way as its sockets
        assert get(nginx, f"/j/{routes[0]}")["port"] == where[routes[0]]
        # the app's --trusted-proxies 1 reads the phone's address, not one the phone wrote
        seen = get(nginx, "/socket.io/?route=W000", source="127.0.0.2",
                   headers={"X-Forwarded-For": "6.6.6.6"})
        environ = {"REMOTE_ADDR": "127.0.0.1",
                   "HTTP_X_FORWARDED_FOR": seen["headers"]["X-Forwarded-For"]}
        assert client_address(environ, 1) == "127.0.0.2"
        # a photo-sized body passes
        assert get(nginx, "/upload", body=b"x" * (7 << 20))["length"] == 7 << 20
        # a process dies: its workshops' requests go to the others, the rest stay put
        dead = echoes[0]
        dead_port = dead.server_address[1]
        dead.shutdown()
        dead.server_close()
        moved = {r: get(nginx, f"/socket.io/?route={r}")["port"] for r in routes}
        for r in routes:
            if where[r] == dead_port:
                assert moved[r] != dead_port
            else:
                assert moved[r] == where[r], r
        assert get(nginx, f"/socket.io/?route={routes[0]}")["upstream_header"]
    finally:
        nginx.stop()


class Recorder:
    """A python-socketio client through the proxy, on one transport, recording events."""

    def __init__(self, url: str, auth: dict, route: str, transport: str) -> None:
        self.events: list[tuple[str, object]] = []
        self.got = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", unbatched(self._on))
        self.sio.connect(f"{url}?route={route}", auth=auth, transports=[transport],
                         wait_timeout=10)
        assert self.sio.transport() == transport

    def _on(self, event: str, data: object = None) -> None:
        with self.got:
            self.events.append((event, data))
            self.got.notify_all()

    def wait_note(self, text: str, timeout: float = 10) -> None:
        def seen() -> bool:
            return any(e == "note" and (d or {}).get("note", {}).get("text") == text
                       for e, d in self.events)
        with self.got:
            assert self.got.wait_for(seen, timeout), f"{text!r} not received: {self.events}"

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, {"client_id": uuid.uuid4().hex, **payload}, timeout=10)


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_socketio_through_the_proxy(tmp_path: Path, transport: str) -> None:
    server = LiveServer(tmp_path / "live.db", tmp_path / "server.log").start()
    nginx = proxy(tmp_path, [("127.0.0.1", server.port)])
    url = nginx.url
    clients: list[Recorder] = []
    try:
        w = requests.post(f"{url}/api/workshops",
                          json={"title": "Proxy", "stages": [{"kind": "notes", "prompt": "P"}]},
                          timeout=10).json()
        route = w["code"]
        page = requests.get(f"{url}/j/{route}", timeout=10)
        assert page.status_code == 200 and page.headers["X-Facilitator-Upstream"]
        console = Recorder(url, {"role": "console", "key": w["console_key"]}, route, transport)
        screen = Recorder(url, {"role": "screen", "key": w["screen_key"]}, route, transport)
        phone = Recorder(url, {"role": "phone", "code": w["code"]}, route, transport)
        clients += [console, screen, phone]
        assert console.call("start", {})["ok"]
        assert phone.call("join", {"token": f"proxy-{transport}-device-0123456789"})["ok"]
        text = f"Through nginx by {transport}"
        assert phone.call("post_note", {"text": text})["ok"]
        screen.wait_note(text)
        phone.wait_note(text)
    finally:
        for c in clients:
            c.sio.disconnect()
        nginx.stop()
        server.stop()
    assert "Traceback" not in server.log.read_text()


def test_settings_are_carried_into_the_config(tmp_path: Path) -> None:
    settings = replace(ProxySettings(), worker_processes="auto", access_log=False,
                       fail_timeout_s=2)
    conf = render_config(tmp_path, [("127.0.0.1", 1)], settings)
    assert "worker_processes auto;" in conf and "access_log off;" in conf
    assert "fail_timeout=2s" in conf
