"""What preprocessing one part produces (:class:`PartSource`) and the run helpers shared by
the preprocessing modules (preprocess, cells, properties)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from speechkit.engine import oxml
from speechkit.engine.tags import Tag
from speechkit.errors import Problem

#: Target of the processing instructions ``<?sk N?>`` standing for tag N while rewriting.
PI_TARGET = "sk"


@dataclass
class PartSource:
    """The result of preprocessing one part: Jinja source (None if it has no tags), the tags in
    source order, and every problem found."""

    name: str
    kind: str
    source: str | None
    tags: list[Tag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    line_tags: list[int] = field(default_factory=list)  # Jinja line - 1 → tag index
    has_column_loops: bool = False
    has_cell_paragraph_tags: bool = False
    has_row_tags: bool = False

    def tag_at_line(self, lineno: int | None) -> Tag | None:
        """The tag whose Jinja source begins on (or just before) ``lineno``."""
        if not self.line_tags or lineno is None:
            return None
        idx = min(max(lineno - 1, 0), len(self.line_tags) - 1)
        return self.tags[self.line_tags[idx]]


def drop_if_empty_run(t: etree._Element) -> None:
    """Remove the run of ``t`` when joining a tag left it with nothing but formatting."""
    run = t.getparent()
    if run is not None and run.tag == oxml.W_R and run_is_empty(run):
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)


def run_is_empty(run: etree._Element) -> bool:
    """True when a run holds nothing but properties and empty text."""
    for child in run:
        if child.tag == oxml.W_RPR:
            continue
        if child.tag == oxml.W_T and not (child.text or "") and len(child) == 0:
            continue
        return False
    return True
