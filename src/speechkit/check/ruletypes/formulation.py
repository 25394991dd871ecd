"""``formulation``: a fixed formulation that must be written exactly (quotes included)."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, LazyPattern, Rule, RunContext, Spec

QUOTES = "“”\"'‘’「」『』"


@dataclass
class Formulation(Rule):
    """Keys: ``standard`` (e.g. “三个代表”重要思想), ``core`` (the words that identify it, e.g.
    三个代表; default: the standard without quotes), ``tail`` (regex of what may follow the core
    in a slip, e.g. ``(?:重要)?思想``, taken into the reported span).

    Every occurrence of the core whose surroundings differ from the standard is reported, with
    adjacent quotes and the tail included in the span; the suggestion is the standard."""

    standard: str = ""
    core: str = ""
    tail: LazyPattern | None = None

    type_name = "formulation"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Formulation:
        common = cls.common(spec, pack, line)
        standard = spec.str("standard", required=True) or ""
        core = spec.str("core") or "".join(ch for ch in standard if ch not in QUOTES)
        if standard and core not in standard:
            spec.fail("core", f"core“{core}”应是 standard“{standard}”的一部分。")
        tails = spec.regex("tail")
        return cls(**common, standard=standard, core=core, tail=tails[0] if tails else None)

    def fixed_suggestion(self) -> str | None:
        return self.standard

    def terms(self) -> list[str]:
        return [self.core]

    def gates(self) -> tuple | None:
        from speechkit.check.prefilter import literal_gate

        return (literal_gate([self.core]),)

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        core, std = self.core, self.standard
        offset = std.index(core)
        hits = []
        i = text.find(core)
        while i >= 0:
            j = i + len(core)
            if text[i - offset : i - offset + len(std)] != std or i < offset:
                s, e = i, j
                if s > 0 and text[s - 1] in QUOTES:
                    s -= 1
                if e < len(text) and text[e] in QUOTES:
                    e += 1
                if self.tail is not None:
                    m = self.tail.match(text, e)
                    if m:
                        e = m.end()
                hits.append(Hit(s, e, std))
            i = text.find(core, j)
        return hits
