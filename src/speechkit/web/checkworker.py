"""Draft checks in a separate worker process, so a long check never blocks the page.

The checker's regexes run in C and hold the interpreter lock: in the server's own threads a
hostile upload would stall every other request. :class:`CheckWorker` keeps one spawned process
(started on first use, reused afterwards) that runs :func:`run_task`; a check taking longer
than ``timeout`` seconds is killed and answered with a Chinese message, and the worker starts
again for the next one. The worker's address space is capped (``memory_limit`` bytes), so a
file that inflates to gigabytes ends in a message, not in a swapping machine. Whatever goes
wrong, the caller gets a :class:`CheckFailed` with a Chinese sentence, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import threading
from dataclasses import dataclass
from pathlib import Path

from speechkit.errors import SpeechkitError

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY = 3 * 1024**3
START_TIMEOUT = 120.0


class CheckFailed(SpeechkitError):
    """The draft could not be checked; the message says why, in Chinese."""


@dataclass
class CheckTask:
    """One check: the uploaded file (in a temporary folder), and what to check it against."""

    src: str
    shown: str
    town_file: str | None = None
    doc_type: str | None = None
    annotate: bool = True
    typeset_txt: bool = False


@dataclass
class CheckOutcome:
    """What comes back: the report (picklable dataclasses) and the annotated .docx, if any."""

    report: object
    annotated: bytes | None = None
    annotated_name: str | None = None


def _limit_memory(limit: int) -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # not on this system: run without the cap
        pass


def run_task(task: CheckTask) -> CheckOutcome:
    """Check one upload (in the worker). A .txt may first be typeset into a .docx."""
    from speechkit.check import check

    src = Path(task.src)
    shown = task.shown
    if task.typeset_txt and src.suffix == ".txt":
        from speechkit.profiles.loader import decode_text
        from speechkit.typeset import typeset_text

        try:
            text, _encoding = decode_text(src.read_bytes())
        except ValueError as exc:
            raise CheckFailed(f"{shown}：{exc}") from None
        docx = src.with_suffix(".docx")
        docx.write_bytes(typeset_text(text))
        src, shown = docx, str(Path(shown).with_suffix(".docx"))
    report = check(src, profile=task.town_file, doc_type=task.doc_type, label=shown)
    report = dataclasses.replace(report, path=shown)
    annotated = None
    name = None
    if task.annotate and src.suffix == ".docx":
        from speechkit.check.report import annotate_docx

        name = "批注-" + Path(shown).name
        out = src.with_name("annotated-" + src.name)
        annotate_docx(src, report.findings, out)
        annotated = out.read_bytes()
    return CheckOutcome(report=report, annotated=annotated, annotated_name=name)


def _serve(conn, memory_limit: int, target=run_task) -> None:
    """The worker's loop: receive a task, send back ("ok", outcome) or ("error", message)."""
    _limit_memory(memory_limit)
    if target is run_task:  # load the checker before the clock of the first check starts
        import contextlib

        with contextlib.suppress(Exception):
            import speechkit.check  # noqa: F401
    conn.send(("ready", None))  # the time limit counts from here, not from the spawn
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send(("ok", target(task)))
        except SpeechkitError as exc:
            conn.send(("error", exc.format_message()))
        except MemoryError:
            conn.send(("error", "文稿太大或结构异常，检查所需内存超出上限，已停止。请拆分后再试。"))
        except RecursionError:
            conn.send(
                ("error", "文稿结构嵌套过深，无法检查。请在 Word 中另存为新的 .docx 后再试。")
            )
        except Exception as exc:  # a checker bug: a sentence for the page, details for us
            conn.send(("error", f"检查时出现内部错误，本次没有完成（{type(exc).__name__}）。"))


class CheckWorker:
    """One long-lived worker process; checks run one at a time, each with a time limit."""

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        memory_limit: int = DEFAULT_MEMORY,
        target=run_task,
    ):
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.target = target  # a module-level function (the worker is spawned)
        self._lock = threading.Lock()
        self._proc = None
        self._conn = None

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self.memory_limit, self.target), daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        if not parent.poll(START_TIMEOUT):
            self._stop()
            raise CheckFailed("检查进程没能启动（电脑可能太忙），请稍后再试。")
        parent.recv()

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def run(self, task: CheckTask) -> CheckOutcome:
        """Run ``task`` in the worker; raise :class:`CheckFailed` with a Chinese message."""
        with self._lock:
            try:
                if self._proc is None or not self._proc.is_alive():
                    self._stop()
                    self._start()
                self._conn.send(task)
                if not self._conn.poll(self.timeout):
                    self._stop()
                    raise CheckFailed(
                        f"{task.shown}：检查超过 {self.timeout:g} 秒仍未完成，已停止。"
                        "文稿可能过大或含有异常内容，请拆分后再试。"
                    )
                status, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._stop()
                raise CheckFailed(
                    f"{task.shown}：检查进程意外退出（文稿可能过大或结构异常），本次没有完成。"
                ) from None
        if status == "ok":
            return value
        raise CheckFailed(value)

    def close(self) -> None:
        """Stop the worker process."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
            self._stop()
