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
        """Unmatched marks of consecutive ``blocks`` (one paragraph), in linear time."""
        stack: list[tuple[str, Block, int]] = []
        open_count = dict.fromkeys(self.pairs, 0)
        hits: list[tuple[Block, Hit]] = []
        closers = self._closers
        missing = {o: f"缺少“{c}”" for o, c in self.pairs.items()}
        for block in blocks:
            for m in self._marks.finditer(block.scan_text):
                i, ch = m.start(), m.group()
                if ch in open_count:
                    stack.append((ch, block, i))
                    open_count[ch] += 1
                    continue
                want = closers[ch]
                if open_count[want]:
                    while stack[-1][0] != want:
                        o, b, at = stack.pop()
                        open_count[o] -= 1
                        hits.append((b, Hit(at, at + 1, missing[o])))
                    stack.pop()
                    open_count[want] -= 1
                else:
                    hits.append((block, Hit(i, i + 1, f"缺少“{want}”")))
        for o, b, at in stack:
            hits.append((b, Hit(at, at + 1, missing[o])))
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
