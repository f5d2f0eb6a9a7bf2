"""Asset mapping (Asset-Based Community Development): kinds, connections, duplicates.

Map capacities, not needs (METHODS.md). This module holds the pure pieces an asset-mapping
activity needs (docs/assets.md):

- ``KINDS``: the six kinds of community asset, and ``PERSONAL``: a person's gifts by head,
  hands and heart, plus what they would offer and what they wish for.
- ``suggest_connections``: which offers might meet which wishes, each suggestion with the
  words or concepts that matched, so a facilitator can see why. No external service: words are
  lower-cased, stop words dropped, a light English stemmer applied, and a small curated
  lexicon of community life links "bass guitar" to "live music".
- ``similar_assets`` and ``merge_assets``: likely duplicates on a community map ("the library"
  and "Central Library") and merging two records into one that keeps both names.

Pure: no I/O, no clock, no randomness. Results depend only on the arguments, never on their
order or on the interpreter's hash seed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from facilitator.core.errors import DomainError
from facilitator.core.words import STOP_WORDS
from facilitator.i18n import _


def N_(message: str) -> str:
    """Mark text for translation where it is defined, at import time; ``_()`` translates it
    where it is shown (the catalogue may not match the reader's language at import)."""
    return message


# -- kinds and categories --------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    """A kind of asset or a category of gift: a stable ``key`` and text for people.

    ``label`` and ``help`` are translated when read; ``label_msgid`` and ``help_msgid`` are
    the untranslated catalogue keys.
    """

    key: str
    label_msgid: str
    help_msgid: str

    @property
    def label(self) -> str:
        """The name shown to people, translated."""
        return _(self.label_msgid)

    @property
    def help(self) -> str:
        """One line saying what belongs here, translated."""
        return _(self.help_msgid)


def _categories(*rows: tuple[str, str, str]) -> dict[str, Category]:
    return {key: Category(key, label, help_) for key, label, help_ in rows}


#: The six kinds of community asset of the UK asset-based guides, in the order they are shown.
KINDS: Mapping[str, Category] = _categories(
    ("individuals", N_("Individuals"),
     N_("People's skills, knowledge, networks, time and passions.")),
    ("associations", N_("Associations"),
     N_("Groups people run themselves, formal or informal: football teams, quiz teams, "
        "allotment associations.")),
    ("organisations", N_("Organisations"),
     N_("Services and what they control: parks, centres, faith buildings, staff.")),
    ("physical", N_("Physical"),
     N_("Places and things: green space, buildings, streets, markets, transport.")),
    ("economic", N_("Economic"),
     N_("Work and money: unused skills, local businesses, local spending.")),
    ("cultural", N_("Cultural"),
     N_("Music, drama, art, heritage and the stories people tell.")),
)

#: A person's own assets: head, hands and heart, what they would offer, what they wish for.
PERSONAL: Mapping[str, Category] = _categories(
    ("head", N_("Head"), N_("What you know.")),
    ("hands", N_("Hands"), N_("What you can do.")),
    ("heart", N_("Heart"), N_("What you care about.")),
    ("offer", N_("I'd offer"),
     N_("What you would teach, share or give time to: what, when and for whom.")),
    ("wish", N_("I'd like to"),
     N_("What you would like to learn, find or do, with some support.")),
)

#: Who may see an item or asset, from most to least restricted.
VISIBILITIES = ("private", "group", "public")


def kind_label(kind: str) -> str:
    """The translated label of an asset kind, or the key itself for an unknown kind."""
    return KINDS[kind].label if kind in KINDS else kind


# -- words -----------------------------------------------------------------------------------

# Letters, digits and inner apostrophes; digits matter in names ("Scout Hut 2").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_IT = "i.t."  # "IT" (computers) as a token of its own, so it is not the stop word "it"


def _tokens(text: str) -> list[tuple[str, str]]:
    """(as written, normalised) for each word: lower-case, curly apostrophes straightened.

    "IT" in a text that is not all capitals means computers and becomes the token ``i.t.``.
    """
    shouting = not any(c.islower() for c in text)
    out = []
    for word in _TOKEN.findall(text):
        if word == "IT" and not shouting:
            out.append((word, _IT))
        else:
            out.append((word, word.lower().replace("’", "'")))
    return out


_VOWELS = frozenset("aeiouy")


def stem(word: str) -> str:
    """A light English stem: possessives, plurals, then -ing, -ed, -er, then a final -e.

    "gardens", "gardening" and "gardener" give "garden"; "knitting", "knitted" and "knitter"
    give "knit"; "bake", "baking" and "baker" give "bak". Short words are left alone.
    Deliberately small: it stems the same word the same way, not always to a real word.
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]
    w = w.replace("'", "")
    if len(w) <= 3:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for _pass in range(2):  # twice, so "volunteering" goes the way of "volunteer"
        for suffix in ("ing", "ed", "er"):
            rest = len(w) - len(suffix)
            if w.endswith(suffix) and rest >= 3 and set(w[:rest]) & _VOWELS:
                w = w[:rest]
                if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS | {"l", "s", "z"}:
                    w = w[:-1]  # knitt -> knit, swimm -> swim; not call, dress
                break
        else:
            break
    if w.endswith("e") and len(w) > 3 and not w.endswith("ee"):
        w = w[:-1]
    return w


# Words too general to connect two people on their own ("help", "lessons", "local"), as
# stems. They still count inside lexicon phrases ("school run", "older people").
_GENERIC = frozenset(stem(w) for w in """
able advice also anyone anybody area around available basic beginner big bit class club
come committee community course day days do doing done enjoy evening everyone experience
experienced find free friendly get give giving go going good great group happy help helper
helping home hour idea ideas interest interested join just keen kind knowledge know knows
learn learning lesson little live living local locally look looking lot love meet meeting
month morning need nearby new nice night offer offering old organisation people person place
project run running service session share sharing skill small society someone somebody
start support take taking teach teacher teaching team thing things time times town try use
using village want way week weekend weekly willing wish work workshop year years association
network charity group monday tuesday wednesday thursday friday saturday sunday afternoon
""".split())


# -- the concept lexicon ---------------------------------------------------------------------

# (key, label, terms). A term may be a phrase; the longest phrase found wins, so "walking
# football" is sport, not walking. A term may sit under two concepts ("school run").
_LEXICON: tuple[tuple[str, str, str], ...] = (
    ("music", N_("music"),
     "music, musician, musical, live music, guitar, bass, bass guitar, piano, keyboards, drum,"
     " drummer, violin, fiddle, ukulele, cello, flute, trumpet, saxophone, band, brass band,"
     " gig, concert, choir, singing, sing, singer, song, songwriting, open mic, orchestra,"
     " busking, dj, karaoke, folk music, jam session"),
    ("growing", N_("growing food and gardens"),
     "garden, gardening, gardener, community garden, allotment, allotment association, grow,"
     " grow food, growing food, grow vegetables, vegetable, veg, fruit, fruit tree, orchard,"
     " seed, seedling, seed swap, plant, planting, compost, composting, herb, greenhouse,"
     " horticulture, weeding, polytunnel, beekeeping, bee"),
    ("cooking", N_("cooking and food"),
     "cook, cooking, cookery, chef, bake, baking, baker, cake, bread, recipe, meal, meals,"
     " food, kitchen, lunch club, community meal, community cafe, soup, dinner, catering,"
     " nutrition, healthy eating"),
    ("walking", N_("walking"),
     "walk, walking, walking group, ramble, rambling, rambler, hike, hiking, stroll,"
     " footpath, nature walk, health walk, dog walking"),
    ("reading", N_("reading and writing"),
     "read, reading, reader, book, book club, reading group, library, librarian, literacy,"
     " poetry, poem, writing, creative writing, writer, author, story, storytelling"),
    ("computers", N_("computers and the internet"),
     "computer, computing, IT, laptop, tablet, ipad, smartphone, email, internet, online,"
     " digital, digital skills, software, website, coding, programming, technology, tech,"
     " wifi, printer, zoom, video call, social media, spreadsheet, scam, scams"),
    ("childcare", N_("children and families"),
     "childcare, child, children, kid, kids, baby, babies, babysit, babysitting, nursery,"
     " toddler, parent, parenting, playgroup, childminder, childminding, school run, family,"
     " families, stay and play, breastfeeding"),
    ("transport", N_("getting around"),
     "transport, drive, driving, driver, car, lift, give lifts, car share, bus, minibus, van,"
     " taxi, travel, cycle, cycling, bike, bicycle, school run, wheelchair, mobility"),
    ("sport", N_("sport and exercise"),
     "sport, sports, football, walking football, rugby, cricket, tennis, netball,"
     " basketball, badminton, bowls, golf, boxing, karate, martial arts, swim, swimming,"
     " jogging, parkrun, park run, running club, gym, fitness, exercise, cycling, coach,"
     " coaching, referee, athletics, dance, dancing"),
    ("crafts", N_("crafts and making"),
     "craft, crafts, crafting, knit, knitting, crochet, sew, sewing, sewing machine, quilt,"
     " quilting, embroidery, needlework, dressmaking, pottery, ceramics, woodwork,"
     " woodworking, woodturning, jewellery, textiles, upcycling, card making, knitting circle"),
    ("languages", N_("languages"),
     "language, languages, english, esol, french, spanish, german, italian, portuguese,"
     " polish, urdu, arabic, punjabi, bengali, gujarati, hindi, somali, welsh, gaelic,"
     " mandarin, cantonese, chinese, translate, translation, translator, interpreter,"
     " interpreting, conversation club, sign language, bsl"),
    ("health", N_("health and wellbeing"),
     "health, healthy, wellbeing, well being, mental health, exercise, fitness, yoga, pilates,"
     " tai chi, meditation, mindfulness, nurse, nursing, doctor, gp, first aid, pharmacy,"
     " diet, healthy eating, counselling, counsellor, carer, caring, health walk, recovery"),
    ("befriending", N_("older people and befriending"),
     "elderly, older people, older person, old people, pensioner, retired, retirement,"
     " befriend, befriending, befriender, lonely, loneliness, isolation, isolated,"
     " companionship, care home, dementia, memory cafe, tea and chat, chat, cuppa"),
    ("youth", N_("young people"),
     "youth, youth club, young people, young person, teenager, teen, teens, scouts, cubs,"
     " brownies, girlguiding, mentor, mentoring, tutor, tutoring, homework, homework club,"
     " school, student, students, apprenticeship"),
    ("repairs", N_("repairs and DIY"),
     "repair, repairs, fix, fixing, mend, mending, diy, handyman, odd jobs, plumbing, plumber,"
     " electrician, electrics, painting and decorating, decorating, carpentry, joinery,"
     " joiner, tools, tool, toolkit, repair cafe, bike repair, building work, bricklaying,"
     " tiling, upholstery"),
    ("arts", N_("arts and heritage"),
     "art, arts, artist, drawing, painting, paint, sculpture, photography, photo,"
     " photographer, film, theatre, drama, acting, museum, gallery, heritage, history,"
     " local history, festival, storytelling, dance, dancing, mural"),
    ("nature", N_("nature and green spaces"),
     "nature, wildlife, park, parks, green space, woodland, tree, trees, tree planting,"
     " litter, litter picking, recycling, environment, conservation, birdwatching, pond,"
     " river, allotment"),
    ("money", N_("money, work and advice"),
     "money, budget, budgeting, debt, benefits, welfare rights, food bank, job, jobs,"
     " employment, cv, interview, career, business, accounts, bookkeeping, tax, pension"),
    ("animals", N_("animals and pets"),
     "animal, animals, pet, pets, dog, dogs, dog walking, cat, cats, pet sitting, horse"),
)


def _build_lexicon() -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[str, str], int]:
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    labels = {}
    for key, label, terms in _LEXICON:
        labels[key] = label
        for term in terms.split(","):
            term = term.strip()
            stems = ((_IT,) if term == "IT"
                     else tuple(stem(norm) for _w, norm in _tokens(term)))
            if stems and key not in index[stems]:
                index[stems].append(key)
    longest = max(len(k) for k in index)
    return {k: tuple(v) for k, v in index.items()}, labels, longest


_PHRASES, _CONCEPT_LABELS, _LONGEST = _build_lexicon()
_CONCEPT_ORDER = {key: i for i, (key, _l, _t) in enumerate(_LEXICON)}

#: Each concept's key and label (untranslated): what the matcher knows about.
CONCEPTS: Mapping[str, str] = dict(_CONCEPT_LABELS)


def concept_label(key: str) -> str:
    """The translated label of a lexicon concept."""
    return _(_CONCEPT_LABELS[key])


# -- connecting offers and wishes ------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One offer or wish: ``owner`` is the participant it belongs to.

    ``kind`` (a ``PERSONAL`` or ``KINDS`` key, or ``None``) travels with the item; the
    matcher does not score it.
    """

    id: str
    owner: str
    text: str
    kind: str | None = None


# Reason and Connection are named tuples rather than frozen dataclasses: a dense map can yield
# hundreds of thousands of suggestions, and a tuple is about four times cheaper to build.

class Reason(NamedTuple):
    """Why an offer and a wish were connected.

    ``offer_terms`` and ``wish_terms`` are the words or phrases as written in each text.
    ``concepts`` are the lexicon concepts both are about; empty when both use the same word.
    ``weight`` is what the reason adds to the score.
    """

    offer_terms: tuple[str, ...]
    wish_terms: tuple[str, ...]
    concepts: tuple[str, ...] = ()
    weight: float = 1.0

    def explain(self) -> str:
        """E.g. ``"bass guitar" ~ "live music": both about music``."""
        offer = ", ".join(f'"{t}"' for t in self.offer_terms)
        wish = ", ".join(f'"{t}"' for t in self.wish_terms)
        if not self.concepts:
            return _("%s ~ %s: the same word") % (offer, wish)
        topics = " / ".join(concept_label(c) for c in self.concepts)
        return _("%s ~ %s: both about %s") % (offer, wish, topics)


class Connection(NamedTuple):
    """A suggested introduction: someone's offer might meet someone else's wish."""

    offer_id: str
    offer_owner: str
    wish_id: str
    wish_owner: str
    score: float
    reasons: tuple[Reason, ...]

    def explain(self) -> str:
        """All reasons in one line, strongest first."""
        return "; ".join(r.explain() for r in self.reasons)

    @property
    def matched(self) -> list[tuple[str, str]]:
        """(offer words, wish words) of each reason, as written: what matched."""
        return [(" ".join(r.offer_terms), " ".join(r.wish_terms)) for r in self.reasons]


@dataclass(frozen=True)
class _Profile:
    words: dict[str, str]  # content stem -> the word as first written
    # concept -> (terms as written, in order of appearance; stems of those terms)
    concepts: dict[str, tuple[tuple[str, ...], frozenset[str]]]
    word_set: frozenset[str]
    concept_set: frozenset[str]

    def features(self) -> list[tuple[str, str]]:
        return [("w", s) for s in self.words] + [("c", c) for c in self.concepts]


def _profile(text: str) -> _Profile:
    toks = _tokens(text)
    stems = [stem(norm) for _w, norm in toks]
    found: dict[str, tuple[list[str], set[str]]] = {}
    in_phrase: set[int] = set()  # positions inside a lexicon phrase of two or more words
    i = 0
    while i < len(stems):
        for size in range(min(_LONGEST, len(stems) - i), 0, -1):
            concepts = _PHRASES.get(tuple(stems[i:i + size]))
            if concepts:
                written = " ".join(w for w, _n in toks[i:i + size])
                for c in concepts:
                    terms, term_stems = found.setdefault(c, ([], set()))
                    if written not in terms:
                        terms.append(written)
                    term_stems.update(stems[i:i + size])
                if size > 1:
                    in_phrase.update(range(i, i + size))
                i += size
                break
        else:
            i += 1
    # A phrase names one thing: "walking football" does not share "walking" with "a walking
    # group"; its concepts speak for it.
    words: dict[str, str] = {}
    for k, ((written, norm), s) in enumerate(zip(toks, stems, strict=True)):
        if (k not in in_phrase and norm not in STOP_WORDS and s not in _GENERIC and len(s) > 1
                and not s.isdigit() and s not in words):
            words[s] = written
    concepts_found = {c: (tuple(t), frozenset(s)) for c, (t, s) in found.items()}
    return _Profile(words, concepts_found, frozenset(words), frozenset(concepts_found))


def _reasons(offer: _Profile, wish: _Profile) -> tuple[Reason, ...]:
    """Every reason the two texts match; empty when they share nothing."""
    shared = offer.concept_set & wish.concept_set
    shared_words = offer.word_set & wish.word_set
    if len(shared) == 1 and not shared_words:  # the common case, kept fast
        (c,) = shared
        return (Reason(offer.concepts[c][0], wish.concepts[c][0], (c,)),)
    # Concepts whose words are the same on both sides ("fitness" is sport and health) make
    # one reason; a word both use inside a shared concept strengthens that concept's reason
    # instead of counting again on its own.
    grouped: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    same_word: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}
    absorbed: set[str] = set()
    for c in sorted(shared, key=_CONCEPT_ORDER.__getitem__):
        o_terms, o_stems = offer.concepts[c]
        w_terms, w_stems = wish.concepts[c]
        both = o_stems & w_stems & shared_words
        absorbed |= both
        key = (o_terms, w_terms)
        grouped.setdefault(key, []).append(c)
        same_word[key] = same_word.get(key, False) or bool(both)
    out = [Reason(o, w, tuple(cs), 1.5 if same_word[(o, w)] else 1.0)
           for (o, w), cs in grouped.items()]
    out += [Reason((offer.words[s],), (wish.words[s],)) for s in sorted(shared_words - absorbed)]
    out.sort(key=lambda r: (-r.weight, not r.concepts))
    return tuple(out)


def explain_match(offer_text: str, wish_text: str) -> tuple[Reason, ...]:
    """The reasons ``suggest_connections`` would give for these two texts (maybe none)."""
    return _reasons(_profile(offer_text), _profile(wish_text))


def _sorted_unique(items: list[Item], message: str) -> list[Item]:
    """The items in id order; refuses two with the same id (``message`` names it)."""
    ordered = sorted(items, key=lambda item: item.id)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.id == b.id:
            raise DomainError(message % a.id)
    return ordered


def suggest_connections(offers: list[Item], wishes: list[Item], min_score: float = 1.0,
                        *, per_wish: int | None = None) -> list[Connection]:
    """Offers that might meet wishes, best first, each with the words that matched.

    A pair scores 1 for each word both texts use (after stemming, with stop words and very
    general words like "help" or "lessons" left out) and 1 for each lexicon concept both are
    about ("bass guitar" and "live music": music), or 1.5 when that concept's words include
    the same word on both sides. Pairs scoring at least ``min_score`` are returned, highest
    score first, then by offer id and wish id. An offer is never matched with its own
    owner's wish, and a pair that shares nothing is never suggested, however low
    ``min_score`` is. ``per_wish`` keeps only that many best offers for each wish.

    :raises DomainError: for duplicate ids or a ``min_score`` that is not above 0.
    """
    if (isinstance(min_score, bool) or not isinstance(min_score, int | float)
            or not math.isfinite(min_score) or min_score <= 0):
        raise DomainError(_("The minimum score for a connection must be a number above 0."))
    if per_wish is not None and per_wish < 1:
        raise DomainError(_("Suggest at least 1 offer for each wish, or leave it unlimited."))
    offers = _sorted_unique(offers, _("Two offers share the id %s: each offer needs its own id."))
    wishes = _sorted_unique(wishes, _("Two wishes share the id %s: each wish needs its own id."))
    cache: dict[str, _Profile] = {}

    def profile(text: str) -> _Profile:
        if text not in cache:
            cache[text] = _profile(text)
        return cache[text]

    wish_profiles = [profile(w.text) for w in wishes]
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(wish_profiles):
        for feature in p.features():
            index[feature].append(i)

    out = []
    for offer in offers:  # in id order, and each offer's wishes in id order ...
        p = profile(offer.text)
        candidates: set[int] = set()
        for feature in p.features():
            candidates.update(index.get(feature, ()))
        common: dict[tuple[str, tuple[str, ...]], tuple[Reason, ...]] = {}
        for i in sorted(candidates):
            wish = wishes[i]
            if wish.owner == offer.owner:
                continue
            q = wish_profiles[i]
            shared = p.concept_set & q.concept_set
            if len(shared) == 1 and not p.word_set & q.word_set:
                # The common case (one concept, no word in common) is _reasons' fast path;
                # inlined, with the reason shared by wishes that use the same words.
                (c,) = shared
                key = (c, q.concepts[c][0])
                reasons = common.get(key) or common.setdefault(
                    key, (Reason(p.concepts[c][0], key[1], (c,)),))
                score = 1.0
            else:
                reasons = _reasons(p, q)
                score = sum(r.weight for r in reasons)
            if score >= min_score:
                out.append(Connection(offer.id, offer.owner, wish.id, wish.owner, score,
                                      reasons))
    out.sort(key=_score, reverse=True)  # ... so this stable sort breaks ties by the ids
    if per_wish is not None:
        kept: dict[str, int] = defaultdict(int)
        trimmed = []
        for c in out:
            if kept[c.wish_id] < per_wish:
                kept[c.wish_id] += 1
                trimmed.append(c)
        out = trimmed
    return out


def _score(connection: Connection) -> float:
    return connection.score


# -- community assets ------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where an asset is: a label people recognise, and coordinates if known (WGS 84)."""

    label: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Asset:
    """A community asset on the map (the record docs/assets.md describes as JSON).

    ``owner`` is the participant who added it, ``None`` when anonymous. ``created`` is the
    time it was added (seconds since the epoch, passed in: the core has no clock).
    ``merged_from`` lists the ids of records merged into this one.
    """

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    access: str = ""
    owner: str | None = None
    visibility: str = "public"
    created: float = 0.0
    merged_from: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases."""
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready record (docs/assets.md); empty optional fields are left out."""
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "name": self.name}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.offers:
            out["offers"] = list(self.offers)
        if self.places:
            out["places"] = [{k: v for k, v in (("label", p.label), ("lat", p.lat),
                                                  ("lon", p.lon)) if v not in ("", None)}
                             for p in self.places]
        if self.access:
            out["access"] = self.access
        out["owner"] = self.owner
        out["visibility"] = self.visibility
        out["created"] = self.created
        if self.merged_from:
            out["merged_from"] = list(self.merged_from)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Asset:
        """Read a record written by ``to_dict`` or by another map; unknown fields are ignored.

        :raises DomainError: naming the field that is missing or wrong.
        """
        if not isinstance(data, Mapping):
            raise DomainError(_("An asset record must be a JSON object."))

        def text(name: str, required: bool = False) -> str:
            value = data.get(name, "")
            if not isinstance(value, str) or (required and not value.strip()):
                raise DomainError(_("An asset's %s must be non-empty text.") % name
                                  if required else _("An asset's %s must be text.") % name)
            return value.strip()

        def texts(name: str) -> tuple[str, ...]:
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DomainError(_("An asset's %s must be a list of texts.") % name)
            return tuple(v.strip() for v in value if v.strip())

        kind = text("kind", required=True)
        if kind not in KINDS:
            raise DomainError(_("Unknown asset kind %s: use one of %s.")
                              % (kind, ", ".join(KINDS)))
        owner = data.get("owner")
        if owner is not None and not isinstance(owner, str):
            raise DomainError(_("An asset's owner must be a participant id or null."))
        visibility = data.get("visibility", "public")
        if visibility not in VISIBILITIES:
            raise DomainError(_("An asset's visibility must be one of %s.")
                              % ", ".join(VISIBILITIES))
        created = data.get("created", 0)
        if (isinstance(created, bool) or not isinstance(created, int | float)
                or not math.isfinite(created) or created < 0):
            raise DomainError(_("An asset's created time must be seconds since 1970."))
        return cls(id=text("id", required=True), kind=kind, name=text("name", required=True),
                   aliases=texts("aliases"), offers=texts("offers"),
                   places=_places(data.get("places", [])), access=text("access"),
                   owner=owner, visibility=visibility, created=float(created),
                   merged_from=texts("merged_from"))


def _places(value: Any) -> tuple[Place, ...]:
    if not isinstance(value, list):
        raise DomainError(_("An asset's places must be a list."))
    out = []
    for p in value:
        if not isinstance(p, Mapping):
            raise DomainError(_("Each place is an object with a label and optional lat, lon."))
        label = p.get("label", "")
        lat, lon = p.get("lat"), p.get("lon")
        if not isinstance(label, str):
            raise DomainError(_("A place's label must be text."))
        if (lat is None) != (lon is None):
            raise DomainError(_("A place needs both lat and lon, or neither."))
        if lat is not None:
            for v, limit in ((lat, 90), (lon, 180)):
                if (isinstance(v, bool) or not isinstance(v, int | float)
                        or not math.isfinite(v) or abs(v) > limit):
                    raise DomainError(_("A place's lat must be within ±90 and lon within "
                                        "±180 degrees."))
            lat, lon = float(lat), float(lon)
        if not label.strip() and lat is None:
            raise DomainError(_("A place needs a label or coordinates."))
        out.append(Place(label.strip(), lat, lon))
    return tuple(out)


def _fold(text: str) -> str:
    """Whitespace collapsed and case folded: two texts equal under this say the same."""
    return " ".join(text.split()).casefold()


def _union(first: Iterable[str], second: Iterable[str],
           exclude: str | None = None) -> tuple[str, ...]:
    seen = {_fold(exclude)} if exclude is not None else set()
    out = []
    for t in (*first, *second):
        if t.strip() and _fold(t) not in seen:
            seen.add(_fold(t))
            out.append(t)
    return tuple(out)


def _by_id(assets: list[Asset]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, a in enumerate(assets):
        if a.id in index:
            raise DomainError(_("Two assets share the id %s: each asset needs its own id.")
                              % a.id)
        index[a.id] = i
    return index


def merge_assets(assets: list[Asset], keep_id: str, merge_id: str) -> list[Asset]:
    """A new list in which the asset ``merge_id`` is merged into ``keep_id``.

    The merged record keeps ``keep_id``'s id, kind, name, owner and position in the list. The
    other name and its aliases become aliases, offers and places are unioned (duplicates
    that differ only in capitals or spacing dropped), distinct access notes are kept, the
    earlier ``created`` and the more restricted visibility win, and ``merged_from`` records
    the merged id. ``assets`` itself is not changed.

    :raises DomainError: for unknown ids, merging an asset with itself, or different kinds.
    """
    index = _by_id(assets)
    if keep_id == merge_id:
        raise DomainError(_("An asset cannot be merged with itself: choose two different "
                            "assets."))
    for asset_id in (keep_id, merge_id):
        if asset_id not in index:
            raise DomainError(_("There is no asset %s on the map: it may have been merged or "
                                "deleted already.") % asset_id)
    keep, other = assets[index[keep_id]], assets[index[merge_id]]
    if keep.kind != other.kind:
        raise DomainError(_('"%s" is listed under %s and "%s" under %s: give both the same '
                            "kind before merging them.")
                          % (keep.name, kind_label(keep.kind), other.name,
                             kind_label(other.kind)))
    places, seen = [], set()
    for p in (*keep.places, *other.places):
        key = (_fold(p.label), p.lat, p.lon)
        if key not in seen:
            seen.add(key)
            places.append(p)
    notes = _union([keep.access], [other.access])
    merged = replace(
        keep,
        aliases=_union(keep.aliases, other.names, exclude=keep.name),
        offers=_union(keep.offers, other.offers),
        places=tuple(places),
        access="\n".join(notes),
        visibility=VISIBILITIES[min(VISIBILITIES.index(v) if v in VISIBILITIES else 0
                                    for v in (keep.visibility, other.visibility))],
        created=min(keep.created, other.created),
        merged_from=(*keep.merged_from, other.id, *other.merged_from),
    )
    return [merged if a.id == keep_id else a for a in assets if a.id != merge_id]


# -- likely duplicates -----------------------------------------------------------------------

_NAME_STOP = frozenset({"the", "a", "an", "of", "and", "at", "in", "on", "for", "to"})
_ABBREVIATIONS = {"rd": "road", "ave": "avenue", "ln": "lane", "sq": "square", "ctr": "centre",
                  "center": "centre", "theater": "theatre", "mt": "mount"}


def _name_key(name: str) -> tuple[str, ...]:
    """A name's words for comparison: accents, case, apostrophes and "the" set aside,
    common abbreviations spelled out ("St" first is Saint, later Street), words stemmed."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(c))
    words = [norm for _w, norm in _tokens(plain.replace("&", " and "))]
    out: list[str] = []
    for i, w in enumerate(words):
        w = w.replace("'", "")
        if w == "st":
            w = "saint" if i == 0 or words[i - 1] in _NAME_STOP else "street"
        for part in _ABBREVIATIONS.get(w, w).split():
            if part not in _NAME_STOP:
                out.append(stem(part))
    return tuple(out)


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by exactly one insertion, deletion, substitution or swap of
    neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return (a[i + 1:] == b[i + 1:]
                or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
                    and a[i + 2:] == b[i + 2:]))
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


def _variants(token: str) -> set[str]:
    """The token and every one-letter deletion: two tokens one edit apart share one."""
    return {token} | {token[:i] + token[i + 1:] for i in range(len(token))}


_TYPO_MIN = 5  # typing slips are only suspected in words at least this long


def _likeness(a: str, ka: tuple[str, ...], b: str, kb: tuple[str, ...]) -> tuple[int, str] | None:
    """(strength, reason) when names a and b look like the same asset; 0 is strongest."""
    sa, sb = set(ka), set(kb)
    if sa == sb:
        return 0, _('"%s" and "%s" are the same name apart from spelling, capitals or '
                    'words like "the".') % (a, b)
    if len(ka) == len(kb):
        diffs = [(x, y) for x, y in zip(ka, kb, strict=True) if x != y]
        if diffs and all(min(len(x), len(y)) >= _TYPO_MIN and _one_edit(x, y)
                         for x, y in diffs):
            return 1, _('"%s" and "%s" differ by a letter: perhaps a typing slip.') % (a, b)
    if sa < sb or sb < sa:
        short, long_ = (a, b) if sa < sb else (b, a)
        return 2, _('"%s" may be a shorter name for "%s": all its words are in the longer '
                    "name.") % (short, long_)
    return None


def similar_assets(assets: list[Asset]) -> list[tuple[str, str, str]]:
    """Pairs of assets that look like the same one, as (id, id, reason), strongest first.

    Names and aliases are compared with accents, capitals, apostrophes, "the" and common
    abbreviations set aside and words stemmed: "St Mary's Church" and "St Marys church" are
    the same name; "the library" may be a shorter name for "Central Library"; "Comunity
    Garden" and "Community Garden" differ by a typing slip. The two ids of a pair are in
    sorted order. Assets of different kinds are suggested too, with a note, because people
    file the same place differently; ``merge_assets`` needs them to share a kind first.
    These are only suggestions: a person decides.

    :raises DomainError: for duplicate ids.
    """
    _by_id(assets)
    keyed = [[(n, _name_key(n)) for n in a.names] for a in assets]
    blocks: dict[str, set[int]] = defaultdict(set)
    for i, names in enumerate(keyed):
        for _n, key in names:
            for token in key:
                blocks[token].add(i)
                if len(token) >= _TYPO_MIN:
                    for v in _variants(token):
                        blocks["~" + v].add(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        ordered = sorted(members)
        pairs.update((x, y) for k, x in enumerate(ordered) for y in ordered[k + 1:])

    out: list[tuple[int, str, str, str]] = []
    for i, j in pairs:
        a, b = assets[i], assets[j]
        if a.id > b.id:
            i, j, a, b = j, i, b, a
        best = None
        for na, ka in keyed[i]:
            for nb, kb in keyed[j]:
                if ka and kb:
                    found = _likeness(na, ka, nb, kb)
                    if found and (best is None or found[0] < best[0]):
                        best = found
        if best is None:
            continue
        strength, reason = best
        if a.kind != b.kind:
            reason += " " + (_("They are listed under different kinds (%s, %s): give them the "
                               "same kind before merging.")
                             % (kind_label(a.kind), kind_label(b.kind)))
        out.append((strength, a.id, b.id, reason))
    out.sort()
    return [(x, y, reason) for _s, x, y, reason in out]
