"""CLI commands of the terminology check: ``check``, ``rules list``, ``rules test``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from speechkit.cli._base import SkCommand, SkGroup
from speechkit.cli.campaigns import campaign_options

_FORMATS = ("text", "json", "html", "docx")
_SEVERITIES = ("error", "warning", "info")
_DOC_TYPES = ("speech", "plan", "form", "material")
_CATEGORY_HELP = (
    ("required", "规范提法"),
    ("forbidden", "不规范提法"),
    ("typo", "错别字"),
    ("placeholder", "占位符"),
    ("punctuation", "标点"),
    ("number", "数字"),
    ("consistency", "与资料不符"),
)
_CATEGORIES = tuple(k for k, _ in _CATEGORY_HELP)


def _guess_format(out: str | None) -> str:
    if out:
        suffix = out.rsplit(".", 1)[-1].lower() if "." in out else ""
        if suffix in ("json", "html", "docx"):
            return suffix
        if suffix == "htm":
            return "html"
    return "text"


@click.command(
    "check",
    cls=SkCommand,
    short_help="检查文稿的规范表述、占位符、错别字、数字和标点。",
)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--profile",
    "profile",
    type=click.Path(dir_okay=False),
    help="乡镇资料（YAML），用于核对文中的人数、日期、人名等事实。",
)
@click.option(
    "--rules",
    "rule_packs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="追加的规则包（YAML），可多次使用；同编号的规则覆盖默认规则。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help="报告格式：text（默认）、json、html、docx（带批注的 Word 副本）。",
)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(),
    default=None,
    help="报告写到这个文件（docx 格式且有多个文件时为文件夹）；省略时输出到屏幕。",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    default="error",
    help="有这个级别及以上的问题时退出码为 1（默认 error）。",
)
@click.option("--ignore", multiple=True, help="忽略的规则编号、编号前缀或类别，可多次使用。")
@click.option(
    "--doc-type",
    type=click.Choice(_DOC_TYPES),
    default=None,
    help="文档类型：speech 讲话、plan 实施方案、form 评议表；默认按文件名判断。",
)
@click.option("--keywords", is_flag=True, help="同时列出关键词（TF-IDF）和必备提法的覆盖情况。")
@click.option(
    "--date",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="日期",
    help="文稿的日期（如 2025-03-20），用于判断提法是否过时；资料或文中标题、落款写有日期时以它们为准；默认今天。",
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    metavar="N",
    help="并行进程数（至少 1），默认用全部 CPU 核心。",
)
@click.option(
    "--color/--no-color", default=None, help="文本报告是否着色（默认：输出到终端时着色）。"
)
@campaign_options
def check_cmd(
    files,
    profile,
    rule_packs,
    fmt,
    out,
    force,
    fail_on,
    ignore,
    doc_type,
    keywords,
    as_of,
    jobs,
    color,
):
    """检查 .docx（正文、表格、页眉、页脚、脚注）、.txt 和 .md 文稿；给文件夹时检查其中全部文稿。

    \b
    退出码：0 没有达到 --fail-on 级别的问题；1 有；2 输入有误（文件无法读取、
    已损坏，规则包无效等）。
    \b
    示例：
      speechkit check 动员讲话.docx
      speechkit check 动员讲话.docx --profile profiles/towns/donghu.yaml
      speechkit check output/ -o 检查报告.html
      speechkit check 动员讲话.docx --format docx -o 动员讲话.批注.docx
    """
    from speechkit.check import check_files, load_rules
    from speechkit.check.model import at_or_above
    from speechkit.check.report import to_html, to_json, to_text
    from speechkit.check.sources import CONVERTIBLE, expand_paths

    files = [str(p) for p in expand_paths(files)]
    for name in files:
        if Path(name).suffix.lower() in CONVERTIBLE:
            click.echo(f"提示：{name} 不是 .docx，已用 LibreOffice 转换后检查。", err=True)
    if jobs is not None and jobs < 1:
        raise click.BadParameter("至少为 1。", param_hint="'--jobs'")
    fmt = fmt or _guess_format(out)
    if fmt == "docx":
        _need_docx_output(files, out)
    if out and not force:
        _refuse_existing(_targets(files, out, fmt))
    pack = load_rules(rule_packs)
    _check_ignore(ignore, pack)
    prof = None
    if profile:
        from speechkit.check.facts import load_facts

        prof = load_facts(profile)  # validated once, then served from the cache
    reports = check_files(
        list(files),
        jobs=jobs,
        profile=prof,
        rules=pack,
        doc_type=doc_type,
        ignore=ignore,
        keywords=keywords,
        as_of=as_of.date() if as_of else None,
    )
    if fmt == "text":
        use_color = color if color is not None else (out is None and sys.stdout.isatty())
        _emit(to_text(reports, color=use_color and out is None), out)
    elif fmt == "json":
        _emit(to_json(reports, extras=keywords), out)
    elif fmt == "html":
        _emit(to_html(reports, title="规范表述检查报告"), out)
    else:
        _write_annotated(reports, out)
    worst = [f.severity for r in reports for f in r.findings]
    return 1 if any(at_or_above(s, fail_on) for s in worst) else 0


def _check_ignore(ignore, pack) -> None:
    """Every --ignore value must name a rule, an id prefix or a category of the pack."""
    from speechkit.check.model import CATEGORY_NAMES

    unknown = [
        i
        for i in ignore
        if i not in CATEGORY_NAMES
        and not any(r.id == i or r.id.startswith(i + ".") for r in pack.rules)
    ]
    if unknown:
        cats = "、".join(f"{k}（{v}）" for k, v in CATEGORY_NAMES.items())
        raise click.BadParameter(
            f"没有这样的规则编号、编号前缀或类别：{'、'.join(unknown)}。"
            f"可用的类别：{cats}；规则编号见 speechkit rules list。",
            param_hint="'--ignore'",
        )


def _need_docx_output(files, out) -> None:
    from pathlib import Path

    from speechkit.errors import InputFileError, Location, SpeechkitError

    if not out:
        raise SpeechkitError("--format docx 需要用 -o 指定输出文件（多个文件时为文件夹）。")
    from speechkit.docx import WORD_SUFFIXES

    for f in files:
        if not f.lower().endswith(WORD_SUFFIXES):
            raise InputFileError(
                "只能为 Word 文档（.docx、.dotx、.docm）添加批注。", Location(file=f)
            )
    if len(files) == 1 and Path(out).resolve() == Path(files[0]).resolve():
        raise SpeechkitError("输出文件不能与原文件相同（原文件保持不变）。", Location(file=out))


def _annotated_targets(files, out: str) -> list[tuple[str, object]]:
    """(source, target path) of each commented copy: ``out`` itself for one file, else
    ``out/<stem>.批注.docx`` (a copy that would replace its own source is skipped)."""
    from pathlib import Path

    if len(files) == 1 and not Path(out).is_dir():
        return [(files[0], Path(out))]
    pairs = []
    for f in files:
        target = Path(out) / f"{Path(f).stem}.批注.docx"
        if target.resolve() != Path(f).resolve():
            pairs.append((f, target))
    return pairs


def _targets(files, out: str, fmt: str) -> list:
    """Every file the run would write."""
    from pathlib import Path

    if fmt == "docx":
        return [t for _, t in _annotated_targets(files, out)]
    return [Path(out)]


def _refuse_existing(targets) -> None:
    """Stop before any work when an output exists (overwriting needs ``--force``)."""
    from speechkit.errors import Location, OutputExistsError, display_path
    from speechkit.fsutil import is_special_file

    existing = [t for t in targets if t.exists() and not is_special_file(t)]
    if not existing:
        return
    more = f"（另有 {len(existing) - 1} 个输出文件也已存在）" if len(existing) > 1 else ""
    raise OutputExistsError(
        f"输出文件已存在{more}；如要覆盖，请加 --force。",
        Location(file=display_path(existing[0])),
    )


def _write_annotated(reports, out: str) -> None:
    from speechkit.check.report import annotate_docx

    files = [r.path for r in reports]
    by_path = {r.path: r for r in reports}
    for src, target in _annotated_targets(files, out):
        r = by_path[src]
        written = annotate_docx(r.path, r.findings, target)
        click.echo(f"已写入带批注的文档：{written}（{len(r.findings)} 条批注）")


def _emit(text: str, out: str | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    from speechkit.fsutil import atomic_write_text

    atomic_write_text(out, text)
    click.echo(f"报告已写入：{out}", err=True)


@click.group("rules", cls=SkGroup)
def rules_group():
    """规则包：列出生效的规则，运行规则包自带的示例自检。"""


@rules_group.command("list", cls=SkCommand)
@click.option(
    "--rules",
    "rule_packs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="追加的规则包（YAML），可多次使用。",
)
@click.option(
    "--doc-type", type=click.Choice(_DOC_TYPES), default=None, help="只列出适用于这类文档的规则。"
)
@click.option(
    "--category",
    type=click.Choice(_CATEGORIES),
    default=None,
    help="只列出这个类别的规则：" + "、".join(f"{k}（{v}）" for k, v in _CATEGORY_HELP),
)
@campaign_options
def rules_list(rule_packs, doc_type, category):
    """列出生效的规则：编号、类型、类别、级别、名称和说明。"""
    from speechkit.campaigns import chosen_campaign
    from speechkit.check import load_rules
    from speechkit.check.model import CATEGORY_NAMES, DOC_TYPES, SEVERITY_NAMES

    pack = load_rules(rule_packs)
    rules = pack.rules
    campaign = chosen_campaign()
    if campaign:
        rules = pack.effective(campaign)
    if doc_type:
        rules = [r for r in rules if not r.doc_types or doc_type in r.doc_types]
    if category:
        rules = [r for r in rules if r.category == category]
    click.echo(
        "规则包：" + "、".join(f"{n}（{f}）" for n, f in zip(pack.names, pack.files, strict=True))
    )
    width = max((len(r.id) for r in rules), default=10)
    for r in rules:
        types = "、".join(DOC_TYPES[d] for d in r.doc_types) if r.doc_types else "全部"
        if r.id in pack.scope:
            types += f"（仅 {pack.scope[r.id]} 活动的文稿）"
        click.echo(
            f"{r.id:<{width}}  {r.type_name:<12} {CATEGORY_NAMES.get(r.category, r.category)}"
            f"  {SEVERITY_NAMES[r.severity]}  适用：{types}  【{r.display_name}】{r.describe()}"
        )
    click.echo(f"共 {len(rules)} 条规则。")


@rules_group.command("test", cls=SkCommand)
@click.argument("packs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="列出每个示例的结果，不只是失败的。")
@campaign_options
def rules_test(packs, verbose):
    """运行规则包中每条规则的 examples：bad 必须被查出，good 不得被查出。

    不给 PACK 时检查默认规则包和各活动包的 rules.yaml。有示例不通过时退出码为 1。
    """
    from speechkit.check import DEFAULT_PACK, load_rules
    from speechkit.check.selftest import test_pack
    from speechkit.errors import display_path

    if packs:
        targets = list(packs)
    else:  # the base pack and every campaign pack's rules
        from speechkit.campaigns import campaign_index

        targets = [str(DEFAULT_PACK)] + [str(r) for _, _, r in campaign_index() if r]
    failed = total = 0
    for target in targets:
        pack = load_rules([target], default=False)
        results = test_pack(pack)
        total += len(results)
        bad = [r for r in results if not r.passed]
        failed += len(bad)
        click.echo(
            f"{display_path(target)}：{len(pack.rules)} 条规则，{len(results)} 个示例，失败 {len(bad)} 个"
        )
        for r in results if verbose else bad:
            state = "通过" if r.passed else "失败"
            if r.kind == "bad":
                want = "应查出" if not r.passed else "已查出"
            else:
                want = "不应查出" if not r.passed else "未查出"
            got = "；".join(
                f"“{f.match}”" + (f"→“{f.suggestion}”" if f.suggestion else "") for f in r.findings
            )
            click.echo(
                f"  [{state}] {r.where} {r.rule} {r.kind}「{r.text}」{want}{('：' + got) if got else ''}"
            )
    click.echo(f"合计：{total} 个示例，失败 {failed} 个。")
    return 1 if failed else 0


COMMANDS = [check_cmd, rules_group]
