"""Frequent words and two-word phrases across notes: counts, stop words removed, no service.

Stop words are kept for each shipped language (English, Welsh, Polish, Arabic). A room
writes in several languages at once, so each note is read with the stop words of the
language it uses most of them from (a Welsh note loses "mae" and "yn", an English note keeps
"pan"); a note with none of them is read with all the lists.
"""

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
# Welsh function words, with the short forms people write ("mae'r", "sy'n") and the common
# mutated forms ("fod", "gael"); content words ("cymuned", "lle") are kept, and so are words
# that are English content words too ("pan", "tan", "beth")
STOP_WORDS_CY = frozenset("""
a ac ag am ar at y yr 'r yn i o mae maen maent mae'r mae'n roedd roedden oedd oedden yw ydy
ydyn ydych ydw ydi yw'r bod fod wedi gan gyda gyda'r hefyd ond neu nid nad ni fe fi mi ti ef
e hi nhw chi fy dy ei ein eich eu hyn hynny hon hwn hwnnw honno yma yno sy sydd sy'n os
achos oherwydd fel mwy mwyaf iawn pob pawb rhyw pa pwy ble sut pam pryd mewn heb dros
drwy trwy rhwng cael gael gwneud wneud bydd byddai byddwn gallu allu i'r o'r a'r
â er wrth ato ati iddo iddi iddyn ohono ohoni arno arni dyma dyna llawer lot rhai felly
eisiau isio ddim hwnna hwnnw gyd yr un ydynt oes does dydy dydw dw dwi rwy rydw rydyn
rydych ry'n ni'n chi'n dw i fy i'n ei'n
""".split())

# Polish function words (prepositions, conjunctions, pronouns, forms of "być" and "mieć");
# left out where they are English content words too ("sam", "ten", "mam", "jest", "go")
STOP_WORDS_PL = frozenset("""
a aby ale albo ani bardzo bez bo by być był była było byli będzie będą co coś czy czyli dla
do dość gdy gdyż gdzie i ich im inna inne inny ja jak jaka jakie jaki jako je jego jej
jestem jesteś jesteśmy jeszcze jeśli już ją każdy kiedy kto która które którego której który
którzy lub mamy mi mnie mną mogą może można mój moja moje mu my na nad nami nas nasz nasza
nasze naszego naszej nic nich nie niech niego niej nim nią no o od on ona one oni ono oraz
po pod przed przez przy sama się są tak także te tego tej też to tu tutaj ty tylko tym u w
we wam was wasz wszyscy wszystko wy z za ze że żeby sobie siebie swój swoja swoje swoich
jakby więc toteż ponieważ gdyby niż
""".split())

# Arabic function words, written without short vowels (tokens are read without them too)
STOP_WORDS_AR = frozenset("""
في من على إلى الى عن مع هذا هذه ذلك تلك هؤلاء التي الذي الذين اللذين و او أو ثم لا ما لم لن
كان كانت كانوا يكون تكون هو هي هم هن نحن انا أنا انت أنت انتم أنتم كل بعض قد إن ان أن عند
بين حتى كما لكن لكنه أي اي غير هناك هنا جدا ليس ليست إذا اذا منذ بعد قبل فقط أيضا ايضا عندما
حيث كيف لماذا متى لدي لدينا لنا لهم له لها به بها فيه فيها منه منها عليه عليها عليهم يا نعم
كلا ثمة لقد إنه انه أنه ولا وما ومن وفي وعلى وهو وهي وكان هل بل أم اما أما
""".split())

STOP_WORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    "en": STOP_WORDS, "cy": STOP_WORDS_CY, "pl": STOP_WORDS_PL, "ar": STOP_WORDS_AR}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS_BY_LANGUAGE.values())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# Arabic short vowels and other marks (tashkeel), and the tatweel that stretches a word:
# written or not, the word is the same
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")


def tokens(text: str) -> list[str]:
    """Lower-case words of a text (letters and inner apostrophes; numbers dropped)."""
    return [w.replace("’", "'") for w in _WORD.findall(_MARKS.sub("", text.lower()))]


def stop_words_for(toks: list[str]) -> frozenset[str]:
    """The stop words to drop from one note: those of the language(s) it uses most of."""
    hits = {lang: sum(t in words for t in toks) for lang, words in STOP_WORDS_BY_LANGUAGE.items()}
    best = max(hits.values(), default=0)
    if best == 0:
        return ALL_STOP_WORDS
    return frozenset().union(*(STOP_WORDS_BY_LANGUAGE[lang] for lang, n in hits.items()
                               if n == best))


def frequent(texts: Iterable[str], limit: int = 30, min_count: int = 2) -> dict[str, list]:
    """The most frequent words and two-word phrases, as ``[[text, count], ...]`` lists.

    A word counts once per note (ten people saying "library" outweigh one person saying it
    ten times). Phrases are adjacent content words within a note. Ties sort alphabetically.
    """
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for text in texts:
        toks = tokens(text)
        stop = stop_words_for(toks)
        content = [t for t in toks if t not in stop and len(t) > 1]
        words.update(set(content))
        pairs = {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)
                 if a not in stop and b not in stop and len(a) > 1 and len(b) > 1}
        phrases.update(pairs)

    def top(counter: Counter[str]) -> list[list]:
        ranked = sorted(((w, c) for w, c in counter.items() if c >= min_count),
                        key=lambda wc: (-wc[1], wc[0]))
        return [[w, c] for w, c in ranked[:limit]]

    return {"words": top(words), "phrases": top(phrases)}
