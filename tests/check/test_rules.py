"""Rule packs: validation with located errors, merging, the self-test, and each rule type."""

from __future__ import annotations

import pytest

from speechkit.check import check_text, load_rules
from speechkit.check.pack import load_pack_file
from speechkit.check.selftest import test_pack as run_pack_examples
from speechkit.errors import RulePackError

GOOD_RULE = """\
pack: 测试包
rules:
  - id: local.term
    type: substitution
    category: forbidden
    severity: warning
    message: 请写“{suggestion}”。
    swap: {老提法: 新提法}
    examples: {bad: [沿用老提法], good: [使用新提法]}
"""


def write(tmp_path, text, name="pack.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_pack_tests_itself(default_pack):
    results = run_pack_examples(default_pack)
    failed = [(r.rule, r.kind, r.text) for r in results if not r.passed]
    assert failed == []
    assert len(results) >= 150
    assert len(default_pack.rules) >= 50


def test_default_pack_has_every_category_and_200_typo_pairs(default_pack):
    cats = {r.category for r in default_pack.rules}
    assert cats == {
        "required",
        "forbidden",
        "typo",
        "placeholder",
        "punctuation",
        "number",
        "consistency",
    }
    pairs = sum(len(getattr(r, "swap", {})) for r in default_pack.rules if r.category == "typo")
    assert pairs >= 200


def test_extra_pack_adds_and_overrides(tmp_path):
    pack = load_rules([write(tmp_path, GOOD_RULE)])
    assert pack.get("local.term") is not None
    report = check_text("沿用老提法", rules=pack)
    assert [(f.rule, f.match, f.suggestion) for f in report.findings] == [
        ("local.term", "老提法", "新提法")
    ]
    override = GOOD_RULE.replace("local.term", "typo.common").replace("warning", "info")
    pack2 = load_rules([write(tmp_path, override, "o.yaml")])
    assert pack2.get("typo.common").severity == "info"
    assert len(pack2.rules) == len(load_rules().rules)


def test_disable_switches_rules_off(tmp_path):
    pack = load_rules([write(tmp_path, "disable: [typo.common]\nrules: []\n")])
    assert pack.get("typo.common") is None
    assert check_text("认真布署", rules=pack).findings == []


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (GOOD_RULE.replace("type: substitution", "type: nonsense"), 4, "type“nonsense”无效"),
        (GOOD_RULE.replace("severity: warning", "severity: fatal"), 6, "severity 的值“fatal”无效"),
        (
            GOOD_RULE.replace("swap: {老提法: 新提法}", "regex: '(['\n    replacement: x"),
            8,
            "正则表达式",
        ),
        (
            GOOD_RULE.replace("    examples:", "    colour: red\n    examples:"),
            9,
            "未知的键“colour”",
        ),
        (GOOD_RULE.replace("    message: 请写“{suggestion}”。\n", ""), 3, "缺少必填项 message"),
        (GOOD_RULE + GOOD_RULE.split("rules:\n")[1], 10, "重复"),
        ("rules:\n  - id: x\n    type: [unclosed\n", 4, "方括号列表没有正确结束"),
    ],
)
def test_invalid_packs_are_located(tmp_path, text, line, needle):
    p = write(tmp_path, text)
    with pytest.raises(RulePackError) as exc:
        load_pack_file(p)
    msg = exc.value.format_message()
    assert needle in msg
    assert f"pack.yaml:{line}:" in msg


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD_RULE.replace("severity: warning", "severity: fatal").replace(
        "category: forbidden", "category: nope"
    )
    text += (
        GOOD_RULE.split("rules:\n")[1]
        .replace("local.term", "local.other")
        .replace("type: substitution", "type: zzz")
    )
    with pytest.raises(RulePackError) as exc:
        load_pack_file(write(tmp_path, text))
    got = [(p.location.line, p.message) for p in exc.value.problems]
    assert len(got) == 3, got  # category and severity of rule 1, type of rule 2
    assert got[0][0] == 5 and "category 的值“nope”无效" in got[0][1]
    assert got[1][0] == 6 and "severity 的值“fatal”无效" in got[1][1]
    assert got[2][0] == 11 and "type“zzz”无效" in got[2][1]


def test_every_problem_of_one_rule_with_its_line(tmp_path):
    p = write(
        tmp_path,
        "rules:\n  - id: x\n    category: nonsense\n    severity: fatal\n"
        "  - id: y\n    type: existence\n    category: typo\n    severity: error\n"
        "    regex: '('\n    colour: red\n",
    )
    with pytest.raises(RulePackError) as exc:
        load_pack_file(p)
    msg = exc.value.format_message()
    assert "None" not in msg
    lines = msg.splitlines()[1:]
    assert any("pack.yaml:2:" in m and "缺少必填项 type" in m for m in lines)
    assert any("pack.yaml:3:" in m and "category 的值“nonsense”无效" in m for m in lines)
    assert any("pack.yaml:4:" in m and "severity 的值“fatal”无效" in m for m in lines)
    assert any("pack.yaml:2:" in m and "规则 x：缺少必填项 message" in m for m in lines)
    assert any("pack.yaml:9:" in m and "正则表达式“(”有误" in m for m in lines)
    assert any("pack.yaml:5:" in m and "规则 y：缺少必填项 message" in m for m in lines)
    assert any("pack.yaml:10:" in m and "未知的键“colour”" in m for m in lines)
    assert len(lines) == 7, lines


def test_missing_pack_file(tmp_path):
    with pytest.raises(RulePackError, match="规则包不存在"):
        load_rules([tmp_path / "none.yaml"])


def test_formulation_reports_variants_with_quotes_and_tail():
    r = check_text(
        '学习"三个代表"重要思想和三个代表思想，坚持“三个代表”重要思想',
        campaign="xianjinxing-2005",
    )
    got = [(f.match, f.suggestion) for f in r.findings if f.rule == "required.three-represents"]
    assert got == [
        ('"三个代表"重要思想', "“三个代表”重要思想"),
        ("三个代表思想", "“三个代表”重要思想"),
    ]


def test_tokens_scope_avoids_cross_word_matches():
    text = "他自己经常学习，以经济建设为中心，工作己经展开"
    r = check_text(text)
    got = [(f.match, f.location.start) for f in r.findings if f.rule == "typo.yi-ji"]
    assert got == [("己经", text.index("己经展开"))]


def test_repetition_uses_tokens():
    r = check_text("我们的的工作的的确确做好了")
    assert [(f.match, f.location.start) for f in r.findings if f.rule == "typo.doubled"] == [
        ("的的", 2)
    ]


def test_balance_reports_each_unmatched_mark():
    text = "下发了《意见，按照“两个务必”要求）"
    r = check_text(text)
    got = sorted((f.match, f.location.start) for f in r.findings if f.rule == "punct.unbalanced")
    assert got == [("《", 3), ("）", len(text) - 1)]


def test_required_rules_depend_on_document_type():
    text = "开展先进性教育活动"
    speech = check_text(text, doc_type="speech")
    plan = check_text(text, doc_type="plan")
    assert "required.speech.campaign" in {f.rule for f in speech.findings}
    assert "required.plan.guiding-thought" not in {f.rule for f in speech.findings}
    assert "required.plan.guiding-thought" in {f.rule for f in plan.findings}
    assert not any(f.rule.startswith("required.speech") for f in check_text(text).findings)


def test_validity_dates(tmp_path):
    text = GOOD_RULE.replace("    examples:", "    valid_until: 2020-01-01\n    examples:")
    pack = load_rules([write(tmp_path, text)])
    import datetime as dt

    now = check_text("老提法", rules=pack, as_of=dt.date(2024, 1, 1))
    assert "local.term" not in {f.rule for f in now.findings}
    old = check_text("老提法", rules=pack, as_of=dt.date(2019, 1, 1))
    assert "local.term" in {f.rule for f in old.findings}


def test_ignore_by_id_prefix_and_category():
    text = "会后,***认真布署"
    all_rules = {f.rule for f in check_text(text).findings}
    assert {"punct.halfwidth", "placeholder.stars", "typo.common"} <= all_rules
    assert "typo.common" not in {f.rule for f in check_text(text, ignore=["typo.common"]).findings}
    assert not any(f.rule.startswith("punct.") for f in check_text(text, ignore=["punct"]).findings)
    assert not any(
        f.category == "placeholder" for f in check_text(text, ignore=["placeholder"]).findings
    )


def test_balance_joins_wrapped_markdown_lines(tmp_path):
    from speechkit.check import check

    md = tmp_path / "a.md"
    md.write_text("第一行（括号跨行\n第二行闭合）正常\n\n新段落《未闭合\n", encoding="utf-8")
    got = [
        (f.location.paragraph, f.match) for f in check(md).findings if f.rule == "punct.unbalanced"
    ]
    assert got == [(4, "《")]
    txt = tmp_path / "a.txt"
    txt.write_text("第一行（括号跨行\n第二行闭合）正常\n", encoding="utf-8")
    got = [
        (f.location.paragraph, f.match) for f in check(txt).findings if f.rule == "punct.unbalanced"
    ]
    assert got == [(1, "（"), (2, "）")]


def test_damaged_cache_entry_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    p = write(tmp_path, GOOD_RULE)
    load_pack_file(p)
    (entry,) = (tmp_path / "cache" / "speechkit").glob("rules-*.json")
    entry.write_text('{"nonsense": 1}', encoding="utf-8")
    name, _, rules = load_pack_file(p)
    assert name == "测试包" and [r.id for r in rules] == ["local.term"]
    entry.write_text("not json", encoding="utf-8")
    assert [r.id for r in load_pack_file(p)[2]] == ["local.term"]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)


def test_alias_bomb_refused_quickly(tmp_path):
    import time

    p = write(tmp_path, BOMB)
    start = time.monotonic()
    with pytest.raises(RulePackError) as exc:
        load_pack_file(p)
    assert time.monotonic() - start < 5
    assert "别名炸弹" in exc.value.format_message()


def test_gbk_pack_accepted_like_profiles(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes(GOOD_RULE.encode("gbk"))
    name, _, rules = load_pack_file(p)
    assert name == "测试包" and rules[0].message == "请写“{suggestion}”。"
    assert check_text("沿用老提法", rules=load_rules([p])).findings[0].suggestion == "新提法"


def test_yaml_syntax_error_in_chinese_like_profiles(tmp_path):
    from speechkit.profiles.loader import load_yaml_text

    text = "rules: [1\n"
    with pytest.raises(RulePackError) as exc:
        load_pack_file(write(tmp_path, text))
    msg = exc.value.format_message()
    expected = load_yaml_text(text, shown="pack.yaml").problems[0].message
    assert expected in msg and "expected" not in msg


def test_dates_in_packs_still_read(tmp_path):
    text = GOOD_RULE.replace("    examples:", "    valid_from: 2024-01-01\n    examples:")
    _, _, rules = load_pack_file(write(tmp_path, text))
    assert rules[0].valid_from.isoformat() == "2024-01-01"
    _, _, again = load_pack_file(write(tmp_path, text))  # from the validated cache
    assert again[0].valid_from == rules[0].valid_from


def test_quotes_inside_a_quoted_value_are_nested_as_single_quotes():
    from speechkit.check.ruletypes.base import nest_quotes

    assert nest_quotes("全文没有出现““三个代表”重要思想”。") == "全文没有出现“‘三个代表’重要思想”。"
    assert nest_quotes("“两个务必”和“八个坚持”") == "“两个务必”和“八个坚持”"
    assert nest_quotes("不配对的““引号”") == "不配对的““引号”"
