"""The tests every shipped pack passes (imported by tests/campaigns/test_<pack>_pack.py)."""

from __future__ import annotations

from tests.campaigns import shipped
from tests.conftest import LONG_MEMBER


def rules_self_test(pack: str) -> None:
    """Every rule of the pack has a source, examples, and its examples pass."""
    from speechkit.check.pack import load_pack_file, load_rules
    from speechkit.check.selftest import run_examples

    _name, _disabled, rules = load_pack_file(shipped.PACKS / pack / "rules.yaml")
    assert rules
    loaded = load_rules([shipped.PACKS / pack / "rules.yaml"])
    for rule in rules:
        assert rule.source, f"{rule.id} 没有出处（source）"
        assert rule.examples["bad"] and rule.examples["good"], rule.id
        failed = [r for r in run_examples(loaded.get(rule.id), loaded) if not r.passed]
        assert not failed, failed


def demo_city_shape(pack: str) -> None:
    """≥ 6 towns of every kind incl. 街道, rosters for some, members summing to the total."""
    info = shipped.campaign(pack)
    towns = shipped.town_files(pack)
    assert len(towns) >= 6
    assert {t["town"]["kind"] for t in towns.values()} == {"镇", "区", "街道"}
    assert len({t["town"]["name"] for t in towns.values()}) == len(towns)
    rosters = list((shipped.PACKS / pack / "demo" / "towns").glob("*.members.*"))
    assert len(rosters) >= 2
    city = shipped.load_yaml_bytes(
        (shipped.PACKS / pack / "demo" / "city.yaml").read_bytes(), shown="city.yaml"
    ).data
    assert city["pack"] == info["id"] == pack
    assert sum(t["party"]["members"] for t in towns.values()) == city["campaign"]["members"]
    for t in towns.values():
        assert info["start"] <= t["meeting"]["date"] <= info["end"]
        assert info["start"] <= t["plan"]["date"] <= info["end"]


def render_check_format(pack: str, tmp_path) -> list:
    """Render everything; every output checks clean and passes format-check."""
    from speechkit.typeset.check import format_check

    outputs = shipped.render_demo(pack, tmp_path)
    kinds = {o.doc["kind"] for o in outputs}
    assert kinds == {d["kind"] for d in shipped.campaign(pack)["documents"]}
    assert any(o.member for o in outputs), "名册中的党员应各有一份表"
    problems = {}
    for output in outputs:
        found = shipped.findings(pack, output)
        layout = [str(d) for d in format_check(output.path)]
        if found or layout:
            problems[output.path.name] = found + layout
    assert not problems, problems
    for output in outputs:
        text = shipped.body_text(output.path)
        assert "{{" not in text and "{%" not in text, output.path.name
    return outputs


def speech_length(outputs) -> None:
    """Each rendered speech is 3,000–5,000 characters."""
    speeches = [o for o in outputs if o.doc["kind"] == "speech"]
    assert speeches
    for o in speeches:
        assert 3000 <= len(shipped.body_text(o.path)) <= 5000, o.path.name


def member_forms_carry_the_member(outputs) -> None:
    """A per-member form shows that member's name; the blank one shows none."""
    forms = [o for o in outputs if o.doc.get("per_member")]
    assert forms
    from docx import Document

    for o in forms:
        cells = "".join(
            c.text for t in Document(str(o.path)).tables for r in t.rows for c in r.cells
        )
        if o.member:
            assert o.member in cells
        else:
            assert not any(x.member and x.member in cells for x in forms if x.town == o.town)


def form_fits_one_page(pack: str, tmp_path) -> None:
    """The per-member form, filled with 40-character 职务 and 支部, prints on one A4 page."""
    from speechkit.engine import Template
    from speechkit.profiles import load_profile
    from speechkit.typeset.pdf import convert_to_pdf
    from tests.conftest import pdf_text

    doc = next(d for d in shipped.campaign(pack)["documents"] if d.get("per_member"))
    template = tmp_path / doc["template"]
    template.write_bytes(shipped.build_template(pack, doc))
    context = load_profile(shipped.PACKS / pack / "demo" / "towns" / "donghu.yaml").context()
    filled = tmp_path / "filled.docx"
    Template(template).save({**context, "member": LONG_MEMBER}, filled)
    text = pdf_text(convert_to_pdf(filled, tmp_path), layout=False)
    assert text.count("\f") == 1  # one page
    flat = "".join(text.split())
    assert "欧阳示范" in flat and "本人签名：" in flat
