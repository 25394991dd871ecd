"""Rule packs test themselves: every ``examples.bad`` must be caught, every ``good`` not."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Document, Finding
from speechkit.check.pack import RulePack
from speechkit.check.ruletypes import Rule, RunContext


@dataclass(frozen=True)
class ExampleResult:
    """The outcome of one example: which rule, bad or good, the text, what was found."""

    rule: str
    kind: str  # "bad" or "good"
    text: str
    findings: tuple[Finding, ...]
    where: str

    @property
    def passed(self) -> bool:
        """A bad example passes when found, a good one when not."""
        return bool(self.findings) == (self.kind == "bad")


def run_examples(rule: Rule, pack: RulePack) -> list[ExampleResult]:
    """Run one rule alone on each of its examples (as a one-line document of its type)."""
    from speechkit.check.engine import run_rules
    from speechkit.check.sources import text_blocks

    if rule.needs_tokens:
        pack.prepare_tokens()
    profile = rule.examples.get("profile")
    where = f"{rule.pack}:{rule.line}" if rule.line else rule.pack
    out = []
    for kind in ("bad", "good"):
        for text in rule.examples.get(kind, []):
            doc = Document("example", "txt", text_blocks(text))
            found = [
                f for f in run_rules(doc, [rule], RunContext(profile=profile)) if f.rule == rule.id
            ]
            out.append(ExampleResult(rule.id, kind, text, tuple(found), where))
    return out


def test_pack(pack: RulePack) -> list[ExampleResult]:
    """Run every rule's examples; returns all results (check ``passed``)."""
    results: list[ExampleResult] = []
    for rule in pack.rules:
        results.extend(run_examples(rule, pack))
    return results


test_pack.__test__ = False  # not a pytest test
