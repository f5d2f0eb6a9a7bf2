"""The harvest exports: JSON, CSV, Markdown and HTML, built from a hand-written event log,
and from a log made by driving the pure core (anonymity, silent writing, themes, votes)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor, decide
from facilitator.core.plan import load_plan, parse_plan
from facilitator.core.state import FACILITATOR, Event, apply, replay
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
             "prompt": "What do you hope for this street?", "duration": None,
             "anonymous": False, "silent": False, "moderated": False,
                 "revealed": None},
            {"index": 1, "kind": "notes", "title": "Worries", "prompt": "What worries you?",
             "duration": None, "anonymous": False, "silent": False, "moderated": False,
                 "revealed": None},
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
        "hidden": "false", "posted_at": "2026-11-24T09:10:05Z", "edited_at": "", "theme": "",
        "round": "", "table": "", "type": "note", "moderation": "",
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
    assert '<html lang="en" dir="ltr">' in body  # the facilitator's language
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


# -- the mechanics, from a log made by the core itself ---------------------------------------

FAC = Actor(FACILITATOR)


class Room:
    """Drives the pure core (``decide`` then ``apply``), as tests/unit/test_mechanics.py does."""

    def __init__(self, stages: list[dict]) -> None:
        plan = load_plan({"title": "Our neighbourhood", "stages": stages})
        self.events = [Event(1, "workshop_created", FACILITATOR, CREATED,
                             {"plan": plan.to_dict(), "code": "QKH4A7"})]
        self.state = replay(self.events)

    def do(self, actor: Actor, name: str, payload: dict | None = None) -> list[Event]:
        out = []
        for d in decide(self.state, actor, name, payload or {}, CREATED + self.state.seq):
            author = d.data["participant"] if name == "join" else actor.id
            event = Event(self.state.seq + 1, d.type, author, CREATED + self.state.seq, d.data)
            apply(self.state, event)
            self.events.append(event)
            out.append(event)
        return out

    def join(self, name: str = "") -> Actor:
        event = self.do(Actor(VISITOR), "join", {"name": name})[0]
        return Actor(PARTICIPANT, event.data["participant"])

    def post(self, actor: Actor, text: str) -> str:
        return f"n{self.do(actor, 'post_note', {'text': text})[0].seq}"


STAGES = [
    {"kind": "notes", "title": "Alone", "prompt": "What would you change?", "anonymous": True,
     "options": {"silent": True}},
    {"kind": "cluster", "title": "Themes", "prompt": "What belongs together?"},
    {"kind": "vote", "title": "Priorities", "prompt": "What first?", "options": {"dots": 2}},
    {"kind": "notes", "title": "Open mic", "prompt": "Anything else?"},
    {"kind": "vote", "title": "Never opened", "prompt": "Which note?", "options": {"source": 3}},
]
ZELDA, OMAR = "Zelda Quill", "Omar Bright"  # Omar writes only in the anonymous stage


@pytest.fixture
def room() -> Room:
    room = Room(STAGES)
    zelda, omar, anon = room.join(ZELDA), room.join(OMAR), room.join()
    room.do(FAC, "start")
    trees = room.post(zelda, "More trees")
    crossings = room.post(zelda, "Safer crossings")
    library = room.post(omar, "A library")
    bikes = room.post(omar, "Bike lanes")
    room.post(anon, "Night buses")
    rant = room.post(omar, "HIDDEN RANT")
    room.do(FAC, "hide_note", {"note_id": rant})
    room.do(FAC, "reveal_notes")
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [trees, bikes, rant], "name": "Green"})
    room.do(FAC, "group_notes", {"note_ids": [library], "name": "Culture"})
    room.do(FAC, "group_notes", {"note_ids": [crossings], "name": "Safety"})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"hidden": True})
    for actor, theme in [(zelda, "t1"), (zelda, "t2"), (omar, "t1"), (omar, "t3")]:
        room.do(actor, "place_dot", {"item_id": theme})
    room.do(FAC, "close_vote")
    room.do(FAC, "next_stage")
    room.post(zelda, "See you next week")
    return room


def sections(body: str, marker: str) -> list[str]:
    """The report split per stage (the text before the first stage dropped)."""
    return body.split(marker)[1:]


def test_anonymous_stage_never_names_anyone(room: Room) -> None:
    md = render("md", ROW, room.events).body
    html = render("html", ROW, room.events).body
    for body, marker in ((md, "\n## "), (html, "<section>")):
        alone, _, _, open_mic, _ = sections(body, marker)
        assert ZELDA not in alone and OMAR not in alone
        assert "Anonymous" in alone and "More trees" in alone
        assert ZELDA in open_mic  # a named stage still shows names
        assert OMAR not in body
    assert "— *Anonymous*" in md and "— Anonymous" in html and f"— {ZELDA}" in html
    assert "Anonymous: the room saw no names in this stage." in md
    assert "Anonymous: the room saw no names in this stage." in sections(html, "<section>")[1]
    assert "Names were shown to the room in this stage." in sections(html, "<section>")[3]
    assert "Dots were counted, never shown by name." in sections(md, "\n## ")[2]
    rows = csv_rows(render("csv", ROW, room.events).body)
    assert {r["name"] for r in rows if r["stage"] == "0"} == {""}
    assert [r["name"] for r in rows if r["stage"] == "3"] == [ZELDA]
    assert OMAR not in render("csv", ROW, room.events).body
    data = json.loads(render("json", ROW, room.events).body)
    # the cluster stage shows notes written anonymously: the room saw no names there either
    assert [s["anonymous"] for s in data["workshop"]["stages"]] == [True, True] + [False] * 3
    assert {n["name"] for n in data["notes"] if n["stage"] == 0} == {""}
    assert {n["author"] for n in data["notes"] if n["stage"] == 0} == {"p1", "p2", "p3"}
    assert [n["name"] for n in data["notes"] if n["stage"] == 3] == [ZELDA]


def test_silent_stage_says_whether_it_was_revealed(room: Room) -> None:
    said = "Written silently; the notes were then revealed to the room."
    assert said in render("md", ROW, room.events).body
    assert said in render("html", ROW, room.events).body
    stages = json.loads(render("json", ROW, room.events).body)["workshop"]["stages"]
    assert [(s["silent"], s["revealed"]) for s in stages] == [(True, True)] + [
        (False, None)] * 4
    quiet = Room(STAGES[:1])
    quiet.join("Sam")
    quiet.do(FAC, "start")
    never = "Written silently; the notes were never revealed to the room."
    assert never in render("md", ROW, quiet.events).body
    assert never in render("html", ROW, quiet.events).body
    stage = json.loads(render("json", ROW, quiet.events).body)["workshop"]["stages"][0]
    assert (stage["silent"], stage["revealed"]) == (True, False)


def test_themes_with_counts_in_every_report(room: Room) -> None:
    md = render("md", ROW, room.events).body
    themes_md = sections(md, "\n## ")[1]
    assert "### Green (2 notes)\n\n- More trees\n- Bike lanes" in themes_md
    assert "### Culture (1 note)\n\n- A library" in themes_md
    assert "### Safety (1 note)\n\n- Safer crossings" in themes_md
    assert "### Not grouped (1 note)\n\n- Night buses" in themes_md
    assert "HIDDEN RANT" not in md
    assert "Themes from the notes of stage 1." in themes_md
    html = render("html", ROW, room.events).body
    themes_html = sections(html, "<section>")[1]
    for name, count in [("Green", "2 notes"), ("Culture", "1 note"), ("Safety", "1 note"),
                        ("Not grouped", "1 note")]:
        assert f'<h3>{name} <span class="count">({count})</span></h3>' in themes_html
    assert themes_html.index("More trees") < themes_html.index("Bike lanes")
    assert "HIDDEN RANT" not in html
    assert html.count("<section>") == 5 and html.count("<h2>") == 5
    data = json.loads(render("json", ROW, room.events).body)
    (board,) = data["themes"]
    assert (board["stage"], board["source"]) == (1, 0)
    assert [(t["name"], t["count"], [n["text"] for n in t["notes"]]) for t in board["themes"]] \
        == [("Green", 2, ["More trees", "Bike lanes"]), ("Culture", 1, ["A library"]),
            ("Safety", 1, ["Safer crossings"])]
    assert [n["text"] for n in board["ungrouped"]] == ["Night buses"]


def test_vote_ranking_with_ties_matches_the_core(room: Room) -> None:
    results = room.state.votes[2].results()
    assert [(r["label"], r["count"], r["rank"], r["tied"]) for r in results] == [
        ("Green", 2, 1, False), ("Culture", 1, 2, True), ("Safety", 1, 2, True)]
    data = json.loads(render("json", ROW, room.events).body)
    assert data["votes"] == [{"stage": 2, "closed": True, "dots": 2, "allow_multiple": False,
                              "hidden": True, "voters": 2, "results": results}]
    md = render("md", ROW, room.events).body
    vote_md = sections(md, "\n## ")[2]
    assert "- **1** Green — 2 dots\n- **2=** Culture — 1 dot\n- **2=** Safety — 1 dot" in vote_md
    for said in ("The vote was closed.", "2 dots per person, at most one on each item.",
                 "Results were hidden from the room until the vote closed.", "2 people voted."):
        assert said in vote_md
    assert "Voting was never opened." in sections(md, "\n## ")[4]
    html = render("html", ROW, room.events).body
    vote_html = sections(html, "<section>")[2]
    rows = [f'<tr><td class="rank">{rank}</td><td class="label">{label}</td>'
            f'<td class="count">{count}</td></tr>'
            for rank, label, count in [("1", "Green", "2 dots"), ("2=", "Culture", "1 dot"),
                                       ("2=", "Safety", "1 dot")]]
    positions = [vote_html.index(r) for r in rows]
    assert positions == sorted(positions)
    assert "2 people voted." in vote_html
    assert "Voting was never opened." in sections(html, "<section>")[4]


def test_csv_theme_column_at_the_end_and_no_vote_rows(room: Room) -> None:
    assert HEADER[:10] == ("stage", "stage_title", "prompt", "note_id", "author", "name",
                           "text", "hidden", "posted_at", "edited_at")
    assert HEADER[10:] == ("theme", "round", "table", "type",  # added later, at the end
                           "moderation")
    body = render("csv", ROW, room.events).body
    assert body.splitlines()[0].endswith(",edited_at,theme,round,table,type,moderation")
    themes = {r["text"]: r["theme"] for r in csv_rows(body)}
    assert themes == {"More trees": "Green", "Safer crossings": "Safety",
                      "A library": "Culture", "Bike lanes": "Green", "Night buses": "",
                      "HIDDEN RANT": "Green", "See you next week": ""}
    assert "dots" not in body  # vote results are not contributions


def test_theme_column_joins_every_cluster_stage_and_guards_formulas() -> None:
    room = Room([STAGES[0], {**STAGES[1], "options": {"source": 0}},
                 {**STAGES[1], "options": {"source": 0}}])
    sam = room.join("Sam")
    room.do(FAC, "start")
    nid = room.post(sam, "Trees")
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [nid], "name": "=cmd|x"})
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [nid], "name": "Nature"})
    (row,) = csv_rows(render("csv", ROW, room.events).body)
    assert row["theme"] == "'=cmd|x; Nature"
    assert row["name"] == ""  # written in an anonymous stage


def test_same_log_same_export(room: Room) -> None:
    first = {fmt: render(fmt, ROW, room.events) for fmt in FORMATS}
    copied = [Event(**{**e.to_dict(), "client_id": e.client_id}) for e in room.events]
    again = {fmt: render(fmt, ROW, copied) for fmt in FORMATS}
    assert first == again
