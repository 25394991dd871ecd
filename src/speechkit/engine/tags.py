"""Find template tags in the plain text of one paragraph.

A delimiter state machine (not a regex over XML): ``{{ }}``, ``{% %}`` and ``{# #}``, with the
docxtpl level letters ``p``, ``tr``, ``tc`` and ``r`` right after the opening delimiter. An
opening delimiter without its closer, or a closer without an opener, is an error: a typo such as
``{{ party_ members }`` must never silently swallow text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from speechkit.errors import Location

_DELIMS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KIND = {"{{": "var", "{%": "block", "{#": "comment"}
_LEVEL = re.compile(r"(tr|tc|p|r)(?=\s)")

# Typographic characters Word and WPS substitute while typing, mapped back for Jinja.
_CLEAN = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "\u00a0": " ",
        "\u3000": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
    }
)


@dataclass(frozen=True)
class RawTag:
    """One tag found in a paragraph's text.

    ``start``/``end`` are offsets in that text; ``kind`` is ``var``, ``block`` or ``comment``;
    ``level`` is ``""`` (inline), ``p``, ``tr``, ``tc`` or ``r``; ``body`` is what Jinja sees
    (level letter removed, smart quotes straightened, stripped); ``text`` is the tag as written.
    """

    start: int
    end: int
    kind: str
    level: str
    body: str
    text: str

    @property
    def keyword(self) -> str:
        """First word of a block tag's body (``for``, ``endif``, ...); empty for others."""
        if self.kind != "block":
            return ""
        body = self.body.lstrip("-+").strip()
        match = re.match(r"[A-Za-z_]\w*", body)
        return match.group(0) if match else ""


@dataclass(frozen=True)
class ScanError:
    """A malformed delimiter at ``start`` in the paragraph text."""

    start: int
    message: str
    text: str


def scan(text: str) -> tuple[list[RawTag], list[ScanError]]:
    """Return the tags and delimiter errors of one paragraph's text, in order."""
    tags: list[RawTag] = []
    errors: list[ScanError] = []
    pos = 0
    while True:
        m = _DELIMS.search(text, pos)
        if m is None:
            break
        delim = m.group(0)
        if delim not in _CLOSER:
            errors.append(
                ScanError(
                    m.start(),
                    f"多余的结束符“{delim}”：前面没有对应的开始符"
                    f"（是不是少写了“{_opener_of(delim)}”？）",
                    _around(text, m.start()),
                )
            )
            pos = m.end()
            continue
        closer = _CLOSER[delim]
        close_at = text.find(closer, m.end())
        next_open = _next_opener(text, m.end())
        if close_at < 0 or (next_open is not None and next_open < close_at):
            errors.append(
                ScanError(
                    m.start(),
                    f"标签没有结束：“{delim}”后面缺少“{closer}”",
                    _around(text, m.start()),
                )
            )
            if close_at < 0:
                # Nothing after this opener can be a tag of its own; report stray closers only.
                pos = m.end()
                continue
            pos = next_open
            continue
        end = close_at + len(closer)
        inner = text[m.end() : close_at]
        level = ""
        lm = _LEVEL.match(inner)
        if lm and not (delim == "{#" and lm.group(1) == "r"):
            level = lm.group(1)
            inner = inner[lm.end() :]
        body = inner.translate(_CLEAN).strip()
        tags.append(RawTag(m.start(), end, _KIND[delim], level, body, text[m.start() : end]))
        pos = end
    return tags, errors


def _next_opener(text: str, pos: int) -> int | None:
    """Offset of the next opening delimiter at or after ``pos``, or None."""
    hits = [i for i in (text.find(o, pos) for o in _CLOSER) if i >= 0]
    return min(hits) if hits else None


def _opener_of(closer: str) -> str:
    return {v: k for k, v in _CLOSER.items()}[closer]


def _around(text: str, at: int, width: int = 20) -> str:
    """A short piece of ``text`` starting at ``at`` for messages."""
    piece = text[at : at + width]
    return piece + ("…" if len(text) > at + width else "")


@dataclass
class Tag:
    """A tag of a compiled part: what it says and where it was written."""

    index: int
    raw: RawTag
    location: Location
    # Identity of what must be shared by the tags of one block (see preprocess._container).
    container: object = None
    node: object = None  # its <?sk N?> instruction while the tree is being rewritten
    synthetic: bool = False  # made by the engine (vm, hm, colspan, cellbg), not written
    dropped: bool = False  # inside a row/cell/paragraph a {#tr #}-style comment removes
    props: tuple[str, ...] = ()  # {{r }}: the run's rPr; {{p }}: the paragraph's pPr, rPr

    @property
    def text(self) -> str:
        """The tag as written in the document."""
        return self.raw.text

    @property
    def keyword(self) -> str:
        """The block keyword (``for``, ``endif``...) or an empty string."""
        return self.raw.keyword
