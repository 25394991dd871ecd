"""``balance``: paired punctuation (“” 《》 （）【】) opened and closed within a paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec, SpecError


@dataclass
class Balance(Rule):
    """Keys: ``pairs`` {open: close}. Each unmatched mark is reported at its own position; the
    suggestion names the missing partner. Nested pairs must close in order."""

    pairs: dict[str, str] = field(default_factory=dict)

    type_name = "balance"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Balance:
        common = cls.common(spec, pack, line)
        pairs = spec.str_map("pairs")
        if not pairs or any(len(k) != 1 or len(v) != 1 or k == v for k, v in pairs.items()):
            raise SpecError("pairs", "pairs 应为若干“开: 合”单字符对，且开合不同。")
        return cls(**common, pairs=pairs)

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        import re

        text = block.scan_text
        closers = {v: k for k, v in self.pairs.items()}
        marks = getattr(self, "_marks", None)
        if marks is None:
            marks = self._marks = re.compile(
                "[" + re.escape("".join(self.pairs) + "".join(closers)) + "]"
            )
        stack: list[tuple[str, int]] = []
        hits = []
        for m in marks.finditer(text):
            i, ch = m.start(), m.group()
            if ch in self.pairs:
                stack.append((ch, i))
            elif ch in closers:
                want = closers[ch]
                if stack and stack[-1][0] == want:
                    stack.pop()
                elif any(o == want for o, _ in stack):
                    while stack[-1][0] != want:
                        o, at = stack.pop()
                        hits.append(Hit(at, at + 1, f"缺少“{self.pairs[o]}”"))
                    stack.pop()
                else:
                    hits.append(Hit(i, i + 1, f"缺少“{want}”"))
        for o, at in stack:
            hits.append(Hit(at, at + 1, f"缺少“{self.pairs[o]}”"))
        hits.sort(key=lambda h: h.start)
        return hits
