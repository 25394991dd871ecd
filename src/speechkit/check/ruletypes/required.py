"""``required``: formulations a document (of the given types) must contain somewhere."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block, Document
from speechkit.check.ruletypes.base import (
    Hit,
    LazyPattern,
    Rule,
    RunContext,
    Spec,
    literal_regex,
)


@dataclass
class Required(Rule):
    """Keys: ``literal`` and/or ``regex``; ``label`` (how the coverage table names it; default
    the first literal). When none matches anywhere in the document, one finding is reported at
    the start of the first non-empty body paragraph (an empty span), suggesting the label."""

    literals: tuple[str, ...] = ()
    patterns: tuple[LazyPattern, ...] = ()
    label: str = ""

    type_name = "required"
    document_level = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Required:
        common = cls.common(spec, pack, line)
        literals = spec.str_list("literal")
        patterns = spec.regex("regex")
        spec.need_any(
            ("literal", "regex"), (literals, patterns), "required 规则需要 literal 或 regex。"
        )
        label = spec.str("label") or (
            literals[0] if literals else patterns[0].pattern if patterns else ""
        )
        rule = cls(**common, literals=tuple(literals), patterns=tuple(patterns), label=label)
        rule._lit = literal_regex(literals)
        return rule

    def fixed_suggestion(self) -> str | None:
        return self.label

    def terms(self) -> list[str]:
        return list(self.literals)

    def present(self, doc: Document) -> bool:
        """Whether the document contains the formulation."""
        pats = [p for p in (self._lit, *self.patterns) if p is not None]
        return any(p.search(b.scan_text) for b in doc.blocks for p in pats)

    def run_document(self, doc: Document, ctx: RunContext) -> list[tuple[Block, Hit]]:
        if self.present(doc):
            return []
        anchor = next((b for b in doc.blocks if b.part == "body" and b.text.strip()), None)
        if anchor is None:
            anchor = doc.blocks[0] if doc.blocks else Block("body", 1, "")
        start = len(anchor.text) - len(anchor.text.lstrip())
        return [(anchor, Hit(start, start, self.label))]
