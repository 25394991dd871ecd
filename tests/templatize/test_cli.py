"""``speechkit template from`` on the command line: the review, the HTML report, the trial fill,
.doc input through LibreOffice, and a clear exit 2 for every bad input — the source untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from speechkit import Template, load_profile
from tests.conftest import PROFILES, TEMPLATES, requires_soffice, run_cli, soffice_convert
from tests.templatize.conftest import docx_bytes, write

DONGHU = PROFILES / "towns" / "donghu.yaml"
LINHAI = PROFILES / "towns" / "linhai.yaml"


@pytest.fixture
def finished_plan(tmp_path: Path) -> Path:
    """The shipped plan rendered for 东湖镇: a finished document as a secretary has it."""
    data = Template(TEMPLATES / "实施方案.docx").render(load_profile(DONGHU).context())
    return write(tmp_path / "东湖镇实施方案.docx", data)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_template_from_writes_the_template_the_review_and_the_trial(finished_plan, tmp_path):
    out, report = tmp_path / "模板.docx", tmp_path / "报告.html"
    before = _digest(finished_plan)
    result = run_cli(
        "template", "from", finished_plan, "--profile", DONGHU, "-o", out,
        "--report", report, "--check-with", LINHAI, "--source-template", TEMPLATES / "实施方案.docx",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "「东湖镇」→ {{ town.name }}" in result.stdout
    assert "往返检验：新模板用同一份资料填写后，与范文逐段一致。" in result.stdout
    assert (
        f"试填 {LINHAI}" in result.stdout
        or "linhai.yaml：与原模板填写的结果逐段一致。" in result.stdout
    )
    assert "与原模板填写的结果逐段一致" in result.stdout
    html = report.read_text(encoding="utf-8")
    assert "模板生成报告" in html and "{{ town.name }}" in html and "有歧义" in html
    assert Template(out).variables >= {"town", "party", "leading_group"}
    assert _digest(finished_plan) == before


def test_existing_output_is_not_overwritten_without_force(finished_plan, tmp_path):
    out = write(tmp_path / "模板.docx", b"keep me")
    result = run_cli("template", "from", finished_plan, "--profile", DONGHU, "-o", out)
    assert result.exit_code == 2
    assert "已存在" in result.stderr and out.read_bytes() == b"keep me"


def test_the_source_is_never_the_output(finished_plan):
    before = _digest(finished_plan)
    result = run_cli(
        "template", "from", finished_plan, "--profile", DONGHU, "-o", finished_plan, "--force"
    )
    assert result.exit_code == 2 and "范文不会被改动" in result.stderr
    assert _digest(finished_plan) == before


def test_a_document_that_already_holds_tags_is_refused(tmp_path):
    source = write(tmp_path / "t.docx", docx_bytes(["{{ town.name }}召开会议"]))
    result = run_cli("template", "from", source, "--profile", DONGHU, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2
    assert "已经有模板标记" in result.stderr and "正文 第1段" in result.stderr
    assert not (tmp_path / "o.docx").exists()


def test_a_document_without_any_value_is_refused(tmp_path):
    source = write(tmp_path / "t.docx", docx_bytes(["同志们：今天召开会议。"]))
    result = run_cli("template", "from", source, "--profile", DONGHU, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and "没有找到资料中的任何值" in result.stderr
    assert "Traceback" not in result.output


def test_a_profile_that_does_not_validate_is_refused(finished_plan, tmp_path):
    bad = write(tmp_path / "bad.yaml", "town:\n  name: 东湖镇\n".encode())
    result = run_cli("template", "from", finished_plan, "--profile", bad, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and "错误" in result.stderr
    assert not (tmp_path / "o.docx").exists()


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "密码"),
        (b"PK\x03\x04broken", "损坏"),
    ],
    ids=["empty", "encrypted-or-doc-named-docx", "corrupt"],
)
def test_unreadable_documents_get_a_chinese_message(tmp_path, content, words):
    source = write(tmp_path / "范文.docx", content)
    result = run_cli("template", "from", source, "--profile", DONGHU, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and words in result.stderr and "范文.docx" in result.stderr
    assert source.read_bytes() == content


@requires_soffice
@pytest.mark.soffice
def test_a_doc_file_goes_through_libreoffice(finished_plan, tmp_path):
    doc = soffice_convert(finished_plan, "doc", tmp_path)
    out = tmp_path / "模板.docx"
    result = run_cli(
        "template", "from", doc, "--profile", DONGHU, "-o", out,
        "--check-with", LINHAI, "--source-template", TEMPLATES / "实施方案.docx",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "已用 LibreOffice 转换后读取" in result.stdout
    assert "往返检验：新模板用同一份资料填写后，与范文逐段一致。" in result.stdout
    assert "与原模板填写的结果逐段一致" in result.stdout


def test_without_libreoffice_a_doc_gets_a_clear_message(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    doc = write(tmp_path / "旧文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = run_cli("template", "from", doc, "--profile", DONGHU, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and "LibreOffice" in result.stderr and "另存为" in result.stderr
