"""HTTP for the asset map: the ready plan is edited on the review page; the pages carry the
asset map's parts; its exports exist only for a workshop with a map, behind the console key."""

import html
import re

from facilitator.core.commands import Actor
from facilitator.core.plan import load_plan


def test_the_asset_mapping_plan_is_edited_on_the_review_page(app, service) -> None:
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "What we have: mapping Elmside" in page and "My assets: what keeps me well" in page
    review = client.post("/create/review", data={"plan": "asset-mapping"}).get_data(as_text=True)
    for field in ("stage-0-opt-step", "stage-0-opt-purpose", "stage-1-opt-template",
                  "stage-1-opt-visibility", "stage-3-opt-review", "stage-4-opt-thin"):
        assert f'name="{field}"' in review, field
    plan_json = html.unescape(re.search(r'name="plan_json" value="([^"]*)"', review).group(1))
    form = {"plan_json": plan_json, "title": "Our street's assets", "stage-1-options": "1",
            "stage-1-opt-step": "personal", "stage-1-opt-template": "head-hands-heart",
            "stage-1-opt-visibility": "private", "stage-1-opt-interview": "on",
            "stage-1-opt-max_per_category": "5"}
    created = client.post("/create", data=form)
    assert created.status_code == 302
    stage = service.live(service.store.workshops()[-1].id).state.stages[1]
    assert stage.options["visibility"] == "private" and stage.options["max_per_category"] == 5
    form["stage-1-opt-template"] = "knees"
    refused = client.post("/create", data=form)
    assert refused.status_code == 400
    assert "stages[1].options.template" in refused.get_data(as_text=True)


def test_pages_carry_the_asset_map_parts(app, service) -> None:
    row = service.create_workshop(load_plan({"title": "T", "stages": [
        {"kind": "assets", "prompt": "P", "options": {"step": "community"}}]}))
    client = app.test_client()
    for url, part in [(f"/j/{row.code}", 'id="assets"'),
                      (f"/screen/{row.screen_key}", 'id="view-assets"'),
                      (f"/console/{row.console_key}", 'id="assets-panel"')]:
        page = client.get(url).get_data(as_text=True)
        assert part in page and 'id="t-assets"' in page and "css/assets.css" in page
    console = client.get(f"/console/{row.console_key}").get_data(as_text=True)
    assert f"/console/{row.console_key}/assets.csv" in console


def test_exports_need_the_console_key_and_a_map(app, service, workshop) -> None:
    row = service.create_workshop(load_plan({"title": "T", "stages": [
        {"kind": "assets", "prompt": "P"}]}))
    client = app.test_client()
    for name in ("assets.csv", "assets.json", "connections.csv", "asset-map.html",
                 "assets.geojson"):
        r = client.get(f"/console/{row.console_key}/{name}")
        assert r.status_code == 200, name
        assert client.get(f"/console/{row.screen_key}/{name}").status_code == 404
        assert client.get(f"/console/{workshop.console_key}/{name}").status_code == 404
    r = client.get(f"/console/{row.console_key}/assets.csv")
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    assert r.get_data(as_text=True).startswith("id,kind,kind_label,name,")
    r = client.get(f"/console/{row.console_key}/assets.geojson")
    assert r.mimetype == "application/geo+json"
    assert r.get_json(force=True) == {"type": "FeatureCollection", "features": []}
    assert client.post(f"/j/{row.code}/forget", json={}).status_code == 403
    assert client.post("/j/QQQQQQ/forget", json={"token": "x" * 20}).status_code == 404


def test_exports_take_the_anonymise_option(app, service) -> None:
    row = service.create_workshop(load_plan({"title": "T", "stages": [
        {"kind": "notes", "prompt": "P"}, {"kind": "assets", "prompt": "A"}]}))
    service.handle(row.id, Actor("visitor"), "join", {"name": "Ann Smith",
                                                      "token": "t" * 20})
    client = app.test_client()
    for path in ("export.json", "export.md", "export.csv", "export.html", "assets.json",
                 "asset-map.html"):
        plain = client.get(f"/console/{row.console_key}/{path}").get_data(as_text=True)
        anon = client.get(f"/console/{row.console_key}/{path}?anonymise=1").get_data(
            as_text=True)
        assert "Ann Smith" not in anon, path
        if path == "export.json":
            assert "Ann Smith" in plain and "Participant 1" in anon
    page = client.get(f"/console/{row.console_key}").get_data(as_text=True)
    assert 'id="export-anonymise"' in page and page.count("data-export") >= 8
