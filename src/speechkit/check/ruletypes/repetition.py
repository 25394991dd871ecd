"""``repetition``: the same word written twice in a row (的的, 了了)."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec


@dataclass
class Repetition(Rule):
    """Keys: ``tokens`` (the words to watch). Uses jieba tokens, so 的的确确 or 不了了之, which
    the dictionary keeps whole, are not reported; the span covers both copies and the
    suggestion is one copy."""

    words: frozenset[str] = frozenset()

    type_name = "repetition"
    needs_tokens = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Repetition:
        common = cls.common(spec, pack, line)
        words = spec.str_list("tokens")
        spec.need_any(("tokens",), (words,), "repetition 规则需要 tokens（要检查的词）。")
        return cls(**common, words=frozenset(words))

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        if not any(w + w in text for w in self.words):
            return []
        from speechkit.check import tokens

        hits = []
        pos = 0
        prev, prev_start = None, 0
        for tok in tokens.cut(text):
            if tok == prev and tok in self.words:
                hits.append(Hit(prev_start, pos + len(tok), tok))
                prev = None
            else:
                prev = tok
            prev_start = pos
            pos += len(tok)
        return hits
