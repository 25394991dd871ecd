"""The streamed decide → produce → record loop shared by every phase of a run.

A phase hands :func:`produce` an iterator of :class:`Output` (what to produce and from what).
Outputs are pulled from it only as the workers free up: each is decided against the manifest
(unchanged, edited by hand, to render), the ones to produce are staged as pending in batches
(write-ahead), handed to the workers in chunks, and recorded as the results arrive. Only the
outputs in flight are held in memory. If a worker dies, what it wrote is settled against the
disk and the outputs in flight are decided again and produced in this process.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speechkit.batch.manifest import input_key, new_entry, reconcile
from speechkit.batch.model import FAILED, GENERATED, SKIPPED, UNCHANGED, ItemResult
from speechkit.batch.pool import Executor
from speechkit.batch.record import Recorder, decide

CHUNK_MAX = 64  # outputs per worker chunk: fewer round trips, still a fine progress bar
STAGE_BATCH = 1024  # outputs decided and staged (one commit) at a time
FOREIGN_REASON = (
    "文件已存在，但清单中没有它的记录且内容与本次生成的不同，未覆盖"
    "（加 --force 重新生成，原文件会另存一份）"
)
EDITED_REASON = "自上次生成后已被修改，未覆盖（加 --force 重新生成，修改稿会另存一份）"


@dataclass
class Output:
    """One output of a phase: ``rel`` below ``--out``, manifest ``kind``, ``inputs`` (hashes
    that decide whether it is unchanged), extra manifest ``fields``, the ``item`` reported, and
    ``args(keep_stamp, adopt_sha)`` → the worker's arguments after the index."""

    rel: str
    kind: str
    inputs: dict
    fields: dict
    item: ItemResult
    args: Callable[..., tuple]
    order: int = 0
    size_hint: int = 0  # outputs of the same group (a town): sizes the chunks


@dataclass
class Context:
    """What :func:`produce` needs of the run."""

    executor: Executor
    recorder: Recorder
    root: Path  # absolute output folder
    force: bool
    now: dt.datetime | None
    emit: Callable[..., None]  # emit(phase, done, total, current, status, town, reason)
    collect: Callable[[ItemResult, int], None]  # a finished item
    total: Callable[[], int]  # outputs of the phase known so far
    degraded: Callable[[], None]  # the pool broke: the rest runs in this process
    warnings: list[ItemResult]  # notes that fail nothing (roster fields left blank)


def produce(
    phase: str,
    outputs: Iterator[Output],
    fn: Callable,
    ctx: Context,
    shared: Callable[[list], Any] | None = None,
    planned: Callable[[list[str]], None] | None = None,
    chunk: int | None = None,
) -> None:
    """Decide, produce and record every output of ``outputs`` (see the module docstring).

    ``fn`` is the worker function; ``shared(chunk)`` what a chunk needs besides its items;
    ``planned(rels)`` is told the outputs decided (the run's list of planned outputs);
    ``chunk`` fixes the outputs per worker call (PDFs: several per LibreOffice start).
    """
    now = ctx.now or dt.datetime.now()
    stamp, when = now.strftime("%Y%m%d-%H%M%S"), now.isoformat(timespec="seconds")
    adopt = phase == "render"
    manifest = ctx.recorder.manifest
    inflight: dict[int, Output] = {}
    ready: deque[tuple] = deque()  # decided and staged work not yet handed out
    again: deque[Output] = deque()  # outputs to decide again after a worker died
    fresh: dict[int, dict] = {}  # the entry staged for each output in flight
    counter = iter(range(1 << 62))
    done = 0

    def finish(out: Output) -> None:
        nonlocal done
        done += 1
        item = out.item
        ctx.emit(phase, done, ctx.total(), out.rel, item.status, item.town, item.reason)
        ctx.collect(out.item, out.order)

    def next_output() -> Output | None:
        if again:
            return again.popleft()
        return next(outputs, None)

    def decide_batch() -> bool:
        """Decide up to STAGE_BATCH outputs; stage those to produce; False when none left."""
        staged: list[tuple[str, dict]] = []
        decided: list[str] = []
        pulled = 0
        while pulled < STAGE_BATCH:
            out = next_output()
            if out is None:
                break
            pulled += 1
            decided.append(out.rel)
            key = input_key(out.inputs)
            action, disk, _ = decide(manifest, out.rel, key, ctx.force, adopt)
            if action == "unchanged":
                out.item.status = UNCHANGED
            elif action == "edited":
                out.item.status, out.item.reason = SKIPPED, EDITED_REASON
            else:
                index = next(counter)
                entry = new_entry(out.kind, out.inputs, when=when, key=key, **out.fields)
                keep = stamp if action == "replace" or ctx.force else ""
                fresh[index] = entry
                if action == "adopt":
                    if ctx.force:  # the worker may write: write-ahead as usual
                        staged.append((out.rel, entry))
                    args = out.args(keep, disk)
                else:
                    staged.append((out.rel, entry))
                    args = out.args(keep if action == "replace" else "")
                inflight[index] = out
                ready.append((index, *args))
                continue
            finish(out)
        if planned is not None and decided:
            planned(decided)
        ctx.recorder.stage(staged)
        return pulled > 0

    def feed() -> list:
        while not ready:
            if not decide_batch():
                return []
        size = chunk or max(1, min(CHUNK_MAX, ready_hint() // (ctx.executor.jobs * 8)))
        return [ready.popleft() for _ in range(min(size, len(ready)))]

    def ready_hint() -> int:
        index = ready[0][0]
        return inflight[index].size_hint or len(ready)

    def take(index: int, meta: dict | None, error: str) -> None:
        out = inflight.pop(index)
        item = out.item
        if meta is None:
            item.status, item.reason = FAILED, error
            ctx.recorder.forget(out.rel)
        elif meta.get("adopted"):  # identical to what we would write: ours
            item.status = UNCHANGED
            ctx.recorder.adopt(out.rel, fresh.pop(index), meta["sha256"], meta["stat"])
        elif meta.get("differs"):  # someone else's file: keep it
            item.status, item.reason = SKIPPED, FOREIGN_REASON
        else:
            item.status = GENERATED
            if meta["kept"]:
                item.kept = Path(meta["kept"]).relative_to(ctx.root).as_posix()
                item.reason = f"原文件已被修改，已另存为 {item.kept}"
            ctx.recorder.record(out.rel, meta["sha256"], meta.get("stat"), fresh.get(index))
        fresh.pop(index, None)
        finish(out)

    while True:
        try:
            for index, meta, error in ctx.executor.stream(fn, feed, shared):
                take(index, meta, error)
            break
        except BrokenProcessPool:
            if ctx.executor.jobs == 1:  # pragma: no cover - in-process work has no pool
                raise
            # a worker died (out of memory, killed): settle what it wrote, then decide the
            # outputs in flight again and produce them (and the rest) in this process
            ctx.executor.degrade()
            ctx.degraded()
            ctx.recorder.save()
            reconcile(manifest)
            again.extend(inflight[i] for i in sorted(inflight))
            inflight.clear()
            ready.clear()
            fresh.clear()
    ctx.recorder.save()
