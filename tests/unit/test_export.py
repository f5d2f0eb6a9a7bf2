"""The harvest exports: JSON, CSV, Markdown and HTML, built from a hand-written event log."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.plan import parse_plan
from facilitator.core.state import FACILITATOR, Event
from facilitator.export import FORMATS, Rendered, render
from facilitator.export.as_csv import HEADER
from facilitator.store.sqlite import WorkshopRow

CREATED = datetime(2026, 11, 24, 9, 10, tzinfo=UTC).timestamp()
SCREEN_KEY = "SCREENKEY-s3cr3t-zzzzzzzzzzzzzzzz"
CONSOLE_KEY = "CONSOLEKEY-s3cr3t-yyyyyyyyyyyyyyyy"
PLAN = """
title: Our neighbourhood
stages:
  - kind: notes
    title: Hopes
    prompt: What do you hope for this street?
  - kind: notes
    title: Worries
    prompt: What worries you?
"""
XSS = "<img src=x onerror=alert(1)>"
ROW = WorkshopRow(id="w1", code="QKH4A7", screen_key=SCREEN_KEY, console_key=CONSOLE_KEY,
                  title="Our neighbourhood", created_at=CREATED)


class Log:
    """Builds an event log by hand, numbering events from 1."""

    def __init__(self, plan_text: str = PLAN) -> None:
        plan = parse_plan(plan_text)
        self.events: list[Event] = []
        self.add("workshop_created", FACILITATOR, {"plan": plan.to_dict(), "code": "QKH4A7"})

    def add(self, type_: str, actor: str, data: dict) -> str:
        seq = len(self.events) + 1
        self.events.append(Event(seq, type_, actor, CREATED + seq, data, f"c{seq}"))
        return f"n{seq}"

    def join(self, pid: str, name: str = "") -> None:
        self.add("participant_joined", pid, {"participant": pid, "name": name})

    def post(self, pid: str, stage: int, text: str) -> str:
        return self.add("note_posted", pid, {"stage": stage, "text": text})


@pytest.fixture
def log() -> Log:
    log = Log()
    log.join("p1", "Sam")
    log.join("p2")  # anonymous
    log.add("stage_changed", FACILITATOR, {"stage": 0})
    log.post("p1", 0, "A bench by the bus stop")
    log.post("p2", 0, XSS)
    edited = log.post("p1", 0, "Fewer cars")
    log.add("note_edited", "p1", {"note": edited, "text": "Fewer cars, more trees"})
    gone = log.post("p2", 0, "DELETED NOTE")
    log.add("note_deleted", "p2", {"note": gone})
    hidden = log.post("p2", 0, "HIDDEN NOTE")
    log.add("note_hidden", FACILITATOR, {"note": hidden})
    log.add("stage_changed", FACILITATOR, {"stage": 1})
    log.post("p1", 1, "=1+2")
    log.post("p2", 1, "Traffic\nat night")
    return log


VISIBLE = ["A bench by the bus stop", "Fewer cars, more trees", "=1+2"]


def rendered(log: Log) -> dict[str, Rendered]:
    return {fmt: render(fmt, ROW, log.events) for fmt in FORMATS}


def csv_rows(body: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert tuple(rows[0]) == HEADER
    return [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]


def test_formats_and_metadata(log: Log) -> None:
    out = rendered(log)
    assert set(out) == {"json", "csv", "md", "html"}
    assert out["json"].mimetype == "application/json; charset=utf-8"
    assert out["csv"].mimetype == "text/csv; charset=utf-8"
    assert out["md"].mimetype == "text/markdown; charset=utf-8"
    assert out["html"].mimetype == "text/html; charset=utf-8"
    assert out["md"].filename == "our-neighbourhood-QKH4A7-2026-11-24.md"
    assert out["json"].filename.endswith("-QKH4A7-2026-11-24.json")


def test_unknown_format_is_refused(log: Log) -> None:
    with pytest.raises(ValueError):
        render("pdf", ROW, log.events)


def test_filename_of_an_unsluggable_title(log: Log) -> None:
    row = WorkshopRow("w2", "QKH4A7", "s", "c", "../../etc/パスワード", CREATED)
    assert render("csv", row, log.events).filename == "etc-QKH4A7-2026-11-24.csv"
    row = WorkshopRow("w2", "QKH4A7", "s", "c", "ワークショップ", CREATED)
    assert render("csv", row, log.events).filename == "workshop-QKH4A7-2026-11-24.csv"


def test_keys_never_appear(log: Log) -> None:
    for fmt, out in rendered(log).items():
        for secret in (SCREEN_KEY, CONSOLE_KEY, "s3cr3t"):
            assert secret not in out.body, fmt
            assert secret not in out.filename, fmt


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html"])
def test_every_visible_note_once_and_no_deleted_note(log: Log, fmt: str) -> None:
    body = render(fmt, ROW, log.events).body
    if fmt == "json":
        texts = [n["text"] for n in json.loads(body)["notes"]]
        for text in VISIBLE:
            assert texts.count(text) == 1
        assert "DELETED NOTE" not in texts
        return
    if fmt == "csv":
        texts = [r["text"] for r in csv_rows(body)]
        assert texts.count("A bench by the bus stop") == 1
        assert texts.count("Fewer cars, more trees") == 1
        assert texts.count("'=1+2") == 1
        assert "DELETED NOTE" not in body
        return
    for text in ["A bench by the bus stop", "Fewer cars, more trees"]:
        assert body.count(text) == 1
    assert body.count("Fewer cars") == 1  # the edited text only
    assert "DELETED NOTE" not in body
    assert "HIDDEN NOTE" not in body
    assert "1 note was hidden by the facilitator." in body


def test_json_round_trips_with_final_state_and_all_events(log: Log) -> None:
    data = json.loads(render("json", ROW, log.events).body)
    assert data["format"] == "facilitator-export" and data["version"] == 1
    assert data["workshop"] == {
        "title": "Our neighbourhood", "code": "QKH4A7", "created_at": "2026-11-24T09:10:00Z",
        "status": "running",
        "stages": [
            {"index": 0, "kind": "notes", "title": "Hopes",
             "prompt": "What do you hope for this street?", "duration": None},
            {"index": 1, "kind": "notes", "title": "Worries", "prompt": "What worries you?",
             "duration": None},
        ],
    }
    assert data["participants"] == [{"id": "p1", "name": "Sam"}, {"id": "p2", "name": ""}]
    assert data["events"] == [e.to_dict() for e in log.events]
    hidden = [n for n in data["notes"] if n["hidden"]]
    assert [(n["text"], n["hidden_by"]) for n in hidden] == [("HIDDEN NOTE", "facilitator")]
    assert hidden[0]["hidden_at"].endswith("Z")
    edited = next(n for n in data["notes"] if n["text"] == "Fewer cars, more trees")
    assert edited["author"] == "p1" and edited["edited_at"] is not None
    assert len(data["notes"]) == 6  # 7 posted, 1 deleted


def test_stage_duration_survives_the_log() -> None:
    log = Log(PLAN.replace("    title: Worries\n", "    title: Worries\n    duration: 90s\n"))
    data = json.loads(render("json", ROW, log.events).body)
    assert data["workshop"]["stages"][1]["duration"] == 90


def test_json_keeps_non_ascii(log: Log) -> None:
    log.post("p1", 1, "Café für alle ☕")
    body = render("json", ROW, log.events).body
    assert "Café für alle ☕" in body


def test_csv_rows_hidden_flag_and_formula_guard(log: Log) -> None:
    rows = csv_rows(render("csv", ROW, log.events).body)
    assert len(rows) == 6
    by_text = {r["text"]: r for r in rows}
    assert by_text["HIDDEN NOTE"]["hidden"] == "true"
    assert by_text["A bench by the bus stop"] == {
        "stage": "0", "stage_title": "Hopes", "prompt": "What do you hope for this street?",
        "note_id": "n5", "author": "p1", "name": "Sam", "text": "A bench by the bus stop",
        "hidden": "false", "posted_at": "2026-11-24T09:10:05Z", "edited_at": "",
    }
    assert by_text[XSS]["name"] == ""
    assert by_text["'=1+2"]["stage"] == "1"
    assert by_text["Traffic\nat night"]["stage_title"] == "Worries"
    assert by_text["Fewer cars, more trees"]["edited_at"] == "2026-11-24T09:10:08Z"


@pytest.mark.parametrize("cell", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_guards_every_formula_start(cell: str) -> None:
    log = Log()
    log.join("p1", cell)
    log.add("stage_changed", FACILITATOR, {"stage": 0})
    log.post("p1", 0, cell)
    (row,) = csv_rows(render("csv", ROW, log.events).body)
    assert row["text"] == "'" + cell
    assert row["name"] == "'" + cell


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_csv_parses_back_to_exactly_the_notes(texts: list[str]) -> None:
    log = Log()
    log.join("p1")
    log.add("stage_changed", FACILITATOR, {"stage": 0})
    for text in texts:
        log.post("p1", 0, text)
    rows = csv_rows(render("csv", ROW, log.events).body)
    expected = ["'" + t if t[:1] in ("=", "+", "-", "@", "\t", "\r") else t for t in texts]
    assert [r["text"] for r in rows] == expected


def test_html_is_escaped_self_contained_and_printable(log: Log) -> None:
    body = render("html", ROW, log.events).body
    assert XSS not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert body.startswith("<!doctype html>")
    assert '<html lang="en">' in body
    assert "<title>Our neighbourhood" in body
    assert "@media print" in body and "page-break-inside: avoid" in body
    for external in ("<link", "<script", "src=", "href=", "url(", "@import", "http"):
        assert external not in body.replace(XSS, "").replace(
            "&lt;img src=x onerror=alert(1)&gt;", ""), external
    assert body.count("<section>") == 2
    assert body.count("<h2>") == 2
    assert "<header>" in body and "<main>" in body
    assert "— Sam" in body and "— Anonymous" in body


def test_html_escapes_the_title_and_names() -> None:
    log = Log()
    log.join("p1", "<b>Bo</b>")
    log.add("stage_changed", FACILITATOR, {"stage": 0})
    log.post("p1", 0, "hi")
    body = render("html", ROW, log.events).body
    assert "<b>" not in body and "&lt;b&gt;Bo&lt;/b&gt;" in body


def test_markdown_report(log: Log) -> None:
    body = render("md", ROW, log.events).body
    assert body.startswith("# Our neighbourhood\n")
    assert "2026-11-24" in body
    assert "2 people took part, and wrote 5 notes." in body
    assert "## Stage 1: Hopes" in body and "## Stage 2: Worries" in body
    assert "> What do you hope for this street?" in body
    assert "- A bench by the bus stop — *Sam*" in body
    assert "- Traffic  \n  at night — *Anonymous*" in body
    assert XSS not in body
    assert r"\<img src\=x onerror\=alert\(1\)\>" in body
    assert r"- \=1\+2" in body


@pytest.mark.parametrize("text, escaped", [
    ("[click](http://evil)", r"\[click\]\(http\://evil\)"),
    ("# heading", r"\# heading"),
    ("1. first", r"1\. first"),
    ("* star", r"\* star"),
    ("a\n- b\n    code", "a  \n  \\- b  \n  code"),
    ("www.evil.com", r"www\.evil.com"),
    ("&lt;b&gt;", r"\&lt;b\&gt;"),
    ("back\\slash `tick` _u_ {x} !|~", r"back\\slash \`tick\` \_u\_ \{x\} \!\|\~"),
])
def test_markdown_escapes_participant_text(text: str, escaped: str) -> None:
    log = Log()
    log.join("p1")
    log.add("stage_changed", FACILITATOR, {"stage": 0})
    log.post("p1", 0, text)
    assert "- " + escaped + " — *Anonymous*" in render("md", ROW, log.events).body
