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


# The tables hold only strings and tuples of strings, which the garbage collector does not
# track: large tables of lists or sets would make every later collection walk them.


@lru_cache(maxsize=1)
def _readings() -> dict[str, tuple[str, ...]]:
    """Character → its toneless readings, blurred by :func:`fuzzy_syllable`."""
    return cached("readings", _build_readings)


def _build_readings() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in _lines("pinyin.tsv"):
        syllable, chars = line.split("\t", 1)
        key = fuzzy_syllable(syllable)
        for ch in chars:
            got = out.get(ch, ())
            if key not in got:
                out[ch] = got + (key,)
    return out


@lru_cache(maxsize=1)
def _shape_groups() -> dict[str, str]:
    """Character → the characters that look like it (as one string)."""
    out: dict[str, str] = {}
    for name in ("shape_alike.txt", "shape_alike_extra.txt"):
        for line in _lines(name):
            group = "".join(ch for ch in line if not ch.isspace())
            for ch in group:
                out[ch] = out.get(ch, "") + group.replace(ch, "")
    return out


def sound_alike(a: str, b: str) -> bool:
    """True when the characters ``a`` and ``b`` share a reading (tones and the distinctions of
    :func:`fuzzy_syllable` ignored)."""
    table = _readings()
    rb = table.get(b, ())
    return any(x in rb for x in table.get(a, ()))


def shape_alike(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are listed as similar in shape."""
    return b in _shape_groups().get(a, "")


@lru_cache(maxsize=1 << 16)
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
def official_phrases() -> frozenset[str]:
    """The four-character phrases of official documents (written here)."""
    return frozenset(_lines("official_phrases.txt"))


@lru_cache(maxsize=1)
def fixed_phrases() -> frozenset[str]:
    """The four-character fixed phrases (成语, 习用语 and official phrases)."""
    return frozenset(_lines("idioms.txt")) | official_phrases()


class PhraseIndex:
    """Finds four-character sequences one character away from a fixed phrase, or two away
    within one half.

    A phrase with one character changed keeps its first two or its last two characters intact,
    so only windows of the text starting or ending with such a pair are looked at; each is then
    matched by dictionary look-ups on the window minus one position."""

    def __init__(self, phrases, tables: tuple | None = None) -> None:
        self.phrases = frozenset(p for p in phrases if len(p) == 4)
        if tables is not None:  # from :meth:`tables` (the marshal cache)
            self.heads, self.tails, *minus = tables
            self.minus = tuple(minus)
            return
        self.heads: dict[str, tuple[str, ...]] = {}
        self.tails: dict[str, tuple[str, ...]] = {}
        self.minus: tuple[dict[str, tuple[str, ...]], ...] = ({}, {}, {}, {})
        for p in sorted(self.phrases):
            self.heads[p[:2]] = self.heads.get(p[:2], ()) + (p,)
            self.tails[p[2:]] = self.tails.get(p[2:], ()) + (p,)
            for d in range(4):
                key = p[:d] + p[d + 1 :]
                self.minus[d][key] = self.minus[d].get(key, ()) + (p,)

    def tables(self) -> tuple:
        """The look-up tables, in a form :mod:`marshal` stores."""
        return (self.heads, self.tails, *self.minus)

    def candidates(self, text: str) -> list[int]:
        """Start offsets of the four-character windows of ``text`` whose first two characters
        begin a phrase or whose last two end one."""
        heads, tails = self.heads, self.tails
        bigrams = [text[i : i + 2] for i in range(len(text) - 1)]
        return [
            i
            for i in range(max(len(text) - 3, 0))
            if bigrams[i] in heads or bigrams[i + 2] in tails
        ]

    def near(self, window: str, is_word=None) -> list[tuple[str, tuple[int, ...]]]:
        """(phrase, changed positions) for phrases differing from ``window`` in one place, or
        in both places of one half. With ``is_word``, a half that is a word of its own is
        taken as written (ordinary text, not a slip), which also saves most of the look-ups."""
        head_ok = window[:2] in self.heads and not (is_word and is_word(window[2:]))
        tail_ok = window[2:] in self.tails and not (is_word and is_word(window[:2]))
        out = []
        for d in ((2, 3) if head_ok else ()) + ((0, 1) if tail_ok else ()):
            for phrase in self.minus[d].get(window[:d] + window[d + 1 :], ()):
                if phrase[d] != window[d]:
                    out.append((phrase, (d,)))
        if head_ok:
            for phrase in self.heads[window[:2]]:
                if phrase[2] != window[2] and phrase[3] != window[3]:
                    out.append((phrase, (2, 3)))
        if tail_ok:
            for phrase in self.tails[window[2:]]:
                if phrase[0] != window[0] and phrase[1] != window[1]:
                    out.append((phrase, (0, 1)))
        return out


_INDEXES: dict[str, PhraseIndex] = {}


def phrase_index() -> PhraseIndex:
    """The index of :func:`fixed_phrases`, built once per process."""
    return _index("all", fixed_phrases)


def official_index() -> PhraseIndex:
    """The index of :func:`official_phrases`, built once per process."""
    return _index("official", official_phrases)


def _index(name: str, phrases) -> PhraseIndex:
    got = _INDEXES.get(name)
    if got is None:
        with _LOCK:
            got = _INDEXES.get(name)
            if got is None:
                words = phrases()
                tables = cached(f"index-{name}", lambda: PhraseIndex(words).tables())
                got = _INDEXES[name] = PhraseIndex(words, tables)
    return got


_CACHE_VERSION = 1
_DATA_FILES = (
    "pinyin.tsv",
    "shape_alike.txt",
    "shape_alike_extra.txt",
    "idioms.txt",
    "official_phrases.txt",
)


def cached(name: str, build):
    """``build()``'s value, kept in the user cache folder as :mod:`marshal` data keyed by the
    data files' sizes and times (building the phrase tables costs about ten times more than
    loading them). Falls back to building when the cache cannot be read or written."""
    import hashlib
    import marshal

    from speechkit.check.tokens import cache_dir

    stamp = [_CACHE_VERSION]
    for f in _DATA_FILES:
        try:
            st = (DATA / f).stat()
            stamp.append((f, st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append((f, None))
    key = hashlib.sha256(repr(stamp).encode()).hexdigest()[:24]
    try:
        path = cache_dir() / f"confusion-{name}-{key}.marshal"
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        from speechkit.fsutil import atomic_write_bytes

        atomic_write_bytes(path, marshal.dumps(value))
    except (OSError, ValueError, NameError):
        pass
    return value


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
