"""`facilitator migrate`: workshops copied SQLite -> PostgreSQL -> SQLite, verified event by
event, equal to the original at the end; refusals; and the other commands on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from facilitator.cli import main
from facilitator.export import render
from facilitator.service import Service
from facilitator.store import SqliteStore, open_store
from facilitator.store.migrate import MigrateError, verify
from tests.store.workshop import PLAN, run_workshop


def everything(store, row) -> tuple:  # type: ignore[no-untyped-def]
    return (store.find(id=row.id), store.events(row.id), store.devices(row.id),
            store.files(row.id))


@pytest.fixture
def original(tmp_path: Path):
    path = tmp_path / "original.db"
    service = Service(SqliteStore(path))
    rows = [run_workshop(service, "Street evening"), run_workshop(service, "Café evening")]
    service.store.close()
    return path, rows


def test_a_round_trip_through_postgres_gives_back_the_same_workshops(
        original, tmp_path: Path, fresh_postgres_url, capsys):
    path, rows = original
    assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url]) == 0
    out = capsys.readouterr().out
    assert f"copied {rows[0].code} (Street evening): " in out
    assert "verified event by event" in out and "copied and verified 2 workshops" in out
    back = tmp_path / "back.db"
    assert main(["migrate", "--from", fresh_postgres_url, "--to", str(back)]) == 0
    source, pg, again = SqliteStore(path), open_store(fresh_postgres_url), SqliteStore(back)
    try:
        for row in rows:
            first = everything(source, row)
            assert first[1][-1].type == "workshop_ended" and len(first[1]) > 20
            assert first[2] and first[3]  # devices and a photo came along
            assert everything(pg, row) == first
            assert everything(again, row) == first
            # the harvest reads the same from every copy
            for store in (pg, again):
                assert render("md", row, store.events(row.id),
                              lambda fid, s=store, r=row: s.get_file(r.id, fid)).body == render(
                    "md", row, source.events(row.id),
                    lambda fid, r=row: source.get_file(r.id, fid)).body
        # a workshop copied to PostgreSQL runs on there: phones resend, joins are known
        service = Service(pg)
        live = service.live(rows[0].id)
        assert live.state == Service(source).live(rows[0].id).state
        assert service.participant_for_token(rows[0].id, "device-token-00000000")
    finally:
        source.close()
        pg.close()
        again.close()


def test_a_workshop_already_in_the_target_is_refused_unless_skipped(
        original, fresh_postgres_url, capsys):
    path, rows = original
    assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url,
                 "--code", rows[0].code.lower()]) == 0
    capsys.readouterr()
    assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url]) == 1
    err = capsys.readouterr().err
    assert f"The target already has the workshop(s) {rows[0].code}; nothing was copied." in err
    pg = open_store(fresh_postgres_url)
    try:
        assert [r.id for r in pg.workshops()] == [rows[0].id]  # the refusal copied nothing
        assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url,
                     "--skip-existing"]) == 0
        out = capsys.readouterr().out
        assert f"skipped {rows[0].code}" in out and f"copied {rows[1].code}" in out
        assert sorted(r.id for r in pg.workshops()) == sorted(r.id for r in rows)
    finally:
        pg.close()


def test_migrate_says_what_is_wrong(original, tmp_path: Path, capsys):
    path, _rows = original
    assert main(["migrate", "--from", str(tmp_path / "none.db"), "--to", "x.db"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert main(["migrate", "--from", str(path), "--to", str(path)]) == 2
    assert "the same database" in capsys.readouterr().err
    assert main(["migrate", "--from", str(path), "--to", str(tmp_path / "n.db"),
                 "--code", "NOSUCH"]) == 1
    assert "no workshop with the code NOSUCH" in capsys.readouterr().err


def test_verification_finds_a_changed_event(original, fresh_postgres_url):
    path, rows = original
    assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url]) == 0
    with psycopg.connect(fresh_postgres_url) as conn:
        conn.execute("UPDATE events SET data = replace(data, 'trees', 'bushes') "
                     "WHERE workshop_id = %s", (rows[0].id,))
    source, pg = SqliteStore(path), open_store(fresh_postgres_url)
    try:
        with pytest.raises(MigrateError, match="differs in its data"):
            verify(source, pg, rows[0])
        assert verify(source, pg, rows[1]).events == len(source.events(rows[1].id))
    finally:
        source.close()
        pg.close()


def test_the_other_commands_work_on_postgres(original, fresh_postgres_url, tmp_path: Path,
                                             capsys):
    path, rows = original
    assert main(["migrate", "--from", str(path), "--to", fresh_postgres_url]) == 0
    capsys.readouterr()
    assert main(["list", "--db", fresh_postgres_url, "--public-url", "http://x.test"]) == 0
    assert rows[0].code in capsys.readouterr().out
    out = tmp_path / "harvest.md"
    assert main(["export", "--db", fresh_postgres_url, rows[0].code, "-o", str(out)]) == 0
    assert "Safer crossings" in out.read_text()
    assert main(["backup", "--db", fresh_postgres_url, str(tmp_path / "b.db")]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["delete", "--db", fresh_postgres_url, rows[1].code, "--yes"]) == 0
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    assert main(["new", str(plan), "--db", fresh_postgres_url,
                 "--public-url", "http://x.test"]) == 0
    assert "Neighbourhood evening" in capsys.readouterr().out
    pg = open_store(fresh_postgres_url)
    try:
        assert [r.title for r in pg.workshops()] == ["Street evening", "Neighbourhood evening"]
    finally:
        pg.close()
