"""Affirmative topics for Appreciative Inquiry: deficit-wording advice and the interview guide.

Choosing the affirmative topic is the most critical step of Appreciative Inquiry (METHODS.md):
"how do we make this a smoke-free town", not "how do we stop people smoking". ``deficit_advice``
flags deficit wording in a topic or a question and suggests an affirmative reframing. It is
advice for the facilitator, never a refusal: a topic with deficit words can still be used.

The advice reads English and Welsh topics (``DEFICIT_WORDS`` and ``DEFICIT_WORDS_CY``, with
Welsh's mutated forms: "broblem", "ddatrys") and speaks the facilitator's language.

``STANDARD_GUIDE`` is the generic appreciative interview of standard AI practice (after
Cooperrider and Whitney's four generic questions: a high point, what you value, the core
life-giving factors, three wishes), in our own words, for the facilitator to edit.

Pure: no I/O, no clock, no chance (docs/pairing.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facilitator.i18n import N_, _


@dataclass(frozen=True)
class Advice:
    """One kind of deficit wording found in a text.

    ``words`` are the matched words as written, in order of appearance, and ``spans`` their
    (start, end) offsets in the text. ``kind`` names the rule (a key of ``DEFICIT_WORDS``).
    ``message`` says what was noticed, ``hint`` suggests an affirmative reframing.
    """

    kind: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    message: str
    hint: str


# The word lists, in one place. Each kind maps to the words (and fixed phrases) that signal it;
# inflected forms are listed rather than guessed, so nothing matches by accident. Matching is
# case-insensitive, on whole words: a word is bounded by anything but a letter, digit,
# underscore or hyphen, so hyphenated compounds ("smoke-free", "not-for-profit",
# "problem-solving") are words of their own and are not flagged. Curly apostrophes count as
# straight ones ("can’t" is "can't"). Hints are in ``_HINTS``.
DEFICIT_WORDS: dict[str, tuple[str, ...]] = {
    "stop": (
        "stop", "stops", "stopped", "stopping", "prevent", "prevents", "prevented",
        "preventing", "prevention", "reduce", "reduces", "reduced", "reducing", "reduction",
        "cut down", "eliminate", "eliminating", "eradicate", "get rid of", "ban", "banning",
        "avoid", "avoiding", "combat", "tackle", "tackling", "fight against", "less", "fewer",
        "decrease", "minimise", "minimize",
    ),
    "problem": (
        "problem", "problems", "problematic", "issue", "issues", "barrier", "barriers",
        "obstacle", "obstacles", "deficit", "deficits", "weakness", "weaknesses", "threat",
        "threats", "complaint", "complaints", "crisis", "gap", "gaps", "shortcoming",
        "shortcomings", "concern", "concerns",
    ),
    "fix": (
        "fix", "fixes", "fixed", "fixing", "solve", "solves", "solving", "repair", "repairing",
        "overcome", "overcoming", "cure", "remedy",
    ),
    "lack": (
        "lack", "lacks", "lacked", "lacking", "shortage", "shortages", "missing",
        "insufficient", "not enough", "too few", "too little", "poor", "poorly", "inadequate",
        "needy",
    ),
    "fail": (
        "fail", "fails", "failed", "failing", "failure", "failures", "mistake", "mistakes",
        "wrong", "broken", "bad", "worse", "worst", "decline", "declining", "weak",
    ),
    "negative": (
        "not", "never", "no", "nobody", "nothing", "none", "can't", "cannot", "won't",
        "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "shouldn't",
        "wouldn't", "couldn't", "haven't", "hasn't", "unable",
    ),
}


# The same kinds in Welsh. Welsh mutates a word's first letter after some words ("problem",
# "ei broblem"; "datrys", "i ddatrys"), so the mutated forms people write are listed too.
# "na" (also "than") and "dim" alone (also "any") are left out: too often not negative.
DEFICIT_WORDS_CY: dict[str, tuple[str, ...]] = {
    "stop": (
        "atal", "rhwystro", "rwystro", "lleihau", "leihau", "stopio", "dileu", "ddileu",
        "cael gwared ar", "cael gwared â", "gael gwared ar", "gael gwared â", "gwahardd",
        "wahardd", "osgoi", "taclo", "daclo", "mynd i'r afael â", "brwydro yn erbyn",
        "frwydro yn erbyn", "llai", "lai", "torri i lawr ar",
    ),
    "problem": (
        "problem", "problemau", "broblem", "broblemau", "phroblem", "phroblemau", "mater",
        "materion", "rhwystr", "rhwystrau", "rwystr", "rwystrau", "gwendid", "gwendidau",
        "wendid", "wendidau", "bygythiad", "bygythiadau", "fygythiad", "cwyn", "cwynion",
        "argyfwng", "bwlch", "bylchau", "fwlch", "pryder", "pryderon", "bryder",
        "bryderon", "trafferth", "trafferthion", "drafferth", "anhawster", "anawsterau",
    ),
    "fix": (
        "trwsio", "drwsio", "datrys", "ddatrys", "atgyweirio", "goresgyn", "oresgyn",
        "unioni", "cywiro", "gywiro",
    ),
    "lack": (
        "diffyg", "ddiffyg", "diffygion", "prinder", "phrinder", "brinder", "dim digon",
        "ddim digon", "rhy ychydig", "annigonol", "gwael", "wael", "ar goll",
    ),
    "fail": (
        "methu", "fethu", "methiant", "methiannau", "fethiant", "camgymeriad",
        "camgymeriadau", "gamgymeriad", "anghywir", "wedi torri", "drwg", "ddrwg", "gwaeth",
        "waeth", "gwaethaf", "waethaf", "dirywio", "dirywiad", "ddirywiad", "gwan", "wan",
    ),
    "negative": (
        "ddim", "byth", "neb", "dim byd", "dim neb", "nid", "nad", "does dim", "dydy",
        "dydw", "dydyn", "methu â",
    ),
}


def _hints() -> dict[str, tuple[str, str]]:
    """What each kind of wording does, and how to turn it round (translated when called)."""
    return {
        "stop": (
            _("Names something to stop or reduce: an inquiry grows what it asks about."),
            _("Name what you want to see instead: \"how do we make this a smoke-free "
              "town?\" rather than \"how do we stop people smoking?\""),
        ),
        "problem": (
            _("Asks about problems: people will tell you about problems."),
            _("Ask about the times it works: \"when has this worked at its best, and what "
              "made that possible?\" rather than \"what are the barriers?\""),
        ),
        "fix": (
            _("Asks what to fix: the inquiry starts from what is broken."),
            _("Ask what already gives life and how to have more of it: \"what helps us at "
              "our best, and how could we have more of that?\""),
        ),
        "lack": (
            _("Starts from what is lacking."),
            _("Name what you want plenty of: \"how do we become a town where everyone has "
              "somewhere to meet?\" rather than \"the lack of meeting places\"."),
        ),
        "fail": (
            _("Looks at failure."),
            _("Ask about a high point: \"tell me about a time this went really well: what "
              "made it work?\""),
        ),
        "negative": (
            _("Says what is not wanted, or what cannot be done."),
            _("Say what you do want, in positive terms: \"how do we keep our streets "
              "clean?\" rather than \"why won't people stop dropping litter?\""),
        ),
    }


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "not enough" wins over "not"; spaces in phrases match any whitespace.
    alternatives = sorted(words, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


_PATTERNS = {kind: _pattern(words + DEFICIT_WORDS_CY.get(kind, ()))
             for kind, words in DEFICIT_WORDS.items()}


def deficit_advice(text: str) -> list[Advice]:
    """Advice for each kind of deficit wording in ``text``, in order of first appearance.

    Never refuses: an empty list means nothing was noticed. Where matches overlap, the longer
    phrase wins ("not enough" is lacking, not a bare "not"), so each word is counted once.
    """
    plain = text.replace("\u2019", "'").replace("\u2018", "'")
    matches = sorted(((m.start(), -m.end(), kind) for kind, pattern in _PATTERNS.items()
                      for m in pattern.finditer(plain)))
    kept: dict[str, list[tuple[int, int]]] = {}
    end = -1
    for start, neg_end, kind in matches:
        if start >= end:
            end = -neg_end
            kept.setdefault(kind, []).append((start, end))
    hints = _hints()
    return [Advice(kind=kind, words=tuple(text[a:b] for a, b in spans), spans=tuple(spans),
                   message=hints[kind][0], hint=hints[kind][1])
            for kind, spans in kept.items()]


@dataclass(frozen=True)
class GuideQuestion:
    """One question of an appreciative interview, with follow-up prompts shown one at a time.

    ``key`` names the answer fields (story, values, factors, wishes) the phone records.
    """

    key: str
    title: str
    question: str
    prompts: tuple[str, ...]

    def translated(self) -> GuideQuestion:
        """This question in the current language."""
        return GuideQuestion(self.key, _(self.title), _(self.question),
                             tuple(_(p) for p in self.prompts))


class _Guide(tuple):  # type: ignore[type-arg]
    """The standard guide, each question in the language being produced when it is read."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (q.translated() for q in super().__iter__())

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        found = super().__getitem__(i)
        return tuple(q.translated() for q in found) if isinstance(i, slice) else \
            found.translated()


# The generic appreciative interview: a high point, what is valued, the life-giving core and
# three wishes (Cooperrider & Whitney's four generic questions, reworded). A facilitator edits
# a copy for their topic; the keys stay so answers keep their meaning. The texts are marked
# here and translated when read (the reader's language, not the one at import).
STANDARD_GUIDE: tuple[GuideQuestion, ...] = _Guide((
    GuideQuestion(
        key="high_point",
        title=N_("A high point"),
        question=N_("Think back over your time here and recall a high point: a time when you "
                   "felt most alive, involved and proud of what was happening. Tell the story."),
        prompts=(
            N_("What happened? Where were you, and who else was there?"),
            N_("What made it possible: what did you do, what did others do?"),
            N_("What did it feel like? What did you learn from it?"),
        ),
    ),
    GuideQuestion(
        key="values",
        title=N_("What you value"),
        question=N_("Without being modest: what do you value most about yourself, about your "
                   "work, and about this community?"),
        prompts=(
            N_("What do you bring that others rely on?"),
            N_("What about the work you do matters most to you?"),
            N_("What is the best thing about being part of this community?"),
        ),
    ),
    GuideQuestion(
        key="core_factors",
        title=N_("What gives life"),
        question=N_("What are the core factors that give life to this community when it is at "
                   "its best: the things that make it what it is?"),
        prompts=(
            N_("When things go well here, what is always there?"),
            N_("What would you keep, whatever else changed?"),
        ),
    ),
    GuideQuestion(
        key="wishes",
        title=N_("Three wishes"),
        question=N_("Imagine it is some years from now and this community is just as you would "
                   "most want it to be. What three wishes came true to make it so?"),
        prompts=(
            N_("What is the first wish? And the second, and the third?"),
            N_("What small step could start one of them?"),
        ),
    ),
))
