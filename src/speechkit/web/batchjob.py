"""One generation run of the web page, in its own process group, so it can always be stopped.

:func:`run_batch_process` starts ``python -m speechkit.web.batchjob`` in a new session; that
process runs :func:`speechkit.batch.run_batch` (its workers and LibreOffice are its children,
in the same process group) and sends the progress events and the result back through a pipe.
Every render there has the time and memory budget of :class:`JobLimits` (the engine's
:class:`~speechkit.engine.limits.RenderLimits`, passed to the workers through
:data:`speechkit.batch.cache.LIMITS_ENV`).

The whole group is killed (SIGKILL) when the user cancels, when a template goes past a
resource limit (the same template would do the same for every town and member), or when
nothing has been reported for ``silence`` seconds. The batch is safe against that: every
output is written atomically and the manifest settles against the disk at the next run; the
events received so far say which outputs were written before the stop.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from speechkit.errors import SpeechkitError

#: Failure messages that mean "this template went past a resource limit" (engine/template.py).
LIMIT_MARKS = ("超出了模板的资源限制", "内存不足，模板生成的内容太多")


#: Phases whose "generated" events name a file written (documents, merged forms, PDFs).
WRITING_PHASES = ("render", "merge", "pdf")


@dataclass(frozen=True)
class JobLimits:
    """Budget of a web generation run: ``seconds`` and ``memory_mb`` per rendered document
    (as ``render --time-limit/--memory-limit``), ``silence``: seconds without any progress
    after which the run is stopped (a worker stuck where the budget cannot reach)."""

    seconds: float = 30.0
    memory_mb: int = 1024
    silence: float = 600.0


class JobStopped(SpeechkitError):
    """The run was stopped before its end; ``generated`` lists the outputs (relative paths)
    written before the stop, ``cancelled`` is True when the user asked for it."""

    def __init__(self, message: str, generated: list[str], cancelled: bool = False) -> None:
        super().__init__(message)
        self.generated = list(generated)
        self.cancelled = cancelled


def is_limit_failure(reason: str) -> bool:
    """True for an item's failure message that says a template went past a resource limit."""
    return any(mark in reason for mark in LIMIT_MARKS)


def _field(event: Any, name: str) -> Any:
    return event.get(name, "") if isinstance(event, dict) else getattr(event, name, "")


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the job process and everything it started (workers, LibreOffice)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _tail(stream) -> str:
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace").strip()
    return text[-800:]


def run_batch_process(
    options: Any,
    progress: Callable[[Any], None],
    cancelled: threading.Event,
    limits: JobLimits = JobLimits(),
) -> Any:
    """Run ``run_batch(options)`` in a child process group and return its ``BatchResult``.

    ``progress`` receives the batch's events; ``cancelled`` stops the run when set. A stop
    raises :class:`JobStopped`; a whole-run problem raises :class:`SpeechkitError` with the
    batch's message.
    """
    from multiprocessing.connection import Connection

    from speechkit.batch.cache import LIMITS_ENV

    env = dict(os.environ, **{LIMITS_ENV: f"{limits.seconds:g},{limits.memory_mb}"})
    read_fd, write_fd = os.pipe()
    conn = Connection(read_fd, writable=False)
    generated: list[str] = []
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                [sys.executable, *_CHILD, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                pass_fds=(write_fd,),
                start_new_session=True,
                env=env,
            )
        finally:
            os.close(write_fd)
        try:
            assert proc.stdin is not None
            proc.stdin.write(pickle.dumps(options))
            proc.stdin.close()
            return _follow(proc, conn, progress, cancelled, limits, generated, errors)
        finally:
            if proc.poll() is None:
                _kill_group(proc)
            conn.close()


def _done_before(generated: list[str]) -> str:
    if not generated:
        return "停止前没有生成任何文件。"
    return f"停止前已生成 {len(generated)} 份（见下方列表），这些文件完整可用。"


def _follow(proc, conn, progress, cancelled, limits, generated, errors) -> Any:
    """Relay the child's messages until it ends or must be stopped."""
    last = time.monotonic()
    while True:
        if cancelled.is_set():
            _kill_group(proc)
            raise JobStopped("已取消本次生成。" + _done_before(generated), generated, True)
        if not conn.poll(0.2):
            if time.monotonic() - last > limits.silence:
                _kill_group(proc)
                raise JobStopped(
                    f"生成任务已有 {limits.silence:g} 秒没有任何进展，已停止。"
                    + _done_before(generated),
                    generated,
                )
            continue
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):  # the child ended without a result
            proc.wait()
            detail = _tail(errors)
            raise SpeechkitError(
                "生成任务的进程意外退出，本次运行未完成（已写出的文件完整）。"
                + (f"\n{detail}" if detail else "")
            ) from None
        last = time.monotonic()
        if kind == "event":
            reason = str(_field(value, "reason") or "")
            status = _field(value, "status")
            if status == "generated" and _field(value, "phase") in WRITING_PHASES:
                generated.append(str(_field(value, "current")))
            progress(value)
            if status == "failed" and is_limit_failure(reason):
                _kill_group(proc)
                town = _field(value, "town") or "（未知乡镇）"
                current = _field(value, "current")
                raise JobStopped(
                    f"已停止本次生成：为{town}生成 {current} 时，模板超出了资源限制"
                    f"（每份文档 {limits.seconds:g} 秒、{limits.memory_mb} MB）。\n{reason}\n"
                    "同一模板对其他乡镇也会如此，请修改模板后再生成。" + _done_before(generated),
                    generated,
                )
        elif kind == "done":
            proc.wait()
            return value
        else:  # "error": a whole-run problem, already in Chinese
            proc.wait()
            raise SpeechkitError(str(value))


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the web server goes (``PR_SET_PDEATHSIG``)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass


def main(fd: int) -> None:
    """The job process: read the options from stdin, run the batch, report through ``fd``."""
    from multiprocessing.connection import Connection

    _die_with_parent()
    conn = Connection(fd, readable=False)
    options = pickle.load(sys.stdin.buffer)
    from speechkit.batch import run_batch

    try:
        result = run_batch(options, lambda event: conn.send(("event", event)))
    except SpeechkitError as exc:
        conn.send(("error", exc.format_message()))
    except Exception as exc:  # a bug: say so on the page
        conn.send(("error", f"内部错误：{type(exc).__name__}: {exc}"))
    else:
        conn.send(("done", result))
    conn.close()


#: How the job process is started: this file as a script (not ``-m speechkit.web.batchjob``,
#: which would import the web app, Flask included, in it and in every batch worker; ``-P``:
#: this folder's modules are not put on ``sys.path``).
_CHILD: tuple[str, ...] = ("-P", __file__)

if __name__ == "__main__":
    main(int(sys.argv[1]))
