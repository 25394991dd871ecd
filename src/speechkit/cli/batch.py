"""CLI command ``speechkit batch`` (parse, call :func:`speechkit.batch.run_batch`, print)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from speechkit.cli._base import SkCommand
from speechkit.cli.campaigns import campaign_options
from speechkit.cli.template import render_limit_options

PHASES = {"plan": "读取资料", "render": "处理", "merge": "合订", "check": "检查", "pdf": "转 PDF"}


class _PlainProgress:
    """Progress as plain lines (not a terminal): each phase at every tenth, plus failures."""

    MAX_FAILURES = 10  # failure lines printed; the summary lists them all by document

    def __init__(self, stream) -> None:
        self.stream = stream
        self.last: dict[str, int] = {}
        self.failures = 0

    def __call__(self, event) -> None:
        label = PHASES.get(event.phase, event.phase)
        step = max(1, event.total // 10)
        if event.status == "failed":
            self.failures += 1
            if self.failures <= self.MAX_FAILURES:
                print(f"{label}失败：{event.current}", file=self.stream, flush=True)
            elif self.failures == self.MAX_FAILURES + 1:
                print("……更多失败见最后的汇总", file=self.stream, flush=True)
        if event.done == event.total or event.done - self.last.get(event.phase, 0) >= step:
            self.last[event.phase] = event.done
            print(f"{label} {event.done}/{event.total}", file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tidy up."""


class _RichProgress:
    """A rich progress bar per phase with counts and ETA (terminal)."""

    EVERY = 0.05  # seconds between updates of the bar

    def __init__(self, console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[current]}"),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, int] = {}
        self.last = 0.0
        self.bar.start()

    def __call__(self, event) -> None:
        task = self.tasks.get(event.phase)
        if task is None:
            label = PHASES.get(event.phase, event.phase)
            task = self.tasks[event.phase] = self.bar.add_task(label, total=event.total, current="")
        now = time.monotonic()
        if event.done != event.total and now - self.last < self.EVERY:
            return  # a million forms: the bar redraws 10 times a second anyway
        self.last = now
        # the total grows as towns are read (the plan is streamed)
        self.bar.update(task, completed=event.done, total=event.total, current=event.current[-40:])

    def close(self) -> None:
        """Stop redrawing."""
        self.bar.stop()


@click.command("batch", cls=SkCommand)
@click.option(
    "--profiles",
    "profiles",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("profiles"),
    metavar="文件夹",
    help="资料文件夹（含 city.yaml 和 towns/；默认 profiles）。",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("templates"),
    metavar="文件夹",
    help="模板文件夹，其中每个 .docx 都会生成（默认：资料所属活动包的模板；当前活动用 templates）。",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    metavar="文件夹",
    help="输出文件夹，不会写到它之外（默认 output）。",
)
@click.option(
    "--town",
    "towns",
    multiple=True,
    metavar="代号",
    help="只生成这个乡镇，写代号或乡镇名（可重复）。",
)
@click.option(
    "--template", "templates", multiple=True, metavar="名称", help="只生成这个模板（可重复）。"
)
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=None,
    metavar="N",
    help="并行进程数（默认：CPU 核数）。",
)
@click.option("--force", is_flag=True, help="重新生成被手工修改过的文件（修改稿另存一份）。")
@click.option("--check", "do_check", is_flag=True, help="对每个生成的文档做规范表述检查。")
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="报告.html",
    help="把检查结果写成一个 HTML 报告（隐含 --check）。",
)
@click.option("--merge", is_flag=True, help="每个乡镇另出一份合订本（每份评议表单独一页）。")
@click.option("--pdf", is_flag=True, help="同时生成 PDF（需要 LibreOffice）。")
@click.option(
    "--zip",
    "as_zip",
    is_flag=True,
    help="每个乡镇的评议表写进一个 <模板名>.zip，不逐份落成文件（网络共享盘上文件少）。",
)
@render_limit_options(
    "每份文档渲染最多用时；超过即停止这一份并报告是哪个标签，其余照常生成。",
    "每份文档渲染最多新增占用的内存。",
)
@campaign_options
def batch_command(
    profiles: Path,
    templates_dir: Path,
    out: Path,
    towns: tuple[str, ...],
    templates: tuple[str, ...],
    jobs: int | None,
    force: bool,
    do_check: bool,
    report: Path | None,
    merge: bool,
    pdf: bool,
    as_zip: bool,
    time_limit: float,
    memory_limit: int,
) -> int:
    """为每个乡镇生成全部文档，并按党员名册每人生成一份党性分析评议表。

    \b
    输出：<输出文件夹>/<乡镇名>/<模板名>.docx
          <输出文件夹>/<乡镇名>/党性分析评议表/<姓名>.docx
          （超过 1,000 人的乡镇按支部分子文件夹）
    再次运行只重新生成输入有变化的文件；手工修改过的文件不会被覆盖（除非 --force）。
    有任何一项失败时退出码为 1。
    """
    if jobs is not None and jobs < 1:
        raise click.BadParameter("须为正整数", param_hint="'--jobs'")
    from rich.console import Console

    from speechkit.batch import BatchOptions, run_batch
    from speechkit.batch.summary import render_summary

    ctx = click.get_current_context()
    if ctx.get_parameter_source("templates_dir") != click.core.ParameterSource.COMMANDLINE:
        from speechkit.campaigns import templates_for

        if profiles.is_dir():
            templates_dir = templates_for(profiles)
    options = BatchOptions(
        profiles=profiles,
        templates_dir=templates_dir,
        out=out,
        towns=towns,
        templates=templates,
        jobs=jobs,
        force=force,
        check=do_check or report is not None,
        report=report,
        merge=merge,
        pdf=pdf,
        zip=as_zip,
    )
    err_console = Console(file=sys.stderr)
    progress = _RichProgress(err_console) if err_console.is_terminal else _PlainProgress(sys.stderr)
    from speechkit.batch.cache import LIMITS_ENV

    previous = os.environ.get(LIMITS_ENV)
    os.environ[LIMITS_ENV] = f"{time_limit:g},{memory_limit}"  # spawned workers inherit it
    try:
        result = run_batch(options, progress)
    finally:
        progress.close()
        if previous is None:
            os.environ.pop(LIMITS_ENV, None)
        else:
            os.environ[LIMITS_ENV] = previous
    render_summary(result, Console(file=sys.stdout, width=max(100, Console().width)))
    return result.exit_code


COMMANDS: list = [batch_command]
