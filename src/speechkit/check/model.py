"""Data records of the checker: document blocks, findings and per-file reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from speechkit.docx.address import Address

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORIES = (
    "required",
    "forbidden",
    "typo",
    "placeholder",
    "punctuation",
    "number",
    "consistency",
)
CATEGORY_NAMES = {
    "required": "规范提法",
    "forbidden": "不规范提法",
    "typo": "错别字",
    "placeholder": "占位符",
    "punctuation": "标点",
    "number": "数字",
    "consistency": "与资料不符",
}
PARTS = ("body", "header", "footer", "footnote", "endnote")
DOC_TYPES = {"speech": "动员讲话", "plan": "实施方案", "form": "党性分析评议表", "material": "材料"}


@dataclass(frozen=True)
class Block:
    """One paragraph of a document: its part, 1-based index within the part, and its text.

    ``scan`` is the text the rules see; it equals ``text`` except where markup was masked
    (Markdown emphasis markers), always with the same length so offsets agree. ``address``
    places a .docx paragraph the way every command prints it (None for .txt/.md lines).
    ``placeholders`` are [start, end) spans of Word content controls that still show their
    prompt text (``w:showingPlcHdr``).
    """

    part: str
    index: int
    text: str
    scan: str | None = None
    address: Address | None = None
    placeholders: tuple[tuple[int, int], ...] = ()  # spans still showing a Word prompt

    @property
    def scan_text(self) -> str:
        """The text rules run on (same length as ``text``)."""
        return self.text if self.scan is None else self.scan


@dataclass
class Document:
    """A document read for checking: where it came from and its paragraphs in order."""

    path: str
    kind: str  # "docx", "txt" or "md"
    blocks: list[Block]

    def text(self) -> str:
        """All paragraph texts joined by newlines (for keywords and coverage)."""
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class TextLocation:
    """Where a finding is: part, 1-based paragraph (line for .txt/.md; for .docx the block's
    index in reading order), 0-based [start, end), and for .docx the paragraph's address."""

    part: str
    paragraph: int
    start: int
    end: int
    address: Address | None = None

    def __post_init__(self) -> None:
        if isinstance(self.address, dict):  # rebuilt from its JSON form (a cached report)
            from speechkit.docx.address import Address

            object.__setattr__(self, "address", Address.from_dict(self.address))

    def to_dict(self) -> dict:
        """The JSON shape of the location (``address`` only for .docx)."""
        data: dict = {
            "part": self.part,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
        }
        if self.address is not None:
            data["address"] = self.address.to_dict()
        return data


@dataclass(frozen=True)
class Finding:
    """One departure found by a rule."""

    rule: str
    category: str
    severity: str
    message: str
    match: str
    suggestion: str | None
    location: TextLocation
    name: str = ""  # the rule's Chinese name (reports show it; ``rule`` keeps the id)
    extra: int = 0  # further findings of the rule this one stands for (“另有 N 处”), not listed

    @property
    def weight(self) -> int:
        """How many findings this one counts for in totals (itself plus those it stands for)."""
        return 1 + self.extra

    def to_dict(self) -> dict:
        """The JSON shape of the finding (keys fixed by issue 5; ``rule`` is the id)."""
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "match": self.match,
            "suggestion": self.suggestion,
            "location": self.location.to_dict(),
        }


@dataclass
class FileReport:
    """Everything the checker found in one document.

    ``label`` names the document in combined reports (e.g. "东湖镇 / 动员讲话"); ``blocks`` keeps
    the paragraphs so reporters can show findings in place; ``keywords`` and ``coverage`` are
    filled only when keywords were asked for.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    label: str | None = None
    doc_type: str | None = None
    blocks: list[Block] = field(default_factory=list)
    keywords: list[tuple[str, float]] | None = None
    coverage: list[tuple[str, str, bool]] | None = None

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            out[f.severity] += f.weight
        return out

    def worst(self) -> str | None:
        """The highest severity found, or None when clean."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    def block(self, part: str, index: int) -> Block | None:
        """The paragraph at ``part``/``index``, or None."""
        for b in self.blocks:
            if b.part == part and b.index == index:
                return b
        return None


def at_or_above(severity: str, threshold: str) -> bool:
    """True when ``severity`` is at least as serious as ``threshold``."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]
