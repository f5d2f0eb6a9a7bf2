"""The ``cafe`` activity: a World Café of timed rounds at small tables (METHODS.md).

One stage holds the whole café. Its phases: ``gathering`` (people arrive; hosts volunteer),
then for each round ``round`` (seated, writing on the table's tablecloth) and ``between``
(hosts write a handover summary, travellers carry one idea on), and finally ``harvest``
(every table's tablecloth and summaries, for the room). Seating is planned by the pure
``facilitator.core.seating`` when the first round starts and recorded whole in the log, so
replay never re-plans; late arrivals, leavers, swaps and new hosts each record the new
seating too.

Notes written in a café stage are ordinary notes (``post_note``) carrying their table and
round; they are shown to the people at that table, never on the projector during the café.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from facilitator.core.commands import (
    JOIN_PLACE_HOOKS,
    PARTICIPANT,
    Actor,
    Draft,
    Field,
    clean_text,
    command,
    preparer,
    require_running,
)
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.seating import (
    Seating,
    move_to,
    place_late,
    plan_rounds,
    rehost,
    remove,
    set_host,
    swap,
)
from facilitator.core.state import FACILITATOR, Event, Note, Timer, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONE,
    PHONES,
    SCREEN,
    Emit,
    author_name,
    in_shared_views,
    note_view,
    notifier,
    shared,
    stage_is_anonymous,
)
from facilitator.i18n import _, ngettext

SCREEN_VIEW = "cafe"  # the projector's default view: the café's own (templates/kinds/cafe)
HOST_MODES = ("fixed", "volunteer", "none")
DEFAULT_ROUND = 20 * 60
MAX_SUMMARY = 1000
MAX_PHOTOS = 12  # per table and round: a tablecloth or two, from a few angles
MAX_TABLES = 500
BIG_TABLE = 5  # above this, conversation suffers: warn (METHODS.md: about 4, at most 5 or 6)

OPTIONS = {
    "rounds": Option(int, 3, 2, 5, "How many rounds of conversation."),
    "table_size": Option(int, 4, 2, 8, "People per table (4 is usual; more than 5 is a "
                                       "crowd)."),
    "tables": Option(int, 0, 0, MAX_TABLES, "A fixed number of tables instead of a table "
                                            "size (0: work it out from the table size)."),
    "hosts": Option(str, "fixed", help="Table hosts: 'fixed' (the same host stays all café), "
                                       "'volunteer' (someone stays each round) or 'none'.",
                    choices=HOST_MODES),
    "questions": Option(list, [], maximum=MAX_TABLES,
                        help="The question for each round (one line each; a single question "
                             "is asked every round), or for each table."),
    "questions_by": Option(str, "round", help="'round': a question per round; 'table': a "
                                              "question per table.",
                           choices=("round", "table")),
    "etiquette": Option(list, [], maximum=20, help="The café etiquette card, a line each."),
    "max_length": Option(int, 280, 20, 2000, "Longest tablecloth note, in characters."),
    "max_per_person": Option(int, 30, 1, 200, "Most notes one person can write in the café."),
}

DEFAULT_ETIQUETTE = (
    "Focus on what matters.",
    "Contribute your thinking and your experience.",
    "Listen to understand, and speak from the heart.",
    "Link and connect ideas from table to table.",
    "Listen together for patterns, insights and deeper questions.",
    "Write, doodle and draw on the tablecloth.",
)


def warnings(stage: Stage) -> list[str]:
    """Advice about a café plan before it runs (shown when the plan is reviewed)."""
    out = []
    if stage_option(stage, "table_size") > BIG_TABLE and not stage_option(stage, "tables"):
        out.append(_("Tables of %d are large: conversation works best with about 4, at most "
                     "5 or 6.") % stage_option(stage, "table_size"))
    return out


@dataclass
class Summary:
    text: str
    author: str
    at: float


@dataclass
class Photo:
    id: str
    round: int
    table: int
    author: str
    width: int
    height: int
    removed: bool = False


@dataclass
class Cafe:
    """A café stage's progress: phase, the current round and the seating, hosts who offered,
    people who left, and the hosts' handover summaries by (round, table)."""

    phase: str = "gathering"  # gathering -> round -> between -> round ... -> harvest
    round: int = -1
    seating: Seating | None = None
    volunteers: list[str] = field(default_factory=list)
    left: set[str] = field(default_factory=set)
    summaries: dict[tuple[int, int], Summary] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)

    def table_of(self, pid: str, round_index: int | None = None) -> int | None:
        r = self.round if round_index is None else round_index
        if self.seating is None or not 0 <= r < len(self.seating.rounds):
            return None
        return self.seating.table_of(r, pid)

    def host(self, table: int, round_index: int | None = None) -> str | None:
        r = self.round if round_index is None else round_index
        if self.seating is None or not 0 <= r < len(self.seating.hosts):
            return None
        return self.seating.hosts[r][table]

    def seated(self, table: int, round_index: int | None = None) -> tuple[str, ...]:
        r = self.round if round_index is None else round_index
        if self.seating is None or not 0 <= r < len(self.seating.rounds):
            return ()
        return self.seating.rounds[r][table]


def cafe(state: WorkshopState, index: int) -> Cafe:
    return state.cafes.get(index) or Cafe()


def round_length(stage: Stage) -> int:
    return stage.duration or DEFAULT_ROUND


def planned_length(stage: Stage) -> int:
    """The café's whole length in seconds, for the console's run of show: its rounds (a
    stage's ``duration`` is one round's length)."""
    return round_length(stage) * stage_option(stage, "rounds")


def question(stage: Stage, round_index: int, table: int | None) -> str:
    """The question a table talks about in a round (the stage prompt if none is set)."""
    questions = stage_option(stage, "questions")
    if not questions:
        return stage.prompt
    if stage_option(stage, "questions_by") == "table":
        return questions[table % len(questions)] if table is not None else stage.prompt
    return questions[min(max(round_index, 0), len(questions) - 1)]


def _here(state: WorkshopState) -> tuple[int, Cafe]:
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "cafe":
        raise DomainError(_("This step is not a World Café."))
    return state.stage_index, cafe(state, state.stage_index)


def writing_table(state: WorkshopState, actor: Actor,
                  written_in: int | None = None) -> tuple[int, int]:
    """(round, table) a participant's tablecloth note goes to, or a reason why not.

    ``written_in`` is the round the phone was in when its person wrote the note: a note kept
    on a phone while offline goes to the tablecloth it was written at, even if it arrives
    after the round changed (as a pen mark on paper would).
    """
    _index, c = _here(state)
    if c.phase == "gathering":
        raise DomainError(_("The first round has not started yet. Your table will appear "
                            "here when it does."))
    if c.phase == "harvest":
        raise DomainError(_("The rounds are over: the tablecloths are closed for the harvest."))
    if written_in is not None and 0 <= written_in < c.round:
        earlier = c.table_of(actor.participant or "", written_in)
        if earlier is not None:
            return written_in, earlier
    table = c.table_of(actor.participant or "")
    if table is None:
        raise DomainError(_("You do not have a table in this round yet. Tap “Take a seat” "
                            "or ask the facilitator."))
    return c.round, table


def _people(state: WorkshopState, c: Cafe) -> list[str]:
    return [p for p in state.participants if p not in c.left]


def _tables(state: WorkshopState, stage: Stage, n: int) -> int:
    tables = stage_option(stage, "tables") or -(-n // stage_option(stage, "table_size"))
    return max(1, min(tables, n))


def _auto_hosts(c: Cafe, candidates: list[str], tables: int) -> dict[int, str]:
    """Volunteers first (in the order they offered), then the earliest arrivals."""
    order = [p for p in c.volunteers if p in candidates]
    order += [p for p in candidates if p not in order]
    return dict(enumerate(order[:tables]))


# -- facilitator commands --------------------------------------------------------------------

@command("cafe_start_round", {FACILITATOR})
def start_round(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Seat everyone for the next round and start its timer."""
    index, c = _here(state)
    stage = state.stages[index]
    rounds = stage_option(stage, "rounds")
    if c.phase == "round":
        raise DomainError(_("Round %d is still running: end it first, so hosts can write "
                            "their summaries.") % (c.round + 1))
    if c.phase == "harvest" or c.round + 1 >= rounds:
        raise DomainError(_("All %d rounds have been held.") % rounds)
    if c.seating is None:
        seating = _first_seating(state, index, c)
    else:
        # the seating of this round was decided when the last one ended (and phones were told)
        seating = c.seating
    return [Draft("cafe_round_started", {"stage": index, "round": c.round + 1,
                                         "seating": seating.to_dict(),
                                         "ends_at": now + round_length(stage),
                                         "duration": round_length(stage)})]


def _first_seating(state: WorkshopState, index: int, c: Cafe) -> Seating:
    """The seating of every round, for the people in the café now."""
    stage = state.stages[index]
    people = _people(state, c)
    if len(people) < 2:
        raise DomainError(_("Wait until at least 2 people have joined to seat a café."))
    tables = _tables(state, stage, len(people))
    hosts = _auto_hosts(c, people, tables) if stage_option(stage, "hosts") != "none" else {}
    return _planned(tuple(people), stage_option(stage, "rounds"), tables,
                    tuple(sorted(hosts.items())), len(people))


@lru_cache(maxsize=8)
def _planned(people: tuple[str, ...], rounds: int, tables: int,
             hosts: tuple[tuple[int, str], ...], seed: int) -> Seating:
    """``plan_rounds``, remembered: seating 1,000 people takes 40 to 70 ms, which
    ``seat_ahead`` spends while the room is quiet rather than when the round starts."""
    return plan_rounds(list(people), rounds, tables=tables, hosts=dict(hosts), seed=seed)


@preparer
def seat_ahead(state: WorkshopState) -> None:
    """Before a café's first round, seat the people there now (the facilitator is still
    introducing it): the round start finds the seating made, if nobody came or went."""
    if state.status != "running" or not state.stages:
        return
    index = state.stage_index
    if not 0 <= index < len(state.stages) or state.stages[index].kind != "cafe":
        return
    c = cafe(state, index)
    if c.seating is None and c.phase != "harvest":
        with suppress(DomainError):  # too few people yet: the round start will say so
            _first_seating(state, index, c)


def _next_hosts(c: Cafe, seating: Seating, nxt: int) -> dict[int, str]:
    """Volunteer mode: each table's next host is someone who sat there this round, a
    volunteer if one offered, else the first there who has not hosted yet."""
    hosted = {h for r in range(nxt) for h in seating.hosts[r] if h}
    out: dict[int, str] = {}
    for t in range(seating.tables):
        here = [p for p in seating.rounds[nxt - 1][t]
                if seating.table_of(nxt, p) is not None]  # still in the café
        if not here:
            continue
        offered = [p for p in c.volunteers if p in here]
        fresh = [p for p in here if p not in hosted]
        out[t] = (offered or fresh or here)[0]
    return out


@command("cafe_end_round", {FACILITATOR})
def end_round(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """End the round: hosts write their handover summaries, travellers get ready to move."""
    index, c = _here(state)
    if c.phase != "round":
        raise DomainError(_("No round is running."))
    data: dict[str, Any] = {"stage": index, "round": c.round}
    stage = state.stages[index]
    nxt = c.round + 1
    if (stage_option(stage, "hosts") == "volunteer" and c.seating is not None
            and nxt < len(c.seating.rounds)):
        # the next round's seating is decided now, so phones can say where to go next; it
        # stays what they were told unless the facilitator changes it
        data["seating"] = rehost(c.seating, nxt, _next_hosts(c, c.seating, nxt)).to_dict()
    return [Draft("cafe_round_ended", data)]


@command("cafe_harvest", {FACILITATOR})
def harvest(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """After the rounds: show every table's tablecloth and summaries to the room."""
    index, c = _here(state)
    if c.phase == "harvest":
        raise DomainError(_("The harvest is already showing."))
    if c.phase == "round":
        raise DomainError(_("Round %d is still running: end it first.") % (c.round + 1))
    if c.phase == "gathering":
        raise DomainError(_("No round has been held yet."))
    return [Draft("cafe_harvest_shown", {"stage": index})]


def _target_round(c: Cafe) -> int:
    """The round seating changes apply to: the running one, or the next one between rounds."""
    return c.round if c.phase == "round" else c.round + 1


@command("cafe_swap", {FACILITATOR}, {"a": Field(str, max_length=20),
                                      "b": Field(str, max_length=20)})
def swap_people(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Swap two people's tables in this round (between rounds: in the next round)."""
    index, c = _here(state)
    r = _target_round(c)
    if c.seating is None or c.phase == "harvest" or r >= len(c.seating.rounds):
        raise DomainError(_("There is no round to change the seating of."))
    a, b = payload["a"], payload["b"]
    seating = swap(c.seating, r, a, b)
    return [_seating_changed(index, seating, "swap", [a, b], r, c.seating)]


@command("cafe_remove", {FACILITATOR}, {"participant": Field(str, max_length=20)})
def remove_person(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Someone has left: take them out of this round and later ones; nobody else moves now."""
    index, c = _here(state)
    pid = payload["participant"]
    if pid not in state.participants:
        raise DomainError(_("There is no such participant."))
    if pid in c.left:
        raise DomainError(_("%s has already left the café.") % _label(state, pid))
    r = _target_round(c)
    seating = c.seating
    if seating is not None and c.phase != "harvest" and r < len(seating.rounds):
        if seating.table_of(r, pid) is not None:
            seating = remove(seating, r, pid)
    return [_seating_changed(index, seating, "left", [pid], r, c.seating)]


@command("cafe_host", {FACILITATOR, PARTICIPANT}, {"host": Field(bool),
                                                   "participant": Field(str, required=False,
                                                                        max_length=20)})
def offer_to_host(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Offer (or stop offering) to host: for the café before it starts, or, with volunteer
    hosts, to stay at one's table and host the next round. The facilitator can choose."""
    index, c = _here(state)
    stage = state.stages[index]
    mode = stage_option(stage, "hosts")
    pid = actor.participant if actor.role == PARTICIPANT else payload.get("participant")
    if not pid or pid not in state.participants:
        raise DomainError(_("Choose who will host."))
    if mode == "none":
        raise DomainError(_("This café has no table hosts: everyone moves each round."))
    if c.phase == "harvest" or (c.phase != "gathering" and mode == "fixed"):
        raise DomainError(_("The hosts for this café have already been chosen."))
    if c.phase != "gathering" and c.round + 1 >= stage_option(stage, "rounds"):
        raise DomainError(_("This is the last round: there is no next round to host."))
    if c.phase == "between":
        # the next round's seating was decided as the round ended (phones know their table)
        raise DomainError(_("The next round's hosts are already chosen. Ask the facilitator "
                            "if you would like to host.") if actor.role == PARTICIPANT else
                          _("The next round's hosts are already chosen: change a table's "
                            "host under the seating."))
    if payload["host"] == (pid in c.volunteers):
        raise DomainError(_("That is already noted.") if payload["host"]
                          else _("That person has not offered to host."))
    return [Draft("cafe_host_offered", {"stage": index, "participant": pid,
                                        "host": payload["host"]})]


# -- participant commands --------------------------------------------------------------------

@command("cafe_take_seat", {PARTICIPANT})
def take_seat(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A participant without a table (arrived late, or came back) is given one."""
    index, c = _here(state)
    pid = actor.participant or ""
    drafts = _seat_late(state, index, c, pid)
    if drafts is None:
        raise DomainError(_("You already have a table."))
    return drafts


def _seat_late(state: WorkshopState, index: int, c: Cafe, pid: str,
               table: int | None = None) -> list[Draft] | None:
    """Drafts seating ``pid`` from the running (or next) round (at ``table`` if given), or
    None if nothing to do."""
    if c.seating is None or c.phase == "harvest":
        return [Draft("cafe_returned", {"stage": index, "participant": pid})] \
            if pid in c.left else None
    r = _target_round(c)
    if r >= len(c.seating.rounds) or c.seating.table_of(r, pid) is not None:
        return None
    seating = place_late(c.seating, r, pid, table)
    return [_seating_changed(index, seating, "late", [pid], r, c.seating)]


def _on_join(state: WorkshopState, pid: str, place: dict[str, Any], now: float) -> list[Draft]:
    """A phone joining mid-café is seated at once, without moving anyone seated: at the table
    whose QR code it scanned (``place["table"]``) if there is one, else at a smallest."""
    stage = state.stage
    if state.status != "running" or stage is None or stage.kind != "cafe":
        return []
    c = cafe(state, state.stage_index)
    table = place.get("table")
    if c.seating is None or table is None or not 0 <= table < c.seating.tables:
        table = None  # no such table: seated as any late arrival (the phone says why)
    return _seat_late(state, state.stage_index, c, pid, table) or []


JOIN_PLACE_HOOKS.append(_on_join)


@command("cafe_sit", {PARTICIPANT}, {"table": Field(int), "move": Field(bool, required=False)})
def sit_at(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Sit at the table whose QR code the phone scanned (index from 0), this round (between
    rounds: the next). Nobody else moves. Someone seated elsewhere moves only with
    ``move: true`` (the phone asks them first)."""
    index, c = _here(state)
    pid = actor.participant or ""
    table = payload["table"]
    if c.phase == "gathering" or c.seating is None:
        raise DomainError(_("The first round has not started yet. Your table will appear "
                            "here when it does."))
    if c.phase == "harvest" or _target_round(c) >= len(c.seating.rounds):
        raise DomainError(_("The rounds are over: there is no table to sit at now."))
    if not 0 <= table < c.seating.tables:
        raise DomainError(ngettext(
            "There is no table %(n)d in this café: it has %(count)d table. Ask the "
            "facilitator where to sit.",
            "There is no table %(n)d in this café: it has %(count)d tables. Ask the "
            "facilitator where to sit.", c.seating.tables)
            % {"n": table + 1, "count": c.seating.tables})
    r = _target_round(c)
    here = c.seating.table_of(r, pid)
    if here is None:
        return _seat_late(state, index, c, pid, table) or []
    if here == table:
        raise DomainError(_("You already sit at table %d.") % (table + 1))
    if c.seating.hosts[r][here] == pid:
        raise DomainError(_("You host table %d: please stay there, or ask the facilitator.")
                          % (here + 1))
    if not payload.get("move"):
        raise DomainError(_("You sit at table %(here)d this round. Confirm to move to table "
                            "%(there)d.") % {"here": here + 1, "there": table + 1})
    seating = move_to(c.seating, r, pid, table)
    return [_seating_changed(index, seating, "moved", [pid], r, c.seating)]


@command("cafe_set_host", {FACILITATOR}, {"table": Field(int),
                                          "participant": Field(str, required=False,
                                                               max_length=20)})
def choose_host(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """The facilitator chooses (or changes, or with no ``participant`` removes) a table's host,
    from this round on (between rounds: from the next). During a round the new host must
    already sit at that table; between rounds at most two people's next table changes."""
    index, c = _here(state)
    stage = state.stages[index]
    if stage_option(stage, "hosts") == "none":
        raise DomainError(_("This café has no table hosts: everyone moves each round."))
    if c.phase == "gathering" or c.seating is None:
        raise DomainError(_("Tables are set when round 1 starts. Until then, add hosts with "
                            "“Add as host”."))
    r = _target_round(c)
    if c.phase == "harvest" or r >= len(c.seating.rounds):
        raise DomainError(_("The rounds are over: there is no round to host."))
    table, pid = payload["table"], payload.get("participant") or None
    if not 0 <= table < c.seating.tables:
        raise DomainError(_("There is no table %d to host.") % (table + 1))
    if pid is not None:
        if pid not in state.participants or pid in c.left:
            raise DomainError(_("That person is not in the café."))
        here = c.seating.table_of(r, pid)
        if here is None:
            raise DomainError(_("%s has no table in this round.") % _label(state, pid))
        if c.phase == "round" and here != table:
            raise DomainError(_("%(name)s sits at table %(here)d this round: choose someone "
                                "at table %(table)d, or wait until the round ends.")
                              % {"name": _label(state, pid), "here": here + 1,
                                 "table": table + 1})
    if c.seating.hosts[r][table] == pid:
        raise DomainError(_("That is already the host of table %d.") % (table + 1)
                          if pid else _("Table %d has no host already.") % (table + 1))
    seating = set_host(c.seating, r, table, pid)
    return [_seating_changed(index, seating, "host", [pid] if pid else [], r, c.seating)]


def _seating_changed(index: int, seating: Seating | None, reason: str, people: list[str],
                     round_index: int, before: Seating | None = None) -> Draft:
    """The new seating, with the tables of ``round_index`` whose people or host changed
    (their phones are told at once) and who among those moved or changed role."""
    tables: list[int] = []
    moved: list[str] = []
    if (seating is not None and before is not None and round_index < len(seating.rounds)
            and round_index < len(before.rounds)):
        old, new = before.rounds[round_index], seating.rounds[round_index]
        for t in range(seating.tables):
            if set(old[t]) != set(new[t]) or (before.hosts[round_index][t]
                                              != seating.hosts[round_index][t]):
                tables.append(t)
        for p in sorted({p for t in tables for p in (*old[t], *new[t])}):
            if (before.table_of(round_index, p) != seating.table_of(round_index, p)
                    or (p in before.hosts[round_index]) != (p in seating.hosts[round_index])):
                moved.append(p)
    return Draft("cafe_seating_changed", {
        "stage": index, "seating": seating.to_dict() if seating else None, "reason": reason,
        "people": people, "round": round_index, "tables": tables, "moved": moved})


@command("cafe_summary", {PARTICIPANT}, {"text": Field(str, max_length=MAX_SUMMARY)})
def write_summary(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """The host writes (or rewrites) their table's handover summary for this round."""
    index, c = _here(state)
    r, table = writing_table(state, actor)
    host = c.host(table)
    if host is not None and host != actor.participant:
        raise DomainError(_("The host of your table writes the summary. You can add notes "
                            "to the tablecloth."))
    text = clean_text(payload["text"], MAX_SUMMARY, _("summary"))
    return [Draft("cafe_summary_written", {"stage": index, "round": r, "table": table,
                                           "text": text})]


@command("cafe_photo", {PARTICIPANT}, {"photo": Field(str, max_length=40),
                                       "width": Field(int), "height": Field(int)},
         upload=True)
def add_photo(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A photo of the paper tablecloth, already cleaned and stored by the upload route."""
    index, c = _here(state)
    r, table = writing_table(state, actor)
    if payload["photo"] in c.photos and not c.photos[payload["photo"]].removed:
        raise DomainError(_("That photo is already on the tablecloth."))
    here = [p for p in c.photos.values() if (p.round, p.table) == (r, table) and not p.removed]
    if len(here) >= MAX_PHOTOS:
        raise DomainError(_("This table has %d photos already, which is the most.")
                          % MAX_PHOTOS)
    return [Draft("cafe_photo_added", {"stage": index, "round": r, "table": table,
                                       "photo": payload["photo"], "width": payload["width"],
                                       "height": payload["height"]})]


@command("cafe_remove_photo", {PARTICIPANT, FACILITATOR}, {"photo": Field(str, max_length=40)})
def remove_photo(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a photo away (its author, or the facilitator); the log keeps that it was there."""
    index = state.stage_index
    c = cafe(state, index)
    photo = c.photos.get(payload["photo"])
    if photo is None or photo.removed:
        raise DomainError(_("That photo is not on a tablecloth (it may have been removed)."))
    if actor.role == PARTICIPANT and photo.author != actor.participant:
        raise DomainError(_("You can only remove your own photos."))
    return [Draft("cafe_photo_removed", {"stage": index, "photo": photo.id})]


# -- reducers --------------------------------------------------------------------------------

def _cafe_for(state: WorkshopState, event: Event) -> Cafe:
    return state.cafes.setdefault(event.data["stage"], Cafe())


@reducer("cafe_round_started")
def _round_started(state: WorkshopState, event: Event) -> None:
    c = _cafe_for(state, event)
    c.phase, c.round = "round", event.data["round"]
    c.seating = Seating.from_dict(event.data["seating"])
    c.volunteers = []  # offers were for this round; new offers are for the next
    state.timer = Timer(duration=event.data["duration"], running=True,
                        ends_at=event.data["ends_at"])


@reducer("cafe_round_ended")
def _round_ended(state: WorkshopState, event: Event) -> None:
    c = _cafe_for(state, event)
    c.phase = "between"
    if event.data.get("seating"):
        c.seating = Seating.from_dict(event.data["seating"])
    state.timer = Timer(duration=state.timer.duration, remaining=0.0)


@reducer("cafe_harvest_shown")
def _harvest_shown(state: WorkshopState, event: Event) -> None:
    _cafe_for(state, event).phase = "harvest"
    state.timer = Timer()


@reducer("cafe_seating_changed")
def _seating(state: WorkshopState, event: Event) -> None:
    c = _cafe_for(state, event)
    data = event.data["seating"]
    c.seating = Seating.from_dict(data) if data else None
    if event.data["reason"] == "left":
        c.left.update(event.data["people"])
        c.volunteers = [p for p in c.volunteers if p not in c.left]
    elif event.data["reason"] == "late":
        c.left.difference_update(event.data["people"])


@reducer("cafe_returned")
def _returned(state: WorkshopState, event: Event) -> None:
    _cafe_for(state, event).left.discard(event.data["participant"])


@reducer("cafe_host_offered")
def _host_offered(state: WorkshopState, event: Event) -> None:
    c = _cafe_for(state, event)
    pid = event.data["participant"]
    if event.data["host"]:
        c.volunteers.append(pid)
    else:
        c.volunteers = [p for p in c.volunteers if p != pid]


@reducer("cafe_photo_added")
def _photo_added(state: WorkshopState, event: Event) -> None:
    d = event.data
    _cafe_for(state, event).photos[d["photo"]] = Photo(d["photo"], d["round"], d["table"],
                                                       event.actor, d["width"], d["height"])


@reducer("cafe_photo_removed")
def _photo_removed(state: WorkshopState, event: Event) -> None:
    _cafe_for(state, event).photos[event.data["photo"]].removed = True


@reducer("cafe_summary_written")
def _summary(state: WorkshopState, event: Event) -> None:
    c = _cafe_for(state, event)
    c.summaries[(event.data["round"], event.data["table"])] = Summary(
        event.data["text"], event.actor, event.at)


# -- views -----------------------------------------------------------------------------------

def _label(state: WorkshopState, pid: str) -> str:
    return author_name(state, pid) or _("Participant %s") % pid.lstrip("p")


def _public_name(state: WorkshopState, index: int, pid: str | None) -> str:
    """A name the room may see: only in a named workshop, and only if the person gave one."""
    if not pid or stage_is_anonymous(state, index):
        return ""
    return author_name(state, pid)


def table_notes(state: WorkshopState, index: int, table: int, upto_round: int,
                audience: str) -> list[dict[str, Any]]:
    """A table's tablecloth: its visible notes from round 0 to ``upto_round``."""
    return [note_view(state, n, audience) for n in state.notes.values()
            if n.stage == index and n.table == table and n.round is not None
            and n.round <= upto_round and not n.deleted and not n.hidden]


def photo_src(state: WorkshopState, photo_id: str) -> str:
    """Where a page loads a photo from (web/photos)."""
    return f"/photos/{state.code}/{photo_id}.jpg"


def _photos(state: WorkshopState, c: Cafe, table: int, upto_round: int,
            pid: str | None = None) -> list[dict[str, Any]]:
    return [{"id": p.id, "round": p.round, "table": p.table, "src": photo_src(state, p.id),
             "width": p.width, "height": p.height, "mine": p.author == pid}
            for p in c.photos.values()
            if p.table == table and p.round <= upto_round and not p.removed]


def _summaries(c: Cafe, table: int, upto_round: int) -> list[dict[str, Any]]:
    return [{"round": r, "table": t, "text": s.text}
            for (r, t), s in sorted(c.summaries.items()) if t == table and r <= upto_round]


def _counts(state: WorkshopState, index: int, round_index: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for n in state.notes.values():
        if (n.stage == index and n.round == round_index and n.table is not None
                and not n.deleted and not n.hidden):
            counts[n.table] = counts.get(n.table, 0) + 1
    return counts


def _base(state: WorkshopState, index: int, c: Cafe) -> dict[str, Any]:
    stage = state.stages[index]
    etiquette = stage_option(stage, "etiquette") or [_(line) for line in DEFAULT_ETIQUETTE]
    return {"phase": c.phase, "round": c.round, "rounds": stage_option(stage, "rounds"),
            "hosts_mode": stage_option(stage, "hosts"), "etiquette": etiquette,
            "tables": c.seating.tables if c.seating else 0,
            "question": question(stage, c.round, None)}


def _all_tables(state: WorkshopState, index: int, c: Cafe, audience: str) -> list[dict]:
    """Every table's tablecloth and summaries (the harvest)."""
    if c.seating is None:
        return []
    stage = state.stages[index]
    return [{"table": t, "question": question(stage, c.round, t),
             "notes": table_notes(state, index, t, c.round, audience),
             "summaries": _summaries(c, t, c.round),
             "photos": _photos(state, c, t, c.round)} for t in range(c.seating.tables)]


def phone_view(state: WorkshopState, index: int, pid: str | None) -> dict[str, Any]:
    """One person's café: their table's question, host, tablemates, tablecloth, summaries
    and photos. Inside ``shared_views`` (a fan-out to every phone) what a table's people have
    in common is built once per table (``_shared_*``); the output is the same either way."""
    c = cafe(state, index)
    out = dict(shared(state, ("cafe_base", index), lambda: _base(state, index, c)))
    pid = pid or ""
    out["volunteered"] = pid in c.volunteers
    out["left"] = pid in c.left
    if c.phase == "harvest":
        out["all_tables"] = shared(state, ("cafe_all", index, PHONE),
                                   lambda: _all_tables(state, index, c, PHONE))
        return out
    table = _table_of(state, index, c, c.round, pid)
    out["table"] = table
    if c.phase == "between":
        out.update(_next_seat(state, index, c, pid))
    if table is None:
        return out
    stage = state.stages[index]
    host = c.host(table)
    out.update(question=question(stage, c.round, table), host=host,
               host_name=_public_name(state, index, host) if host != pid else "",
               i_host=host == pid,
               tablemates=[{"name": _public_name(state, index, p), "host": p == host}
                           for p in c.seated(table) if p != pid],
               tablecloth=[{**nv, "mine": author == pid}
                           for author, nv in _shared_cloth(state, index, table, c.round)],
               summaries=_shared_summaries(state, index, c, table),
               photos=[{**ph, "mine": author == pid}
                       for author, ph in _shared_photos(state, index, c, table)])
    return out


def _table_of(state: WorkshopState, index: int, c: Cafe, round_index: int,
              pid: str) -> int | None:
    """``c.table_of``, from one index of the round's seats when views are shared (finding
    a person is a scan of every table, so once per phone it grew with the room squared)."""
    if c.seating is None or not 0 <= round_index < len(c.seating.rounds):
        return None
    if not in_shared_views():
        return c.seating.table_of(round_index, pid)
    seating = c.seating
    seats = shared(state, ("cafe_seats", index, round_index),
                   lambda: {p: t for t, people in enumerate(seating.rounds[round_index])
                            for p in people})
    return seats.get(pid)


def _shared_cloth(state: WorkshopState, index: int, table: int,
                  upto_round: int) -> list[tuple[str, dict[str, Any]]]:
    """(author, note view) of a table's tablecloth for a phone: ``table_notes``, or, when
    views are shared, every table's grouped in one pass over the notes."""
    def cloth(notes: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        return [(state.notes[nv["id"]].author, nv) for nv in notes]

    if not in_shared_views():
        return cloth(table_notes(state, index, table, upto_round, PHONE))

    def every_table() -> dict[int, list[tuple[str, dict[str, Any]]]]:
        by_table: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for n in state.notes.values():
            if (n.stage == index and n.table is not None and n.round is not None
                    and n.round <= upto_round and not n.deleted and not n.hidden):
                by_table.setdefault(n.table, []).append((n.author,
                                                         note_view(state, n, PHONE)))
        return by_table

    return shared(state, ("cafe_cloths", index, upto_round), every_table).get(table, [])


def _shared_summaries(state: WorkshopState, index: int, c: Cafe,
                      table: int) -> list[dict[str, Any]]:
    if not in_shared_views():
        return _summaries(c, table, c.round)

    def every_table() -> dict[int, list[dict[str, Any]]]:
        by_table: dict[int, list[dict[str, Any]]] = {}
        for (r, t), s in sorted(c.summaries.items()):
            if r <= c.round:
                by_table.setdefault(t, []).append({"round": r, "table": t, "text": s.text})
        return by_table

    return [dict(s) for s in shared(state, ("cafe_summaries", index), every_table)
            .get(table, [])]


def _shared_photos(state: WorkshopState, index: int, c: Cafe,
                   table: int) -> list[tuple[str, dict[str, Any]]]:
    """(author, photo view without ``mine``) of a table's photos this far."""
    def view_of(p: Photo) -> tuple[str, dict[str, Any]]:
        return p.author, {"id": p.id, "round": p.round, "table": p.table,
                          "src": photo_src(state, p.id), "width": p.width,
                          "height": p.height}

    if not in_shared_views():
        return [view_of(p) for p in c.photos.values()
                if p.table == table and p.round <= c.round and not p.removed]

    def every_table() -> dict[int, list[tuple[str, dict[str, Any]]]]:
        by_table: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for p in c.photos.values():
            if p.round <= c.round and not p.removed:
                by_table.setdefault(p.table, []).append(view_of(p))
        return by_table

    return shared(state, ("cafe_photos", index), every_table).get(table, [])


def _next_seat(state: WorkshopState, index: int, c: Cafe, pid: str) -> dict[str, Any]:
    """Between rounds: where a person sits next round (decided as the round ended, so the
    phone can say it at once), whether they host it, and its host's public name."""
    nxt = c.round + 1
    if c.seating is None or nxt >= len(c.seating.rounds):
        return {"next_table": None, "last_round": True}
    table = _table_of(state, index, c, nxt, pid)
    if table is None:
        return {"next_table": None, "last_round": False}
    host = c.seating.hosts[nxt][table]
    return {"next_table": table, "last_round": False, "next_host": host == pid,
            "next_host_name": _public_name(state, index, host) if host != pid else "",
            "next_question": question(state.stages[index], nxt, table)}


def screen_view(state: WorkshopState, index: int) -> dict[str, Any]:
    c = cafe(state, index)
    out = _base(state, index, c)
    if c.phase == "harvest":
        out["all_tables"] = _all_tables(state, index, c, SCREEN)
        return out
    if c.seating is None or c.round < 0:
        out["waiting"] = len(_people(state, c))
        return out
    counts = _counts(state, index, c.round)
    stage = state.stages[index]
    out["map"] = [{"table": t, "seated": len(c.seated(t)),
                   "names": [n for p in c.seated(t) if (n := _public_name(state, index, p))],
                   "host_name": _public_name(state, index, c.host(t)),
                   "notes": counts.get(t, 0),
                   "question": question(stage, c.round, t)}
                  for t in range(c.seating.tables)]
    return out


@lru_cache(maxsize=16)
def mixing(seating: Seating) -> tuple[tuple[float, ...], int, int]:
    """Per round the share of new encounters, the repeated pairs, and the fewest repeated
    pairs any seating of this size could have. Counting pairs is the costly part of the
    console's view and only changes with the seating (a frozen value), so it is worked out
    once per seating rather than after every note."""
    shares, repeats = seating.mixing()
    return tuple(round(share, 3) for share in shares), repeats, seating.lower_bound()


def console_view(state: WorkshopState, index: int) -> dict[str, Any]:
    c = cafe(state, index)
    stage = state.stages[index]
    out = _base(state, index, c)
    out["volunteers"] = [{"id": p, "name": _label(state, p)} for p in c.volunteers]
    out["left"] = [{"id": p, "name": _label(state, p)} for p in sorted(c.left)]
    out["warnings"] = warnings(stage)
    if c.seating is None:
        out["waiting"] = len(_people(state, c))
        return out
    s = c.seating
    shown = _target_round(c) if c.phase != "harvest" else c.round
    shown = min(shown, len(s.rounds) - 1)
    counts = _counts(state, index, c.round)
    out["shown_round"] = shown
    out["seating"] = [{"table": t, "host": s.hosts[shown][t],
                       "people": [{"id": p, "name": _label(state, p)} for p in s.rounds[shown][t]],
                       "notes": counts.get(t, 0) if shown == c.round else 0,
                       "summary": (c.summaries.get((c.round, t)).text  # type: ignore[union-attr]
                                   if (c.round, t) in c.summaries else ""),
                       "photos": [p for p in _photos(state, c, t, c.round)
                                  if p["round"] == c.round] if shown == c.round else []}
                      for t in range(s.tables)]
    shares, out["repeats"], out["fewest_repeats"] = mixing(s)
    out["new_share"] = list(shares)
    if max((len(t) for t in s.rounds[shown]), default=0) > BIG_TABLE + 1:
        out["warnings"].append(_("Some tables have more than %d people: add tables to keep "
                                 "conversations small.") % (BIG_TABLE + 1))
    if c.phase == "harvest":
        out["all_tables"] = _all_tables(state, index, c, CONSOLE)
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    if audience == SCREEN:
        return {"cafe": screen_view(state, index)}
    if audience == CONSOLE:
        return {"cafe": console_view(state, index)}
    return {"cafe": phone_view(state, index, participant)}


# -- notifiers -------------------------------------------------------------------------------

def _cafe_emit(state: WorkshopState, index: int, audience: str,
               participant: str | None = None) -> Emit:
    return Emit(participant or audience, "cafe",
                {"seq": state.seq, "stage": index,
                 "cafe": view(state, index, audience, participant)["cafe"]})


def _for_table(state: WorkshopState, index: int, table: int | None,
               extra: tuple[str, ...] = ()) -> list[Emit]:
    c = cafe(state, index)
    people = set(c.seated(table)) if table is not None else set()
    people.update(extra)
    return [_cafe_emit(state, index, PHONE, p) for p in sorted(people)]


def note_emits(state: WorkshopState, note: Note) -> list[Emit]:
    """A tablecloth note changed: the people at its table, the projector's counts."""
    if note.stage != state.stage_index:
        return []
    # the projector and console get this round's counts per table, not their whole café view
    # again: with hundreds of people that view is tens of kilobytes, and notes come fast
    c = cafe(state, note.stage)
    counts = {"seq": state.seq, "stage": note.stage, "round": c.round,
              "counts": {str(t): n for t, n in _counts(state, note.stage, c.round).items()}}
    return [*_for_table(state, note.stage, note.table, (note.author,)),
            Emit(SCREEN, "cafe_counts", counts), Emit(CONSOLE, "cafe_counts", counts)]


@notifier("cafe_round_started", "cafe_round_ended", "cafe_harvest_shown")
def _phase_changed(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]


@notifier("cafe_seating_changed", "cafe_returned")
def _seating_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    c = cafe(state, index)
    people = [*(event.data.get("people") or [event.data.get("participant")]),
              *event.data.get("moved", ())]
    out = [_cafe_emit(state, index, CONSOLE), _cafe_emit(state, index, SCREEN)]
    told: set[str] = set()
    r = event.data.get("round")
    if c.phase in ("round", "between") and r == _target_round(c) and c.seating is not None:
        # the phones whose table (this round's, or between rounds the next one's) changed
        tables = set(event.data.get("tables", ()))
        tables |= {t for p in people if p and (t := c.seating.table_of(r, p)) is not None}
        for t in sorted(tables):
            told.update(c.seated(t, r))
    told.update(p for p in people if p)
    out += [_cafe_emit(state, index, PHONE, p) for p in sorted(told)]
    return out


@notifier("cafe_host_offered")
def _host_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    return [_cafe_emit(state, index, CONSOLE),
            _cafe_emit(state, index, PHONE, event.data["participant"])]


@notifier("cafe_photo_added", "cafe_photo_removed")
def _photo_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    photo = cafe(state, index).photos[event.data["photo"]]
    out = [_cafe_emit(state, index, CONSOLE),
           *_for_table(state, index, photo.table, (photo.author,))]
    if cafe(state, index).phase == "harvest":
        out.append(_cafe_emit(state, index, SCREEN))
    return out


@notifier("cafe_summary_written")
def _summary_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    return [_cafe_emit(state, index, CONSOLE),
            *_for_table(state, index, event.data["table"], (event.actor,))]
