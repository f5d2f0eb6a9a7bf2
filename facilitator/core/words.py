"""Frequent words and two-word phrases across notes: counts, stop words removed, no service."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# common English function words; content words like "people", "place", "help" are kept
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each even ever every few for from further get gets getting
got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just
let's like lot lots make makes me more most much must mustn't my myself need no nor not now of
off on once one only or other ought our ours ourselves out over own really same shan't she
she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through
to too under until up upon us very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's will with won't would
wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves etc also ok
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-case words of a text (letters and inner apostrophes; numbers dropped)."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def frequent(texts: Iterable[str], limit: int = 30, min_count: int = 2) -> dict[str, list]:
    """The most frequent words and two-word phrases, as ``[[text, count], ...]`` lists.

    A word counts once per note (ten people saying "library" outweigh one person saying it
    ten times). Phrases are adjacent content words within a note. Ties sort alphabetically.
    """
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for text in texts:
        toks = tokens(text)
        content = [t for t in toks if t not in STOP_WORDS and len(t) > 1]
        words.update(set(content))
        pairs = {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)
                 if a not in STOP_WORDS and b not in STOP_WORDS and len(a) > 1 and len(b) > 1}
        phrases.update(pairs)

    def top(counter: Counter[str]) -> list[list]:
        ranked = sorted(((w, c) for w, c in counter.items() if c >= min_count),
                        key=lambda wc: (-wc[1], wc[0]))
        return [[w, c] for w, c in ranked[:limit]]

    return {"words": top(words), "phrases": top(phrases)}
