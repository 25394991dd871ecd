"""Build the three starter templates from their reviewable sources (``make templates``).

* ``src/动员讲话.txt`` and ``src/实施方案.md`` go through :func:`speechkit.typeset.typeset_text`
  (Jinja tags pass through untouched, so the laid-out document is a template);
* ``src/党性分析评议表.form.yaml`` is a table form spec, built by
  :func:`speechkit.typeset.form.build_form`.

The output is byte-for-byte reproducible: zip entries get a fixed timestamp and the document
properties fixed values.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from speechkit.fsutil import atomic_write_bytes
from speechkit.typeset.form import build_form_file
from speechkit.typeset.layout import reproducible_bytes
from speechkit.typeset.text import typeset_text

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"


def build_text(source: Path, title: str) -> bytes:
    """A text/Markdown source through ``typeset``."""
    from docx import Document

    data = typeset_text(source.read_text(encoding="utf-8"))
    return reproducible_bytes(Document(io.BytesIO(data)), title)


def build_form(source: Path) -> bytes:
    """A ``*.form.yaml`` table form spec through :func:`speechkit.typeset.form.build_form`."""
    return build_form_file(source, shown=str(source.relative_to(HERE.parent)))


TARGETS = {
    "动员讲话.docx": lambda: build_text(SRC / "动员讲话.txt", "动员讲话"),
    "实施方案.docx": lambda: build_text(SRC / "实施方案.md", "实施方案"),
    "党性分析评议表.docx": lambda: build_form(SRC / "党性分析评议表.form.yaml"),
}


def main(out_dir: Path = HERE) -> list[Path]:
    """Build every template into ``out_dir``; return the paths written."""
    written = []
    for name, build in TARGETS.items():
        written.append(atomic_write_bytes(out_dir / name, build()))
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in main(out):
        print(f"已生成 {path}")
