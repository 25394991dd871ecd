"""A text is judged by its own date and its own campaign: texts of 2005, 2016, 2023 and 2025
(written here) are never asked for another era's or another campaign's formulations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.check import check_text, load_rules
from speechkit.check.engine import document_date
from speechkit.check.model import Document
from speechkit.check.sources import text_blocks

TEXTS = {
    2005: """在全镇保持共产党员先进性教育活动动员大会上的讲话
（2005年7月5日）
同志们：
按照中央的统一部署，我镇第二批保持共产党员先进性教育活动从今天开始。
这次活动以实践“三个代表”重要思想为主要内容，是贯彻党的十六大和十六届四中全会精神的重要举措。
全镇党员要牢记“两个务必”，把学习同本职工作结合起来，确保活动取得实效。
中共某某镇委员会
2005年7月5日""",
    2016: """在全镇“两学一做”学习教育工作座谈会上的讲话
（2016年5月10日）
同志们：
开展“两学一做”学习教育，是加强党的思想政治建设的一项重大部署。
各党支部要以“三会一课”为基本制度，引导党员学党章党规、学系列讲话，做合格党员。
全镇党员要增强政治意识、大局意识、核心意识、看齐意识，在本职岗位上发挥作用。
中共某某镇委员会
2016年5月10日""",
    2023: """在全镇学习贯彻习近平新时代中国特色社会主义思想主题教育动员部署会上的讲话
（2023年9月12日）
同志们：
按照党中央部署，全镇第二批主题教育从今天开始。
我们要深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”。
要坚持学思想、强党性、重实践、建新功，推动理论学习、调查研究、推动发展、检视整改贯通起来。
中共某某镇委员会
2023年9月12日""",
    2025: """在全镇深入贯彻中央八项规定精神学习教育动员部署会上的讲话
（2025年4月8日）
同志们：
开展深入贯彻中央八项规定精神学习教育，是以习近平同志为核心的党中央作出的重要部署。
各级党组织要坚持学查改一体推进，把作风建设融入日常、抓在经常。
中共某某镇委员会
2025年4月8日""",
}

ERA_WORDS = {
    2005: ("三个代表", "十六大", "十六届四中全会", "先进性教育活动", "两个务必"),
    2016: ("两学一做",),
    2023: ("两个确立", "主题教育", "三个务必"),
    2025: ("八项规定精神学习教育",),
}


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _wanted(finding) -> str:
    return f"{finding.match}{finding.suggestion or ''}{finding.message}"


@pytest.mark.parametrize("year", sorted(TEXTS))
def test_text_is_never_asked_for_another_eras_formulations(rules, year):
    report = check_text(TEXTS[year], name=f"{year}年动员讲话.txt", rules=rules, doc_type="speech")
    required = [f for f in report.findings if f.category == "required"]
    for f in required:
        for other, words in ERA_WORDS.items():
            if other == year:
                continue
            asked = [w for w in words if w in (f.suggestion or "") or w in f.message]
            assert not asked, (year, f.rule, f.message, asked)


@pytest.mark.parametrize("year", sorted(TEXTS))
def test_every_finding_comes_from_a_rule_valid_on_the_texts_date_and_campaign(rules, year):
    report = check_text(TEXTS[year], name=f"{year}年动员讲话.txt", rules=rules, doc_type="speech")
    doc = Document("x.txt", "txt", text_blocks(TEXTS[year], False))
    when = document_date(doc)
    assert when is not None and when.year == year
    campaign = rules.find_campaign(TEXTS[year])
    for f in report.findings:
        rule = rules.get(f.rule)
        assert rule.valid_from is None or rule.valid_from <= when, f.rule
        assert rule.valid_until is None or when <= rule.valid_until, f.rule
        assert rules.scope.get(rule.id, campaign) == campaign, (f.rule, campaign)


def test_the_2005_campaign_rules_apply_to_2005_texts_only(rules):
    # the same 2005 speech without 三个代表 and 十六大: its own campaign's formulations are asked
    bare = (
        TEXTS[2005]
        .replace("这次活动以实践“三个代表”重要思想为主要内容，", "")
        .replace("是贯彻党的十六大和十六届四中全会精神的重要举措。", "")
    )
    got = {f.rule for f in check_text(bare, rules=rules, doc_type="speech").findings}
    assert "required.speech.three-represents" in got
    assert "required.speech.congress" in got
    # a 2025 text never is, with or without a 2005-style slip in it
    text = TEXTS[2025] + "\n要学习三个代表思想。"
    got = {f.rule for f in check_text(text, rules=rules, doc_type="speech").findings}
    assert not {r for r in got if rules.scope.get(r) == "xianjinxing-2005"}
    # unless the writer says the text belongs to that campaign
    got = {
        f.rule
        for f in check_text(
            text, rules=rules, doc_type="speech", campaign="xianjinxing-2005"
        ).findings
    }
    assert "required.three-represents" in got and "required.speech.campaign" in got


def test_text_without_campaign_name_gets_no_campaign_rules(rules):
    text = "关于做好秋季防汛工作的通知\n各村（社区）：\n请按要求做好值班值守工作。"
    report = check_text(text, rules=rules, doc_type="plan")
    assert not [f.rule for f in report.findings if f.rule in rules.scope]


def test_document_date_order_profile_then_title_block_then_option():
    doc = Document("x.txt", "txt", text_blocks(TEXTS[2016], False))
    assert document_date(doc) == dt.date(2016, 5, 10)
    hanzi = Document(
        "y.txt", "txt", text_blocks("标题\n正文。\n某某镇党委\n二〇〇五年七月十五日", False)
    )
    assert document_date(hanzi) == dt.date(2005, 7, 15)

    class _Profile:
        data = {"meeting": {"date": dt.date(2024, 7, 5)}, "plan": {"date": dt.date(2024, 7, 8)}}

    assert document_date(doc, _Profile(), "speech") == dt.date(2024, 7, 5)
    assert document_date(doc, _Profile(), "plan") == dt.date(2024, 7, 8)
    undated = Document("z.txt", "txt", text_blocks("标题\n正文没有日期。", False))
    assert document_date(undated) is None


DATED_RULE = """\
rules:
  - id: test.three-musts
    type: required
    category: required
    severity: warning
    message: 全文没有出现“{suggestion}”。
    literal: 三个务必
    valid_from: 2022-10-22
    source: 党的二十大报告（2022年10月16日）
"""


def test_date_option_is_used_for_an_undated_text_only(cli, tmp_path):
    pack = tmp_path / "dated.yaml"
    pack.write_text(DATED_RULE, "utf-8")
    undated = tmp_path / "稿子.txt"
    undated.write_text("学习教育要抓好。\n", "utf-8")

    def rules_hit(path, date):
        result = cli("check", str(path), "--rules", str(pack), "--date", date, "--format", "json")
        assert result.exit_code in (0, 1), result.output
        return "test.three-musts" in result.stdout

    assert not rules_hit(undated, "2005-07-01")
    assert rules_hit(undated, "2023-03-01")
    dated = tmp_path / "讲话.txt"
    dated.write_text("标题\n学习教育要抓好。\n某某镇党委\n2005年7月1日\n", "utf-8")
    assert not rules_hit(dated, "2023-03-01")  # the text's own 落款 date wins
    bad = cli("check", str(undated), "--date", "2005-13-01")
    assert bad.exit_code == 2


_HANZI = "〇一二三四五六七八九"


def _hanzi_year(year: int) -> str:
    return "".join(_HANZI[int(c)] for c in str(year))


def _hanzi_small(n: int) -> str:
    if n < 10:
        return _HANZI[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _HANZI[tens]) + "十" + (_HANZI[ones] if ones else "")


@given(
    day=st.dates(min_value=dt.date(1949, 10, 1), max_value=dt.date(2099, 12, 31)),
    hanzi=st.booleans(),
    wrapped=st.booleans(),
)
def test_document_date_reads_any_written_date_in_the_closing(day, hanzi, wrapped):
    if hanzi:
        written = f"{_hanzi_year(day.year)}年{_hanzi_small(day.month)}月{_hanzi_small(day.day)}日"
    else:
        written = f"{day.year}年{day.month}月{day.day}日"
    line = f"（{written}）" if wrapped else written
    doc = Document(
        "x.txt", "txt", text_blocks(f"标题\n正文没有日期，内容较长。\n某某镇党委\n{line}", False)
    )
    assert document_date(doc) == day


SCOPED_PACK = """\
disable: [required.plan.guiding-thought]
rules:
  - id: required.plan.steps
    type: required
    category: required
    severity: warning
    message: 实施方案缺少“{suggestion}”部分。
    doc_types: [plan]
    literal: 重点任务
    source: 某某学习教育的通知（测试）
"""


def test_a_campaigns_disable_and_overrides_apply_to_its_documents_only(tmp_path):
    from speechkit.check.pack import _add_campaign

    path = tmp_path / "rules.yaml"
    path.write_text(SCOPED_PACK, "utf-8")
    rules = load_rules(campaigns=False)
    _add_campaign(rules, path, "test-campaign")
    plan = "一、工作安排\n二、方法步骤"
    theirs = {
        f.rule: f.suggestion
        for f in check_text(plan, rules=rules, doc_type="plan", campaign="test-campaign").findings
    }
    others = {f.rule: f.suggestion for f in check_text(plan, rules=rules, doc_type="plan").findings}
    assert "required.plan.guiding-thought" not in theirs
    assert theirs["required.plan.steps"] == "重点任务"  # its own version of the rule
    assert "required.plan.guiding-thought" in others  # other documents keep the base rules
    assert "required.plan.steps" not in others
    assert [r.id for r in rules.rules].count("required.plan.steps") == 1
