"""The phases of a run — render, merge, check, PDF — and the leftovers of earlier runs.

Each phase says what it produces (:class:`~speechkit.batch.steps.Output`) and hands it to
:func:`~speechkit.batch.steps.produce`; the render phase streams town by town from the plan.
Merge, check and PDF work on the items the render phase listed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from speechkit.batch import worker
from speechkit.batch.manifest import Manifest
from speechkit.batch.model import FAILED, SKIPPED, UNCHANGED, ItemResult
from speechkit.batch.naming import sanitize
from speechkit.batch.plan import BatchPlan, Task
from speechkit.batch.steps import Context, Output, Settled, produce
from speechkit.errors import SpeechkitError
from speechkit.fsutil import sha256_bytes
from speechkit.procpool import chunks

LEFTOVER_REASON = "本次不再生成（名册中已无此人或乡镇改了名），旧文件保留未删除，请勿误用"
MERGED = "（合订本）"
ZIP_SUFFIX = "（压缩包）"  # document column of a town's forms in one archive
PDF_CHUNK = 16  # PDFs per LibreOffice start (one start costs ~2-4 s, a file ~0.2 s)


def _identity(tpl) -> str:
    """A template as a group records it: its hash and speechkit's version."""
    from speechkit import __version__

    return f"{tpl.sha256}:{__version__}"


def _document_name(task: Task) -> str:
    if task.kind == "zip":
        return f"{task.template.name}{ZIP_SUFFIX}"
    if task.template.per_member and task.kind == "document":
        return f"{task.template.name}（无名册，空白表）"
    return task.template.name


def _label(item: ItemResult) -> str:
    """How an output is named in the check report: town / document / form's file name (which
    tells same-name members apart: 刘假名（东湖村党支部）)."""
    form = Path(item.output).stem if item.member else ""
    return " / ".join(x for x in (item.town, item.document, form) if x)


class Phases:
    """The phases of one run over one plan, sharing its executor, recorder and result."""

    def __init__(self, ctx: Context, plan: BatchPlan, collect_failure, progress_plan) -> None:
        self.ctx = ctx
        self.plan = plan
        self.collect_failure = collect_failure  # (item, order): an item with no output
        self.progress_plan = progress_plan  # (done, total, current) as towns are read
        self.known = 0  # render outputs planned so far
        self.order = 0

    def _next_order(self) -> int:
        self.order += 1
        return self.order

    # ------------------------------------------------------------------ render

    def render(self, manifest: Manifest) -> None:
        """Render every planned document and form that changed, town by town."""
        root = str(self.ctx.root)
        contexts: dict[str, dict] = {}
        known = self._known_roster

        def outputs() -> Iterator[Output | Settled]:
            for town in self.plan.towns(self.progress_plan, known):
                settled = self._unchanged_groups(town, manifest)
                tasks, failures, warnings = self.plan.outcome(town, frozenset(settled))
                for item in failures:
                    self.collect_failure(item, self._next_order())
                self.ctx.warnings.extend(warnings)
                self._record_roster(town, manifest)
                if town.context is not None:
                    contexts[town.slug] = town.context
                self.known += len(tasks) + sum(len(rows) for rows in settled.values())
                groups = self._groups(town, tasks, manifest)
                by_template: dict[str, list[Task]] = {}
                for task in tasks:
                    by_template.setdefault(task.template.name, []).append(task)
                for tpl in self.plan.templates:  # plan order, as on the first run
                    if tpl.name in settled:
                        yield self._settled(town, tpl.name, settled[tpl.name])
                    for task in by_template.get(tpl.name, ()):
                        yield self._output(task, root, len(tasks), groups.get(tpl.name, 0))

        self.ctx.total = lambda: self.known

        def shared(chunk: list[tuple]) -> dict[str, dict]:
            return {item[2]: contexts[item[2]] for item in chunk}

        produce("render", outputs(), worker.render_chunk, self.ctx, shared, manifest.mark_planned)

    def _known_roster(self, path: Path) -> tuple | None:
        """The manifest's record of the roster of the town at ``path``, when its rows may be
        left unparsed: every per-member template's group was last planned with this very
        template (else its forms are decided one by one, which needs the rows)."""
        manifest = self.ctx.recorder.manifest
        record = manifest.roster(str(Path(path).resolve()))
        if record is None:
            return None
        slug = path.name.split(".")[0]
        for tpl in self.plan.templates:
            mine = manifest.group_template(slug, tpl.name) == _identity(tpl)
            if tpl.per_member and not tpl.error and not mine:
                return None
        return record

    def _unchanged_groups(self, town, manifest: Manifest) -> dict[str, list[tuple[str, str]]]:
        """``(rel, member)`` of the outputs of each per-member template of ``town`` whose
        outputs are all unchanged (one query each; only when the roster was not parsed, i.e.
        its file is the one recorded)."""
        found: dict[str, list[tuple[str, str]]] = {}
        if town.error or town.roster_read or town.roster_path is None or town.roster_error:
            return found
        for tpl in self.plan.templates:
            if tpl.per_member and not tpl.error:
                signature = self.plan.signature(town, tpl)
                rows = manifest.unchanged_group(town.slug, tpl.name, signature)
                if rows:
                    found[tpl.name] = rows
        return found

    def _settled(self, town, name: str, rows: list[tuple[str, str]]) -> Settled:
        """The unchanged outputs of one group as reported items, in plan order."""
        document = name + ZIP_SUFFIX if self.plan.options.zip else name
        return Settled(
            [
                (
                    ItemResult(town.name, town.slug, document, rel, UNCHANGED, member=member),
                    self._next_order(),
                )
                for rel, member in rows
            ]
        )

    def _record_roster(self, town, manifest: Manifest) -> None:
        """Note the roster file of ``town`` and what reading it gave (for the next run)."""
        if town.roster_path is None or town.roster_error or not town.roster_sha:
            return
        manifest.set_roster(
            str(Path(town.path).resolve()),
            str(town.roster_path),
            town.roster_stat,
            town.roster_sha,
            town.roster_notes,
        )

    def _groups(self, town, tasks: list[Task], manifest: Manifest) -> dict[str, int]:
        """The manifest group of each per-member template's outputs for ``town``."""
        counts: dict[str, int] = {}
        for task in tasks:
            if task.kind in ("form", "zip"):
                counts[task.template.name] = counts.get(task.template.name, 0) + 1
        groups = {}
        for tpl in self.plan.templates:
            if tpl.name in counts:
                signature = self.plan.signature(town, tpl)
                groups[tpl.name] = manifest.group(
                    town.slug, tpl.name, signature, _identity(tpl), counts[tpl.name]
                )
        return groups

    def _output(self, task: Task, root: str, group: int, grp: int = 0) -> Output:
        member = task.member
        item = ItemResult(
            task.town.name,
            task.town.slug,
            _document_name(task),
            task.rel,
            "",
            member=member.name if member else "",
        )
        fields = {"town": task.town.slug, "document": task.template.name}
        if member:
            fields["member"] = member.name
        if grp:
            fields["grp"], fields["pos"] = grp, task.position
        target = os.path.join(root, task.rel)
        tpl = str(task.template.path)
        slug = task.town.slug

        entries = task.entries

        def args(keep_stamp: str, adopt_sha: str = "") -> tuple:
            if entries:  # one archive: (entry name, member) for every form
                context = [(entry, m.context()) for entry, m in entries]
            else:
                context = member.context() if member else None
            return (tpl, slug, context, target, keep_stamp, adopt_sha)

        return Output(
            task.rel,
            task.kind,
            task.inputs,
            fields,
            item,
            args,
            self._next_order(),
            group,
            task.key,
        )

    # ------------------------------------------------------------------ merge

    def merge(self, items: list[ItemResult]) -> None:
        """Write one printable file per town and per-member template with every form."""
        from speechkit import __version__

        manifest = self.ctx.recorder.manifest
        groups: dict[tuple[str, str], list[ItemResult]] = {}
        for item in items:
            if item.member and item.output:
                groups.setdefault((item.town_slug, item.document), []).append(item)
        folders = {t.slug: t.folder for t in self.plan.loaded}
        outputs = []
        for (slug, name), forms in groups.items():
            first = forms[0]
            rel = f"{folders[slug]}/{sanitize(name + MERGED)}.docx"
            item = ItemResult(first.town, slug, f"{name}{MERGED}", rel, "")
            present = [(f.output, manifest.disk_sha(f.output)) for f in forms]
            present = [(r, s) for r, s in present if s is not None]
            if not present:
                item.status, item.reason = FAILED, "没有可合订的评议表"
                self.collect_failure(item, self._next_order())
                continue
            blob = json.dumps(present, ensure_ascii=False).encode("utf-8")
            inputs = {"forms": sha256_bytes(blob), "version": __version__}
            sources = [str(self.ctx.root / r) for r, _ in present]
            target = str(self.ctx.root / rel)

            def args(keep_stamp: str, sources=sources, target=target) -> tuple:
                return (sources, target, keep_stamp)

            fields = {"town": slug, "document": name}
            outputs.append(Output(rel, "merged", inputs, fields, item, args, self._next_order()))
        self.ctx.total = lambda: len(outputs)
        produce("merge", iter(outputs), worker.merge_chunk, self.ctx)

    # ------------------------------------------------------------------ check

    def check(self, items: list[ItemResult]) -> list[Any]:
        """Check every document and form present on disk with its town's profile; return the
        reports in item order.

        A result kept in the manifest for the same output, rules and profile is reused (see
        :mod:`speechkit.batch.checkcache`); new results are stored there.
        """
        from speechkit.batch import checkcache

        manifest = self.ctx.recorder.manifest
        by_slug = {t.slug: t for t in self.plan.loaded}
        rules = checkcache.rules_digest()
        todo: list[tuple] = []
        keys: dict[int, tuple[str, str]] = {}  # index → (output sha, cache key)
        hits: list[tuple[int, dict, str]] = []
        for i, item in enumerate(items):
            if not item.output or item.status == FAILED:
                continue
            entry = manifest.get(item.output)
            sha = manifest.disk_sha(item.output, entry or {})
            if sha is None:
                continue
            label = _label(item)
            town = by_slug[item.town_slug]
            key = checkcache.check_key(sha, rules, town.digest, label, item.document)
            cached = (entry or {}).get("check")
            if cached and cached.get("key") == key:
                hits.append((i, cached, label))
                continue
            keys[i] = (sha, key)
            path = str(self.ctx.root / item.output)
            todo.append((i, path, str(town.path), item.document, label))
        reports: dict[int, Any] = {}
        total = len(hits) + len(todo)
        done = 0

        def take(index: int, report: Any, error: str) -> None:
            nonlocal done
            item = items[index]
            done += 1
            if report is None:
                failed = ItemResult(
                    item.town,
                    item.town_slug,
                    item.document,
                    item.output,
                    FAILED,
                    f"检查未完成：{error}",
                    member=item.member,
                )
                self.collect_failure(failed, self._next_order())
            else:
                reports[index] = report
                findings = list(getattr(report, "findings", []))
                item.findings = len(findings)
                severities: dict[str, int] = {}
                for finding in findings:
                    level = str(getattr(finding, "severity", ""))
                    severities[level] = severities.get(level, 0) + 1
                item.findings_by_severity = severities
            self.ctx.emit("check", done, total, item.output)

        for index, cached, label in hits:
            try:
                path = self.ctx.root / items[index].output
                report, error = checkcache.load(cached, path, label), ""
            except SpeechkitError as exc:
                report, error = None, exc.format_message()
            take(index, report, error)
        for index, report, error in self._resilient(todo):
            take(index, report, error)
            sha, key = keys[index]
            if report is not None:
                manifest.set_check(items[index].output, sha, checkcache.dump(key, report))
        manifest.save()
        return [reports[i] for i in sorted(reports)]

    def _resilient(self, todo: list[tuple]) -> Iterator[tuple]:
        """Check results for ``todo``; if a worker dies, the rest are checked in this process."""
        from concurrent.futures.process import BrokenProcessPool

        executor = self.ctx.executor
        left = {item[0]: item for item in todo}
        size = max(1, min(16, len(todo) // (executor.jobs * 8)))
        try:
            for result in executor.stream(worker.check_chunk, chunks(todo, size)):
                left.pop(result[0], None)
                yield result
        except BrokenProcessPool:
            if executor.jobs == 1:  # pragma: no cover
                raise
            executor.degrade()
            self.ctx.degraded()
            yield from executor.map(worker.check_chunk, list(left.values()))

    # ------------------------------------------------------------------ pdf

    def pdf(self, items: list[ItemResult]) -> None:
        """Convert the documents (and merged files, or else the forms) to PDF."""
        from speechkit import __version__

        manifest = self.ctx.recorder.manifest
        merged = any(i.document.endswith(MERGED) for i in items)
        outputs = []
        for item in items:
            if not item.output.endswith(".docx") or item.status == FAILED:
                continue
            if merged and item.member:
                continue  # with --merge, one PDF per merged file instead of one per form
            sha = manifest.disk_sha(item.output)
            if sha is None:
                continue
            rel = item.output[: -len(".docx")] + ".pdf"
            pdf_item = ItemResult(
                item.town, item.town_slug, f"{item.document}（PDF）", rel, "", member=item.member
            )
            inputs = {"source": sha, "version": __version__}
            fields = {"town": item.town_slug, "document": item.document}
            source = str(self.ctx.root / item.output)
            target = str(self.ctx.root / rel)

            def args(keep_stamp: str, source=source, target=target) -> tuple:
                return (source, target, keep_stamp)

            outputs.append(Output(rel, "pdf", inputs, fields, pdf_item, args, self._next_order()))
        self.ctx.total = lambda: len(outputs)
        produce("pdf", iter(outputs), worker.pdf_chunk, self.ctx, chunk=PDF_CHUNK)

    # ------------------------------------------------------------------ leftovers

    def leftovers(self, manifest: Manifest) -> list[ItemResult]:
        """Earlier outputs of this run's towns and templates that are no longer planned.

        A member taken off the roster, or a renamed town, leaves its old files behind; they are
        listed (``skipped``) so nobody prints a stale form, and never deleted.
        """
        towns = {t.slug: t for t in self.plan.loaded if not t.error}
        templates = {t.name for t in self.plan.templates if not t.error}
        found = []
        for rel, entry in manifest.not_planned(list(towns)):
            if entry.get("document") not in templates:
                continue
            if not (self.ctx.root / rel).exists():
                continue
            town = towns[entry["town"]]
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
