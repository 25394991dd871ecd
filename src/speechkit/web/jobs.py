"""Background jobs for the web app: one generation run at a time, progress kept for polling.

A :class:`Job` wraps a callable ``work(progress)``; ``progress`` receives the batch's progress
events (anything with ``done``, ``total`` and ``current``, as attributes or mapping keys) and
carries ``progress.cancelled``, the event :meth:`JobManager.cancel` sets (the generation job
stops its process group then, see :mod:`speechkit.web.batchjob`).
:class:`JobManager` starts each job in a daemon thread and refuses a second one while one is
running, because two runs would write the same output folder.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from speechkit.errors import SpeechkitError

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
CANCELLED = "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)
STATUS_NAMES = {
    QUEUED: "排队中",
    RUNNING: "正在生成",
    DONE: "已完成",
    FAILED: "失败",
    CANCELLED: "已取消",
}
PHASE_NAMES = {
    "plan": "读取资料",
    "render": "生成文档",
    "check": "检查",
    "merge": "合并评议表",
    "pdf": "转换 PDF",
}


@dataclass
class Job:
    """State of one generation run, read by the progress endpoint."""

    id: str
    label: str
    status: str = QUEUED
    done: int = 0
    total: int = 0
    current: str = ""
    phase: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: Any = None
    error: str | None = None
    generated: list[str] = field(default_factory=list)  # written before a stop
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)

    def snapshot(self) -> dict[str, Any]:
        """Return the JSON-safe view the progress endpoint sends."""
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "status_name": STATUS_NAMES.get(self.status, self.status),
            "done": self.done,
            "total": self.total,
            "current": self.current,
            "phase": PHASE_NAMES.get(self.phase, self.phase),
            "error": self.error,
            "finished": self.status in FINISHED,
        }


def _field(event: Any, name: str, default: Any = None) -> Any:
    if isinstance(event, dict):
        return event.get(name, default)
    return getattr(event, name, default)


class JobBusyError(SpeechkitError):
    """Raised when a generation is asked for while another one is still running."""

    exit_code = 2


class _Progress:
    """The ``progress`` callable handed to a job's work, with the job's cancel event."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.cancelled = job.cancel_event

    def __call__(self, event: Any) -> None:
        job = self.job
        job.done = int(_field(event, "done", job.done) or 0)
        job.total = int(_field(event, "total", job.total) or 0)
        job.phase = str(_field(event, "phase", "") or "")
        current = _field(event, "current", "")
        job.current = str(current) if current is not None else ""


class JobManager:
    """Run jobs in background threads, one at a time, and keep their state for polling.

    Only the ``keep`` most recent jobs are remembered (a result holds every check report).
    """

    def __init__(self, keep: int = 5) -> None:
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def get(self, job_id: str) -> Job | None:
        """Return the job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def running(self) -> Job | None:
        """Return the job still queued or running, if any."""
        with self._lock:
            for job in self._jobs.values():
                if job.status in (QUEUED, RUNNING):
                    return job
        return None

    def latest(self) -> Job | None:
        """Return the most recently started job, if any."""
        with self._lock:
            return next(reversed(self._jobs.values()), None)

    def start(self, label: str, work: Callable[[Callable[[Any], None]], Any]) -> Job:
        """Start ``work(progress)`` in a thread; raise :class:`JobBusyError` if one is running."""
        with self._lock:
            for other in self._jobs.values():
                if other.status in (QUEUED, RUNNING):
                    raise JobBusyError(f"已有生成任务在运行（{other.label}），请等它完成后再试。")
            job = Job(id=str(next(self._ids)), label=label)
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                del self._jobs[next(iter(self._jobs))]
        thread = threading.Thread(target=self._run, args=(job, work), daemon=True)
        thread.start()
        return job

    def cancel(self, job_id: str, wait: float = 10.0) -> Job | None:
        """Ask the job to stop and wait up to ``wait`` seconds for it to end; return it."""
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel_event.set()
        deadline = time.monotonic() + wait
        while job.status not in FINISHED and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    def cancel_all(self, wait: float = 10.0) -> None:
        """Stop every job still running (the app is closing)."""
        with self._lock:
            ids = [j.id for j in self._jobs.values() if j.status not in FINISHED]
        for job_id in ids:
            self.cancel(job_id, wait)

    def _run(self, job: Job, work: Callable[[Callable[[Any], None]], Any]) -> None:
        from speechkit.web.batchjob import JobStopped

        job.status = RUNNING
        try:
            job.result = work(_Progress(job))
            job.status = DONE
        except JobStopped as exc:
            job.error = exc.format_message()
            job.generated = exc.generated
            job.status = CANCELLED if exc.cancelled else FAILED
        except SpeechkitError as exc:
            job.error = exc.format_message()
            job.status = FAILED
        except Exception as exc:  # a bug: report it on the page rather than lose the thread
            job.error = f"内部错误：{type(exc).__name__}: {exc}"
            job.status = FAILED
        finally:
            job.finished = time.time()
