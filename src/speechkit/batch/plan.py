"""Planning: towns × templates × roster rows → the list of outputs to produce.

Nothing is rendered here. A town whose profile does not load, a template that does not compile
or a roster that cannot be read becomes failed :class:`~speechkit.batch.model.ItemResult`
entries; everything else becomes a :class:`Task`.
"""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.batch.model import FAILED, WARNING, BatchOptions, ItemResult
from speechkit.batch.naming import disambiguate, sanitize
from speechkit.batch.roster import Member, find_roster, read_roster
from speechkit.errors import Location, Problem, SpeechkitError, display_path
from speechkit.fsutil import sha256_file

MEMBER_VARIABLE = "member"
ALL_TOWNS = "（全部乡镇）"  # town column of a failure that concerns every town (a template)
ALL_DOCUMENTS = "（全部文档）"  # document column of a failure of a whole town (its profile)


@dataclass
class TemplateInfo:
    """One template: ``name`` is its file stem (the output's name)."""

    name: str
    path: Path
    sha256: str
    per_member: bool = False
    error: str = ""


@dataclass
class Town:
    """One town profile: ``folder`` is its sanitised, unique output folder name."""

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
    roster_problems: list[Problem] = field(default_factory=list)


@dataclass
class Task:
    """One output to produce: ``rel`` is its path below ``--out`` with ``/`` separators."""

    rel: str
    kind: str  # "document" or "form"
    town: Town
    template: TemplateInfo
    inputs: dict
    member: Member | None = None
    label: str = ""


@dataclass
class Plan:
    """Everything one run will try to produce, plus what failed before rendering and warnings
    (roster fields that stay blank) that fail nothing."""

    towns: list[Town]
    templates: list[TemplateInfo]
    tasks: list[Task]
    failures: list[ItemResult]
    warnings: list[ItemResult] = field(default_factory=list)


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


def inspect_template(path: Path) -> tuple[bool, str]:
    """``(per_member, error)`` of one template; compiled through the worker's cache, so the
    process that inspects it renders with the same compiled template."""
    from speechkit.batch.worker import compiled

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
        from speechkit.batch import worker

        try:
            items = [(i, str(p)) for i, p in enumerate(paths)]
            for i, meta, error in executor.run(worker.template_chunk, items, 1):
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


def load_town(path: Path, roster: bool = True) -> Town:
    """Load one town's profile (and its roster when ``roster``) into plain data; failures are
    recorded, not raised.

    Runs in a worker process when there is a pool (towns load in parallel).
    """
    from speechkit.profiles import load_profile

    slug = path.name.split(".")[0]
    town = Town(slug=slug, path=path, name=slug, folder="")
    try:
        profile = load_profile(path)
        town.context = profile.context()
        town.digest = profile.digest()
        town.name = str(profile.data.get("town", {}).get("name") or slug)
    except SpeechkitError as exc:
        town.error = exc.format_message()
    if roster:
        _load_roster(town)
    return town


def load_towns(
    options: BatchOptions, executor=None, progress=None, rosters: bool = True
) -> list[Town]:
    """Load the selected towns (in ``executor``'s workers when given), with unique folders.

    Rosters are read only with ``rosters`` (a per-member template is selected).
    ``progress(done, total, current)`` is called as each town is read.
    """
    paths = select_towns(options)
    tick = progress or (lambda done, total, current: None)
    loaded: dict[int, Town] = {}
    items = [(i, p, rosters) for i, p in enumerate(paths)]
    results = None
    if executor is not None:
        from speechkit.batch import worker

        if rosters:  # the slowest first, so that no worker is left with a long one at the end
            items.sort(key=lambda item: _roster_cost(item[1]), reverse=True)
        results = executor.run(worker.town_chunk, items, 1)
    else:
        results = ((i, load_town(p, rosters), "") for i, p, _ in items)
    try:
        for i, town, _ in results:
            loaded[i] = town
            tick(len(loaded), len(paths), town.name)
    except BrokenProcessPool:  # a worker died: load the rest here, and render here too
        executor.degrade()
        for i, path, _ in items:
            if i not in loaded:
                loaded[i] = load_town(path, rosters)
                tick(len(loaded), len(paths), loaded[i].name)
    towns = [loaded[i] for i in range(len(paths))]
    # unique folder names: a clash (two towns called the same) gets the slug added
    folders = [sanitize(t.name) for t in towns]
    for town, folder in zip(towns, folders, strict=True):
        town.folder = folder if folders.count(folder) == 1 else sanitize(f"{folder}（{town.slug}）")
    return towns


def _roster_cost(town_path: Path) -> int:
    """A rough reading cost of a town's roster for ordering the work: its size, Excel files
    counted four times (they parse about that much slower than CSV)."""
    path = find_roster(town_path)
    if path is None:
        return 0
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size * 4 if path.suffix == ".xlsx" else size


def _load_roster(town: Town) -> None:
    from speechkit.errors import RosterError

    town.roster_path = find_roster(town.path)
    if town.roster_path is None:
        return
    try:
        roster = read_roster(town.roster_path)
    except RosterError as exc:
        town.roster_error = exc.format_message()
        return
    town.members = roster.members
    town.roster_problems = roster.problems
    other = town.roster_path.with_suffix(".csv")
    if town.roster_path.suffix == ".xlsx" and other.is_file():
        town.roster_problems.insert(
            0,
            Problem(
                Location(file=display_path(other)),
                f"同一乡镇有两个名册，已使用 {town.roster_path.name}；请删除不用的那个",
            ),
        )
    names = [sanitize(m.name) for m in roster.members]
    details = [
        [
            sanitize(m.branch, fallback="") if m.branch else "",
            f"{m.birth.year}年{m.birth.month}月生" if m.birth else "",
            f"第{m.row}行",
        ]
        for m in roster.members
    ]
    town.labels = [sanitize(label) for label in disambiguate(names, details)]
    town.row_digests = [m.digest() for m in roster.members]


def build_plan(options: BatchOptions, executor=None, progress=None) -> Plan:
    """Plan every output of a run (see the module docstring); towns load in ``executor``.

    ``progress(done, total, current)`` is called as each town is read.
    """
    from speechkit import __version__

    templates = load_templates(options, executor)
    select_towns(options)  # whole-run problems (no towns, unknown --town) before any work
    rosters = any(tpl.per_member for tpl in templates)
    towns = load_towns(options, executor, progress, rosters)
    tasks: list[Task] = []
    warnings: list[ItemResult] = []
    # a template that does not compile fails once for the whole run, not once per town
    failures: list[ItemResult] = [
        ItemResult(ALL_TOWNS, "", tpl.name, "", FAILED, tpl.error) for tpl in templates if tpl.error
    ]
    for town in towns:
        if town.error:  # one failure for the town, not one per document
            failures.append(ItemResult(town.name, town.slug, ALL_DOCUMENTS, "", FAILED, town.error))
            continue
        digest = town.digest
        for problem in town.roster_problems:
            item = ItemResult(
                town.name, town.slug, "名册", "", FAILED, f"{problem.location} {problem.message}"
            )
            if problem.severity == "warning":  # fields left blank: said, but not a failure
                item.status = WARNING
                warnings.append(item)
            else:
                failures.append(item)
        for tpl in templates:
            base = {"template": tpl.sha256, "profile": digest, "version": __version__}
            if tpl.error:
                continue
            name = sanitize(tpl.name)
            if tpl.per_member and town.roster_error:
                failures.append(
                    ItemResult(town.name, town.slug, tpl.name, "", FAILED, town.roster_error)
                )
                continue
            if tpl.per_member and town.roster_path is not None:
                rows = zip(town.members, town.labels, town.row_digests, strict=True)
                for member, label, row_digest in rows:
                    rel = f"{town.folder}/{name}/{label}.docx"
                    inputs = dict(base, row=row_digest)
                    tasks.append(Task(rel, "form", town, tpl, inputs, member, label))
                continue
            rel = f"{town.folder}/{name}.docx"
            tasks.append(Task(rel, "document", town, tpl, dict(base, row=None)))
    return Plan(towns=towns, templates=templates, tasks=tasks, failures=failures, warnings=warnings)
