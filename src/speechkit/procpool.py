"""The one process-pool helper: run a function over chunks of work, here or in worker processes.

With one job everything runs in this process (no pool, no pickling); with more, a
:class:`concurrent.futures.ProcessPoolExecutor` is started on first use with the start method
the caller chooses: ``spawn`` for a parent that may have threads (batch, the web server),
``fork`` to share what the parent prepared without pickling it (the checker's tokenizer).

Worker functions take ``(chunk, shared)`` — a list of work items and what they need besides
themselves — and return an iterable of results. :meth:`Pool.stream` pulls work from a ``feed``
only as the workers free up, so no list of all the work is ever built. A worker that dies
raises :class:`~concurrent.futures.process.BrokenProcessPool` from :meth:`Pool.stream` or
:meth:`Pool.map`; :meth:`Pool.degrade` then lets the caller finish in this process.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import Any

IN_FLIGHT = 6  # chunks queued per worker: enough to keep it busy while the parent decides


def can_start(method: str) -> bool:
    """True when this platform offers the start method ``method`` ("fork" is POSIX only)."""
    return method in multiprocessing.get_all_start_methods()


class Pool:
    """Runs worker functions over chunks, in this process (``jobs == 1``) or in ``jobs``
    worker processes started with ``start_method`` and set up by ``initializer(*initargs)``.

    Use it as a context manager (or call :meth:`close`) so the workers stop.
    """

    def __init__(
        self,
        jobs: int,
        *,
        start_method: str = "spawn",
        initializer: Callable[..., Any] | None = None,
        initargs: tuple = (),
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.jobs = max(1, jobs)
        self.start_method = start_method
        self.initializer = initializer
        self.initargs = initargs
        self.in_flight = in_flight
        self._pool: cf.ProcessPoolExecutor | None = None

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=self.initializer,
                initargs=self.initargs,
            )
        return self._pool

    def warm_up(self, fn: Callable[[], Any]) -> None:
        """Start the workers now, each running ``fn()`` once (e.g. importing what it needs
        while the parent does other work); nothing happens with one job."""
        if self.jobs > 1:
            pool = self._get_pool()
            for _ in range(self.jobs):
                pool.submit(fn)

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        """Run ``fn(*args)`` in a worker (a pool is needed: ``jobs > 1``)."""
        return self._get_pool().submit(fn, *args)

    def map(self, fn: Callable, items: list) -> Iterator:
        """Yield ``fn``'s results for every item (one item per chunk), as they finish."""
        if self.jobs == 1:
            for item in items:
                yield from fn([item], None)
            return
        futures = [self.submit(fn, [item], None) for item in items]
        for future in cf.as_completed(futures):
            yield from future.result()

    def stream(
        self,
        fn: Callable[[list, Any], Iterable],
        feed: Callable[[], list],
        shared: Callable[[list], Any] | None = None,
    ) -> Iterator:
        """Yield ``fn``'s results, in completion order, for the work ``feed`` returns.

        ``feed()`` returns the next chunk of work items (an empty list when there is no more);
        it is called only while fewer than ``in_flight`` chunks per worker are queued.
        ``shared(chunk)`` gives what the chunk's items need besides themselves. A worker that
        dies raises ``BrokenProcessPool`` from here.
        """
        share = shared or (lambda chunk: None)
        if self.jobs == 1:  # a chunk at a time here too (e.g. PDFs share one LibreOffice)
            while work := feed():
                yield from fn(work, share(work))
            return
        pool = self._get_pool()
        pending: set[cf.Future] = set()
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.jobs * self.in_flight:
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
        """Stop the workers; with ``cancel`` drop queued work. Waits for running chunks, so
        nothing a worker does happens after this returns."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close(cancel=_exc[0] is not None)


def chunks(items: Iterable, size: int) -> Callable[[], list]:
    """A ``feed`` for :meth:`Pool.stream`: the next ``size`` items of ``items`` at each call."""
    iterator = iter(items)
    return lambda: list(itertools.islice(iterator, size))
