"""The three starter templates: reproducible build, every demo town renders, output passes."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import sys

import pytest
from docx import Document

from speechkit.engine import Template
from speechkit.profiles import find_towns, load_profile
from speechkit.typeset.check import format_check
from speechkit.typeset.pdf import convert_to_pdf
from tests.conftest import PROFILES, ROOT, TEMPLATES, pdf_text, requires_soffice

NAMES = ["动员讲话", "实施方案", "党性分析评议表"]
TOWNS = find_towns(PROFILES)
LEFTOVER = re.compile(r"\{\{|\{%|\{#|%\}|\}\}")


def all_text(data: bytes) -> str:
    """Body paragraphs and table cells of a .docx, one per line."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def templates():
    return {name: Template(TEMPLATES / f"{name}.docx") for name in NAMES}


@pytest.fixture(scope="module")
def rendered(templates, tmp_path_factory):
    """{(town slug, template name): path} for every demo town and template."""
    out = tmp_path_factory.mktemp("rendered")
    paths = {}
    for town in TOWNS:
        profile = load_profile(town)
        for name, tpl in templates.items():
            path = out / f"{profile.slug}-{name}.docx"
            tpl.save(profile.context(), path)
            paths[(profile.slug, name)] = path
    return paths


def test_there_are_demo_towns_of_every_kind():
    kinds = {load_profile(t).data["town"]["kind"] for t in TOWNS}
    assert len(TOWNS) >= 3 and kinds == {"镇", "区", "街道"}


def test_build_is_reproducible_and_matches_the_committed_files(tmp_path):
    """``make templates`` rebuilt into a temporary folder gives the committed bytes.

    The builder runs in its own interpreter, as ``make templates`` does: other tests import
    docxtpl, which imports docxcompose, which rebinds python-docx's global "cp" prefix.
    """
    proc = subprocess.run(
        [sys.executable, str(ROOT / "templates" / "build.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    written = sorted((tmp_path / TEMPLATES.parent.name).glob("*.docx"))  # the 2005 pack's
    assert sorted(p.name for p in written) == sorted(f"{n}.docx" for n in NAMES)
    for path in written:
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes(), (
            f"{path.name} 与 templates/src 不一致：请运行 make templates"
        )


def test_every_town_renders_all_three_without_leftover_tags(rendered):
    assert len(rendered) == len(TOWNS) * 3
    for (slug, name), path in rendered.items():
        text = all_text(path.read_bytes())
        assert not LEFTOVER.search(text), (slug, name, LEFTOVER.search(text))


def test_rendered_documents_pass_format_check(rendered):
    for key, path in rendered.items():
        assert format_check(path) == [], key


def test_speech_uses_town_values_and_no_other_towns(rendered):
    profiles = [load_profile(t) for t in TOWNS]
    names = {p.slug: p.data["town"]["name"] for p in profiles}
    for profile in profiles:
        data = profile.data
        text = all_text(rendered[(profile.slug, "动员讲话")].read_bytes())
        town = data["town"]
        assert f"在{town['name']}" in text
        assert f"{town['secretary']}同志代表{town['name']}" in text
        assert data["supervision"]["group"] in text and data["supervision"]["leader"] in text
        assert f"{data['party']['members']}名党员参加" in text
        assert f"{data['party']['units']}个单位" in text
        assert data["city"]["idea"] in text
        for point in data["city"]["idea_points"]:
            assert f"{point['name']}就是要{point['meaning']}" in text
        date = data["meeting"]["date"]
        assert f"（{date.year}年{date.month}月{date.day}日）" in text
        others = [n for slug, n in names.items() if slug != profile.slug and n not in town["name"]]
        assert not [n for n in others if n in text]
        org = "党工委" if town["kind"] == "街道" else "党委"
        assert f"{town['name']}{org}高度重视" in text


def test_speech_keeps_seed_wording_with_slips_corrected(rendered):
    text = all_text(rendered[("donghu", "动员讲话")].read_bytes())
    assert "已对市直69个单位" in text and "己对" not in text
    assert "加强党的执政能力的一项重要举措" in text and "加强的党执政能力" not in text
    assert "会后，" in text and "会后," not in text
    assert "*" not in text and "镇（区）" not in text and "\u3000镇" not in text
    assert "每周四前由信息员" in text
    assert "经过20年的艰苦奋斗" in text
    # The seed's structure: three parts, their sub-points, the closing call.
    for heading in ("一、提高认识", "二、突出重点", "三、精心组织"):
        assert heading in text
    assert text.count("（一）") == 3 and "（四）要坚持统筹兼顾。" in text
    assert text.rstrip().endswith("向党和人民交上一份满意的答卷！")


def test_plan_sections_phases_and_leading_group(rendered):
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    doc = Document(str(rendered[("donghu", "实施方案")]))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    headings1 = [t for s, t in paras if s == "Heading 1"]
    assert headings1 == [
        "一、指导思想",
        "二、目标要求",
        "三、参加范围",
        "四、方法步骤",
        "五、组织领导",
        "六、工作要求",
    ]
    phases = [t for s, t in paras if s == "Heading 2" and "阶段（" in t]
    expected = profile.data["campaign"]["phases"]
    assert len(phases) == len(expected)
    assert phases[0] == "（一）学习动员阶段（2024年7月1日至2024年8月31日）"
    texts = [t for _, t in paras]
    start = texts.index("成　员（以姓氏笔画为序）：")
    members = [t.split("\u3000")[0] for t in texts[start + 1 : start + 4]]
    assert members == ["吴范例", "周演示", "郑虚构"]  # 7, 8, 8 strokes; 周 before 郑 by code point
    assert any(
        t.startswith("参加这次先进性教育活动的是全镇35个单位、28个党支部的612名党员。")
        for t in texts
    )
    closing = [p for p in doc.paragraphs if p.style.name == "落款" and p.text.strip()]
    assert [p.text.strip("\u3000") for p in closing] == ["中共东湖镇委员会", "2024年7月8日"]
    pad = [len(p.text) - len(p.text.lstrip("\u3000")) for p in closing]
    assert pad[1] - pad[0] == 2 and pad[0] + len("中共东湖镇委员会") == 26


def test_form_renders_blank_and_for_one_member(templates, tmp_path):
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    blank = all_text(templates["党性分析评议表"].render(profile.context()))
    for label in (
        "姓\u3000名",
        "出生年月",
        "入党时间",
        "所在支部",
        "学习体会",
        "存在的主要问题",
        "原因剖析",
        "整改措施",
        "支部评议意见",
        "群众测评",
        "▢ 满意",
        "▢ 基本满意",
        "▢ 不满意",
        "本人签名",
    ):
        assert label in blank
    assert not LEFTOVER.search(blank)
    context = profile.context()
    context["member"] = {
        "name": "李样例",
        "gender": "女",
        "birth": datetime.date(1980, 5, 1),
        "joined": datetime.date(2003, 7, 1),
        "branch": "机关第一党支部",
        "post": "组织干事",
    }
    data = templates["党性分析评议表"].render(context)
    doc = Document(io.BytesIO(data))
    first, second, third = ([c.text for c in row.cells] for row in doc.tables[0].rows[:3])
    assert first == ["姓\u3000名", "李样例", "性\u3000别", "女", "出生年月", "1980年5月"]
    assert second == ["入党时间", "2003年7月", "职\u3000务"] + ["组织干事"] * 3
    assert third == ["所在支部"] + ["机关第一党支部"] * 5
    path = tmp_path / "form.docx"
    path.write_bytes(data)
    assert format_check(path) == []


def test_form_rows_fit_one_page_and_info_rows_grow_instead_of_clipping():
    doc = Document(str(TEMPLATES / "党性分析评议表.docx"))
    rows = doc.tables[0].rows
    rules = [row.height_rule.name for row in rows]
    assert rules[:3] == ["AT_LEAST"] * 3  # member data wraps, never cut off
    assert set(rules[3:]) == {"EXACTLY"}
    assert min(row.height.mm for row in rows[3:7]) >= 25  # large cells for handwriting


def test_form_grid_has_the_real_column_widths():
    """Word and LibreOffice lay columns out by w:tblGrid, not by the cell widths."""
    tbl = Document(str(TEMPLATES / "党性分析评议表.docx")).tables[0]._tbl
    widths = [col.w.twips for col in tbl.tblGrid.gridCol_lst]
    assert sum(widths) == 8845  # the text block, 156 mm
    assert len(set(widths)) > 1


@requires_soffice
def test_filled_form_shows_long_values_whole_on_one_page(tmp_path):
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    context = profile.context()
    context["member"] = {
        "name": "欧阳示范",
        "gender": "女",
        "birth": datetime.date(1962, 8, 1),
        "joined": datetime.date(2005, 1, 1),
        "branch": "水产合作社党支部",
        "post": "镇党委副书记、镇长",
    }
    docx = tmp_path / "form.docx"
    Template(TEMPLATES / "党性分析评议表.docx").save(context, docx)
    text = pdf_text(convert_to_pdf(docx, tmp_path), layout=False)
    assert text.count("\f") == 1  # one page
    flat = re.sub(r"\s+", "", text)
    for value in ("1962年8月", "2005年1月", "水产合作社党支部", "镇党委副书记、镇长"):
        assert value in flat


def test_forms_merged_by_the_batch_still_pass(rendered, tmp_path):
    from speechkit.batch.merge import merge_documents

    merged = tmp_path / "merged.docx"
    merged.write_bytes(
        merge_documents(
            [rendered[("donghu", "党性分析评议表")], rendered[("xishan", "党性分析评议表")]]
        )
    )
    assert format_check(merged) == []
