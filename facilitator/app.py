"""The application factory: wires settings, the store, the service, routes and Socket.IO."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from facilitator import i18n
from facilitator.config import DEFAULTS, ROOT, from_env
from facilitator.service import Service
from facilitator.store import open_store


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Nothing happens at import time; tests call this per test."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    app.config.update(DEFAULTS)
    app.config.update(from_env())
    app.config.update(config or {})
    from facilitator.photos import MAX_BYTES as MAX_PHOTO_BYTES

    # the largest body any route takes: a photo (each route checks its own, smaller limit)
    app.config["MAX_CONTENT_LENGTH"] = max(app.config["MAX_UPLOAD_BYTES"], MAX_PHOTO_BYTES
                                           + 64 * 1024)
    if not app.config["DATABASE"]:  # a SQLite file, or a postgresql:// URL
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE"] = str(Path(app.instance_path) / "facilitator.db")

    app.jinja_env.add_extension("jinja2.ext.i18n")
    # the templates' _() and ngettext() speak the current language (facilitator/i18n.py)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n._, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    # a counted message for the pages' JavaScript: {CLDR category: form} (static/js/common.js)
    app.jinja_env.globals["plural_forms"] = i18n.plural_forms

    service = Service(open_store(app.config["DATABASE"],
                                 synchronous=app.config["SQLITE_SYNCHRONOUS"],
                                 pool_size=app.config["PG_POOL_SIZE"]))
    app.extensions["facilitator"] = service

    from facilitator.realtime.wire import SafeJSON, SafePacket

    # SafePacket/SafeJSON: depth and number limits before the JSON decoder, so that every
    # message can be answered (facilitator/realtime/wire.py)
    # REDIS_URL: emits reach the sockets of every process through Redis (the message
    # queue); limits and presence are shared there too (facilitator/realtime/scale.py)
    socketio = SocketIO(app, async_mode=app.config["ASYNC_MODE"],
                        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
                        ping_interval=25, ping_timeout=20, serializer=SafePacket,
                        json=SafeJSON, message_queue=app.config["REDIS_URL"] or None,
                        channel="facilitator")
    app.extensions["facilitator.socketio"] = socketio

    from facilitator.realtime import register_handlers
    from facilitator.web import bp, language
    from facilitator.web.assets import bp as assets_bp
    from facilitator.web.printables import bp as print_bp

    register_handlers(socketio, service, app)
    language.init_app(app)  # each request speaks its reader's language
    app.register_blueprint(bp)
    app.register_blueprint(assets_bp)  # the asset map's exports and a person's own delete
    app.register_blueprint(print_bp)  # printables for the room: poster, table tents, cards

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self' ws: wss:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")
        return response

    return app


def get_socketio(app: Flask) -> SocketIO:
    return app.extensions["facilitator.socketio"]


def get_service(app: Flask) -> Service:
    return app.extensions["facilitator"]
