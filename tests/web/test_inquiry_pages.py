"""The Appreciative Inquiry plan is editable on the review page, and its page parts load."""

import html
import re


def test_ai_plan_prompts_and_guide_are_edited_on_the_review_page(app, service) -> None:
    client = app.test_client()
    page = client.post("/create/review", data={"plan": "appreciative-inquiry"})
    text = page.get_data(as_text=True)
    assert "What makes us healthy here?" in text
    assert "Think back over your time here" in text  # the guide, a line each
    plan_json = re.search(r'name="plan_json" value="([^"]*)"', text)
    created = client.post("/create", data={
        "plan_json": html.unescape(plan_json.group(1)), "title": "Our town",
        "stage-1-prompt": "Tell me about a time our town was at its best."})
    assert created.status_code == 302
    row = service.store.workshops()[-1]
    stages = service.live(row.id).state.stages
    assert [s.kind for s in stages] == ["ai_define", "ai_discover", "ai_dream", "vote",
                                        "ai_design", "ai_destiny"]
    assert stages[1].prompt == "Tell me about a time our town was at its best."
    for path, marker in [(f"/j/{row.code}", 'id="ai_discover"'),
                         (f"/screen/{row.screen_key}", 'id="view-ai_destiny"'),
                         (f"/console/{row.console_key}", 'id="ai_define-panel"')]:
        body = client.get(path).get_data(as_text=True)
        assert marker in body and 'id="t-ai_dream"' in body, path
