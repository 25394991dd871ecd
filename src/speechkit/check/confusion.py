"""Which characters are easily confused, and which four-character phrases are fixed.

The data are package files (see ``data/build_confusion.py`` and the README's data table),
read on first use only:

- sound-alikes: characters sharing a toneless reading, zh/z, ch/c, sh/s and -ng/-n blurred
  (``pinyin.tsv``, from pypinyin);
- shape-alikes: groups of similar-looking characters (``shape_alike.txt`` from pycorrector,
  Apache-2.0, and ``shape_alike_extra.txt`` written here);
- fixed phrases: 成语 and 习用语 of jieba's dictionary (``idioms.txt``) and common four-character
  phrases of official documents (``official_phrases.txt``, written here).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
_LOCK = threading.Lock()


def _lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def fuzzy_syllable(syllable: str) -> str:
    """A toneless syllable with the distinctions many speakers blur removed (zh/z, ch/c, sh/s,
    -ng/-n after i and e): 明 ming and 民 min, 是 shi and 四 si become alike."""
    for a, b in _FUZZY:
        if syllable.startswith(a):
            syllable = b + syllable[len(a) :]
            break
    if syllable.endswith(("ing", "eng")):
        syllable = syllable[:-1]
    return syllable


@lru_cache(maxsize=1)
def _readings() -> dict[str, frozenset[str]]:
    """Character → its toneless readings, blurred by :func:`fuzzy_syllable`."""
    out: dict[str, set[str]] = {}
    for line in _lines("pinyin.tsv"):
        syllable, chars = line.split("\t", 1)
        key = fuzzy_syllable(syllable)
        for ch in chars:
            out.setdefault(ch, set()).add(key)
    return {ch: frozenset(v) for ch, v in out.items()}


@lru_cache(maxsize=1)
def _shape_groups() -> dict[str, frozenset[str]]:
    """Character → the characters that look like it."""
    out: dict[str, set[str]] = {}
    for name in ("shape_alike.txt", "shape_alike_extra.txt"):
        for line in _lines(name):
            group = [ch for ch in line if not ch.isspace()]
            for ch in group:
                out.setdefault(ch, set()).update(g for g in group if g != ch)
    return {ch: frozenset(v) for ch, v in out.items()}


def sound_alike(a: str, b: str) -> bool:
    """True when the characters ``a`` and ``b`` share a reading (tones and the distinctions of
    :func:`fuzzy_syllable` ignored)."""
    ra = _readings().get(a)
    rb = _readings().get(b)
    return bool(ra and rb and not ra.isdisjoint(rb))


def shape_alike(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are listed as similar in shape."""
    return b in _shape_groups().get(a, ())


def confusion_kind(a: str, b: str) -> str | None:
    """“音近” or “形近” when ``a`` is easily written for ``b`` (sound first), else None."""
    if a == b:
        return None
    if sound_alike(a, b):
        return "音近"
    if shape_alike(a, b):
        return "形近"
    return None


@lru_cache(maxsize=1)
def fixed_phrases() -> frozenset[str]:
    """The four-character fixed phrases (成语, 习用语 and official phrases)."""
    return frozenset(_lines("idioms.txt")) | frozenset(_lines("official_phrases.txt"))


class PhraseIndex:
    """Finds four-character sequences one or two characters away from a fixed phrase.

    A phrase with one character changed, or two changed within one half, keeps its first two
    or its last two characters intact; phrases are indexed by both halves, so each window of
    the text costs two dictionary look-ups."""

    def __init__(self, phrases) -> None:
        self.phrases = frozenset(p for p in phrases if len(p) == 4)
        self.heads: dict[str, list[str]] = {}
        self.tails: dict[str, list[str]] = {}
        for p in self.phrases:
            self.heads.setdefault(p[:2], []).append(p)
            self.tails.setdefault(p[2:], []).append(p)

    def near(self, window: str) -> list[tuple[str, tuple[int, ...]]]:
        """(phrase, changed positions) for phrases differing from ``window`` in one place, or in
        two places of the same half."""
        out = []
        for phrase in self.heads.get(window[:2], ()):
            diff = tuple(i for i in (2, 3) if phrase[i] != window[i])
            if diff:
                out.append((phrase, diff))
        for phrase in self.tails.get(window[2:], ()):
            diff = tuple(i for i in (0, 1) if phrase[i] != window[i])
            if diff:
                out.append((phrase, diff))
        return out


_INDEX: PhraseIndex | None = None


def phrase_index() -> PhraseIndex:
    """The index of :func:`fixed_phrases`, built once per process."""
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = PhraseIndex(fixed_phrases())
    return _INDEX


def one_edit(a: str, b: str) -> int | None:
    """The offset in ``a`` of the single substitution, insertion or deletion turning ``a`` into
    ``b``; None when they are equal or further apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return i if a[i + 1 :] == b[i + 1 :] else None
    if len(a) > len(b):
        return i if a[i + 1 :] == b[i:] else None
    return i if a[i:] == b[i + 1 :] else None
