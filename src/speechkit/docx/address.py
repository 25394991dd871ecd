"""Where a paragraph is in a .docx, printed the same way by every command.

An :class:`Address` names the part (正文, 页眉 N, 页脚 N, 脚注 N, 尾注 N, 批注 N), the paragraph
within it, and — for a paragraph in a table — the table, row and column, for nested tables as a
path from the outermost table inwards. It prints as a reviewer finds the place in Word:

* ``正文 第12段`` — the 12th paragraph of the body outside tables (text-box paragraphs count
  where they are anchored);
* ``页眉2 第1段`` — the first paragraph of the second header (headers and footers are numbered
  in the order the document's sections use them, so two sections give 页眉1 and 页眉2);
* ``正文 表格1 第2行第3列`` — the first paragraph of that cell; a later paragraph of the cell
  adds ``第2段``; a table in a cell reads ``正文 表格1 第2行第3列内的表格1 第1行第1列``.

Tables are numbered within their container (a part, or the cell holding a nested table) in
document order. :meth:`Address.to_dict` gives the same numbers for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

PART_NAMES = {
    "body": "正文",
    "header": "页眉",
    "footer": "页脚",
    "footnote": "脚注",
    "endnote": "尾注",
    "comment": "批注",
    "properties": "文档属性",  # docProps/core.xml (title, author …), templated by the engine
}
# Parts in the order documents are read and findings are listed.
PART_ORDER = ("body", "header", "footer", "footnote", "endnote", "comment")


@dataclass(frozen=True, order=True)
class Cell:
    """One table cell on an address path: 1-based table (within its container), row, column."""

    table: int
    row: int
    column: int

    def __str__(self) -> str:
        return f"表格{self.table} 第{self.row}行第{self.column}列"


@dataclass(frozen=True)
class Address:
    """A paragraph's place: part kind, the part's number (None for the body), the paragraph
    number (within the part outside tables, within the innermost cell inside one) and the cells
    leading to it (outermost first; empty outside tables)."""

    part: str
    number: int | None
    paragraph: int
    cells: tuple[Cell, ...] = ()

    @property
    def part_label(self) -> str:
        """The part as printed: ``正文``, ``页眉2``, ``脚注3``."""
        name = PART_NAMES.get(self.part, self.part)
        return name if self.number is None else f"{name}{self.number}"

    def __str__(self) -> str:
        text = self.part_label
        if not self.cells:
            return f"{text} 第{self.paragraph}段"
        text += " " + "内的".join(str(c) for c in self.cells)
        if self.paragraph > 1:
            text += f" 第{self.paragraph}段"
        return text

    @classmethod
    def from_dict(cls, data: dict) -> Address:
        """The address of :meth:`to_dict`'s output (``text`` is ignored)."""
        cells = tuple(Cell(c["table"], c["row"], c["column"]) for c in data.get("cells", ()))
        return cls(data["part"], data.get("part_number"), data["paragraph"], cells)

    def to_dict(self) -> dict:
        """The JSON form: the same numbers as the printed text, and the text itself."""
        return {
            "part": self.part,
            "part_number": self.number,
            "paragraph": self.paragraph,
            "cells": [{"table": c.table, "row": c.row, "column": c.column} for c in self.cells],
            "text": str(self),
        }


__all__ = ["PART_NAMES", "PART_ORDER", "Address", "Cell"]
