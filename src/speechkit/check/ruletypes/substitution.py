"""``substitution``: a non-standard form and the standard form to write instead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
from speechkit.cnnum import small_hanzi


def _to_hanzi_numbers(s: str) -> str:
    return re.sub(
        r"\d+", lambda m: small_hanzi(int(m.group())) if int(m.group()) < 100 else m.group(), s
    )


def _fullwidth_digits(s: str) -> str:
    table = {0xFF10 + i: 0x30 + i for i in range(10)}
    table[0xFF0E] = 0x2E
    return s.translate(table)


def _strip_leading_zero(s: str) -> str:
    return re.sub(r"(?<!\d)0(\d)", r"\1", s)


def _four_digit_year(s: str) -> str:
    def full(m: re.Match) -> str:
        return ("20" if int(m.group(1)) <= 50 else "19") + m.group(1) + "年"

    return re.sub(r"[’'‘]?(\d{2})年", full, s)


TRANSFORMS = {
    "four-digit-year": _four_digit_year,
    "hanzi-numbers": _to_hanzi_numbers,
    "halfwidth-digits": _fullwidth_digits,
    "strip-leading-zero": _strip_leading_zero,
}


@dataclass
class Substitution(Rule):
    """Keys: ``swap`` {bad: good} literal pairs with ``scope`` raw|tokens; or ``regex`` with
    ``replacement`` (``\\1`` expands), ``replacements`` {match: suggestion} or ``transform``
    (one of :data:`TRANSFORMS`). A match equal to its suggestion is not reported."""

    swap: dict[str, str] = field(default_factory=dict)
    scope: str = "raw"
    patterns: tuple[LazyPattern, ...] = ()
    replacement: str | None = None
    replacements: dict[str, str] = field(default_factory=dict)
    transform: str | None = None

    type_name = "substitution"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Substitution:
        common = cls.common(spec, pack, line)
        swap = spec.str_map("swap")
        patterns = spec.regex("regex")
        spec.need_any(("swap", "regex"), (swap, patterns), "substitution 规则需要 swap 或 regex。")
        transform = spec.raw("transform")
        if transform is not None and transform not in TRANSFORMS:
            spec.fail("transform", f"transform 无效，可选：{'、'.join(TRANSFORMS)}。")
            transform = None
        replacement = spec.raw("replacement")
        if replacement is not None and not isinstance(replacement, str):
            spec.fail("replacement", "replacement 应为文字。")
            replacement = None
        replacements = spec.str_map("replacements")
        if patterns and replacement is None and not replacements and transform is None:
            spec.fail(None, "regex 需要配 replacement、replacements 或 transform。")
        for bad, good in swap.items():
            if bad == good:
                spec.fail("swap", f"swap 中“{bad}”与替换相同。")
        rule = cls(
            **common,
            swap=swap,
            scope=spec.choice("scope", ("raw", "tokens"), "raw"),
            patterns=tuple(patterns),
            replacement=replacement,
            replacements=replacements,
            transform=transform,
        )
        rule._lit = literal_regex(swap)
        return rule

    @property
    def needs_tokens(self) -> bool:  # type: ignore[override]
        return self.scope == "tokens" and bool(self.swap)

    def gates(self) -> tuple | None:
        lit = getattr(self, "_lit", None)
        return tuple(p.gate for p in (lit, *self.patterns) if p is not None)

    def terms(self) -> list[str]:
        return list(self.swap) + list(self.swap.values())

    def suggest(self, m: re.Match, matched: str) -> str | None:
        """The standard form for a regex match."""
        if matched in self.replacements:
            return self.replacements[matched]
        if self.transform:
            return TRANSFORMS[self.transform](matched)
        if self.replacement is not None:
            return m.expand(self.replacement)
        return None

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        hits = []
        on_tokens = self.scope == "tokens"
        for m in literal_matches(getattr(self, "_lit", None), block, ctx, on_tokens):
            hits.append(Hit(m.start(), m.end(), self.swap[m.group()]))
        for s, e, m in regex_hits(self.patterns, text, ctx.features(block)):
            matched = text[s:e]
            suggestion = self.suggest(m, matched)
            if suggestion == matched:
                continue
            hits.append(Hit(s, e, suggestion))
        return hits
