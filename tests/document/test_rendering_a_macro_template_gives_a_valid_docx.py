"""Rendering a macro-enabled template (.docm, .dotm) or a Word template (.dotx) to a .docx
writes a valid .docx: the main part declared a document, no VBA project and no part only a
.docm may hold (openxml-audit finds nothing the same template saved as a .docx does not have).
Rendering to a name ending in .docm keeps the macros."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from speechkit.docx.package import DOCUMENT_TYPE, open_docx
from speechkit.engine import Template
from tests.document.builders import replace_members, two_section_document
from tests.typeset.helpers import schema_findings

MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
MACRO_TEMPLATE_TYPE = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_DATA_TYPE = "application/vnd.ms-word.vbaData+xml"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_DATA_REL = "http://schemas.microsoft.com/office/2006/relationships/wordVbaData"
VBA_DATA = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml">'
    b"<wne:mcds/></wne:vbaSuppData>"
)
CONTEXT = {"leader": "王书记", "secretary": "李四"}


def _plain(tmp_path: Path) -> Path:
    return two_section_document(tmp_path / "plain.docx")


def _with_macros(tmp_path: Path, name: str, main_type: str, vba: bool = True) -> Path:
    """The plain template retyped as ``main_type``, holding a VBA project with its data
    (``vba``) or not."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{VBA_DATA_REL}" Target="vbaData.xml"/></Relationships>'
    )
    types = (
        f'<Default Extension="bin" ContentType="{VBA_TYPE}"/>'
        f'<Override PartName="/word/vbaData.xml" ContentType="{VBA_DATA_TYPE}"/></Types>'
    )
    path = tmp_path / name
    if not vba:
        retype = {"[Content_Types].xml": lambda s: s.replace(DOCUMENT_TYPE, main_type)}
        path.write_bytes(replace_members(_plain(tmp_path).read_bytes(), {}, edit=retype))
        return path
    path.write_bytes(
        replace_members(
            _plain(tmp_path).read_bytes(),
            {
                "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really a VBA project",
                "word/_rels/vbaProject.bin.rels": rels.encode(),
                "word/vbaData.xml": VBA_DATA,
            },
            edit={
                "[Content_Types].xml": lambda s: s.replace(DOCUMENT_TYPE, main_type).replace(
                    "</Types>", types
                ),
                "word/_rels/document.xml.rels": lambda s: s.replace(
                    "</Relationships>",
                    f'<Relationship Id="rIdVba" Type="{VBA_REL}" Target="vbaProject.bin"/>'
                    "</Relationships>",
                ),
            },
        )
    )
    assert open_docx(path).main_type == main_type
    return path


def _package(path: Path) -> tuple[set[str], str, str]:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    return names, types, rels


@pytest.mark.parametrize(
    ("name", "main_type"),
    [("宏.docm", MACRO_TYPE), ("宏模板.dotm", MACRO_TEMPLATE_TYPE), ("模板.dotx", TEMPLATE_TYPE)],
)
@pytest.mark.parametrize("vba", [True, False], ids=["with-vba", "without-vba"])
def test_rendering_to_a_docx_writes_a_valid_docx(tmp_path, name, main_type, vba):
    template = _with_macros(tmp_path, name, main_type, vba)
    out = Template(template).save(CONTEXT, tmp_path / "通知.docx")
    names, types, rels = _package(out)
    assert open_docx(out).main_type == DOCUMENT_TYPE
    assert "macroEnabled" not in types and "template.main" not in types
    assert {"word/vbaProject.bin", "word/vbaData.xml", "word/_rels/vbaProject.bin.rels"}.isdisjoint(
        names
    )
    assert VBA_TYPE not in types and VBA_DATA_TYPE not in types and VBA_REL not in rels
    assert "王书记" in zipfile.ZipFile(out).read("word/header2.xml").decode()
    baseline = Template(_plain(tmp_path)).save(CONTEXT, tmp_path / "基准.docx")
    assert set(schema_findings(out)) <= set(schema_findings(baseline))


def test_the_macro_parts_would_make_the_docx_invalid(tmp_path):
    """The validator sees the problem the rendering removes (so the test above can fail)."""
    template = _with_macros(tmp_path, "宏.docm", MACRO_TYPE)
    kept = tmp_path / "宏.docx"
    kept.write_bytes(Template(template).render(CONTEXT, keep_macros=True))
    baseline = Template(_plain(tmp_path)).save(CONTEXT, tmp_path / "基准.docx")
    assert set(schema_findings(kept)) - set(schema_findings(baseline))


@pytest.mark.parametrize(
    ("name", "main_type"), [("宏.docm", MACRO_TYPE), ("宏模板.dotm", MACRO_TEMPLATE_TYPE)]
)
def test_rendering_to_a_docm_keeps_the_macros(tmp_path, name, main_type):
    template = _with_macros(tmp_path, name, main_type)
    out = Template(template).save(CONTEXT, tmp_path / "通知.docm")
    names, types, rels = _package(out)
    assert open_docx(out).main_type == MACRO_TYPE  # a document, not a template
    assert {"word/vbaProject.bin", "word/vbaData.xml"} <= names
    assert VBA_TYPE in types and VBA_REL in rels
    assert zipfile.ZipFile(out).read("word/vbaProject.bin") == zipfile.ZipFile(template).read(
        "word/vbaProject.bin"
    )


def test_a_dotx_rendered_with_a_picture_still_declares_a_document(tmp_path):
    """A picture adds a content type: the table it is added to is the document's, not the
    template's."""
    from speechkit.engine import InlineImage, Mm
    from tests.engine.conftest import make_png

    source = two_section_document(tmp_path / "图.docx", cell="{{ img }}")
    dotx = tmp_path / "图.dotx"
    retype = {"[Content_Types].xml": lambda s: s.replace(DOCUMENT_TYPE, TEMPLATE_TYPE)}
    dotx.write_bytes(replace_members(source.read_bytes(), {}, edit=retype))
    context = dict(CONTEXT, img=InlineImage(make_png(), width=Mm(10)))
    out = Template(dotx).save(context, tmp_path / "通知.docx")
    names, types, _rels = _package(out)
    assert any(n.startswith("word/media/") for n in names)
    assert open_docx(out).main_type == DOCUMENT_TYPE and "template.main" not in types
    baseline = Template(source).save(context, tmp_path / "基准.docx")
    assert set(schema_findings(out)) <= set(schema_findings(baseline))


@pytest.mark.parametrize("vba", [True, False], ids=["with-vba", "without-vba"])
def test_the_commented_copy_of_a_docm_is_a_valid_docx(tmp_path, vba):
    """``check --format docx`` on a .docm writes a .docx without the macros (a .docm name keeps
    them); the comments are there either way."""
    from speechkit.check import check_files
    from speechkit.check.annotate import annotate

    draft = _with_macros(tmp_path, "稿.docm", MACRO_TYPE, vba)
    findings = check_files([draft], jobs=1)[0].findings
    assert findings  # the ×× placeholders of the headers and the table cell
    out = annotate(draft, findings, tmp_path / "批注.docx")
    names, types, rels = _package(out)
    assert open_docx(out).main_type == DOCUMENT_TYPE and "macroEnabled" not in types
    assert "word/vbaProject.bin" not in names and VBA_TYPE not in types and VBA_REL not in rels
    assert "word/comments.xml" in names
    plain = _plain(tmp_path)
    baseline = annotate(plain, check_files([plain], jobs=1)[0].findings, tmp_path / "基准.docx")
    assert set(schema_findings(out)) <= set(schema_findings(baseline))
    kept = annotate(draft, findings, tmp_path / "批注.docm")
    names, types, rels = _package(kept)
    assert open_docx(kept).main_type == MACRO_TYPE
    assert ("word/vbaProject.bin" in names) == vba and (VBA_REL in rels) == vba
