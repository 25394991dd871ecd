"""Towns: the list with validation status, and each town's profile as an editable form.

Saving goes through :func:`speechkit.profiles.update_town_file` (round-trip, so a diff of the
file shows only the changed values), with the sha256 of the file as it was when the form was
loaded carried in a hidden field: if someone changed the file meanwhile, the save is refused
and the page says so instead of one edit silently overwriting the other.
"""

from __future__ import annotations

import json
import re
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
        """Number of error-level problems (not counting fields still to be filled in)."""
        return sum(1 for p in self.problems if p.severity == "error" and not is_todo(p))

    @property
    def todo(self) -> int:
        """Number of fields still to be filled in."""
        return sum(1 for p in self.problems if p.severity == "error" and is_todo(p))

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for p in self.problems if p.severity != "error")


def is_todo(problem: Problem) -> bool:
    """True for "this field is still empty" (a new town), as opposed to a wrong value."""
    return "尚未填写" in problem.message or problem.message.startswith("缺少必填键")


def _same_file(location_file: str | None, path: Path) -> bool:
    if not location_file:
        return False
    try:
        return Path(location_file).resolve() == path.resolve()
    except OSError:
        return False


_NAMES: dict[tuple[str, str | None], tuple[str, str]] = {}


def _town_name(path: Path) -> tuple[str, str]:
    """``(name, kind)`` written in a town file (cached by content hash)."""
    from speechkit.profiles import load_data_file

    try:
        key = (str(path), sha256_file(path))
    except OSError:
        return path.stem, ""
    hit = _NAMES.get(key)
    if hit is not None:
        return hit
    try:
        town = (load_data_file(path) or {}).get("town") or {}
    except Exception:  # unreadable file: the validation column says why
        return path.stem, ""
    if not isinstance(town, dict):
        return path.stem, ""
    name = town.get("name")
    if not isinstance(name, str) or forms.unfilled(name) or not name.strip():
        name = path.stem
    kind = town.get("kind")
    kind = kind if isinstance(kind, str) and not forms.unfilled(kind) else ""
    if len(_NAMES) > 5000:
        _NAMES.clear()
    _NAMES[key] = (name, kind)
    return name, kind


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
    by_file = {str(entry.path.resolve()): entry for entry in index.values()}
    for problem in problems or ():
        if not problem.location.file:
            continue
        try:
            entry = by_file.get(str(Path(problem.location.file).resolve()))
        except OSError:
            entry = None
        if entry is not None:
            entry.problems.append(problem)
    return index


def validation():
    """The app's :class:`~speechkit.web.validation.ValidationCache`."""
    from flask import current_app

    return current_app.extensions["speechkit.validation"]


def _validate_all() -> list[Problem]:
    from speechkit.web import settings

    return validation().folder(settings().profiles_dir)


def _problems_of(path: Path) -> list[Problem]:
    """The validator's problems located in this town file."""
    from speechkit.profiles.model import CITY_FILE
    from speechkit.web import settings

    city = settings().profiles_dir / CITY_FILE
    _profile, found = validation().town(path, city if city.is_file() else None)
    return [p for p in found if _same_file(p.location.file, path)]


def titles() -> dict[str, str]:
    """Key path → label over the town and city forms (for messages in the page's words)."""
    pack = campaign_info()["pack"]
    return forms.key_titles(forms.form_for("town", pack), forms.form_for("city", pack))


def _place(key: str, names: dict[str, str]) -> str:
    """Where a field sits, in the form's words: ``领导小组 · 组长`` for leading_group.leader.name."""
    parts = forms.base_key(key).split(".")
    labels = [names.get(".".join(parts[: i + 1])) for i in range(len(parts) - 1)]
    return " · ".join(label for label in labels if label)


def shown_problems(problems: list[Problem], names: dict[str, str] | None = None) -> list[dict]:
    """Problems as the page shows them: a sentence for people, the file:line:col in a detail.

    ``kind`` is ``todo`` for a field still to be filled in, else the severity. ``names`` are
    the form's labels (:func:`titles`; pass them when showing many lists on one page).
    """
    names = titles() if names is None else names
    out = []
    seen = set()
    for p in problems:
        where = str(p.location)
        detail = f"{where} {p.key}".strip() if p.key else where
        text = forms.friendly(p.message, names)
        place = _place(p.key, names) if p.key else ""
        if (place, text, p.severity) in seen:
            detail_item = next(o for o in out if (o["place"], o["text"]) == (place, text))
            detail_item["detail"] += "；" + detail
            continue
        seen.add((place, text, p.severity))
        out.append(
            {
                "severity": p.severity,
                "kind": "todo" if p.severity == "error" and is_todo(p) else p.severity,
                "text": text,
                "place": place,
                "detail": detail,
            }
        )
    return out


def problems_at_fields(
    fields: list[forms.FormField], problems: list[Problem], *, todo: bool = False
) -> dict[str, list[dict]]:
    """Problems under the form field they belong to: field key → ``{severity, text}`` items,
    each sentence once. With ``todo``, an error for a field still to be filled in has the
    severity ``todo``."""
    names = titles()
    out: dict[str, list[dict]] = {}
    for p in problems:
        key = forms.field_for_problem(fields, p.key) if p.key else None
        if key:
            text = forms.friendly(p.message, names)
            kind = "todo" if todo and p.severity == "error" and is_todo(p) else p.severity
            here = out.setdefault(key, [])
            if not any(item["text"] == text for item in here):
                here.append({"severity": kind, "text": text})
    return out


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


_CAMPAIGNS: dict[tuple, dict] = {}


def campaign_info() -> dict:
    """The campaign this profiles folder belongs to: its name, dates and pack (if named)."""
    from speechkit.profiles import load_data_file
    from speechkit.profiles.model import CITY_FILE
    from speechkit.web import settings

    city = settings().profiles_dir / CITY_FILE
    try:
        key = (str(city), sha256_file(city))
    except OSError:
        key = (str(city), None)
    hit = _CAMPAIGNS.get(key)
    if hit is not None:
        return dict(hit)
    try:
        data = load_data_file(city) if key[1] else {}
    except ProfileError:
        data = {}
    campaign = data.get("campaign") if isinstance(data.get("campaign"), dict) else {}
    city_info = data.get("city") if isinstance(data.get("city"), dict) else {}
    info = {
        "city": str(city_info.get("name") or ""),
        "name": str(campaign.get("name") or ""),
        "batch": str(campaign.get("batch") or ""),
        "start": forms.display(campaign.get("start")),
        "end": forms.display(campaign.get("end")),
        "pack": str(data.get("pack") or ""),
    }
    if len(_CAMPAIGNS) > 100:
        _CAMPAIGNS.clear()
    _CAMPAIGNS[key] = info
    return dict(info)


def town_form() -> list[forms.FormField]:
    """The town form of this profiles folder (its campaign pack's fields when it names one)."""
    return forms.form_for("town", campaign_info()["pack"])


def _cross_town(problem: Problem) -> bool:
    """A problem about several towns at once (a name used twice): shown at the city level too."""
    return problem.key == "town.name" and "重复" in problem.message


def roster_map(towns: OrderedDict[str, TownEntry] | None = None) -> dict[str, Path]:
    """``{slug: roster path}`` for every town that has a roster beside its file."""
    from speechkit.batch.roster import find_roster

    out = {}
    for slug, entry in (towns if towns is not None else town_index()).items():
        path = find_roster(entry.path)
        if path is not None:
            out[slug] = path
    return out


@bp.get("/")
def index():
    """The towns with their validation status, the city-level checks, new town, trash."""
    from speechkit.web import settings

    problems = _validate_all()
    towns = town_index(problems)
    placed = {id(p) for entry in towns.values() for p in entry.problems}
    other = [p for p in problems if id(p) not in placed or _cross_town(p)]
    from speechkit.profiles.model import CITY_FILE

    has_city = (settings().profiles_dir / CITY_FILE).is_file()
    if not has_city:  # the page offers to start it instead of naming a missing file
        other = [p for p in other if p.key or "找不到" not in p.message]
    names = titles()
    return render_template(
        "index.html",
        title="乡镇资料",
        towns=towns,
        shown={slug: shown_problems(t.problems, names) for slug, t in towns.items()},
        city_problems=shown_problems(other, names),
        profiles_dir=settings().profiles_dir,
        campaign=campaign_info(),
        kinds=KINDS,
        trash=trash_entries(),
        rosters=roster_map(towns),
        has_city=has_city,
    )


def raw_profile_data(path: Path) -> dict:
    """A profile file's data as read, without validation ({} when its top is not a mapping)."""
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
    fields = town_form()
    name, kind = _town_name(path)
    return render_template(
        "town.html",
        title=name,
        slug=slug,
        town_name=name,
        town_kind=kind,
        kinds=KINDS,
        town_file=path.name,
        fields=fields,
        values=values,
        base_json=json.dumps(base, ensure_ascii=False),
        sha=sha,
        problems=shown_problems(problems),
        field_problems=problems_at_fields(fields, problems, todo=True),
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
        data = raw_profile_data(path)
    except ProfileError as exc:  # e.g. a YAML syntax error: show it, no form to fill
        return render_template(
            "error.html", title=f"{slug}.yaml 无法读取", message=exc.format_message()
        ), 400
    problems = _problems_of(path)
    values = forms.form_values(town_form(), data)
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
    fields = town_form()
    submitted = forms.read_submission(fields, request.form)
    expected = request.form.get("sha256") or None
    base = posted_base()
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
        data = raw_profile_data(path)
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
            return _concurrent(slug, path, fields, submitted, base, raw_profile_data(path), sha)
        except ProfileError as exc:
            fresh = _new_errors(path, changes, exc.problems)
            if fresh:
                return _render_town(
                    slug,
                    path,
                    values=submitted,
                    base=base,
                    sha=current_sha,
                    problems=fresh,
                    status=400,
                    notice="有几处填写不正确，本次没有保存。请按各栏下方的提示改正后再保存。",
                )
            # only fields still to be filled in (a new town): save what was typed
            _rewrite_values(path, changes)
    labels = forms.short_labels(fields)
    flash("已保存：" + "、".join(labels.get(k, k) for k in changes), "ok")
    return redirect(url_for("towns.town", slug=slug), code=303)


def _new_errors(path: Path, changes: dict, after: list[Problem]) -> list[Problem]:
    """Errors a save would bring: those at a changed field, or not in the file before it.

    A half-filled new town has errors (unfilled fields) before and after every save; they do
    not stop the user from saving the fields they did fill in.
    """
    before = {(forms.base_key(p.key), p.message) for p in _problems_of(path)}
    changed = [forms.base_key(k) for k in changes]
    out = []
    for p in after:
        if p.severity != "error" or (p.location.file and not _same_file(p.location.file, path)):
            continue
        if blocks_save(p, changed, before):
            out.append(p)
    return out


def blocks_save(problem: Problem, changed: list[str], before: set) -> bool:
    """Whether an error stops a save: it is at (or under) a changed key (``forms.base_key``
    form), or it is not among ``before``, the ``(key, message)`` pairs the file already had."""
    key = forms.base_key(problem.key)
    touched = any(key == k or key.startswith(k + ".") for k in changed)
    return touched or (key, problem.message) not in before


def posted_base() -> dict:
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
        "本乡镇的资料在您打开本页之后已被修改（可能是别人或其他程序），本次没有保存。"
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


# --- new, rename, delete (to the trash), restore ------------------------------------------

KINDS = ("镇", "区", "街道")
TRASH_DIR = "回收站"
_KIND_SUFFIX = re.compile(r"(镇|乡|区|街道|街道办事处)$")


def derive_slug(name: str, taken: set[str]) -> str:
    """A file name for a new town from its Chinese name: 新河镇 → ``xinhe`` (then xinhe-2 …)."""
    from pypinyin import lazy_pinyin

    stem = _KIND_SUFFIX.sub("", name.strip()) or name.strip()
    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in lazy_pinyin(stem)]
    slug = "".join(words)[:40].strip("-_") or "town"
    if not slug[0].isalnum():
        slug = "town" + slug
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    return candidate


def _check_name(name: str, kind: str, *, exclude: str | None = None) -> str | None:
    """A Chinese message when the name or kind cannot be used, else None."""
    if not name:
        return "请填写乡镇名称。"
    if len(name) > 40 or any(c in name for c in "/\\\n\r\t"):
        return "乡镇名称太长或含有不能用的字符（/ \\ 换行）。"
    if kind not in KINDS:
        return "请选择类别：镇、区或街道。"
    for slug, entry in town_index().items():
        if slug != exclude and entry.name == name:
            return f"已经有名为“{name}”的乡镇，请换一个名称。"
    return None


@bp.post("/towns/new")
def create():
    """Create a town file from its name and kind; its other fields start empty."""
    from speechkit.profiles.model import CITY_FILE
    from speechkit.profiles.scaffold import new_town
    from speechkit.web import settings

    if not (settings().profiles_dir / CITY_FILE).is_file():
        flash("请先新建并填写全市资料，再新建乡镇。", "error")
        return redirect(url_for("city.edit"), code=303)
    name = (request.form.get("name") or "").strip()
    kind = (request.form.get("kind") or "").strip()
    problem = _check_name(name, kind)
    if problem:
        flash(problem, "error")
        return redirect(url_for("towns.index") + "#new-town", code=303)
    root = settings().profiles_dir
    taken = set(town_index()) | {p.name.split(".", 1)[0] for p in (root / "towns").glob("*")}
    slug = derive_slug(name, taken)
    new_town(root, slug, name, kind)
    flash(f"已新建“{name}”。请填写下面的资料，填好后点击“保存”。", "ok")
    return redirect(url_for("towns.town", slug=slug), code=303)


@bp.post("/towns/<slug>/rename")
def rename(slug: str):
    """Change a town's name (and kind) in its file, round-trip."""
    from speechkit.profiles import ConcurrentEditError, update_town_file

    path = town_path(slug)
    name = (request.form.get("name") or "").strip()
    old_name, old_kind = _town_name(path)
    kind = (request.form.get("kind") or old_kind or "").strip()
    problem = _check_name(name, kind, exclude=slug)
    if problem:
        flash(problem, "error")
        return redirect(url_for("towns.town", slug=slug), code=303)
    changes = {"town.name": name, "town.kind": kind}
    with file_lock(path):
        try:
            update_town_file(path, changes, expected_sha256=None)
        except ConcurrentEditError:  # pragma: no cover - no hash given
            pass
        except ProfileError:
            # the file has other errors: change only these two lines all the same
            _rewrite_values(path, changes)
    flash(f"已改名：{old_name} → {name}", "ok")
    return redirect(url_for("towns.town", slug=slug), code=303)


def _rewrite_values(path: Path, changes: dict) -> None:
    """Write ``changes`` round-trip without validating the rest (a half-filled town)."""
    from speechkit.fsutil import atomic_write_bytes
    from speechkit.profiles.edit import _dump, _load_round_trip, apply_changes
    from speechkit.profiles.source import decode_bytes

    raw = path.read_bytes()
    text, encoding = decode_bytes(raw)
    yaml, data = _load_round_trip(text)
    apply_changes(data, changes)
    atomic_write_bytes(path, encode_like(raw, encoding, _dump(yaml, data)))


def encode_like(raw: bytes, encoding: str, text: str) -> bytes:
    """``text`` encoded as the file ``raw`` was (``encoding`` from ``decode_bytes``; BOM kept)."""
    codec = "gb18030" if encoding == "GB18030" else "utf-8"
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    return bom + text.encode(codec)


def _town_files(path: Path) -> list[Path]:
    """The town file and its roster(s)."""
    return [path] + sorted(path.parent.glob(f"{path.stem}.members.*"))


@bp.post("/towns/<slug>/delete")
def delete(slug: str):
    """Move the town file and its roster to the trash folder (restorable from the list)."""
    import datetime as dt

    from speechkit.web import settings

    path = town_path(slug)
    name, _kind = _town_name(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = settings().profiles_dir / TRASH_DIR / f"{stamp}-{slug}"
    n = 2
    while folder.exists():
        folder = folder.with_name(f"{stamp}-{slug}-{n}")
        n += 1
    folder.mkdir(parents=True)
    with file_lock(path):
        for f in _town_files(path):
            f.replace(folder / f.name)
    flash(f"已删除“{name}”（移到了回收站，可以在本页下方恢复）。", "ok")
    return redirect(url_for("towns.index"), code=303)


def trash_entries() -> list[dict]:
    """What the trash holds, newest first: ``{"id", "name", "when", "files"}``."""
    from speechkit.web import settings

    root = settings().profiles_dir / TRASH_DIR
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir(), reverse=True):
        if not folder.is_dir() or folder.is_symlink():
            continue
        towns = [p for p in folder.glob("*.yaml") if ".members." not in p.name]
        if not towns:
            continue
        name, _ = _town_name(towns[0])
        stamp = folder.name[:15]
        when = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}"
        out.append({"id": folder.name, "name": name, "when": when})
    return out


@bp.post("/trash/<entry>/restore")
def restore(entry: str):
    """Put a deleted town (and its roster) back, unless a town of that file name exists."""
    from speechkit.web import settings
    from speechkit.web.security import resolve_inside

    root = settings().profiles_dir / TRASH_DIR
    folder = resolve_inside(root, entry)
    if not folder.is_dir() or folder.parent != root.resolve():
        abort(404)
    towns_dir = settings().profiles_dir / "towns"
    files = [p for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    clash = [p.name for p in files if (towns_dir / p.name).exists()]
    if clash:
        flash(f"无法恢复：乡镇资料中已有同名文件（{'、'.join(clash)}）。", "error")
        return redirect(url_for("towns.index"), code=303)
    towns_dir.mkdir(exist_ok=True)
    for p in files:
        p.replace(towns_dir / p.name)
    folder.rmdir()
    flash("已恢复。", "ok")
    return redirect(url_for("towns.index"), code=303)
