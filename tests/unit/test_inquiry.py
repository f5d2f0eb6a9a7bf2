"""Pure tests of Appreciative Inquiry: Define, Discover, Dream, Design, Destiny, the stage
flow guard, consent, pairing across rounds and the dot vote on propositions."""

from pathlib import Path

import pytest
import yaml
from room import FAC, Room

from facilitator.activities.inquiry.ai_define import warnings
from facilitator.activities.inquiry.ai_discover import discover
from facilitator.core.commands import Actor
from facilitator.core.plan import load_plan, plan_in_language
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot

ROOT = Path(__file__).resolve().parents[2]
STAGES = [
    {"kind": "ai_define", "prompt": "Our topic"},
    {"kind": "ai_discover", "prompt": "Interviews", "options": {"rounds": 2}},
    {"kind": "ai_dream", "prompt": "What might be"},
    {"kind": "vote", "prompt": "Which propositions?", "options": {"dots": 2}},
    {"kind": "ai_design", "prompt": "What should be", "options": {"choose": 2}},
    {"kind": "ai_destiny", "prompt": "What will be", "options": {"choose": 2}},
]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


def ai_room(people: int = 8) -> tuple[Room, list[Actor]]:
    room = Room(STAGES)
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    return room, actors


def phone(room: Room, actor: Actor) -> dict:
    return snapshot(room.state, "phone", actor.participant)["inquiry"]


def interview_everyone(room: Room, actors: list[Actor], consent: bool = True) -> list[str]:
    """Each interviewer captures their partner's story; each teller consents (or not)."""
    ids = []
    for a in actors:
        me = phone(room, a)["me"]
        if "partner" not in me:
            continue
        ev = room.do(a, "ai_story", {"highlights": f"{a.participant} heard of a street party",
                                     "quote": f"We did it together ({a.participant})",
                                     "life": "neighbours helping neighbours"})
        ids.append(ev[0].data["story"])
    if consent:
        for a in actors:
            for s in phone(room, a)["me"]["told"]:
                room.do(a, "ai_consent", {"story_id": s["id"], "consent": True})
    return ids


def test_define_framings_are_advised_never_refused_and_the_room_supports_them() -> None:
    room, actors = ai_room(4)
    ack = room.do(actors[0], "ai_frame", {"text": "How do we stop people smoking?"})
    assert ack[0].type == "ai_framing_proposed", "deficit wording is advice, not a block"
    room.do(actors[1], "ai_frame", {"text": "How do we make this a smoke-free town?"})
    mine = phone(room, actors[0])
    f_deficit = mine["me"]["mine"][0]
    assert mine["me"]["advice"][f_deficit][0]["kind"] == "stop"
    good = [f["id"] for f in mine["framings"] if "smoke-free" in f["text"]][0]
    for a in actors[:3]:
        room.do(a, "ai_support", {"framing_id": good, "support": True})
    assert room.refused(actors[0], "ai_support", {"framing_id": good, "support": True})
    room.do(actors[0], "ai_support", {"framing_id": f_deficit, "support": True})
    assert "not on the list" in room.refused(
        actors[0], "ai_support", {"framing_id": "f999", "support": True})
    screen = snapshot(room.state, SCREEN)["inquiry"]
    assert [f["support"] for f in screen["framings"]] == [3, 1]
    assert room.refused(actors[0], "ai_topic", {"framing_id": good}).startswith("Only the")
    room.do(FAC, "ai_topic", {"framing_id": good})
    assert snapshot(room.state, SCREEN)["inquiry"]["topic"] == \
        "How do we make this a smoke-free town?"
    console = snapshot(room.state, CONSOLE)["inquiry"]
    assert console["topic_advice"] == []
    assert [q["key"] for q in console["guide"]] == ["high_point", "values", "core_factors",
                                                     "wishes"]
    room.do(FAC, "ai_guide", {"key": "wishes", "question": "What three wishes for our town?"})
    room.do(FAC, "next_stage")
    guide = phone(room, actors[0])["guide"]
    assert guide[3]["question"] == "What three wishes for our town?", "Discover uses it"


def test_support_budget_is_enforced() -> None:
    room, actors = ai_room(2)
    ids = [room.do(actors[1], "ai_frame", {"text": f"How do we grow {w}?"})[0].seq
           for w in ("gardens", "clubs", "trust")]
    room.do(actors[0], "ai_support", {"framing_id": f"f{ids[0]}", "support": True})
    room.do(actors[0], "ai_support", {"framing_id": f"f{ids[1]}", "support": True})
    msg = room.refused(actors[0], "ai_support", {"framing_id": f"f{ids[2]}", "support": True})
    assert "2 framings" in msg


def test_plan_topic_with_deficit_wording_gets_a_warning() -> None:
    plan = load_plan({"title": "T", "stages": [{"kind": "ai_define", "prompt": "p", "options": {
        "topic": "How do we reduce loneliness?"}}]})
    assert warnings(plan.stages[0]) and "smoke-free" in warnings(plan.stages[0])[0]


def test_no_dream_before_discover_is_closed_unless_skipped_on_purpose() -> None:
    room, actors = ai_room(4)
    room.do(FAC, "next_stage")  # Define -> Discover is fine
    msg = room.refused(FAC, "next_stage")
    assert "Discover (step 2) is not closed" in msg
    assert "not closed" in room.refused(FAC, "go_to_stage", {"stage": 4})
    assert "not closed" in room.refused(FAC, "go_to_stage", {"stage": 5})
    room.do(FAC, "go_to_stage", {"stage": 0})  # going back is always fine
    room.do(FAC, "go_to_stage", {"stage": 1})
    # skipping on purpose is recorded in the log
    ev = room.do(FAC, "next_stage", {"force": True})[0]
    assert room.state.stage_index == 2 and "not closed" in ev.data["skipped"][0]
    room.do(FAC, "undo")
    assert room.state.stage_index == 1
    room.do(FAC, "ai_close")
    ev = room.do(FAC, "next_stage")[0]
    assert room.state.stage_index == 2 and "skipped" not in ev.data


def test_pairs_with_one_trio_for_odd_counts_and_new_partners_in_round_two() -> None:
    room, actors = ai_room(7)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    d = discover(room.state, 1)
    sizes = sorted(len(g) for g in d.pairing.groups)
    assert sizes == [2, 2, 3]
    first = d.pairing.pairs()
    room.do(FAC, "ai_pair")
    d = discover(room.state, 1)
    assert d.round == 1 and not (d.pairing.pairs() & first), "no repeat partners"
    assert "All 2 interview rounds" in room.refused(FAC, "ai_pair")


def test_even_room_has_no_trio_and_everyone_interviews_once() -> None:
    room, actors = ai_room(8)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    d = discover(room.state, 1)
    assert sorted(len(g) for g in d.pairing.groups) == [2, 2, 2, 2]
    nows = [phone(room, a)["me"]["now"] for a in actors]
    assert sorted(nows) == ["asking"] * 4 + ["telling"] * 4
    room.do(FAC, "ai_swap")
    swapped = [phone(room, a)["me"]["now"] for a in actors]
    assert all({a, b} == {"asking", "telling"} for a, b in zip(nows, swapped, strict=True))
    assert "Everyone has been interviewed" in room.refused(FAC, "ai_swap")


def test_a_story_stays_in_the_pair_until_its_teller_consents() -> None:
    room, actors = ai_room(4)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    interviewer = actors[0]
    me = phone(room, interviewer)["me"]
    teller = next(a for a in actors if a.participant == me["partner"]["id"])
    sid = room.do(interviewer, "ai_story", {"highlights": "The flood: everyone helped",
                                            "quote": "We carried sandbags all night",
                                            "life": "solidarity"})[0].data["story"]
    assert "sandbags" not in str(snapshot(room.state, SCREEN))
    others = [a for a in actors if a not in (interviewer, teller)]
    assert all("sandbags" not in str(phone(room, a)) for a in others)
    assert "sandbags" in str(phone(room, teller)["me"]["told"])
    # only the teller may consent
    assert "Only the person who told" in room.refused(
        interviewer, "ai_consent", {"story_id": sid, "consent": True})
    # rewriting keeps the same story
    room.do(interviewer, "ai_story", {"highlights": "The flood: everyone helped",
                                      "quote": "We carried sandbags all night, together"})
    assert len(discover(room.state, 1).stories) == 1
    room.do(teller, "ai_consent", {"story_id": sid, "consent": True})
    room.do(FAC, "ai_groups")
    core = snapshot(room.state, SCREEN)["inquiry"]["core"]
    assert core["stories"] == 1
    room.do(teller, "ai_tag", {"story_id": sid, "theme": "Solidarity"})
    assert "already has that theme" in room.refused(teller, "ai_tag", {
        "story_id": sid, "theme": " solidarity"})
    core = snapshot(room.state, SCREEN)["inquiry"]["core"]
    assert core["themes"][0]["theme"] == "Solidarity" and core["themes"][0]["count"] == 1
    assert core["themes"][0]["quotes"] == ["We carried sandbags all night, together"]
    # withdrawn consent takes it off the projector again
    room.do(teller, "ai_consent", {"story_id": sid, "consent": False})
    assert "sandbags" not in str(snapshot(room.state, SCREEN))


def test_an_unconsented_story_cannot_be_tagged_or_linked() -> None:
    room, actors = ai_room(4)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    ids = interview_everyone(room, actors, consent=False)
    room.do(FAC, "ai_groups")
    for a in actors:
        assert "not shared" in room.refused(a, "ai_tag", {"story_id": ids[0], "theme": "x"})
    room.do(FAC, "ai_close")
    room.do(FAC, "next_stage")
    assert phone(room, actors[0])["stories"] == []


def full_discover(room: Room, actors: list[Actor]) -> list[str]:
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    ids = interview_everyone(room, actors)
    room.do(FAC, "ai_swap")
    room.do(FAC, "ai_groups")
    d = discover(room.state, 1)
    for a in actors:
        group = d.groups[d.group_of(a.participant)]
        story = next(s for s in d.shared() if s.teller in group)
        for theme in ("Neighbours helping", "Celebration"):
            if theme.casefold() not in story.tags:
                room.do(a, "ai_tag", {"story_id": story.id, "theme": theme})
    room.do(FAC, "ai_close")
    return ids


def test_themes_count_stories_and_the_core_has_frequent_words() -> None:
    room, actors = ai_room(8)
    full_discover(room, actors)
    core = snapshot(room.state, SCREEN)["inquiry"]["core"]
    counts = {t["theme"]: t["count"] for t in core["themes"]}
    assert set(counts) == {"Neighbours helping", "Celebration"}
    assert all(1 <= n <= 8 for n in counts.values())
    assert ["neighbours", 8] in core["words"]


def test_dream_design_destiny_and_the_vote_on_propositions() -> None:
    room, actors = ai_room(8)
    stories = full_discover(room, actors)
    room.do(FAC, "next_stage")  # Dream
    assert "at least one story" in room.refused(
        actors[0], "ai_propose", {"text": "Every street holds a party each summer",
                                  "stories": []})
    assert "shared in Discover" in room.refused(
        actors[0], "ai_propose", {"text": "x", "stories": ["s999"]})
    texts = ["Every street holds a party each summer", "We will have a garden",
             "Neighbours know each other's names"]
    props = []
    for i, t in enumerate(texts):
        ev = room.do(actors[i], "ai_propose", {"text": t, "stories": [stories[i]],
                                               "checks": ["affirmative", "grounded"]})
        props.append(ev[0].data["proposition"])
    advice = phone(room, actors[1])["me"]["advice"][props[1]]
    assert advice[0]["kind"] == "tense", "future wording is advised, not refused"
    assert "Others rate" in room.refused(actors[0], "ai_rate", {"proposition_id": props[0],
                                                                "criteria": []})
    room.do(actors[5], "ai_rate", {"proposition_id": props[0],
                                   "criteria": ["affirmative", "challenging", "desired"]})
    room.do(actors[6], "ai_rate", {"proposition_id": props[0], "criteria": ["desired"]})
    gallery = snapshot(room.state, SCREEN)["inquiry"]["propositions"]
    assert gallery[0]["ratings"] == {"affirmative": 1, "challenging": 1, "grounded": 0,
                                     "desired": 2} and gallery[0]["raters"] == 2
    assert "criteria are" in room.refused(actors[5], "ai_rate", {"proposition_id": props[1],
                                                                 "criteria": ["cheap"]})
    room.do(FAC, "next_stage")  # the dot vote, reusing the vote kind
    room.do(FAC, "open_vote")
    items = [i["id"] for i in room.state.votes[3].items]
    assert items == props
    for a in actors:
        room.do(a, "place_dot", {"item_id": props[0]})
    for a in actors[:5]:
        room.do(a, "place_dot", {"item_id": props[2]})
    room.do(actors[7], "place_dot", {"item_id": props[1]})
    room.do(FAC, "close_vote")
    room.do(FAC, "next_stage")  # Design: the top 2
    chosen = snapshot(room.state, SCREEN)["inquiry"]["propositions"]
    assert [p["id"] for p in chosen] == [props[0], props[2]]
    assert "not chosen" in room.refused(actors[0], "ai_design", {
        "proposition_id": props[1], "aspect": "practices", "text": "x"})
    room.do(actors[0], "ai_design", {"proposition_id": props[0], "aspect": "structures",
                                     "text": "A street party fund held by the council"})
    assert "structures, relationships" in room.refused(actors[0], "ai_design", {
        "proposition_id": props[0], "aspect": "money", "text": "x"})
    room.do(FAC, "next_stage")  # Destiny
    room.do(actors[0], "ai_commit", {"text": "ask the council for the fund",
                                     "by_when": "1 June", "with_whom": "Ada",
                                     "proposition_id": props[0]})
    room.do(actors[1], "ai_commit", {"text": "I will call my neighbours", "by_when": "Friday",
                                     "private": True})
    assert "date is empty" in room.refused(actors[2], "ai_commit", {"text": "x",
                                                                    "by_when": " "})
    wall = snapshot(room.state, SCREEN)["inquiry"]
    assert [c["text"] for c in wall["commitments"]] == ["I will ask the council for the fund"]
    assert wall["commitments"][0]["name"] == "P0"
    assert "Join the team first" in room.refused(actors[3], "ai_team_step", {
        "proposition_id": props[0], "first_step": "Meet", "by_when": "Monday"})
    for a in actors[3:6]:
        room.do(a, "ai_join_team", {"proposition_id": props[0], "join": True})
    room.do(actors[3], "ai_team_step", {"proposition_id": props[0],
                                        "first_step": "Meet at the library",
                                        "by_when": "Monday"})
    team = snapshot(room.state, CONSOLE)["inquiry"]["teams"][0]
    assert team["names"] == ["P3", "P4", "P5"] and team["owner"] == "P3"
    assert "already in this team" in room.refused(actors[3], "ai_join_team", {
        "proposition_id": props[0], "join": True})
    # replay gives the same state
    again = replay(room.events)
    assert snapshot(again, CONSOLE) == snapshot(room.state, CONSOLE)


def test_late_arrival_is_paired_without_moving_anyone() -> None:
    room, actors = ai_room(4)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    before = set(discover(room.state, 1).pairing.groups)
    late = room.join("Late")
    after = discover(room.state, 1).pairing
    assert late.participant in after.people
    assert len(before - set(after.groups)) == 1, "only the group that took them in changed"
    assert phone(room, late)["me"]["partner"]["id"]


def test_refusals_outside_their_stage() -> None:
    room, actors = ai_room(2)
    assert "Discover stage" in room.refused(actors[0], "ai_story", {"highlights": "x"})
    assert "Dream stage" in room.refused(actors[0], "ai_propose", {"text": "x",
                                                                   "stories": []})
    room.do(FAC, "lock_input")
    assert "paused writing" in room.refused(actors[0], "ai_frame", {"text": "How we thrive"})
    assert "too long" in room.refused(FAC, "ai_guide", {"key": "values", "question": "x" * 501})


def test_the_ready_plan_loads_and_runs_the_five_stages() -> None:
    plan = load_plan(english(yaml.safe_load(
        (ROOT / "sessions" / "appreciative-inquiry.yaml").read_text())))
    kinds = [s.kind for s in plan.stages]
    for kind in ("ai_define", "ai_discover", "ai_dream", "ai_design", "ai_destiny"):
        assert kind in kinds
    assert kinds.index("vote") == kinds.index("ai_dream") + 1
    assert all(s.prompt for s in plan.stages)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 9])
def test_pairing_in_the_log_covers_everyone_once(n: int) -> None:
    room, actors = ai_room(n)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    p = discover(room.state, 1).pairing
    people = [x for g in p.groups for x in g]
    assert sorted(people) == sorted(a.participant for a in actors)
    assert sum(len(g) == 3 for g in p.groups) == n % 2
    assert all(len(g) in (2, 3) for g in p.groups)


def test_export_holds_consented_stories_commitments_with_owners_and_teams() -> None:
    import json

    from facilitator.export import render
    from facilitator.store.sqlite import WorkshopRow

    room, actors = ai_room(4)
    room.do(FAC, "next_stage")
    room.do(FAC, "ai_pair")
    d = discover(room.state, 1)
    for a in actors:
        me = phone(room, a)["me"]
        room.do(a, "ai_story", {"highlights": f"story told by {me['partner']['id']}",
                                "quote": f"quote of {me['partner']['id']}"})
    secret_teller = actors[0].participant  # keeps their story in the pair
    for a in actors[1:]:
        for s in phone(room, a)["me"]["told"]:
            room.do(a, "ai_consent", {"story_id": s["id"], "consent": True})
    room.do(FAC, "ai_groups")
    shared = d.shared()
    room.do(actors[1], "ai_tag", {"story_id": next(
        s.id for s in shared if actors[1].participant in (s.teller, s.interviewer)),
        "theme": "Courage"})
    room.do(FAC, "ai_close")
    room.do(FAC, "next_stage")
    room.do(actors[0], "ai_propose", {"text": "We meet every week", "stories": [shared[0].id]})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote")
    room.do(actors[1], "place_dot", {"item_id": room.state.votes[3].items[0]["id"]})
    room.do(FAC, "close_vote")
    room.do(FAC, "go_to_stage", {"stage": 5})
    prop = room.state.votes[3].items[0]["id"]
    room.do(actors[2], "ai_commit", {"text": "book the hall", "by_when": "3 March",
                                     "with_whom": "the vicar"})
    room.do(actors[3], "ai_join_team", {"proposition_id": prop, "join": True})
    row = WorkshopRow(id="w1", code="ABCDEF", title="T", created_at=0.0,
                      screen_key="s" * 20, console_key="c" * 20)
    out = {fmt: render(fmt, row, room.events).body for fmt in ("json", "csv", "md", "html")}
    data = json.loads(out["json"])
    by_kind = {x["kind"]: x for x in data["inquiry"]}
    stories = by_kind["ai_discover"]["stories"]
    assert len(stories) == 3 and by_kind["ai_discover"]["unshared"] == 1
    assert f"story told by {secret_teller}" not in out["json"], "not even in the log"
    assert by_kind["ai_discover"]["themes"][0]["theme"] == "Courage"
    assert by_kind["ai_dream"]["propositions"][0]["dots"] == 1
    commitment = by_kind["ai_destiny"]["commitments"][0]
    assert (commitment["owner"], commitment["by_when"], commitment["with_whom"]) == \
        ("P2", "3 March", "the vicar")
    assert by_kind["ai_destiny"]["teams"][0]["members"] == ["P3"]
    for fmt in ("csv", "md", "html"):
        body = out[fmt]
        assert "I will book the hall" in body and "3 March" in body and "P2" in body, fmt
        assert "Courage" in body and "We meet every week" in body, fmt
        assert f"story told by {secret_teller}" not in body, fmt


# -- small groups, the timed swap, unlikely pairs ---------------------------------------------

def discover_room(people: int, **options) -> tuple[Room, list[Actor]]:
    room = Room([{"kind": "ai_discover", "prompt": "Interviews", "options": options}])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    return room, actors


def test_seven_people_at_group_size_four_meet_as_four_and_three() -> None:
    room, actors = discover_room(7, group_size=4)
    room.do(FAC, "ai_pair")
    room.do(FAC, "ai_groups")
    groups = discover(room.state, 0).groups
    assert sorted(map(len, groups)) == [3, 4]
    assert sorted(p for g in groups for p in g) == sorted(a.participant for a in actors)


def test_the_timed_swap_comes_at_half_time_once_whoever_asks() -> None:
    room, actors = discover_room(4, interview_seconds=600)
    room.do(FAC, "ai_pair")
    view = snapshot(room.state, "phone", actors[0].participant)["inquiry"]
    assert view["swap_at"] == room.now + 300 and view["turn_seconds"] == 300
    asking = [a for a in actors if phone(room, a)["me"]["now"] == "asking"]
    # before half time a phone's request is refused and changes nothing
    room.now += 200
    assert "not half time" in room.refused(actors[0], "ai_swap", {"due": True, "turn": 1})
    assert "Only the facilitator" in room.refused(actors[0], "ai_swap")
    room.now += 99  # a phone whose clock runs a second ahead is still heard
    room.do(actors[1], "ai_swap", {"due": True, "turn": 1})
    assert all(phone(room, a)["me"]["now"] == "telling" for a in asking)
    # the others asking a moment later change nothing
    assert "already swapped" in room.refused(actors[2], "ai_swap", {"due": True, "turn": 1})
    assert "already swapped" in room.refused(FAC, "ai_swap", {"due": True, "turn": 1})
    # both turns done: no swap left, and no swap time to show
    assert phone(room, actors[0])["swap_at"] is None
    assert "Everyone has been interviewed" in room.refused(FAC, "ai_swap")


def test_the_manual_swap_overrides_and_restarts_the_clock_for_a_trio() -> None:
    room, actors = discover_room(3, interview_seconds=120)
    room.do(FAC, "ai_pair")
    room.now += 10
    room.do(FAC, "ai_swap")  # the facilitator's button: any time
    assert phone(room, actors[0])["turn"] == 1
    assert phone(room, actors[0])["swap_at"] == room.now + 60  # the trio's third turn
    room.now += 61
    room.do(actors[2], "ai_swap", {"due": True, "turn": 2})
    assert phone(room, actors[0])["swap_at"] is None


def test_an_untimed_discover_refuses_the_timed_swap() -> None:
    room, actors = discover_room(4)
    room.do(FAC, "ai_pair")
    assert phone(room, actors[0])["swap_at"] is None
    assert "not timed" in room.refused(actors[0], "ai_swap", {"due": True, "turn": 1})


def test_unlikely_pairs_pair_people_across_their_answers() -> None:
    room, actors = discover_room(8, unlikely="What is your role?",
                                 unlikely_choices=["Staff", "Resident"])
    assert phone(room, actors[0])["choices"] == ["Staff", "Resident"]
    assert "Choose one of" in room.refused(actors[0], "ai_answer", {"answer": "Mayor"})
    for i, a in enumerate(actors):
        room.do(a, "ai_answer", {"answer": "staff" if i < 4 else "Resident"})
    assert phone(room, actors[0])["me"]["answer"] == "Staff"
    assert "already your answer" in room.refused(actors[0], "ai_answer", {"answer": "Staff"})
    console = snapshot(room.state, CONSOLE)["inquiry"]
    assert console["answers"] == [{"answer": "Resident", "count": 4},
                                  {"answer": "Staff", "count": 4}]
    screen = snapshot(room.state, SCREEN)["inquiry"]
    assert "answers" not in screen and "me" not in screen  # answers are never on the screen
    room.do(FAC, "ai_pair")
    answers = discover(room.state, 0).answers
    for group in discover(room.state, 0).pairing.groups:
        assert len({answers[p] for p in group}) == 2
    assert snapshot(room.state, CONSOLE)["inquiry"]["alike"] == 0
    assert "last time" in room.refused(actors[0], "ai_answer", {"answer": "Resident"})


def test_answers_are_refused_where_unlikely_pairs_are_off() -> None:
    room, actors = discover_room(2)
    assert "does not pair people across" in room.refused(actors[0], "ai_answer",
                                                         {"answer": "Staff"})


# -- Destiny: offers and requests, matched, consent before contact ---------------------------

def destiny_room(people: int = 3) -> tuple[Room, list[Actor]]:
    room = Room([{"kind": "ai_destiny", "prompt": "What will be"}])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    return room, actors


def destiny_phone(room: Room, actor: Actor) -> dict:
    return snapshot(room.state, "phone", actor.participant)["inquiry"]


def test_offers_meet_requests_and_names_wait_for_both_sides() -> None:
    room, (ann, bob, cy) = destiny_room()
    room.do(ann, "ai_offer", {"side": "offer", "text": "I can teach bass guitar on Tuesdays"})
    room.do(bob, "ai_offer", {"side": "request", "text": "Someone to play live music at the fair"})
    room.do(cy, "ai_offer", {"side": "request", "text": "A lift to the hospital"})
    room.do(ann, "ai_offer_contact", {"contact": "ann@example.org"})
    room.do(bob, "ai_offer_contact", {"contact": "07700 900123"})
    [match] = destiny_phone(room, ann)["me"]["matches"]
    assert match["theirs"] == "Someone to play live music at the fair"
    assert "music" in match["why"]
    assert "their_name" not in match and "07700" not in str(destiny_phone(room, ann))
    assert destiny_phone(room, cy)["me"]["matches"] == []  # no offer meets a lift
    assert "not open to you" in room.refused(cy, "ai_offer_follow",
                                             {"match": match["id"], "follow": True})
    room.do(ann, "ai_offer_follow", {"match": match["id"], "follow": True})
    assert "07700" not in str(destiny_phone(room, ann))  # one side agreeing is not enough
    assert "ann@example.org" not in str(destiny_phone(room, bob))
    room.do(bob, "ai_offer_follow", {"match": match["id"], "follow": True})
    mine = destiny_phone(room, ann)["me"]["matches"][0]
    assert mine["both"] and mine["their_name"] == "P1" and mine["their_contact"] == "07700 900123"
    theirs = destiny_phone(room, bob)["me"]["matches"][0]
    assert theirs["their_name"] == "P0" and theirs["their_contact"] == "ann@example.org"
    # contacts never reach the projector or a third phone; the console sees the match
    for text in ("ann@example.org", "07700"):
        assert text not in str(snapshot(room.state, SCREEN))
        assert text not in str(snapshot(room.state, CONSOLE))
        assert text not in str(destiny_phone(room, cy))
    assert snapshot(room.state, SCREEN)["inquiry"]["matched"] == 1
    console = snapshot(room.state, CONSOLE)["inquiry"]["matches"]
    assert console[0]["both"] and console[0]["agreed"] == 2
    # withdrawing hides the contact again
    room.do(bob, "ai_offer_follow", {"match": match["id"], "follow": False})
    assert "their_contact" not in destiny_phone(room, ann)["me"]["matches"][0]


def test_offer_refusals_change_nothing() -> None:
    room, (ann, bob, _cy) = destiny_room()
    assert "offer or a request" in room.refused(ann, "ai_offer", {"side": "gift", "text": "x"})
    assert room.refused(ann, "ai_offer", {"side": "offer", "text": "   "})
    assert room.refused(ann, "ai_offer", {"side": "offer", "text": "x" * 201})
    for i in range(10):
        room.do(ann, "ai_offer", {"side": "offer", "text": f"Gardening help {i}"})
    assert "most offers" in room.refused(ann, "ai_offer", {"side": "request", "text": "More"})
    assert "not open to you" in room.refused(bob, "ai_offer_follow",
                                             {"match": "o1~o99", "follow": True})
    room.do(bob, "ai_offer_contact", {"contact": "bob@example.org"})
    assert "already saved" in room.refused(bob, "ai_offer_contact",
                                           {"contact": " bob@example.org "})
    own = Room([{"kind": "ai_destiny", "prompt": "x", "options": {"offers": False}}])
    someone = own.join("A")
    own.do(FAC, "start")
    assert "no offers" in own.refused(someone, "ai_offer", {"side": "offer", "text": "Baking"})


def test_a_person_is_never_matched_with_their_own_request() -> None:
    room, (ann, _bob, _cy) = destiny_room()
    room.do(ann, "ai_offer", {"side": "offer", "text": "Gardening on Saturdays"})
    room.do(ann, "ai_offer", {"side": "request", "text": "Help with my garden"})
    assert destiny_phone(room, ann)["me"]["matches"] == []


def test_the_export_holds_offers_and_agreed_matches_but_no_contact() -> None:
    from facilitator.export import render
    from facilitator.store.sqlite import WorkshopRow

    room, (ann, bob, _cy) = destiny_room()
    room.do(ann, "ai_offer", {"side": "offer", "text": "I can teach bass guitar"})
    room.do(bob, "ai_offer", {"side": "request", "text": "Live music for the fair"})
    room.do(ann, "ai_offer_contact", {"contact": "ann@example.org"})
    for who in (ann, bob):
        room.do(who, "ai_offer_follow", {"match": "o1~o2", "follow": True})
    row = WorkshopRow(id="w", code="QKH4A7", screen_key="s" * 32, console_key="c" * 40,
                      title="T", created_at=0.0)
    md = render("md", row, room.events).body
    assert "Offers and requests that met" in md
    assert "“I can teach bass guitar” meets “Live music for the fair”" in md
    csv_text = render("csv", row, room.events).body
    assert "Live music for the fair" in csv_text
    for fmt in ("md", "csv", "html", "json"):  # the JSON's log too: contacts are emptied
        assert "ann@example.org" not in render(fmt, row, room.events).body
