"""Every shipped campaign pack is complete: it validates, its templates rebuild byte for byte,
its demo city validates, and every demo document renders, checks clean and passes format-check."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import sys

import pytest

from speechkit import campaigns

SHIPPED = sorted(p.name for p in campaigns.SHIPPED_DIR.iterdir() if (p / "campaign.yaml").is_file())
MEMBER = {
    "name": "甲某某",
    "gender": "女",
    "birth": dt.date(1975, 3, 1),
    "joined": dt.date(1998, 7, 1),
    "branch": "机关第一党支部",
    "post": "党支部书记",
}


def _docx_text(data: bytes) -> str:
    from docx import Document

    d = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    for table in d.tables:
        for row in table.rows:
            text += "\n" + "|".join(cell.text for cell in row.cells)
    return text


def test_at_least_the_2005_pack_is_shipped():
    assert "xianjinxing-2005" in SHIPPED
    assert campaigns.current_pack().id in SHIPPED


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_pack_validates_deeply(pack_id):
    from speechkit.campaigns.validate import validate_pack

    problems = validate_pack(campaigns.SHIPPED_DIR / pack_id)
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_every_packs_templates_rebuild_byte_for_byte(tmp_path):
    """``make templates`` into a temporary folder, in its own interpreter (other tests import
    docxcompose, which changes python-docx's output)."""
    from tests.conftest import ROOT

    proc = subprocess.run(
        [sys.executable, str(ROOT / "templates" / "build.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for pack_id in SHIPPED:
        pack = campaigns.get_pack(pack_id)
        built = sorted((tmp_path / pack_id).glob("*.docx"))
        assert sorted(p.name for p in built) == sorted(
            d.template for d in pack.documents if d.source
        )
        for path in built:
            assert path.read_bytes() == (pack.templates_dir / path.name).read_bytes(), (
                f"{pack_id}/{path.name} 与 templates/src 不一致：请运行 make templates"
            )


def test_root_templates_are_the_current_packs():
    from tests.conftest import ROOT

    pack = campaigns.current_pack()
    for doc in pack.documents:
        assert (ROOT / "templates" / doc.template).read_bytes() == (
            pack.templates_dir / doc.template
        ).read_bytes()


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_demo_city_renders_checks_clean_and_passes_format_check(pack_id, tmp_path):
    from speechkit.check import check
    from speechkit.engine.template import Template
    from speechkit.profiles import find_towns, has_errors, load_profile, validate
    from speechkit.typeset.check import format_check

    pack = campaigns.get_pack(pack_id)
    problems = validate([pack.demo_dir])
    assert not has_errors(problems), [str(p) for p in problems]
    towns = find_towns(pack.demo_dir)
    assert towns
    profile = load_profile(towns[0])
    assert profile.pack_id == pack.id
    for doc in pack.documents:
        ctx = profile.context()
        if doc.per_member:
            ctx["member"] = MEMBER
        out = tmp_path / f"{doc.id}.docx"
        Template(pack.templates_dir / doc.template).save(ctx, out)
        report = check(out, profile=profile, doc_type=doc.kind if doc.kind != "material" else None)
        serious = [
            f"{f.rule} {f.match} {f.message}" for f in report.findings if f.severity != "info"
        ]
        assert serious == [], (doc.name, serious)
        assert format_check(out) == [], doc.name


# sha256 of each document's text rendered for 东湖镇 before the 2005 content became a pack
# (templates/ and profiles/ of main at 3c6bdee; the form as laid out from its .form.yaml at
# e66e860, its check boxes ▢ since caa554f; member 甲某 for the form).
RENDERED_2005 = {
    "动员讲话": "a9b6fea025f9143144a10494120850bd260a2b112e3d65e87eca9cd557a75519",
    "实施方案": "c3ee249cbdd89c7aafb1b3bcc7cd537abc379e7f35d75ea76d774fc36303e09e",
    "党性分析评议表": "2b4567a0354e8c41eb1661dd14767b7960d1a66b97ee64f2906112e71e51bedc",
}


def test_2005_pack_renders_the_same_text_as_before_the_move(tmp_path):
    """The pack's demo city is dated 2005 (its texts are judged by that date); with the dates
    the seed's demo used (2024) the pack renders exactly the text the templates gave before."""
    import re
    import shutil

    from speechkit.engine.template import Template
    from speechkit.profiles import load_profile

    pack = campaigns.get_pack("xianjinxing-2005")
    demo = tmp_path / "demo"
    shutil.copytree(pack.demo_dir, demo)
    for path in [demo / "city.yaml", *(demo / "towns").glob("*.yaml")]:
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\b2005-(\d\d-\d\d)", r"2024-\1", text), "utf-8")
    profile = load_profile(demo / "towns" / "donghu.yaml")
    assert profile.data["meeting"]["date"] == dt.date(2024, 7, 5)
    for doc in pack.documents:
        ctx = profile.context()
        if doc.per_member:
            ctx["member"] = {
                "name": "甲某",
                "gender": "男",
                "birth": dt.date(1970, 3, 1),
                "joined": dt.date(1990, 7, 1),
                "branch": "一支部",
                "post": "书记",
            }
        text = _docx_text(Template(pack.templates_dir / doc.template).render(ctx))
        assert hashlib.sha256(text.encode()).hexdigest() == RENDERED_2005[doc.name], doc.name


def test_list_json_has_every_shipped_pack(cli):
    result = cli("campaigns", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {d["id"] for d in data} >= set(SHIPPED)
    old = next(d for d in data if d["id"] == "xianjinxing-2005")
    assert old["name"] == "保持共产党员先进性教育活动"
    assert (old["start"], old["end"]) == ("2005-01-01", "2006-06-30")
    assert [d["name"] for d in old["documents"]] == ["动员讲话", "实施方案", "党性分析评议表"]


def test_demo_command_writes_a_bound_profiles_folder_and_refuses_a_full_one(cli, tmp_path):
    target = tmp_path / "海川"
    result = cli("campaigns", "demo", "xianjinxing-2005", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "city.yaml").read_text("utf-8").count("pack: xianjinxing-2005") == 1
    assert len(list((target / "towns").glob("*.yaml"))) == 14
    assert cli("profiles", "validate", str(target)).exit_code == 0
    before = sorted(p.name for p in target.rglob("*"))
    again = cli("campaigns", "demo", "xianjinxing-2005", str(target))
    assert again.exit_code == 2 and "不是空文件夹" in again.stderr
    assert sorted(p.name for p in target.rglob("*")) == before
    unknown = cli("campaigns", "demo", "no-such-pack", str(tmp_path / "x"))
    assert unknown.exit_code == 2 and "找不到活动包“no-such-pack”" in unknown.stderr
    assert not (tmp_path / "x").exists()


def test_form_fields_give_core_then_pack_fields_in_order():
    fields = campaigns.form_fields("xianjinxing-2005")
    keys = [f.key for f in fields]
    assert keys.index("town.name") < keys.index("party.members")
    assert "campaign.first_batch.units" in keys and "city.reform_years" in keys
    kind = next(f for f in fields if f.key == "town.kind")
    assert kind.type == "choice" and kind.choices == ("镇", "区", "街道") and kind.required
    weekday = next(f for f in fields if f.key == "campaign.report_weekday")
    assert weekday.type == "count" and weekday.file == "city" and not weekday.required
    points = next(f for f in fields if f.key == "city.idea_points")
    assert points.type == "list" and [i.key for i in points.items] == ["name", "meaning"]
    assert next(f for f in fields if f.key == "leading_group.deputies").type == "people"
    town_only = campaigns.form_fields("xianjinxing-2005", file="town")
    assert all(f.file == "town" for f in town_only) and "town.name" in [f.key for f in town_only]
    assert json.dumps([f.as_dict() for f in fields], ensure_ascii=False)


def test_root_profiles_are_the_current_packs_demo_city():
    from tests.conftest import ROOT

    demo = campaigns.current_pack().demo_dir
    root = ROOT / "profiles"
    files = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    for rel in files:
        assert (root / rel).read_bytes() == (demo / rel).read_bytes(), rel


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_tag_reader_finds_what_the_engine_finds(pack_id):
    """Validating a profile reads the templates' variables without the engine; same answer."""
    from speechkit.campaigns.tags import variable_paths
    from speechkit.engine.template import Template

    pack = campaigns.get_pack(pack_id)
    for doc in pack.documents:
        path = pack.templates_dir / doc.template
        light = set(variable_paths(path.read_bytes()))
        engine = {u.path for u in Template(path).variable_uses()}
        assert light - {"member"} == engine - {"member"}, doc.template
