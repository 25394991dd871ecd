"""CLI commands for templates: ``template vars``, ``template check`` and ``render``.

Commands only parse options, call :mod:`speechkit.engine`, print and set the exit code; errors
are raised as :class:`~speechkit.errors.SpeechkitError` and printed by ``cli.main``.
"""

from __future__ import annotations

from pathlib import Path

import click

from speechkit.cli._base import SkCommand, SkGroup
from speechkit.cli.campaigns import campaign_options

_TEMPLATE_ARG = click.Path(dir_okay=False, path_type=Path)


def _context_options(profile_help: str, data_help: str):
    """The ``--profile`` / ``--data`` pair that supplies a template's context."""

    def decorate(command):
        command = click.option(
            "--data",
            "data_path",
            metavar="数据文件",
            type=click.Path(dir_okay=False, path_type=Path),
            help=data_help,
        )(command)
        return click.option(
            "--profile",
            "profile_path",
            metavar="乡镇.yaml",
            type=click.Path(dir_okay=False, path_type=Path),
            help=profile_help,
        )(command)

    return decorate


@click.group(cls=SkGroup)
def template() -> None:
    """查看和检查 Word 模板（.docx）中的标签。"""


@template.command("vars", cls=SkCommand)
@click.argument("template_path", metavar="模板.docx", type=_TEMPLATE_ARG)
def vars_command(template_path: Path) -> None:
    """列出模板读取的每个变量及其位置（部分、段落、单元格）。"""
    from speechkit.engine import Template

    tpl = Template(template_path)
    uses = tpl.variable_uses()
    by_path: dict[str, list] = {}
    for use in uses:
        by_path.setdefault(use.path, []).append(use.location)
    for path in sorted(by_path):
        click.echo(path)
        for loc in by_path[path]:
            where = str(loc).removeprefix(f"{loc.file} ") if loc.file else str(loc)
            click.echo(f"    {where}")
    names = "、".join(sorted(tpl.variables)) or "（无）"
    click.echo(f"共 {len(tpl.variables)} 个顶层变量：{names}")


@template.command("check", cls=SkCommand)
@click.argument("template_path", metavar="模板.docx", type=_TEMPLATE_ARG)
@_context_options(
    profile_help="同时用这个乡镇资料试填一次：列出模板读取而资料中没有的全部变量。",
    data_help="同时用这个 YAML/JSON 数据文件试填一次。",
)
@campaign_options
def check_command(template_path: Path, profile_path: Path | None, data_path: Path | None) -> None:
    """检查模板标签：未闭合或多余的定界符、不认识的标签、不成对的块，一次全部列出。

    给出 --profile 或 --data 时，再检查资料是否提供了模板用到的每个变量，并试填一次。
    没有问题时退出码为 0；有问题时逐条列出位置并以退出码 2 结束。
    """
    from speechkit.engine import Template
    from speechkit.errors import TemplateError

    tpl = Template(template_path)  # raises TemplateError with every problem
    context = _load_context(profile_path, data_path, required=False)
    if context is not None:
        problems = tpl.check_context(context)
        if problems:
            raise TemplateError(f"资料中缺少模板用到的 {len(problems)} 个变量：", problems)
        tpl.render(context)  # whatever a static look cannot see (loops, filters)
        click.echo(f"{template_path}：模板没有发现问题，用所给资料试填成功。")
        return
    click.echo(f"{template_path}：模板没有发现问题，共 {len(tpl.variables)} 个顶层变量。")


@template.command("from", cls=SkCommand)
@click.argument("source", metavar="范文", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    "profile_path",
    metavar="乡镇.yaml",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="范文所写乡镇的资料文件；文中出现的资料值都换成模板标签。",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    metavar="模板.docx",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="生成的模板文件。",
)
@click.option("--force", is_flag=True, help="模板文件已存在时覆盖。")
@click.option(
    "--report",
    "report_path",
    metavar="报告.html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="另存一份 HTML 审阅报告（每处替换、歧义和未找到的值）。",
)
@click.option(
    "--check-with",
    "check_with",
    metavar="其他乡镇.yaml",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="用另一个乡镇的资料试填新模板（可多次给出）。",
)
@click.option(
    "--source-template",
    "source_template",
    metavar="原模板.docx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="范文原来所用的模板（已知时）：试填结果与它逐段比较。",
)
def from_command(
    source: Path,
    profile_path: Path,
    out_path: Path,
    force: bool,
    report_path: Path | None,
    check_with: tuple[Path, ...],
    source_template: Path | None,
) -> None:
    """把填好的范文（去年的讲话、邻镇的方案）做成模板。

    范文中出现的乡镇资料值（乡镇名称、人名、各种写法的日期、数字、口号和名单）都换成对应的
    模板标签，保留原有格式；重复的名单段落变成循环。有歧义的值（两个资料项相同、人名也是常用
    词）只列出、不替换。范文可以是 .docx，也可以是 .doc、.wps、.rtf、.odt（用 LibreOffice 转换）。
    范文本身不会被改动。
    """
    from speechkit.errors import Location, OutputExistsError
    from speechkit.templatize.files import render_report_html, template_from

    if report_path is not None and report_path.exists() and not force:
        raise OutputExistsError(
            "报告文件已存在；如要覆盖，请加 --force。", Location(file=str(report_path))
        )
    report = template_from(
        source,
        profile_path,
        out_path,
        force=force,
        check_with=check_with,
        source_template=source_template,
    )
    result = report.result
    for notice in report.notices:
        click.echo(f"提示：{notice}")
    click.echo(f"替换（{len(result.replacements)} 处）：")
    for r in result.replacements:
        click.echo(f"  {r.address}「{r.original}」→ {r.tag}")
    if result.loops:
        click.echo(f"循环（{len(result.loops)} 组）：")
        for loop in result.loops:
            click.echo(f"  {loop}")
    if result.ambiguous:
        click.echo(f"有歧义、未替换（{len(result.ambiguous)} 处，请人工确认）：")
        for hit in result.ambiguous:
            click.echo(f"  {hit.address}「{hit.text}」可能是 {'、'.join(hit.keys)}（{hit.reason}）")
    if result.not_found:
        click.echo(
            f"资料中有、文中没有找到（{len(result.not_found)} 项）：{'、'.join(result.not_found)}"
        )
    if report.proof:
        click.echo(f"往返检验：新模板用同一份资料填写后有 {len(report.proof)} 段与范文不同：")
        for d in report.proof[:10]:
            click.echo(f"  第{d.number}段 应为「{d.expected or ''}」，写出「{d.actual or ''}」")
    else:
        click.echo("往返检验：新模板用同一份资料填写后，与范文逐段一致。")
    for check in report.checks:
        click.echo(f"试填 {check.profile}：{check.note}")
        for d in check.differences[:10]:
            click.echo(f"  第{d.number}段 应为「{d.expected or ''}」，写出「{d.actual or ''}」")
    if report_path is not None:
        from speechkit.fsutil import atomic_write_text

        atomic_write_text(report_path, render_report_html(report))
        click.echo(f"已生成报告：{report_path}")
    click.echo(f"已生成模板：{out_path}")


def _load_context(profile_path: Path | None, data_path: Path | None, required: bool):
    """The context from --profile (validated, merged with city.yaml) or --data, or None."""
    from speechkit.errors import SpeechkitError

    if profile_path is not None and data_path is not None:
        raise SpeechkitError("--profile 和 --data 只能给出其中一个。")
    if profile_path is not None:
        from speechkit.profiles import load_profile

        return load_profile(profile_path).context()
    if data_path is not None:
        from speechkit.engine.dataforms import from_data
        from speechkit.errors import display_path
        from speechkit.profiles import load_data_file

        # {"$image": …}, {"$docx": …}, {"$text": …} become objects; paths stay in its folder
        return from_data(load_data_file(data_path), data_path.parent, display_path(data_path))
    if required:
        raise SpeechkitError("请给出 --profile 乡镇.yaml 或 --data 数据文件 二者之一。")
    return None


def render_limit_options(time_help: str, memory_help: str):
    """``--time-limit`` and ``--memory-limit``: the render budget (``render``, ``serve``)."""

    options = (
        ("--time-limit", "秒", click.FloatRange(min=0.1), 30.0, time_help),
        ("--memory-limit", "MB", click.IntRange(min=16), 1024, memory_help),
    )

    def decorate(func):
        for name, metavar, kind, default, text in reversed(options):
            option = click.option(
                name, metavar=metavar, type=kind, default=default, show_default=True, help=text
            )
            func = option(func)
        return func

    return decorate


@click.command("render", cls=SkCommand)
@click.argument("template_path", metavar="模板.docx", type=_TEMPLATE_ARG)
@_context_options(
    profile_help="乡镇资料文件（profiles/towns/<代号>.yaml），自动合并 city.yaml 并校验。",
    data_help="任意 YAML/JSON 数据文件（顶层为映射，不做资料校验），用于活动以外的模板；"
    "其中 {$image: 照片.jpg, width_mm: 25}、{$docx: 附件.docx}、{$text: 文字, bold: true} "
    "插入图片、附件文档和带格式的文字（路径相对于数据文件所在文件夹）。",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    metavar="输出.docx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出的 .docx 文件（必填）。",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
@click.option("--pdf", "want_pdf", is_flag=True, help="同时用 LibreOffice 生成同名 PDF。")
@render_limit_options(
    "一次渲染最多用时；超过即停止并报告是哪个标签。", "一次渲染最多新增占用的内存。"
)
@campaign_options
def render_command(
    template_path: Path,
    profile_path: Path | None,
    data_path: Path | None,
    out_path: Path | None,
    force: bool,
    want_pdf: bool,
    time_limit: float,
    memory_limit: int,
) -> None:
    """用乡镇资料（--profile）或数据文件（--data）填写模板，生成 .docx。"""
    from speechkit.engine import RenderLimits, Template
    from speechkit.errors import Location, OutputExistsError, SpeechkitError

    if out_path is None:
        raise SpeechkitError("请用 -o 输出.docx 指定输出文件。")
    if out_path.resolve() == template_path.resolve():
        raise SpeechkitError(
            "输出文件不能与模板相同（会覆盖模板），请换一个文件名。", Location(file=str(out_path))
        )
    pdf_path = out_path.with_suffix(".pdf")
    if not force:
        for target in (out_path, pdf_path) if want_pdf else (out_path,):
            if target.exists():
                raise OutputExistsError(
                    "输出文件已存在；如要覆盖，请加 --force。", Location(file=str(target))
                )
    context = _load_context(profile_path, data_path, required=True)
    tpl = Template(template_path, limits=RenderLimits(seconds=time_limit, memory_mb=memory_limit))
    tpl.save(context, out_path)
    click.echo(f"已生成：{out_path}")
    if want_pdf:
        from speechkit.typeset.pdf import convert_to_pdf  # writes the PDF atomically

        convert_to_pdf(out_path, out_path.parent)
        click.echo(f"已生成：{pdf_path}")


COMMANDS: list = [template, render_command]
