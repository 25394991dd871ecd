"""A user's own pack: created with ``campaigns new``, extended without Python, and every kind of
mistake in it reported at its file:line:column with exit code 2 and nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

PACK = "my-study-2026"


@pytest.fixture
def user_pack(cli, tmp_path) -> Path:
    result = cli("campaigns", "new", PACK, "--name", "某某学习教育", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path / "campaigns" / PACK


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _line_of(path: Path, needle: str) -> int:
    """The first line (not a comment) holding ``needle``."""
    lines = path.read_text("utf-8").splitlines()
    return next(
        i for i, line in enumerate(lines, 1) if needle in line and not line.lstrip().startswith("#")
    )


def test_new_pack_validates_and_renders_its_placeholder_template(cli, user_pack, tmp_path):
    assert cli("campaigns", "check", str(user_pack)).exit_code == 0
    assert cli("profiles", "validate", str(user_pack / "demo")).exit_code == 0
    out = tmp_path / "讲话.docx"
    result = cli(
        "render",
        str(user_pack / "templates" / "动员讲话.docx"),
        "--profile",
        str(user_pack / "demo" / "towns" / "demo.yaml"),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "在示例镇某某学习教育动员部署会上的讲话" in text
    assert "8个党支部、120名党员" in text
    listed = cli("campaigns", "list", "--format", "json", cwd=tmp_path)
    assert PACK in listed.stdout


def test_new_field_and_template_render_without_python(cli, user_pack, tmp_path):
    _edit(
        user_pack / "schema.yaml",
        "fields: []",
        "fields:\n"
        "  - {key: campaign.focus_units, type: count, title: 重点单位数, file: city, required: true}\n"
        "  - {key: town.focus, type: choice, choices: [甲类, 乙类], title: 重点类别}\n",
    )
    _edit(
        user_pack / "templates" / "src" / "动员讲话.txt",
        "二、加强组织领导",
        "全市确定重点单位{{ campaign.focus_units }}个，本镇属{{ town.focus }}。\n二、加强组织领导",
    )
    assert cli("campaigns", "build", str(user_pack)).exit_code == 0
    unfilled = cli("campaigns", "check", str(user_pack))  # the demo city lacks the new field
    assert unfilled.exit_code == 2 and "缺少必填键 campaign.focus_units" in unfilled.stderr
    city, town = user_pack / "demo" / "city.yaml", user_pack / "demo" / "towns" / "demo.yaml"
    missing = cli("profiles", "validate", str(user_pack / "demo"))
    assert missing.exit_code == 2
    assert (
        f"{city}:4:1 campaign.focus_units [错误] 缺少必填键 campaign.focus_units（重点单位数）"
        in (missing.stderr)
    )
    assert "town.focus [警告] 缺少 town.focus（重点类别），模板会用到它" in missing.stderr
    _edit(town, "town:\n", "town:\n  focus: 丙类\n")
    bad = cli("profiles", "validate", str(town))
    assert f"{town}:2:10 town.focus [错误] 重点类别只能是甲类、乙类，实际写的是“丙类”" in bad.stderr
    _edit(town, "focus: 丙类", "focus: 乙类")
    _edit(city, "  members: 120", "  members: 120\n  focus_units: 7")
    assert cli("profiles", "validate", str(user_pack / "demo")).exit_code == 0
    assert cli("campaigns", "check", str(user_pack)).exit_code == 0
    out = tmp_path / "讲话.docx"
    result = cli(
        "render",
        str(user_pack / "templates" / "动员讲话.docx"),
        "--profile",
        str(town),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "全市确定重点单位7个，本镇属乙类。" in "\n".join(
        p.text for p in Document(out).paragraphs
    )


BROKEN = [
    (
        "schema.yaml",
        "fields: []",
        "fields:\n  - {key: campaign.focus, type: number, title: 重点}\n",
        "type: number",
        "字段 campaign.focus 的类型“number”未知，可选：text、count、date、choice、list、person、people",
    ),
    (
        "checks.yaml",
        "  - {kind: unique, field: town.name}",
        "  - {kind: unique, field: town.name}\n  - {kind: all_different, field: town.secretary}",
        "all_different",
        "核对类型“all_different”未知，可选：date_within_campaign、phases_ordered、sum_equals、unique",
    ),
    (
        "rules.yaml",
        "rules: []",
        "rules:\n  - id: campaign.name\n    type: required\n    category: required\n"
        "    severity: warning\n    message: 缺少“{suggestion}”。\n    literal: 某某学习教育\n",
        "- id: campaign.name",
        "规则 campaign.name 没有 source",
    ),
    (
        "campaign.yaml",
        "    template: 动员讲话.docx    # 由 source 构建：speechkit campaigns build\n",
        "",
        "- id: speech",
        "文档类型“动员讲话”没有模板",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "anchor", "message"), BROKEN)
def test_broken_pack_is_located_exit_2_and_nothing_written(
    cli, user_pack, tmp_path, file, old, new, anchor, message
):
    path = user_pack / file
    _edit(path, old, new)
    line = _line_of(path, anchor)
    result = cli("campaigns", "check", str(user_pack))
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+ .*{re.escape(message)}", result.stderr), (
        result.stderr
    )
    assert "Traceback" not in result.output
    # a profiles folder bound to the broken pack: the same message, nothing generated
    out = tmp_path / "output"
    batch = cli("batch", "--profiles", str(user_pack / "demo"), "--out", str(out), cwd=tmp_path)
    assert batch.exit_code == 2
    assert message in batch.stderr
    assert not out.exists()


def test_template_field_no_schema_declares(cli, user_pack):
    _edit(
        user_pack / "templates" / "src" / "动员讲话.txt",
        "二、加强组织领导",
        "全市重点单位{{ campaign.focus_units }}个。\n二、加强组织领导",
    )
    assert cli("campaigns", "build", str(user_pack)).exit_code == 0
    result = cli("campaigns", "check", str(user_pack))
    assert result.exit_code == 2
    assert "动员讲话.docx" in result.stderr
    assert (
        "模板用到的字段 campaign.focus_units 在核心资料和本活动包的 schema.yaml 中都没有声明"
        in (result.stderr)
    )


def test_user_pack_beside_profiles_is_found_and_bad_pack_name_is_located(cli, user_pack, tmp_path):
    profiles = tmp_path / "profiles"
    assert cli("campaigns", "demo", PACK, str(profiles), cwd=tmp_path).exit_code == 0
    assert cli("profiles", "validate", str(profiles), cwd=tmp_path).exit_code == 0
    city = profiles / "city.yaml"
    _edit(city, f"pack: {PACK}", "pack: no-such-pack")
    result = cli("profiles", "validate", str(profiles))
    assert result.exit_code == 2
    assert f"{city}:1:7 pack [错误] 找不到活动包“no-such-pack”" in result.stderr


def test_campaign_option_must_agree_with_city_yaml(cli, user_pack, tmp_path):
    profiles = tmp_path / "profiles"
    assert cli("campaigns", "demo", PACK, str(profiles), cwd=tmp_path).exit_code == 0
    ok = cli("profiles", "validate", str(profiles), "--campaign", "xianjinxing-2005", cwd=tmp_path)
    assert ok.exit_code == 0, ok.output  # city.yaml names its pack: that one wins
    unknown = cli("profiles", "validate", str(profiles), "--campaign", "nope", cwd=tmp_path)
    assert unknown.exit_code == 2 and "找不到活动包“nope”" in unknown.stderr
