"""Which characters a regular expression's match must contain: a cheap test, run once per
paragraph, that skips a pattern where it cannot match.

Most rules look for something a given paragraph plainly lacks (a ¥, a 巳, a digit, 自信), yet
running the pattern still costs a scan of the paragraph plus Python's call overhead. From the
parsed pattern this module derives a *gate*: a few sets of characters, every one of which
must meet the paragraph's characters for a match to exist. The test is exact in the safe
direction: a gate never rejects a paragraph the pattern matches (patterns it cannot reason
about, case-insensitive ones for instance, get an empty gate that lets everything through).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # the parser of the standard ``re`` module (3.11+), else its older name
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

Atom = tuple[frozenset, bool]
"""A requirement: at least one of these characters, or (when the flag is set) any Unicode
decimal digit (``\\d``), occurs in the text."""
Gate = tuple[Atom, ...]
"""Requirements that must all hold; the empty gate lets every text through."""

VERSION = 1
"""Bumped whenever gates are worked out differently (gates cached with a rule pack are then
worked out again)."""
MAX_ATOMS = 3
"""Requirements kept per pattern (the smallest ones)."""
MAX_CLASS = 128
"""Character ranges larger than this (\\u4e00-\\u9fff) are no requirement."""
_DIGIT = re.compile(r"\d")
# Characters of nearly every Chinese paragraph: a requirement made of them filters little,
# so among equally small requirements the others are preferred (a heuristic; never unsafe).
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家力里如化高自二理起小现实加量都两体制"
    "机当使点从业本去把性好应开合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数"
    "正心反你明看原又么利比或但质气第向道此变条只没结解问意建月公无系很情者最立代想已通并提直题"
    "党程展五果象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她"
    "，。、；：“”（）"
)


class Features:
    """What a gate looks at in one paragraph: its set of characters, and whether it has a
    digit."""

    __slots__ = ("chars", "digit")

    def __init__(self, text: str) -> None:
        self.chars = frozenset(text)
        self.digit = _DIGIT.search(text) is not None


def allows(gate: Gate, feats: Features) -> bool:
    """True unless ``feats`` shows the gated pattern cannot match."""
    chars = feats.chars
    for needed, digit in gate:
        if (digit and feats.digit) or not chars.isdisjoint(needed):
            continue
        return False
    return True


def gate_of(pattern: str) -> Gate:
    """The gate of a regular expression (empty when nothing can be derived)."""
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, TypeError, ValueError):
        return ()
    if parsed.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_LOCALE):
        return ()
    try:
        atoms = _sequence(list(parsed))
    except (RecursionError, TypeError, ValueError, AttributeError):
        return ()
    return _best(atoms)


def literal_gate(words: Iterable[str]) -> Gate:
    """The gate of a list of literal words (a match is one of them): one character of each."""
    chars = set()
    for w in words:
        if not w:
            return ()
        chars.add(min(w, key=lambda ch: ch in _COMMON))
    return ((frozenset(chars), False),) if chars else ()


def _cost(atom: Atom) -> tuple:
    needed, digit = atom
    common = sum(ch in _COMMON for ch in needed)
    return (len(needed) + (MAX_CLASS if digit else 0), common, digit, "".join(sorted(needed)))


def _best(atoms: list[Atom]) -> Gate:
    out: list[Atom] = []
    for a in sorted(set(atoms), key=_cost):
        if len(out) == MAX_ATOMS:
            break
        out.append(a)
    return tuple(out)


def _sequence(items: list) -> list[Atom]:
    """Requirements of a sequence of parsed items: those of each item."""
    out: list[Atom] = []
    for op, av in items:
        out.extend(_item(op, av))
    return out


def _item(op, av) -> list[Atom]:
    if op is _c.LITERAL:
        return [(frozenset(chr(av)), False)]
    if op is _c.IN:
        got = _charset(av)
        return [got] if got is not None else []
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else []
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_LOCALE):
            return []
        return _sequence(list(sub))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is _c.ASSERT:  # a lookaround that holds matched the same text
        _direction, sub = av
        return _sequence(list(sub))
    if op is _c.BRANCH:
        _none, alternatives = av
        union: set = set()
        digit = False
        for alt in alternatives:
            atoms = _best(_sequence(list(alt)))
            if not atoms:
                return []
            needed, d = atoms[0]
            union |= needed
            digit = digit or d
        return [(frozenset(union), digit)]
    return []  # ANY, NOT_LITERAL, AT, ASSERT_NOT, GROUPREF …: no requirement


def _charset(items) -> Atom | None:
    """The requirement of a character class, or None (negated, too large, or a category
    other than ``\\d``)."""
    chars: set[str] = set()
    digit = False
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo >= MAX_CLASS:
                return None
            chars.update(chr(i) for i in range(lo, hi + 1))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            digit = True
        else:  # NEGATE, other categories, RANGE_UNI_IGNORE …
            return None
    return (frozenset(chars), digit)
