"""HTTP: the review page edits a notes stage's ``moderate`` option like any other."""

import html
import re


def test_review_page_offers_moderation_and_the_workshop_gets_it(app, service) -> None:
    client = app.test_client()
    review = client.post("/create/review", data={"plan": "notes-wall"}).get_data(as_text=True)
    box = re.search(r'<input type="checkbox" id="stage-0-opt-moderate"[^>]*>', review)
    assert box and "checked" not in box.group(0)  # off unless the plan says so
    assert "only once the facilitator approves it" in review  # its help sentence
    plan_json = html.unescape(re.search(r'name="plan_json" value="([^"]*)"', review).group(1))
    form = {"plan_json": plan_json, "title": "Moderated", "stage-0-options": "1",
            "stage-0-opt-moderate": "on"}
    assert client.post("/create", data=form).status_code == 302
    stage = service.live(service.store.workshops()[-1].id).state.stages[0]
    assert stage.options["moderate"] is True
