"""Build a campaign pack's templates from their reviewable sources (``make templates``).

Each document of campaign.yaml names its ``source`` in ``templates/``:

* ``*.txt`` / ``*.md`` go through :func:`speechkit.typeset.typeset_text` (Jinja tags pass
  through untouched, so the laid-out document is a template);
* ``*.form.yaml`` is a table form, built by :func:`speechkit.typeset.form.build_form_file`.

The output is byte-for-byte reproducible: zip entries get a fixed timestamp and the document
properties fixed values.
"""

from __future__ import annotations

import io
from pathlib import Path

from speechkit.errors import CampaignPackError, display_path
from speechkit.fsutil import atomic_write_bytes


def build_text(source: Path, title: str) -> bytes:
    """A text/Markdown source through ``typeset``."""
    from docx import Document

    from speechkit.typeset.layout import reproducible_bytes
    from speechkit.typeset.text import typeset_text

    data = typeset_text(source.read_text(encoding="utf-8"), markdown=source.suffix == ".md")
    return reproducible_bytes(Document(io.BytesIO(data)), title)


def build_document(source: Path, title: str) -> bytes:
    """The built template of one source file (text, Markdown or ``*.form.yaml``)."""
    if source.name.endswith(".form.yaml"):
        from speechkit.typeset.form import build_form_file

        return build_form_file(source, shown=display_path(source))
    return build_text(source, title)


def build_pack(root: str | Path, out_dir: Path | None = None) -> list[Path]:
    """Build every document template of the pack at ``root`` that has a ``source``; return
    the paths written (into ``root/templates`` or ``out_dir``)."""
    from speechkit.campaigns.pack import TEMPLATES_DIR, read_pack

    root = Path(root)
    pack, problems = read_pack(root)
    if pack is None:
        raise CampaignPackError(f"活动包 {display_path(root)} 无法读取：", problems)
    target = out_dir or root / TEMPLATES_DIR
    written = []
    for doc in pack.documents:
        if not doc.source or not doc.template:
            continue
        data = build_document(root / TEMPLATES_DIR / doc.source, Path(doc.template).stem)
        written.append(atomic_write_bytes(target / doc.template, data))
    return written
