"""The lean hot path over Socket.IO: a burst of dots (or check-ins, or joins) gives the
projector and the console a few whole-state updates, not one per event, and the last one is
the final state (realtime/coalesce); connects remember the workshop they found."""

from __future__ import annotations

import time
from collections import Counter

from tests.realtime.clients import open_room, received

PLAN = {"title": "Burst", "stages": [
    {"kind": "notes", "prompt": "Ideas"},
    {"kind": "vote", "prompt": "Vote", "options": {"dots": 4, "hidden": False}},
]}


def at_most(seconds: float) -> int:
    """How many updates one key may send in ``seconds``: one at once, then one per 100 ms."""
    return int(seconds / 0.1) + 2


def settle() -> None:
    time.sleep(0.35)  # the trailing flush comes at most ~100 ms after the last update


def test_a_burst_of_200_dots_gives_the_screen_a_few_tallies_and_the_final_one(
        service, connect) -> None:
    t0 = time.monotonic()
    row, console, screen, phones = open_room(service, connect, PLAN, 50, "burst")
    joining = time.monotonic() - t0
    settle()
    people = received(screen, "people")
    # 50 joins in quick succession: fewer people updates than joins...
    assert len(people) <= min(at_most(joining), 49), (len(people), joining)
    assert people[-1]["joined"] == 50 and people[-1]["online"] == 50  # ...the last one right
    assert console.emit("start", {"client_id": "g"}, callback=True)["ok"]
    for i, phone in enumerate(phones[:10]):
        assert phone.emit("post_note", {"client_id": f"n{i}", "text": f"Idea {i}"},
                          callback=True)["ok"]
    assert console.emit("next_stage", {"client_id": "s"}, callback=True)["ok"]
    assert console.emit("open_vote", {"client_id": "o"}, callback=True)["ok"]
    items = [it["id"] for it in
             console.emit("resync", {}, callback=True)["snapshot"]["vote"]["results"]]
    settle()
    screen.get_received()
    console.get_received()

    expected: Counter[str] = Counter()
    t0 = time.monotonic()
    for i, phone in enumerate(phones):
        for d in range(4):
            item = items[(i + d) % len(items)]
            ack = phone.emit("place_dot", {"client_id": f"d{i}-{d}", "item_id": item},
                             callback=True)
            assert ack["ok"], ack
            expected[item] += 1
    assert sum(expected.values()) == 200
    voting = time.monotonic() - t0
    settle()

    for client in (screen, console):
        votes = received(client, "vote")
        # far fewer than the 200 dots: one at once, then at most one per 100 ms
        assert 1 <= len(votes) <= min(at_most(voting), 100), (len(votes), voting)
        final = votes[-1]["vote"]
        assert final["placed"] == 200 and final["voters"] == 50
        assert {r["id"]: r["count"] for r in final["results"]} == \
            {item: expected[item] for item in items}
        seqs = [v["seq"] for v in votes]
        assert seqs == sorted(seqs)  # never an older tally after a newer one


def test_a_held_tally_arrives_before_the_snapshot_that_follows_it(service, connect) -> None:
    """Closing the vote right after a dot: the screen gets the dot's tally, then the closed
    vote's snapshot, never the other way round."""
    row, console, screen, phones = open_room(service, connect, PLAN, 3, "order")
    console.emit("start", {"client_id": "g"}, callback=True)
    for i, phone in enumerate(phones):
        phone.emit("post_note", {"client_id": f"n{i}", "text": f"Idea {i}"}, callback=True)
    console.emit("next_stage", {"client_id": "s"}, callback=True)
    console.emit("open_vote", {"client_id": "o"}, callback=True)
    items = [it["id"] for it in
             console.emit("resync", {}, callback=True)["snapshot"]["vote"]["results"]]
    settle()
    screen.get_received()
    for i, phone in enumerate(phones):  # the 2nd and 3rd are held...
        assert phone.emit("place_dot", {"client_id": f"d{i}", "item_id": items[0]},
                          callback=True)["ok"]
    assert console.emit("close_vote", {"client_id": "c"}, callback=True)["ok"]
    events = [(e["name"], e["args"][0]) for e in screen.get_received()
              if e["name"] in ("vote", "snapshot")]
    names = [n for n, _ in events]
    assert names[-1] == "snapshot" and names.count("vote") == 2  # ...and sent before it
    assert events[-2][1]["vote"]["placed"] == 3
    assert events[-1][1]["vote"]["status"] == "closed"
    settle()
    assert received(screen, "vote") == []  # nothing stale after the snapshot


def test_a_burst_of_check_ins_builds_the_screens_words_a_few_times_and_ends_right(
        service, connect) -> None:
    """Each check-in word used to recount every answer's words for the screen; now the
    words are built as they are sent, at most every ~100 ms, and the last count is whole."""
    plan = {"title": "Check-in", "stages": [{"kind": "checkin", "prompt": "One word"}]}
    row, console, screen, phones = open_room(service, connect, plan, 60, "words")
    assert console.emit("start", {"client_id": "g"}, callback=True)["ok"]
    settle()
    screen.get_received()
    feelings = ["curious", "tired", "hopeful", "calm", "busy"]
    t0 = time.monotonic()
    for i, phone in enumerate(phones):
        assert phone.emit("post_note", {"client_id": f"c{i}", "text": feelings[i % 5]},
                          callback=True)["ok"]
    answering = time.monotonic() - t0
    settle()
    words = received(screen, "words")
    assert 1 <= len(words) <= min(at_most(answering), 59), (len(words), answering)
    assert sorted(words[-1]["words"]["words"]) == sorted([w, 12] for w in feelings)
    assert words[-1]["seq"] == service.live(row.id).state.seq


def test_a_deleted_workshop_is_not_found_again_from_the_connect_lookups(
        service, workshop, connect) -> None:
    """Connects remember a found workshop for a few seconds; one deleted meanwhile is not
    let in by that memory."""
    for auth in ({"role": "phone", "code": workshop.code},
                 {"role": "console", "key": workshop.console_key}):
        assert connect(auth).is_connected()
    service.delete_workshop(workshop.id)
    for auth in ({"role": "phone", "code": workshop.code},
                 {"role": "console", "key": workshop.console_key}):
        assert not connect(auth).is_connected()
