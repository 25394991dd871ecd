"""Run a batch: lock the output folder, open the manifest, run the phases, settle.

The parent plans town by town and keeps the manifest; workers render and write each output
atomically and send back its hash (see :mod:`speechkit.batch.steps` for the streamed loop and
:mod:`speechkit.batch.manifest` for crash safety). A run stopped at any point (Ctrl-C, SIGKILL)
leaves complete files and a manifest that the next run settles against the disk.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from speechkit.batch.manifest import Manifest, locked
from speechkit.batch.model import (
    BatchOptions,
    BatchResult,
    ItemResult,
    ProgressCallback,
    ProgressEvent,
)
from speechkit.batch.phases import MERGED, PDF_CHUNK, Phases
from speechkit.batch.plan import BatchPlan, check_selection
from speechkit.batch.pool import Executor
from speechkit.batch.record import Recorder
from speechkit.batch.steps import Context
from speechkit.errors import SpeechkitError
from speechkit.fsutil import atomic_write_bytes, sweep_temp_files

UNGUARDED_MESSAGE = (
    "run_batch 在新启动的工作进程导入主脚本时又被调用了：从 Python 脚本调用时，"
    '请把调用写在 if __name__ == "__main__": 之下（或传 jobs=1 在本进程内生成）。'
)
POOL_BROKEN_MESSAGE = (
    "批量生成的工作进程意外退出，本次运行未完成（已写出的文件完整，清单已记录）。"
    '从 Python 脚本调用 run_batch 时，请把调用写在 if __name__ == "__main__": 之下；'
    "否则请用 --jobs 1 重试。"
)


def _bootstrapping() -> bool:
    """True inside a spawned process that is still importing its parent's main script."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _write_report(result: BatchResult, path: Path) -> None:
    """Write the combined HTML check report."""
    from speechkit.check.report import to_html

    html = to_html(result.reports, title="批量生成检查报告")
    atomic_write_bytes(path, html.encode("utf-8") if isinstance(html, str) else html)
    result.report_path = path


def run(options: BatchOptions, progress: ProgressCallback | None = None) -> BatchResult:
    """Implementation of :func:`speechkit.batch.run_batch`."""
    started = time.monotonic()
    if _bootstrapping():
        raise SpeechkitError(UNGUARDED_MESSAGE)
    send = progress or (lambda event: None)
    jobs = options.jobs or os.cpu_count() or 1
    out = Path(options.out)
    later = options.merge or options.check or options.report is not None or options.pdf
    result = BatchResult(out=out, jobs=jobs, keep=None if later else options.keep_items)

    def emit(
        phase: str,
        done: int,
        total: int,
        current: str = "",
        status: str = "",
        town: str = "",
        reason: str = "",
    ) -> None:
        send(ProgressEvent(phase, done, total, current, status, town, reason))

    def degraded() -> None:
        result.jobs = 1

    # whole-run problems raise here, before any worker starts or anything is written
    check_selection(options)
    with locked(out):
        sweep_temp_files(out)
        manifest = Manifest.load(out)
        recorder = Recorder(manifest)
        executor = Executor(jobs)
        ctx = Context(
            executor=executor,
            recorder=recorder,
            root=out.resolve(),
            force=options.force,
            now=options.now,
            emit=emit,
            collect=result.add,
            total=lambda: 0,
            degraded=degraded,
            warnings=result.warnings,
        )
        try:
            executor.warm_up()  # workers import the engine while the parent compiles templates
            plan = BatchPlan(options, executor if jobs > 1 else None)
            for item in plan.failures:
                result.add(item, 0)
            phases = Phases(
                ctx,
                plan,
                result.add,
                lambda done, total, current: emit("plan", done, total, current),
            )
            phases.render(manifest)
            if options.merge:
                result.sort()
                phases.merge(list(result.items))
            for item in phases.leftovers(manifest):
                result.add(item, phases._next_order())
            result.sort()
            if options.check or options.report:
                checked = [i for i in result.items if MERGED not in i.document]
                result.reports = phases.check(checked)
            if options.pdf:
                phases.pdf(_pdf_sources(result.items))
                result.sort()
        except BrokenProcessPool as exc:  # the pool broke where no fallback was possible
            executor.close(cancel=True)
            raise SpeechkitError(POOL_BROKEN_MESSAGE) from exc
        except BaseException:
            executor.close(cancel=True)
            raise
        else:
            executor.close()
        finally:
            recorder.finish()
            manifest.close()
    if options.report:
        _write_report(result, Path(options.report))
    result.elapsed = time.monotonic() - started
    return result


def _pdf_sources(items: list[ItemResult]) -> list[ItemResult]:
    """The items whose .docx may be converted (leftovers of earlier runs are not)."""
    from speechkit.batch.phases import LEFTOVER_REASON

    return [i for i in items if i.reason != LEFTOVER_REASON]


__all__ = ["run", "PDF_CHUNK"]  # PDF_CHUNK: PDFs per LibreOffice start (tests)
