"""The four kinds of change named in docs/architecture.md, each walked once end to end:
a campaign pack, a rule type, a document type and an output format."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from speechkit.check import check
from speechkit.check.pack import load_rules
from speechkit.check.ruletypes import RULE_TYPES, Hit, Rule
from speechkit.engine import Template
from tests.document.builders import two_section_document

CAMPAIGN_PACK = """\
pack: 示例活动规则包
rules:
  - id: campaign.old-name
    type: substitution
    category: forbidden
    severity: warning
    message: 本次活动的规范名称是“{suggestion}”。
    swap: {老名称学习教育: 新名称学习教育}
    examples: {bad: ['开展老名称学习教育'], good: ['开展新名称学习教育']}
"""


def test_a_campaign_pack_is_a_yaml_file_of_rules(tmp_path):
    pack = tmp_path / "示例活动.yaml"
    pack.write_text(CAMPAIGN_PACK, encoding="utf-8")
    draft = tmp_path / "讲话.txt"
    draft.write_text("全镇开展老名称学习教育。\n", encoding="utf-8")
    report = check(draft, rules=load_rules([pack]))
    (found,) = [f for f in report.findings if f.rule == "campaign.old-name"]
    assert found.match == "老名称学习教育" and found.suggestion == "新名称学习教育"


@dataclass
class LongSentence(Rule):
    """A new rule type: a sentence longer than ``limit`` characters."""

    limit: int = 60
    type_name = "long-sentence"

    @classmethod
    def from_spec(cls, spec, pack, line):
        return cls(**cls.common(spec, pack, line), limit=int(spec.str("limit") or 60))

    def run(self, block, ctx):
        return [
            Hit(m.start(), m.end())
            for m in re.finditer(r"[^。！？]+[。！？]?", block.scan_text)
            if len(m.group()) > self.limit
        ]


def test_a_rule_type_is_a_class_registered_by_its_type_name(tmp_path, monkeypatch):
    monkeypatch.setitem(RULE_TYPES, LongSentence.type_name, LongSentence)
    pack = tmp_path / "长句.yaml"
    pack.write_text(
        "pack: 长句\nrules:\n  - id: style.long-sentence\n    type: long-sentence\n"
        "    category: punctuation\n    severity: info\n    message: 句子太长。\n"
        "    limit: '10'\n",
        encoding="utf-8",
    )
    draft = tmp_path / "a.txt"
    draft.write_text("短句。这是一个超过十个字的很长很长的句子。\n", encoding="utf-8")
    report = check(draft, rules=load_rules([pack], default=False))
    assert [f.match for f in report.findings] == ["这是一个超过十个字的很长很长的句子。"]


def test_a_document_type_is_a_word_template_filled_from_a_profile(tmp_path):
    template = two_section_document(
        tmp_path / "新文种.docx", header2="{{ town.name }}", cell="{{ town.secretary }}同志"
    )
    out = Template(template).render({"town": {"name": "东湖镇", "secretary": "王明"}})
    path = tmp_path / "东湖镇 新文种.docx"
    path.write_bytes(out)
    texts = {str(b.address): b.text for b in check(path).blocks}
    assert texts["页眉2 第1段"] == "东湖镇"
    assert texts["正文 表格1 第2行第3列"] == "王明同志"


def to_csv(reports) -> str:
    """A new output format: one CSV row per finding, the address in its own columns."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["文件", "位置", "部分", "段", "规则", "说明"])
    for r in reports:
        for f in r.findings:
            a = f.location.address
            where = str(a) if a else f"第{f.location.paragraph}行"
            part = a.part_label if a else ""
            writer.writerow([r.path, where, part, a.paragraph if a else "", f.rule, f.message])
    return buf.getvalue()


def test_an_output_format_reads_the_reports_and_their_addresses(tmp_path):
    doc = two_section_document(tmp_path / "两节.docx")
    rows = list(csv.reader(io.StringIO(to_csv([check(doc)]))))
    assert rows[0][:2] == ["文件", "位置"]
    places = {(row[1], row[4]) for row in rows[1:]}
    assert ("页眉2 第1段", "placeholder.crosses") in places
    assert ("正文 表格1 第2行第3列", "placeholder.crosses") in places
