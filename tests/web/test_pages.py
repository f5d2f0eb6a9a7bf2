"""HTTP: the create flow, the API, join pages, export, delete, and the docs staying true."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import facilitator.activities  # noqa: F401  (registers every activity's commands)
from facilitator.core.commands import COMMANDS
from facilitator.core.views import NOTIFIERS

ROOT = Path(__file__).resolve().parents[2]


def test_create_page_lists_ready_plans(app) -> None:
    page = app.test_client().get("/").get_data(as_text=True)
    assert "What keeps us well here?" in page
    assert 'name="plan"' in page and 'type="file"' in page


def test_create_flow_with_edited_title_and_prompt(app, service) -> None:
    client = app.test_client()
    review = client.post("/create/review", data={"plan": "notes-wall"})
    assert review.status_code == 200
    plan_json = re.search(r'name="plan_json" value="([^"]*)"', review.get_data(as_text=True))
    import html

    data = {"plan_json": html.unescape(plan_json.group(1)), "title": "Our street",
            "stage-0-prompt": "What do you love about our street?"}
    created = client.post("/create", data=data)
    assert created.status_code == 302 and "/console/" in created.location
    row = service.store.workshops()[-1]
    state = service.live(row.id).state
    assert state.title == "Our street"
    assert state.stages[0].prompt == "What do you love about our street?"


def test_world_cafe_options_are_edited_on_the_review_page(app, service) -> None:
    import html

    client = app.test_client()
    review = client.post("/create/review", data={"plan": "world-cafe"}).get_data(as_text=True)
    assert 'name="stage-0-opt-rounds"' in review and 'name="stage-0-opt-questions"' in review
    assert 'value="20"' in review  # minutes per round
    plan_json = html.unescape(re.search(r'name="plan_json" value="([^"]*)"', review).group(1))
    form = {"plan_json": plan_json, "title": "Café", "stage-0-options": "1",
            "stage-0-minutes": "15", "stage-0-opt-rounds": "2", "stage-0-opt-table_size": "6",
            "stage-0-opt-hosts": "volunteer", "stage-0-opt-questions": "First?\n\nSecond?\n"}
    created = client.post("/create", data=form)
    assert created.status_code == 302
    stage = service.live(service.store.workshops()[-1].id).state.stages[0]
    assert stage.duration == 15 * 60
    assert stage.options["rounds"] == 2 and stage.options["hosts"] == "volunteer"
    assert stage.options["questions"] == ["First?", "Second?"]
    # a bad value is refused naming the field; a big table is warned about
    form.update({"stage-0-opt-rounds": "9"})
    refused = client.post("/create", data=form)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "stages[0].options.rounds" in page and "Tables of 6 are large" in page


def test_uploaded_bad_plan_names_the_field(app) -> None:
    bad = b"title: T\nstages:\n  - kind: dance\n    prompt: P\n"
    r = app.test_client().post("/create/review", data={
        "plan_file": (io.BytesIO(bad), "mine.yaml")}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert "stages[0].kind" in r.get_data(as_text=True)


def test_review_with_emptied_prompt_is_refused(app) -> None:
    plan = {"title": "T", "stages": [{"kind": "notes", "prompt": "P"}]}
    r = app.test_client().post("/create", data={"plan_json": json.dumps(plan),
                                                "stage-0-prompt": " "})
    assert r.status_code == 400 and "stages[0].prompt" in r.get_data(as_text=True)


def test_api_create_returns_the_links(app) -> None:
    r = app.test_client().post("/api/workshops", json={
        "title": "API", "stages": [{"kind": "notes", "prompt": "Go"}]})
    assert r.status_code == 201
    body = r.get_json()
    assert body["join_url"] == f"http://phones.example:5000/j/{body['code']}"
    assert body["console_url"].endswith(body["console_key"])
    assert body["console_key"] not in body["join_url"] + body["projector_url"]
    yaml_body = "title: Y\nstages:\n  - kind: notes\n    prompt: P\n"
    assert app.test_client().post("/api/workshops", data=yaml_body).status_code == 201


def test_api_refuses_bad_plans(app) -> None:
    client = app.test_client()
    r = client.post("/api/workshops", json={"title": "T", "stages": [{"kind": "notes"}]})
    assert r.status_code == 400 and r.get_json()["field"] == "stages[0].prompt"
    r = client.post("/api/workshops", data="::: not yaml :::\n\t-")
    assert r.status_code == 400 and r.get_json()["ok"] is False


def test_join_code_is_readable_and_forgiving(app, workshop) -> None:
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTWXY34679]{6}", workshop.code)
    client = app.test_client()
    assert client.get(f"/j/{workshop.code.lower()}").status_code == 200
    r = client.get("/join", query_string={"code": f" {workshop.code.lower()} "})
    assert r.status_code == 302 and r.location.endswith(f"/j/{workshop.code}")


def test_unknown_and_ended_codes_get_clear_pages(app, workshop, service) -> None:
    from facilitator.core.commands import Actor
    from facilitator.core.state import FACILITATOR

    client = app.test_client()
    r = client.get("/j/QQQQQQ")
    assert r.status_code == 404 and "QQQQQQ" in r.get_data(as_text=True)
    service.handle(workshop.id, Actor(FACILITATOR), "end_workshop", {})
    r = client.get(f"/j/{workshop.code}")
    assert r.status_code == 410 and "ended" in r.get_data(as_text=True)


def test_secret_pages_need_their_keys(app, workshop) -> None:
    client = app.test_client()
    assert client.get(f"/console/{workshop.console_key}").status_code == 200
    assert client.get(f"/console/{workshop.screen_key}").status_code == 404
    assert client.get(f"/screen/{workshop.code}").status_code == 404
    screen = client.get(f"/screen/{workshop.screen_key}").get_data(as_text=True)
    assert workshop.console_key not in screen and workshop.code in screen


def test_pages_load_nothing_from_elsewhere(app, workshop) -> None:
    client = app.test_client()
    for url in ["/", f"/j/{workshop.code}", f"/screen/{workshop.screen_key}",
                f"/console/{workshop.console_key}"]:
        r = client.get(url)
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        page = r.get_data(as_text=True)
        assert not re.search(r'src="https?://|<link[^>]+href="https?://', page), url


def test_export_formats_and_delete(app, workshop, service) -> None:
    client = app.test_client()
    for fmt, kind in [("json", "application/json"), ("csv", "text/csv"),
                      ("md", "text/markdown"), ("html", "text/html")]:
        r = client.get(f"/console/{workshop.console_key}/export.{fmt}")
        assert r.status_code == 200 and r.mimetype == kind
    assert client.get(f"/console/{workshop.console_key}/export.exe").status_code == 404
    r = client.post(f"/console/{workshop.console_key}/delete", data={"confirm_code": "nope"})
    assert r.status_code == 400 and service.store.find(id=workshop.id)
    r = client.post(f"/console/{workshop.console_key}/delete",
                    data={"confirm_code": workshop.code.lower()})
    assert r.status_code == 200
    assert service.store.find(id=workshop.id) is None
    assert service.store.events(workshop.id) == []
    assert client.get(f"/j/{workshop.code}").status_code == 404


def test_every_command_and_server_event_is_documented() -> None:
    # docs/protocol.md, and each activity's own page in docs/activities/ (linked from it)
    doc = "\n".join(p.read_text() for p in [ROOT / "docs" / "protocol.md",
                                            *sorted((ROOT / "docs" / "activities").glob("*.md"))])
    for name in COMMANDS:
        assert f"`{name}`" in doc, f"command {name} missing from docs/protocol.md"
    emitted = set()
    for source in (ROOT / "facilitator").rglob("*.py"):
        emitted |= set(re.findall(r'Emit\([^,]+, "(\w+)"', source.read_text()))
        emitted |= set(re.findall(r'socketio\.emit\("(\w+)"', source.read_text()))
    assert emitted >= {"snapshot", "note", "note_removed", "people", "stage", "me"}
    for name in emitted:
        assert f"`{name}`" in doc, f"server event {name} missing from docs/protocol.md"
    assert NOTIFIERS


def test_cli_new_and_export(tmp_path) -> None:
    db = tmp_path / "cli.db"
    out = subprocess.run([sys.executable, "-m", "facilitator", "new", "sessions/notes-wall.yaml",
                          "--db", str(db), "--public-url", "http://10.1.2.3:5000"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    code = re.search(r"join code (\w+)", out).group(1)
    assert f"http://10.1.2.3:5000/j/{code}" in out
    assert "/console/" in out and "/screen/" in out
    bad = subprocess.run([sys.executable, "-m", "facilitator", "new", "pyproject.toml",
                          "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "not a valid plan" in bad.stderr
    md = subprocess.run([sys.executable, "-m", "facilitator", "export", code, "--format", "md",
                         "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                        check=True).stdout
    assert "What keeps us well here?" in md


def test_public_url_is_never_localhost_when_a_network_exists() -> None:
    from facilitator.config import choose_public_url, lan_address

    url, why = choose_public_url(None, "0.0.0.0", 5000)
    if lan_address():
        assert "127.0.0.1" not in url and "localhost" not in url
    else:
        assert "no network" in why
    assert choose_public_url("http://x.example/", "0.0.0.0", 1)[0] == "http://x.example"
