"""Chinese names of rules, shown in reports in place of their ids.

A rule names itself with ``name:`` in its pack. The rules of the default pack written before
that key existed are named here, by id, so their names survive when a rule moves to another
pack; a rule with neither falls back to the name of its category.
"""

from __future__ import annotations

from speechkit.check.model import CATEGORY_NAMES

DEFAULT_NAMES = {
    "placeholder.stars": "星号占位符",
    "placeholder.crosses": "××、○○ 占位符",
    "placeholder.empty-brackets": "空括号占位",
    "placeholder.to-fill": "待填写占位",
    "placeholder.template-tag": "模板标记未替换",
    "placeholder.blank-name": "空格代替名称",
    "placeholder.either-or": "选择式写法",
    "required.three-represents": "“三个代表”提法",
    "required.two-musts": "“两个务必”提法",
    "required.eight-insists": "“八个坚持、八个反对”提法",
    "required.campaign-name": "活动全称",
    "required.sixteenth-congress": "党的十六大提法",
    "forbidden.campaign-name-short": "活动名称简写",
    "forbidden.congress-numerals": "届次用汉字",
    "forbidden.missing-pause": "并列机关名称缺顿号",
    "forbidden.zuo-chu": "“作出”与“做出”",
    "typo.word-order": "语序错误",
    "typo.yi-ji": "“已”误作“己”",
    "typo.doubled": "虚词重复",
    "typo.common": "常见错别字",
    "typo.common-words": "常见别字（词）",
    "punct.halfwidth": "半角标点",
    "punct.halfwidth-paren": "半角括号",
    "punct.straight-quotes": "直引号",
    "punct.ellipsis": "省略号写法",
    "punct.doubled": "标点重复",
    "punct.unbalanced": "成对标点不配对",
    "punct.stray-space": "多余空格",
    "number.two-digit-year": "年份写全",
    "number.zero-padded": "月日不补零",
    "number.fullwidth-digits": "全角数字",
    "required.speech.campaign": "讲话必备：活动全称",
    "required.speech.three-represents": "讲话必备：“三个代表”",
    "required.speech.congress": "讲话必备：党的十六大",
    "required.speech.plenum": "讲话必备：十六届四中全会",
    "required.plan.guiding-thought": "方案必备：指导思想",
    "required.plan.goals": "方案必备：目标要求",
    "required.plan.steps": "方案必备：方法步骤",
    "required.plan.leadership": "方案必备：组织领导",
    "required.form.analysis": "评议表必备：党性分析",
}


def rule_name(rule_id: str, name: str | None = None, category: str | None = None) -> str:
    """The Chinese name to show for a rule: its own ``name``, the default pack's name for its
    id, else its category's name (资料一致性规则：与资料不符), else the id itself."""
    if name:
        return name
    if rule_id in DEFAULT_NAMES:
        return DEFAULT_NAMES[rule_id]
    if rule_id.startswith("consistency."):
        return "与资料不符"
    if category in CATEGORY_NAMES:
        return CATEGORY_NAMES[category]
    return rule_id


def finding_name(finding) -> str:
    """The Chinese name of a finding's rule: the one it carries, else (findings rebuilt from
    JSON, e.g. the batch's cached check results) the default pack's rule of that id."""
    if finding.name:
        return finding.name
    from speechkit.check.pack import default_rules

    rule = default_rules().get(finding.rule)
    if rule is not None:
        return rule.display_name
    return rule_name(finding.rule, None, finding.category)
