"""Run a batch: decide what changed, render in a process pool, merge, check, convert.

The parent decides what to produce and keeps the manifest; workers render and write each
output atomically and send back its hash. Before anything is produced the pending entries are
saved (write-ahead); results are recorded as they arrive and the manifest saved every few
seconds, so a run stopped at any point (Ctrl-C, SIGKILL) leaves complete files and a manifest that the
next run settles against the disk (see :mod:`speechkit.batch.manifest`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from speechkit.batch import worker
from speechkit.batch.manifest import (
    Manifest,
    input_key,
    locked,
    new_entry,
    reconcile,
    sweep_temp_files,
    sync_folder,
    write_atomic,
)
from speechkit.batch.model import (
    FAILED,
    GENERATED,
    SKIPPED,
    UNCHANGED,
    BatchOptions,
    BatchResult,
    ItemResult,
    ProgressCallback,
    ProgressEvent,
)
from speechkit.batch.naming import sanitize
from speechkit.batch.plan import Plan, Task, build_plan, check_selection
from speechkit.errors import SpeechkitError
from speechkit.fsutil import sha256_bytes

PDF_CHUNK = 16  # PDFs per LibreOffice start (one start costs ~2-4 s, a file ~0.2 s)
CHUNK_MAX = 64  # items per pool task: fewer round trips, still a fine-grained progress bar
# With a pool, the first outputs are decided, staged and handed to the workers before the
# parent decides the rest, so the workers render while the parent plans the remainder.
HEAD_ITEMS = 1024
# Recording saves the manifest at most this often; outputs produced in between are still
# staged as pending, so a kill loses no record, only some hashing at the next start.
FLUSH_SECONDS = 5.0
FOREIGN_REASON = (
    "文件已存在，但清单中没有它的记录且内容与本次生成的不同，未覆盖"
    "（加 --force 重新生成，原文件会另存一份）"
)
LEFTOVER_REASON = "本次不再生成（名册中已无此人或乡镇改了名），旧文件保留未删除，请勿误用"
EDITED_REASON = "自上次生成后已被修改，未覆盖（加 --force 重新生成，修改稿会另存一份）"
UNGUARDED_MESSAGE = (
    "run_batch 在新启动的工作进程导入主脚本时又被调用了：从 Python 脚本调用时，"
    '请把调用写在 if __name__ == "__main__": 之下（或传 jobs=1 在本进程内生成）。'
)
POOL_BROKEN_MESSAGE = (
    "批量生成的工作进程意外退出，本次运行未完成（已写出的文件完整，清单已记录）。"
    '从 Python 脚本调用 run_batch 时，请把调用写在 if __name__ == "__main__": 之下；'
    "否则请用 --jobs 1 重试。"
)


# ---------------------------------------------------------------------------- execution


class Executor:
    """Runs worker functions over chunks, in-process (``jobs == 1``) or in a process pool.

    ``fn(chunk, shared)`` is called with a list of items and whatever ``shared(chunk)`` returns
    (e.g. the town contexts the chunk needs), and returns ``(index, value, error)`` tuples.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: cf.ProcessPoolExecutor | None = None
        worker.reset_caches()  # in-process work starts from the files as they are now

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

    def run(
        self,
        fn: Callable,
        items: list,
        chunk: int | None = None,
        shared: Callable[[list], Any] | None = None,
        more: Callable[[], list] | None = None,
        total: int = 0,
    ) -> Iterator[tuple]:
        """Yield ``fn``'s result tuples for every item, in completion order.

        ``more()``, when given, is called once after ``items`` are all handed out (with a pool:
        submitted, so the workers are busy meanwhile) and returns further items; ``total`` is
        the expected number of items overall (sizes the chunks).
        """
        if not items and more is None:
            return
        share = shared or (lambda chunk: None)
        if self.jobs == 1:
            step = chunk or 1  # PDFs: several files per LibreOffice start
            for part in (items, more() if more is not None else []):
                for i in range(0, len(part), step):
                    yield from fn(part[i : i + step], share(part[i : i + step]))
            return
        count = max(total, len(items))
        size = chunk or max(1, min(CHUNK_MAX, count // (self.jobs * 8)))

        def chunked(part: list) -> Iterator[list]:
            return (part[i : i + size] for i in range(0, len(part), size))

        pool = self._get_pool()
        pending: set[cf.Future] = set()
        for first in chunked(items):  # all of the head at once: work while ``more()`` runs
            pending.add(pool.submit(fn, first, share(first)))
        rest = more() if more is not None else []
        todo = chunked(rest)
        limit = self.jobs * 3
        while True:
            while len(pending) < limit:
                nxt = next(todo, None)
                if nxt is None:
                    break
                pending.add(pool.submit(fn, nxt, share(nxt)))
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


# ---------------------------------------------------------------------------- recording


class Recorder:
    """Keeps the manifest in step with what is produced (write-ahead, see module docstring)."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.last_save = time.monotonic()
        self.unsaved = 0
        self.dirty = False

    def stage(self, staged: list[tuple[str, dict]]) -> None:
        """Save pending entries for outputs about to be produced."""
        if not staged:
            return
        for rel, entry in staged:
            self.manifest.stage(rel, entry)
        self.manifest.save()

    def record(self, rel: str, sha256: str, stat: tuple[int, int] | None = None) -> None:
        """Record a produced output; save now and then."""
        self.manifest.commit(rel, sha256, stat)
        self.unsaved += 1
        if time.monotonic() - self.last_save >= FLUSH_SECONDS:
            self.save()

    def adopt(self, rel: str, entry: dict, sha256: str, stat: tuple[int, int]) -> None:
        """Record an existing file (nothing was written) as the output of ``entry``."""
        self.manifest.entries[rel] = dict(entry, sha256=sha256, size=stat[0], mtime_ns=stat[1])
        self.dirty = True

    def forget(self, rel: str) -> None:
        """The output was not produced: drop its pending entry."""
        self.manifest.drop_pending(rel)
        self.dirty = True

    def save(self) -> None:
        """Flush the produced files to disk, then save the manifest (when anything changed)."""
        if self.unsaved:
            sync_folder(self.manifest.out)
        self.manifest.save()
        self.last_save = time.monotonic()
        self.unsaved = 0
        self.dirty = False

    def finish(self) -> None:
        """Settle anything still pending and save, unless the last save already did."""
        if reconcile(self.manifest) or self.dirty or self.unsaved:
            self.save()


# ---------------------------------------------------------------------------- deciding


def decide(
    manifest: Manifest, rel: str, key: str, force: bool, adopt: bool = False
) -> tuple[str, str | None]:
    """Decide what to do with output ``rel``; return ``(action, sha256 of the file on disk)``.

    ``render`` (missing, or inputs changed), ``unchanged``, ``edited`` (changed since generated:
    keep it), ``replace`` (``force``: move it aside and render). With ``adopt``, a file the
    manifest does not know gives ``adopt``: render and compare, and record the file as ours when
    it is byte-identical (a lost manifest, a copied output folder).
    """
    disk = manifest.disk_sha(rel)
    if disk is None:
        return "render", None
    entry = manifest.entries.get(rel)
    if entry is not None and disk == entry.get("sha256"):
        return ("unchanged" if entry.get("key") == key else "render"), disk
    if entry is None and adopt:
        return "adopt", disk
    return ("replace" if force else "edited"), disk


def _label(item: ItemResult) -> str:
    """How an output is named in the check report: town / document / form's file name (which
    tells same-name members apart: 刘假名（东湖村党支部）)."""
    form = Path(item.output).stem if item.member else ""
    return " / ".join(x for x in (item.town, item.document, form) if x)


def _document_name(task: Task) -> str:
    if task.template.per_member and task.kind == "document":
        return f"{task.template.name}（无名册，空白表）"
    return task.template.name


# ---------------------------------------------------------------------------- phases


class Run:
    """State of one batch run (see :func:`run`)."""

    def __init__(self, options: BatchOptions, progress: ProgressCallback | None) -> None:
        self.options = options
        self.progress = progress or (lambda event: None)
        self.jobs = options.jobs or os.cpu_count() or 1
        self.out = Path(options.out)
        self.root = self.out.resolve()  # absolute output folder handed to workers
        self.result = BatchResult(out=self.out, jobs=self.jobs)

    def emit(self, phase: str, done: int, total: int, current: str = "", status: str = "") -> None:
        """Send one progress event."""
        self.progress(ProgressEvent(phase, done, total, current, status))

    def _step(
        self,
        phase: str,
        tasks: list[tuple[str, str, dict, dict, ItemResult]],
        fn: Callable,
        payload: Callable[[int, str], tuple],
        executor: Executor,
        recorder: Recorder,
        shared: Callable[[list], Any] | None = None,
        indices: list[int] | None = None,
        chunk: int | None = None,
    ) -> list[ItemResult]:
        """Decide, produce and record a list of ``(rel, kind, inputs, fields, item)`` outputs.

        ``payload(index, keep_stamp[, adopt_sha])`` builds the worker's arguments for task
        ``index``; ``adopt_sha`` (render phase only) asks the worker to compare before writing.
        ``indices`` limits the step to those tasks (the retry after a worker died).
        """
        total = len(tasks)
        order = list(range(total) if indices is None else indices)
        done = total - len(order)
        now = self.options.now or dt.datetime.now()
        stamp, when = now.strftime("%Y%m%d-%H%M%S"), now.isoformat(timespec="seconds")
        fresh: dict[int, dict] = {}
        adopt = phase == "render"
        waiting: set[int] = set()  # handed to the executor, no result yet
        undecided = set(order)

        def prepare(part: list[int]) -> list[tuple]:
            """Decide ``part``, stage what will be produced (write-ahead), return the work."""
            nonlocal done
            work: list[tuple] = []
            staged: list[tuple[str, dict]] = []
            for index in part:
                rel, kind, inputs, fields, item = tasks[index]
                key = input_key(inputs)
                action, disk = decide(recorder.manifest, rel, key, self.options.force, adopt)
                if action == "unchanged":
                    item.status = UNCHANGED
                elif action == "edited":
                    item.status = SKIPPED
                    item.reason = EDITED_REASON
                else:
                    entry = new_entry(kind, inputs, when=when, key=key, **fields)
                    keep = stamp if action == "replace" or self.options.force else ""
                    if action == "adopt":
                        fresh[index] = entry
                        if self.options.force:  # the worker may write: write-ahead as usual
                            staged.append((rel, entry))
                        work.append(payload(index, keep, disk))
                    else:
                        staged.append((rel, entry))
                        work.append(payload(index, keep if action == "replace" else ""))
                    continue
                done += 1
                self.emit(phase, done, total, rel, item.status)
            recorder.stage(staged)
            waiting.update(w[0] for w in work)
            undecided.difference_update(part)
            return work

        # with a pool, the workers start on the head while the parent decides the rest
        split = HEAD_ITEMS if executor.jobs > 1 and len(order) > 2 * HEAD_ITEMS else len(order)
        head, rest = order[:split], order[split:]
        more = (lambda: prepare(rest)) if rest else None
        try:
            work = prepare(head)
            runs = executor.run(fn, work, chunk, shared=shared, more=more, total=len(order))
            for index, meta, error in runs:
                rel, item = tasks[index][0], tasks[index][4]
                waiting.discard(index)
                if meta is None:
                    item.status, item.reason = FAILED, error
                    recorder.forget(rel)
                elif meta.get("adopted"):  # identical to what we would write: ours
                    item.status = UNCHANGED
                    recorder.adopt(rel, fresh[index], meta["sha256"], meta["stat"])
                elif meta.get("differs"):  # someone else's file: keep it
                    item.status, item.reason = SKIPPED, FOREIGN_REASON
                else:
                    item.status = GENERATED
                    if meta["kept"]:
                        item.kept = Path(meta["kept"]).relative_to(self.root).as_posix()
                        item.reason = f"原文件已被修改，已另存为 {item.kept}"
                    recorder.record(rel, meta["sha256"], meta.get("stat"))
                done += 1
                self.emit(phase, done, total, rel, item.status)
        except BrokenProcessPool:
            if executor.jobs == 1:  # pragma: no cover - in-process work has no pool to break
                raise
            # a worker died (out of memory, killed): settle what it wrote, then decide the
            # rest again and produce it in this process
            executor.degrade()
            self.result.jobs = 1
            reconcile(recorder.manifest)
            remaining = sorted(waiting | undecided)
            return self._step(
                phase, tasks, fn, payload, executor, recorder, shared, remaining, chunk
            )
        recorder.finish()  # also settles anything a dead worker may have written
        return [t[4] for t in tasks]

    def render(self, plan: Plan, executor: Executor, recorder: Recorder) -> list[ItemResult]:
        """Render every planned document and form that changed."""
        tasks = []
        for task in plan.tasks:
            item = ItemResult(
                task.town.name,
                task.town.slug,
                _document_name(task),
                task.rel,
                "",
                member=task.member.name if task.member else "",
            )
            fields = {"town": task.town.slug, "document": task.template.name}
            if task.member:
                fields["member"] = task.member.name
            tasks.append((task.rel, task.kind, task.inputs, fields, item))

        root = str(self.root)

        def payload(index: int, keep_stamp: str, adopt_sha: str = "") -> tuple:
            task = plan.tasks[index]
            member = task.member.context() if task.member else None
            target = os.path.join(root, task.rel)
            tpl = str(task.template.path)
            return (index, tpl, task.town.slug, member, target, keep_stamp, adopt_sha)

        towns = {t.slug: t for t in plan.towns}

        def contexts(chunk: list[tuple]) -> dict[str, dict]:
            return {item[2]: towns[item[2]].context for item in chunk}

        return self._step(
            "render", tasks, worker.render_chunk, payload, executor, recorder, contexts
        )

    def merge(self, plan: Plan, executor: Executor, recorder: Recorder) -> list[ItemResult]:
        """Write one printable file per town and per-member template with every form."""
        from speechkit import __version__

        groups: dict[tuple[str, str], list[Task]] = {}
        for task in plan.tasks:
            if task.kind == "form":
                groups.setdefault((task.town.slug, task.template.name), []).append(task)
        tasks = []
        sources: list[list[str]] = []
        failed = []
        for (_slug, name), forms in groups.items():
            town = forms[0].town
            rel = f"{town.folder}/{sanitize(name + '（合订本）')}.docx"
            item = ItemResult(town.name, town.slug, f"{name}（合订本）", rel, "")
            present = [(t.rel, recorder.manifest.disk_sha(t.rel)) for t in forms]
            present = [(r, s) for r, s in present if s is not None]
            if not present:
                item.status, item.reason = FAILED, "没有可合订的评议表"
                failed.append(item)
                continue
            blob = json.dumps(present, ensure_ascii=False).encode("utf-8")
            inputs = {"forms": sha256_bytes(blob), "version": __version__}
            tasks.append((rel, "merged", inputs, {"town": town.slug, "document": name}, item))
            sources.append([str(self.root / r) for r, _ in present])

        def payload(index: int, keep_stamp: str) -> tuple:
            target = str(self.root / tasks[index][0])
            return (index, sources[index], target, keep_stamp)

        done = self._step("merge", tasks, worker.merge_chunk, payload, executor, recorder)
        return done + failed

    def check(
        self, plan: Plan, items: list[ItemResult], executor: Executor, recorder: Recorder
    ) -> None:
        """Check every document and form present on disk with its town's profile.

        A result kept in the manifest for the same output, rules and profile is reused (see
        :mod:`speechkit.batch.checkcache`); new results are stored there.
        """
        from speechkit.batch import checkcache

        manifest = recorder.manifest
        by_slug = {t.slug: t for t in plan.towns}
        rules = checkcache.rules_digest()
        todo: list[tuple] = []
        keys: dict[int, tuple[str, str]] = {}  # index → (output sha, cache key)
        hits: list[tuple[int, dict, str]] = []
        for i, item in enumerate(items):
            if not item.output or item.status == FAILED:
                continue
            sha = manifest.disk_sha(item.output)
            if sha is None:
                continue
            label = _label(item)
            town = by_slug[item.town_slug]
            key = checkcache.check_key(sha, rules, town.digest, label, item.document)
            cached = (manifest.entries.get(item.output) or {}).get("check")
            if cached and cached.get("key") == key:
                hits.append((i, cached, label))
                continue
            keys[i] = (sha, key)
            path = str(self.out / item.output)
            todo.append((i, path, str(town.path), item.document, label))
        reports: dict[int, Any] = {}
        total = len(hits) + len(todo)
        done = 0

        def take(index: int, report: Any, error: str) -> None:
            nonlocal done
            item = items[index]
            done += 1
            if report is None:
                self.result.items.append(
                    ItemResult(
                        item.town,
                        item.town_slug,
                        item.document,
                        item.output,
                        FAILED,
                        f"检查未完成：{error}",
                        member=item.member,
                    )
                )
            else:
                reports[index] = report
                findings = list(getattr(report, "findings", []))
                item.findings = len(findings)
                severities: dict[str, int] = {}
                for finding in findings:
                    level = str(getattr(finding, "severity", ""))
                    severities[level] = severities.get(level, 0) + 1
                item.findings_by_severity = severities
            self.emit("check", done, total, item.output)

        for index, cached, label in hits:
            try:
                report, error = checkcache.load(cached, self.out / items[index].output, label), ""
            except SpeechkitError as exc:
                report, error = None, exc.format_message()
            take(index, report, error)
        for index, report, error in self._resilient(executor, todo):
            take(index, report, error)
            entry = manifest.entries.get(items[index].output)
            sha, key = keys[index]
            if report is not None and entry is not None and entry.get("sha256") == sha:
                entry["check"] = checkcache.dump(key, report)
                recorder.dirty = True
        self.result.reports = [reports[i] for i in sorted(reports)]

    def leftovers(self, plan: Plan, manifest: Manifest) -> list[ItemResult]:
        """Earlier outputs of this run's towns and templates that are no longer planned.

        A member taken off the roster, or a renamed town, leaves its old files behind; they are
        listed (``skipped``) so nobody prints a stale form, and never deleted.
        """
        towns = {t.slug: t for t in plan.towns if not t.error}
        templates = {t.name for t in plan.templates if not t.error}
        planned = {t.rel for t in plan.tasks}
        found = []
        for rel, entry in manifest.entries.items():
            if entry.get("kind") not in ("document", "form") or rel in planned:
                continue
            town = towns.get(entry.get("town", ""))
            if town is None or entry.get("document") not in templates:
                continue
            if not (self.out / rel).exists():
                continue
            found.append(
                ItemResult(
                    town.name,
                    town.slug,
                    str(entry.get("document")),
                    rel,
                    SKIPPED,
                    LEFTOVER_REASON,
                    member=str(entry.get("member", "")),
                )
            )
        return sorted(found, key=lambda i: i.output)

    def _resilient(self, executor: Executor, todo: list[tuple]) -> Iterator[tuple]:
        """Check results for ``todo``; if a worker dies, the rest are checked in this process."""
        left = {item[0]: item for item in todo}
        try:
            for result in executor.run(worker.check_chunk, todo):
                left.pop(result[0], None)
                yield result
        except BrokenProcessPool:
            if executor.jobs == 1:  # pragma: no cover
                raise
            executor.degrade()
            self.result.jobs = 1
            yield from executor.run(worker.check_chunk, list(left.values()))

    def pdf(
        self, items: list[ItemResult], executor: Executor, recorder: Recorder
    ) -> list[ItemResult]:
        """Convert the documents (and merged files, or else the forms) to PDF."""
        from speechkit import __version__

        merged = any(i.document.endswith("（合订本）") for i in items)
        tasks = []
        for item in items:
            if not item.output.endswith(".docx") or item.status == FAILED:
                continue
            if merged and item.member:
                continue  # with --merge, one PDF per merged file instead of one per form
            sha = recorder.manifest.disk_sha(item.output)
            if sha is None:
                continue
            rel = item.output[: -len(".docx")] + ".pdf"
            pdf_item = ItemResult(
                item.town, item.town_slug, f"{item.document}（PDF）", rel, "", member=item.member
            )
            inputs = {"source": sha, "version": __version__}
            fields = {"town": item.town_slug, "document": item.document}
            tasks.append((rel, "pdf", inputs, fields, pdf_item))

        def payload(index: int, keep_stamp: str) -> tuple:
            rel = tasks[index][0]
            source = self.root / (rel[: -len(".pdf")] + ".docx")
            return (index, str(source), str(self.root / rel), keep_stamp)

        return self._step(
            "pdf", tasks, worker.pdf_chunk, payload, executor, recorder, chunk=PDF_CHUNK
        )

    def report(self) -> None:
        """Write the combined HTML check report."""
        from speechkit.check.report import to_html

        path = Path(self.options.report)
        html = to_html(self.result.reports, title="批量生成检查报告")
        write_atomic(path, html.encode("utf-8") if isinstance(html, str) else html)
        self.result.report_path = path


def _bootstrapping() -> bool:
    """True inside a spawned process that is still importing its parent's main script."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def run(options: BatchOptions, progress: ProgressCallback | None = None) -> BatchResult:
    """Implementation of :func:`speechkit.batch.run_batch`."""
    started = time.monotonic()
    if _bootstrapping():
        raise SpeechkitError(UNGUARDED_MESSAGE)
    state = Run(options, progress)
    result = state.result
    # whole-run problems raise here, before any worker starts or anything is written
    check_selection(options)
    with locked(state.out):
        sweep_temp_files(state.out)
        manifest = Manifest.load(state.out)
        recorder = Recorder(manifest)
        recorder.dirty = manifest.settled  # write the settled manifest back even if idle
        executor = Executor(state.jobs)
        try:
            executor.warm_up()  # workers import the engine while the parent compiles templates
            plan = build_plan(
                options,
                executor if state.jobs > 1 else None,
                lambda done, total, current: state.emit("plan", done, total, current),
            )
            result.warnings = plan.warnings
            items = state.render(plan, executor, recorder)
            if options.merge:
                items += state.merge(plan, executor, recorder)
            result.items = plan.failures + items + state.leftovers(plan, manifest)
            if options.check or options.report:
                checked = [i for i in items if "合订本" not in i.document]
                state.check(plan, checked, executor, recorder)
            if options.pdf:
                result.items += state.pdf(items, executor, recorder)
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
    if options.report:
        state.report()
    result.elapsed = time.monotonic() - started
    return result


__all__ = ["run", "decide", "Executor", "Recorder"]
