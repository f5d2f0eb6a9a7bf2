"""The passphrase's settings: the environment, `serve --passphrase-file`, and the secret key
that signs the session cookie, kept in the instance folder when none is given."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from facilitator.config import from_env, instance_secret_key, read_passphrase_file


def test_the_environment_names_the_passphrase_the_key_and_the_slowdown() -> None:
    got = from_env({"FACILITATOR_PASSPHRASE": "otter", "FACILITATOR_SECRET_KEY": "k",
                    "FACILITATOR_PASSPHRASE_BURST": "3",
                    "FACILITATOR_PASSPHRASE_PER_SECOND": "0.5"})
    assert got == {"CREATE_PASSPHRASE": "otter", "SECRET_KEY": "k", "PASSPHRASE_BURST": 3.0,
                   "PASSPHRASE_PER_SECOND": 0.5}
    assert "CREATE_PASSPHRASE" not in from_env({"FACILITATOR_PASSPHRASE": ""})


def test_a_passphrase_file_is_read_without_its_newline(tmp_path: Path) -> None:
    path = tmp_path / "passphrase"
    path.write_text("otter marmalade lantern\n", encoding="utf-8")
    assert read_passphrase_file(path) == "otter marmalade lantern"
    path.write_text("  \n")
    with pytest.raises(ValueError, match="is empty"):
        read_passphrase_file(path)
    with pytest.raises(ValueError, match="cannot read"):
        read_passphrase_file(tmp_path / "missing")
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_passphrase_file(path)


def test_the_secret_key_is_made_once_private_and_then_kept(tmp_path: Path) -> None:
    folder = tmp_path / "instance"
    key = instance_secret_key(folder)
    assert len(key) == 64 and int(key, 16) >= 0  # 256 random bits, as hex
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    assert instance_secret_key(folder) == key  # a restart signs the same cookies
    assert sorted(p.name for p in folder.iterdir()) == ["secret_key"]  # nothing left aside
    assert instance_secret_key(tmp_path / "other") != key


def test_processes_starting_at_once_agree_on_one_key(tmp_path: Path) -> None:
    folder = tmp_path / "instance"
    keys: list[str] = []
    start = threading.Barrier(8)

    def one() -> None:
        start.wait()
        keys.append(instance_secret_key(folder))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert (folder / "secret_key").read_text().strip() == keys[0]


def test_the_app_uses_the_instance_key_only_when_a_passphrase_is_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import facilitator.app as app_module

    folders: list[str] = []
    monkeypatch.setattr(app_module, "instance_secret_key",
                        lambda folder: folders.append(str(folder)) or "from the folder")
    plain = app_module.create_app({"DATABASE": str(tmp_path / "a.db")})
    assert not plain.secret_key and folders == []  # one laptop: nothing changes
    shared = app_module.create_app({"DATABASE": str(tmp_path / "b.db"),
                                    "CREATE_PASSPHRASE": "otter"})
    assert shared.secret_key == "from the folder" and folders == [shared.instance_path]
    given = app_module.create_app({"DATABASE": str(tmp_path / "c.db"),
                                   "CREATE_PASSPHRASE": "otter", "SECRET_KEY": "cluster"})
    assert given.secret_key == "cluster" and len(folders) == 1


def test_a_blank_passphrase_is_refused_at_start(tmp_path: Path) -> None:
    """Blank would open creating to nobody at all: the server says so instead of starting."""
    from facilitator.app import create_app

    with pytest.raises(RuntimeError, match="is blank"):
        create_app({"DATABASE": str(tmp_path / "a.db"), "CREATE_PASSPHRASE": "  "})


def test_serve_reads_the_passphrase_file_and_refuses_an_empty_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from facilitator import cli

    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "k")
    path = tmp_path / "passphrase"
    path.write_text("otter\n")
    args = cli._parser().parse_args(["serve", "--db", str(tmp_path / "s.db"),
                                     "--passphrase-file", str(path)])
    assert cli._app(args, None).config["CREATE_PASSPHRASE"] == "otter"
    monkeypatch.setenv("FACILITATOR_PASSPHRASE_FILE", str(path))
    args = cli._parser().parse_args(["serve", "--db", str(tmp_path / "s.db")])
    assert cli._app(args, None).config["CREATE_PASSPHRASE"] == "otter"

    path.write_text("\n")
    assert cli.main(["serve", "--async-mode", "threading", "--db", str(tmp_path / "s.db"),
                     "--passphrase-file", str(path)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_the_command_line_creates_without_a_passphrase(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """`facilitator new` runs on the server itself: whoever can run it owns the database."""
    from facilitator import cli

    monkeypatch.setenv("FACILITATOR_PASSPHRASE", "otter")
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "k")
    plan = Path(__file__).resolve().parents[2] / "sessions" / "notes-wall.yaml"
    assert cli.main(["new", str(plan), "--db", str(tmp_path / "n.db"),
                     "--public-url", "http://x.example"]) == 0
    assert "join code" in capsys.readouterr().out
    assert os.path.exists(tmp_path / "n.db")
