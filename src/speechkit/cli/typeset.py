"""CLI commands for the official layout: ``typeset``, ``format-check`` and ``pdf``.

Commands only parse options, call :mod:`speechkit.typeset`, print and set the exit code; errors
are raised as :class:`~speechkit.errors.SpeechkitError` and printed by ``cli.main``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from speechkit.cli._base import SkCommand

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("typeset", cls=SkCommand)
@click.argument("input_path", metavar="文稿.txt|.md", type=_FILE)
@click.option("-o", "--out", "out_path", required=True, type=_FILE, help="输出的 .docx 文件。")
@click.option("--title", help="文稿没有标题行时（首行就是“同志们：”），用这个标题。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
@click.option(
    "--drop-preview",
    is_flag=True,
    help="首行是后文开头的摘录（以省略号结尾）时略去它；默认保留为正文并提示。",
)
@click.option(
    "--markdown/--plain",
    "markdown",
    default=None,
    help="按 Markdown 读（# 标题、**加粗**、列表、行末 \\ 换行）或按纯文本读；"
    "默认 .md 文件按 Markdown，其余按纯文本（每个字符原样保留）。",
)
def typeset_command(
    input_path: Path,
    out_path: Path,
    title: str | None,
    force: bool,
    drop_preview: bool,
    markdown: bool | None,
) -> None:
    """把纯文本或 Markdown 文稿排成符合 GB/T 9704 的 Word 文档。

    \b
    首行为标题（过长时在词间分行）；“——在……上的讲话”为副标题；标题下的署名、日期行居中用
    楷体；“同志们：”和通知的主送行（如“各村（社区）党组织：”）顶格，标题与其下文字之间空一行；
    按编号识别标题层级：一、 （一） 1. （1），以及 ㈠、1、 和“第一，”引导句；其余为正文。
    .txt 按纯文本，每个字符原样保留；.md（或加 --markdown）才认 # 标题、**加粗**、“- ”列表。
    最后两行是发文机关和日期时，按落款格式排。文稿的每一行都保留（首行摘录只在加
    --drop-preview 时略去）；Word 不能容纳的控制字符略去并提示。
    Jinja 标签原样保留，所以排好的文稿可以直接作模板。
    """
    from speechkit.errors import InputFileError, Location, OutputExistsError
    from speechkit.fsutil import atomic_write_bytes
    from speechkit.typeset.text import typeset

    if out_path.exists() and not force:
        raise OutputExistsError("输出文件已存在；加 --force 覆盖。", Location(file=str(out_path)))
    if out_path.suffix.lower() != ".docx":
        raise InputFileError("输出文件应以 .docx 结尾。", Location(file=str(out_path)))
    text = _read_text(input_path)
    if not text.strip(" \t\r\n\u3000\ufeff"):
        raise InputFileError(
            "文稿是空的（没有任何文字），未生成文档。", Location(file=str(input_path))
        )
    if markdown is None:
        markdown = input_path.suffix.lower() in (".md", ".markdown")
    result = typeset(text, title=title, drop_preview=drop_preview, markdown=markdown)
    for notice in result.notices:
        click.echo(f"提示：{input_path}:{notice}", err=True)
    atomic_write_bytes(out_path, result.data)
    counts = {}
    for block in result.blocks:
        counts[block.kind] = counts.get(block.kind, 0) + 1
    click.echo(
        f"已生成 {out_path}：标题 {counts.get('title', 0)} 个，"
        f"各级标题 {counts.get('heading', 0)} 个，正文 {counts.get('body', 0)} 段。"
    )


def _read_text(path: Path) -> str:
    """Text of ``path``: UTF-8 (with or without BOM), else GB18030; located error otherwise."""
    from speechkit.errors import InputFileError, Location

    if not path.is_file():
        raise InputFileError("文件不存在。", Location(file=str(path)))
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputFileError(
            "不是文本文件（含有二进制内容）；请提供 .txt 或 .md 文稿。", Location(file=str(path))
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError("无法识别文字编码（既不是 UTF-8 也不是 GBK）。", Location(file=str(path)))


@click.command("format-check", cls=SkCommand)
@click.argument("paths", metavar="文档.docx...", nargs=-1, required=True, type=_FILE)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="输出格式：text 文字（默认）或 json。",
)
@click.option(
    "--render/--no-render",
    default=True,
    help="表格表单经 LibreOffice 渲染，超出一页时报告（默认；未安装 LibreOffice 时跳过）。",
)
def format_check_command(paths: tuple[Path, ...], fmt: str, render: bool) -> int:
    """按 GB/T 9704 检查 Word 文档的版式，列出每一处不符合的地方。

    检查纸张、页边距、文档网格（每页 22 行、每行 28 字）、正文字体字号、标题、各级标题字体、
    首行缩进、行距和页码；表格表单（如评议表）还经 LibreOffice 渲染，核对是否只占一页。
    给多个文件时逐个检查并全部报告。退出码：0 全部符合；
    1 有不符合项；2 有文件无法读取（不存在、不是 .docx 或已损坏）。
    """
    from speechkit.typeset.check import format_check_files, group_departures

    results = format_check_files(list(paths), render=render)
    if fmt == "json":
        payload = [
            {
                "file": str(r.path),
                "ok": r.ok,
                "error": r.error.format_message() if r.error else None,
                "notice": r.notice,
                "departures": [d.to_dict() for d in r.departures],
            }
            for r in results
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r.notice:
                click.echo(f"提示：{r.notice}")
            if r.error is not None:
                click.echo(r.error.format_message(), err=True)
            elif not r.departures:
                click.echo(f"{r.path}：版式符合 GB/T 9704。")
            else:
                groups = group_departures(r.departures)
                click.echo(f"{r.path}：{len(r.departures)} 处不符合 GB/T 9704：")
                for group in groups:
                    click.echo(f"  {group}")
        if len(results) > 1:
            bad = sum(1 for r in results if r.error is not None)
            departs = sum(1 for r in results if r.departures)
            click.echo(
                f"共 {len(results)} 个文件：符合 {len(results) - bad - departs} 个，"
                f"不符合 {departs} 个，无法读取 {bad} 个。"
            )
    if any(r.error is not None for r in results):
        return 2
    return 1 if any(r.departures for r in results) else 0


@click.command("pdf", cls=SkCommand)
@click.argument("paths", metavar="文档.docx...", nargs=-1, required=True, type=_FILE)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="PDF 存放的文件夹（默认与各 .docx 同一文件夹）；只转一份时也可写 PDF 文件名，如 讲话.pdf。",
)
@click.option("--force", is_flag=True, help="同名 PDF 已存在时覆盖。")
def pdf_command(paths: tuple[Path, ...], out_dir: Path | None, force: bool) -> None:
    """用 LibreOffice（soffice）把 Word 文档转成 PDF。

    先检查每个输入都是 Word 文档（.docx）、输出的 PDF 都还不存在，再一次性转换（LibreOffice
    只启动一次）；同名 PDF 已存在时不覆盖，除非加 --force。带批注的文档，批注一并导出。
    用 Word 字符网格的文档、固定行高放不下文字的表格行，按 Word 的版面转换（另存临时副本，
    原文件不变）；PDF 页数与 Word 记录的不同时给出提示。未安装公文字体时说明由哪些字体代替。
    需要安装 LibreOffice；没有安装时给出提示并以退出码 2 结束。
    """
    from speechkit.docx.package import open_docx
    from speechkit.errors import (
        InputFileError,
        Location,
        OutputExistsError,
        Problem,
        ProblemsError,
        SpeechkitError,
        ToolMissingError,
        display_path,
    )
    from speechkit.typeset.pdf import Converter, pdf_target, soffice_path, stand_ins

    if soffice_path() is None:
        raise ToolMissingError(
            "未找到 LibreOffice（soffice），无法生成 PDF。"
            "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后重试。"
        )
    if out_dir is not None and out_dir.suffix.lower() == ".pdf" and not out_dir.is_dir():
        if len(paths) > 1:
            raise click.UsageError(
                f"转换 {len(paths)} 份文档时 -o 应是文件夹，不能是一个 PDF 文件名（{out_dir}）。"
            )
    elif out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"-o {out_dir} 是一个文件，不是文件夹。")
    problems: list[SpeechkitError] = []
    targets: dict[Path, Path] = {}
    for path in paths:
        try:
            open_docx(path)
        except InputFileError as exc:
            problems.append(exc)
            continue
        target = pdf_target(path, out_dir if out_dir is not None else path.parent)
        key = target.resolve()
        if key in targets:
            problems.append(
                InputFileError(
                    f"与 {display_path(targets[key])} 都会生成 {display_path(target)}；"
                    "请分两次转换或改名。",
                    Location(file=display_path(path)),
                )
            )
        elif target.exists() and not force:
            problems.append(
                OutputExistsError(
                    "PDF 已存在；如要覆盖，请加 --force。", Location(file=display_path(target))
                )
            )
        targets[key] = path
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemsError(
            f"{len(problems)} 个文件无法转换，未生成任何 PDF：",
            [Problem(p.location or Location(), p.message) for p in problems],
        )
    with Converter() as converter:  # one LibreOffice start for all the files
        done = converter.convert_many(
            (path, out_dir if out_dir is not None else path.parent) for path in paths
        )
    failed = [one.error for one in done if one.error is not None]
    for one in done:
        if one.pdf is not None:
            click.echo(f"已生成 {one.pdf}")
        for notice in one.notices:
            click.echo(f"提示：{display_path(one.source)}：{notice}", err=True)
    faces: dict[str, str] = {}
    for one in done:
        if one.pdf is not None:
            faces.update(stand_ins(one.source))
    if faces:
        shown = "；".join(f"{name} → {face}" for name, face in faces.items())
        click.echo(f"未安装的字体由相近的字体代替：{shown}。", err=True)
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise ProblemsError(
            f"{len(failed)} 个文件未能转换：",
            [Problem(p.location or Location(), p.message) for p in failed],
        )


COMMANDS = [typeset_command, format_check_command, pdf_command]
