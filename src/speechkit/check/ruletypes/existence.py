"""``existence``: report every occurrence of literal words or regular expressions."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import (
    Hit,
    LazyPattern,
    Rule,
    RunContext,
    Spec,
    literal_matches,
    literal_regex,
    regex_hits,
)


@dataclass
class Existence(Rule):
    """Keys: ``literal`` and/or ``regex`` (group ``m`` narrows the span), ``scope`` raw|tokens
    (literals only: a word must start and end on token boundaries), fixed ``suggestion``."""

    patterns: tuple[LazyPattern, ...] = ()
    literals: tuple[str, ...] = ()
    scope: str = "raw"
    suggestion: str | None = None

    type_name = "existence"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Existence:
        common = cls.common(spec, pack, line)
        literals = spec.str_list("literal")
        patterns = spec.regex("regex")
        spec.need_any(
            ("literal", "regex"), (literals, patterns), "existence 规则需要 literal 或 regex。"
        )
        rule = cls(
            **common,
            patterns=tuple(patterns),
            literals=tuple(literals),
            scope=spec.choice("scope", ("raw", "tokens"), "raw"),
            suggestion=spec.str("suggestion"),
        )
        rule._lit = literal_regex(literals)
        return rule

    @property
    def needs_tokens(self) -> bool:  # type: ignore[override]
        return self.scope == "tokens" and bool(self.literals)

    def fixed_suggestion(self) -> str | None:
        return self.suggestion

    def gates(self) -> tuple | None:
        lit = getattr(self, "_lit", None)
        return tuple(p.gate for p in (lit, *self.patterns) if p is not None)

    def terms(self) -> list[str]:
        return list(self.literals)

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        hits = []
        on_tokens = self.scope == "tokens"
        for m in literal_matches(getattr(self, "_lit", None), block, ctx, on_tokens):
            hits.append(Hit(m.start(), m.end(), self.suggestion))
        for s, e, _m in regex_hits(self.patterns, text, ctx.features(block)):
            hits.append(Hit(s, e, self.suggestion))
        return hits
