"""The address of every paragraph: body, tables (nested too), text boxes read once, notes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from speechkit.docx.address import Address, Cell
from speechkit.docx.paragraphs import iter_paragraphs, paragraph_addresses, run_spans

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _table(*rows: list[str]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{c}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def _document(body: str):
    xml = (
        f'<w:document xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wps="{WPS}"><w:body>{body}'
        "</w:body></w:document>"
    )
    return etree.fromstring(xml.encode())


def _addresses(root, kind="body", number=None) -> list[tuple[str, str]]:
    return [(str(p.address), p.text) for p in iter_paragraphs(root, kind, number)]


def test_body_paragraphs_and_table_cells():
    root = _document(
        _p("一") + _table([_p("甲"), _p("乙")], [_p("丙"), _p("丁") + _p("丁二")]) + _p("二")
    )
    assert _addresses(root) == [
        ("正文 第1段", "一"),
        ("正文 表格1 第1行第1列", "甲"),
        ("正文 表格1 第1行第2列", "乙"),
        ("正文 表格1 第2行第1列", "丙"),
        ("正文 表格1 第2行第2列", "丁"),
        ("正文 表格1 第2行第2列 第2段", "丁二"),
        ("正文 第2段", "二"),
    ]


def test_nested_tables_are_numbered_within_their_cell():
    inner = _table([_p("内")])
    root = _document(_table([_p("外") + inner]) + _table([_p("第二表")]))
    assert _addresses(root) == [
        ("正文 表格1 第1行第1列", "外"),
        ("正文 表格1 第1行第1列内的表格1 第1行第1列", "内"),
        ("正文 表格2 第1行第1列", "第二表"),
    ]
    nested = list(iter_paragraphs(root))[1].address
    assert nested.cells == (Cell(1, 1, 1), Cell(1, 1, 1))
    assert nested.to_dict()["cells"] == [
        {"table": 1, "row": 1, "column": 1},
        {"table": 1, "row": 1, "column": 1},
    ]


def test_a_text_box_is_read_once_and_its_fallback_maps_to_the_choice():
    box = (
        "<w:p><w:r><mc:AlternateContent>"
        f"<mc:Choice Requires='wps'><w:drawing><wps:txbx><w:txbxContent>{_p('某某县人民政府')}"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{_p('某某县人民政府')}</w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    root = _document(box + _p("正文"))
    assert _addresses(root) == [
        ("正文 第1段", ""),
        ("正文 第2段", "某某县人民政府"),
        ("正文 第3段", "正文"),
    ]
    every = paragraph_addresses(root)
    fallback = root.find(f".//{{{MC}}}Fallback//{{{W}}}p")
    assert str(every[fallback]) == "正文 第2段"


def test_notes_are_numbered_and_separators_skipped():
    root = etree.fromstring(
        (
            f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1">{_p("")}'
            f'</w:footnote><w:footnote w:id="1">{_p("注一")}</w:footnote>'
            f'<w:footnote w:id="2">{_p("注二上")}{_p("注二下")}</w:footnote></w:footnotes>'
        ).encode()
    )
    assert _addresses(root, "footnote") == [
        ("脚注1 第1段", "注一"),
        ("脚注2 第1段", "注二上"),
        ("脚注2 第2段", "注二下"),
    ]


def test_headers_print_their_number():
    assert str(Address("header", 2, 1)) == "页眉2 第1段"
    assert str(Address("footer", 1, 3, (Cell(1, 2, 3),))) == "页脚1 表格1 第2行第3列 第3段"


@given(st.lists(st.text(alphabet="甲乙\t x", max_size=6), min_size=1, max_size=5))
def test_run_offsets_cover_the_text_without_losing_a_character(runs):
    xml = "".join(
        "<w:r>"
        + "".join(
            "<w:tab/>" if ch == "\t" else f"<w:t xml:space='preserve'>{ch}</w:t>" for ch in run
        )
        + "</w:r>"
        for run in runs
    )
    root = _document(f"<w:p>{xml}</w:p>")
    (para,) = iter_paragraphs(root)
    assert para.text == "".join(runs)
    spans = run_spans(para.element)
    assert [(a, b) for _, a, b in spans] == [
        (sum(map(len, runs[:i])), sum(map(len, runs[: i + 1]))) for i in range(len(runs))
    ]


def test_an_address_survives_its_json_form():
    from speechkit.check.model import TextLocation

    address = Address("body", None, 2, (Cell(1, 2, 3), Cell(1, 1, 1)))
    assert Address.from_dict(address.to_dict()) == address
    loc = TextLocation("body", 7, 0, 2, address)
    assert TextLocation(**loc.to_dict()) == loc
