"""``balance``: paired punctuation (“” 《》 （）【】) opened and closed within a paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from speechkit.check.model import Block, Document
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec


@dataclass
class Balance(Rule):
    """Keys: ``pairs`` {open: close}. Each unmatched mark is reported at its own position; the
    suggestion names the missing partner. Nested pairs must close in order. A paragraph is a
    .docx paragraph or a line of a .txt; in Markdown, lines wrapped without a blank line
    between them form one paragraph."""

    pairs: dict[str, str] = field(default_factory=dict)

    type_name = "balance"
    document_level = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Balance:
        common = cls.common(spec, pack, line)
        pairs = spec.str_map("pairs")
        if not pairs or any(len(k) != 1 or len(v) != 1 or k == v for k, v in pairs.items()):
            spec.fail("pairs", "pairs 应为若干“开: 合”单字符对，且开合不同。")
            return cls(**common, pairs={})
        rule = cls(**common, pairs=pairs)
        rule._closers = {v: k for k, v in pairs.items()}
        rule._marks = re.compile("[" + re.escape("".join(pairs) + "".join(rule._closers)) + "]")
        return rule

    def fixed_suggestion(self) -> str | None:
        return ""  # the missing partner is named per finding; the list shows the bare message

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        """Unmatched marks of one paragraph."""
        return [hit for _, hit in self._scan([block])]

    def run_document(self, doc: Document, ctx: RunContext) -> list[tuple[Block, Hit]]:
        out: list[tuple[Block, Hit]] = []
        for group in _paragraphs(doc):
            out.extend(self._scan(group))
        return out

    def _scan(self, blocks: list[Block]) -> list[tuple[Block, Hit]]:
        stack: list[tuple[str, Block, int]] = []
        hits: list[tuple[Block, Hit]] = []
        closers = self._closers
        for block in blocks:
            for m in self._marks.finditer(block.scan_text):
                i, ch = m.start(), m.group()
                if ch in self.pairs:
                    stack.append((ch, block, i))
                    continue
                want = closers[ch]
                if stack and stack[-1][0] == want:
                    stack.pop()
                elif any(o == want for o, _, _ in stack):
                    while stack[-1][0] != want:
                        o, b, at = stack.pop()
                        hits.append((b, Hit(at, at + 1, f"缺少“{self.pairs[o]}”")))
                    stack.pop()
                else:
                    hits.append((block, Hit(i, i + 1, f"缺少“{want}”")))
        for o, b, at in stack:
            hits.append((b, Hit(at, at + 1, f"缺少“{self.pairs[o]}”")))
        return hits


def _paragraphs(doc: Document) -> list[list[Block]]:
    """Blocks grouped into paragraphs: Markdown joins consecutive non-blank lines."""
    if doc.kind != "md":
        return [[b] for b in doc.blocks if b.text]
    groups: list[list[Block]] = []
    current: list[Block] = []
    for b in doc.blocks:
        if b.scan_text.strip():
            current.append(b)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups
