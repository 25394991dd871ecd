"""Towns: the list with validation status, and each town's profile as an editable form.

Saving goes through :func:`speechkit.profiles.update_town_file` (round-trip, so a diff of the
file shows only the changed values), with the sha256 of the file as it was when the form was
loaded carried in a hidden field: if someone changed the file meanwhile, the save is refused
and the page says so instead of one edit silently overwriting the other.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from speechkit.errors import Problem, ProfileError
from speechkit.fsutil import sha256_file
from speechkit.web import forms

bp = Blueprint("towns", __name__)

STALE_NOTICE = (
    "本页已过期（可能是程序重启过，或在别的窗口退出过），本次没有保存。"
    "您填写的内容都还在下面，请核对后再次点击“保存”。"
)


@dataclass
class TownEntry:
    """One town file as the list shows it."""

    slug: str
    path: Path
    name: str
    kind: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of error-level problems."""
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for p in self.problems if p.severity != "error")


def _same_file(location_file: str | None, path: Path) -> bool:
    if not location_file:
        return False
    try:
        return Path(location_file).resolve() == path.resolve()
    except OSError:
        return False


def _town_name(path: Path) -> tuple[str, str]:
    from speechkit.profiles import load_data_file

    try:
        town = (load_data_file(path) or {}).get("town") or {}
    except Exception:  # unreadable file: the validation column says why
        return path.stem, ""
    if not isinstance(town, dict):
        return path.stem, ""
    return str(town.get("name") or path.stem), str(town.get("kind") or "")


def town_index(problems: list[Problem] | None = None) -> OrderedDict[str, TownEntry]:
    """Return the towns under the profiles folder by slug, in ``find_towns`` order.

    Each town carries those of ``problems`` (the validator's findings) located in its file.
    """
    from speechkit.profiles import find_towns
    from speechkit.web import settings

    index: OrderedDict[str, TownEntry] = OrderedDict()
    for path in find_towns(settings().profiles_dir):
        name, kind = _town_name(path)
        index[path.stem] = TownEntry(slug=path.stem, path=path, name=name, kind=kind)
    for problem in problems or ():
        for entry in index.values():
            if _same_file(problem.location.file, entry.path):
                entry.problems.append(problem)
                break
    return index


def _validate_all() -> list[Problem]:
    from speechkit.profiles import validate
    from speechkit.web import settings

    return list(validate([settings().profiles_dir]))


def _problems_of(path: Path) -> list[Problem]:
    """The validator's problems located in this town file."""
    from speechkit.profiles import validate

    return [p for p in validate([path]) if _same_file(p.location.file, path)]


def town_path(slug: str) -> Path:
    """Return the file of the town ``slug``; 404 unless it is one of ``find_towns``' files."""
    entry = town_index().get(slug)
    if entry is None:
        abort(404)
    return entry.path


def load_town(slug: str):
    """Load the merged profile of the town ``slug`` (raises ProfileError when invalid)."""
    from speechkit.profiles import load_profile

    return load_profile(town_path(slug))


@bp.get("/")
def index():
    """The towns with their validation status."""
    from speechkit.web import settings

    problems = _validate_all()
    towns = town_index(problems)
    placed = {id(p) for entry in towns.values() for p in entry.problems}
    other = [p for p in problems if id(p) not in placed]
    return render_template(
        "index.html",
        title="乡镇资料",
        towns=towns,
        other_problems=other,
        profiles_dir=settings().profiles_dir,
    )


def _raw_town_data(path: Path) -> dict:
    from speechkit.profiles import load_data_file

    data = load_data_file(path)
    return data if isinstance(data, dict) else {}


def _render_town(
    slug: str,
    path: Path,
    *,
    values,
    base,
    sha,
    problems,
    status=200,
    notice=None,
    taken=(),
    conflicts=(),
    concurrent=False,
):
    fields = forms.build_form()
    field_problems: dict[str, list[Problem]] = {}
    for problem in problems:
        key = forms.field_for_problem(fields, problem.key) if problem.key else None
        if key:
            field_problems.setdefault(key, []).append(problem)
    name, _ = _town_name(path)
    return render_template(
        "town.html",
        title=f"{name}（{slug}.yaml）",
        slug=slug,
        town_file=path.name,
        fields=fields,
        values=values,
        base_json=json.dumps(base, ensure_ascii=False),
        sha=sha,
        problems=problems,
        field_problems=field_problems,
        notice=notice,
        taken=[_title_of(fields, key) for key in taken],
        conflicts=[_title_of(fields, key) for key in conflicts],
        concurrent=concurrent,
    ), status


def _title_of(fields, key: str) -> str:
    for top in fields:
        for leaf in top.leaves():
            if leaf.key == key:
                return f"{top.title} · {leaf.title}" if top is not leaf else leaf.title
    return key


@bp.get("/towns/<slug>")
def town(slug: str):
    """The town's profile as a form."""
    path = town_path(slug)
    sha = sha256_file(path)
    try:
        data = _raw_town_data(path)
    except ProfileError as exc:  # e.g. a YAML syntax error: show it, no form to fill
        return render_template(
            "error.html", title=f"{slug}.yaml 无法读取", message=exc.format_message()
        ), 400
    problems = _problems_of(path)
    values = forms.form_values(forms.build_form(), data)
    return _render_town(slug, path, values=values, base=values, sha=sha, problems=problems)


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def file_lock(path: Path) -> threading.Lock:
    """The lock serialising saves of one file (hash check and replace in one critical section)."""
    key = Path(path).resolve()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


@bp.post("/towns/<slug>")
def save(slug: str):
    """Validate and save the form round-trip; refuse when the file changed meanwhile.

    The hash check and the atomic replace happen under the file's lock, so of two saves
    started from the same version only the first is written; the other gets the merge view.
    """
    from speechkit.profiles import ConcurrentEditError, update_town_file

    path = town_path(slug)
    fields = forms.build_form()
    submitted = forms.read_submission(fields, request.form)
    expected = request.form.get("sha256") or None
    base = _posted_base()
    if g.get("csrf_stale"):
        return _render_town(
            slug,
            path,
            values=submitted,
            base=base,
            sha=expected,
            problems=[],
            status=409,
            notice=STALE_NOTICE,
        )
    with file_lock(path):
        current_sha = sha256_file(path)
        data = _raw_town_data(path)
        if expected != current_sha:
            return _concurrent(slug, path, fields, submitted, base, data, current_sha)
        changes = forms.changes_between(fields, submitted, data)
        if not changes:
            flash("没有修改，文件未改动。", "info")
            return redirect(url_for("towns.town", slug=slug), code=303)
        try:
            update_town_file(path, changes, expected_sha256=expected)
        except ConcurrentEditError:
            sha = sha256_file(path)
            return _concurrent(slug, path, fields, submitted, base, _raw_town_data(path), sha)
        except ProfileError as exc:
            return _render_town(
                slug,
                path,
                values=submitted,
                base=base,
                sha=current_sha,
                problems=exc.problems,
                status=400,
                notice=exc.message,
            )
    titles = {leaf.key: leaf.title for top in fields for leaf in top.leaves()}
    flash("已保存：" + "、".join(titles.get(k, k) for k in changes), "ok")
    return redirect(url_for("towns.town", slug=slug), code=303)


def _posted_base() -> dict:
    """The form values the page was loaded with (hidden field ``base``), or {} if unusable."""
    try:
        base = json.loads(request.form.get("base") or "{}")
    except ValueError:
        return {}
    return base if isinstance(base, dict) else {}


def _concurrent(slug, path, fields, submitted, base, data, current_sha):
    """Someone saved meanwhile: merge their changes into the form, save nothing, explain.

    Values the user did not touch take the file's new value; the user's own changes stay.
    Saving again is then an explicit, informed choice.
    """
    theirs = forms.form_values(fields, data)
    if base:
        merged, taken, conflicts = forms.merge_concurrent(fields, base, submitted, theirs)
    else:  # no base posted: keep the user's values and name every difference
        merged, taken = submitted, []
        conflicts = list(forms.changes_between(fields, submitted, data))
    notice = (
        f"{path.name} 在您打开本页之后已被修改（可能是别人或其他程序），本次没有保存。"
        "请核对下面的内容后再次点击“保存”，或重新打开本页放弃您的修改。"
    )
    return _render_town(
        slug,
        path,
        values=merged,
        base=theirs,
        sha=current_sha,
        problems=[],
        status=409,
        notice=notice,
        taken=taken,
        conflicts=conflicts,
        concurrent=True,
    )
