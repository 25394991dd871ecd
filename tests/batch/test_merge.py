"""Merging forms: one page per form, and no leaked namespace map afterwards."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from speechkit.batch.merge import merge_documents

CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _doc(tmp_path, name, text):
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_merged_forms_keep_every_text_and_start_each_on_a_new_page(tmp_path):
    paths = [_doc(tmp_path, n, f"评议表{n}") for n in ("甲", "乙", "丙")]
    merged = Document(io.BytesIO(merge_documents(paths)))
    texts = [p.text for p in merged.paragraphs if p.text]
    assert texts == ["评议表甲", "评议表乙", "评议表丙"]
    breaks = [p for p in merged.paragraphs if p.paragraph_format.page_break_before]
    assert [p.text for p in breaks] == ["评议表乙", "评议表丙"]


def test_core_properties_written_after_a_merge_stay_valid(tmp_path):
    """docxcompose rebinds python-docx's "cp" prefix on import; the merge must undo that."""
    from docx.oxml.ns import nsmap

    merge_documents([_doc(tmp_path, "甲", "一"), _doc(tmp_path, "乙", "二")])
    assert nsmap["cp"] == CORE_NS

    doc = Document()
    doc.core_properties.last_modified_by = "speechkit"
    doc.core_properties.revision = 3
    buf = io.BytesIO()
    doc.save(buf)
    core = zipfile.ZipFile(buf).read("docProps/core.xml").decode()
    assert f'<cp:lastModifiedBy xmlns:cp="{CORE_NS}"' not in core  # not re-declared
    assert "custom-properties" not in core
    assert "<cp:lastModifiedBy>speechkit</cp:lastModifiedBy>" in core
