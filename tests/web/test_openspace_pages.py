"""The ready Open Space plan is listed, and its theme, spaces, slots and convergence are
edited on the review page (a line each for lists); a grid that cannot run is refused."""

import html
import re


def test_open_space_plan_is_edited_on_the_review_page(app, service) -> None:
    client = app.test_client()
    assert "How can our town become a great place to grow old in?" in \
        client.get("/").get_data(as_text=True)
    review = client.post("/create/review", data={"plan": "open-space"}).get_data(as_text=True)
    for name in ("spaces", "slots", "principles", "law", "convergence", "converge_on"):
        assert f'name="stage-0-opt-{name}"' in review, name
    assert "Library, 12" in review and "Session 2, 11:15-12:45" in review
    plan_json = html.unescape(re.search(r'name="plan_json" value="([^"]*)"', review).group(1))
    form = {"plan_json": plan_json, "title": "Our town", "stage-0-options": "1",
            "stage-0-prompt": "What would make our street good to grow old on?",
            "stage-0-opt-spaces": "Hall, 30\nKitchen, 6\nOutside\n",
            "stage-0-opt-slots": "Morning, 9:30-10:30\nAfternoon, 14:00-15:30",
            "stage-0-opt-converge_on": "actions"}
    created = client.post("/create", data=form)
    assert created.status_code == 302
    stage = service.live(service.store.workshops()[-1].id).state.stages[0]
    assert stage.prompt == "What would make our street good to grow old on?"
    assert stage.options["spaces"] == ["Hall, 30", "Kitchen, 6", "Outside"]
    assert stage.options["convergence"] is False  # an unticked box turns convergence off
    assert stage.options["converge_on"] == "actions"
    form.update({"stage-0-opt-slots": "Morning, 9:30-10:30\nLate morning, 10:00-11:00"})
    refused = client.post("/create", data=form)
    assert refused.status_code == 400
    assert "stages[0].options.slots" in refused.get_data(as_text=True)
