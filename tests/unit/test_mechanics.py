"""Pure tests of the shared mechanics: clustering, dot voting, timers, silent writing,
anonymity, frequent words and undo."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from room import Room

from facilitator.activities.cluster import Board, board_view
from facilitator.activities.vote import default_dots
from facilitator.core.commands import Actor
from facilitator.core.errors import DomainError
from facilitator.core.state import FACILITATOR, replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot
from facilitator.core.words import frequent

FAC = Actor(FACILITATOR)

NOTES = {"kind": "notes", "prompt": "Write"}
CLUSTER = {"kind": "cluster", "prompt": "Group"}
VOTE = {"kind": "vote", "prompt": "Vote"}


def with_notes(n: int, *stages: dict, people: int = 2):
    room = Room([NOTES, *stages])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    ids = [f"n{room.do(actors[i % people], 'post_note', {'text': f'idea {i}'})[0].seq}"
           for i in range(n)]
    return room, actors, ids


# -- clustering ------------------------------------------------------------------------------

def places(room: Room, index: int, note_ids: list[str]) -> Counter:
    """How many places each note is in: the themes plus 'not yet grouped'."""
    view = board_view(room.state, index, CONSOLE)
    seen = Counter(n["id"] for t in view["themes"] for n in t["notes"])
    seen.update(n["id"] for n in view["ungrouped"])
    return seen


def test_group_rename_merge_move_remove_and_undo() -> None:
    room, _, ids = with_notes(5, CLUSTER)
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": ids[:2], "name": "Green spaces"})
    room.do(FAC, "group_notes", {"note_ids": ids[2:4]})
    board = room.state.boards[1]
    assert [t.name for t in board.themes.values()] == ["Green spaces", "Theme 2"]
    room.do(FAC, "rename_theme", {"theme_id": "t2", "name": "People"})
    room.do(FAC, "move_note", {"note_id": ids[4], "theme_id": "t2"})
    room.do(FAC, "move_note", {"note_id": ids[0], "theme_id": None})
    room.do(FAC, "merge_themes", {"theme_id": "t2", "into_id": "t1"})
    assert list(board.themes) == [] or list(room.state.boards[1].themes) == ["t1"]
    assert places(room, 1, ids) == Counter({i: 1 for i in ids})
    room.do(FAC, "undo")  # un-merge
    assert [t.name for t in room.state.boards[1].themes.values()] == ["Green spaces", "People"]
    room.do(FAC, "undo")  # the note goes back into Green spaces
    assert ids[0] in room.state.boards[1].themes["t1"].notes
    room.do(FAC, "remove_theme", {"theme_id": "t1"})
    assert places(room, 1, ids) == Counter({i: 1 for i in ids})
    room.do(FAC, "group_notes", {"note_ids": [ids[0]]})
    assert "t3" in room.state.boards[1].themes  # ids are never reused, also after undo
    assert replay(room.events) == room.state


def test_clustering_refusals() -> None:
    room, (sam, _), ids = with_notes(2, {**CLUSTER, "options": {"suggest": True}})
    assert "clustering stage" in room.refused(FAC, "group_notes", {"note_ids": ids})
    room.do(FAC, "next_stage")
    assert room.refused(sam, "group_notes", {"note_ids": ids}) == \
        "Only the facilitator can do that."
    assert "at least one" in room.refused(FAC, "group_notes", {"note_ids": []})
    assert "not one of the notes" in room.refused(FAC, "group_notes", {"note_ids": ["n999"]})
    assert "list of ids" in room.refused(FAC, "group_notes", {"note_ids": "n1"})
    assert "does not exist" in room.refused(FAC, "move_note",
                                            {"note_id": ids[0], "theme_id": "t9"})
    room.do(FAC, "group_notes", {"note_ids": [ids[0]]})
    assert "already there" in room.refused(FAC, "move_note",
                                           {"note_id": ids[0], "theme_id": "t1"})
    assert "two different" in room.refused(FAC, "merge_themes",
                                           {"theme_id": "t1", "into_id": "t1"})
    # participants may only suggest, and only for their own notes
    own = [i for i in ids if room.state.notes[i].author == sam.participant][0]
    other = [i for i in ids if i != own][0]
    room.do(sam, "suggest_theme", {"note_id": own, "theme_id": "t1"})
    assert "your own" in room.refused(sam, "suggest_theme", {"note_id": other, "theme_id": "t1"})
    assert snapshot(room.state, CONSOLE)["board"]["suggestions"] == {own: "t1"}
    assert snapshot(room.state, "phone", sam.participant)["themes"] == [
        {"id": "t1", "name": "Theme 1"}]


OPS = st.lists(st.tuples(st.sampled_from(["group", "move", "out", "merge", "rename", "remove",
                                          "undo"]),
                         st.lists(st.integers(0, 7), max_size=4), st.integers(0, 9)),
               max_size=40)


@settings(max_examples=150, deadline=None)
@given(OPS)
def test_every_note_stays_in_exactly_one_place(ops) -> None:
    room, _, ids = with_notes(8, CLUSTER)
    room.do(FAC, "next_stage")
    for op, picks, k in ops:
        themes = list(room.state.boards.get(1, Board()).themes)
        theme = themes[k % len(themes)] if themes else "t1"
        other = themes[(k + 1) % len(themes)] if themes else "t2"
        payload = {"group": ("group_notes", {"note_ids": [ids[p] for p in picks]}),
                   "move": ("move_note", {"note_id": ids[k % 8], "theme_id": theme}),
                   "out": ("move_note", {"note_id": ids[k % 8], "theme_id": None}),
                   "merge": ("merge_themes", {"theme_id": theme, "into_id": other}),
                   "rename": ("rename_theme", {"theme_id": theme, "name": f"N{k}"}),
                   "remove": ("remove_theme", {"theme_id": theme}),
                   "undo": ("undo", {})}[op]
        try:
            room.do(FAC, *payload)
        except DomainError:
            pass
        assert places(room, 1, ids) == Counter({i: 1 for i in ids})
    assert replay(room.events) == room.state


# -- dot voting ------------------------------------------------------------------------------

@pytest.mark.parametrize(("items", "dots"), [(1, 1), (2, 2), (3, 3), (6, 3), (12, 3), (14, 4),
                                             (18, 5), (40, 5), (60, 5)])
def test_default_dots(items, dots) -> None:
    assert default_dots(items) == dots


@given(st.integers(1, 60))
def test_default_dots_follow_practice_for_1_to_60_items(items: int) -> None:
    """About a quarter of the items, at least 3 and at most 5, never more than the items."""
    dots = default_dots(items)
    assert 1 <= dots <= items
    assert dots == min(items, 3) if items <= 12 else 3 <= dots <= 5
    if 12 <= items <= 20:
        assert abs(dots - items / 4) <= 0.5  # a quarter, rounded
    assert default_dots(items + 1) >= dots  # more items never give fewer dots
    assert dots == 5 or items < 18


def test_vote_flow_budget_ties_and_freeze() -> None:
    room, (sam, kim), ids = with_notes(6, VOTE)
    room.do(FAC, "next_stage")
    assert "not opened" in room.refused(sam, "place_dot", {"item_id": ids[0]})
    room.do(FAC, "open_vote", {"dots": 2})
    vote = room.state.votes[1]
    assert (vote.dots, vote.allow_multiple, vote.hidden) == (2, False, True)
    room.do(sam, "place_dot", {"item_id": ids[0]})
    assert "already has yours" in room.refused(sam, "place_dot", {"item_id": ids[0]})
    room.do(sam, "place_dot", {"item_id": ids[1]})
    assert "all 2 of your dots" in room.refused(sam, "place_dot", {"item_id": ids[2]})
    room.do(sam, "remove_dot", {"item_id": ids[1]})  # move a dot
    room.do(sam, "place_dot", {"item_id": ids[2]})
    room.do(kim, "place_dot", {"item_id": ids[0]})
    room.do(kim, "place_dot", {"item_id": ids[3]})
    assert "not one of the things" in room.refused(kim, "remove_dot", {"item_id": "n999"})
    assert "no dot on that" in room.refused(kim, "remove_dot", {"item_id": ids[5]})
    screen = snapshot(room.state, SCREEN)["vote"]
    assert "results" not in screen and screen["voters"] == 2 and screen["placed"] == 4
    console = snapshot(room.state, CONSOLE)["vote"]["results"]
    assert [(r["count"], r["rank"], r["tied"]) for r in console][:3] == [
        (2, 1, False), (1, 2, True), (1, 2, True)]
    room.do(FAC, "close_vote")
    assert "closed" in room.refused(sam, "remove_dot", {"item_id": ids[0]})
    assert "closed" in room.refused(FAC, "close_vote")
    assert snapshot(room.state, SCREEN)["vote"]["results"] == console


def test_vote_on_themes_and_participant_cannot_open() -> None:
    room, (sam, _), ids = with_notes(4, CLUSTER, {**VOTE, "options": {"allow_multiple": True,
                                                                     "dots": 3}})
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": ids[:2], "name": "Parks"})
    room.do(FAC, "group_notes", {"note_ids": ids[2:], "name": "Library"})
    room.do(FAC, "next_stage")
    assert room.refused(sam, "open_vote") == "Only the facilitator can do that."
    room.do(FAC, "open_vote", {"hidden": False})
    assert [i["label"] for i in room.state.votes[2].items] == ["Parks", "Library"]
    for _ in range(3):
        room.do(sam, "place_dot", {"item_id": "t1"})
    assert snapshot(room.state, SCREEN)["vote"]["results"][0] == {
        "id": "t1", "label": "Parks", "count": 3, "rank": 1, "tied": False}


VOTE_OPS = st.lists(st.tuples(st.sampled_from(["place", "remove", "close"]), st.integers(0, 3),
                              st.integers(0, 5)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(VOTE_OPS, st.booleans(), st.integers(1, 6))
def test_any_vote_sequence_keeps_budget_tally_and_freeze(ops, multiple, dots) -> None:
    room, actors, ids = with_notes(5, VOTE, people=4)
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"allow_multiple": multiple, "dots": dots})
    vote = room.state.votes[1]
    placed: Counter = Counter()
    frozen = None
    for op, who, item in ops:
        name = {"place": "place_dot", "remove": "remove_dot", "close": "close_vote"}[op]
        actor = FAC if op == "close" else actors[who]
        try:
            room.do(actor, name, {"item_id": ids[item % 5] if item < 5 else "bogus"})
        except DomainError:
            pass
        else:
            if op != "close":
                placed[ids[item % 5]] += 1 if op == "place" else -1
        for p in actors:
            mine = vote.placed.get(p.participant, Counter())
            assert sum(mine.values()) <= vote.dots
            assert all(n >= 0 for n in mine.values())
            assert multiple or all(n <= 1 for n in mine.values())
        assert +vote.tally() == +placed  # tallies equal the dots placed
        if vote.closed:
            frozen = frozen or vote.results()
            assert vote.results() == frozen  # a closed vote never changes


# -- timers ----------------------------------------------------------------------------------

def test_timer_is_the_servers() -> None:
    room = Room([{**NOTES, "duration": 10, "timer": "manual"}, NOTES])
    room.do(FAC, "start")
    t = room.state.timer
    assert (t.duration, t.running, t.remaining) == (600, False, 600)
    room.do(FAC, "timer_start")
    assert room.state.timer.ends_at == room.now + 600
    room.now += 100
    room.do(FAC, "timer_pause")
    assert room.state.timer.remaining == 500 and not room.state.timer.running
    room.do(FAC, "timer_add")
    assert room.state.timer.remaining == 560
    room.now += 1000
    room.do(FAC, "timer_start")
    assert room.state.timer.ends_at == room.now + 560
    room.do(FAC, "timer_add", {"seconds": 60})
    assert room.state.timer.left(room.now) == 620
    room.do(FAC, "timer_reset")
    assert room.state.timer.remaining == 600 and not room.state.timer.running
    room.do(FAC, "next_stage")
    assert "no duration" in room.refused(FAC, "timer_start")
    room.do(FAC, "timer_start", {"seconds": 90})
    assert room.state.timer.left(room.now + 30) == 60
    assert "already running" in room.refused(FAC, "timer_start")


def test_a_stage_with_a_duration_starts_its_timer_as_it_starts() -> None:
    room = Room([{**NOTES, "duration": 5}, NOTES, {**NOTES, "duration": "90s"},
                 {**NOTES, "duration": 2, "timer": "manual"}])
    room.now = 1000.0
    events = room.do(FAC, "start")
    assert [e.type for e in events] == ["stage_changed", "timer_started"]
    t = room.state.timer
    assert (t.running, t.duration, t.ends_at) == (True, 300, 1300.0)
    room.now = 1100.0
    room.do(FAC, "next_stage")  # no duration: no timer
    assert not room.state.timer.running and room.state.timer.duration is None
    room.do(FAC, "next_stage")
    assert room.state.timer.running and room.state.timer.ends_at == 1190.0
    room.do(FAC, "next_stage")  # timer: manual waits for "Start timer"
    t = room.state.timer
    assert (t.running, t.remaining) == (False, 120)
    room.do(FAC, "go_to_stage", {"stage": 0})  # going back starts that stage afresh
    assert room.state.timer.running and room.state.timer.ends_at == 1400.0
    # a replay of the log gives the same timer
    assert replay(room.events).timer == room.state.timer


def test_a_cafe_times_its_own_rounds() -> None:
    room = Room([{"kind": "cafe", "prompt": "Talk", "duration": 10}])
    room.join("Sam")
    events = room.do(FAC, "start")
    assert [e.type for e in events] == ["stage_changed"]
    assert not room.state.timer.running


def test_the_workshop_view_says_when_the_stage_and_the_workshop_started() -> None:
    room = Room([NOTES, NOTES])
    view = snapshot(room.state, CONSOLE)["workshop"]
    assert (view["started_at"], view["stage_started_at"]) == (None, None)
    room.now = 500.0
    room.do(FAC, "start")
    room.now = 800.0
    room.do(FAC, "next_stage")
    view = snapshot(room.state, CONSOLE)["workshop"]
    assert (view["started_at"], view["stage_started_at"]) == (500.0, 800.0)
    assert replay(room.events).stage_started_at == 800.0


def test_the_join_panel_shrinks_as_the_workshop_starts() -> None:
    room = Room([NOTES, NOTES])
    assert room.state.qr_visible
    room.do(FAC, "start")
    assert not room.state.qr_visible
    room.do(FAC, "show_qr", {"visible": True})  # the toggle still works at any time
    assert room.state.qr_visible
    room.do(FAC, "next_stage")
    assert room.state.qr_visible  # only the start shrinks it
    room.do(FAC, "undo")
    room.do(FAC, "undo")
    room.do(FAC, "undo")  # back before the start: the join panel is large again
    assert room.state.status == "waiting" and room.state.qr_visible
    assert room.state.started_at is None
    room.do(FAC, "start")
    assert not room.state.qr_visible
    assert replay(room.events).qr_visible is False


def test_the_facilitator_can_keep_the_join_panel_large() -> None:
    room = Room([NOTES])
    room.do(FAC, "keep_qr_large", {"keep": True})
    assert "already" in room.refused(FAC, "keep_qr_large", {"keep": True})
    room.do(FAC, "start")
    assert room.state.qr_visible and room.state.qr_keep_large
    assert snapshot(room.state, SCREEN)["workshop"]["qr_keep_large"] is True
    room.do(FAC, "show_qr", {"visible": False})
    assert not room.state.qr_visible
    room.do(FAC, "keep_qr_large", {"keep": False})
    room.do(FAC, "keep_qr_large", {"keep": True})  # keeping it large shows it large again
    assert room.state.qr_visible
    sam = room.join("Sam")
    assert room.refused(sam, "keep_qr_large", {"keep": False}) == (
        "Only the facilitator can do that.")


# -- silent writing, anonymity, words --------------------------------------------------------

def test_silent_stage_shows_nothing_until_reveal() -> None:
    room = Room([{**NOTES, "options": {"silent": True}}])
    sam = room.join("Sam")
    room.do(FAC, "start")
    room.do(sam, "post_note", {"text": "my own thought"})
    screen = snapshot(room.state, SCREEN)
    assert screen["notes"] == [] and screen["silent_count"] == 1
    assert [n["text"] for n in snapshot(room.state, "phone", sam.participant)["notes"]] == [
        "my own thought"]
    assert room.refused(sam, "reveal_notes") == "Only the facilitator can do that."
    room.do(FAC, "reveal_notes")
    assert [n["text"] for n in snapshot(room.state, SCREEN)["notes"]] == ["my own thought"]
    room.do(FAC, "undo")
    assert snapshot(room.state, SCREEN)["notes"] == []


def test_anonymous_stage_never_shows_names_on_screen() -> None:
    room = Room([{**NOTES, "anonymous": True}, CLUSTER])
    sam = room.join("Sam")
    room.do(FAC, "start")
    nid = f"n{room.do(sam, 'post_note', {'text': 'hello'})[0].seq}"
    assert snapshot(room.state, SCREEN)["notes"][0]["name"] == ""
    assert snapshot(room.state, CONSOLE)["notes"][0]["name"] == "Sam"  # can still moderate
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [nid]})
    assert "name" not in snapshot(room.state, SCREEN)["board"]["themes"][0]["notes"][0]


def test_an_anonymous_cluster_stage_hides_names_from_a_named_notes_stage() -> None:
    room = Room([NOTES, {**CLUSTER, "anonymous": True}])
    sam = room.join("Sam")
    room.do(FAC, "start")
    nid = f"n{room.do(sam, 'post_note', {'text': 'hello'})[0].seq}"
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [nid]})
    assert "name" not in snapshot(room.state, SCREEN)["board"]["themes"][0]["notes"][0]
    assert snapshot(room.state, CONSOLE)["board"]["themes"][0]["notes"][0]["name"] == "Sam"


def test_frequent_words() -> None:
    out = frequent(["The library is lovely", "our LIBRARY and the park", "Park run, park life",
                    "walking group", "a walking group!", "I like the library"])
    assert out["words"][:3] == [["library", 3], ["group", 2], ["park", 2]]
    assert ["walking group", 2] in out["phrases"]
    assert all(w not in ("the", "and", "our", "a", "i") for w, _ in out["words"])


@given(st.lists(st.text(max_size=40), max_size=20))
def test_word_counts_never_exceed_the_notes(texts) -> None:
    out = frequent(texts, min_count=1)
    assert all(1 <= c <= len(texts) for _, c in out["words"] + out["phrases"])
    counts = [c for _, c in out["words"]]
    assert counts == sorted(counts, reverse=True)


def test_screen_view_and_undo_of_stage_moves() -> None:
    room = Room([NOTES, NOTES])
    room.do(FAC, "start")
    room.do(FAC, "show_view", {"view": "words"})
    assert snapshot(room.state, SCREEN)["words"]["words"] == []
    assert "can show" in room.refused(FAC, "show_view", {"view": "<script>"})
    room.do(FAC, "next_stage")
    assert room.state.screen_view is None  # a new stage shows its own view
    room.do(FAC, "lock_input")
    room.do(FAC, "undo")
    assert 1 not in room.state.locked
    room.do(FAC, "undo")
    assert room.state.stage_index == 0
    room.do(FAC, "undo")  # the screen view change
    room.do(FAC, "undo")  # the start itself
    assert room.state.status == "waiting"
    assert "nothing to undo" in room.refused(FAC, "undo")
    assert replay(room.events) == room.state


def test_the_console_knows_each_stages_planned_length_and_whether_there_is_a_projector() -> None:
    room = Room([{**NOTES, "duration": 5}, {"kind": "cafe", "prompt": "Talk", "duration": 10,
                                             "options": {"rounds": 3}}, CLUSTER])
    console = snapshot(room.state, CONSOLE)
    assert [s["duration"] for s in console["stages"]] == [300, 1800, None]  # a café: 3 rounds
    assert console["projector"] is True
    mine = Room([{"kind": "assets", "prompt": "What helps?",
                  "options": {"step": "personal", "person_centred": True}}])
    assert snapshot(mine.state, CONSOLE)["projector"] is False


def test_keeping_the_join_panel_large_reaches_the_screen_and_the_console() -> None:
    from facilitator.core.views import changes

    room = Room([NOTES])
    event = room.do(FAC, "keep_qr_large", {"keep": True})[0]
    assert {(e.audience, e.name) for e in changes(room.state, event)} >= {
        (SCREEN, "snapshot"), (CONSOLE, "snapshot")}


def test_the_default_budget_opens_with_three_dots_on_six_items() -> None:
    room, _people, _ids = with_notes(6, VOTE)
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {})
    assert room.state.votes[1].dots == 3


@pytest.mark.parametrize("cap", [2, 3, 4])
def test_any_cap_per_item(cap: int) -> None:
    room, (sam, _kim), ids = with_notes(3, VOTE)
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"dots": 5, "max_per_item": cap})
    vote = room.state.votes[1]
    assert (vote.cap, vote.allow_multiple) == (cap, True)
    for _ in range(cap):
        room.do(sam, "place_dot", {"item_id": ids[0]})
    assert f"At most {cap} dots per item" in room.refused(sam, "place_dot", {"item_id": ids[0]})
    room.do(sam, "place_dot", {"item_id": ids[1]})
    assert snapshot(room.state, "phone", sam.participant)["vote"]["cap"] == cap


def test_the_cap_comes_from_the_plan_and_bounds_the_budget() -> None:
    room, (sam, _kim), ids = with_notes(2, {**VOTE, "options": {"max_per_item": 2}})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"dots": 9})
    vote = room.state.votes[1]
    assert (vote.cap, vote.dots) == (2, 4)  # 2 items at 2 each: more dots could not be placed


def test_a_cap_outside_the_range_is_refused_and_changes_nothing() -> None:
    room, _people, _ids = with_notes(3, VOTE)
    room.do(FAC, "next_stage")
    assert "between 1 and 20" in room.refused(FAC, "open_vote", {"max_per_item": 21})
    assert "between 1 and 20" in room.refused(FAC, "open_vote", {"max_per_item": -1})
    assert 1 not in room.state.votes
