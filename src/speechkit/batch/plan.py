"""Planning: towns × templates × roster rows → the outputs to produce, streamed town by town.

Nothing is rendered here. Templates are compiled once up front; towns (profile and roster) are
loaded a few at a time (in the worker pool when there is one) and turned into :class:`Task`
objects as the run goes, so the parent holds only the towns in flight, never the whole
province. A town whose profile does not load, a template that does not compile or a roster
that cannot be read becomes failed :class:`~speechkit.batch.model.ItemResult` entries.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.batch.model import FAILED, WARNING, BatchOptions, ItemResult
from speechkit.batch.naming import disambiguate, sanitize, with_suffix
from speechkit.batch.roster import Member, find_roster, read_roster
from speechkit.errors import Location, Problem, SpeechkitError, display_path
from speechkit.fsutil import sha256_bytes, sha256_file

MEMBER_VARIABLE = "member"
ALL_TOWNS = "（全部乡镇）"  # town column of a failure that concerns every town (a template)
ALL_DOCUMENTS = "（全部文档）"  # document column of a failure of a whole town (its profile)
FOLDER_MAX = 1000  # forms per folder: a bigger town's forms go into sub-folders
NO_BRANCH = "未填支部"  # sub-folder of the members without a branch
PREFETCH = 2  # towns loaded ahead of the one being planned


@dataclass
class TemplateInfo:
    """One template: ``name`` is its file stem (the output's name)."""

    name: str
    path: Path
    sha256: str
    per_member: bool = False
    error: str = ""


@dataclass
class LoadedTown:
    """One town's profile and roster, loaded for a run; ``folder`` is its sanitised, unique
    output folder name (not :class:`speechkit.profiles` data: plain values for the workers)."""

    slug: str
    path: Path
    name: str
    folder: str
    context: dict | None = None
    digest: str = ""
    error: str = ""
    members: list[Member] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    row_digests: list[str] = field(default_factory=list)
    roster_path: Path | None = None
    roster_error: str = ""
    # (text, severity) of the roster's problems: rows left out, fields left blank
    roster_notes: list[tuple[str, str]] = field(default_factory=list)
    roster_twice: list[tuple[str, str]] = field(default_factory=list)  # a second roster file
    roster_sha: str = ""
    roster_stat: tuple[int, int] = (0, 0)
    roster_read: bool = False  # rows parsed this run (False: the recorded roster is unchanged)


@dataclass
class Task:
    """One output to produce: ``rel`` is its path below ``--out`` with ``/`` separators."""

    rel: str
    kind: str  # "document", "form" or "zip" (every form of a town in one archive)
    town: LoadedTown
    template: TemplateInfo
    inputs: dict
    member: Member | None = None
    label: str = ""
    entries: list[tuple[str, Member]] = field(default_factory=list)  # zip: (entry name, member)
    position: int = 0  # place among the town's outputs of the same template (roster order)
    key: str = ""  # input_key(inputs), when computed with the plan


def list_templates(templates_dir: Path) -> list[Path]:
    """The ``.docx`` templates of a folder, sorted; Word lock files and hidden files left out."""
    folder = Path(templates_dir)
    if not folder.is_dir():
        raise SpeechkitError(f"模板文件夹不存在：{display_path(folder)}")
    return sorted(
        p for p in folder.glob("*.docx") if p.is_file() and not p.name.startswith(("~$", ".", "~"))
    )


def _select(available: dict[str, Any], wanted: tuple[str, ...], what: str, option: str) -> list:
    if not wanted:
        return list(available.values())
    chosen = []
    for name in wanted:
        key = name[:-5] if name.endswith(".docx") else name
        if key not in available:
            raise SpeechkitError(
                f"{option} {name}：没有这个{what}。可选：{'、'.join(available) or '（无）'}"
            )
        if available[key] not in chosen:
            chosen.append(available[key])
    return chosen


def select_templates(options: BatchOptions) -> list[Path]:
    """The template files of this run (``--template`` applied); raises when there are none."""
    paths = {p.stem: p for p in list_templates(options.templates_dir)}
    if not paths:
        raise SpeechkitError(
            f"模板文件夹 {display_path(options.templates_dir)} 中没有 .docx 模板。"
        )
    return _select(paths, options.templates, "模板", "--template")


def check_selection(options: BatchOptions) -> None:
    """Raise the whole-run problems of the selection (no templates or towns, an unknown
    ``--template`` or ``--town``) before any worker starts or anything is written."""
    select_templates(options)
    select_towns(options)
    if options.zip and (options.merge or options.check or options.report or options.pdf):
        raise SpeechkitError(
            "--zip 不能与 --merge、--check、--report、--pdf 同时使用（压缩包里的评议表不逐份处理）。"
        )


def inspect_template(path: Path) -> tuple[bool, str]:
    """``(per_member, error)`` of one template; compiled through the worker's cache, so the
    process that inspects it renders with the same compiled template."""
    from speechkit.batch.cache import compiled

    try:
        return MEMBER_VARIABLE in compiled(str(path)).variables, ""
    except SpeechkitError as exc:
        return False, exc.format_message()


def load_templates(options: BatchOptions, executor=None) -> list[TemplateInfo]:
    """Compile each selected template once to learn whether it is the per-member form.

    With ``executor`` the workers compile them (the parent then never imports the engine).
    """
    paths = select_templates(options)
    infos = [TemplateInfo(name=p.stem, path=p, sha256=sha256_file(p)) for p in paths]
    left = set(range(len(infos)))
    if executor is not None:
        try:
            items = [(i, str(p)) for i, p in enumerate(paths)]
            for i, meta, error in executor.map(template_chunk, items):
                infos[i].per_member, infos[i].error = meta if meta is not None else (False, error)
                left.discard(i)
        except BrokenProcessPool:  # a worker died: inspect the rest here, and render here too
            executor.degrade()
    for i in sorted(left):
        infos[i].per_member, infos[i].error = inspect_template(paths[i])
    return infos


def select_towns(options: BatchOptions) -> list[Path]:
    """The town profile files of this run (``--town`` applied); raises when there are none."""
    if not Path(options.profiles).is_dir():
        raise SpeechkitError(f"资料文件夹不存在：{display_path(options.profiles)}")
    paths = {p.name.split(".")[0]: p for p in _find_towns(Path(options.profiles))}
    if not paths:
        raise SpeechkitError(
            f"{display_path(Path(options.profiles) / 'towns')} 中没有乡镇资料（*.yaml）。"
        )
    wanted = tuple(options.towns)
    if any(w not in paths for w in wanted):  # a town given by its name (东湖镇)?
        names = _town_names(paths)
        wanted = tuple(names.get(w, w) for w in wanted)
    return _select(paths, wanted, "乡镇", "--town")


def _find_towns(profiles: Path) -> list[Path]:
    """:func:`speechkit.profiles.find_towns` for an existing folder, without importing the
    profile schema: with a pool the parent never loads a profile itself, and that import
    (about 0.15 s) would delay the whole run (a test keeps the two in step)."""
    towns = profiles / "towns"
    if not towns.is_dir():
        return []
    return sorted(
        p
        for p in towns.glob("*.yaml")
        if p.is_file() and ".members." not in p.name and not p.name.startswith(".")
    )


def _town_names(paths: dict[str, Path]) -> dict[str, str]:
    """``town.name`` → slug for every profile that loads (used for ``--town 东湖镇``)."""
    from speechkit.profiles import load_profile

    names: dict[str, str] = {}
    for slug, path in paths.items():
        try:
            name = load_profile(path).data.get("town", {}).get("name")
        except SpeechkitError:
            continue
        if name:
            names.setdefault(str(name), slug)
    return names


def load_town(path: Path, roster: bool = True, known: tuple | None = None) -> LoadedTown:
    """Load one town's profile (and its roster when ``roster``) into plain data; failures are
    recorded, not raised.

    ``known`` is the manifest's record of the roster (:meth:`Manifest.roster`): when the file
    is the same (size and mtime, else its hash), its rows are not parsed again
    (``roster_read`` stays False). Runs in a worker process when there is a pool (towns load
    in parallel).
    """
    from speechkit.profiles import load_profile

    slug = path.name.split(".")[0]
    town = LoadedTown(slug=slug, path=path, name=slug, folder="")
    try:
        profile = load_profile(path)
        town.context = profile.context()
        town.digest = profile.digest()
        town.name = str(profile.data.get("town", {}).get("name") or slug)
    except SpeechkitError as exc:
        town.error = exc.format_message()
    if roster:
        _load_roster(town, known)
    return town


def template_chunk(chunk: list[tuple[int, str]], shared: Any = None) -> list[tuple]:
    """Inspect ``(index, template path)`` items in a worker: ``(index, (per_member, error), "")``."""
    from speechkit.batch.worker import error_text

    results: list[tuple] = []
    for index, path in chunk:
        try:
            results.append((index, inspect_template(Path(path)), ""))
        except Exception as exc:  # not a template error: the template fails, the run goes on
            results.append((index, None, error_text(exc)))
    return results


def town_chunk(chunk: list[tuple], shared: Any = None) -> list[tuple]:
    """Load ``(index, town profile path, read roster, known roster)`` items in a worker."""
    return [(index, load_town(Path(path), *rest), "") for index, path, *rest in chunk]


def _note(problem: Problem) -> tuple[str, str]:
    return f"{problem.location} {problem.message}", problem.severity


def _load_roster(town: LoadedTown, known: tuple | None = None) -> None:
    """Read ``town``'s roster unless ``known`` records the same file (see :func:`load_town`)."""
    from speechkit.errors import RosterError

    town.roster_path = find_roster(town.path)
    if town.roster_path is None:
        return
    other = town.roster_path.with_suffix(".csv")
    if town.roster_path.suffix == ".xlsx" and other.is_file():
        message = f"同一乡镇有两个名册，已使用 {town.roster_path.name}；请删除不用的那个"
        town.roster_twice = [_note(Problem(Location(file=display_path(other)), message))]
    same = known is not None and known[0] == str(town.roster_path)
    try:  # stat before reading: a change during the read shows at the next run
        st = town.roster_path.stat()
        town.roster_stat = (st.st_size, st.st_mtime_ns)
        if same and town.roster_stat == (known[1], known[2]):
            town.roster_sha, town.roster_notes = known[3], [tuple(n) for n in known[4]]
            return
        town.roster_sha = sha256_file(town.roster_path)
    except OSError:
        town.roster_sha = ""  # read_roster says what is wrong
    if same and town.roster_sha == known[3]:  # touched, same content
        town.roster_notes = [tuple(n) for n in known[4]]
        return
    town.roster_read = True
    try:
        roster = read_roster(town.roster_path)
    except RosterError as exc:
        town.roster_error = exc.format_message()
        return
    town.members = roster.members
    town.roster_notes = [_note(p) for p in roster.problems]
    names = [sanitize(m.name) for m in roster.members]
    details = [
        [
            sanitize(m.branch, fallback="") if m.branch else "",
            f"{m.birth.year}年{m.birth.month}月生" if m.birth else "",
            f"第{m.row}行",
        ]
        for m in roster.members
    ]
    town.labels = disambiguate(names, details)
    town.row_digests = [m.digest() for m in roster.members]


class BatchPlan:
    """What one run produces: templates compiled up front, towns streamed by :meth:`towns`.

    ``failures`` holds the templates that do not compile (once for the whole run);
    ``loaded`` the towns planned so far, without their rosters (for the check and the
    leftovers); :meth:`outcome` turns one loaded town into tasks, failures and warnings.
    """

    def __init__(self, options: BatchOptions, executor=None) -> None:
        self.options = options
        self.executor = executor
        self.templates = load_templates(options, executor)
        self.paths = select_towns(options)
        self.rosters = any(tpl.per_member for tpl in self.templates)
        self.failures: list[ItemResult] = [
            ItemResult(ALL_TOWNS, "", tpl.name, "", FAILED, tpl.error)
            for tpl in self.templates
            if tpl.error
        ]
        self.loaded: list[LoadedTown] = []
        self._folders: set[str] = set()

    def towns(self, progress=None, known=None) -> Iterator[LoadedTown]:
        """Yield the selected towns in order, loading up to :data:`PREFETCH` ahead in the pool.

        ``progress(done, total, current)`` is called as each town is read; ``known(path)``
        gives the manifest's record of a town's roster (see :func:`load_town`) or None. A
        town's roster is dropped from :attr:`loaded` once the next town is asked for.
        """
        record = known or (lambda path: None)
        tick = progress or (lambda done, total, current: None)
        total = len(self.paths)
        ahead: deque = deque()
        following = iter(enumerate(self.paths))

        def submit() -> None:
            nxt = next(following, None)
            if nxt is None:
                return
            index, path = nxt
            seen = record(path) if self.rosters else None
            if self.executor is not None and self.executor.jobs > 1:
                item = (index, path, self.rosters, seen)
                ahead.append((path, seen, self.executor.submit(town_chunk, [item])))
            else:
                ahead.append((path, seen, None))

        for _ in range(PREFETCH + 1):
            submit()
        while ahead:
            path, seen, future = ahead.popleft()
            town = None
            if future is not None:
                try:
                    town = future.result()[0][1]
                except BrokenProcessPool:  # a worker died: load here, and render here too
                    self.executor.degrade()
                    ahead = deque((p, k, None) for p, k, _ in ahead)
            if town is None:
                town = load_town(path, self.rosters, seen)
            self._name_folder(town)
            tick(len(self.loaded) + 1, total, town.name)
            yield town
            town.members, town.labels, town.row_digests = [], [], []  # memory back
            self.loaded.append(town)
            submit()

    def read_roster(self, town: LoadedTown) -> None:
        """Parse the roster of a town loaded without it (its record said it was unchanged, but
        some of its outputs must be decided one by one after all); in the pool if there is one."""
        if town.roster_read or town.roster_path is None:
            return
        loaded = None
        if self.executor is not None and self.executor.jobs > 1:
            try:
                future = self.executor.submit(town_chunk, [(0, town.path, True, None)])
                loaded = future.result()[0][1]
            except BrokenProcessPool:  # a worker died: read it here, and render here too
                self.executor.degrade()
        if loaded is None:
            loaded = LoadedTown(slug=town.slug, path=town.path, name=town.name, folder="")
            _load_roster(loaded)
        for name in (
            "members", "labels", "row_digests", "roster_path", "roster_error", "roster_notes",
            "roster_twice", "roster_sha", "roster_stat", "roster_read",
        ):  # fmt: skip
            setattr(town, name, getattr(loaded, name))

    def signature(self, town: LoadedTown, tpl: TemplateInfo) -> str:
        """Hash of everything the outputs of a per-member template for ``town`` derive from
        (paths and inputs): template, profile, roster file, output folder, mode, version."""
        from speechkit import __version__
        from speechkit.batch.manifest import input_key

        return input_key(
            {
                "template": tpl.sha256,
                "profile": town.digest,
                "roster": [str(town.roster_path), town.roster_sha],
                "folder": town.folder,
                "zip": self.options.zip,
                "limit": FOLDER_MAX,
                "version": __version__,
            }
        )

    def _name_folder(self, town: LoadedTown) -> None:
        """A unique output folder for ``town``: its name, with the slug added on a clash (and a
        number after that), cut so that the suffix always fits."""
        folder = sanitize(town.name)
        if folder.casefold() in self._folders:
            folder = with_suffix(folder, f"（{sanitize(town.slug)}）")
        candidate, n = folder, 1
        while candidate.casefold() in self._folders:
            n += 1
            candidate = with_suffix(folder, f"（{n}）")
        town.folder = candidate
        self._folders.add(candidate.casefold())

    def outcome(
        self, town: LoadedTown, settled: frozenset[str] = frozenset()
    ) -> tuple[list[Task], list[ItemResult], list[ItemResult]]:
        """``(tasks, failures, warnings)`` of one loaded town; templates named in ``settled``
        (found unchanged as a whole) get no tasks."""
        from speechkit import __version__

        tasks: list[Task] = []
        failures: list[ItemResult] = []
        warnings: list[ItemResult] = []
        if town.error:  # one failure for the town, not one per document
            failures.append(ItemResult(town.name, town.slug, ALL_DOCUMENTS, "", FAILED, town.error))
            return tasks, failures, warnings
        if any(t.per_member and not t.error and t.name not in settled for t in self.templates):
            self.read_roster(town)
        for text, severity in town.roster_twice + town.roster_notes:
            item = ItemResult(town.name, town.slug, "名册", "", FAILED, text)
            if severity == "warning":  # fields left blank: said, but not a failure
                item.status = WARNING
                warnings.append(item)
            else:
                failures.append(item)
        for tpl in self.templates:
            if tpl.error or tpl.name in settled:
                continue
            base = {"template": tpl.sha256, "profile": town.digest, "version": __version__}
            name = sanitize(tpl.name)
            if tpl.per_member and town.roster_error:
                failures.append(
                    ItemResult(town.name, town.slug, tpl.name, "", FAILED, town.roster_error)
                )
                continue
            if tpl.per_member and town.roster_path is not None and self.options.zip:
                tasks.append(self._zip_task(town, tpl, name, base))
                continue
            if tpl.per_member and town.roster_path is not None:
                folders = form_folders(town.members)
                rows = zip(town.members, town.labels, town.row_digests, folders, strict=True)
                keyed = row_keys(base)
                for position, (member, label, row_digest, sub) in enumerate(rows):
                    folder = f"{town.folder}/{name}/{sub}" if sub else f"{town.folder}/{name}"
                    inputs = dict(base, row=row_digest)
                    rel = f"{folder}/{label}.docx"
                    task = Task(rel, "form", town, tpl, inputs, member, label, [], position)
                    task.key = keyed(row_digest)
                    tasks.append(task)
                continue
            rel = f"{town.folder}/{name}.docx"
            tasks.append(Task(rel, "document", town, tpl, dict(base, row=None)))
        return tasks, failures, warnings

    def _zip_task(self, town: LoadedTown, tpl: TemplateInfo, name: str, base: dict) -> Task:
        """One archive with every form of ``town``: entries named as the files would be."""
        folders = form_folders(town.members)
        entries = [
            (f"{sub}/{label}.docx" if sub else f"{label}.docx", member)
            for member, label, sub in zip(town.members, town.labels, folders, strict=True)
        ]
        rows = json.dumps(
            [[entry, digest] for (entry, _), digest in zip(entries, town.row_digests, strict=True)],
            ensure_ascii=False,
        )
        inputs = dict(base, rows=sha256_bytes(rows.encode("utf-8")))
        rel = f"{town.folder}/{name}.zip"
        return Task(rel, "zip", town, tpl, inputs, entries=entries)


def row_keys(base: dict):
    """``row_digest`` → :func:`~speechkit.batch.manifest.input_key` of ``dict(base,
    row=row_digest)``, the same text hashed, built once per town and template (a hex digest
    needs no escaping, so only the row's part of the JSON changes)."""
    from speechkit.batch.manifest import input_key

    mark = "\x00row\x00"
    text = json.dumps(dict(base, row=mark), sort_keys=True)
    head, tail = text.split(json.dumps(mark))
    if not all(isinstance(v, str) and json.dumps(v) == f'"{v}"' for v in base.values()):
        return lambda row: input_key(dict(base, row=row))
    return lambda row: sha256_bytes(f'{head}"{row}"{tail}'.encode())


def form_folders(members: list[Member], limit: int | None = None) -> list[str]:
    """The sub-folder of each member's form: ``""`` for a town of at most ``limit`` members;
    else by branch (``NO_BRANCH`` for the rest), and a branch of more than ``limit`` split into
    ``<branch>（1）``, ``<branch>（2）``... in roster order; without any branch, ``0001``...
    ``limit`` defaults to :data:`FOLDER_MAX`."""
    limit = limit or FOLDER_MAX
    if len(members) <= limit:
        return [""] * len(members)
    if not any(m.branch for m in members):
        return [f"{i // limit + 1:04d}" for i in range(len(members))]
    names: dict[str, str] = {}  # a town has a few dozen branches and thousands of members
    keys = []
    for m in members:
        key = names.get(m.branch)
        if key is None:
            key = sanitize(m.branch, fallback=NO_BRANCH, limit=90) if m.branch else NO_BRANCH
            names[m.branch] = key
        keys.append(key)
    sizes: dict[str, int] = {}
    for key in keys:
        sizes[key.casefold()] = sizes.get(key.casefold(), 0) + 1
    seen: dict[str, int] = {}
    folders = []
    for key in keys:
        fold = key.casefold()
        n = seen.get(fold, 0)
        seen[fold] = n + 1
        folders.append(key if sizes[fold] <= limit else f"{key}（{n // limit + 1}）")
    return folders
