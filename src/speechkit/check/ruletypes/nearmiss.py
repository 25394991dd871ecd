"""``near-miss``: a four-character sequence one character (or two of one half) away from a
fixed phrase, each changed character a sound-alike or shape-alike of the original."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec

_HAN_RUN = re.compile("[\u4e00-\u9fff]{3,}")
RARE = 50
"""A character jieba's dictionary counts fewer times than this on its own is rare (疴, 赓):
writers who cannot type it put another one in its place, sound- or shape-alike or not."""


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
    official = confusion.official_index().near(window)
    return _judge(window, index.near(window, is_word) + official, index.phrases) or _rare(
        window, official
    )


def _rare(window: str, found) -> tuple[str, str] | None:
    """An official phrase of which ``window`` changes only one rare character (祛殉治乱 for
    祛疴治乱), whatever it was changed into."""
    from speechkit.check import tokens

    freq = tokens.tokenizer().FREQ
    for phrase, diff in found:
        d = diff[0]
        if len(diff) == 1 and _is_han(window[d]) and freq.get(phrase[d], 0) < RARE:
            return phrase, "生僻字误写"
    return None


@lru_cache(maxsize=1 << 12)
def judge_truncated(tail: str) -> str | None:
    """The official phrase whose first three characters end a run of Chinese characters as
    ``tail`` (见行见 for 见行见效), when ``tail`` is no word and no other phrase starts so."""
    from speechkit.check import confusion, tokens

    starts = _phrase_starts(confusion.official_phrases())
    phrase = starts.get(tail)
    if phrase is None or tokens.is_word(tail) or tokens.is_word(tail[1:]):
        return None
    return phrase


@lru_cache(maxsize=4)
def _phrase_starts(phrases: frozenset) -> dict[str, str]:
    """First three characters → phrase, for the starts only one phrase has."""
    out: dict[str, str | None] = {}
    for p in phrases:
        out[p[:3]] = None if p[:3] in out else p
    return {k: v for k, v in out.items() if v is not None}


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
                best = (rank, phrase, "、".join(dict.fromkeys(kinds)) + "字误写")
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
        from speechkit.check.confusion import fixed_phrases

        fixed = fixed_phrases()
        hits: list[Hit] = []
        for m in _HAN_RUN.finditer(text):
            run, base = m.group(), m.start()
            starts = _candidates(run)
            if extra is not None:
                starts = sorted(set(starts) | set(extra.candidates(run)))
            last_end = -1
            for i in starts if len(run) >= 4 else ():
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
            if len(run) - 3 >= last_end and run[-4:] not in fixed:
                phrase = judge_truncated(run[-3:])
                if phrase is not None:
                    end = base + len(run)
                    hits.append(Hit(end - 3, end, phrase, (("kind", "漏写末字"),)))
        return hits

    def _extra_index(self):
        if not self.phrases:
            return None
        got = getattr(self, "_index", None)
        if got is None:
            from speechkit.check.confusion import PhraseIndex

            got = self._index = PhraseIndex(self.phrases)
        return got
