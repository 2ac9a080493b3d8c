"""Language detection restricted to de / en / ru, by script and function words.

Cheap and deterministic: Cyrillic text is Russian unless letters peculiar to
Ukrainian, Kazakh, Kyrgyz, Serbian etc. are frequent; Latin text is scored on
function words of German, English and the languages most often confused with
them in this genre (French, Spanish, Italian, Portuguese, Dutch, Turkish, Uzbek).
"""
from __future__ import annotations

import re

from atlas.core.errors import ArticleError, UnsupportedLanguage

SUPPORTED = ("de", "en", "ru")
_WORDS = {
    "de": "der die das und ist nicht mit von den zu im ein eine auch sich dem des auf für wird wurde hat sind über nach bei",
    "en": "the and of to in is that for with on was by as are from has have this which its were been will an",
    "fr": "le la les et des du une est pour que dans qui sur pas au aux avec sont été ce cette leur",
    "es": "el la los las y del que en un una es por con para se al lo como más pero sus",
    "it": "il la che di e un una per non con del della sono gli nel alla anche come",
    "pt": "o a os as e do da que em um uma para com não no na se por dos das",
    "nl": "de het een en van is dat op te in voor met zijn niet ook aan bij",
    "tr": "ve bir bu da de ile için olan olarak gibi daha çok ama",
    "uz": "va bilan uchun bu bir ham edi qilib esa emas",
}
_WORDSETS = {k: set(v.split()) for k, v in _WORDS.items()}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _set in _WORDSETS.items():
    for _w in _set:
        _WORD_LANGS[_w] = _WORD_LANGS.get(_w, ()) + (_lang,)
_NAMES = {"fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "tr": "Turkish", "uz": "Uzbek"}
_TOKEN = re.compile(r"[^\W\d_]+")
_ODD = re.compile("[іїєґәғқңөұүһђјљњћџўІЇЄҐӘҒҚҢӨҰҮҺЂЈЉЊЋЏЎ]")
_LETTER = re.compile(r"[^\W\d_]")
_CYR = re.compile("[\u0400-\u04ff]")
_LAT = re.compile("[A-Za-z\u00c0-\u024f]")


def detect_language(text: str) -> str:
    """"de", "en" or "ru"; raises UnsupportedLanguage for anything else.

    >>> detect_language("Der Präsident hat die Staaten besucht."), detect_language("Президент посетил Астану.")
    ('de', 'ru')
    """
    if not text or not text.strip():
        raise ArticleError("article text is empty or whitespace only")
    sample = text[:6000]  # enough to decide; keeps long articles cheap
    n_letters, cyr = _script_counts(sample)
    if not n_letters:
        raise ArticleError("article text contains no letters")
    if cyr >= 0.3 * n_letters:
        latin = len(_LAT.findall(sample))
        if cyr >= latin:
            odd = len(_ODD.findall(sample))
            if odd > max(2, 0.01 * cyr):
                raise UnsupportedLanguage("text is Cyrillic but not Russian (Ukrainian, Kazakh or similar letters); "
                                          "only de, en, ru are supported")
            return "ru"
    else:
        latin = n_letters - cyr if sample.isascii() else len(_LAT.findall(sample))
    if latin < 0.5 * n_letters:
        raise UnsupportedLanguage("text is in a script other than Latin or Cyrillic (e.g. Chinese, Arabic); "
                                  "only de, en, ru are supported")
    scores = dict.fromkeys(_WORDSETS, 0)
    get = _WORD_LANGS.get
    for tok in _TOKEN.findall(sample.lower()):
        langs = get(tok)
        if langs:
            for lang in langs:
                scores[lang] += 1
    best = max(scores, key=lambda k: (scores[k], k in SUPPORTED))
    if scores[best] == 0:
        return "de" if re.search(r"[äöüß]", text) else "en"
    if best not in SUPPORTED:
        raise UnsupportedLanguage(f"text looks {_NAMES[best]}; only de, en, ru are supported")
    return best


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _script_counts(sample: str) -> tuple[int, int]:
    """(letters, Cyrillic letters) of ``sample``, as the regexes _LETTER and _CYR count them.

    Fast path on UTF-8 lead bytes when the only non-ASCII letters are Latin-1 / Extended-A/B
    and Cyrillic (3-byte punctuation such as „“ — … is fine); otherwise exact regex counts.

    >>> _script_counts("Der Präsident — „Ja“ × 2"), _script_counts("Президент «Ё»"), _script_counts("中亚 Xi")
    ((14, 0), (10, 10), (4, 0))
    """
    b = sample.encode("utf-8")
    if not _OTHER_SCRIPTS.search(b):
        ascii_letters = len(b) - len(b.translate(None, _ASCII_LETTERS))
        cyr = sum(b.count(x) for x in (b"\xd0", b"\xd1", b"\xd2", b"\xd3"))
        cyr -= sum(sample.count(c) for c in "\u0482\u0483\u0484\u0485\u0486\u0487\u0488\u0489") if b"\xd2" in b else 0
        latin_ext = sum(b.count(x) for x in (b"\xc3", b"\xc4", b"\xc5", b"\xc6", b"\xc7", b"\xc8", b"\xc9"))
        latin_ext -= (sample.count("\u00d7") + sample.count("\u00f7")) if b"\xc3" in b else 0
        return ascii_letters + cyr + latin_ext, cyr
    return len(_LETTER.findall(sample)), len(_CYR.findall(sample))


# lead bytes of letters the fast path does not count: IPA/Greek (CA-CF), Armenian..Arabic (D4-DF),
# Latin Extended Additional (E1), CJK and other 3-/4-byte scripts (E3-FF)
_OTHER_SCRIPTS = re.compile(rb"[\xca-\xcf\xd4-\xdf\xe1\xe3-\xff]")


def check_language(language: str) -> str:
    if language not in SUPPORTED:
        raise UnsupportedLanguage(f"language {language!r} is not supported; use one of de, en, ru")
    return language
