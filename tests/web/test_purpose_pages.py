"""HTTP: a plan's purpose on the review page, the phone page and the workshop view; the review
page names each stage's kind as people call it."""

import html
import re
from pathlib import Path

import yaml

from facilitator.core.plan import kind_name, load_plan
from facilitator.core.views import snapshot

ROOT = Path(__file__).resolve().parents[2]
READY = sorted((ROOT / "sessions").glob("*.yaml"))


def review(client, name: str) -> str:
    page = client.post("/create/review", data={"plan": name})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_review_page_names_kinds_as_people_do(app) -> None:
    client = app.test_client()
    page = review(client, "world-cafe")
    legends = re.findall(r"<legend>(.*?)</legend>", page)
    assert legends[:3] == ["Stage 1: World Café", "Stage 2: Themes", "Stage 3: Dot vote"]
    assert "Stage 1: cafe" not in page
    page = review(client, "appreciative-inquiry")
    assert "Stage 2: Appreciative Inquiry: Discover" in page
    assert "Stage 1: Asset mapping" in review(client, "asset-mapping")
    open_space = review(client, "open-space")
    assert "Stage 1: Open Space" in open_space
    assert "Stage 3: Taking priorities forward" in open_space
    assert "Stage 1: Notes" in review(client, "notes-wall")


def test_every_kind_has_a_human_name() -> None:
    from facilitator.activities import KINDS

    for kind in KINDS:
        name = kind_name(kind)
        assert name and name != kind and "_" not in name, kind


def test_the_purpose_is_edited_on_the_review_page(app, service) -> None:
    client = app.test_client()
    page = review(client, "notes-wall")
    # the ready plans give their texts in English and Welsh: the English is the first input
    planned = yaml.safe_load((ROOT / "sessions" / "notes-wall.yaml").read_text())["purpose"]["en"]
    field = r'<textarea id="purpose" name="purpose"[^>]*>'
    assert re.search(field + re.escape(html.escape(planned)), page)
    plan_json = re.search(r'name="plan_json" value="([^"]*)"', page).group(1)
    created = client.post("/create", data={"plan_json": html.unescape(plan_json),
                                           "title": "Our street",
                                           "purpose": "  To hear what helps on our street.  "})
    assert created.status_code == 302
    row = service.store.workshops()[-1]
    state = service.live(row.id).state
    assert state.plan.purpose == "To hear what helps on our street."
    assert snapshot(state, "screen")["workshop"]["purpose"] == "To hear what helps on our street."
    # the phone shows it on joining, and under "What this is for"
    phone = client.get(f"/j/{row.code}").get_data(as_text=True)
    assert "To hear what helps on our street." in phone
    assert "What this is for" in phone


def test_a_plan_without_a_purpose_has_an_empty_one(app, service) -> None:
    row = service.create_workshop(load_plan({"title": "T", "stages": [
        {"kind": "notes", "prompt": "P"}]}))
    state = service.live(row.id).state
    assert snapshot(state, "screen")["workshop"]["purpose"] == ""
    assert snapshot(state, "console")["workshop"]["purpose"] == ""
    phone = app.test_client().get(f"/j/{row.code}").get_data(as_text=True)
    assert 'id="purpose-box"' not in phone and 'id="join-purpose"' not in phone


def test_every_ready_plan_says_what_it_is_for() -> None:
    assert READY
    for path in READY:
        plan = load_plan(yaml.safe_load(path.read_text()))
        assert 20 <= len(plan.purpose) <= 200, path.name  # one or two plain sentences
        assert plan.purpose.count(".") <= 2, path.name
