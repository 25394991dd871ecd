"""``near-miss``: a four-character sequence one character (or two of one half) away from a
fixed phrase, each changed character a sound-alike or shape-alike of the original."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass
class NearMiss(Rule):
    """Keys: ``phrases`` (more fixed phrases, added to the shipped 成语 and official phrases).

    A window is reported when it is no word itself (jieba's dictionary, the phrases), the
    phrase differs from it in one place, or in two places of one half when that half is no
    word either, and every changed character is easily confused with the original (see
    :mod:`speechkit.check.confusion`). The suggestion is the phrase; ``{kind}`` in the message
    says 音近 or 形近."""

    phrases: tuple[str, ...] = ()

    type_name = "near-miss"
    needs_tokens = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> NearMiss:
        common = cls.common(spec, pack, line)
        phrases = spec.str_list("phrases")
        for p in phrases:
            if len(p) != 4 or not all(_is_han(ch) for ch in p):
                spec.fail("phrases", f"固定短语“{p}”应为四个汉字。")
        return cls(**common, phrases=tuple(phrases))

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        from speechkit.check import confusion, tokens

        text = block.scan_text
        if len(text) < 4:
            return []
        index = confusion.phrase_index()
        extra = self._extra_index()
        is_word = tokens.is_word
        hits: list[Hit] = []
        last_end = -1
        for i in range(len(text) - 3):
            window = text[i : i + 4]
            found = index.near(window)
            if extra is not None:
                found += extra.near(window)
            if not found or i < last_end:
                continue
            if not all(_is_han(ch) for ch in window) or is_word(window):
                continue
            if window in index.phrases or (extra is not None and window in extra.phrases):
                continue
            hit = self._judge(window, found, is_word)
            if hit is not None:
                phrase, kind = hit
                hits.append(Hit(i, i + 4, phrase, (("kind", kind),)))
                last_end = i + 4
        return hits

    def _judge(self, window: str, found, is_word) -> tuple[str, str] | None:
        from speechkit.check.confusion import confusion_kind

        best = None
        for phrase, diff in found:
            kinds = [confusion_kind(window[d], phrase[d]) for d in diff]
            if not all(kinds):
                continue
            if len(diff) == 2:
                half = window[diff[0] : diff[1] + 1]
                if is_word(half):
                    continue
            rank = (len(diff), 0 if kinds[0] == "音近" else 1)
            if best is None or rank < best[0]:
                best = (rank, phrase, "、".join(dict.fromkeys(kinds)))
        return None if best is None else (best[1], best[2])

    def _extra_index(self):
        if not self.phrases:
            return None
        got = getattr(self, "_index", None)
        if got is None:
            from speechkit.check.confusion import PhraseIndex

            got = self._index = PhraseIndex(self.phrases)
        return got
