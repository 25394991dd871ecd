"""Finding a profile's values in one paragraph's text: leftmost-longest, whole numbers only.

:class:`Matcher` compiles every candidate text into one regular expression (longest first, so
that 2024年7月5日 wins over 2024年7月 and 东湖镇党委 over 东湖镇), with guards that keep a number
from matching inside a longer number. Kind-dependent words (党委 of a 镇 is 党工委 of a 街道) are
added as candidates of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from speechkit.templatize.candidates import Candidate, Form, candidates

_CN_DIGITS = "〇零一二三四五六七八九十百千万亿两"
# A Chinese numeral is an ordinal, not a count, after 第 or before 届 / 大 (党的二十届四中全会,
# 十九大): never a profile's count there.
_ORDINAL_BEFORE = "第"
_ORDINAL_AFTER = "届大"

# The villages and communities a town leads: 村（社区） for a 镇 or 区, 社区 for a 街道.
GRASSROOTS = "村（社区）"
# Words a town of one kind writes differently from the others (the default is every kind not
# listed). Data, not code: one row per word.
KIND_WORDS: dict[str, dict[str, str]] = {
    "党委": {"街道": "党工委"},
    "政府": {"街道": "办事处"},
    GRASSROOTS: {"街道": "社区"},
}
# Words that start with a kind but are not about the town's own kind.
KEEP_WORDS = ("镇区", "镇街", "街道办")
# Characters that make a bare 党委 (or 区党委) somebody else's: 市委, 镇区党委, 村党委, 上级党委,
# 基层党委 …
_PLACE_BEFORE = "省市县区乡镇村道委所各本该级层"
# Words before the kind that mean "this town" (本镇, 我镇, 我们镇, 全镇, 该镇).
_KIND_PREFIXES = ("我们", "本", "我", "全", "该")
# 社区 alone is an ordinary word (社区治理, 城市社区); in a 街道's document it is the town's own
# communities only between these neighbours (联系社区的, 站所和社区主要负责人, 各社区、…); 街道和
# 社区的企事业单位 is about every 街道 and 社区.
_GRASSROOTS_BEFORE = ("联系", "站所和", "站所、", "各", "一个", "每个", "对")
_GRASSROOTS_AFTER = "的、，。；主负反"


def kind_expr(word: str) -> str:
    """The expression that writes ``word`` (a KIND_WORDS key) for the town's own kind."""
    variants = KIND_WORDS[word]
    expr = f'"{word}"'
    for kind, other in variants.items():
        expr = f'"{other}" if town.kind == "{kind}" else {expr}'
    return "{{ " + expr + " }}"


def kind_word(word: str, kind: str) -> str:
    """How a town of ``kind`` writes ``word``."""
    return KIND_WORDS[word].get(kind, word)


def kind_forms(context: Mapping[str, Any]) -> list[Form]:
    """Forms of the town's name and kind followed by a kind-dependent word, and 本镇-style uses."""
    town = context.get("town") or {}
    name, kind = town.get("name"), town.get("kind")
    if not isinstance(name, str) or not isinstance(kind, str) or not kind:
        return []
    forms: list[Form] = []
    party, gov = kind_word("党委", kind), kind_word("政府", kind)
    for head_text, head_expr in ((name, "{{ town.name }}"), (kind, "{{ town.kind }}")):
        forms.append(
            Form(
                f"{head_text}{party}、{gov}",
                f"{head_expr}{kind_expr('党委')}、{kind_expr('政府')}",
                "town.kind",
                "town",
            )
        )
        guard = _PLACE_BEFORE if head_text == kind else ""
        for word in ("党委", "政府"):
            forms.append(
                Form(
                    head_text + kind_word(word, kind),
                    head_expr + kind_expr(word),
                    "town.kind",
                    "town",
                    not_after=guard,
                )
            )
    # a bare 党委 with no place before it, in a town's own document, is the town's
    forms.append(Form(party, kind_expr("党委"), "town.kind", "town", not_after=_PLACE_BEFORE))
    forms.append(_grassroots_form(kind))
    for prefix in _KIND_PREFIXES:
        forms.append(Form(prefix + kind, prefix + "{{ town.kind }}", "town.kind", "town"))
        for word in KEEP_WORDS:  # 本镇区 means "this town or district", not this town's kind
            if word.startswith(kind):
                forms.append(Form(prefix + word, prefix + word, "", "literal"))
    return forms


def _grassroots_form(kind: str) -> Form:
    """村（社区） (社区 in a 街道's document, only between the neighbours that make it the town's)."""
    text = kind_word(GRASSROOTS, kind)
    pattern = ""
    if text != GRASSROOTS:
        before = "|".join(f"(?<={re.escape(w)})" for w in _GRASSROOTS_BEFORE)
        pattern = f"(?:{before}){re.escape(text)}(?=[{re.escape(_GRASSROOTS_AFTER)}])"
    return Form(text, kind_expr(GRASSROOTS), "town.kind", "town", pattern=pattern)


@dataclass(frozen=True)
class Match:
    """One occurrence of a candidate in a paragraph's text: ``text[start:end]``."""

    start: int
    end: int
    candidate: Candidate


class Matcher:
    """All written forms of a profile's values, ready to be found in paragraphs."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.candidates = candidates(context)
        for form in kind_forms(context):
            # a kind form is more specific than the name alone: it replaces a plain candidate
            self.candidates.setdefault(form.text, Candidate(form.text)).forms.insert(0, form)
        texts = sorted(self.candidates, key=len, reverse=True)
        patterns = [
            self.candidates[t].forms[0].pattern
            or _pattern(t, self.candidates[t].forms[0].not_after)
            for t in texts
        ]
        self._regex = re.compile("|".join(patterns)) if texts else None

    def find(self, text: str) -> list[Match]:
        """Leftmost-longest, non-overlapping occurrences of any candidate in ``text``."""
        if self._regex is None:
            return []
        return [
            Match(m.start(), m.end(), self.candidates[m.group(0)])
            for m in self._regex.finditer(text)
        ]


def _pattern(text: str, not_after: str = "") -> str:
    body = re.escape(text)
    if not_after:
        body = f"(?<![{re.escape(not_after)}])" + body
    if text[0].isdigit():
        body = r"(?<![0-9.])" + body
    if text[-1].isdigit():
        body += r"(?![0-9])"
    if text[0] in _CN_DIGITS:
        body = f"(?<![{_CN_DIGITS}{_ORDINAL_BEFORE}])" + body
    if text[-1] in _CN_DIGITS:
        body += f"(?![{_CN_DIGITS}{_ORDINAL_AFTER}])"
    return body
