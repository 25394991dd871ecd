"""``near-miss``: a four-character sequence one character (or two of one half) away from a
fixed phrase, each changed character a sound-alike or shape-alike of the original."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec

_HAN_RUN = re.compile("[\u4e00-\u9fff]{4,}")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _candidates(run: str) -> list[int]:
    from speechkit.check import confusion

    return confusion.phrase_index().candidates(run)  # official phrases are among them


@lru_cache(maxsize=1 << 16)
def judge_window(window: str) -> tuple[str, str] | None:
    """(phrase, “音近”/“形近”) when the four Chinese characters ``window`` are a near-miss of a
    shipped fixed phrase, else None. Cached: speeches repeat their wording.

    A half that is a word of its own is taken as ordinary text, except next to the phrases
    of official documents (实事求实, 警种长鸣), which are watched more closely."""
    from speechkit.check import confusion, tokens

    index = confusion.phrase_index()
    if window in index.phrases:
        return None
    is_word = tokens.word_test()
    if is_word(window):
        return None
    found = index.near(window, is_word) + confusion.official_index().near(window)
    return _judge(window, found, index.phrases)


def _judge(window: str, found, phrases) -> tuple[str, str] | None:
    """The closest phrase of ``found`` whose changed characters are all confusable."""
    from speechkit.check.confusion import confusion_kind

    if not found or window in phrases:
        return None
    best = None
    for phrase, diff in found:
        kinds = []
        for d in diff:
            kind = confusion_kind(window[d], phrase[d])
            if kind is None:
                break
            kinds.append(kind)
        else:
            rank = (len(diff), 0 if kinds[0] == "音近" else 1)
            if best is None or rank < best[0]:
                best = (rank, phrase, "、".join(dict.fromkeys(kinds)))
    return None if best is None else (best[1], best[2])


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
        text = block.scan_text
        if len(text) < 4:
            return []
        extra = self._extra_index()
        hits: list[Hit] = []
        for m in _HAN_RUN.finditer(text):
            run, base = m.group(), m.start()
            starts = _candidates(run)
            if extra is not None:
                starts = sorted(set(starts) | set(extra.candidates(run)))
            last_end = -1
            for i in starts:
                if i < last_end:
                    continue
                window = run[i : i + 4]
                got = judge_window(window)
                if got is None and extra is not None:
                    got = _judge(window, extra.near(window), extra.phrases)
                if got is not None:
                    phrase, kind = got
                    hits.append(Hit(base + i, base + i + 4, phrase, (("kind", kind),)))
                    last_end = i + 4
        return hits

    def _extra_index(self):
        if not self.phrases:
            return None
        got = getattr(self, "_index", None)
        if got is None:
            from speechkit.check.confusion import PhraseIndex

            got = self._index = PhraseIndex(self.phrases)
        return got
