"""Run a batch: decide what changed, render in a process pool, write, merge, check, convert.

Only the parent process writes files and the manifest (see :mod:`speechkit.batch.manifest`);
workers render and return bytes. Results are written in small groups: the group's manifest
entries are staged, the files written atomically, then the entries committed, so a run
stopped at any point (Ctrl-C, SIGKILL) leaves complete files and a manifest that describes them.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
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
from speechkit.batch.plan import Plan, Task, Town, build_plan
from speechkit.errors import display_path
from speechkit.fsutil import sha256_bytes

FLUSH_SECONDS = 1.0
FLUSH_ITEMS = 400
POOL_BROKEN = "工作进程意外退出（可能内存不足或被系统终止），未生成；请重新运行"
EDITED_REASON = "自上次生成后已被修改，未覆盖（加 --force 重新生成，修改稿会另存一份）"


# ---------------------------------------------------------------------------- execution


class Executor:
    """Runs worker functions over chunks, in-process (``jobs == 1``) or in a process pool."""

    def __init__(self, jobs: int, contexts: dict[str, dict]) -> None:
        self.jobs = max(1, jobs)
        self.contexts = contexts
        self._pool: cf.ProcessPoolExecutor | None = None
        if self.jobs == 1:
            worker.init_worker(contexts, ignore_sigint=False)

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context(method),
                initializer=worker.init_worker,
                initargs=(self.contexts,),
            )
        return self._pool

    def run(self, fn: Callable, items: list, chunk: int | None = None) -> Iterator[tuple]:
        """Yield ``fn``'s result tuples for every item, in completion order."""
        if not items:
            return
        if self.jobs == 1:
            for item in items:
                yield from fn([item])
            return
        size = chunk or max(1, min(16, len(items) // (self.jobs * 8)))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        pool = self._get_pool()
        pending: set[cf.Future] = set()
        todo = iter(chunks)
        limit = self.jobs * 3
        while True:
            while len(pending) < limit:
                nxt = next(todo, None)
                if nxt is None:
                    break
                pending.add(pool.submit(fn, nxt))
            if not pending:
                return
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                yield from future.result()

    def close(self, cancel: bool = False) -> None:
        """Stop the workers (at once when ``cancel``)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None


# ---------------------------------------------------------------------------- writing


class Writer:
    """Writes outputs in small groups, keeping the manifest in step (write-ahead, see module)."""

    def __init__(self, manifest: Manifest, now: dt.datetime | None = None) -> None:
        self.manifest = manifest
        self.now = now
        self.buffer: list[tuple[str, bytes, dict, ItemResult, bool]] = []
        self.last_flush = time.monotonic()

    def add(self, rel: str, data: bytes, entry: dict, item: ItemResult, keep_old: bool) -> None:
        """Queue ``data`` for ``rel``; ``keep_old`` moves the edited file aside first."""
        self.buffer.append((rel, data, entry, item, keep_old))
        if len(self.buffer) >= FLUSH_ITEMS or time.monotonic() - self.last_flush >= FLUSH_SECONDS:
            self.flush()

    def _kept_name(self, path: Path) -> Path:
        stamp = (self.now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        candidate = path.with_name(f"{path.stem}.修改稿-{stamp}{path.suffix}")
        n = 2
        while candidate.exists():
            candidate = path.with_name(f"{path.stem}.修改稿-{stamp}-{n}{path.suffix}")
            n += 1
        return candidate

    def flush(self) -> None:
        """Stage, write and commit everything queued."""
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        if not batch:
            return
        manifest = self.manifest
        for rel, _data, entry, _item, _keep in batch:
            manifest.stage(rel, entry)
        manifest.save()
        written: list[str] = []
        try:
            for rel, data, _entry, item, keep_old in batch:
                path = manifest.file(rel)
                try:
                    if keep_old and path.exists():
                        kept = self._kept_name(path)
                        os.replace(path, kept)
                        item.kept = kept.relative_to(manifest.out).as_posix()
                        item.reason = f"原文件已被修改，已另存为 {item.kept}"
                    write_atomic(path, data, sync=False)
                except OSError as exc:
                    manifest.drop_pending(rel)
                    item.status = FAILED
                    item.reason = f"无法写入 {display_path(path)}：{exc.strerror or exc}"
                    continue
                written.append(rel)
            sync_folder(manifest.out)  # the files are on disk before the manifest says so
            for rel in written:
                manifest.commit(rel)
        finally:
            reconcile(manifest)  # anything not written (interrupted) is settled against disk
            manifest.save()


# ---------------------------------------------------------------------------- deciding


def decide(manifest: Manifest, rel: str, key: str, force: bool) -> str:
    """Return ``render``, ``unchanged``, ``edited`` (keep it) or ``replace`` (force) for ``rel``."""
    disk = manifest.disk_sha(rel)
    if disk is None:
        return "render"
    entry = manifest.entries.get(rel)
    if entry is not None and disk == entry.get("sha256"):
        return "unchanged" if entry.get("key") == key else "render"
    return "replace" if force else "edited"


def _document_name(task: Task) -> str:
    return task.template.name


# ---------------------------------------------------------------------------- phases


class Run:
    """State of one batch run (see :func:`run`)."""

    def __init__(self, options: BatchOptions, progress: ProgressCallback | None) -> None:
        self.options = options
        self.progress = progress or (lambda event: None)
        self.jobs = options.jobs or os.cpu_count() or 1
        self.out = Path(options.out)
        self.result = BatchResult(out=self.out, jobs=self.jobs)

    def emit(self, phase: str, done: int, total: int, current: str = "", status: str = "") -> None:
        """Send one progress event."""
        self.progress(ProgressEvent(phase, done, total, current, status))

    def _step(
        self,
        phase: str,
        tasks: list[tuple[str, str, dict, dict, Any]],
        fn: Callable,
        payload: Callable[[int, Any], tuple],
        executor: Executor,
        writer: Writer,
    ) -> list[ItemResult]:
        """Decide, produce and write a list of ``(rel, kind, inputs, fields, item)`` outputs."""
        total = len(tasks)
        done = 0
        work = []
        items: list[ItemResult] = []
        for index, (rel, _kind, inputs, _fields, item) in enumerate(tasks):
            items.append(item)
            action = decide(writer.manifest, rel, input_key(inputs), self.options.force)
            if action == "unchanged":
                item.status = UNCHANGED
            elif action == "edited":
                item.status = SKIPPED
                item.reason = EDITED_REASON
            else:
                work.append(payload(index, action))
                continue
            done += 1
            self.emit(phase, done, total, rel, item.status)
        actions = {p[0]: p[-1] for p in work}
        try:
            for index, data, error in executor.run(fn, [p[:-1] for p in work]):
                rel, kind, inputs, fields, item = tasks[index]
                action = actions.pop(index)
                if data is None:
                    item.status = FAILED
                    item.reason = error
                else:
                    item.status = GENERATED
                    entry = new_entry(kind, inputs, data, **fields)
                    writer.add(rel, data, entry, item, keep_old=action == "replace")
                done += 1
                self.emit(phase, done, total, rel, item.status)
        except BrokenProcessPool:
            executor.close(cancel=True)
            for index in actions:  # whatever the dead pool did not return
                item = tasks[index][4]
                item.status, item.reason = FAILED, POOL_BROKEN
        writer.flush()
        return items

    def render(self, plan: Plan, executor: Executor, writer: Writer) -> list[ItemResult]:
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

        def payload(index: int, action: str) -> tuple:
            task = plan.tasks[index]
            member = task.member.context() if task.member else None
            return (index, str(task.template.path), task.town.slug, member, action)

        return self._step("render", tasks, worker.render_chunk, payload, executor, writer)

    def merge(self, plan: Plan, writer: Writer) -> list[ItemResult]:
        """Write one printable file per town and per-member template with every form."""
        from speechkit import __version__

        groups: dict[tuple[str, str], list[Task]] = {}
        for task in plan.tasks:
            if task.kind == "form":
                groups.setdefault((task.town.slug, task.template.name), []).append(task)
        items = []
        total = len(groups)
        for done, ((_slug, name), tasks) in enumerate(groups.items(), start=1):
            town = tasks[0].town
            rel = f"{town.folder}/{sanitize(name + '（合订本）')}.docx"
            item = ItemResult(town.name, town.slug, f"{name}（合订本）", rel, "")
            items.append(item)
            forms = [(t.rel, writer.manifest.disk_sha(t.rel)) for t in tasks]
            forms = [(r, s) for r, s in forms if s is not None]
            if not forms:
                item.status, item.reason = FAILED, "没有可合订的评议表"
                continue
            inputs = {
                "forms": sha256_bytes(json.dumps(forms, ensure_ascii=False).encode("utf-8")),
                "version": __version__,
            }
            action = decide(writer.manifest, rel, input_key(inputs), self.options.force)
            if action == "unchanged":
                item.status = UNCHANGED
            elif action == "edited":
                item.status, item.reason = SKIPPED, EDITED_REASON
            else:
                try:
                    data = merge_documents([writer.manifest.file(r) for r, _ in forms])
                except Exception as exc:
                    item.status, item.reason = FAILED, worker._error_text(exc)
                else:
                    item.status = GENERATED
                    entry = new_entry("merged", inputs, data, town=town.slug, document=name)
                    writer.add(rel, data, entry, item, keep_old=action == "replace")
                    writer.flush()
            self.emit("merge", done, total, rel, item.status)
        return items

    def check(self, plan: Plan, items: list[ItemResult], executor: Executor) -> None:
        """Check every document and form present on disk with its town's profile."""
        by_slug = {t.slug: t for t in plan.towns}
        todo = [
            (
                i,
                str(self.out / item.output),
                str(by_slug[item.town_slug].path),
                item.document,
                " / ".join(x for x in (item.town, item.document, item.member) if x),
            )
            for i, item in enumerate(items)
            if item.output and item.status != FAILED and (self.out / item.output).exists()
        ]
        reports: dict[int, Any] = {}
        results = executor.run(worker.check_chunk, todo)
        for done, (index, report, error) in enumerate(results, start=1):
            item = items[index]
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
            self.emit("check", done, len(todo), item.output)
        self.result.reports = [reports[i] for i in sorted(reports)]

    def pdf(self, items: list[ItemResult], executor: Executor, writer: Writer) -> list[ItemResult]:
        """Convert the documents (and merged files, or else the forms) to PDF."""
        from speechkit import __version__

        merged = any(i.document.endswith("（合订本）") for i in items)
        tasks = []
        for item in items:
            if not item.output.endswith(".docx") or item.status == FAILED:
                continue
            if merged and item.member:
                continue  # with --merge, one PDF per merged file instead of one per form
            sha = writer.manifest.disk_sha(item.output)
            if sha is None:
                continue
            rel = item.output[: -len(".docx")] + ".pdf"
            pdf_item = ItemResult(
                item.town, item.town_slug, f"{item.document}（PDF）", rel, "", member=item.member
            )
            inputs = {"source": sha, "version": __version__}
            fields = {"town": item.town_slug, "document": item.document}
            tasks.append((rel, "pdf", inputs, fields, pdf_item))

        def payload(index: int, action: str) -> tuple:
            rel = tasks[index][0]
            return (index, str(self.out / (rel[: -len(".pdf")] + ".docx")), action)

        return self._step("pdf", tasks, worker.pdf_chunk, payload, executor, writer)

    def report(self) -> None:
        """Write the combined HTML check report."""
        from speechkit.check.report import to_html

        path = Path(self.options.report)
        html = to_html(self.result.reports, title="批量生成检查报告")
        write_atomic(path, html.encode("utf-8") if isinstance(html, str) else html)
        self.result.report_path = path


def merge_documents(paths: Iterable[Path]) -> bytes:
    """Concatenate .docx files with docxcompose, each starting on a new page; return bytes."""
    import io

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docxcompose.composer import Composer

    paths = list(paths)
    master = Document(str(paths[0]))
    composer = Composer(master)
    for path in paths[1:]:
        doc = Document(str(path))
        body = doc.element.body
        first = next((el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))), None)
        if first is not None and first.tag == qn("w:p"):
            ppr = first.get_or_add_pPr()
            ppr.insert(0, OxmlElement("w:pageBreakBefore"))
        else:
            p = OxmlElement("w:p")
            r = OxmlElement("w:r")
            br = OxmlElement("w:br")
            br.set(qn("w:type"), "page")
            r.append(br)
            p.append(r)
            if first is not None:
                first.addprevious(p)
            else:
                body.insert(0, p)
        composer.append(doc)
    buf = io.BytesIO()
    composer.save(buf)
    return buf.getvalue()


def run(options: BatchOptions, progress: ProgressCallback | None = None) -> BatchResult:
    """Implementation of :func:`speechkit.batch.run_batch`."""
    started = time.monotonic()
    state = Run(options, progress)
    plan = build_plan(options)  # whole-run problems raise here, before anything is written
    result = state.result
    contexts = {t.slug: t.profile.context() for t in plan.towns if t.profile is not None}
    with locked(state.out):
        sweep_temp_files(state.out)
        manifest = Manifest.load(state.out)
        writer = Writer(manifest, options.now)
        executor = Executor(min(state.jobs, max(1, len(plan.tasks))), contexts)
        try:
            items = state.render(plan, executor, writer)
            if options.merge:
                items += state.merge(plan, writer)
            result.items = plan.failures + items
            if options.check or options.report:
                state.check(plan, [i for i in items if "合订本" not in i.document], executor)
            if options.pdf:
                result.items += state.pdf(items, executor, writer)
        except BaseException:
            executor.close(cancel=True)
            writer.buffer.clear()
            raise
        else:
            executor.close()
        finally:
            reconcile(manifest)
            manifest.save()
    if options.report:
        state.report()
    result.elapsed = time.monotonic() - started
    return result


__all__ = ["run", "decide", "merge_documents", "Executor", "Writer", "Town"]
