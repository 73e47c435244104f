"""Names in any script: normalisation, transliteration and the ASCII keys names are matched on.

The texts write one person as *Shaken Aimanov*, *Shaken Aymanov*, *Шәкен Айманов* and
*Шакен Айманов*; historians add *Şäken Aimanov*, *Ajmanov* or *Sh. Aimanov*. Every label and
every query is turned into one or more **keys**, lower-case ASCII "phonetic skeletons" in which
those spellings coincide; ``kg.name_index`` compares keys exactly and fuzzily.

Normalisation (``normalise``), in this order:

1. Unicode NFKC (compatibility forms: ligatures, full-width letters, ``й`` composed);
2. Turkish and Kazakh-Latin i: ``İ`` and ``ı`` become ``i`` (so ``İstanbul``, ``ISTANBUL``,
   ``Kıvanç``/``Kivanc`` meet), then ``str.casefold``;
3. combining marks left after NFKC are dropped (the breve of BGN's ``ī̆``, a stray dot);
4. apostrophes and transliteration signs are deleted without a break (``'`` ``’`` ``ʼ``
   ``ʹ`` ``ʺ`` ``·``: *Leila's* → ``leilas``); every other character that is not a letter or
   digit (quotes « » “ ” „ ‹ › " , dashes — – -, full stops, brackets…) becomes a space;
5. runs of spaces collapse; the ends are trimmed. The script is kept.

``fold_kazakh`` additionally folds the Kazakh-specific letters onto their closest Russian ones
(ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и) and ё→е, й→и: the loose Cyrillic key in which
*Шәкен* = *Шакен* and *Қыз Жібек* = *Кыз Жибек*.

Transliteration, Cyrillic → Latin, three schemes (tables below, written here: no maintained
library covers Kazakh. ``iuliia`` implements twenty Russian schemes, BGN/PCGN among them, but
passes ә ғ қ ң ө ұ ү һ і through untouched; ``transliterate`` and ``cyrtranslit`` have no Kazakh
either; ICU has Kazakh-Latin/BGN but PyICU must be compiled against libicu. The tables were
checked letter by letter against ICU 72's ``Kazakh-Latin/BGN`` and ``Russian-Latin/BGN``):

- ``kk_to_latin_2021``: the Kazakh Latin alphabet presented in January 2021 (31 letters:
  A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z; и and й → İ i, і → I ı,
  ы → Y y, ж → J j, ш → Ş ş, у → U u, ұ → Ū ū, ү → Ü ü, ғ → Ğ ğ, ң → Ñ ñ, қ → Q q, х and
  һ → H h; as in Wikipedia's "Kazakh alphabets" table and its transliterated 1902 text).
  The letters of Russian loans have no letter of their own: ц → ts, щ → şş, ё → io, ю → iu,
  я → ia, э → e, ъ and ь dropped, and ч → ç (the 2019 draft's letter; our choice).
- ``kk_to_bgn`` / ``ru_to_bgn``: BGN/PCGN romanisation, Kazakh (1979: ә ä, ғ gh, и ī, й ī̆,
  қ q, ң ng, ө ö, у ū, ұ u, ү ü, і i, э ė) and Russian (1947: е and ё are ye, yë at the start
  of a word and after a vowel, ъ, ь or й; й y, ы y, ь ʹ, ъ ʺ). The optional middle dot of the
  Russian system (т·с, ы·а) is not written; the normaliser would delete it anyway.
- ``cyrillic_to_english``: the common English forms (as newspapers and Wikipedia write names):
  the Kazakh letters written as their Russian counterparts (ә a, ғ g, қ k, ң n, ө o, ұ ү u,
  і i, һ h), then ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю yu, я ya, й y, ы y, ё yo, е e
  (ye at the start of a word and after a vowel), ъ ь dropped, -ий -ый at the end of a word y.

The skeleton (``skeleton``), applied to the Latin form of a name, word by word:

1. diacritics dropped (ä→a, ş→s, ç→c, ğ→g, ñ→n, ū→u, ı→i…; æ→ae, ß→ss, ø→o, ł→l, đ→d,
   ŋ→n); remaining Cyrillic letters through ``cyrillic_to_english``;
2. a final -ow, -ew, -of, -off, -ef, -eff → -ov, -ev (German and English spellings of
   Russian surnames: *Aimanow*, *Nugmanof*); digraphs to one letter: shch sch sh → s,
   dzh dj zh → j, ch → c, kh → h, gh → g, ph → f, ng → n; then q → k, w → u, y → i,
   ou → u (*Nougmanov* = *Nugmanov*);
3. doubled letters (not digits) collapse (*Baissakalov* = *Baisakalov*);
4. ``ie`` at the start of a word or after a vowel → ``e`` (Russian BGN's *Yermek*,
   *Serkebayev* = 2021's *Ermek*, *Serkebaev*).

So *Aimanov*, *Aymanov*, *Aĭmanov*, *Aī̆manov* and *Айманов* all give ``aimanov``; *Shaken*,
*Şäken*, *Шәкен* and *Шакен* give ``saken``; *Kyz-Zhibek*, *Qyz Jibek* and *Қыз Жібек* give
``kiz jibek``. A Latin query with a ``j`` gets a second key, read with ``i`` for ``j``
(*Ajmanov*, as ISO 9 and German write й).

``name_keys`` gives a name's keys: one per scheme (deduplicated; Russian BGN/PCGN only for
text without Kazakh letters) for a Cyrillic name, one for a Latin name, each with its
**initials forms** (every way of keeping one word of two letters or more and cutting the others
to their first letter, words sorted), so that *Ш. Айманов*, *Sh. Aimanov*, *Aimanov Sh.* and
*Shaken Aimanov* share the form ``aimanov s``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# the Kazakh letters (and ё, й) → their closest Russian letters, for the loose Cyrillic key
KAZAKH_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у",
                             "ү": "у", "һ": "х", "і": "и", "ё": "е", "й": "и"})

KK_2021: dict[str, str] = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
KK_BGN: dict[str, str] = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "ë",
    "ж": "zh", "з": "z", "и": "ī", "й": "ī̆", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ng", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "ū", "ұ": "u",
    "ү": "ü", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ʺ", "ы": "y", "і": "i", "ь": "ʹ", "э": "ė", "ю": "yu", "я": "ya",
}
RU_BGN: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "e", "ю": "yu", "я": "ya",
}
ENGLISH: dict[str, str] = {
    **{k: v for k, v in RU_BGN.items() if k not in "ёъь"},
    "ё": "yo", "ъ": "", "ь": "",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
_IOTATE_AFTER = frozenset("аеёиоуыэюяәөұүіъьй")  # е, ё after these are ye, yë

LATIN_EXTRA = str.maketrans({"ı": "i", "æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "ł": "l",
                             "đ": "d", "ŋ": "n", "ð": "d", "þ": "th"})
_DELETE = "'’‘ʼʹʺ`´·ʻ"
_JOINERS = str.maketrans("", "", _DELETE)
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+(\.?)")
_FINAL_V = re.compile(r"([oe])(?:w|ff?)$")  # German -ow, English -off: Aimanow, Nugmanof
_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("sh", "s"),
             ("ch", "c"), ("kh", "h"), ("gh", "g"), ("ph", "f"), ("ng", "n"), ("q", "k"),
             ("w", "u"), ("y", "i"), ("ou", "u"))
_DOUBLES = re.compile(r"([^\W\d_])\1+")
_IE = re.compile(r"(^|[aeiou])ie")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_ENDING = re.compile(r"[иыИЫ][йЙ](?![^\W\d_])")


def _prepare(text: str) -> str:
    """Steps 1–4 of the normalisation, keeping full stops (they mark initials)."""
    text = unicodedata.normalize("NFKC", text).replace("İ", "i").replace("ı", "i").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_JOINERS)


def normalise(text: str) -> str:
    """Case, punctuation, quotes and Turkish i folded; the script kept (see the module doc)."""
    return _NON_WORD.sub(" ", _prepare(text)).strip()


def fold_kazakh(text: str) -> str:
    """``normalise``, then the Kazakh letters (and ё, й) as their closest Russian letters."""
    return normalise(text).translate(KAZAKH_FOLD)


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def _transliterate(text: str, letter: Callable[[str, str, str], str], upper: Callable[[str], str]
                   ) -> str:
    """Apply ``letter(lower-case letter, previous, next)`` to each Cyrillic letter of ``text``."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        if not _CYRILLIC.match(low):
            out.append(ch)
            continue
        previous = text[i - 1].lower() if i else ""
        following = text[i + 1].lower() if i + 1 < len(text) else ""
        latin = letter(low, previous, following)
        out.append(upper(latin) if ch != low and latin else latin)
    return "".join(out)


def _capitalise(latin: str) -> str:
    return latin[0].upper() + latin[1:]


def _capitalise_2021(latin: str) -> str:
    first = {"i": "İ", "ı": "I"}.get(latin[0], latin[0].upper())
    return first + latin[1:]


def _table(table: dict[str, str]) -> Callable[[str, str, str], str]:
    return lambda ch, _previous, _following: table.get(ch, ch)


def _word_start(previous: str) -> bool:
    return not previous or not previous.isalpha()


def _ru_bgn_letter(ch: str, previous: str, following: str) -> str:
    if ch in "её" and (_word_start(previous) or previous in _IOTATE_AFTER):
        return "ye" if ch == "е" else "yë"
    return RU_BGN.get(ch, ch)


def _english_letter(ch: str, previous: str, following: str) -> str:
    if ch == "е" and (_word_start(previous) or previous in _IOTATE_AFTER):
        return "ye"
    return ENGLISH.get(ch, ch)


def kk_to_latin_2021(text: str) -> str:
    """Kazakh Cyrillic → the Kazakh Latin alphabet of 2021 (*Шәкен* → *Şäken*)."""
    return _transliterate(text, _table(KK_2021), _capitalise_2021)


def kk_to_bgn(text: str) -> str:
    """Kazakh Cyrillic → BGN/PCGN 1979 (*Айманов* → *Aī̆manov*)."""
    return _transliterate(text, _table(KK_BGN), _capitalise)


def ru_to_bgn(text: str) -> str:
    """Russian Cyrillic → BGN/PCGN 1947 (*Ерлан* → *Yerlan*, *Джамбул* → *Dzhambul*)."""
    return _transliterate(text, _ru_bgn_letter, _capitalise)


def cyrillic_to_english(text: str) -> str:
    """Kazakh or Russian Cyrillic → the common English forms (*Қыз Жібек* → *Kyz Zhibek*)."""
    return _transliterate(_ENDING.sub(_ending_to_y, text), _english_letter, _capitalise)


def _ending_to_y(match: re.Match[str]) -> str:
    return "Ы" if match.group(0)[0].isupper() else "ы"  # Юрий → Yury, Красный → Krasny


SCHEMES: dict[str, Callable[[str], str]] = {
    "kk-2021": kk_to_latin_2021,
    "kk-bgn": kk_to_bgn,
    "ru-bgn": ru_to_bgn,
    "english": cyrillic_to_english,
}


@dataclass(frozen=True, slots=True)
class Word:
    key: str  # the word's skeleton
    initial: bool  # written as an initial: one letter, or up to three followed by a full stop


@dataclass(frozen=True, slots=True)
class NameKey:
    text: str  # the skeleton of the whole name, words separated by one space
    forms: tuple[str, ...]  # initials forms (see the module doc)
    abbreviated: bool  # some word of the name is an initial


def _skeleton_word(word: str) -> str:
    if has_cyrillic(word):
        word = cyrillic_to_english(word).casefold()
    word = unicodedata.normalize("NFKD", word.translate(LATIN_EXTRA))
    word = _FINAL_V.sub(r"\1v", "".join(ch for ch in word if not unicodedata.combining(ch)))
    for old, new in _DIGRAPHS:
        word = word.replace(old, new)
    word = _DOUBLES.sub(r"\1", word)
    return _DOUBLES.sub(r"\1", _IE.sub(r"\1e", word))


def words(text: str) -> list[Word]:
    """The words of a name, each as its skeleton, with whether it is written as an initial."""
    found: list[Word] = []
    for match in _WORD.finditer(_prepare(text)):
        raw = match.group(0).rstrip(".")
        key = _skeleton_word(raw)
        if key:
            dotted = bool(match.group(1)) and len(raw) <= 3 and not raw.isdigit()
            found.append(Word(key, dotted or (len(raw) == 1 and raw.isalpha())))
    return found


def skeleton(text: str) -> str:
    """The ASCII skeleton of a name (Cyrillic letters through the common English forms)."""
    return " ".join(w.key for w in words(text))


def _forms(name: list[Word]) -> Iterator[str]:
    if not 2 <= len(name) <= 4:
        return
    for i, kept in enumerate(name):
        if len(kept.key) >= 2 and not kept.initial:
            cut = [w.key[0] for j, w in enumerate(name) if j != i]
            yield " ".join(sorted([kept.key, *cut]))


def _name_key(name: list[Word]) -> NameKey:
    return NameKey(" ".join(w.key for w in name), tuple(sorted(set(_forms(name)))),
                   any(w.initial for w in name))


def name_keys(text: str, *, query: bool = False) -> tuple[NameKey, ...]:
    """The keys of a name, deduplicated: one per transliteration scheme for Cyrillic text
    (Russian BGN/PCGN only for text without Kazakh letters), one for other text; for a
    ``query`` in Latin letters with a ``j``, also the reading of ``j`` as й (*Ajmanov*)."""
    variants = [text]
    if has_cyrillic(text):
        russian = not _KAZAKH_LETTERS.search(text)
        variants = [scheme(text) for name, scheme in SCHEMES.items() if russian or name != "ru-bgn"]
    elif query and "j" in text.casefold():
        variants.append(text.replace("j", "i").replace("J", "I"))
    keys: dict[str, NameKey] = {}
    for variant in variants:
        name = words(variant)
        if name:
            key = _name_key(name)
            keys.setdefault(key.text, key)
    return tuple(keys.values())
