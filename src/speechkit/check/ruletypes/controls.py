"""``content-control``: Word content controls that still show their prompt text."""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec


@dataclass
class ContentControl(Rule):
    """No keys of its own. Reports each span of a .docx paragraph that lies in a content
    control still showing its placeholder (``w:showingPlcHdr``): Word shows the prompt (“单击或
    点击此处输入文字。”, or the template author's own) until someone types in the control."""

    type_name = "content-control"

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> ContentControl:
        return cls(**cls.common(spec, pack, line))

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        return [Hit(s, e) for s, e in block.placeholders if e > s]
