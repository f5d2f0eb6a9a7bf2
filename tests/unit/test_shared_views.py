"""Views built with their shared parts cached (core/views.shared_views, as a fan-out to every
phone does) are exactly the views built one by one, for random café rooms and votes."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from room import FAC, Room

from facilitator import i18n
from facilitator.activities.notes import note_id_for
from facilitator.activities.vote import Vote
from facilitator.core.errors import DomainError
from facilitator.core.views import CONSOLE, PHONE, SCREEN, shared_views, snapshot

LANGS = ("en", "cy", "pl")  # phones reading different languages share nothing across them

TEXT = st.sampled_from(["A garden", "More benches", "Quiet hours", "Más luz", "Cwtch"])
NOTE = st.tuples(st.just("note"), st.integers(0, 40), TEXT)
OPS = st.one_of(
    NOTE, NOTE, NOTE,  # tablecloths fill up more often than anything else happens
    st.tuples(st.just("hide"), st.integers(0, 40)),
    st.tuples(st.just("delete"), st.integers(0, 40)),
    st.tuples(st.just("summary"), st.integers(0, 40), TEXT),
    st.tuples(st.just("photo"), st.integers(0, 40)),
    st.tuples(st.just("remove"), st.integers(0, 40)),
    st.tuples(st.just("host"), st.integers(0, 40)),
    st.tuples(st.just("join"), st.booleans()),
    st.tuples(st.just("start_round")),
    st.tuples(st.just("end_round")),
    st.tuples(st.just("harvest")),
)


def every_phone(room: Room, people: list, shared: bool) -> dict[str, dict]:
    """Each person's phone snapshot, in the language they read, as a fan-out builds them."""
    out = {}

    def build() -> None:
        for k, actor in enumerate(people):
            with i18n.use(LANGS[k % len(LANGS)]):
                out[actor.participant] = snapshot(room.state, PHONE, actor.participant)

    if shared:
        with shared_views():
            build()
    else:
        build()
    return out


@settings(max_examples=25, deadline=None)
@given(people=st.integers(2, 24), rounds=st.integers(2, 3), size=st.integers(2, 5),
       anonymous=st.booleans(), hosts=st.sampled_from(["fixed", "volunteer", "none"]),
       seated=st.booleans(), ops=st.lists(OPS, min_size=15, max_size=40))
def test_a_cafe_fan_out_with_shared_parts_gives_every_phone_its_own_view(
        people, rounds, size, anonymous, hosts, seated, ops) -> None:
    room = Room([{"kind": "cafe", "prompt": "What helps?", "anonymous": anonymous,
                  "options": {"rounds": rounds, "table_size": size, "hosts": hosts,
                              "questions_by": "table",
                              "questions": ["Q one", "Q two", "Q three"]}}])
    actors = [room.join(f"P{i}" if i % 3 else "") for i in range(people)]
    room.do(FAC, "start")
    if seated:  # half the rooms start in a round; the others gather first
        room.do(FAC, "cafe_start_round")
    notes: list[str] = []
    photos = 0
    for op in ops:
        who = actors[op[1] % len(actors)] if len(op) > 1 and isinstance(op[1], int) else None
        try:
            if op[0] == "note":
                notes.append(_note(room, who, op[2]))
            elif op[0] == "hide" and notes:
                room.do(FAC, "hide_note", {"note_id": notes[op[1] % len(notes)]})
            elif op[0] == "delete" and notes:
                room.do(who, "delete_note", {"note_id": notes[op[1] % len(notes)]})
            elif op[0] == "summary":
                room.do(who, "cafe_summary", {"text": op[2]})
            elif op[0] == "photo":
                photos += 1
                room.do(who, "cafe_photo", {"photo": f"ph{photos}", "width": 640,
                                            "height": 480})
            elif op[0] == "remove":
                room.do(FAC, "cafe_remove", {"participant": who.participant})
            elif op[0] == "host":
                room.do(who, "cafe_host", {"host": True})
            elif op[0] == "join":
                actors.append(room.join("Late" if op[1] else ""))
            elif op[0] == "start_round":
                room.do(FAC, "cafe_start_round")
            elif op[0] == "end_round":
                room.do(FAC, "cafe_end_round")
            elif op[0] == "harvest":
                room.do(FAC, "cafe_harvest")
        except DomainError:
            pass  # refused (out of phase, not at a table...): the room goes on
        assert every_phone(room, actors, shared=True) == every_phone(room, actors, shared=False)
    # the projector's and the console's views do not change inside the block either
    with shared_views():
        screen, console = snapshot(room.state, SCREEN), snapshot(room.state, CONSOLE)
    assert (screen, console) == (snapshot(room.state, SCREEN), snapshot(room.state, CONSOLE))


def _note(room: Room, who, text: str) -> str:
    return note_id_for(room.do(who, "post_note", {"text": text})[0])


def reference_results(vote: Vote) -> list[dict]:
    """Vote.results() as it was written first: a rank is one more than the number of items
    with more dots, counted for each item."""
    tally: Counter[str] = Counter()
    for mine in vote.placed.values():
        tally.update(mine)
    rows = [{"id": i["id"], "label": i["label"], "count": tally[i["id"]]} for i in vote.items]
    rows.sort(key=lambda r: -r["count"])
    for row in rows:
        row["rank"] = 1 + sum(1 for other in rows if other["count"] > row["count"])
        row["tied"] = sum(1 for other in rows if other["count"] == row["count"]) > 1
    return rows


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5), st.booleans()), max_size=80))
def test_kept_tallies_give_the_results_and_counts_counted_afresh(moves) -> None:
    vote = Vote([{"id": f"n{i}", "label": f"Idea {i}"} for i in range(6)], 5, True, False,
                cap=5)
    for person, item, place in moves:
        pid, iid = f"p{person}", f"n{item}"
        if place:
            vote.add(pid, iid)
        elif vote.placed.get(pid, Counter())[iid]:
            vote.take(pid, iid)
    assert vote.results() == reference_results(vote)
    assert vote.voters == sum(1 for m in vote.placed.values() if sum(m.values()))
    assert +vote.tally() == sum((Counter(m) for m in vote.placed.values()), Counter())
