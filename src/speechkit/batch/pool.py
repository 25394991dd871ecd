"""The batch's process pool: :class:`speechkit.procpool.Pool` with spawned workers.

Spawn, not fork: no fork of a threaded parent (progress bar, web server), and the workers are
the parent's own children, so they die with it (see :func:`speechkit.batch.worker.init_worker`).
Worker functions are those of :mod:`speechkit.batch.worker`: ``(chunk, shared)`` in,
``(index, value, error)`` tuples out.
"""

from __future__ import annotations

from speechkit.batch import cache, worker
from speechkit.procpool import Pool


class Executor(Pool):
    """Runs the batch's worker functions, in-process (``jobs == 1``) or in spawned workers."""

    def __init__(self, jobs: int) -> None:
        super().__init__(jobs, start_method="spawn", initializer=worker.init_worker)
        cache.reset_caches()  # in-process work starts from the files as they are now

    def warm_up(self, fn=worker.warm_up) -> None:
        """Start the workers now (they import the engine while the parent plans)."""
        super().warm_up(fn)
