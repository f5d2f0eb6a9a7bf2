"""Asset mapping (facilitator/core/assets.py, docs/assets.md)."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.assets import (
    CONCEPTS,
    KINDS,
    PERSONAL,
    Asset,
    Connection,
    Item,
    Place,
    explain_match,
    merge_assets,
    similar_assets,
    stem,
    suggest_connections,
)
from facilitator.core.errors import DomainError

PROPERTY = settings(max_examples=60, deadline=None)
BLOCKED = ["flask", "flask_socketio", "socketio", "engineio", "eventlet", "sqlite3", "gevent",
           "socket", "requests", "random"]

# Texts people write, in pools by topic: items from the same pool should usually connect,
# items from different pools never (the pools share no word and no concept).
POOLS = {
    "music": ["bass guitar lessons", "I play in a folk band", "singing in a choir",
              "to find live music locally", "learn the piano", "drumming for beginners"],
    "growing": ["knows the allotment association", "to grow food", "gardening tips",
                "vegetable seeds to share", "help with my garden", "composting"],
    "crafts": ["knitting", "sewing repairs to clothes", "crochet circle", "pottery"],
    "sport": ["football coaching", "swimming", "tennis partner", "walking football"],
    "computers": ["IT support", "help with my laptop", "setting up email", "online shopping"],
}
TEXTS = [t for pool in POOLS.values() for t in pool]
POOL_OF = {t: name for name, pool in POOLS.items() for t in pool}


def items(prefix: str, texts: list[str], owners: list[str]) -> list[Item]:
    return [Item(f"{prefix}{i}", owner, text) for i, (text, owner) in
            enumerate(zip(texts, owners, strict=True))]


@st.composite
def markets(draw: st.DrawFn) -> tuple[list[Item], list[Item]]:
    """Offers and wishes drawn from the pools, owned by a few people (some own both)."""
    people = [f"p{i}" for i in range(draw(st.integers(1, 5)))]
    n_offers, n_wishes = draw(st.integers(0, 12)), draw(st.integers(0, 12))
    pick = st.sampled_from(TEXTS)
    who = st.sampled_from(people)
    offers = items("o", draw(st.lists(pick, min_size=n_offers, max_size=n_offers)),
                   draw(st.lists(who, min_size=n_offers, max_size=n_offers)))
    wishes = items("w", draw(st.lists(pick, min_size=n_wishes, max_size=n_wishes)),
                   draw(st.lists(who, min_size=n_wishes, max_size=n_wishes)))
    return offers, wishes


def connect(offer: str, wish: str, **kwargs: float) -> list[Connection]:
    return suggest_connections([Item("o", "ann", offer)], [Item("w", "bo", wish)], **kwargs)


# -- kinds and words -------------------------------------------------------------------------

def test_the_six_kinds_and_the_personal_categories() -> None:
    assert list(KINDS) == ["individuals", "associations", "organisations", "physical",
                           "economic", "cultural"]
    assert list(PERSONAL) == ["head", "hands", "heart", "offer", "wish"]
    for category in (*KINDS.values(), *PERSONAL.values()):
        assert category.label and category.help.endswith(".")
    assert "allotment" in KINDS["associations"].help


@pytest.mark.parametrize("words, root", [
    ("garden gardens gardening gardener", "garden"),
    ("knit knits knitting knitted knitter", "knit"),
    ("bake baking baked baker bakers", "bak"),
    ("volunteer volunteers volunteering volunteered", "volunt"),
    ("library libraries", "library"),
    ("church churches", "church"),
    ("Mary's marys", "mary"),
])
def test_the_stemmer_brings_word_forms_together(words: str, root: str) -> None:
    assert {stem(w) for w in words.split()} == {root}


def test_the_stemmer_leaves_short_and_double_letter_words_alone() -> None:
    assert stem("sing") == "sing" and stem("singing") == "sing"
    assert stem("calling") == "call" and stem("dressing") == "dress"
    assert stem("bus") == "bus" and stem("glass") == "glass"


# -- connecting offers and wishes ------------------------------------------------------------

def test_bass_guitar_lessons_meet_live_music() -> None:
    [c] = connect("bass guitar lessons", "to find live music locally")
    assert (c.offer_id, c.wish_id, c.offer_owner, c.wish_owner) == ("o", "w", "ann", "bo")
    assert c.explain() == '"bass guitar" ~ "live music": both about music'
    assert c.reasons[0].concepts == ("music",)


def test_the_allotment_association_meets_growing_food() -> None:
    [c] = connect("I know the allotment association", "I'd like to grow food")
    assert "allotment association" in c.explain() and "grow food" in c.explain()
    assert c.reasons[0].concepts == ("growing",)


@pytest.mark.parametrize("offer, wish, concept", [
    ("I teach IT at the college", "help with my computer", "computers"),
    ("I can give lifts on Tuesdays", "a lift to the hospital", "transport"),
    ("happy to befriend someone", "I get lonely since my wife died", "befriending"),
    ("I speak Polish", "learn a new language", "languages"),
    ("I can fix bikes", "repair cafe", "repairs"),
    ("babysitting", "childcare so I can go to college", "childcare"),
])
def test_concepts_of_community_life_connect(offer: str, wish: str, concept: str) -> None:
    [c] = connect(offer, wish)
    assert concept in {k for r in c.reasons for k in r.concepts}


@pytest.mark.parametrize("offer, wish", [
    ("knitting", "football coaching"),
    ("bass guitar lessons", "swimming lessons"),
    ("I can help with gardening", "I need help with my computer"),
    ("walking football", "a walking group"),
    ("I can teach French", "knitting circle"),
    ("", "anything at all"),
])
def test_unrelated_items_do_not_connect(offer: str, wish: str) -> None:
    assert connect(offer, wish) == []
    assert connect(wish, offer) == []


def test_the_same_word_connects_and_strengthens_a_shared_concept() -> None:
    [c] = connect("St Mary's church hall for hire", "a hall for our dance class")
    assert c.explain() == '"hall" ~ "hall": the same word' and c.score == 1.0
    [c] = connect("gardening tools", "help in my garden")
    assert c.reasons[0].concepts == ("growing",) and c.score == 1.5
    assert [r.concepts for r in c.reasons] == [("growing",)]  # "garden" is not counted twice


def test_one_word_about_two_concepts_is_one_reason() -> None:
    [c] = connect("fitness sessions", "more exercise")
    assert [r.concepts for r in c.reasons] == [("sport", "health")]
    assert c.explain() == ('"fitness" ~ "exercise": both about sport and exercise / health '
                           "and wellbeing")


def test_more_in_common_ranks_higher_and_min_score_filters() -> None:
    offers = [Item("o1", "ann", "guitar and cooking"), Item("o2", "bo", "piano")]
    wishes = [Item("w1", "cy", "live music and a community meal")]
    out = suggest_connections(offers, wishes)
    assert [(c.offer_id, c.score) for c in out] == [("o1", 2.0), ("o2", 1.0)]
    assert [c.offer_id for c in suggest_connections(offers, wishes, min_score=2)] == ["o1"]
    assert len(suggest_connections(offers, wishes, per_wish=1)) == 1


def test_refusals() -> None:
    twice = [Item("o1", "ann", "x"), Item("o1", "bo", "y")]
    with pytest.raises(DomainError, match="o1"):
        suggest_connections(twice, [])
    with pytest.raises(DomainError, match="o1"):
        suggest_connections([], twice)
    for bad in (0, -1, float("nan")):
        with pytest.raises(DomainError, match="above 0"):
            suggest_connections([], [], min_score=bad)
    with pytest.raises(DomainError, match="at least 1"):
        suggest_connections([], [], per_wish=0)


def test_the_module_is_pure() -> None:
    """No I/O library is imported (core/README.md); tests/unit/test_purity.py's method."""
    script = ("import importlib.abc, sys\n"
              "class Block(importlib.abc.MetaPathFinder):\n"
              "    def find_spec(self, name, path=None, target=None):\n"
              f"        if name.split('.')[0] in {BLOCKED!r}:\n"
              "            raise ImportError('pure core imported ' + name)\n"
              "sys.meta_path.insert(0, Block())\n"
              "import facilitator.core.assets\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr


@PROPERTY
@given(markets())
def test_no_one_is_connected_with_themselves(market: tuple[list[Item], list[Item]]) -> None:
    offers, wishes = market
    for c in suggest_connections(*market):
        assert c.offer_owner != c.wish_owner
    # and every pair of different people from the same pool is suggested
    found = {(c.offer_id, c.wish_id) for c in suggest_connections(offers, wishes)}
    for o in offers:
        for w in wishes:
            if o.owner == w.owner or POOL_OF[o.text] != POOL_OF[w.text]:
                assert (o.id, w.id) not in found
            elif explain_match(o.text, w.text):
                assert (o.id, w.id) in found


@PROPERTY
@given(markets(), st.sampled_from([0.5, 1, 1.5, 2]))
def test_explanations_name_words_from_both_texts(market: tuple[list[Item], list[Item]],
                                                min_score: float) -> None:
    offers, wishes = market
    text = {i.id: i.text.lower() for i in offers + wishes}
    for c in suggest_connections(offers, wishes, min_score=min_score):
        assert c.score >= min_score and c.score == sum(r.weight for r in c.reasons)
        assert c.reasons and c.explain()
        for r in c.reasons:
            assert r.offer_terms and r.wish_terms
            assert all(t.lower() in text[c.offer_id] for t in r.offer_terms)
            assert all(t.lower() in text[c.wish_id] for t in r.wish_terms)
            assert all(k in CONCEPTS for k in r.concepts)


@PROPERTY
@given(markets(), st.randoms(use_true_random=False))
def test_same_result_whatever_the_order(market: tuple[list[Item], list[Item]],
                                        rnd: object) -> None:
    offers, wishes = market
    first = suggest_connections(offers, wishes)
    shuffled_offers, shuffled_wishes = offers[:], wishes[:]
    rnd.shuffle(shuffled_offers)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_wishes)  # type: ignore[attr-defined]
    assert suggest_connections(shuffled_offers, shuffled_wishes) == first
    keys = [(-c.score, c.offer_id, c.wish_id) for c in first]
    assert keys == sorted(keys)


def test_a_thousand_offers_and_wishes() -> None:
    # how fast: bench/algorithms.py (measured there, not asserted here)
    texts = [f"{t} word{i % 300}" for i, t in enumerate((TEXTS * 42)[:1000])]
    offers = [Item(f"o{i}", f"p{i % 700}", t) for i, t in enumerate(texts)]
    wishes = [Item(f"w{i}", f"p{(i * 7) % 700}", t) for i, t in enumerate(reversed(texts))]
    out = suggest_connections(offers, wishes, per_wish=3)
    assert len(out) == 3 * 1000


# -- community assets ------------------------------------------------------------------------

def asset(asset_id: str, name: str, kind: str = "physical", **kwargs: object) -> Asset:
    return Asset(asset_id, kind, name, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("a, b", [
    ("the library", "Central Library"),
    ("St Mary's Church", "St Marys church"),
    ("Church of St Mary", "St Mary's Church"),
    ("Comunity Garden", "Community Garden"),
    ("Café Nero", "cafe nero"),
    ("Scout hut", "The Scout Hut, Elm Rd"),
])
def test_likely_duplicates_are_suggested(a: str, b: str) -> None:
    [(x, y, reason)] = similar_assets([asset("a", a), asset("b", b)])
    assert (x, y) == ("a", "b") and a in reason and b in reason


@pytest.mark.parametrize("a, b", [
    ("Central Library", "Victoria Park"),
    ("St Mary's Church", "St John's Church"),
    ("Knitting circle", "Football club"),
    ("Central Library", "Central Park"),
    ("Scout Hut 1", "Scout Hut 2"),
])
def test_clearly_different_names_are_not_suggested(a: str, b: str) -> None:
    assert similar_assets([asset("a", a), asset("b", b)]) == []


def test_aliases_count_and_other_kinds_are_flagged() -> None:
    assets = [asset("a", "Town Hall", aliases=("the Civic Centre",)),
              asset("b", "civic centre", kind="organisations"), asset("c", "Bus station")]
    [(x, y, reason)] = similar_assets(assets)
    assert (x, y) == ("a", "b") and "different kinds" in reason


def test_similar_assets_are_strongest_first_and_need_unique_ids() -> None:
    out = similar_assets([asset("1", "Library"), asset("2", "the library"),
                          asset("3", "Central Library")])
    assert [(x, y) for x, y, _r in out] == [("1", "2"), ("1", "3"), ("2", "3")]
    with pytest.raises(DomainError, match="x"):
        similar_assets([asset("x", "A"), asset("x", "B")])


MAP = [
    asset("lib", "Central Library", kind="organisations", offers=("books", "free wifi"),
          places=(Place("High St"),), owner="ann", created=20.0),
    asset("lib2", "the library", kind="organisations", aliases=("Libary",),
          offers=("Free WiFi", "rhyme time"), places=(Place("High St"), Place("", 51.5, -0.1)),
          access="step-free entrance", owner=None, visibility="group", created=10.0),
    asset("park", "Victoria Park", offers=("play area",)),
]


def test_merge_keeps_both_names_and_everything_offered() -> None:
    before = copy.deepcopy(MAP)
    merged_map = merge_assets(MAP, "lib", "lib2")
    assert MAP == before
    assert [a.id for a in merged_map] == ["lib", "park"]
    merged = merged_map[0]
    assert merged.name == "Central Library" and merged.aliases == ("the library", "Libary")
    assert merged.offers == ("books", "free wifi", "rhyme time")
    assert merged.places == (Place("High St"), Place("", 51.5, -0.1))
    assert merged.access == "step-free entrance"
    assert (merged.owner, merged.visibility, merged.created) == ("ann", "group", 10.0)
    assert merged.merged_from == ("lib2",)
    assert merged_map[1] is MAP[2]


@pytest.mark.parametrize("keep, other, message", [
    ("lib", "lib", "itself"),
    ("lib", "nowhere", "no asset nowhere"),
    ("nowhere", "lib", "no asset nowhere"),
    ("lib", "park", "same kind"),
])
def test_bad_merges_are_refused_and_change_nothing(keep: str, other: str, message: str) -> None:
    before = copy.deepcopy(MAP)
    with pytest.raises(DomainError, match=message):
        merge_assets(MAP, keep, other)
    assert MAP == before


names = st.text(st.characters(codec="ascii", categories=["L", "Nd", "Zs"]), max_size=12)
assets_lists = st.lists(
    st.builds(Asset, id=st.text("abcdef", min_size=1, max_size=3),
              kind=st.sampled_from(["physical", "organisations"]), name=names,
              aliases=st.lists(names, max_size=2).map(tuple),
              offers=st.lists(names, max_size=3).map(tuple),
              places=st.lists(st.builds(Place, st.sampled_from(["", "A", "b"])),
                              max_size=2).map(tuple),
              visibility=st.sampled_from(["private", "group", "public"]),
              created=st.floats(0, 1e9)),
    min_size=2, max_size=6, unique_by=lambda a: a.id)


@PROPERTY
@given(assets_lists, st.data())
def test_merging_loses_no_name_offer_or_place(assets: list[Asset], data: st.DataObject) -> None:
    keep, other = data.draw(st.permutations(assets))[:2]
    before = copy.deepcopy(assets)
    if keep.kind != other.kind:
        with pytest.raises(DomainError):
            merge_assets(assets, keep.id, other.id)
        assert assets == before
        return
    out = merge_assets(assets, keep.id, other.id)
    assert assets == before
    assert [a.id for a in out] == [a.id for a in assets if a.id != other.id]
    merged = next(a for a in out if a.id == keep.id)
    fold = {" ".join(n.split()).casefold() for n in merged.names}
    for text in (*keep.names, *other.names):
        assert not text.strip() or " ".join(text.split()).casefold() in fold
    folded_offers = {" ".join(o.split()).casefold() for o in merged.offers}
    for offer in (*keep.offers, *other.offers):
        assert not offer.strip() or " ".join(offer.split()).casefold() in folded_offers
    assert {(p.label.casefold(), p.lat) for p in keep.places + other.places} == \
        {(p.label.casefold(), p.lat) for p in merged.places}
    assert merged.created == min(keep.created, other.created)


@PROPERTY
@given(assets_lists)
def test_similar_assets_is_deterministic_and_ordered(assets: list[Asset]) -> None:
    out = similar_assets(assets)
    assert similar_assets(list(reversed(assets))) == out
    ids = {a.id for a in assets}
    for x, y, reason in out:
        assert x < y and {x, y} <= ids and reason


# -- the shareable record --------------------------------------------------------------------

clean = st.text("abc XYZ'", min_size=1, max_size=10).map(str.strip).filter(bool)
records = st.builds(
    Asset, id=clean, kind=st.sampled_from(list(KINDS)), name=clean,
    aliases=st.lists(clean, max_size=2).map(tuple), offers=st.lists(clean, max_size=2).map(tuple),
    places=st.lists(st.builds(Place, clean) | st.builds(Place, st.just(""), st.floats(-90, 90),
                                                        st.floats(-180, 180)),
                    max_size=2).map(tuple),
    access=st.sampled_from(["", "ramp at the side"]), owner=st.none() | clean,
    visibility=st.sampled_from(["private", "group", "public"]), created=st.floats(0, 1e10),
    merged_from=st.lists(clean, max_size=2).map(tuple))


@PROPERTY
@given(records)
def test_records_round_trip_through_json_dicts(record: Asset) -> None:
    assert Asset.from_dict(record.to_dict()) == record
    assert Asset.from_dict(record.to_dict() | {"future_field": 1}) == record


@pytest.mark.parametrize("change, message", [
    ({"kind": "spiritual"}, "Unknown asset kind"),
    ({"name": "  "}, "name"),
    ({"offers": "books"}, "offers"),
    ({"places": [{"label": "x", "lat": 91, "lon": 0}]}, "±90"),
    ({"places": [{"lat": 51}]}, "both lat and lon"),
    ({"visibility": "secret"}, "visibility"),
    ({"created": -1}, "created"),
])
def test_bad_records_are_refused(change: dict, message: str) -> None:
    record = MAP[1].to_dict() | change
    with pytest.raises(DomainError, match=message):
        Asset.from_dict(record)
