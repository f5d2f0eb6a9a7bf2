"""The ``facilitator`` command: serve, new, export, list, delete, backup, migrate, cluster.

Nothing heavy is imported at module level: ``serve`` must monkey-patch eventlet before
Flask, Socket.IO or the store are imported.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

DEFAULT_PORT = 5000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facilitator", description=(
        "Run live, in-room participatory workshops: phones join by QR code, "
        "the projector aggregates live."))
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", default=os.environ.get("FACILITATOR_DB"),
                       help="SQLite file or postgresql:// URL (default: "
                            "instance/facilitator.db; env FACILITATOR_DB)")
        p.add_argument("--public-url", default=os.environ.get("FACILITATOR_PUBLIC_URL"),
                       help="address phones use, e.g. http://192.168.1.20:5000 "
                            "(env FACILITATOR_PUBLIC_URL; default: this machine's LAN address)")
        p.add_argument("--port", type=int, default=int(os.environ.get("FACILITATOR_PORT",
                                                                      DEFAULT_PORT)))

    serve = sub.add_parser("serve", help="start the server")
    common(serve)
    serve.add_argument("--host", default=os.environ.get("FACILITATOR_HOST", "0.0.0.0"),
                       help="interface to listen on (default 0.0.0.0: every network)")
    serve.add_argument("--async-mode", choices=["eventlet", "gevent", "threading"],
                       default=os.environ.get("FACILITATOR_ASYNC_MODE", "eventlet"))
    serve.add_argument("--max-connections", type=int, default=5000,
                       help="most simultaneous connections (eventlet's default is 1,024)")
    serve.add_argument("--plan", help="also create a workshop from this plan at start")
    serve.add_argument("--quiet", action="store_true", help="no QR code in the terminal")
    serve.add_argument("--retention-days", type=float,
                       default=os.environ.get("FACILITATOR_RETENTION_DAYS") or None,
                       help="delete workshops this many days after they end (default: keep "
                            "them; env FACILITATOR_RETENTION_DAYS); the console says so")
    serve.add_argument("--trusted-proxies", type=int,
                       default=int(os.environ.get("FACILITATOR_TRUSTED_PROXIES", 0)),
                       help="proxies in front of this server that append X-Forwarded-For "
                            "(default 0: the header is ignored; see docs/operations.md)")
    serve.add_argument("--passphrase-file", metavar="PATH",
                       default=os.environ.get("FACILITATOR_PASSPHRASE_FILE"),
                       help="a shared server: creating a workshop needs the passphrase held in "
                            "this file (env FACILITATOR_PASSPHRASE_FILE, or the passphrase "
                            "itself in FACILITATOR_PASSPHRASE); joining still needs only the "
                            "code. See docs/operations.md")

    serve.add_argument("--redis", default=os.environ.get("FACILITATOR_REDIS") or None,
                       metavar="URL",
                       help="a Redis server shared with other `facilitator serve` processes "
                            "of the same database, e.g. redis://127.0.0.1:6379/0: their "
                            "sockets get each other's updates, and rate limits and presence "
                            "are shared (env FACILITATOR_REDIS; docs/architecture.md)")
    serve.add_argument("--spread", type=_positive,
                       default=int(os.environ.get("FACILITATOR_SPREAD") or 1),
                       help="spread each workshop's sockets over N routing keys, for a proxy "
                            "that hashes on them: a room bigger than one process (default 1; "
                            "env FACILITATOR_SPREAD)")

    new = sub.add_parser("new", help="create a workshop from a plan and print its links")
    common(new)
    new.add_argument("plan", help="a plan file, e.g. sessions/notes-wall.yaml")

    export = sub.add_parser("export", help="export a workshop's harvest")
    common(export)
    export.add_argument("code", help="the workshop's join code")
    export.add_argument("--format", choices=["json", "csv", "md", "html"], default="md")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.add_argument("--anonymise", action="store_true",
                        help="names replaced by labels (Participant 1...), contacts left out")

    lst = sub.add_parser("list", help="list the workshops in the database")
    common(lst)

    backup = sub.add_parser("backup", help="copy the database to a new file, safely while the "
                                           "server runs (SQLite's online backup)")
    backup.add_argument("--db", default=os.environ.get("FACILITATOR_DB"),
                        help="SQLite file (default: instance/facilitator.db; env FACILITATOR_DB)")
    backup.add_argument("path", help="the new file to write")

    cluster = sub.add_parser("cluster", help="a local trial deployment: PostgreSQL, Redis, "
                                              "several serve processes and nginx in front "
                                              "(docs/deploy.md)")
    cluster.add_argument("--processes", type=int, default=2, help="serve processes (2)")
    cluster.add_argument("--port", type=int, default=8080, help="the proxy's port (8080)")
    cluster.add_argument("--host", default="0.0.0.0",
                         help="interface the proxy listens on (default 0.0.0.0: every network)")
    cluster.add_argument("--dir", help="directory for the data, logs and configuration "
                                       "(default: a new one under /tmp, kept)")
    cluster.add_argument("--public-url", default=os.environ.get("FACILITATOR_PUBLIC_URL"),
                         help="address phones use (default: this machine's LAN address)")
    cluster.add_argument("--spread", type=int, default=1,
                         help="spread each workshop's phones over this many processes")
    cluster.add_argument("--db", help="a PostgreSQL URL to use instead of starting one")
    cluster.add_argument("--redis", help="a Redis URL to use instead of starting one")
    cluster.add_argument("--plan", help="also create a workshop from this plan")

    delete = sub.add_parser("delete", help="delete a workshop and everything in it")
    common(delete)
    delete.add_argument("code")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    migrate = sub.add_parser("migrate", help="copy workshops from one database to another "
                                             "(SQLite to PostgreSQL or back), verified")
    migrate.add_argument("--from", dest="source", required=True,
                         help="the database to copy from: a SQLite file or postgresql:// URL")
    migrate.add_argument("--to", dest="target", required=True,
                         help="the database to copy into (a SQLite file is created if new)")
    migrate.add_argument("--code", action="append", default=[],
                         help="copy only this workshop (join code); may be given again")
    migrate.add_argument("--skip-existing", action="store_true",
                         help="leave workshops the target has already, copy the others")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve" and args.async_mode == "eventlet":
        import warnings

        # eventlet is the product's chosen server (docs/architecture.md); its deprecation
        # notice is for developers, not for a facilitator starting a workshop
        warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif args.command == "serve" and args.async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    return {"serve": serve, "new": new, "export": export, "list": list_workshops,
            "delete": delete, "backup": backup, "migrate": migrate,
            "cluster": cluster}[args.command](args)


def _app(args: argparse.Namespace, public_url: str | None, async_mode: str = "threading"):
    from facilitator.app import create_app

    config = {"PUBLIC_URL": public_url, "ASYNC_MODE": async_mode}
    if getattr(args, "redis", None):
        config["REDIS_URL"] = args.redis
    if getattr(args, "spread", None):
        config["SPREAD"] = args.spread
    if getattr(args, "retention_days", None):
        config["RETENTION_DAYS"] = float(args.retention_days)
    if getattr(args, "trusted_proxies", None) is not None:
        config["TRUSTED_PROXIES"] = args.trusted_proxies
    if args.db:
        config["DATABASE"] = _db_target(args.db)
    if getattr(args, "passphrase_file", None):
        from facilitator.config import read_passphrase_file

        config["CREATE_PASSPHRASE"] = read_passphrase_file(args.passphrase_file)
    return create_app(config)


def _db_target(db: str) -> str:
    """A --db value as the DATABASE setting: a postgresql:// URL as given, a file resolved."""
    from facilitator.store import is_postgres_url

    return db if is_postgres_url(db) else str(Path(db).resolve())


def _redacted(url: str) -> str:
    """A URL without its password, for the log."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def _public_url(args: argparse.Namespace, host: str = "0.0.0.0") -> tuple[str, str]:
    from facilitator.config import choose_public_url

    return choose_public_url(args.public_url, host, args.port)


def _print_links(row, base: str, draw_qr: bool = True) -> None:  # type: ignore[no-untyped-def]
    from facilitator.web import links

    urls = links(row, base)
    print(f"\n  {row.title}  (join code {row.code})")
    print(f"  Console (keep private): {urls['console_url']}")
    print(f"  Projector screen:       {urls['projector_url']}")
    print(f"  Join (phones):          {urls['join_url']}")
    if draw_qr:
        import qrcode

        qr = qrcode.QRCode(border=1)
        qr.add_data(urls["join_url"])
        qr.print_ascii(out=sys.stdout, invert=True)


def serve(args: argparse.Namespace) -> int:
    base, why = _public_url(args, args.host)
    try:
        app = _app(args, base, args.async_mode)
    except (ValueError, RuntimeError) as exc:  # the passphrase file, the secret key's folder
        print(f"facilitator: {exc}", file=sys.stderr)
        return 2
    from facilitator.app import get_service, get_socketio

    service = get_service(app)
    from facilitator.store import is_postgres_url

    database = app.config["DATABASE"]
    if is_postgres_url(database):  # never print its password
        from facilitator.store.postgres import redact

        database = f"PostgreSQL {redact(database)}"
    print(f"facilitator: database {database}")
    if app.config.get("REDIS_URL"):
        print("facilitator: sharing workshops with other processes through Redis "
              f"({_redacted(app.config['REDIS_URL'])}); sockets spread over "
              f"{app.config['SPREAD']} routing key(s) per workshop")
        if not service.shared:
            print("facilitator: note: a SQLite file belongs to one process; for several "
                  "processes give them one PostgreSQL database (--db postgresql://...)")
    elif int(app.config["SPREAD"]) > 1:
        print("facilitator: note: --spread needs --redis (and PostgreSQL) to spread a "
              "workshop over several processes; one process serves it whole")
    if app.config["CREATE_PASSPHRASE"]:
        print("facilitator: a shared server: creating a workshop needs the passphrase; "
              "joining needs only the code.")
        if getattr(service.store, "shared", False) and not os.environ.get(
                "FACILITATOR_SECRET_KEY"):
            print("facilitator: with several processes on several machines, give each the "
                  "same FACILITATOR_SECRET_KEY (see docs/operations.md).")
    print(f"facilitator: phones will use {base} ({why}).")
    print("  To change it: --public-url http://ADDRESS:PORT or FACILITATOR_PUBLIC_URL.")
    print(f"  Create a workshop: {base}/")
    if args.plan:
        from facilitator.core.errors import PlanError
        from facilitator.core.plan import parse_plan

        try:
            plan = parse_plan(Path(args.plan).read_bytes())
        except (OSError, PlanError) as exc:
            print(f"facilitator: cannot use {args.plan}: {exc}", file=sys.stderr)
            return 2
        _print_links(service.create_workshop(plan), base, not args.quiet)
    elif rows := service.store.workshops()[-3:]:
        print("  Workshops in this database (newest last; all: `facilitator list`):")
        for i, row in enumerate(rows):
            _print_links(row, base, draw_qr=not args.quiet and i == len(rows) - 1)
    if app.config["RETENTION_DAYS"]:
        days = float(app.config["RETENTION_DAYS"])
        print(f"facilitator: workshops are deleted {days:g} days after they end "
              "(--retention-days).")
        _keep_deleting_expired(service, days)
    sys.stdout.flush()
    # Everything loaded so far (Flask, eventlet, Jinja, the app) lives as long as the process:
    # move it out of the cyclic GC's sight. Without this, full collections scanning it stalled
    # every connection ~200 ms (the benchmark's p99 with 1,000 phones: 56-178 ms; after: 5.5).
    gc.collect()
    gc.freeze()
    # and what the room creates is collected in full when the room is quiet, not in the
    # middle of a burst (facilitator/collector.py)
    from facilitator.blocking import run_in_background
    from facilitator.collector import collect_when_quiet

    collect_when_quiet(lambda: service.activity, time.sleep, run_in_background,
                       prepare=service.prepare)
    if args.async_mode == "eventlet":
        _serve_eventlet(app, args.host, args.port, args.max_connections)
        return 0
    kwargs: dict = {"host": args.host, "port": args.port, "allow_unsafe_werkzeug": True}
    if args.async_mode == "gevent":
        kwargs = {"host": args.host, "port": args.port, "log_output": False}
    get_socketio(app).run(app, **kwargs)
    return 0


def _serve_eventlet(app, host: str, port: int, max_size: int) -> None:  # type: ignore[no-untyped-def]
    """eventlet's WSGI server with TCP_NODELAY on the listening socket (accepted sockets
    inherit it): without it an ack written just after a `note` echo waits ~40 ms for the
    phone's delayed TCP ACK (Nagle), as the benchmark showed."""
    import socket

    import eventlet
    import eventlet.wsgi

    from facilitator.realtime.wire import install_unmask

    install_unmask()

    family, *_rest, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = eventlet.listen(address, family)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=max_size)


RETENTION_CHECK_SECONDS = 3600


def _keep_deleting_expired(service, days: float) -> None:  # type: ignore[no-untyped-def]
    """Delete expired workshops now, then every hour, in the background."""
    import time

    from facilitator.blocking import run_in_background

    def loop() -> None:
        while True:
            try:
                for workshop_id in service.delete_expired(days):
                    print(f"facilitator: deleted workshop {workshop_id} ({days:g} days after "
                          "it ended)", flush=True)
            except Exception as exc:  # the disk: say so and try again later
                print(f"facilitator: could not delete expired workshops: {exc}", flush=True)
            time.sleep(RETENTION_CHECK_SECONDS)

    run_in_background(loop)


def backup(args: argparse.Namespace) -> int:
    from facilitator.config import ROOT
    from facilitator.store import backup as copy
    from facilitator.store import is_postgres_url

    if is_postgres_url(args.db):
        print("facilitator: backup copies a SQLite file; back up a PostgreSQL database with "
              "pg_dump (docs/operations.md).", file=sys.stderr)
        return 2
    source = Path(args.db) if args.db else ROOT / "instance" / "facilitator.db"
    try:
        count = copy(source, args.path)
    except (OSError, FileExistsError) as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # sqlite3.Error: a locked or damaged file
        print(f"facilitator: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"facilitator: copied {count} workshops from {source} to {args.path}")
    return 0


def migrate(args: argparse.Namespace) -> int:
    from facilitator.service import normalise_code
    from facilitator.store import is_postgres_url, open_store
    from facilitator.store.migrate import MigrateError
    from facilitator.store.migrate import migrate as copy
    from facilitator.store.postgres import redact

    def name(target: str) -> str:
        return redact(target) if is_postgres_url(target) else target

    if not is_postgres_url(args.source) and not Path(args.source).is_file():
        print(f"facilitator: there is no database at {args.source}.", file=sys.stderr)
        return 2
    if _db_target(args.source) == _db_target(args.target):
        print("facilitator: --from and --to are the same database.", file=sys.stderr)
        return 2
    try:
        source, target = open_store(_db_target(args.source)), open_store(_db_target(args.target))
    except Exception as exc:  # a URL nobody answers, a file that is not a database
        print(f"facilitator: cannot open the databases: {exc}", file=sys.stderr)
        return 2
    try:
        report = copy(source, target, [normalise_code(c) for c in args.code],
                      args.skip_existing)
    except MigrateError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    finally:
        source.close()
        target.close()
    for row in report.skipped:
        print(f"skipped {row.code} ({row.title}): the target has it already")
    for done in report.copied:
        print(f"copied {done.row.code} ({done.row.title}): {done.events} events, "
              f"{done.devices} devices, {done.files} files; verified event by event")
    print(f"facilitator: copied and verified {len(report.copied)} workshops from "
          f"{name(args.source)} to {name(args.target)}"
          + (f", skipped {len(report.skipped)}" if report.skipped else "") + ".")
    return 0


def new(args: argparse.Namespace) -> int:
    from facilitator.core.errors import PlanError
    from facilitator.core.plan import parse_plan

    try:
        plan = parse_plan(Path(args.plan).read_bytes())
    except OSError as exc:
        print(f"facilitator: cannot read {args.plan}: {exc.strerror}", file=sys.stderr)
        return 2
    except PlanError as exc:
        print(f"facilitator: {args.plan} is not a valid plan: {exc.message}", file=sys.stderr)
        return 2
    base, _why = _public_url(args)
    app = _app(args, base)
    from facilitator.app import get_service

    _print_links(get_service(app).create_workshop(plan), base)
    return 0


def _find(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from facilitator.app import get_service
    from facilitator.service import normalise_code

    service = get_service(_app(args, None))
    row = service.store.find(code=normalise_code(args.code))
    if row is None:
        print(f"facilitator: no workshop with code {args.code}", file=sys.stderr)
    return service, row


def export(args: argparse.Namespace) -> int:
    from facilitator.export import render

    service, row = _find(args)
    if row is None:
        return 1
    out = render(args.format, row, service.store.events(row.id),
                 lambda file_id: service.store.get_file(row.id, file_id),
                 anonymised=args.anonymise)
    if args.output:
        Path(args.output).write_text(out.body, encoding="utf-8")
        print(f"facilitator: wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.body)
    return 0


def list_workshops(args: argparse.Namespace) -> int:
    from facilitator.app import get_service

    base, _why = _public_url(args)
    for row in get_service(_app(args, base)).store.workshops():
        _print_links(row, base, draw_qr=False)
    return 0


def delete(args: argparse.Namespace) -> int:
    service, row = _find(args)
    if row is None:
        return 1
    if not args.yes:
        answer = input(f"Delete '{row.title}' ({row.code}) and everything in it? Type the code: ")
        if answer.strip().upper() != row.code:
            print("Not deleted.")
            return 1
    service.delete_workshop(row.id)
    print(f"Deleted {row.code}.")
    return 0


def cluster(args: argparse.Namespace) -> int:
    """Start the trial deployment, keep its processes running, stop it all on Ctrl-C."""
    import tempfile

    from facilitator.deploy.cluster import Cluster

    if args.dir:
        directory = Path(args.dir)
    else:  # reachable by PostgreSQL's and nginx's unprivileged users when run as root
        directory = Path(tempfile.mkdtemp(prefix="facilitator-cluster-"))
        directory.chmod(0o755)
    trial = Cluster(directory, processes=args.processes, port=args.port, host=args.host,
                    public_url=args.public_url, spread=args.spread, db=args.db,
                    redis=args.redis, say=lambda line: print(line, flush=True))
    try:
        trial.start()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a server that would not start: its own words, no traceback
        print(f"facilitator: the trial deployment did not start: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"facilitator: phones will use {trial.public_url}", flush=True)
        print(f"  Create a workshop: {trial.public_url}/", flush=True)
        print("  A process that stops is started again; Ctrl-C stops everything.", flush=True)
        if args.plan:
            import subprocess

            subprocess.run([sys.executable, "-m", "facilitator", "new", args.plan,
                            "--db", str(trial.db_url), "--public-url", str(trial.public_url)],
                           check=False)
        trial.watch()
    finally:
        trial.stop()
    print(f"facilitator: stopped; data and logs are in {directory}", flush=True)
    return 0
