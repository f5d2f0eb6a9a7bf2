"""Pure tests of the asset-mapping activity: purpose first, personal entries with visibility,
interview mode, community assets and merging, connections with consent, the map's views."""

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from room import FAC, Room

from facilitator.activities.asset_map import asset_map, person_centred, suggestions, warnings
from facilitator.core.assets import KINDS
from facilitator.core.commands import Actor
from facilitator.core.plan import load_plan, plan_in_language
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["purpose", "personal", "community", "connections", "map"]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


def plan(**options) -> list[dict]:
    return [{"kind": "assets", "prompt": step.title(), "options": {"step": step, **options}}
            for step in STEPS]


def mapping(people: int = 3, purpose: bool = True, **options) -> tuple[Room, list[Actor]]:
    room = Room(plan(**options))
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    if purpose:
        room.do(FAC, "asset_purpose", {"text": "Help Elmside stay connected"})
    return room, actors


def to_step(room: Room, step: str) -> None:
    room.do(FAC, "go_to_stage", {"stage": STEPS.index(step)})


def phone(room: Room, actor: Actor) -> dict:
    return snapshot(room.state, "phone", actor.participant)["assets"]


def screen(room: Room) -> dict:
    return snapshot(room.state, SCREEN)["assets"]


def console(room: Room) -> dict:
    return snapshot(room.state, CONSOLE)["assets"]


def gift(room: Room, actor: Actor, category: str, text: str, **extra) -> str:
    events = room.do(actor, "asset_gift_add", {"category": category, "text": text, **extra})
    return events[0].data["id"]


def test_nothing_is_collected_before_the_purpose_is_agreed() -> None:
    room, (a, *_rest) = mapping(purpose=False)
    to_step(room, "personal")
    assert "purpose" in room.refused(a, "asset_gift_add", {"category": "head", "text": "x"})
    to_step(room, "community")
    assert "purpose" in room.refused(a, "asset_add", {"kind": "physical", "name": "Park"})
    assert "Only the facilitator" in room.refused(a, "asset_purpose", {"text": "Mine"})
    assert "empty" in room.refused(FAC, "asset_purpose", {"text": "   "})
    room.do(FAC, "asset_purpose", {"text": "  Help Elmside stay connected "})
    assert asset_map(room.state).purpose == "Help Elmside stay connected"
    assert screen(room)["purpose"] == "Help Elmside stay connected"
    room.do(a, "asset_add", {"kind": "physical", "name": "Elm Park"})
    room.do(FAC, "undo")  # the facilitator's last undoable step: the purpose
    assert asset_map(room.state).purpose == ""
    assert "purpose" in room.refused(a, "asset_add", {"kind": "physical", "name": "Park"})


def test_personal_entries_several_each_editable_with_visibility() -> None:
    room, (a, b, c) = mapping()
    assert "head, hands and heart step" in room.refused(
        a, "asset_gift_add", {"category": "head", "text": "Local history"})
    to_step(room, "personal")
    g1 = gift(room, a, "head", "Local history")
    gift(room, a, "head", "First aid")
    g3 = gift(room, a, "heart", "My worry about my son", visibility="private")
    gift(room, a, "offer", "Bass guitar lessons", visibility="public")
    mine = phone(room, a)
    assert [g["text"] for g in mine["gifts"]] == ["Local history", "First aid",
                                                   "My worry about my son", "Bass guitar lessons"]
    assert [g["visibility"] for g in mine["gifts"]] == ["group", "group", "private", "public"]
    assert [c["key"] for c in mine["categories"]] == ["head", "hands", "heart", "offer", "wish"]
    room.do(a, "asset_gift_edit", {"gift_id": g1, "text": "Local history of the mills"})
    room.do(a, "asset_gift_edit", {"gift_id": g1, "visibility": "public"})
    assert phone(room, a)["gifts"][0].items() >= {
        "id": g1, "owner": a.participant, "category": "head",
        "text": "Local history of the mills", "visibility": "public", "edited": True}.items()
    # refusals: not mine, bad category, bad visibility, too long, empty edit
    assert "your own" in room.refused(b, "asset_gift_edit", {"gift_id": g1, "text": "x"})
    assert "your own" in room.refused(b, "asset_gift_delete", {"gift_id": g1})
    assert "Choose one of" in room.refused(a, "asset_gift_add", {"category": "legs",
                                                                  "text": "x"})
    assert "who can see" in room.refused(a, "asset_gift_add", {
        "category": "head", "text": "x", "visibility": "everyone"})
    assert "too long" in room.refused(a, "asset_gift_add", {"category": "head",
                                                             "text": "x" * 201})
    assert "Nothing to change" in room.refused(a, "asset_gift_edit", {"gift_id": g1})
    # the private entry reaches nobody but its author
    for view in (screen(room), console(room), phone(room, b)):
        assert "worry" not in str(view)
    heart = next(p for p in console(room)["personal"] if p["key"] == "heart")
    assert heart["count"] == 0 and heart["private"] == 1
    room.do(a, "asset_gift_delete", {"gift_id": g3})
    assert "worry" not in str(phone(room, a))
    assert "does not exist" in room.refused(a, "asset_gift_delete", {"gift_id": g3})


def test_the_screen_counts_head_hands_and_heart_without_names() -> None:
    room, (a, b, c) = mapping()
    to_step(room, "personal")
    gift(room, a, "head", "Knows the allotment association")
    gift(room, b, "head", "Plumbing")
    gift(room, b, "hands", "Fix bikes")
    gift(room, c, "heart", "Clean streets", visibility="private")
    shown = {p["key"]: p["count"] for p in screen(room)["personal"]}
    assert shown == {"head": 2, "hands": 1, "heart": 0, "offer": 0, "wish": 0}
    assert "P0" not in str(screen(room)) and "P1" not in str(screen(room))
    assert screen(room)["contributors"] == 2


def test_a_cap_per_category() -> None:
    room, (a, *_rest) = mapping(max_per_category=2)
    to_step(room, "personal")
    gift(room, a, "hands", "Cook")
    gift(room, a, "hands", "Drive")
    assert "most allowed" in room.refused(a, "asset_gift_add", {"category": "hands",
                                                                 "text": "Sing"})
    gift(room, a, "head", "Maths")


def test_interview_mode_records_for_someone_who_agreed() -> None:
    room, (a, b, _c) = mapping()
    to_step(room, "personal")
    assert "agree" in room.refused(a, "asset_interviewee", {"name": "Mrs Okafor",
                                                             "consent": False})
    vid = room.do(a, "asset_interviewee", {"name": "Mrs Okafor", "consent": True})[0].data["id"]
    gid = gift(room, a, "hands", "Sewing and alterations", person=vid)
    assert asset_map(room.state).gifts[gid].owner == vid
    assert asset_map(room.state).gifts[gid].recorded_by == a.participant
    view = phone(room, a)
    assert view["people"] == [{"id": vid, "name": "Mrs Okafor"}]
    assert [g["owner"] for g in view["gifts"]] == [vid]
    room.do(a, "asset_gift_edit", {"gift_id": gid, "text": "Sewing, alterations, mending"})
    assert "people you are interviewing" in room.refused(
        b, "asset_gift_add", {"category": "head", "text": "x", "person": vid})
    assert "your own" in room.refused(b, "asset_gift_delete", {"gift_id": gid})
    hands = next(p for p in console(room)["personal"] if p["key"] == "hands")
    assert hands["items"][0]["who"] == "Mrs Okafor"


def test_interview_mode_can_be_turned_off() -> None:
    room, (a, *_rest) = mapping(interview=False)
    to_step(room, "personal")
    assert "not used" in room.refused(a, "asset_interviewee", {"consent": True})


def test_community_assets_of_six_kinds_counted_and_thin_kinds_shown() -> None:
    room, (a, b, c) = mapping()
    to_step(room, "community")
    room.do(a, "asset_add", {"kind": "organisations", "name": "Central Library",
                             "offers": "meeting room; free wifi", "place": "High St"})
    room.do(b, "asset_add", {"kind": "associations", "name": "Elmside FC"})
    room.do(b, "asset_add", {"kind": "associations", "name": "Quiz team at the Crown"})
    room.do(c, "asset_add", {"kind": "physical", "name": "Elm Park", "place": "Elm Rd"})
    room.do(c, "asset_add", {"kind": "cultural", "name": "Brass band", "visibility": "private"})
    view = screen(room)
    counts = {k["key"]: k["count"] for k in view["kinds"]}
    assert counts == {"individuals": 0, "associations": 2, "organisations": 1, "physical": 1,
                      "economic": 0, "cultural": 0}
    assert [k["key"] for k in view["kinds"]] == list(KINDS)
    assert {k["key"] for k in view["kinds"] if k["thin"]} == {
        "individuals", "organisations", "physical", "economic", "cultural"}
    library = view["kinds"][2]["items"][0]
    assert library == {"id": "a1", "kind": "organisations", "name": "Central Library",
                       "aliases": [], "offers": ["meeting room", "free wifi"],
                       "place": "High St", "access": ""}
    assert "Brass band" not in str(view) and "Brass band" not in str(console(room))
    assert [x["name"] for x in phone(room, c)["assets"]] == ["Elm Park", "Brass band"]
    assert "six kinds" in room.refused(a, "asset_add", {"kind": "pubs", "name": "The Crown"})
    assert "empty" in room.refused(a, "asset_add", {"kind": "physical", "name": " "})
    assert "assets you added" in room.refused(b, "asset_edit", {"asset_id": "a1", "name": "x"})
    room.do(a, "asset_edit", {"asset_id": "a1", "place": ""})
    assert screen(room)["kinds"][2]["items"][0]["place"] == ""
    room.do(a, "asset_remove", {"asset_id": "a1"})
    assert {k["key"]: k["count"] for k in screen(room)["kinds"]}["organisations"] == 0


def test_gifts_are_refused_outside_the_personal_step() -> None:
    room, (a, *_rest) = mapping()
    to_step(room, "community")
    assert "head, hands and heart step" in room.refused(
        a, "asset_gift_add", {"category": "head", "text": "Maths"})


def test_duplicates_are_suggested_and_merged_and_the_merge_undone() -> None:
    room, (a, b, c) = mapping()
    to_step(room, "community")
    room.do(a, "asset_add", {"kind": "organisations", "name": "Central Library",
                             "offers": "meeting room"})
    room.do(b, "asset_add", {"kind": "organisations", "name": "the library",
                             "offers": "free wifi", "place": "High St"})
    room.do(c, "asset_add", {"kind": "physical", "name": "St Mary's Church"})
    dups = console(room)["duplicates"]
    assert [(d["a"], d["b"], d["same_kind"]) for d in dups] == [("a1", "a2", True)]
    assert "Only the facilitator" in room.refused(a, "asset_merge", {"keep": "a1",
                                                                      "merge": "a2"})
    assert "itself" in room.refused(FAC, "asset_merge", {"keep": "a1", "merge": "a1"})
    assert "same kind" in room.refused(FAC, "asset_merge", {"keep": "a1", "merge": "a3"})
    assert "no asset" in room.refused(FAC, "asset_merge", {"keep": "a1", "merge": "a9"})
    room.do(FAC, "asset_merge", {"keep": "a1", "merge": "a2"})
    merged = asset_map(room.state).assets
    assert [x.id for x in merged] == ["a1", "a3"]
    assert merged[0].aliases == ("the library",) and merged[0].merged_from == ("a2",)
    assert merged[0].offers == ("meeting room", "free wifi")
    assert {k["key"]: k["count"] for k in screen(room)["kinds"]}["organisations"] == 1
    assert console(room)["duplicates"] == []
    # b's phone no longer lists it as theirs; undo brings both records back as they were
    assert phone(room, b)["assets"] == []
    room.do(FAC, "undo")
    assert [x.id for x in asset_map(room.state).assets] == ["a1", "a2", "a3"]
    assert asset_map(room.state).assets[0].aliases == ()
    # the facilitator can give two records the same kind before merging
    room.do(FAC, "asset_edit", {"asset_id": "a3", "kind": "organisations"})
    room.do(FAC, "asset_merge", {"keep": "a1", "merge": "a3"})
    assert "decides who can see" in room.refused(FAC, "asset_edit", {"asset_id": "a1",
                                                                      "visibility": "private"})


def connections_room(review: bool = True) -> tuple[Room, list[Actor], dict[str, str]]:
    room, actors = mapping(people=4, review=review)
    a, b, c, d = actors
    to_step(room, "personal")
    ids = {
        "bass": gift(room, a, "offer", "Bass guitar lessons"),
        "music": gift(room, b, "wish", "To find live music locally"),
        "allot": gift(room, c, "head", "Knows the allotment association"),
        "grow": gift(room, d, "wish", "To grow food"),
        "knit": gift(room, a, "offer", "Knitting"),
        "football": gift(room, c, "wish", "Football coaching"),
        "secret": gift(room, d, "wish", "Guitar lessons in secret", visibility="private"),
    }
    to_step(room, "community")
    room.do(c, "asset_add", {"kind": "organisations", "name": "Central Library",
                             "offers": "book club; computers"})
    ids["book"] = gift_later(room, b)
    to_step(room, "connections")
    return room, actors, ids


def gift_later(room: Room, actor: Actor) -> str:
    """A wish added in a second personal round (the plan goes back a step)."""
    room.do(FAC, "go_to_stage", {"stage": 1})
    gid = gift(room, actor, "wish", "Join a reading group")
    room.do(FAC, "go_to_stage", {"stage": 2})
    return gid


def test_connections_are_suggested_with_their_reasons() -> None:
    room, (a, b, c, d), ids = connections_room()
    found = suggestions(room.state)
    bass = f"{ids['bass']}~{ids['music']}"
    allot = f"{ids['allot']}~{ids['grow']}"
    assert bass in found and allot in found
    assert "both about music" in found[bass].explain()
    assert '"Bass guitar"' in found[bass].explain() and '"live music"' in found[bass].explain()
    assert "growing food" in found[allot].explain()
    assert f"{ids['knit']}~{ids['football']}" not in found, "knitting does not meet football"
    assert not any(ids["secret"] in cid for cid in found), "private entries are never matched"
    assert f"a1~{ids['book']}" in found, "a community asset can meet a wish"
    rows = {r["id"]: r for r in console(room)["suggestions"]}
    assert rows[bass]["status"] == "suggested" and rows[bass]["offer_who"] == "P0"
    assert rows[bass]["why"] == found[bass].explain()


def test_connections_need_review_then_both_sides_consent_before_contact() -> None:
    room, (a, b, c, d), ids = connections_room()
    bass = f"{ids['bass']}~{ids['music']}"
    assert phone(room, a)["connections"] == [], "not shared yet"
    assert "not open to you" in room.refused(a, "asset_follow", {"connection": bass,
                                                                  "follow": True})
    room.do(FAC, "asset_review", {"connection": bass, "status": "shared"})
    assert "already so" in room.refused(FAC, "asset_review", {"connection": bass,
                                                               "status": "shared"})
    mine = phone(room, a)["connections"]
    assert [(x["id"], x["side"], x["mine"], x["theirs"]) for x in mine] == [
        (bass, "offer", "Bass guitar lessons", "To find live music locally")]
    assert "both about music" in mine[0]["why"]
    assert phone(room, c)["connections"] == [], "nobody else sees it"
    assert "not open to you" in room.refused(c, "asset_follow", {"connection": bass,
                                                                  "follow": True})
    room.do(a, "asset_contact", {"contact": "07700 900123"})
    room.do(b, "asset_contact", {"contact": "b@example.org"})
    room.do(a, "asset_follow", {"connection": bass, "follow": True})
    view = phone(room, a)["connections"][0]
    assert view["i_follow"] and not view["agreed"] and "their_contact" not in view
    assert "their_contact" not in phone(room, b)["connections"][0]
    assert "07700" not in str(console(room)) and "07700" not in str(screen(room))
    room.do(b, "asset_follow", {"connection": bass, "follow": True})
    assert phone(room, a)["connections"][0]["their_contact"] == "b@example.org"
    assert phone(room, a)["connections"][0]["their_name"] == "P1"
    assert phone(room, b)["connections"][0]["their_contact"] == "07700 900123"
    assert "07700" not in str(console(room)), "the facilitator never sees contact details"
    row = next(r for r in console(room)["suggestions"] if r["id"] == bass)
    assert row["agreed"] and row["follows"] == 2
    drawn = screen(room)["connections"]
    assert [(x["offer"], x["wish"], x["agreed"]) for x in drawn] == [
        (ids["bass"], ids["music"], True)]
    # a withdrawn follow-up hides the contact again
    room.do(b, "asset_follow", {"connection": bass, "follow": False})
    assert "their_contact" not in phone(room, a)["connections"][0]


def test_dismissed_and_unreviewed_connections() -> None:
    room, (a, b, c, d), ids = connections_room(review=False)
    bass = f"{ids['bass']}~{ids['music']}"
    assert [x["id"] for x in phone(room, a)["connections"]] == [bass]
    room.do(FAC, "asset_review", {"connection": bass, "status": "dismissed"})
    assert phone(room, a)["connections"] == []
    room.do(FAC, "undo")
    assert [x["id"] for x in phone(room, a)["connections"]] == [bass]
    assert "not suggested" in room.refused(FAC, "asset_review", {"connection": "g1~g9",
                                                                  "status": "shared"})
    assert "shared, dismissed" in room.refused(FAC, "asset_review", {"connection": bass,
                                                                      "status": "maybe"})


def test_a_community_asset_connection_needs_only_the_wish_side() -> None:
    room, (a, b, c, d), ids = connections_room(review=False)
    cid = f"a1~{ids['book']}"
    row = next(x for x in phone(room, b)["connections"] if x["id"] == cid)
    assert row["asset"] and row["theirs"] == "Central Library: book club; computers"
    room.do(b, "asset_follow", {"connection": cid, "follow": True})
    row = next(x for x in phone(room, b)["connections"] if x["id"] == cid)
    assert row["agreed"] and "their_contact" not in row
    assert not any(x["id"] == cid for x in phone(room, c)["connections"])


def test_person_centred_sends_nothing_to_the_projector() -> None:
    stages = english(yaml.safe_load((ROOT / "sessions" / "my-assets.yaml").read_text()))["stages"]
    room = Room(stages)
    me = room.join("Sam")
    room.do(FAC, "start")
    assert person_centred(room.state)
    room.do(FAC, "asset_purpose", {"text": "What keeps me well"})
    room.do(FAC, "next_stage")
    emits = []
    from facilitator.core.views import changes

    for category, text in [("strengths", "I listen well"), ("people", "My sister Jo"),
                           ("places", "The allotment"), ("activities", "Swimming")]:
        events = room.do(me, "asset_gift_add", {"category": category, "text": text})
        emits += changes(room.state, events[0])
    room.do(me, "asset_gift_add", {"category": "heart", "text": "My dog",
                                   "visibility": "group"})
    assert all(e.audience != SCREEN for e in emits)
    view = phone(room, me)
    assert [g["visibility"] for g in view["gifts"]] == ["private"] * 4 + ["group"]
    assert [c["key"] for c in view["categories"]] == ["strengths", "people", "places",
                                                      "activities", "heart"]
    shown = screen(room)
    assert shown == {"step": "personal", "private": True}
    assert "My dog" in str(console(room)), "what the person shares reaches the practitioner"
    assert "Swimming" not in str(console(room))
    room.do(FAC, "next_stage")
    assert screen(room) == {"step": "map", "private": True}
    assert len(phone(room, me)["gifts"]) == 5


def test_the_ready_plans_load_and_warn_sensibly() -> None:
    for name in ("asset-mapping", "my-assets"):
        data = english(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))
        plan_ = load_plan(data)
        assert [s.kind for s in plan_.stages] == ["assets"] * len(plan_.stages)
        assert all(warnings(s) == [] for s in plan_.stages)
    odd = load_plan({"title": "T", "stages": [{"kind": "assets", "prompt": "P", "options": {
        "step": "connections", "person_centred": True}}]})
    assert "private" in warnings(odd.stages[0])[0]


ACTIONS = st.lists(st.tuples(
    st.sampled_from(["gift", "edit", "delete", "asset", "remove", "merge", "step", "follow",
                     "share"]),
    st.integers(0, 3), st.sampled_from(["Bass guitar", "live music", "grow food", "allotment",
                                        "the library", "Central Library", "knitting"]),
    st.sampled_from(["private", "group", "public"])), max_size=40)


@settings(max_examples=40, deadline=None)
@given(ACTIONS)
def test_any_sequence_keeps_views_private_and_replays_the_same(actions) -> None:
    from facilitator.core.errors import DomainError

    room, actors = mapping(people=4, review=False)
    to_step(room, "personal")
    for action, who, text, visibility in actions:
        actor = actors[who]
        m = asset_map(room.state)
        try:
            if action == "gift":
                room.do(actor, "asset_gift_add", {"category": "offer" if who % 2 else "wish",
                                                  "text": text, "visibility": visibility})
            elif action == "edit" and m.gifts:
                room.do(actor, "asset_gift_edit", {"gift_id": sorted(m.gifts)[0],
                                                   "visibility": visibility})
            elif action == "delete" and m.gifts:
                room.do(actor, "asset_gift_delete", {"gift_id": sorted(m.gifts)[-1]})
            elif action == "asset":
                room.do(actor, "asset_add", {"kind": "organisations", "name": text,
                                             "visibility": visibility})
            elif action == "remove" and m.assets:
                room.do(actor, "asset_remove", {"asset_id": m.assets[0].id})
            elif action == "merge" and len(m.assets) > 1:
                room.do(FAC, "asset_merge", {"keep": m.assets[0].id, "merge": m.assets[1].id})
            elif action == "step":
                to_step(room, STEPS[1 + who % 3])
            elif action == "follow" and suggestions(room.state):
                room.do(actor, "asset_follow", {"connection": next(iter(suggestions(
                    room.state))), "follow": True})
            elif action == "share" and suggestions(room.state):
                room.do(FAC, "asset_review", {"connection": next(iter(suggestions(
                    room.state))), "status": "dismissed"})
        except DomainError:
            pass
    m = asset_map(room.state)
    private = [g.text for g in m.gifts.values() if g.visibility == "private" and not g.deleted]
    shown = [g.text for g in m.gifts.values() if g.visibility != "private" and not g.deleted]
    shown += [a.name for a in m.assets if a.visibility != "private"]
    room_views = str(screen(room)) + str(console(room))
    for text in private:
        if text not in shown:
            assert f"'{text}'" not in room_views
    again = replay(room.events)
    assert again.asset_map.gifts == m.gifts and again.asset_map.assets == m.assets
    assert again.asset_map.follows == m.follows and again.asset_map.status == m.status


def test_an_interviewer_follows_up_for_the_person_they_interviewed() -> None:
    room, (a, b, c) = mapping(review=False)
    to_step(room, "personal")
    vid = room.do(a, "asset_interviewee", {"name": "Mrs Okafor", "consent": True})[0].data["id"]
    offer = gift(room, a, "offer", "Bass guitar lessons", person=vid)
    wish = gift(room, b, "wish", "To find live music locally")
    to_step(room, "connections")
    cid = f"{offer}~{wish}"
    row = phone(room, a)["connections"][0]
    assert (row["id"], row["owner"], row["side"]) == (cid, vid, "offer")
    assert "not open to you" in room.refused(c, "asset_follow", {"connection": cid,
                                                                  "follow": True})
    assert "not open to you" in room.refused(c, "asset_follow", {
        "connection": cid, "follow": True, "person": vid})
    room.do(a, "asset_contact", {"contact": "via the community centre", "person": vid})
    room.do(a, "asset_follow", {"connection": cid, "follow": True, "person": vid})
    assert asset_map(room.state).follows[cid] == {vid}
    room.do(b, "asset_follow", {"connection": cid, "follow": True})
    theirs = phone(room, b)["connections"][0]
    assert theirs["their_name"] == "Mrs Okafor"
    assert theirs["their_contact"] == "via the community centre"


PLANNED = "Help people in Elmside find each other, and what is already here."


def test_a_purpose_the_stage_gives_counts_from_the_start() -> None:
    # the defect: the plan pre-filled the purpose, yet nothing could be collected, the console
    # said "No purpose yet" and phones waited for "the group"
    stages = [dict(s) for s in plan()]
    stages[0] = {**stages[0], "options": {**stages[0]["options"], "purpose": PLANNED}}
    room = Room(stages)
    a = room.join("A")
    room.do(FAC, "start")
    assert asset_map(room.state).purpose == PLANNED
    assert console(room)["purpose"] == PLANNED
    assert screen(room)["purpose"] == PLANNED
    assert phone(room, a)["purpose"] == PLANNED
    to_step(room, "personal")  # no guard stops the next stage, and entries are taken at once
    gift(room, a, "head", "Local history")
    assert [g["text"] for g in phone(room, a)["gifts"]] == ["Local history"]


def test_the_plans_purpose_counts_when_no_stage_gives_one() -> None:
    room = Room(plan(), purpose="To map what we have, together.")
    a = room.join("A")
    room.do(FAC, "start")
    assert console(room)["purpose"] == "To map what we have, together."
    to_step(room, "community")
    room.do(a, "asset_add", {"kind": "physical", "name": "Elm Park"})
    # a stage's own purpose wins over the plan's
    stages = [dict(s) for s in plan()]
    stages[0] = {**stages[0], "options": {**stages[0]["options"], "purpose": PLANNED}}
    assert asset_map(Room(stages, purpose="Other.").state).purpose == PLANNED


def test_the_facilitator_changes_a_planned_purpose_and_undo_brings_it_back() -> None:
    room = Room(plan(), purpose="To map what we have, together.")
    room.join("A")
    room.do(FAC, "start")
    room.do(FAC, "asset_purpose", {"text": "Find each other"})
    assert console(room)["purpose"] == "Find each other"
    room.do(FAC, "undo")
    assert console(room)["purpose"] == "To map what we have, together."
    # and the log replays to the same map
    assert asset_map(replay(room.events)).purpose == "To map what we have, together."


# -- a capacity inventory and structured offers -----------------------------------------------

def test_a_capacity_inventory_marks_skills_have_or_learn_by_area_and_matches_them() -> None:
    room, (a, b, _c) = mapping(template="capacity", review=False,
                               areas=["Gardening", "Computers", "Cooking"])
    to_step(room, "personal")
    view = phone(room, a)
    assert [c["key"] for c in view["categories"]] == ["have", "learn", "offer"]
    assert [c["label"] for c in view["categories"]][:2] == ["I have this", "I'd like to learn"]
    assert view["areas"] == ["Gardening", "Computers", "Cooking"]
    assert "Choose one of the areas" in room.refused(
        a, "asset_gift_add", {"category": "have", "text": "Pruning", "area": "Plumbing"})
    assert "Choose one of the areas" in room.refused(
        a, "asset_gift_add", {"category": "have", "text": "Pruning"})
    assert "Only skills have an area" in room.refused(
        a, "asset_gift_add", {"category": "offer", "text": "Pruning", "area": "Gardening"})
    gift(room, a, "have", "Pruning fruit trees", area="gardening")
    gift(room, b, "learn", "How to grow vegetables", area="Gardening")
    gift(room, b, "learn", "Spreadsheets", area="Computers")
    mine = phone(room, a)["gifts"][0]
    assert mine["area"] == "Gardening" and mine["line"] == "Gardening: Pruning fruit trees"
    items = {k["key"]: [i["text"] for i in k["items"]] for k in screen(room)["personal"]}
    assert items["have"] == ["Gardening: Pruning fruit trees"]
    assert items["learn"] == ["Gardening: How to grow vegetables", "Computers: Spreadsheets"]
    to_step(room, "connections")
    [c] = [c for c in console(room)["suggestions"]]
    assert c["offer"] == "Gardening: Pruning fruit trees"
    assert c["wish"] == "Gardening: How to grow vegetables"


def test_the_default_areas_are_used_when_the_plan_gives_none() -> None:
    room, (a, *_rest) = mapping(template="capacity")
    to_step(room, "personal")
    assert len(phone(room, a)["areas"]) == 12
    assert phone(room, a)["areas"][0] == "Health and care"


def test_an_offer_says_what_when_and_for_whom() -> None:
    room, (a, b, _c) = mapping(review=False)
    to_step(room, "personal")
    assert "Only an offer says" in room.refused(
        a, "asset_gift_add", {"category": "head", "text": "History", "when": "Mondays"})
    assert room.refused(a, "asset_gift_add", {"category": "offer", "text": "Lifts",
                                              "when": "x" * 81})
    g = gift(room, a, "offer", "Lifts to the surgery", when="Weekday mornings",
             for_whom="Older neighbours")
    gift(room, b, "wish", "A lift to see the doctor")
    entry = phone(room, a)["gifts"][0]
    assert (entry["text"], entry["when"], entry["for_whom"]) == (
        "Lifts to the surgery", "Weekday mornings", "Older neighbours")
    line = "Lifts to the surgery (when: Weekday mornings; for: Older neighbours)"
    assert entry["line"] == line
    offers = next(k for k in screen(room)["personal"] if k["key"] == "offer")
    assert offers["items"][0]["text"] == line
    room.do(a, "asset_gift_edit", {"gift_id": g, "when": ""})
    assert phone(room, a)["gifts"][0]["line"] == "Lifts to the surgery (for: Older neighbours)"
    to_step(room, "connections")
    assert console(room)["suggestions"][0]["offer"] == \
        "Lifts to the surgery (for: Older neighbours)"
