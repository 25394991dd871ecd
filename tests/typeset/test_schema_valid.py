"""Every kind of .docx speechkit writes validates against the OOXML schema (openxml-audit).

Kinds: shipped templates (and those of every campaign pack), templates rendered for a town,
per-member forms and the merged file from ``batch --merge``, ``typeset`` output (plain text and
Markdown), table forms from a spec, and annotated copies from ``check --format docx``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from speechkit.engine import Template
from speechkit.profiles import load_profile
from speechkit.typeset.text import typeset
from tests.conftest import PROFILES, ROOT, TEMPLATES, run_cli
from tests.typeset.helpers import schema_findings

SHIPPED = sorted(TEMPLATES.glob("*.docx")) + sorted(
    (ROOT / "src" / "speechkit" / "packs").glob("*/templates/*.docx")
)


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    """``batch --merge`` for one demo town with a roster (forms, merged file, documents)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    result = run_cli(
        "batch", "--profiles", PROFILES, "--templates", TEMPLATES, "--out", out,
        "--town", "donghu", "--merge", "-j", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_templates_are_schema_valid(path):
    assert schema_findings(path) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_rendered_templates_are_schema_valid(path, tmp_path):
    own_demo = path.parent.parent / "demo" / "towns" / "donghu.yaml"  # a pack's own demo city
    town = own_demo if own_demo.is_file() else PROFILES / "towns" / "donghu.yaml"
    context = load_profile(town).context()
    out = tmp_path / path.name
    Template(path).save(context, out)
    assert schema_findings(out) == []


def test_per_member_forms_and_the_merged_file_are_schema_valid(batch_out):
    forms = sorted((batch_out / "东湖镇" / "党性分析评议表").glob("*.docx"))
    assert len(forms) >= 2
    for form in forms[:3]:
        assert schema_findings(form) == [], form.name
    merged = [p for p in (batch_out / "东湖镇").glob("*.docx") if "合订" in p.name]
    assert merged, sorted(p.name for p in (batch_out / "东湖镇").iterdir())
    assert schema_findings(merged[0]) == []


def test_batch_documents_are_schema_valid(batch_out):
    for doc in sorted((batch_out / "东湖镇").glob("*.docx")):
        assert schema_findings(doc) == [], doc.name


@pytest.mark.parametrize("markdown", [False, True])
def test_typeset_output_is_schema_valid(markdown):
    text = (
        "关于进一步加强和改进农村基层党组织建设工作的实施意见\n（2024年3月18日）\n各村党支部：\n"
        "一、总体要求\n㈠加强领导。各村要高度重视。\n第一，要明确责任。\n1、建立台账\n"
        "**重点**工作\n- 列表\n中共东湖镇委员会\n2024年3月18日\n"
    )
    assert schema_findings(typeset(text, markdown=markdown).data) == []


def test_annotated_copies_are_schema_valid(tmp_path):
    src = tmp_path / "讲话.txt"
    src.write_text("标题\n会后,大家已对市直69个单位进行了检查。己对问题进行整改。\n", "utf-8")
    docx = tmp_path / "讲话.docx"
    assert run_cli("typeset", src, "-o", docx).exit_code == 0
    annotated = tmp_path / "讲话.批注.docx"
    result = run_cli("check", docx, "--format", "docx", "-o", annotated)
    assert annotated.exists(), result.output
    assert schema_findings(annotated) == []
