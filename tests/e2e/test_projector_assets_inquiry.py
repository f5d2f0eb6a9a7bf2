"""The big room on the projector for the asset map, the Appreciative Inquiry and taking
priorities forward (issue 11): each view filled through the real commands, then checked at
four projector sizes by ``tests/e2e/projector.py`` (no scrolling, every contribution whole on
screen on some page within 60 s, nothing under the floor, axe-core clean).

- the asset map of 150 entries (head, hands, heart, offers, wishes and the six kinds of
  community asset, one kind with a single entry) at its connections step (lines between
  connected entries, some agreed by both sides) and at its gaps step;
- a person-centred map: the projector shows only its notice, readable;
- the inquiry: 40 framings (Define), 15 themes of the positive core (Discover), 40
  propositions (Dream), 30 design statements (Design), 40 commitments and 3 action teams
  (Destiny);
- taking 10 priorities forward, with volunteers and first steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import LiveServer
from tests.e2e.projector import Filler, check_projector, make_service, ready_plan, screen_url

pytestmark = pytest.mark.e2e

# -- the asset map: 150 entries --------------------------------------------------------------

PERSONAL = {
    "head": ["Local history", "First aid", "Speaks Polish", "Welsh", "Book-keeping",
             "Knows the council planning rules", "Bird watching", "Tax returns",
             "Sign language (BSL)", "Nutrition", "Computer repairs", "The bus timetables",
             "Family law basics", "Beekeeping", "Mental health first aid"],
    "hands": ["Fixing bikes", "Cooking for a crowd", "Sewing", "Painting and decorating",
              "Carpentry", "Knitting", "Hairdressing", "Plumbing", "Gardening", "Baking bread",
              "Photography", "Car maintenance", "Dog walking", "Upholstery", "Guitar playing"],
    "heart": ["Young people", "Older neighbours", "Clean streets", "Refugees settling in",
              "Safe cycling routes", "Nature and the river", "Loneliness", "Local shops",
              "Children's play", "Food waste", "Mental health", "Housing", "Animal welfare",
              "Reading for pleasure", "The library staying open"],
    "offer": ["Guitar lessons for beginners", "Lifts to the doctor's on Tuesdays",
              "Help with CVs and job applications", "Spare allotment space for vegetables",
              "Bread baking sessions in my kitchen", "Bike repair workshop on Saturdays",
              "Computer help for older people", "English conversation practice",
              "A sewing machine to lend", "Dog walking while you are in hospital",
              "Photography walks along the canal", "Homework help for teenagers"],
    "wish": ["To learn to play the guitar", "A lift to the doctor's surgery",
             "Someone to read my CV", "Somewhere to grow vegetables", "To learn to bake bread",
             "Get my bike repaired", "To learn to use a computer", "Practise my English",
             "Borrow a sewing machine", "Find a dog walker", "Meet people on walks by the canal",
             "Homework help for my son"],
}
KINDS = {
    "individuals": ["Mrs Patel, retired nurse", "Dave at the corner shop", "Amina, youth worker",
                    "Mr Jones the lollipop man", "Grace who runs the choir", "Tom the postman",
                    "Sister Mary at St Mark's", "Ravi, retired electrician",
                    "Jo from the food bank", "Dr Okafor", "Lena the childminder",
                    "Kwame, football coach", "Ann at the library desk", "Pete the window cleaner",
                    "Mia, art student", "Bilal the mechanic", "Rosa, community nurse",
                    "George, local historian", "Sam the gardener", "Yusuf the taxi driver"],
    "associations": ["Elmside FC", "Quiz team at the Crown", "Allotment association",
                     "Tenants' association", "Knit and natter group", "Elmside Runners",
                     "Brownies and Guides", "Parent and toddler group", "Friends of Elm Park",
                     "Model railway club", "Chess club", "Choir at St Mark's", "Men's shed",
                     "Dementia café", "Bowls club", "Youth football league", "Litter pickers",
                     "Mill Lane residents"],
    "organisations": ["Central Library", "St Mark's Church", "Elmside Primary School",
                      "Health centre", "Citizens Advice", "Fire station", "Food bank",
                      "Leisure centre", "Mosque on Station Road", "Sixth form college",
                      "Housing association office", "Police community team",
                      "Family centre", "Job centre", "Credit union", "Hospice shop",
                      "Scout hut", "Community energy co-op"],
    "physical": ["Elm Park", "Community hall", "The canal towpath", "Allotments on Mill Lane",
                 "Skate park", "Bus station", "Market square", "River meadow", "Wildlife pond",
                 "Cycle path to town", "Old railway line walk", "Church hall", "Bandstand",
                 "Public toilets by the park", "Outdoor gym"],
    "economic": ["Saturday market", "Corner shop on Elm Rd", "Repair café",
                 "Bakery on the high street", "Hardware store", "Charity shops", "Farm shop",
                 "Launderette", "Café in the park"],
    "cultural": ["Brass band"],
}
OFFERS = {"Central Library": "meeting room; free wifi; computer classes",
          "Repair café": "bike repairs; mending clothes", "Community hall": "hall hire"}
PRIVATE = "My private worry about the rent"  # never on the projector
N_ASSET_PHONES = 30


def _asset_map(service: Any, final_step: str) -> tuple[Any, list[str], list[str]]:
    """An asset map of 150 entries, moved on to ``final_step`` ("connections" or "map");
    returns the row, the entries' texts and the connections' texts as the screen says them."""
    from facilitator.activities.asset_map import screen_view

    row = service.create_workshop(ready_plan("asset-mapping"))
    f = Filler(service, row)
    f.join(N_ASSET_PHONES, [f"Resident {i + 1}" for i in range(N_ASSET_PHONES)])
    f.console("start")
    f.console("asset_purpose", {"text": "Help people in Elmside find each other, and what "
                                        "is already here, to stay well and connected."})
    f.console("next_stage")
    texts: list[str] = []
    n = 0
    for category, entries in PERSONAL.items():
        for text in entries:
            f.phone(n % N_ASSET_PHONES, "asset_gift_add",
                    {"category": category, "text": text, "visibility": "group"})
            texts.append(text)
            n += 1
    f.phone(3, "asset_gift_add", {"category": "heart", "text": PRIVATE, "visibility": "private"})
    f.console("next_stage")
    for kind, names in KINDS.items():
        for name in names:
            f.phone(n % N_ASSET_PHONES, "asset_add",
                    {"kind": kind, "name": name, "offers": OFFERS.get(name, ""),
                     "place": "", "visibility": "group"})
            texts.append(name)
            n += 1
    assert len(texts) == 150
    f.console("next_stage")
    # the facilitator shares ten suggestions; both sides agree to follow up six of them
    state = service.live(row.id).state
    from facilitator.activities.asset_map import _sides, suggestions

    found = list(suggestions(state).items())
    assert len(found) >= 10, [c.explain() for _cid, c in found]
    by_pid = {pid: i for i, pid in enumerate(f.phones)}
    for k, (cid, c) in enumerate(found[:10]):
        f.console("asset_review", {"connection": cid, "status": "shared"})
        if k % 5 < 3:
            for owner in _sides(state, c):
                f.phone(by_pid[owner], "asset_follow", {"connection": cid, "follow": True})
    if final_step == "map":
        f.console("next_stage")
    state = service.live(row.id).state
    view = screen_view(state, state.stage_index)
    assert sum(c["agreed"] for c in view["connections"]) >= 5
    links = [f"{c['offer_text']} ↔ {c['wish_text']} " + ("(both agreed)" if c["agreed"]
                                                         else "(suggested)")
             for c in view["connections"]]
    return row, texts, links


# -- the inquiry -----------------------------------------------------------------------------

N_AI = 40
NAMES = ["Amina", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hamid", "Isla", "Jonah",
         "Kasia", "Liam", "Maya", "Nasser", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tess"]
PLACES = ["the park", "the library", "the school gates", "the market", "our street",
          "the allotments", "the health centre", "the bus stop", "the community hall",
          "the canal"]
THEMES = ["Neighbours helping neighbours", "Celebration", "Young and old together",
          "Feeling welcome", "Green spaces", "Food shared", "Music in the streets",
          "Local pride", "Learning together", "Looking after each other", "Safe streets",
          "Volunteering", "Being listened to", "Small kindnesses", "Getting outdoors"]
FRAMINGS = [f"How do we make {place} a place where {what}?"
            for what in ("everyone feels they belong", "people of all ages meet",
                         "children play safely", "neighbours know each other's names")
            for place in PLACES]
PROPOSITIONS = [f"At {place}, {what}" for what in (
    "neighbours of every age meet each week and know each other by name.",
    "anyone who needs a hand finds one within a day.",
    "young people run the events and older people share their skills.",
    "food is grown, cooked and shared by the people who live here.") for place in PLACES]
ASPECTS = ("structures", "relationships", "practices")


def _inquiry(service: Any, upto: str) -> tuple[Any, dict[str, Any]]:
    """The ready Appreciative Inquiry with 40 people, run through to the stage ``upto``
    (ai_define ... ai_destiny); returns the row and what each stage put on the screen."""
    from facilitator.activities.inquiry.ai_discover import positive_core

    row = service.create_workshop(ready_plan("appreciative-inquiry"))
    f = Filler(service, row)
    f.join(N_AI, NAMES)
    f.console("start")
    out: dict[str, Any] = {}
    state = lambda: service.live(row.id).state  # noqa: E731
    by_pid = {pid: i for i, pid in enumerate(f.phones)}

    # Define: 40 framings, supported
    ids = [f.phone(i % 20, "ai_frame", {"text": text})["framing_id"]
           for i, text in enumerate(FRAMINGS)]
    for i in range(N_AI):
        for k in (i, i * 7 + 3):
            f.phone(i, "ai_support", {"framing_id": ids[k % len(ids)], "support": True}, ok=False)
    out["ai_define"] = FRAMINGS
    if upto == "ai_define":
        return row, out
    f.console("ai_topic", {"framing_id": ids[0]})
    f.console("next_stage")

    # Discover: pairs interview each other, share, tag 15 themes in small groups
    f.console("ai_pair")
    for _turn in range(2):
        for i in range(N_AI):
            f.phone(i, "ai_story", {
                "highlights": f"The day {PLACES[i % 10]} was full of people helping ({i})",
                "quote": f"We found each other again at {PLACES[i % 10]} ({i})",
                "life": "neighbours helping neighbours, and music",
                "wishes": "more of it, every month"}, ok=False)
        if _turn == 0:
            f.console("ai_swap")
    idx = state().stage_index
    stories = list(state().inquiry[idx].stories.values())
    assert len(stories) == N_AI
    for s in stories:
        f.phone(by_pid[s.teller], "ai_consent", {"story_id": s.id, "consent": True})
    f.console("ai_groups")
    for k, s in enumerate(stories):
        for theme in {THEMES[k % 15], THEMES[(k * 4 + 2) % 15]}:
            f.phone(by_pid[s.teller], "ai_tag", {"story_id": s.id, "theme": theme})
    core = positive_core(state(), idx)
    assert len(core["themes"]) == 15
    out["ai_discover"] = [t["theme"] for t in core["themes"]] + \
        [q for t in core["themes"] for q in t["quotes"]] + [w for w, _n in core["words"]]
    if upto == "ai_discover":
        return row, out
    f.console("ai_close")
    f.console("next_stage")

    # Dream: 40 propositions, each grounded in a story, rated
    story_ids = [s.id for s in stories]
    props = [f.phone(i % 20, "ai_propose", {"text": text, "stories": [story_ids[i]],
                                            "checks": ["affirmative", "grounded"]}
                     )["proposition_id"] for i, text in enumerate(PROPOSITIONS)]
    for i in range(20, N_AI):
        f.phone(i, "ai_rate", {"proposition_id": props[i], "criteria": ["desired"]})
    out["ai_dream"] = PROPOSITIONS
    if upto == "ai_dream":
        return row, out
    f.console("next_stage")

    # the vote: three propositions come out on top
    f.console("open_vote")
    for i in range(N_AI):
        for k in (0, 1 + i % 2, 3 + i % 5):
            f.phone(i, "place_dot", {"item_id": props[k]})
    f.console("close_vote")
    f.console("next_stage")

    # Design: ten statements for each of the three chosen propositions
    from facilitator.activities.inquiry.ai_design import chosen

    picked = chosen(state(), state().stage_index)
    top = [p["id"] for p in picked]
    assert len(top) == 3
    statements = []
    for k in range(30):
        text = (f"{['A fund', 'A rota', 'A weekly meeting'][k % 3]} for "
                f"{PLACES[k % 10]}, run by residents ({k + 1})")
        f.phone(k, "ai_design", {"proposition_id": top[k % 3], "aspect": ASPECTS[k // 3 % 3],
                                 "text": text})
        statements.append(text)
    out["ai_design"] = statements + [p["text"] for p in picked]
    if upto == "ai_design":
        return row, out
    f.console("next_stage")

    # Destiny: 40 commitments, three action teams with a first step each
    top = [p["id"] for p in chosen(state(), state().stage_index)]
    commitments = []
    for i in range(N_AI):
        text = f"I will knock on {i + 2} doors near {PLACES[i % 10]} and invite people"
        f.phone(i, "ai_commit", {"text": text, "by_when": f"{i % 28 + 1} June",
                                 "with_whom": "my neighbours" if i % 2 else ""})
        commitments.append(text)
    for i in range(N_AI):
        f.phone(i, "ai_join_team", {"proposition_id": top[i % 3], "join": True})
    for k in range(3):
        f.phone(k, "ai_team_step", {"proposition_id": top[k], "first_step":
                                    f"Book {PLACES[k]} for the first meeting",
                                    "by_when": "1 May"})
    out["ai_destiny"] = commitments + [f"Book {PLACES[k]} for the first meeting"
                                       for k in range(3)]
    return row, out


# -- taking 10 priorities forward ------------------------------------------------------------

PRIORITY_PLAN = {"title": "What next for Elmside", "stages": [
    {"kind": "notes", "title": "Ideas", "prompt": "What should we do first?"},
    {"kind": "vote", "title": "Choose", "prompt": "Which ideas matter most?",
     "options": {"dots": 3, "hidden": True}},
    {"kind": "adopt", "title": "Taking it forward",
     "prompt": "Who will take these priorities forward?", "options": {"top": 10}},
]}
IDEAS = ["A community fridge at the hall", "Monthly street parties in summer",
         "Homework club at the library", "Repair café every Saturday",
         "A walking group for new parents", "Wildflower verges on Mill Lane",
         "Lunch club for older neighbours", "Youth-run radio station",
         "Safer crossing by the school", "Seed swap at the allotments",
         "Litter pick with the primary school", "Welcome packs for new residents"]
N_ADOPT = 30
DOTS = [14, 12, 11, 10, 9, 9, 7, 6, 5, 4, 2, 1]  # 90 dots: ranks 1-10 are ten ideas, 5 is tied


def _priorities(service: Any) -> tuple[Any, list[str]]:
    from facilitator.core.plan import load_plan

    row = service.create_workshop(load_plan(PRIORITY_PLAN))
    f = Filler(service, row)
    f.join(N_ADOPT, [f"Neighbour {i + 1}" for i in range(N_ADOPT)])
    f.console("start")
    notes = [f.phone(i, "post_note", {"text": text})["note_id"] for i, text in enumerate(IDEAS)]
    f.console("next_stage")
    f.console("open_vote")
    left = dict(zip(notes, DOTS, strict=True))
    for i in range(N_ADOPT):  # three dots each, on the ideas with most dots still to give
        for note in sorted(left, key=lambda n: -left[n])[:3]:
            f.phone(i, "place_dot", {"item_id": note})
            left[note] -= 1
    assert not any(left.values())
    f.console("close_vote")
    f.console("next_stage")
    from facilitator.activities.adopt import top_items

    state = service.live(row.id).state
    items = top_items(state, state.stage_index)
    assert len(items) == 10 and sum(i["tied"] for i in items) == 2, items
    steps = []
    for i in range(N_ADOPT):
        item = items[i % len(items)]
        step = f"Ask {['the council', 'the school', 'the vicar', 'the shop'][i % 4]} " \
               f"about {item['label'].lower()} ({i + 1})"
        f.phone(i, "adopt_item", {"item": item["id"], "on": True, "step": step,
                                  "show_name": i % 3 == 0})
        steps.append(step)
    return row, [i["label"] for i in items] + steps + \
        [f"Neighbour {i + 1}" for i in range(N_ADOPT) if i % 3 == 0]


# -- the module's rooms: filled once, one live server ----------------------------------------

@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("bigroom-b")
    db = tmp / "rooms.db"
    service = make_service(db)
    made: dict[str, Any] = {}
    made["assets_connections"] = _asset_map(service, "connections")
    made["assets_gaps"] = _asset_map(service, "map")
    pc = service.create_workshop(ready_plan("my-assets"))
    Filler(service, pc).console("start")
    made["assets_private"] = (pc, [])
    for kind in ("ai_define", "ai_discover", "ai_dream", "ai_design", "ai_destiny"):
        made[kind] = _inquiry(service, kind)
    made["adopt"] = _priorities(service)
    server = LiveServer(db, tmp / "server.log").start()
    made["server"] = server
    yield made
    server.stop()


def test_asset_map_of_150_entries_with_connections(browser: Browser, rooms: dict) -> None:
    row, texts, links = rooms["assets_connections"]
    url = screen_url(rooms["server"], row)
    check_projector(browser, url, texts + links, "asset map, connections (150 entries)",
                    ready="#view-assets .assets-chip")
    # the lines: on every page, one per connection whose two ends are both on that page
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(url)
        expect(page.locator("#view-assets .assets-chip").first).to_be_visible()
        page.keyboard.press("p")
        pages = int(page.locator("#pager").get_attribute("data-pages") or 1)
        drawn = 0
        for k in range(pages):
            page.wait_for_timeout(300)
            lines = page.evaluate(LINES)
            assert lines["drawn"] == lines["both_shown"], f"page {k + 1}: {lines}"
            drawn += lines["drawn"]
            page.keyboard.press("PageDown")
        assert PRIVATE not in page.locator("body").inner_text()
    finally:
        page.close()


# Lines drawn now, and connections (from the list) whose two entries are both on screen now.
LINES = """() => {
  const view = document.getElementById("view-assets");
  const on = (e) => Boolean(e && e.getClientRects().length);
  const ids = [...view.querySelectorAll(".assets-link-list li[data-connection]")]
    .map((li) => li.dataset.connection);
  const chip = (id) => view.querySelector(`.assets-chip[data-item-id="${CSS.escape(id)}"]`);
  const both = ids.filter((id) => id.split("~").every((end) => on(chip(end))));
  return { drawn: view.querySelectorAll(".assets-lines line").length, both_shown: both.length };
}"""


def test_asset_map_gaps_step(browser: Browser, rooms: dict) -> None:
    row, texts, links = rooms["assets_gaps"]
    url = screen_url(rooms["server"], row)
    gaps = "Few entries yet: Cultural. Who or what could we add?"
    check_projector(browser, url, [*texts, *links, gaps, "Few entries yet"],
                    "asset map, gaps (150 entries)", ready="#view-assets .assets-gaps-line")
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.goto(url)
        thin = page.locator("#view-assets .assets-box.kind.thin")
        expect(thin).to_have_count(1)
        expect(thin).to_have_attribute("data-kind", "cultural")
        assert thin.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    finally:
        page.close()


def test_person_centred_map_shows_a_readable_notice(browser: Browser, rooms: dict) -> None:
    row, _ = rooms["assets_private"]
    check_projector(browser, screen_url(rooms["server"], row),
                    ["This is a person's own map: nothing is shown on the screen."],
                    "asset map, person-centred notice", ready="#view-assets .assets-private")


@pytest.mark.parametrize("kind", ["ai_define", "ai_discover", "ai_dream", "ai_design",
                                  "ai_destiny"])
def test_inquiry_views(browser: Browser, rooms: dict, kind: str) -> None:
    row, out = rooms[kind]
    check_projector(browser, screen_url(rooms["server"], row), out[kind],
                    f"inquiry, {kind}", ready=f"#view-{kind} [data-item]")


def test_ten_priorities_taken_forward(browser: Browser, rooms: dict) -> None:
    row, texts = rooms["adopt"]
    # ties are said in words ("Priority 5 (tied)"), not "5="
    check_projector(browser, screen_url(rooms["server"], row), [*texts, "Priority 5 (tied)"],
                    "taking it forward (10 priorities)", ready="#view-adopt [data-item]")
