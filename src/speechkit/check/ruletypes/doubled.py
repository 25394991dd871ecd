"""``doubled``: a character or word written twice where no word allows it (党党, 本本单位,
工作工作), with real reduplication (常常, 人人, 认认真真, 研究研究) left alone."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec

_PAIR = re.compile(r"([\u4e00-\u9fff])\1")
# The hundred commonest surnames: 刘婷婷, 王军军 are names, not slips.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)


@dataclass
class Doubled(Rule):
    """Keys: ``kind`` — ``char`` (a character written twice: 党党的, 认真真) or ``word`` (a
    two-character word written twice: 工作工作); ``allow`` (correct reduplicated forms: 常常,
    研究研究 …); ``skip`` (characters another rule watches, e.g. 的 and 了); ``particles``
    (characters that may stand alone before a word starting with themselves: 对|对方, 把|把关;
    numerals: 十五|五).

    A character pair is reported when jieba does not keep it in one token and either both
    copies stand alone (于|于), the first stands alone and the pair is no dictionary word
    (党|党的, but not 红|红脸), or the second stands alone after a longer word (全镇|镇|党员).

    A given name after a common surname or before 同志 (刘婷婷, 军军同志) is not a slip. A pair
    whose copies both belong to longer jieba tokens (学习习近平), a lone copy next to a
    token of ``particles`` (对对方), 一 before the pair (一天天) and AABB forms (认认真真) are
    never reported. The span covers both copies; the suggestion
    is one copy."""

    allow: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    kind: str = "char"
    particles: frozenset[str] = frozenset()

    type_name = "doubled"
    needs_tokens = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Doubled:
        common = cls.common(spec, pack, line)
        return cls(
            **common,
            allow=frozenset(spec.str_list("allow")),
            skip=frozenset(spec.str_list("skip")),
            kind=spec.choice("kind", ("char", "word"), "char"),
            particles=frozenset("".join(spec.str_list("particles"))),
        )

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        text = block.scan_text
        from speechkit.check import tokens

        if self.kind == "word":
            return [
                Hit(m.start(), m.end(), m.group(1))
                for m in _ABAB.finditer(text)
                if m.group() not in self.allow
                and not m.group(1).startswith("一")
                and tokens.is_word(m.group(1))
                and not tokens.is_word(m.group())
            ]
        pairs = [
            m.start()
            for m in _PAIR.finditer(text)
            if m.group(1) not in self.skip
            and m.group(1) not in self.particles
            and m.group() not in self.allow
            and not _aabb(text, m.start())
            and not (m.start() and text[m.start() - 1] in SURNAMES)
            and not text.startswith("同志", m.end())
        ]
        if not pairs:
            return []
        cuts = sorted(ctx.boundaries(block))
        hits = []
        for i in pairs:
            x, pair = text[i], text[i : i + 2]
            k = bisect.bisect_right(cuts, i) - 1  # token holding the first copy
            a_start, a_end = cuts[k], cuts[k + 1]
            if a_end > i + 1:
                continue  # one token holds both copies: a dictionary word (常常, 本本主义)
            b_end = cuts[k + 2] if k + 2 < len(cuts) else len(text)
            first_alone, second_alone = a_end - a_start == 1, b_end - (i + 1) == 1
            if first_alone:
                if second_alone or not tokens.is_word(pair):
                    hits.append(Hit(i, i + 2, x))  # 于|于, 党|党的 (not 红|红脸)
            elif second_alone and text[i - 1 : i] != "一":
                hits.append(Hit(i, i + 2, x))  # 认真|真|学习, 全镇|镇|党员
        return hits


def _aabb(text: str, i: int) -> bool:
    """True when the pair at ``i`` is one half of an AABB form (认认真真)."""
    before = i >= 2 and text[i - 2] == text[i - 1] and "\u4e00" <= text[i - 1] <= "\u9fff"
    after = text[i + 2 : i + 3] == text[i + 3 : i + 4] != "" and "\u4e00" <= text[i + 2] <= "\u9fff"
    return before or after


_ABAB = re.compile(r"([\u4e00-\u9fff]{2})\1")
