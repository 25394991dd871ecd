"""The one process-pool helper of the batch: in-process with one job, else spawned workers.

Worker functions take ``(chunk, shared)`` and return ``(index, value, error)`` tuples (see
:mod:`speechkit.batch.worker`). :meth:`Executor.stream` pulls work from a ``feed`` only as the
workers free up, so no list of all outputs is ever built.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from collections.abc import Callable, Iterator
from typing import Any

from speechkit.batch import cache, worker

IN_FLIGHT = 6  # chunks queued per worker: enough to keep it busy while the parent decides a batch


class Executor:
    """Runs worker functions over chunks, in-process (``jobs == 1``) or in a process pool."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: cf.ProcessPoolExecutor | None = None
        cache.reset_caches()  # in-process work starts from the files as they are now

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            # spawn: no fork of a threaded parent (progress bar, web server), and the workers
            # are the parent's own children, so they die with it (see worker.init_worker)
            context = multiprocessing.get_context("spawn")
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=worker.init_worker
            )
        return self._pool

    def warm_up(self) -> None:
        """Start the workers now (they import the engine while the parent plans)."""
        if self.jobs > 1:
            pool = self._get_pool()
            for _ in range(self.jobs):
                pool.submit(worker.warm_up)

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        """Run ``fn(*args)`` in a worker (a pool is needed: ``jobs > 1``)."""
        return self._get_pool().submit(fn, *args)

    def map(self, fn: Callable, items: list) -> Iterator[tuple]:
        """Yield ``fn``'s result tuples for every item (one item per chunk), as they finish."""
        if self.jobs == 1:
            for item in items:
                yield from fn([item], None)
            return
        futures = [self.submit(fn, [item], None) for item in items]
        for future in cf.as_completed(futures):
            yield from future.result()

    def stream(
        self,
        fn: Callable,
        feed: Callable[[], list],
        shared: Callable[[list], Any] | None = None,
    ) -> Iterator[tuple]:
        """Yield ``fn``'s result tuples, in completion order, for the work ``feed`` returns.

        ``feed()`` returns the next chunk of work items (an empty list when there is no more);
        it is called only while fewer than ``IN_FLIGHT`` chunks per worker are queued.
        ``shared(chunk)`` gives what the chunk's items need besides themselves (e.g. the town
        contexts). A worker that dies raises ``BrokenProcessPool`` from here.
        """
        share = shared or (lambda chunk: None)
        if self.jobs == 1:  # a chunk at a time too: e.g. PDFs share one LibreOffice start
            while work := feed():
                yield from fn(work, share(work))
            return
        pool = self._get_pool()
        pending: set[cf.Future] = set()
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.jobs * IN_FLIGHT:
                work = feed()
                if not work:
                    exhausted = True
                    break
                pending.add(pool.submit(fn, work, share(work)))
            if not pending:
                return
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                yield from future.result()

    def degrade(self) -> None:
        """After a worker died: drop the pool and run everything else in this process."""
        self.close(cancel=True)
        self.jobs = 1

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel`` drop queued work. Waits for running chunks (small)
        so that nothing is written after the manifest's final save."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None
