"""The ``openspace`` activity: Open Space Technology (METHODS.md; docs/activities/openspace.md).

One stage holds the whole Open Space around its theme (the stage prompt): the marketplace of
topics (anyone posts, edits or withdraws their own; anyone marks a non-binding "likely to
attend"), the agenda grid of spaces by time slots (conveners pick a free cell, the facilitator
places and moves topics, an opt-in suggestion fills free cells), merges done only with every
affected convener's consent (or a logged facilitator override), the live sessions (the
facilitator says which slot runs now; people check in and move at will), and the session
reports (key points, recommendations and actions, each a separate entry so concurrent writers
never overwrite each other).

The grid rules and the scheduler are the pure ``facilitator.core.agenda``; this module keeps
the state, turns commands into events and says what each audience sees. Convergence is a
``vote`` stage whose ``source`` is this stage (topics or actions are its items), then an
``adopt`` stage where people sign up to take the top items forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from facilitator.core.agenda import (
    Agenda,
    Slot,
    Space,
    Topic,
    conflicts,
    interest_clashes,
    place,
    slot_clashes,
    suggest_agenda,
)
from facilitator.core.commands import (
    PARTICIPANT,
    Actor,
    Draft,
    Field,
    clean_name,
    clean_text,
    command,
    require_running,
)
from facilitator.core.errors import DomainError, PlanError
from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONE,
    PHONES,
    SCREEN,
    Emit,
    author_name,
    notifier,
    stage_is_anonymous,
)
from facilitator.i18n import _, ngettext

SCREEN_VIEW = "openspace"  # the projector's default view (templates/kinds/openspace)
MAX_TITLE = 100
MAX_BLURB = 300
MAX_ENTRY = 1000
MAX_OWNER = 60
MAX_TOPICS = 200  # in one Open Space
MAX_ENTRIES = 100  # in one session's report
ENTRY_KINDS = ("point", "recommendation", "action", "answer")  # answer: to a template question
MAX_QUESTIONS = 10  # in the plan's report template
MAX_CO = 3  # co-conveners named when posting a topic
MAX_CONTACT = 100  # an email address or a phone number, as the person writes it
MAX_ANNOUNCEMENT = 140  # one line on the projector's strip: "Lunch at 12:30"
MAX_ANNOUNCEMENTS = 50  # live at once (removed ones stay in the log)
SHOWN_ANNOUNCEMENTS = 3  # the newest, on the projector's strip
SIMILAR = 0.5  # word overlap (Jaccard) from which two topics are suggested for merging

DEFAULT_PRINCIPLES = (
    "Whoever comes are the right people.",
    "Whatever happens is the only thing that could have.",
    "Whenever it starts is the right time.",
    "When it's over, it's over.",
    "Wherever it happens is the right place.",
)
DEFAULT_LAW = ("The Law of Two Feet: if you find yourself neither learning nor contributing, "
               "use your two feet and go somewhere you can. Bumblebees move between groups; "
               "butterflies may join none. Moving costs nothing.")
DEFAULT_SPACES = ("Main hall, 40", "Library, 12", "Garden room, 8", "Some place else")
DEFAULT_SLOTS = ("Session 1, 10:00-11:00", "Session 2, 11:15-12:45", "Session 3, 14:00-14:45")

_CAPACITY = re.compile(r"^(.*?)\s*,\s*(\d+)\s*$")
_SLOT = re.compile(r"^(?:(.*?)\s*,\s*)?(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_spaces(lines: list[str]) -> list[Space]:
    """Spaces from lines like "Library, 12" (a trailing number is the capacity; none means
    unlimited, as for a "some place else" cell). Ids are s1, s2, ... in order."""
    out = []
    for i, line in enumerate(lines or DEFAULT_SPACES):
        m = _CAPACITY.match(line)
        name, cap = (m.group(1), int(m.group(2))) if m else (line.strip(), None)
        if cap is not None and cap < 1:
            raise DomainError(_("%(space)s must hold at least 1 person; leave the number off "
                                "for unlimited.") % {"space": name})
        if not name:
            raise DomainError(_("Every space needs a name people can find."))
        out.append(Space(f"s{i + 1}", name[:MAX_TITLE], cap))
    return out


def parse_slots(lines: list[str]) -> list[Slot]:
    """Time slots from lines like "Session 1, 10:00-11:00" (the label is optional). Ids are
    slot1, slot2, ... in order; times are minutes since midnight."""
    out = []
    for i, line in enumerate(lines or DEFAULT_SLOTS):
        m = _SLOT.match(line)
        if not m:
            raise DomainError(_("“%(line)s” is not a time slot: write it like “Session 1, "
                                "10:00-11:00”.") % {"line": line[:60]})
        h1, m1, h2, m2 = (int(x) for x in m.group(2, 3, 4, 5))
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise DomainError(_("“%(line)s” has a time that does not exist.")
                              % {"line": line[:60]})
        times = f"{h1}:{m1:02d}–{h2}:{m2:02d}"
        label = f"{m.group(1)} ({times})" if m.group(1) else times
        out.append(Slot(f"slot{i + 1}", label[:MAX_TITLE], h1 * 60 + m1, h2 * 60 + m2))
    return out


@dataclass(frozen=True)
class GridOption(Option):
    """A list option (``what``: spaces or slots) that must also make a valid grid."""

    what: str = "spaces"

    def check(self, value: Any, where: str) -> Any:
        items = super().check(value, where)
        try:
            if self.what == "spaces":
                Agenda(parse_spaces(items), parse_slots([]))
            else:
                Agenda(parse_spaces([]), parse_slots(items))
        except DomainError as exc:
            raise PlanError(where, exc.message) from None
        return items


OPTIONS = {
    "principles": Option(list, [], maximum=10, help="The principles shown to the room, a line "
                                                    "each (empty: Owen's five)."),
    "law": Option(str, "", help="The Law of Two Feet as shown to the room (empty: the usual "
                                "wording)."),
    "spaces": GridOption(list, [], maximum=30, help="Breakout spaces, a line each: “Library, "
                                                    "12” (name, capacity); no number means "
                                                    "unlimited, like “Some place else”."),
    "slots": GridOption(list, [], maximum=12, help="Time slots in order, a line each: "
                                                   "“Session 1, 10:00-11:00” (lengths may "
                                                   "differ).", what="slots"),
    "convergence": Option(bool, True, help="End with convergence: a dot vote on the topics or "
                                           "actions (a vote stage after this one) and sign-ups "
                                           "to take the top ones forward."),
    "converge_on": Option(str, "topics", help="What the convergence vote is on: 'topics' or "
                                              "'actions'.", choices=("topics", "actions")),
    "max_topics": Option(int, 5, 1, 50, "Most topics one person can convene."),
    "report": Option(list, [], maximum=MAX_QUESTIONS,
                     help="The report template: questions each session's report asks, a line "
                          "each, besides key points, recommendations and actions (“What "
                          "surprised you?”, “Who else should be involved?”)."),
}


def warnings(stage: Stage) -> list[str]:
    """Advice about an Open Space plan before it runs."""
    out = []
    spaces = parse_spaces(stage_option(stage, "spaces"))
    if all(s.capacity is not None for s in spaces):
        out.append(_("No “some place else” space: add one without a capacity (the garden, the "
                     "café) so a topic always has somewhere to go."))
    if len(spaces) * len(parse_slots(stage_option(stage, "slots"))) < 6:
        out.append(_("Fewer than 6 cells on the grid: most Open Spaces need more sessions."))
    return out


# -- state -----------------------------------------------------------------------------------

@dataclass
class OSTopic:
    """A topic of the marketplace. ``titles`` keeps every title merged into it."""

    id: str
    convener: str
    title: str
    blurb: str
    posted_at: float
    titles: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)  # co-conveners: people here (or from merges)
    co_names: list[str] = field(default_factory=list)  # co-conveners not on a phone, by name
    interested: set[str] = field(default_factory=set)
    withdrawn: bool = False
    merged_into: str | None = None
    merged_override: bool = False  # merged by the facilitator without every consent

    @property
    def live(self) -> bool:
        return not self.withdrawn and self.merged_into is None

    @property
    def conveners(self) -> list[str]:
        return [self.convener, *self.co]

    @property
    def display(self) -> str:
        return " / ".join(self.titles) if self.titles else self.title


@dataclass
class Entry:
    """One entry of a session report: a key point, a recommendation or an action (with its
    owner and date). ``rev`` counts saves, so a stale edit is refused, never applied."""

    id: str
    topic: str
    kind: str
    text: str
    author: str
    at: float
    owner: str = ""
    due: str = ""
    rev: int = 1
    deleted: bool = False
    question: int = -1  # an answer's question in the plan's report template


@dataclass
class Merge:
    """A proposed merge of ``topic`` into ``into``: done when every affected convener said
    yes; ``declined`` when one said no."""

    id: str
    topic: str
    into: str
    proposer: str
    needed: list[str]
    consents: set[str] = field(default_factory=set)
    status: str = "open"  # open | done | declined


@dataclass
class Announcement:
    """A line for the whole room ("Lunch at 12:30"), from the facilitator or a convener."""

    id: str
    text: str
    author: str  # "facilitator" or a participant id
    at: float
    removed: bool = False


@dataclass
class OpenSpace:
    topics: dict[str, OSTopic] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (space, slot) -> topic
    now: int = -1  # the running slot's index; -1 before the first; len(slots) after the last
    screen: str = "agenda"  # agenda | news
    checkins: dict[str, str] = field(default_factory=dict)  # participant -> topic
    public: set[str] = field(default_factory=set)  # agreed to show their name with a session
    attended: dict[str, set[str]] = field(default_factory=dict)  # topic -> everyone who came
    entries: dict[str, Entry] = field(default_factory=dict)
    merges: dict[str, Merge] = field(default_factory=dict)
    suggestion: dict[str, Any] | None = None  # {"cells": [[space, slot, topic]], "messages"}
    next_topic: int = 1
    next_entry: int = 1
    next_merge: int = 1
    announcements: dict[str, Announcement] = field(default_factory=dict)
    next_announcement: int = 1
    # (topic, participant) -> how to reach them, shared for that session's page of the book
    contacts: dict[tuple[str, str], str] = field(default_factory=dict)

    def live_topics(self) -> list[OSTopic]:
        return [t for t in self.topics.values() if t.live]

    def cell_of(self, topic_id: str) -> tuple[str, str] | None:
        for cell, t in self.cells.items():
            if t == topic_id:
                return cell
        return None


def openspace(state: WorkshopState, index: int) -> OpenSpace:
    return state.openspaces.get(index) or OpenSpace()


def grid(stage: Stage) -> tuple[list[Space], list[Slot]]:
    return parse_spaces(stage_option(stage, "spaces")), parse_slots(stage_option(stage, "slots"))


def agenda_of(state: WorkshopState, index: int) -> Agenda:
    """The grid as the pure core sees it: live topics with their interest, and the cells."""
    o = openspace(state, index)
    spaces, slots = grid(state.stages[index])
    topics = [Topic(t.id, t.convener, t.display, frozenset(t.interested))
              for t in o.live_topics()]
    return Agenda(spaces, slots, topics, {c: t for c, t in o.cells.items()})


def _label(state: WorkshopState, pid: str) -> str:
    return author_name(state, pid) or _("Participant %s") % pid.lstrip("p")


def _public_name(state: WorkshopState, index: int, pid: str | None) -> str:
    """A name the room may see: only in a named stage, and only one the person gave."""
    if not pid or stage_is_anonymous(state, index):
        return ""
    return author_name(state, pid)


# -- guards ----------------------------------------------------------------------------------

def _here(state: WorkshopState) -> tuple[int, OpenSpace]:
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "openspace":
        raise DomainError(_("This step is not an Open Space."))
    return state.stage_index, openspace(state, state.stage_index)


def _writable(state: WorkshopState, index: int) -> None:
    if index in state.locked:
        raise DomainError(_("The facilitator has paused changes for now. Keep your text and "
                            "try again in a moment."))


def _topic(o: OpenSpace, topic_id: str) -> OSTopic:
    t = o.topics.get(topic_id)
    if t is None or t.withdrawn:
        raise DomainError(_("That topic does not exist (it may have been withdrawn)."))
    if t.merged_into is not None:
        raise DomainError(_("“%(title)s” was merged into “%(into)s”.")
                          % {"title": t.title, "into": o.topics[t.merged_into].display})
    return t


def _own_topic(o: OpenSpace, actor: Actor, topic_id: str) -> OSTopic:
    t = _topic(o, topic_id)
    if actor.role != FACILITATOR and actor.participant not in t.conveners:
        raise DomainError(_("Only the convener of “%(title)s” can do that.")
                          % {"title": t.display})
    return t


# -- the marketplace -------------------------------------------------------------------------

def co_conveners(state: WorkshopState, poster: str, names: list[str], consent: bool
                 ) -> tuple[list[str], list[str]]:
    """Co-conveners named when posting: each name that is exactly one other person here
    (ignoring case) is that person; any other name is kept as written, and only if the poster
    says they agreed to be named (it is shown as a convener's name is: only in a named stage)."""
    if len(names) > MAX_CO:
        raise DomainError(_("Name at most %d co-conveners.") % MAX_CO)
    people: list[str] = []
    written: list[str] = []
    for raw in names:
        name = clean_name(raw)
        if not name:
            continue
        same = [p for p, person in state.participants.items()
                if person.name and person.name.casefold() == name.casefold()]
        if len(same) == 1 and same[0] != poster:
            if same[0] not in people:
                people.append(same[0])
        elif name not in written:
            written.append(name)
    if written and not consent:
        raise DomainError(_("Only name people who agreed to it: tick “They agreed to be "
                            "named” for %s, or leave them out.") % ", ".join(written))
    return people, written


@command("os_topic_post", {PARTICIPANT},
         {"title": Field(str, max_length=MAX_TITLE), "blurb": Field(str, False, MAX_BLURB),
          "co_names": Field(list, False, 20), "co_consent": Field(bool, False)},
         ack=lambda events: {"topic_id": events[0].data["topic"]})
def post_topic(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Announce a topic: the poster is its convener, with optional co-conveners (people here,
    or names of people who agreed). The marketplace never closes."""
    index, o = _here(state)
    _writable(state, index)
    title = clean_text(payload["title"], MAX_TITLE, _("title")).replace("\n", " ")
    blurb = (clean_text(payload["blurb"], MAX_BLURB, _("description"))
             if (payload.get("blurb") or "").strip() else "")
    pid = actor.participant or ""
    mine = [t for t in o.live_topics() if t.convener == pid]
    cap = stage_option(state.stages[index], "max_topics")
    if len(mine) >= cap:
        raise DomainError(_("You convene %d topics already, the most one person can. Withdraw "
                            "one, or ask someone to convene this one.") % cap)
    if len(o.topics) >= MAX_TOPICS:
        raise DomainError(_("The marketplace is full (%d topics).") % MAX_TOPICS)
    co, written = co_conveners(state, pid, payload.get("co_names") or [],
                               bool(payload.get("co_consent")))
    data: dict[str, Any] = {"stage": index, "topic": f"t{o.next_topic}", "title": title,
                            "blurb": blurb}
    if co or written:
        data.update(co=co, co_names=written)
    return [Draft("os_topic_posted", data)]


@command("os_topic_edit", {PARTICIPANT},
         {"topic": Field(str, max_length=20), "title": Field(str, max_length=MAX_TITLE),
          "blurb": Field(str, False, MAX_BLURB)})
def edit_topic(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """A convener rewords their topic."""
    index, o = _here(state)
    _writable(state, index)
    t = _own_topic(o, actor, payload["topic"])
    title = clean_text(payload["title"], MAX_TITLE, _("title")).replace("\n", " ")
    blurb = (clean_text(payload["blurb"], MAX_BLURB, _("description"))
             if (payload.get("blurb") or "").strip() else "")
    if title == t.title and blurb == t.blurb:
        raise DomainError(_("Nothing has changed."))
    return [Draft("os_topic_edited", {"stage": index, "topic": t.id, "title": title,
                                      "blurb": blurb})]


@command("os_topic_withdraw", {PARTICIPANT, FACILITATOR}, {"topic": Field(str, max_length=20)})
def withdraw_topic(state: WorkshopState, actor: Actor, payload: dict, now: float
                   ) -> list[Draft]:
    """A convener withdraws their topic (the facilitator can too); its cell frees."""
    index, o = _here(state)
    t = _own_topic(o, actor, payload["topic"])
    return [Draft("os_topic_withdrawn", {"stage": index, "topic": t.id})]


@command("os_interest", {PARTICIPANT}, {"topic": Field(str, max_length=20),
                                        "on": Field(bool)})
def mark_interest(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Mark (or unmark) a non-binding "likely to attend"."""
    index, o = _here(state)
    t = _topic(o, payload["topic"])
    pid = actor.participant or ""
    if payload["on"] == (pid in t.interested):
        raise DomainError(_("That is already noted.") if payload["on"]
                          else _("You had not marked that topic."))
    return [Draft("os_interest_marked", {"stage": index, "topic": t.id, "on": payload["on"]})]


# -- the grid --------------------------------------------------------------------------------

@command("os_place", {PARTICIPANT, FACILITATOR},
         {"topic": Field(str, max_length=20), "space": Field(str, max_length=20),
          "slot": Field(str, max_length=20)})
def place_topic(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Put a topic in a free cell (space, slot), or move it there. A taken cell is refused
    with the free ones named; a convener in two places at once is flagged, not refused."""
    index, o = _here(state)
    t = _own_topic(o, actor, payload["topic"])
    before = agenda_of(state, index)
    after = place(before, t.id, payload["space"], payload["slot"])
    if after == before:
        raise DomainError(_("“%(title)s” is already there.") % {"title": t.display})
    return [Draft("os_topic_placed", {"stage": index, "topic": t.id, "space": payload["space"],
                                      "slot": payload["slot"], "from": o.cell_of(t.id)})]


@command("os_unplace", {PARTICIPANT, FACILITATOR}, {"topic": Field(str, max_length=20)})
def unplace_topic(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a topic off the grid; it stays in the marketplace."""
    index, o = _here(state)
    t = _own_topic(o, actor, payload["topic"])
    if o.cell_of(t.id) is None:
        raise DomainError(_("“%(title)s” is not on the grid.") % {"title": t.display})
    return [Draft("os_topic_unplaced", {"stage": index, "topic": t.id})]


@command("os_suggest", {FACILITATOR})
def suggest(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Opt in to "suggest an agenda": free cells for the topics not on the grid, for the
    facilitator and conveners to accept or adjust. Nothing is placed yet."""
    index, o = _here(state)
    agenda = agenda_of(state, index)
    if not agenda.unplaced():
        raise DomainError(_("Every topic is on the grid already."))
    names = {p: _label(state, p) for p in state.participants}
    s = suggest_agenda(agenda, seed=state.seq, names=names)
    new = [[sp, sl, t] for sp, sl, t in s.agenda.placements if t in s.placed]
    return [Draft("os_agenda_suggested", {"stage": index, "cells": new,
                                          "messages": s.messages(), "clashes": s.clashes})]


@command("os_suggestion_accept", {PARTICIPANT, FACILITATOR},
         {"topic": Field(str, required=False, max_length=20)})
def accept_suggestion(state: WorkshopState, actor: Actor, payload: dict, now: float
                      ) -> list[Draft]:
    """Accept the suggested cells: the facilitator all of them, a convener their topic's.
    Cells taken since, and topics placed since, are left as they are and said so."""
    index, o = _here(state)
    if o.suggestion is None:
        raise DomainError(_("There is no suggested agenda to accept."))
    wanted = o.suggestion["cells"]
    if actor.role == PARTICIPANT:
        topic = payload.get("topic") or ""
        _own_topic(o, actor, topic)
        wanted = [c for c in wanted if c[2] == topic]
        if not wanted:
            raise DomainError(_("The suggestion has no cell for that topic."))
    agenda = agenda_of(state, index)
    applied, skipped = [], []
    for sp, sl, t in wanted:
        live = t in {x.id for x in o.live_topics()}
        if not live or agenda.cell_of(t) is not None or agenda.topic_at(sp, sl) is not None:
            skipped.append(t)
            continue
        agenda = place(agenda, t, sp, sl)
        applied.append([sp, sl, t])
    if not applied:
        raise DomainError(_("Nothing left to accept: those cells or topics have been placed "
                            "since. Pick a free cell instead."))
    return [Draft("os_suggestion_accepted", {"stage": index, "cells": applied,
                                             "skipped": skipped})]


@command("os_suggestion_dismiss", {FACILITATOR})
def dismiss_suggestion(state: WorkshopState, actor: Actor, payload: dict, now: float
                       ) -> list[Draft]:
    """Put the suggested agenda aside."""
    index, o = _here(state)
    if o.suggestion is None:
        raise DomainError(_("There is no suggested agenda."))
    return [Draft("os_suggestion_dismissed", {"stage": index})]


# -- announcements -------------------------------------------------------------------------

@command("os_announce", {PARTICIPANT, FACILITATOR},
         {"text": Field(str, max_length=MAX_ANNOUNCEMENT)},
         ack=lambda events: {"announcement_id": events[0].data["announcement"]})
def announce(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """An announcement for the room ("Session on transport moved to the garden"): the
    facilitator or a convener posts it; phones' news wall and the projector's strip show it."""
    index, o = _here(state)
    if actor.role == PARTICIPANT:
        _writable(state, index)
        if not any(actor.participant in t.conveners for t in o.live_topics()):
            raise DomainError(_("Announcements come from the facilitator and the conveners. "
                                "Post a topic to convene one, or ask the facilitator."))
    text = " ".join(clean_text(payload["text"], MAX_ANNOUNCEMENT, _("announcement")).split())
    live = [a for a in o.announcements.values() if not a.removed]
    if len(live) >= MAX_ANNOUNCEMENTS:
        raise DomainError(_("There are %d announcements already: remove an old one first.")
                          % MAX_ANNOUNCEMENTS)
    if any(a.text == text for a in live):
        raise DomainError(_("That announcement is showing already."))
    return [Draft("os_announced", {"stage": index, "announcement": f"a{o.next_announcement}",
                                   "text": text})]


@command("os_announce_remove", {PARTICIPANT, FACILITATOR},
         {"announcement": Field(str, max_length=20)})
def remove_announcement(state: WorkshopState, actor: Actor, payload: dict, now: float
                        ) -> list[Draft]:
    """Take an announcement down (the facilitator any, a convener their own); the log keeps
    that it was made."""
    index, o = _here(state)
    a = o.announcements.get(payload["announcement"])
    if a is None or a.removed:
        raise DomainError(_("That announcement is not showing (it may have been removed)."))
    if actor.role == PARTICIPANT and a.author != actor.participant:
        raise DomainError(_("Only the facilitator can remove someone else's announcement."))
    return [Draft("os_announcement_removed", {"stage": index, "announcement": a.id})]


# -- merging ---------------------------------------------------------------------------------

def _words(title: str) -> set[str]:
    words = re.findall(r"\w+", title.lower())
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words
            if len(w) > 2 and w not in _STOP}


_STOP = frozenset("the and for with our how can what who why when where are was were into "
                  "about from that this they them their you your its not but all any more "
                  "make making get let should could would will".split())


def similar_pairs(topics: list[OSTopic]) -> list[tuple[str, str]]:
    """Pairs of live topics whose titles share most of their words: merge hints for their
    conveners (never merged automatically; practitioners warn against merging early)."""
    words = [(t.id, _words(t.display)) for t in topics]
    out = []
    for i, (a, wa) in enumerate(words):
        for b, wb in words[i + 1:]:
            if wa and wb and len(wa & wb) / len(wa | wb) >= SIMILAR:
                out.append((a, b))
    return out


@command("os_merge_propose", {PARTICIPANT, FACILITATOR},
         {"topic": Field(str, max_length=20), "into": Field(str, max_length=20),
          "force": Field(bool, required=False)})
def propose_merge(state: WorkshopState, actor: Actor, payload: dict, now: float
                  ) -> list[Draft]:
    """Propose merging ``topic`` into ``into``. It happens only when every affected convener
    agrees; the facilitator may override with ``force`` (logged)."""
    index, o = _here(state)
    a, b = _topic(o, payload["topic"]), _topic(o, payload["into"])
    if a.id == b.id:
        raise DomainError(_("A topic cannot be merged with itself."))
    pid = actor.participant or ""
    if actor.role == PARTICIPANT and pid not in a.conveners + b.conveners:
        raise DomainError(_("Only the conveners of these topics can propose merging them."))
    if actor.role == PARTICIPANT and payload.get("force"):
        raise DomainError(_("Only the facilitator can do that."))
    if payload.get("force"):
        return [_merged(index, a, b, override=True)]
    if any(m.status == "open" and {m.topic, m.into} == {a.id, b.id} for m in o.merges.values()):
        raise DomainError(_("That merge has been proposed already: waiting for the conveners."))
    needed = list(dict.fromkeys(a.conveners + b.conveners))
    merge_id = f"m{o.next_merge}"
    drafts = [Draft("os_merge_proposed", {"stage": index, "merge": merge_id, "topic": a.id,
                                          "into": b.id, "needed": needed})]
    if needed == [pid]:  # one convener of both topics: their proposal is their consent
        drafts.append(_merged(index, a, b, override=False, merge=merge_id))
    return drafts


@command("os_merge_answer", {PARTICIPANT}, {"merge": Field(str, max_length=20),
                                            "yes": Field(bool)})
def answer_merge(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """An affected convener agrees to (or declines) a proposed merge."""
    index, o = _here(state)
    m = o.merges.get(payload["merge"])
    pid = actor.participant or ""
    if m is None or m.status != "open":
        raise DomainError(_("That merge is no longer open."))
    if pid not in m.needed:
        raise DomainError(_("Only the conveners of these topics decide on merging them."))
    if pid in m.consents and payload["yes"]:
        raise DomainError(_("You have agreed already: waiting for the other convener."))
    drafts = [Draft("os_merge_answered", {"stage": index, "merge": m.id, "yes": payload["yes"]})]
    if payload["yes"] and set(m.needed) <= m.consents | {pid}:
        drafts.append(_merged(index, _topic(o, m.topic), _topic(o, m.into), override=False,
                              merge=m.id))
    return drafts


def _merged(index: int, a: OSTopic, b: OSTopic, override: bool, merge: str | None = None
            ) -> Draft:
    return Draft("os_topics_merged", {"stage": index, "topic": a.id, "into": b.id,
                                      "override": override, "merge": merge})


# -- the sessions ----------------------------------------------------------------------------

@command("os_set_slot", {FACILITATOR}, {"slot": Field(int)})
def set_slot(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Say which slot runs now (index from 0; -1: before the first; the number of slots:
    all sessions are over). Check-ins of the slot before end."""
    index, o = _here(state)
    _spaces, slots = grid(state.stages[index])
    if not -1 <= payload["slot"] <= len(slots):
        raise DomainError(_("That slot does not exist; the slots are %(labels)s.")
                          % {"labels": ", ".join(s.label for s in slots)})
    if payload["slot"] == o.now:
        raise DomainError(_("That slot is already the current one."))
    return [Draft("os_slot_set", {"stage": index, "slot": payload["slot"], "from": o.now})]


@command("os_screen", {FACILITATOR}, {"view": Field(str, max_length=20)})
def show_on_screen(state: WorkshopState, actor: Actor, payload: dict, now: float
                   ) -> list[Draft]:
    """Show the agenda grid or the news wall of reports on the projector."""
    index, o = _here(state)
    if payload["view"] not in ("agenda", "news"):
        raise DomainError(_("The screen can show: agenda, news."))
    return [Draft("os_screen_set", {"stage": index, "view": payload["view"]})]


def _running(state: WorkshopState, index: int, o: OpenSpace) -> Slot:
    _spaces, slots = grid(state.stages[index])
    if o.now < 0:
        raise DomainError(_("The sessions have not started yet: check in when yours begins."))
    if o.now >= len(slots):
        raise DomainError(_("All the sessions are over."))
    return slots[o.now]


@command("os_check_in", {PARTICIPANT}, {"topic": Field(str, max_length=20),
                                        "show_name": Field(bool, required=False)})
def check_in(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Check in to a session running now; checking in elsewhere moves you (no penalty).
    ``show_name`` agrees to one's name being shown with the session."""
    index, o = _here(state)
    slot = _running(state, index, o)
    t = _topic(o, payload["topic"])
    cell = o.cell_of(t.id)
    pid = actor.participant or ""
    if cell is None or cell[1] != slot.id:
        running = [o.topics[x].display for (_sp, sl), x in o.cells.items() if sl == slot.id]
        raise DomainError(_("“%(title)s” is not running now. Running now: %(list)s.")
                          % {"title": t.display, "list": ", ".join(running) or _("nothing")})
    show = bool(payload.get("show_name", pid in o.public))
    if o.checkins.get(pid) == t.id and show == (pid in o.public):
        raise DomainError(_("You are checked in here already."))
    return [Draft("os_checked_in", {"stage": index, "topic": t.id, "from": o.checkins.get(pid),
                                    "show_name": show})]


@command("os_check_out", {PARTICIPANT})
def check_out(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Leave the session you are in (for none: butterflies are welcome)."""
    index, o = _here(state)
    pid = actor.participant or ""
    if pid not in o.checkins:
        raise DomainError(_("You are not checked in anywhere."))
    return [Draft("os_checked_out", {"stage": index, "topic": o.checkins[pid]})]


# -- session reports -------------------------------------------------------------------------

def _reporter(state: WorkshopState, o: OpenSpace, actor: Actor, topic_id: str) -> OSTopic:
    """The convener, a co-convener, or anyone who checked in to the session writes its
    report; the facilitator can too."""
    t = _topic(o, topic_id)
    pid = actor.participant or ""
    if actor.role == FACILITATOR or pid in t.conveners or pid in o.attended.get(t.id, set()):
        return t
    raise DomainError(_("The report of “%(title)s” is written by its convener or by people "
                        "in the session: check in to it first.") % {"title": t.display})


def _entry_fields(payload: dict, kind: str) -> dict[str, str]:
    text = clean_text(payload["text"], MAX_ENTRY, _("entry"))
    owner = (payload.get("owner") or "").strip()
    due = (payload.get("due") or "").strip()
    if kind != "action":
        return {"text": text, "owner": "", "due": ""}
    if not owner or not due:
        raise DomainError(_("An action needs an owner (who will do it) and a date (by when)."))
    owner = clean_text(owner, MAX_OWNER, _("owner")).replace("\n", " ")
    try:
        ok = bool(_DATE.match(due)) and date.fromisoformat(due) is not None
    except ValueError:
        ok = False
    if not ok:
        raise DomainError(_("The date must be a day of the calendar, like 2026-03-31."))
    return {"text": text, "owner": owner, "due": due}


@command("os_contact", {PARTICIPANT}, {"topic": Field(str, max_length=20),
                                      "contact": Field(str, max_length=MAX_CONTACT)})
def share_contact(state: WorkshopState, actor: Actor, payload: dict, now: float
                  ) -> list[Draft]:
    """Opt in to be listed, with how to reach you, on a session's page of the book of
    proceedings (conveners, and people who checked in to it); an empty ``contact`` opts out.
    Contacts appear nowhere else: not on the projector, not on other phones."""
    index, o = _here(state)
    pid = actor.participant or ""
    t = _topic(o, payload["topic"])
    if pid not in t.conveners and pid not in o.attended.get(t.id, set()):
        raise DomainError(_("Check in to “%(title)s” first: contacts in the book are for the "
                            "people who were there.") % {"title": t.display})
    raw = payload["contact"].strip()
    contact = " ".join(clean_text(raw, MAX_CONTACT, _("contact")).split()) if raw else ""
    if contact == o.contacts.get((t.id, pid), ""):
        raise DomainError(_("That is already noted.") if contact
                          else _("Your contact is not in the book for that session."))
    return [Draft("os_contact_shared", {"stage": index, "topic": t.id, "contact": contact})]


@command("os_entry_add", {PARTICIPANT, FACILITATOR},
         {"topic": Field(str, max_length=20), "kind": Field(str, max_length=20),
          "text": Field(str, max_length=MAX_ENTRY), "owner": Field(str, False, MAX_OWNER),
          "due": Field(str, False, 10), "question": Field(int, False)},
         ack=lambda events: {"entry_id": events[0].data["entry"]})
def add_entry(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add a key point, a recommendation, an action (with owner and date) or an answer to one
    of the report template's questions to a session's report. Each is its own entry, so
    people writing at once never overwrite each other."""
    index, o = _here(state)
    _writable(state, index)
    t = _reporter(state, o, actor, payload["topic"])
    kind = payload["kind"]
    if kind not in ENTRY_KINDS:
        raise DomainError(_("A report entry is a point, a recommendation, an action or an "
                            "answer to one of the report's questions."))
    if sum(1 for e in o.entries.values() if e.topic == t.id and not e.deleted) >= MAX_ENTRIES:
        raise DomainError(_("This report has %d entries, the most it can hold.") % MAX_ENTRIES)
    extra: dict[str, Any] = {}
    if kind == "answer":
        questions = stage_option(state.stages[index], "report")
        q = payload.get("question")
        if q is None or not 0 <= q < len(questions):
            raise DomainError(ngettext(
                "Choose the question this answers: the report template has %d question.",
                "Choose the question this answers: the report template has %d questions.",
                len(questions)) % len(questions) if questions else
                _("This Open Space's report template has no questions to answer."))
        extra["question"] = q
    return [Draft("os_entry_added", {"stage": index, "entry": f"e{o.next_entry}",
                                     "topic": t.id, "kind": kind,
                                     **_entry_fields(payload, kind), **extra})]


def _entry(state: WorkshopState, o: OpenSpace, actor: Actor, entry_id: str) -> Entry:
    e = o.entries.get(entry_id)
    if e is None or e.deleted:
        raise DomainError(_("That entry does not exist (it may have been deleted)."))
    _reporter(state, o, actor, e.topic)
    return e


@command("os_entry_edit", {PARTICIPANT, FACILITATOR},
         {"entry": Field(str, max_length=20), "base": Field(int),
          "text": Field(str, max_length=MAX_ENTRY), "owner": Field(str, False, MAX_OWNER),
          "due": Field(str, False, 10)})
def edit_entry(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Rewrite an entry. ``base`` is the revision the writer started from: if someone saved it
    since, the edit is refused (both texts stay: theirs saved, yours in your draft)."""
    index, o = _here(state)
    _writable(state, index)
    e = _entry(state, o, actor, payload["entry"])
    if payload["base"] != e.rev:
        raise DomainError(_("Someone else saved this entry while you were writing. Their text "
                            "is shown now and yours is kept in your draft: compare, then save "
                            "again (or add yours as a new entry)."))
    fields = _entry_fields(payload, e.kind)
    if (fields["text"], fields["owner"], fields["due"]) == (e.text, e.owner, e.due):
        raise DomainError(_("Nothing has changed."))
    return [Draft("os_entry_edited", {"stage": index, "entry": e.id, "rev": e.rev + 1,
                                      **fields})]


@command("os_entry_delete", {PARTICIPANT, FACILITATOR}, {"entry": Field(str, max_length=20)})
def delete_entry(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Delete an entry: its author, the session's convener, or the facilitator."""
    index, o = _here(state)
    _writable(state, index)
    e = _entry(state, o, actor, payload["entry"])
    pid = actor.participant or ""
    if actor.role != FACILITATOR and pid != e.author and pid not in o.topics[e.topic].conveners:
        raise DomainError(_("Only the person who wrote it or the convener can delete this."))
    return [Draft("os_entry_deleted", {"stage": index, "entry": e.id})]


# -- convergence -----------------------------------------------------------------------------

def vote_items(state: WorkshopState, index: int) -> list[dict[str, str]]:
    """What a convergence vote (a ``vote`` stage whose source is this stage) is on: the topics
    that ran (or were posted), or the actions of the reports, as the plan says."""
    stage = state.stages[index]
    if not stage_option(stage, "convergence"):
        raise DomainError(_("Convergence is off for this Open Space: there is nothing to vote "
                            "on. Turn it on in the plan, or skip this step."))
    o = openspace(state, index)
    if stage_option(stage, "converge_on") == "actions":
        return [{"id": e.id, "label": _("%(text)s (%(owner)s, by %(due)s)")
                 % {"text": e.text, "owner": e.owner, "due": e.due}}
                for e in o.entries.values() if e.kind == "action" and not e.deleted]
    placed = [t for t in o.live_topics() if o.cell_of(t.id) is not None]
    return [{"id": t.id, "label": t.display} for t in placed or o.live_topics()]


# -- reducers --------------------------------------------------------------------------------

def _os(state: WorkshopState, event: Event) -> OpenSpace:
    return state.openspaces.setdefault(event.data["stage"], OpenSpace())


def _free(o: OpenSpace, topic_id: str) -> None:
    cell = o.cell_of(topic_id)
    if cell is not None:
        del o.cells[cell]
    if o.suggestion:
        o.suggestion["cells"] = [c for c in o.suggestion["cells"] if c[2] != topic_id]


@reducer("os_topic_posted")
def _posted(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    d = event.data
    o.topics[d["topic"]] = OSTopic(d["topic"], event.actor, d["title"], d["blurb"], event.at,
                                   [d["title"]], list(d.get("co", ())),
                                   list(d.get("co_names", ())))
    o.next_topic += 1


@reducer("os_topic_edited")
def _edited(state: WorkshopState, event: Event) -> None:
    t = _os(state, event).topics[event.data["topic"]]
    t.titles = [event.data["title"] if x == t.title else x for x in t.titles]
    t.title, t.blurb = event.data["title"], event.data["blurb"]


@reducer("os_topic_withdrawn")
def _withdrawn(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    o.topics[event.data["topic"]].withdrawn = True
    _free(o, event.data["topic"])
    o.checkins = {p: t for p, t in o.checkins.items() if t != event.data["topic"]}


@reducer("os_interest_marked")
def _interest(state: WorkshopState, event: Event) -> None:
    t = _os(state, event).topics[event.data["topic"]]
    if event.data["on"]:
        t.interested.add(event.actor)
    else:
        t.interested.discard(event.actor)


@reducer("os_topic_placed")
def _placed(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    _free(o, event.data["topic"])
    o.cells[(event.data["space"], event.data["slot"])] = event.data["topic"]


@reducer("os_topic_unplaced")
def _unplaced(state: WorkshopState, event: Event) -> None:
    _free(_os(state, event), event.data["topic"])


@reducer("os_agenda_suggested")
def _suggested(state: WorkshopState, event: Event) -> None:
    _os(state, event).suggestion = {"cells": [list(c) for c in event.data["cells"]],
                                    "messages": list(event.data["messages"]),
                                    "clashes": event.data["clashes"]}


@reducer("os_suggestion_accepted")
def _accepted(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    for sp, sl, t in event.data["cells"]:
        o.cells[(sp, sl)] = t
    done = {c[2] for c in event.data["cells"]} | set(event.data["skipped"])
    if o.suggestion is not None:
        o.suggestion["cells"] = [c for c in o.suggestion["cells"] if c[2] not in done]
        if not o.suggestion["cells"]:
            o.suggestion = None


@reducer("os_suggestion_dismissed")
def _dismissed(state: WorkshopState, event: Event) -> None:
    _os(state, event).suggestion = None


@reducer("os_merge_proposed")
def _merge_proposed(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    d = event.data
    consents = {event.actor} & set(d["needed"])
    o.merges[d["merge"]] = Merge(d["merge"], d["topic"], d["into"], event.actor,
                                 list(d["needed"]), consents)
    o.next_merge += 1


@reducer("os_merge_answered")
def _merge_answered(state: WorkshopState, event: Event) -> None:
    m = _os(state, event).merges[event.data["merge"]]
    if event.data["yes"]:
        m.consents.add(event.actor)
    else:
        m.status = "declined"


@reducer("os_topics_merged")
def _merged_topics(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    a, b = o.topics[event.data["topic"]], o.topics[event.data["into"]]
    cell_a, cell_b = o.cell_of(a.id), o.cell_of(b.id)
    _free(o, a.id)
    if cell_b is None and cell_a is not None:
        o.cells[cell_a] = b.id
    a.merged_into, a.merged_override = b.id, event.data["override"]
    b.merged_override = b.merged_override or event.data["override"]
    b.titles += [x for x in a.titles if x not in b.titles]
    b.co += [p for p in a.conveners if p not in b.conveners]
    b.co_names += [n for n in a.co_names if n not in b.co_names]
    b.interested |= a.interested
    o.attended.setdefault(b.id, set()).update(o.attended.get(a.id, set()))
    o.checkins = {p: (b.id if t == a.id else t) for p, t in o.checkins.items()}
    o.contacts = {((b.id if t == a.id else t), p): c for (t, p), c in o.contacts.items()}
    for e in o.entries.values():
        if e.topic == a.id:
            e.topic = b.id
    for m in o.merges.values():
        if m.status == "open" and (a.id in (m.topic, m.into)):
            m.status = "done" if m.id == event.data.get("merge") else "declined"


@reducer("os_slot_set")
def _slot_set(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    o.now = event.data["slot"]
    o.checkins = {}


@reducer("os_screen_set")
def _screen_set(state: WorkshopState, event: Event) -> None:
    _os(state, event).screen = event.data["view"]


@reducer("os_checked_in")
def _checked_in(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    o.checkins[event.actor] = event.data["topic"]
    o.attended.setdefault(event.data["topic"], set()).add(event.actor)
    if event.data["show_name"]:
        o.public.add(event.actor)
    else:
        o.public.discard(event.actor)


@reducer("os_checked_out")
def _checked_out(state: WorkshopState, event: Event) -> None:
    _os(state, event).checkins.pop(event.actor, None)


@reducer("os_entry_added")
def _entry_added(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    d = event.data
    o.entries[d["entry"]] = Entry(d["entry"], d["topic"], d["kind"], d["text"], event.actor,
                                  event.at, d["owner"], d["due"],
                                  question=d.get("question", -1))
    o.next_entry += 1


@reducer("os_entry_edited")
def _entry_edited(state: WorkshopState, event: Event) -> None:
    e = _os(state, event).entries[event.data["entry"]]
    e.text, e.owner, e.due, e.rev = (event.data["text"], event.data["owner"],
                                     event.data["due"], event.data["rev"])


@reducer("os_entry_deleted")
def _entry_deleted(state: WorkshopState, event: Event) -> None:
    _os(state, event).entries[event.data["entry"]].deleted = True


@reducer("os_contact_shared")
def _contact_shared(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    key = (event.data["topic"], event.actor)
    if event.data["contact"]:
        o.contacts[key] = event.data["contact"]
    else:
        o.contacts.pop(key, None)


@reducer("os_announced")
def _announced(state: WorkshopState, event: Event) -> None:
    o = _os(state, event)
    d = event.data
    o.announcements[d["announcement"]] = Announcement(d["announcement"], d["text"],
                                                      event.actor, event.at)
    o.next_announcement += 1


@reducer("os_announcement_removed")
def _announcement_removed(state: WorkshopState, event: Event) -> None:
    _os(state, event).announcements[event.data["announcement"]].removed = True


# -- views -----------------------------------------------------------------------------------

def announcements(state: WorkshopState, index: int, o: OpenSpace) -> list[dict[str, Any]]:
    """Live announcements, newest first: the text, when, and from whom in words (a convener's
    name only as the room may see it)."""
    out = []
    for a in sorted((a for a in o.announcements.values() if not a.removed),
                    key=lambda a: (-a.at, -int(a.id[1:]))):
        facilitator = a.author == FACILITATOR
        out.append({"id": a.id, "text": a.text, "at": a.at, "author": a.author,
                    "from": "facilitator" if facilitator else "convener",
                    "name": "" if facilitator else _public_name(state, index, a.author)})
    return out


def _grid_view(state: WorkshopState, index: int) -> dict[str, Any]:
    spaces, slots = grid(state.stages[index])
    return {"spaces": [{"id": s.id, "name": s.name, "capacity": s.capacity} for s in spaces],
            "slots": [{"id": s.id, "label": s.label, "start": s.start, "end": s.end}
                      for s in slots]}


def _base(state: WorkshopState, index: int, o: OpenSpace) -> dict[str, Any]:
    stage = state.stages[index]
    return {"theme": stage.prompt,
            "principles": stage_option(stage, "principles")
            or [_(p) for p in DEFAULT_PRINCIPLES],
            "law": stage_option(stage, "law") or _(DEFAULT_LAW),
            "convergence": stage_option(stage, "convergence"),
            **_grid_view(state, index), "now": o.now, "screen": o.screen,
            "anonymous": stage_is_anonymous(state, index),
            "announcements": announcements(state, index, o),
            "report_questions": list(stage_option(stage, "report"))}


def topic_view(state: WorkshopState, index: int, o: OpenSpace, t: OSTopic,
               audience: str) -> dict[str, Any]:
    """A topic as an audience sees it; only the console sees how many marked interest."""
    cell = o.cell_of(t.id)
    out: dict[str, Any] = {
        "id": t.id, "title": t.display, "titles": list(t.titles), "blurb": t.blurb,
        "convener": t.convener, "co": list(t.co),
        "convener_name": _public_name(state, index, t.convener),
        "co_names": co_names(state, index, t, audience),
        "cell": list(cell) if cell else None, "live": t.live,
        "merged_into": t.merged_into}
    if audience == CONSOLE:
        out.update(convener_name=_label(state, t.convener), interested=len(t.interested),
                   posted_at=t.posted_at)
    return out


def co_names(state: WorkshopState, index: int, t: OSTopic, audience: str) -> list[str]:
    """The co-conveners' names as an audience may see them: the console all (labels for the
    unnamed), the room only in a named stage (people's own names, then names as written)."""
    if audience == CONSOLE:
        return [_label(state, p) for p in t.co] + list(t.co_names)
    if stage_is_anonymous(state, index):
        return []
    return [n for p in t.co if (n := _public_name(state, index, p))] + list(t.co_names)


def entry_view(e: Entry) -> dict[str, Any]:
    return {"id": e.id, "topic": e.topic, "kind": e.kind, "question": e.question,
            "text": e.text, "owner": e.owner,
            "due": e.due, "rev": e.rev, "author": e.author}


def _entries(o: OpenSpace, topic_id: str | None = None) -> list[dict[str, Any]]:
    return [entry_view(e) for e in o.entries.values()
            if not e.deleted and (topic_id is None or e.topic == topic_id)]


def attendance(state: WorkshopState, index: int, o: OpenSpace, audience: str
               ) -> dict[str, Any]:
    """Who is in each session now: counts per topic (in grid order, never ranked), names only
    of people who agreed (and, on the projector, only in a named stage); and how many came
    over the whole event."""
    counts: dict[str, int] = {}
    names: dict[str, list[str]] = {}
    for pid, t in o.checkins.items():
        counts[t] = counts.get(t, 0) + 1
        if audience == CONSOLE:
            names.setdefault(t, []).append(_label(state, pid))
        elif pid in o.public and (n := _public_name(state, index, pid)):
            names.setdefault(t, []).append(n)
    return {"counts": counts, "names": names,
            "attended": {t: len(p) for t, p in o.attended.items()}}


def _me(state: WorkshopState, index: int, o: OpenSpace, pid: str) -> dict[str, Any]:
    """A participant's own part: their interest, check-in, what they may report on, and for
    their topics the information conveners need (counts, never names)."""
    agenda = agenda_of(state, index)
    flagged = conflicts(agenda, {p: _label(state, p) for p in state.participants})
    suggested = {c[2]: c[:2] for c in (o.suggestion or {}).get("cells", [])}
    mine = []
    for t in o.live_topics():
        if pid not in t.conveners:
            continue
        clash = interest_clashes(agenda, t.id)
        mine.append({
            "id": t.id, "interested": len(t.interested),
            "slot_clashes": slot_clashes(agenda, t.id),
            "clashes": [{"topic": x, "title": o.topics[x].display, "people": n}
                        for x, n in clash.items()],
            "conflicts": [c.message for c in flagged if t.id in c.topic_ids],
            "suggested": suggested.get(t.id)})
    live = {t.id for t in o.live_topics()}
    hints = [{"topic": a, "other": b} for a, b in similar_pairs(o.live_topics())
             if pid in o.topics[a].conveners + o.topics[b].conveners]
    merges = [{"id": m.id, "topic": m.topic, "into": m.into, "status": m.status,
               "waiting_for_me": m.status == "open" and pid in m.needed
               and pid not in m.consents,
               "titles": [o.topics[m.topic].display, o.topics[m.into].display]}
              for m in o.merges.values() if pid in m.needed and m.status == "open"]
    reportable = [t.id for t in o.live_topics()
                  if pid in t.conveners or pid in o.attended.get(t.id, set())]
    return {"id": pid, "interested": sorted(t.id for t in o.live_topics()
                                            if pid in t.interested),
            "checkin": o.checkins.get(pid), "show_name": pid in o.public,
            "contacts": {t: c for (t, p), c in o.contacts.items() if p == pid},
            "topics": mine, "hints": hints, "merges": merges,
            "can_report": [t for t in reportable if t in live]}


def phone_view(state: WorkshopState, index: int, pid: str | None) -> dict[str, Any]:
    o = openspace(state, index)
    out = _base(state, index, o)
    out["topics"] = [topic_view(state, index, o, t, PHONE) for t in o.live_topics()]
    out["entries"] = _entries(o)
    out["attended"] = attendance(state, index, o, PHONE)["attended"]
    out["me"] = _me(state, index, o, pid) if pid else None
    return out


def screen_view(state: WorkshopState, index: int) -> dict[str, Any]:
    o = openspace(state, index)
    out = _base(state, index, o)
    out["topics"] = [topic_view(state, index, o, t, SCREEN) for t in o.live_topics()]
    out["entries"] = _entries(o)
    out["attendance"] = attendance(state, index, o, SCREEN)
    return out


def console_view(state: WorkshopState, index: int) -> dict[str, Any]:
    o = openspace(state, index)
    out = _base(state, index, o)
    out["topics"] = [topic_view(state, index, o, t, CONSOLE) for t in o.live_topics()]
    out["entries"] = _entries(o)
    out["attendance"] = attendance(state, index, o, CONSOLE)
    agenda = agenda_of(state, index)
    names = {p: _label(state, p) for p in state.participants}
    out["conflicts"] = [{"kind": c.kind, "slot": c.slot_id, "topics": list(c.topic_ids),
                         "message": c.message} for c in conflicts(agenda, names)]
    out["suggestion"] = o.suggestion
    out["hints"] = [{"topic": a, "other": b} for a, b in similar_pairs(o.live_topics())]
    out["merges"] = [{"id": m.id, "topic": m.topic, "into": m.into, "status": m.status,
                      "waiting": [names.get(p, p) for p in m.needed if p not in m.consents]}
                     for m in o.merges.values() if m.status == "open"]
    out["warnings"] = warnings(state.stages[index])
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    if audience == SCREEN:
        return {"openspace": screen_view(state, index)}
    if audience == CONSOLE:
        return {"openspace": console_view(state, index)}
    return {"openspace": phone_view(state, index, participant)}


# -- notifiers -------------------------------------------------------------------------------

def _full(state: WorkshopState, index: int, *audiences: str) -> list[Emit]:
    return [Emit(a, "openspace", {"seq": state.seq, "stage": index,
                                  "openspace": view(state, index, a, None)["openspace"]})
            for a in audiences]


def _me_emit(state: WorkshopState, index: int, pid: str) -> Emit:
    return Emit(pid, "os_me", {"seq": state.seq, "stage": index,
                               "me": _me(state, index, openspace(state, index), pid)})


def _topics_emit(state: WorkshopState, index: int, ids: list[str]) -> Emit:
    o = openspace(state, index)
    return Emit(PHONES, "os_topics", {"seq": state.seq, "stage": index, "topics": [
        topic_view(state, index, o, o.topics[t], PHONE) for t in ids]})


def _conveners(state: WorkshopState, index: int) -> list[str]:
    return sorted({p for t in openspace(state, index).live_topics() for p in t.conveners})


@notifier("os_topic_posted", "os_topic_edited", "os_topic_withdrawn", "os_topic_placed",
          "os_topic_unplaced", "os_suggestion_accepted", "os_topics_merged")
def _grid_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """The marketplace or the grid changed: the projector and console get their view, every
    phone the changed topics (one broadcast), conveners their own information again (a
    placement changes who clashes with whom)."""
    index = event.data["stage"]
    ids = ([c[2] for c in event.data["cells"]] if "cells" in event.data
           else [event.data["topic"]] + ([event.data["into"]] if "into" in event.data else []))
    people = set(_conveners(state, index))
    if event.type == "os_topic_withdrawn":
        people |= set(openspace(state, index).topics[event.data["topic"]].conveners)
    out = [*_full(state, index, SCREEN, CONSOLE), _topics_emit(state, index, ids)]
    if event.type == "os_topics_merged":  # entries and check-ins moved with the topic
        out.append(Emit(PHONES, "snapshot", None))
        return out
    return out + [_me_emit(state, index, p) for p in sorted(people)]


@notifier("os_interest_marked")
def _interest_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """The marker, and the conveners of every topic they marked (their counts and clashes
    change); the console. Not the projector: interest is never shown to the room."""
    index = event.data["stage"]
    o = openspace(state, index)
    people = {event.actor, *o.topics[event.data["topic"]].conveners}
    for t in o.live_topics():
        if event.actor in t.interested:
            people.update(t.conveners)
    return [*_full(state, index, CONSOLE), *[_me_emit(state, index, p) for p in sorted(people)]]


@notifier("os_merge_proposed", "os_merge_answered")
def _merge_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    o = openspace(state, index)
    m = o.merges[event.data["merge"]]
    return [*_full(state, index, CONSOLE), *[_me_emit(state, index, p) for p in m.needed]]


@notifier("os_slot_set", "os_screen_set", "os_agenda_suggested", "os_suggestion_dismissed")
def _phase_changed(state: WorkshopState, event: Event) -> list[Emit]:
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]


@notifier("os_checked_in", "os_checked_out")
def _attendance_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    o = openspace(state, index)
    out = [Emit(a, "os_attendance", {"seq": state.seq, "stage": index,
                                     "attendance": attendance(state, index, o, a)})
           for a in (SCREEN, CONSOLE)]
    return [*out, _me_emit(state, index, event.actor)]


@notifier("os_entry_added", "os_entry_edited", "os_entry_deleted")
def _report_changed(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    o = openspace(state, index)
    topic = o.entries[event.data["entry"]].topic
    payload = {"seq": state.seq, "stage": index, "topic": topic,
               "entries": _entries(o, topic)}
    return [Emit(a, "os_report", payload) for a in (SCREEN, CONSOLE, PHONES)]


@notifier("os_announced", "os_announcement_removed")
def _announcements_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """Every audience gets the same list: one broadcast to all phones (the news wall), the
    projector's strip, the console."""
    index = event.data["stage"]
    payload = {"seq": state.seq, "stage": index,
               "announcements": announcements(state, index, openspace(state, index))}
    return [Emit(a, "os_announcements", payload) for a in (SCREEN, CONSOLE, PHONES)]


@notifier("os_contact_shared")
def _contact_changed(state: WorkshopState, event: Event) -> list[Emit]:
    """Only the person's own phones: a contact goes to the book, nowhere live."""
    return [_me_emit(state, event.data["stage"], event.actor)]
