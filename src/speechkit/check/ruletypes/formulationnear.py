"""``formulation-near-miss``: a standard formulation written with one character wrong, missing
or added (习近平新世代中国特色社会主义思想)."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec
from speechkit.check.ruletypes.formulation import QUOTES, Formulation

LONG = 10
"""From this length on, any one-character substitution inside a standard is reported."""


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch not in QUOTES)


@dataclass
class FormulationNearMiss(Rule):
    """Keys: ``standards`` (formulations of at least six characters). The standards of every
    active ``formulation`` rule are watched as well, without their quotes.

    A sequence one edit away from a standard is reported against it when the edit lies inside
    (at either end only a sound- or shape-alike substituted), involves only Chinese characters, and a substituted character is a
    sound-alike or shape-alike of the original (any character in standards of :data:`LONG`
    characters or more). Each standard is found through its two halves,
    one of which an edit leaves intact, so the time is linear in the text."""

    standards: tuple[str, ...] = ()

    type_name = "formulation-near-miss"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> FormulationNearMiss:
        common = cls.common(spec, pack, line)
        standards = spec.str_list("standards")
        for s in standards:
            if len(_bare(s)) < 6:
                spec.fail("standards", f"标准表述“{s}”太短（至少六个字）。")
        return cls(**common, standards=tuple(standards))

    def watched(self, ctx: RunContext) -> list[str]:
        """The bare standards this run watches (own list plus active formulation rules),
        worked out once per run."""
        cached = getattr(self, "_watched", None)
        if cached is not None and cached[0] is ctx.rules:
            return cached[1]
        out = [_bare(s) for s in self.standards]
        for rule in ctx.rules:
            if isinstance(rule, Formulation):
                out.append(_bare(rule.standard))
        got = [s for s in dict.fromkeys(out) if len(s) >= 6]
        self._watched = (ctx.rules, got)
        return got

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        hits: list[Hit] = []
        for std in self.watched(ctx):
            n = len(std)
            half = n // 2
            if std[:half] not in text and std[half:] not in text:
                continue  # an edit leaves one half intact
            exact = _occurrences(text, std)
            spans: set[tuple[int, int]] = set()
            for part, at_start in ((std[:half], True), (std[half:], False)):
                for i in _occurrences(text, part):
                    for size in (n - 1, n, n + 1):
                        s = i if at_start else i + len(part) - size
                        e = s + size
                        if s < 0 or e > len(text) or (s, e) in spans:
                            continue
                        spans.add((s, e))
                        if _is_slip(text[s:e], std) and not any(s < x + n and x < e for x in exact):
                            hits.append(Hit(s, e, std))
        return _non_overlapping(hits)


def _is_slip(window: str, std: str) -> bool:
    """Whether ``window`` is ``std`` with one edit the rule reports (see the class)."""
    from speechkit.check.confusion import confusion_kind, one_edit

    off = one_edit(window, std)
    if off is None:
        return False
    n, size = len(std), len(window)
    at_end = off == 0 or off >= min(size, n) - 1
    if at_end and (size != n or not confusion_kind(window[off], std[off])):
        return False
    if size == n:
        if n < LONG and not confusion_kind(window[off], std[off]):
            return False
        changed = window[off]
    else:
        changed = window[off] if size > n else std[off]
    return _is_han(changed)


def _occurrences(text: str, part: str) -> list[int]:
    out = []
    i = text.find(part)
    while i >= 0:
        out.append(i)
        i = text.find(part, i + 1)
    return out


def _non_overlapping(hits: list[Hit]) -> list[Hit]:
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out
