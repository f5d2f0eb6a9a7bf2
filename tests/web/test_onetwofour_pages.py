"""HTTP: 1-2-4-All's step times are edited on the review page; its harvest exports."""

import html
import re

import yaml

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR
from tests.conftest import ROOT


def test_step_times_are_edited_on_the_review_page(app, service) -> None:
    client = app.test_client()
    review = client.post("/create/review", data={"plan": "1-2-4-all"}).get_data(as_text=True)
    for name in ("alone_minutes", "pairs_minutes", "fours_minutes", "all_minutes"):
        assert f'name="stage-0-opt-{name}"' in review
    assert "1-2-4-All" in review
    plan_json = html.unescape(re.search(r'name="plan_json" value="([^"]*)"', review).group(1))
    created = client.post("/create", data={"plan_json": plan_json, "stage-0-options": "1",
                                           "stage-0-opt-alone_minutes": "2",
                                           "stage-0-opt-pairs_minutes": "3",
                                           "stage-0-opt-fours_minutes": "4",
                                           "stage-0-opt-all_minutes": "6"})
    assert created.status_code == 302
    stage = service.live(service.store.workshops()[-1].id).state.stages[0]
    assert stage.options == {"alone_minutes": 2, "pairs_minutes": 3, "all_minutes": 6}


def test_the_fours_ideas_are_in_every_export(app, service) -> None:
    row = service.create_workshop(load_plan(yaml.safe_load(
        (ROOT / "sessions" / "1-2-4-all.yaml").read_text())))
    people = []
    for i in range(5):
        ack = service.handle(row.id, Actor(VISITOR), "join", {"name": f"P{i}"}, f"j{i}")
        people.append(ack.extra["participant"]["participant"])
    fac = Actor(FACILITATOR)
    for name in ("start", "otf_form_pairs", "otf_form_fours"):
        assert service.handle(row.id, fac, name, {}, name).ok
    assert service.handle(row.id, Actor(PARTICIPANT, people[0]), "otf_write",
                          {"group": "four", "text": "A lift scheme"}, "w").ok
    assert service.handle(row.id, fac, "otf_all", {}, "all").ok
    client = app.test_client()
    for fmt in ("html", "md", "csv", "json"):
        out = client.get(f"/console/{row.console_key}/export.{fmt}")
        assert out.status_code == 200 and "A lift scheme" in out.get_data(as_text=True), fmt
