"""The harvest: what every export format reads, derived from the log by ``replay``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from facilitator.core.plan import Stage, stage_option
from facilitator.core.state import Event, Note, WorkshopState, replay
from facilitator.i18n import _, ngettext

if TYPE_CHECKING:
    from facilitator.store.sqlite import WorkshopRow

MAX_SLUG = 60
# Reads a file kept with the workshop (a tablecloth photo): id -> (mime type, bytes), or None
Files = Callable[[str], "tuple[str, bytes] | None"]


@dataclass(frozen=True)
class ThemeNotes:
    """A theme of a cluster stage with its visible notes (not deleted, not hidden), in order."""

    id: str
    name: str
    notes: list[Note]

    @property
    def count(self) -> int:
        return len(self.notes)


@dataclass(frozen=True)
class Themes:
    """A cluster stage's board: its themes in order, then the visible notes not grouped."""

    source: int
    themes: list[ThemeNotes]
    ungrouped: list[Note]


@dataclass(frozen=True)
class VoteResults:
    """A vote stage's vote as it ended: its settings, how many voted, ``Vote.results()``."""

    closed: bool
    dots: int
    allow_multiple: bool
    hidden: bool
    voters: int
    results: list[dict[str, Any]]


@dataclass(frozen=True)
class CafeTable:
    """One table in one round of a World Café: who sat there, what they wrote, the summary.

    ``host`` and ``members`` are names, or anonymous labels ("Participant 3") when the café was
    anonymous or the person gave no name: as the workshop was run.
    """

    round: int
    table: int
    question: str
    host: str
    members: list[str]
    notes: list[Note]
    summary: str
    photos: list[str]  # ids of the photos of the paper tablecloth (files kept with the workshop)


@dataclass(frozen=True)
class CafeRounds:
    """The rounds a café held, table by table, and how well the seating mixed people."""

    rounds: list[list[CafeTable]]
    new_share: list[float]  # per round held: share of table pairs meeting for the first time
    repeats: int  # pairs that met again, over the rounds held
    fewest: int = 0  # the fewest any seating of the room as it was could have (a lower bound)


@dataclass(frozen=True)
class OSSession:
    """One Open Space topic in the book of proceedings: where it ran, who convened it, how
    many checked in (``names``: only those who agreed, in a named stage) and its report."""

    id: str
    title: str
    titles: list[str]
    conveners: list[str]
    space: str
    slot: str
    attended: int
    names: list[str]
    points: list[str]
    recommendations: list[str]
    actions: list[tuple[str, str, str]]  # (text, owner, due)
    merged_by_override: bool
    # the report template's questions with their answers (only questions answered)
    answers: list[tuple[str, list[str]]] = field(default_factory=list)
    # (name, how to reach them): only people who opted in for this session
    contacts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class OpenSpaceBook:
    """An Open Space stage's book of proceedings: theme, grid, reports, action plan."""

    theme: str
    spaces: list[str]
    slots: list[str]
    sessions: list[OSSession]  # on the grid, in grid order (slot, then space): never ranked
    unplaced: list[OSSession]
    merges: list[str]

    @property
    def actions(self) -> list[tuple[str, str, str, str]]:
        """Every action of every report: (session title, text, owner, due), by date."""
        rows = [(s.title, *a) for s in self.sessions + self.unplaced for a in s.actions]
        return sorted(rows, key=lambda r: (r[3], r[0]))


@dataclass(frozen=True)
class Adoption:
    """The top items of a convergence vote and who took each forward."""

    # {rank, label, count, volunteers, names, steps, actions: [{text, owner, due, with}]}
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class StageNotes:
    """One stage of the plan with its notes (not deleted), in the order they were posted.

    A cluster stage has its ``themes``, a vote stage its ``vote`` (``None`` until opened);
    their ``notes`` are empty (notes belong to the stage they were written in).
    """

    index: int
    stage: Stage
    notes: list[Note]
    revealed: bool = False
    themes: Themes | None = None
    vote: VoteResults | None = None
    source_anonymous: bool = False  # a cluster stage grouping notes written anonymously
    cafe: CafeRounds | None = None
    assets: list[str] | None = None  # an asset-mapping stage: what the report says of it
    openspace: OpenSpaceBook | None = None
    adopt: Adoption | None = None
    inquiry: dict[str, Any] | None = None  # an Appreciative Inquiry stage (export/inquiry.py)

    @property
    def anonymous(self) -> bool:
        """Whether the room saw no names in this stage (the plan says so, or, for a cluster
        stage, its notes were written in an anonymous stage)."""
        return self.stage.anonymous or self.source_anonymous

    @property
    def silent(self) -> bool:
        """Whether the notes were written silently (private until revealed)."""
        return self.stage.kind == "notes" and bool(stage_option(self.stage, "silent"))

    @property
    def moderated(self) -> bool:
        """Whether the notes waited for the facilitator's approval (pre-moderation)."""
        return self.stage.kind == "notes" and bool(stage_option(self.stage, "moderate"))

    @property
    def visible(self) -> list[Note]:
        """The notes the room could see: not hidden, and approved if the stage was moderated."""
        return [n for n in self.notes if not n.hidden and not n.pending]

    @property
    def hidden_count(self) -> int:
        """Notes the facilitator hid after the room could see them."""
        return sum(1 for n in self.notes if n.hidden and not n.pending)

    @property
    def awaiting(self) -> list[Note]:
        """Notes still waiting for approval when the log ends: never shown on the screen."""
        return [n for n in self.notes if n.pending and not n.hidden]

    @property
    def refused_count(self) -> int:
        """Notes the facilitator hid before approving them: never shown on the screen."""
        return sum(1 for n in self.notes if n.pending and n.hidden)

    @property
    def heading(self) -> str:
        """The heading, like "Stage 2: Ideas", or "Stage 2" when the stage has no title."""
        if self.stage.title:
            return _("Stage %(n)d: %(title)s") % {"n": self.index + 1, "title": self.stage.title}
        return _("Stage %d") % (self.index + 1)


@dataclass(frozen=True)
class Harvest:
    """A workshop at the end of its log, with its notes grouped by stage."""

    code: str
    created_at: float
    state: WorkshopState
    events: list[Event]
    stages: list[StageNotes]
    title: str
    files: Files | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, row: WorkshopRow, events: list[Event],
              files: Files | None = None) -> Harvest:
        """Replay ``events`` and group the notes; only ``row``'s public fields are kept.
        ``files`` reads a stored file (a tablecloth photo) for the printable report."""
        state = replay(events)
        by_stage: dict[int, list[Note]] = {}
        for note in state.notes.values():  # dicts keep posting order
            if not note.deleted:
                by_stage.setdefault(note.stage, []).append(note)
        stages = []
        for i, s in enumerate(state.stages):
            themes = _themes(state, i) if s.kind == "cluster" else None
            stages.append(StageNotes(
                i, s, by_stage.get(i, []), i in state.revealed, themes,
                _vote(state, i) if s.kind == "vote" else None,
                themes is not None and state.stages[themes.source].anonymous,
                _cafe(state, i) if s.kind == "cafe" else None,
                _assets(state, i) if s.kind == "assets" else None,
                openspace=_openspace(state, i) if s.kind == "openspace" else None,
                adopt=_adoption(state, i) if s.kind == "adopt" else None,
                inquiry=_inquiry(state, i) if s.kind.startswith("ai_") else None))
        return cls(row.code, row.created_at, state, list(events), stages,
                   state.title or row.title, files)

    @property
    def notes(self) -> list[Note]:
        """Every note that was not deleted, hidden ones included, grouped by stage."""
        return [n for s in self.stages for n in s.notes]

    @property
    def visible_count(self) -> int:
        return sum(len(s.visible) for s in self.stages)

    def name(self, pid: str) -> str:
        """The display name a participant gave, or "" when they stayed anonymous."""
        person = self.state.participants.get(pid)
        return person.name if person else ""

    def note_name(self, note: Note) -> str:
        """The name to show with a note: "" in an anonymous stage, whatever its author gave."""
        stages = self.state.stages
        if 0 <= note.stage < len(stages) and stages[note.stage].anonymous:
            return ""
        return self.name(note.author)

    @staticmethod
    def moderation(note: Note) -> str:
        """"approved", "pending" (never approved), "refused" (hidden before approval), or ""
        for a note of a stage that was not moderated."""
        if note.moderation is None:
            return ""
        if note.pending:
            return "refused" if note.hidden else "pending"
        return "approved"

    def theme_names(self, note: Note) -> list[str]:
        """The themes a note was grouped into, in stage order (one per cluster stage at most)."""
        return self._themes_by_note.get(note.id, [])

    @cached_property
    def _themes_by_note(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for stage in self.stages:
            b = self.state.boards.get(stage.index) if stage.stage.kind == "cluster" else None
            for theme in b.themes.values() if b else ():
                for note_id in theme.notes:
                    out.setdefault(note_id, []).append(theme.name)
        return out

def _themes(state: WorkshopState, index: int) -> Themes:
    from facilitator.activities.cluster import board, source_of

    def visible(note_ids: list[str]) -> list[Note]:
        notes = (state.notes.get(n) for n in note_ids)
        return [n for n in notes
                if n is not None and not n.deleted and not n.hidden and not n.pending]

    b = board(state, index)
    source = source_of(state, index)
    placed = {n for t in b.themes.values() for n in t.notes}
    loose = visible([n.id for n in state.notes.values()
                     if n.stage == source and n.id not in placed])
    return Themes(source, [ThemeNotes(t.id, t.name, visible(t.notes)) for t in b.themes.values()],
                  loose)


def person_label(state: WorkshopState, pid: str | None, anonymous: bool) -> str:
    """A name, or an anonymous label ("Participant 3") in an anonymous stage or when the
    person gave none."""
    if not pid:
        return ""
    person = state.participants.get(pid)
    if person and person.name and not anonymous:
        return person.name
    return _("Participant %s") % pid.lstrip("p")


def _cafe(state: WorkshopState, index: int) -> CafeRounds | None:
    from facilitator.activities.cafe import cafe, question

    c = cafe(state, index)
    if c.seating is None or c.round < 0:
        return None
    stage = state.stages[index]
    held = c.round + 1
    notes: dict[tuple[int, int], list[Note]] = {}
    for n in state.notes.values():
        if n.stage == index and n.table is not None and not n.deleted and not n.hidden:
            notes.setdefault((n.round or 0, n.table), []).append(n)

    def label(pid: str | None) -> str:
        return person_label(state, pid, stage.anonymous)

    rounds = []
    for r in range(held):
        tables = []
        for t, members in enumerate(c.seating.rounds[r]):
            host = c.seating.hosts[r][t]
            summary = c.summaries.get((r, t))
            tables.append(CafeTable(r, t, question(stage, r, t), label(host),
                                    [label(p) for p in members if p != host],
                                    notes.get((r, t), []), summary.text if summary else "",
                                    [p.id for p in c.photos.values()
                                     if (p.round, p.table) == (r, t) and not p.removed]))
        rounds.append(tables)
    played = replace(c.seating, rounds=c.seating.rounds[:held], hosts=c.seating.hosts[:held])
    return CafeRounds(rounds, [played.new_encounter_share(r) for r in range(held)],
                      played.repeated_pairs(), played.lower_bound())


def _assets(state: WorkshopState, index: int) -> list[str]:
    from facilitator.activities.asset_map import report_facts

    return report_facts(state, index)


def _openspace(state: WorkshopState, index: int) -> OpenSpaceBook:
    from facilitator.activities.openspace import grid, openspace

    o = openspace(state, index)
    stage = state.stages[index]
    spaces, slots = grid(stage)
    space_name = {s.id: s.name for s in spaces}
    slot_label = {s.id: s.label for s in slots}
    questions = stage_option(stage, "report")

    def session(t: Any) -> OSSession:
        cell = o.cell_of(t.id)
        entries = [e for e in o.entries.values() if e.topic == t.id and not e.deleted]
        came = o.attended.get(t.id, set())
        names = [] if stage.anonymous else [
            n for p in sorted(came) if p in o.public and (n := state.participants[p].name)]
        return OSSession(
            t.id, t.display, list(t.titles),
            [person_label(state, p, stage.anonymous) for p in t.conveners]
            + ([] if stage.anonymous else list(t.co_names)),
            space_name[cell[0]] if cell else "", slot_label[cell[1]] if cell else "",
            len(came), names,
            [e.text for e in entries if e.kind == "point"],
            [e.text for e in entries if e.kind == "recommendation"],
            [(e.text, e.owner, e.due) for e in entries if e.kind == "action"],
            t.merged_override,
            [(q, texts) for i, q in enumerate(questions)
             if (texts := [e.text for e in entries if e.kind == "answer" and e.question == i])],
            [(person_label(state, p, False), c) for (topic, p), c in sorted(o.contacts.items())
             if topic == t.id])

    order = {(sp.id, sl.id): (j, i) for j, sl in enumerate(slots) for i, sp in enumerate(spaces)}
    live = o.live_topics()
    placed = sorted((t for t in live if o.cell_of(t.id)), key=lambda t: order[o.cell_of(t.id)])
    merges = []
    for t in o.topics.values():
        if t.merged_into is not None:
            into = o.topics[t.merged_into]
            merges.append((_("“%(a)s” was merged into “%(b)s” by the facilitator (override).")
                           if t.merged_override else
                           _("“%(a)s” was merged into “%(b)s” with every convener's consent."))
                          % {"a": t.title, "b": into.title})
    return OpenSpaceBook(stage.prompt,
                         [f"{s.name} ({s.capacity})" if s.capacity else s.name for s in spaces],
                         [s.label for s in slots], [session(t) for t in placed],
                         [session(t) for t in live if not o.cell_of(t.id)], merges)


def _adoption(state: WorkshopState, index: int) -> Adoption:
    from facilitator.activities.adopt import adopt_view

    view = adopt_view(state, index, "screen", None)  # names only of those who agreed
    return Adoption([{"rank": rank_label(i), "label": i["label"], "count": i["count"],
                      "volunteers": i["volunteers"], "names": i["names"], "steps": i["steps"],
                      "actions": [{k: a[k] for k in ("text", "owner", "due", "with")}
                                  for a in i["actions"]]}
                     for i in view["items"]])


def _inquiry(state: WorkshopState, index: int) -> dict[str, Any] | None:
    from facilitator.export.inquiry import harvest

    return harvest(state, index)


def _vote(state: WorkshopState, index: int) -> VoteResults | None:
    vote = state.votes.get(index)
    if vote is None:
        return None
    voters = sum(1 for mine in vote.placed.values() if sum(mine.values()))
    return VoteResults(vote.closed, vote.dots, vote.allow_multiple, vote.hidden, voters,
                       vote.results())


def iso(ts: float | None) -> str | None:
    """A Unix time as ISO 8601 in UTC, to the second (``2026-11-24T09:30:00Z``)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(ts: float) -> str:
    """The UTC date of a Unix time, ``2026-11-24``."""
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


def slug(title: str) -> str:
    """A file-name-safe form of a title: lowercase ASCII words joined by hyphens."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return out[:MAX_SLUG].rstrip("-") or "workshop"


def filename(row: WorkshopRow, ext: str) -> str:
    """``our-neighbourhood-QKH4A7-2026-11-24.md``: title, join code, creation date (UTC)."""
    code = re.sub(r"[^A-Za-z0-9]", "", row.code)
    parts = [slug(row.title), code, day(row.created_at)]
    return "-".join(p for p in parts if p) + "." + ext


def rank_label(row: dict[str, Any]) -> str:
    """A result's rank as a report shows it: "2", or "2=" when it shares the rank."""
    return f"{row['rank']}=" if row.get("tied") else str(row["rank"])


def facts(stage: StageNotes) -> list[str]:
    """Sentences a report states about a stage: anonymity, silent writing, its vote."""
    if stage.anonymous:
        out = [_("Anonymous: the room saw no names in this stage.")]
    elif stage.stage.kind == "vote":
        out = [_("Dots were counted, never shown by name.")]
    else:
        out = [_("Names were shown to the room in this stage.")]
    if stage.moderated:
        out.append(_("Moderated: notes reached the screen only once the facilitator approved "
                     "them."))
    if stage.silent:
        out.append(_("Written silently; the notes were then revealed to the room.")
                   if stage.revealed
                   else _("Written silently; the notes were never revealed to the room."))
    if stage.themes is not None:
        out.append(_("Themes from the notes of stage %d.") % (stage.themes.source + 1))
    if stage.assets:
        out += stage.assets
    if stage.cafe is not None:
        held = len(stage.cafe.rounds)
        shares = ", ".join(f"{round(s * 100)}%" for s in stage.cafe.new_share)
        out.append(ngettext("%d round was held.", "%d rounds were held.", held) % held)
        out.append(_("New encounters at the tables, round by round: %s.") % shares)
        out.append(ngettext("%d pair sat together again.", "%d pairs sat together again.",
                            stage.cafe.repeats) % stage.cafe.repeats)
        # always next to the fewest possible (docs/seating.md, the lower bound)
        fewest = stage.cafe.fewest
        out.append(_("That is the fewest possible for this room.")
                   if fewest >= stage.cafe.repeats else
                   ngettext("Any seating of this room would have at least %d pair sitting "
                            "together again.", "Any seating of this room would have at least "
                            "%d pairs sitting together again.", fewest) % fewest)
    if stage.openspace is not None:
        book = stage.openspace
        out.append(ngettext("%d session ran on the grid", "%d sessions ran on the grid",
                            len(book.sessions)) % len(book.sessions)
                   + " " + _("(%(spaces)d spaces by %(slots)d time slots).")
                   % {"spaces": len(book.spaces), "slots": len(book.slots)})
        out.append(_("Attendance counts the people who checked in to a session; names only "
                     "of those who agreed. Sessions are listed in the order of the grid, "
                     "not ranked."))
        out += book.merges
    if stage.adopt is not None:
        out.append(_("Names only of people who agreed to show them."))
    if stage.stage.kind == "vote":
        vote = stage.vote
        if vote is None:
            out.append(_("Voting was never opened."))
            return out
        out.append(_("The vote was closed.") if vote.closed else _("The vote was still open."))
        dots = ngettext("%d dot per person", "%d dots per person", vote.dots) % vote.dots
        out.append(dots + ", " + (_("several allowed on one item.") if vote.allow_multiple
                                  else _("at most one on each item.")))
        out.append(_("Results were hidden from the room until the vote closed.") if vote.hidden
                   else _("Results were shown to the room as the dots were placed."))
        out.append(ngettext("%d person voted.", "%d people voted.", vote.voters) % vote.voters)
    return out
