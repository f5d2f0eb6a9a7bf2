"""The big-room check (tests/e2e/projector.py) for the World Café and Open Space projector
views: a café of 48 people at 12 tables over 3 rounds (the map of tables during round 2, and
the harvest of 288 tablecloth notes with 36 host summaries and photos), and an Open Space of
10 spaces by 6 slots with 40 topics on the grid, 6 still to place and 15 reports (the grid
while session 3 runs, and the news wall). Each room is filled in-process through the real
commands, then a live server replays the log and Chromium checks each view at four projector
sizes: no scrolling, every text whole on screen on some page, nothing under the floor, axe-core
clean, every page shown within a minute."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, expect

from facilitator.core.plan import plan_in_language
from tests.conftest import LiveServer
from tests.e2e.projector import ROOT, Filler, check_projector, make_service, screen_url

pytestmark = pytest.mark.e2e

NAMES = ["Amina", "Ben", "Ceri", "Dariusz", "Efua", "Fatima", "Gareth", "Hannah", "Idris",
         "Jola", "Kwame", "Lowri", "Marek", "Nia", "Omar", "Priya", "Rhys", "Sam", "Tomasz",
         "Ulla", "Vikram", "Wen", "Xavier", "Yasmin", "Zofia", "Aled", "Bronwen", "Chidi",
         "Deepa", "Emrys", "Farah", "Gwen", "Hamid", "Iolo", "Jasmine", "Karim", "Lena",
         "Mohammed", "Nadia", "Osian", "Parveen", "Quentin", "Rosa", "Sioned", "Tariq",
         "Uma", "Violet", "Wiktor", "Yusuf", "Zainab", "Alun", "Beata", "Cerys", "Dylan",
         "Elin", "Femi", "Gethin", "Hiba", "Ifan", "Joanna"]

# -- what a community-health café writes --------------------------------------------------------

PLACES = ["the library", "the community centre", "St Mary's hall", "the park by the river",
          "the allotments", "the leisure centre", "the Polish shop", "the mosque kitchen",
          "the youth club", "the bowls club", "the GP surgery", "the food bank",
          "the Saturday market", "the canal towpath", "the chapel vestry", "the school gates"]
PEOPLE = ["neighbours", "the pharmacist", "volunteers", "grandparents", "the walking group",
          "new families", "carers", "the choir", "young mums", "the men's shed",
          "the Somali women's group", "retired nurses", "the bus driver", "the health visitor"]
DOING = ["a cup of tea and a chat", "walking together", "growing vegetables", "singing",
         "sharing a meal", "fixing bikes", "knitting", "reading to children", "gentle exercise",
         "playing dominoes", "cooking on a budget", "checking in on each other"]
WHY = ["It is free and nobody asks why you came.",
       "You meet people you would never meet otherwise, and it keeps you going in winter.",
       "It works because people from round here run it, not an office.",
       "Tell people who have just moved in: most of them have never heard of it.",
       "The last bus is at six, so people who work cannot get there.",
       "It needs a ramp and a hearing loop so everyone can come.",
       "Nobody is made to feel like a patient; you are just a neighbour.",
       "The council grant ends in March and nobody knows what happens then."]
ASIDES = ["and it was free", "and nobody rushed us", "in our own language",
          "with a lift there and back", "every week since", "without a form to fill in",
          "even in the school holidays", "and they still do"]
ROUND_LEADS = [
    ["When I came out of hospital {people} brought meals round",
     "{People} noticed my dad was confused and rang the surgery",
     "My mum felt looked after at {place}", "A receptionist at {place} who remembered my name",
     "After my fall {people} checked in every day", "{People} sat with me at {place}",
     "Being asked how I was, and meaning it, at {place}",
     "{People} taught me {doing} after my stroke", "A phone call from {people}",
     "Kindness from {people}"],
    ["{People} at {place}", "{Doing} with {people} at {place}",
     "{Place} is where {people} meet for {doing}", "{People} run {doing} at {place}",
     "{Doing} on Tuesdays at {place}", "{Place}: {people} and {doing}", "{People}", "{Place}"],
    ["Map every group so the surgery can refer people to {place}",
     "A shared noticeboard at {place}", "Pay {people} for their time, not just thank them",
     "Keep {place} open in the evenings", "Start {doing} at {place} for people who work",
     "Ask {people} what they need before we plan anything",
     "A lift scheme so {people} can get to {place}", "Free {doing}", "More {doing}"],
]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


def tablecloth_notes(n: int, rounds: int, seed: int = 11) -> list[list[str]]:
    """``n`` unique tablecloth notes per round, of mixed length (20 to 200 characters): half
    a few words, a third a line or two, the rest longer, as felt pens on paper are."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[list[str]] = []
    for r in range(rounds):
        notes: list[str] = []
        while len(notes) < n:
            fields = {"place": rng.choice(PLACES), "people": rng.choice(PEOPLE),
                      "doing": rng.choice(DOING)}
            fields.update({k.capitalize(): v[0].upper() + v[1:] for k, v in list(fields.items())})
            text = rng.choice(ROUND_LEADS[r]).format(**fields)
            shape = rng.random()
            if shape > 0.5:
                text += ", " + rng.choice(ASIDES)
            if shape > 0.8:
                text += ". " + rng.choice(WHY)
            if shape > 0.93:
                text += " " + rng.choice(WHY)
            text += "" if text.endswith(".") else "."
            if not 20 <= len(text) <= 200 or text in seen:
                continue
            seen.add(text)
            notes.append(text)
        out.append(notes)
    return out


def summary(r: int, rng: random.Random) -> str:
    people, place, doing = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(DOING)
    return [f"Being known by name matters most: {people} at {place} do that without being "
            f"asked, and {doing} keeps people coming back.",
            f"{doing[0].upper() + doing[1:]} at {place} already works. What is missing is a way "
            f"for new people to hear about it, and transport in the evenings.",
            f"Fund {people} properly, keep {place} open, and let the surgery refer people to "
            f"{doing}."][r]


def photo_jpeg(shade: int) -> tuple[str, bytes, int, int]:
    from PIL import Image

    from facilitator.photos import clean

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (240, 235 - shade, 200)).save(out, "JPEG")
    photo = clean(out.getvalue())
    return photo.id, photo.data, photo.width, photo.height


def state_of(filler: Filler) -> Any:
    return filler.service.live(filler.row.id).state


def fill_cafe_gathering(service: Any) -> dict[str, Any]:
    """The café before round 1: 48 people in, waiting for their tables; the etiquette shows."""
    from facilitator.core.plan import load_plan

    plan = english(yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text()))
    row = service.create_workshop(load_plan(plan))
    f = Filler(service, row)
    f.join(48, NAMES[:48])
    f.console("start")
    return {"row": row, "etiquette": plan["stages"][0]["options"]["etiquette"]}


def fill_big_cafe(service: Any) -> dict[str, Any]:
    """A café of 800 at 200 tables in round 1, 400 notes written so far."""
    from facilitator.core.plan import load_plan

    plan = english(yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text()))
    row = service.create_workshop(load_plan(plan))
    f = Filler(service, row)
    f.join(800, [f"{NAMES[i % len(NAMES)]} {i // len(NAMES) + 1}" for i in range(800)])
    f.console("start")
    f.console("show_qr", {"visible": False})
    f.console("cafe_start_round")
    texts = tablecloth_notes(400, 1, seed=4)[0]
    for k, text in enumerate(texts):
        f.phone(2 * k, "post_note", {"text": text, "stage": 0, "round": 0})
    return {"row": row}


def fill_cafe(service: Any, rounds_done: int, harvest: bool,
              between: bool = False) -> dict[str, Any]:
    """A café of 48 at 12 tables: ``rounds_done`` full rounds of 8 notes per table (2 each),
    a summary from each host every round, two photos; then round ``rounds_done + 1`` with half
    its notes, or (``between``) the pause after round ``rounds_done``, or the harvest."""
    from facilitator.activities.cafe import cafe
    from facilitator.core.plan import load_plan

    plan = english(yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text()))
    row = service.create_workshop(load_plan(plan))
    f = Filler(service, row)
    f.join(48, NAMES[:48])
    f.console("start")
    f.console("show_qr", {"visible": False})  # everyone is in: the join box goes to a corner
    texts = tablecloth_notes(96, 3)
    rng = random.Random(5)
    index = {pid: i for i, pid in enumerate(f.phones)}
    written: dict[str, list[str]] = {"notes": [], "summaries": []}
    for r in range(rounds_done if between else min(rounds_done + 1, 3)):
        f.console("cafe_start_round")
        c = cafe(state_of(f), 0)
        last = r == rounds_done  # the round on now, half written
        for k, text in enumerate(texts[r][: 48 if last else 96]):
            f.phone(k % 48, "post_note", {"text": text, "stage": 0, "round": r})
            written["notes"].append(text)
        if last:
            break
        for table in range(c.seating.tables):
            text = summary(r, rng)
            while text in written["summaries"]:
                text = summary(r, rng)
            f.phone(index[c.host(table, r)], "cafe_summary", {"text": text})
            written["summaries"].append(text)
        if r == 1:
            for shade, table in ((0, 2), (30, 7)):
                pid, data, w, h = photo_jpeg(shade)
                service.store.put_file(row.id, pid, "image/jpeg", data)
                f.phone(index[c.host(table, r)], "cafe_photo",
                        {"photo": pid, "width": w, "height": h})
        f.console("cafe_end_round")
    if harvest:
        f.console("cafe_harvest")
    c = cafe(state_of(f), 0)
    hosts = {t: state_of(f).participants[c.host(t)].name for t in range(c.seating.tables)}
    return {"row": row, "hosts": hosts, "purpose": plan["purpose"],
            "etiquette": plan["stages"][0]["options"]["etiquette"], **written}


# -- what an Open Space grid holds ------------------------------------------------------------

SPACES = ["Main hall, 60", "Library, 12", "Garden room, 8", "Meeting room 2, 6",
          "Meeting room 3, 6", "The chapel, 25", "Kitchen table, 6", "Youth club loft, 15",
          "Bowls pavilion, 20", "Some place else (the café, the garden)"]
SLOTS = ["Session 1, 09:30-10:30", "Session 2, 10:45-11:45", "Session 3, 12:00-12:45",
         "Session 4, 13:45-14:45", "Session 5, 15:00-15:45", "Session 6, 16:00-16:30"]
TOPICS = [
    "Safe pavements and benches every 200 metres", "Lunch clubs that reach people at home",
    "Buses to the clinic after six", "Intergenerational gardening", "Help at home without the wait",
    "Loneliness in winter", "Dementia-friendly shops", "Carers need a break too",
    "Public toilets people can find", "Digital help without the jargon",
    "Men's sheds and making things", "Moving house when stairs get hard",
    "Falls: what works to prevent them", "Hearing loops in every hall",
    "A town map of everything on offer", "Volunteer drivers: who pays the mileage?",
    "Singing for the brain", "Food banks and dignity", "Grief cafés",
    "Getting a GP appointment", "Pensioners and scams", "Walking football",
    "Housing that lets couples stay together", "Young people as digital buddies",
    "Hospital discharge that does not leave you alone", "Accessible events: a checklist",
    "Cold homes and energy bills", "Faith groups as first responders",
    "Parks with shade and water", "Care homes open to the town",
    "What the council should stop doing", "LGBT+ and growing older",
    "Language classes for older newcomers", "Bowls club open days",
    "Library home delivery", "Cycling without age: trishaw rides",
    "Money advice before crisis", "Street parties that include everyone",
    "Being asked, not told: co-designing services", "Sight loss and getting about",
    "Befriending by phone", "Nature walks on prescription", "Repair cafés",
    "Choirs across generations", "Tai chi in the park", "A directory that stays up to date",
]
POINTS = ["People do not know what already exists two streets away.",
          "Cost is the barrier people mention first, then transport.",
          "Volunteers are stretched: the same ten people run everything.",
          "Being welcomed by name made the difference for almost everyone here.",
          "Evening and weekend times are missing for people who still work or care."]
RECS = ["Ask the surgery to keep a printed list of local groups at reception.",
        "Fund transport to sessions, not only the sessions.",
        "Offer a taster session with a named person who meets newcomers at the door.",
        "Pair every new group with an established one for its first six months."]
ACTIONS = [("Draft a one-page map of groups in the north ward", "Priya", "2027-01-15"),
           ("Ask the bus company about a 7 pm service", "Gareth", "2027-02-01"),
           ("Book the library for a monthly drop-in", "Nia", "2026-12-20"),
           ("Write to the council's ageing-well lead", "Omar", "2027-01-10")]


def fill_marketplace(service: Any) -> dict[str, Any]:
    """The Open Space before the first session: 20 topics posted, 12 of them on the grid."""
    from facilitator.core.plan import load_plan

    plan = english(yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text()))
    plan["stages"][0]["options"].update(spaces=SPACES, slots=SLOTS)
    row = service.create_workshop(load_plan(plan))
    f = Filler(service, row)
    f.join(40, NAMES)
    f.console("start")
    f.console("show_qr", {"visible": False})  # the join box is in its corner once a stage runs
    ids = [f.phone(i, "os_topic_post", {"title": title})["topic_id"]
           for i, title in enumerate(TOPICS[:20])]
    for k, topic in enumerate(ids[:12]):
        f.console("os_place", {"topic": topic, "space": f"s{k % 10 + 1}",
                               "slot": f"slot{k // 10 + 1}"})
    options = plan["stages"][0]["options"]
    return {"row": row, "principles": options["principles"],
            "law": " ".join(options["law"].split()), "topics": TOPICS[:20]}


ANNOUNCEMENTS = ["Lunch is at 12:30 in the main hall: soup, sandwiches and cake",
                 "Session on transport moved to the garden"]


def fill_openspace(service: Any, news: bool) -> dict[str, Any]:
    """An Open Space of 10 spaces by 6 slots: 46 topics posted, 40 placed (the first 40 of
    the grid's cells in reading order, skipping some), session 3 running with people checked in,
    15 reports from the first two sessions; then the agenda, or the news wall."""
    from facilitator.activities.openspace import openspace
    from facilitator.core.plan import load_plan

    plan = english(yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text()))
    plan["stages"][0]["options"].update(spaces=SPACES, slots=SLOTS)
    row = service.create_workshop(load_plan(plan))
    f = Filler(service, row)
    f.join(60, NAMES)
    f.console("start")
    f.console("show_qr", {"visible": False})
    ids = []
    for i, title in enumerate(TOPICS):
        ack = f.phone(i, "os_topic_post", {"title": title, "blurb": f"About {title.lower()}."})
        ids.append(ack["topic_id"])
    cells = [(f"s{sp + 1}", f"slot{sl + 1}") for sl in range(6) for sp in range(10)
             if (sp + sl) % 3 != 2 or sp < 2]
    assert len(cells) >= 40
    for topic, (space, slot) in zip(ids[:40], cells, strict=False):
        f.console("os_place", {"topic": topic, "space": space, "slot": slot})
    o = openspace(state_of(f), 0)
    for slot in range(3):  # sessions 1 and 2 are over, 3 runs: people check in to each
        f.console("os_set_slot", {"slot": slot})
        running = [t for t in ids[:40] if o.cell_of(t)[1] == f"slot{slot + 1}"]
        for k in range(60):  # conveners in their own session, everyone else somewhere
            own = k < 46 and ids[k] in running
            f.phone(k, "os_check_in", {"topic": ids[k] if own else running[k % len(running)],
                                       "show_name": k % 3 == 0})
    earlier = [t for t in ids[:40] if o.cell_of(t)[1] in ("slot1", "slot2")][:15]
    rng = random.Random(3)
    entries: list[str] = []
    for n, topic in enumerate(earlier):
        convener = ids.index(topic)
        for text in rng.sample(POINTS, 2 + n % 2):
            f.phone(convener, "os_entry_add", {"topic": topic, "kind": "point", "text": text})
            entries.append(text)
        for text in rng.sample(RECS, 1 + n % 2):
            f.phone(convener, "os_entry_add", {"topic": topic, "kind": "recommendation",
                                               "text": text})
            entries.append(text)
        if n % 3 != 1:
            text, owner, due = ACTIONS[n % 4]
            f.phone(convener, "os_entry_add", {"topic": topic, "kind": "action", "text": text,
                                               "owner": owner, "due": due})
            entries += [text, f"{owner}, by", due]
    if news:
        f.console("os_screen", {"view": "news"})
    else:  # from the facilitator, then a convener: on a strip above the grid
        f.console("os_announce", {"text": ANNOUNCEMENTS[0]})
        f.phone(2, "os_announce", {"text": ANNOUNCEMENTS[1]})
    titles = {t.id: t.display for t in o.live_topics()}
    return {"row": row, "placed": [titles[t] for t in ids[:40]],
            "unplaced": [titles[t] for t in ids[40:]],
            "reported": [titles[t] for t in earlier], "entries": entries}


# -- the rooms, one live server ---------------------------------------------------------------

@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("cafe-openspace")
    db = tmp / "rooms.db"
    service = make_service(db)
    filled = {"etiquette": fill_cafe_gathering(service),
              "map": fill_cafe(service, rounds_done=1, harvest=False),
              "between": fill_cafe(service, rounds_done=1, harvest=False, between=True),
              "big map": fill_big_cafe(service),
              "harvest": fill_cafe(service, rounds_done=3, harvest=True),
              "principles": fill_marketplace(service),
              "grid": fill_openspace(service, news=False),
              "news": fill_openspace(service, news=True)}
    server = LiveServer(db, tmp / "server.log").start()
    try:
        yield {"server": server, **filled}
    finally:
        server.stop()


def unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def test_cafe_etiquette_before_round_one(browser: Browser, rooms: dict) -> None:
    room = rooms["etiquette"]
    expected = ["48 people ready. Your phone will show your table.", "Café etiquette",
                *room["etiquette"]]
    figures = check_projector(browser, screen_url(rooms["server"], room["row"]), expected,
                              "cafe-etiquette", ready=".cafe-etiquette [data-item]")
    assert all(f["pages"] == 1 for f in figures.values()), figures


def test_cafe_purpose_and_etiquette_between_rounds(browser: Browser, rooms: dict) -> None:
    room = rooms["between"]
    expected = ["Round 1 is over. Hosts are writing their summaries; everyone else, get ready "
                "to move.", f"What this is for: {room['purpose']}", "Café etiquette",
                *room["etiquette"]]
    figures = check_projector(browser, screen_url(rooms["server"], room["row"]), expected,
                              "cafe-between", ready=".cafe-etiquette [data-item]")
    assert all(f["pages"] == 1 for f in figures.values()), figures


def test_cafe_map_of_twelve_tables_during_round_two(browser: Browser, rooms: dict) -> None:
    room = rooms["map"]
    expected = ["Round 2 of 3", "Which people, groups and places in our neighbourhood help "
                "people stay well, and how?"]
    expected += [f"Table {t + 1}" for t in range(12)]
    expected += [f"{name} hosts" for name in room["hosts"].values()]
    expected += ["4 seated", "4 notes"]  # 48 notes of round 2 so far: 4 at each table
    figures = check_projector(browser, screen_url(rooms["server"], room["row"]), unique(expected),
                              "cafe-map", ready=".cafe-map [data-item]:not([data-off])")
    assert all(f["pages"] == 1 for f in figures.values()), figures


def test_cafe_map_of_two_hundred_tables(browser: Browser, rooms: dict) -> None:
    """The largest café a plan allows on one projector: compact tables, paged, within a minute."""
    room = rooms["big map"]
    expected = ["Round 1 of 3", *[f"Table {t + 1}" for t in range(200)], "4 seated"]
    figures = check_projector(browser, screen_url(rooms["server"], room["row"]), expected,
                              "cafe-map-200", ready=".cafe-map [data-item]:not([data-off])")
    assert all(f["pages"] > 1 for f in figures.values()), figures


# The harvest is the one view that cannot go round in a minute at the floor: its 288 notes and
# 36 summaries are about 25,000 characters. At 24 px (1080 high) a character of the projector's
# sans face takes about 12.5 x 29 px, so the text alone covers about 9 Mpx against a view area
# of about 1.5 Mpx: at least 6 full pages with perfect packing, 10 to 11 as laid out (table
# headings, line ends, gaps); at 1024x768 (17 px, a smaller view under a taller header) at least
# 10, 13 to 15 as laid out. Pages turn every 8 s at the quickest, so the harvest takes 1.5 to 2
# minutes to go round. Every other part of the standard holds; the round is held to
# HARVEST_SECONDS instead of a minute, and the figures are reported.
HARVEST_SECONDS = 120


def test_cafe_harvest_of_288_notes(browser: Browser, rooms: dict) -> None:


    room = rooms["harvest"]
    assert len(room["notes"]) == 288 and len(room["summaries"]) == 36
    lengths = [len(t) for t in room["notes"]]
    assert min(lengths) >= 20 and max(lengths) <= 200 and max(lengths) > 150
    expected = ["What every table found", *[f"Table {t + 1}" for t in range(12)],
                *room["summaries"], *room["notes"]]
    url = screen_url(rooms["server"], room["row"])
    check_projector(browser, url, unique(expected), "cafe-harvest",
                    ready=".cafe-harvest [data-item]:not([data-off])",
                    round_seconds=HARVEST_SECONDS)
    # the two photos of paper tablecloths are in the harvest, loaded (not a broken image)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(url)
        expect(page.locator(".cafe-harvest .photo img")).to_have_count(2)
        page.wait_for_function("() => [...document.querySelectorAll('.cafe-harvest .photo img')]"
                               ".every((i) => i.complete && i.naturalWidth === 640)")
    finally:
        page.close()



def test_open_space_principles_while_the_marketplace_opens(browser: Browser,
                                                           rooms: dict) -> None:
    room = rooms["principles"]
    expected = ["Post your topics from your phone: take a space and a time.", "The principles",
                *room["principles"], room["law"], *room["topics"]]
    check_projector(browser, screen_url(rooms["server"], room["row"]), expected,
                    "openspace-principles", ready=".os-principle-list [data-item]")


def test_open_space_grid_of_ten_spaces_by_six_slots(browser: Browser, rooms: dict) -> None:
    room = rooms["grid"]
    expected = [*room["placed"], *room["unplaced"], "Topics not yet on the grid",
                "Now: Session 3 (12:00–12:45) · Next: Session 4 (13:45–14:45)",
                "Announcements", *ANNOUNCEMENTS,
                *[s.rsplit(",", 1)[0] if s[-1].isdigit() else s for s in SPACES]]
    check_projector(browser, screen_url(rooms["server"], room["row"]), unique(expected),
                    "openspace-grid", ready=".os-screen-grid [data-item]:not([data-off])")


def test_open_space_news_wall_of_fifteen_reports(browser: Browser, rooms: dict) -> None:
    room = rooms["news"]
    assert len(room["reported"]) == 15
    expected = ["Key points", "Recommendations", "Actions", *room["reported"], *room["entries"]]
    check_projector(browser, screen_url(rooms["server"], room["row"]), unique(expected),
                    "openspace-news", ready=".os-news-list [data-item]:not([data-off])")

