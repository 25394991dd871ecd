"""The self-contained HTML report (inline CSS and a few lines of JS, no network assets)."""

from __future__ import annotations

from html import escape

from speechkit.check.model import (
    CATEGORY_NAMES,
    PARTS,
    SEVERITIES,
    SEVERITY_NAMES,
    SEVERITY_RANK,
    FileReport,
    Finding,
)
from speechkit.check.names import finding_name
from speechkit.errors import PART_NAMES, display_path

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;
 color:#222;background:#fafafa;line-height:1.7}
header{background:#8b1a1a;color:#fff;padding:12px 24px}
header h1{margin:0;font-size:22px}
main{padding:12px 24px;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 16px}
th,td{border:1px solid #ccc;padding:3px 10px;text-align:left;vertical-align:top}
th{background:#eee}
td.n{text-align:right}
.filter{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:6px 24px;z-index:2}
.filter label{margin-right:16px;cursor:pointer}
details.doc{background:#fff;border:1px solid #ddd;margin:12px 0;padding:6px 14px}
details.doc>summary{font-size:17px;font-weight:bold;cursor:pointer}
.counts{font-weight:normal;font-size:14px;margin-left:8px;color:#555}
.text p{margin:2px 0;white-space:pre-wrap}
.text .pn{display:inline-block;min-width:3em;color:#999;font-size:12px;user-select:none}
.part{color:#555;font-size:14px;margin-top:10px}
mark{padding:0 1px;border-radius:2px}
mark.sev-error{background:#ffc9c9;border-bottom:2px solid #d00}
mark.sev-warning{background:#ffe8a3;border-bottom:2px solid #c80}
mark.sev-info{background:#cfe8ff;border-bottom:2px solid #37c}
mark.gap{padding:0 2px}
.lvl-error{color:#c00;font-weight:bold}.lvl-warning{color:#a60;font-weight:bold}
.lvl-info{color:#27a;font-weight:bold}
body.hide-error mark.sev-error,body.hide-warning mark.sev-warning,body.hide-info mark.sev-info
 {background:transparent;border-bottom:none}
body.hide-error tr.sev-error,body.hide-warning tr.sev-warning,body.hide-info tr.sev-info{display:none}
.clean{color:#2a7}
code{font-size:13px;color:#555}
"""

_JS = """
document.querySelectorAll('input[data-sev]').forEach(function(cb){
  cb.addEventListener('change',function(){
    document.body.classList.toggle('hide-'+cb.dataset.sev,!cb.checked);});});
"""


def render(reports: list[FileReport], title: str) -> str:
    """The whole page."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1></header>",
        '<div class="filter">按级别筛选：',
    ]
    for sev in SEVERITIES:
        out.append(
            f'<label><input type="checkbox" data-sev="{sev}" checked> '
            f'<span class="lvl-{sev}">{SEVERITY_NAMES[sev]}</span></label>'
        )
    out.append("</div><main>")
    out.append(_summary(reports))
    for i, report in enumerate(reports):
        out.append(_document(i, report))
    out.append(f"</main><script>{_JS}</script></body></html>")
    return "\n".join(out)


def _summary(reports: list[FileReport]) -> str:
    from speechkit.check.report import by_category, summary

    total = summary(reports)
    rows = [
        "<h2>汇总</h2>",
        f"<p>共检查 {total['files']} 个文件："
        + "，".join(
            f'<span class="lvl-{s}">{SEVERITY_NAMES[s]} {total[s]}</span>' for s in SEVERITIES
        )
        + "</p>",
        "<table><tr><th>类别</th>"
        + "".join(f"<th>{SEVERITY_NAMES[s]}</th>" for s in SEVERITIES)
        + "<th>合计</th></tr>",
    ]
    for cat, row in by_category(reports).items():
        rows.append(
            f"<tr><td>{escape(CATEGORY_NAMES.get(cat, cat))}</td>"
            + "".join(f'<td class="n">{row[s]}</td>' for s in SEVERITIES)
            + f'<td class="n">{sum(row.values())}</td></tr>'
        )
    rows.append(
        "<tr><th>合计</th>"
        + "".join(f'<th class="n">{total[s]}</th>' for s in SEVERITIES)
        + f'<th class="n">{sum(total[s] for s in SEVERITIES)}</th></tr></table>'
    )
    if len(reports) > 1:
        rows.append("<table><tr><th>文档</th>")
        rows[-1] += "".join(f"<th>{SEVERITY_NAMES[s]}</th>" for s in SEVERITIES) + "</tr>"
        for i, r in enumerate(reports):
            c = r.counts()
            rows.append(
                f'<tr><td><a href="#doc{i}">{escape(_name(r))}</a></td>'
                + "".join(f'<td class="n">{c[s]}</td>' for s in SEVERITIES)
                + "</tr>"
            )
        rows.append("</table>")
    return "\n".join(rows)


def _name(r: FileReport) -> str:
    return r.label or (display_path(r.path) if r.path else "文本")


def _document(i: int, r: FileReport) -> str:
    counts = r.counts()
    head = escape(_name(r))
    if r.label and r.path:
        head += f" <code>{escape(display_path(r.path))}</code>"
    badge = (
        '<span class="counts clean">没有发现问题</span>'
        if not r.findings
        else '<span class="counts">'
        + "，".join(f"{SEVERITY_NAMES[s]} {counts[s]}" for s in SEVERITIES if counts[s])
        + "</span>"
    )
    out = [f'<details class="doc" id="doc{i}"{" open" if r.findings else ""}>']
    out.append(f"<summary>{head}{badge}</summary>")
    ids = {id(f): f"d{i}f{k}" for k, f in enumerate(r.findings)}
    is_text = r.path.lower().endswith((".txt", ".md"))
    if r.findings:
        out.append(
            "<table><tr><th>位置</th><th>级别</th><th>规则</th><th>说明</th><th>建议</th></tr>"
        )
        for f in r.findings:
            loc = f.location
            if is_text:
                where = f"第{loc.paragraph}行 第{loc.start + 1}字"
            else:
                where = (
                    f"{PART_NAMES.get(loc.part, loc.part)} 第{loc.paragraph}段 第{loc.start + 1}字"
                )
            out.append(
                f'<tr class="sev-{f.severity}"><td><a href="#{ids[id(f)]}">{where}</a></td>'
                f'<td class="lvl-{f.severity}">{SEVERITY_NAMES[f.severity]}</td>'
                f'<td title="{escape(f.rule)}">{escape(finding_name(f))}</td>'
                f"<td>{escape(f.message)}</td>"
                f"<td>{escape(f.suggestion or '')}</td></tr>"
            )
        out.append("</table>")
    if r.coverage is not None:
        if r.doc_type is None:
            from speechkit.check.keywords import unknown_type_note

            out.append(f"<p>{escape(unknown_type_note(r.coverage))}</p>")
        out.append("<table><tr><th>必备提法</th><th>是否出现</th></tr>")
        for rid, label, present in r.coverage:
            mark = "✓ 已出现" if present else "✗ 未出现"
            out.append(
                f"<tr><td>{escape(label)} <code>{escape(rid)}</code></td><td>{mark}</td></tr>"
            )
        out.append("</table>")
    if r.keywords:
        out.append("<p>关键词：" + "、".join(escape(w) for w, _ in r.keywords) + "</p>")
    out.append('<div class="text">')
    by_block: dict[tuple[str, int], list[Finding]] = {}
    for f in r.findings:
        by_block.setdefault((f.location.part, f.location.paragraph), []).append(f)
    current_part = None
    for b in sorted(
        r.blocks, key=lambda b: (PARTS.index(b.part) if b.part in PARTS else 9, b.index)
    ):
        found = by_block.get((b.part, b.index), [])
        if not b.text.strip() and not found:
            continue
        if b.part != current_part:
            current_part = b.part
            out.append(f'<div class="part">{escape(PART_NAMES.get(b.part, b.part))}</div>')
        out.append(f'<p><span class="pn">{b.index}</span>{_highlight(b.text, found, ids)}</p>')
    out.append("</div></details>")
    return "\n".join(out)


def _highlight(text: str, findings: list[Finding], ids: dict[int, str]) -> str:
    """Text with one nested <mark> per finding covering each segment, worst severity outside."""
    if not findings:
        return escape(text)
    cuts = {0, len(text)}
    for f in findings:
        cuts.update((f.location.start, f.location.end))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    first_seen: set[int] = set()
    pieces = []
    for a, b in zip(cuts, cuts[1:] + [None], strict=False):
        for f in findings:  # empty findings (a missing formulation) sit at a point
            loc = f.location
            if loc.start == loc.end == a and id(f) not in first_seen:
                first_seen.add(id(f))
                pieces.append(
                    f'<mark class="sev-{f.severity} gap" id="{ids[id(f)]}" '
                    f'title="{escape(f.message)}">▏</mark>'
                )
        if b is None:
            break
        seg = escape(text[a:b])
        covering = [
            f
            for f in findings
            if f.location.start <= a and b <= f.location.end and f.location.end > f.location.start
        ]
        covering.sort(key=lambda f: SEVERITY_RANK[f.severity])
        for f in covering:
            attr = ""
            if id(f) not in first_seen:
                first_seen.add(id(f))
                attr = f' id="{ids[id(f)]}"'
            seg = f'<mark class="sev-{f.severity}"{attr} title="{escape(f.message)}">{seg}</mark>'
        pieces.append(seg)
    return "".join(pieces)
