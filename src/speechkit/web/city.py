"""The city page: city.yaml's city and campaign sections as a form, saved round-trip.

Same rules as a town: the form is generated from the schema, only changed values are written
(comments and untouched lines stay), the save is refused with the merge view when the file
changed since the page was loaded, and hash check and replace happen under the file's lock.
A save that would leave city.yaml invalid is refused with the problems at their fields.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from speechkit.errors import Location, Problem, ProfileError
from speechkit.fsutil import atomic_write_bytes, sha256_file
from speechkit.web import forms

bp = Blueprint("city", __name__)


def city_path() -> Path:
    """The profiles folder's city.yaml (404 when there is none)."""
    from speechkit.profiles.model import CITY_FILE
    from speechkit.web import settings

    path = settings().profiles_dir / CITY_FILE
    if not path.is_file():
        abort(404, description="资料文件夹中还没有全市资料（city.yaml）。")
    return path


def city_form() -> list[forms.FormField]:
    """The city and campaign sections as form fields (the pack's, when the folder names one)."""
    from speechkit.web.towns import campaign_info

    return forms.form_for("city", campaign_info()["pack"])


def _render(path, *, values, base, sha, problems, status=200, notice=None, taken=(),
            conflicts=(), concurrent=False):  # fmt: skip
    from speechkit.web.towns import campaign_info, problems_at_fields, shown_problems

    fields = city_form()
    label = forms.short_labels(fields)
    return render_template(
        "city.html",
        title="全市资料和活动信息",
        fields=fields,
        values=values,
        base_json=json.dumps(base, ensure_ascii=False),
        sha=sha,
        problems=shown_problems(problems),
        field_problems=problems_at_fields(fields, problems),
        notice=notice,
        taken=[label.get(k, k) for k in taken],
        conflicts=[label.get(k, k) for k in conflicts],
        concurrent=concurrent,
        campaign=campaign_info(),
        packs=available_packs(),
    ), status


def _city_level_problems(path: Path) -> list[Problem]:
    """city.yaml's own problems plus the cross-town ones (totals, duplicate names)."""
    from speechkit.web import settings
    from speechkit.web.towns import town_index, validation

    problems = validation().folder(settings().profiles_dir)
    in_towns = {str(t.path.resolve()) for t in town_index().values()}
    out = []
    for p in problems:
        f = p.location.file
        try:
            if f and str(Path(f).resolve()) in in_towns and p.key != "town.name":
                continue
        except OSError:
            pass
        out.append(p)
    return out


CITY_SCAFFOLD = """\
# 全市共用的资料：各乡镇资料（towns/*.yaml）中的同名栏目覆盖这里的值。
city:
  name: 〔待填〕                    # 市名，如 海川市
campaign:
  name: 〔待填〕                    # 活动名称
  start: 〔待填〕                   # 开始日期，如 2026-03-01
  end: 〔待填〕                     # 结束日期
  members: 〔待填〕                 # 参加活动的党员总数（各乡镇党员数之和）
"""


@bp.post("/city/new")
def create():
    """Start city.yaml in a profiles folder that has none (its fields empty, to fill in)."""
    from speechkit.fsutil import atomic_write_text
    from speechkit.profiles.model import CITY_FILE
    from speechkit.web import settings

    path = settings().profiles_dir / CITY_FILE
    if not path.exists():
        (settings().profiles_dir / "towns").mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, CITY_SCAFFOLD)
        flash("已新建全市资料，请填写下面的栏目后保存。", "ok")
    return redirect(url_for("city.edit"), code=303)


@bp.get("/city")
def edit():
    """The city's and the campaign's data as a form (or an offer to start it)."""
    from speechkit.profiles.model import CITY_FILE
    from speechkit.web import settings
    from speechkit.web.towns import raw_profile_data

    if not (settings().profiles_dir / CITY_FILE).is_file():
        return render_template("city_new.html", title="全市资料和活动信息")
    path = city_path()
    try:
        data = raw_profile_data(path)
    except ProfileError as exc:
        return render_template(
            "error.html", title="全市资料无法读取", message=exc.format_message()
        ), 400
    values = forms.form_values(city_form(), data)
    sha = sha256_file(path)
    return _render(path, values=values, base=values, sha=sha, problems=_city_level_problems(path))


def update_city_file(path: Path, changes: dict, *, allowed: set | None = None) -> None:
    """Write ``changes`` into city.yaml round-trip; refuse (file untouched) if it would not
    validate on its own. Errors in ``allowed`` (``(key, message)`` pairs the file already
    had, such as fields still to be filled in) do not stop the save, unless at a changed key."""
    from speechkit.profiles.edit import _dump, _load_round_trip, apply_changes
    from speechkit.profiles.source import decode_bytes
    from speechkit.profiles.validate import validate_city
    from speechkit.web.towns import blocks_save, encode_like

    raw = path.read_bytes()
    text, encoding = decode_bytes(raw)
    yaml, data = _load_round_trip(text)
    if not isinstance(data, dict):
        raise ProfileError(
            "全市资料本身有错误，无法修改：",
            [Problem(Location(file=path.name, line=1, column=1), "文件顶层应是一组“键: 值”")],
        )
    apply_changes(data, changes)
    new_raw = encode_like(raw, encoding, _dump(yaml, data))
    with tempfile.TemporaryDirectory(prefix="speechkit-city-") as tmp:
        trial = Path(tmp) / path.name
        trial.write_bytes(new_raw)
        errors = [p for p in validate_city(trial) if p.severity == "error"]
    if allowed is not None:
        changed = [forms.base_key(k) for k in changes]
        errors = [p for p in errors if blocks_save(p, changed, allowed)]
    if errors:
        raise ProfileError("修改后的全市资料有错误，未保存：", errors)
    if new_raw != raw:
        atomic_write_bytes(path, new_raw)


@bp.post("/city")
def save():
    """Save the city form round-trip (merge view when the file changed meanwhile)."""
    from speechkit.web.towns import STALE_NOTICE, file_lock, posted_base, raw_profile_data

    path = city_path()
    fields = city_form()
    submitted = forms.read_submission(fields, request.form)
    expected = request.form.get("sha256") or None
    base = posted_base()
    if g.get("csrf_stale"):
        return _render(path, values=submitted, base=base, sha=expected, problems=[], status=409,
                       notice=STALE_NOTICE)  # fmt: skip
    with file_lock(path):
        current = sha256_file(path)
        data = raw_profile_data(path)
        if expected != current:
            theirs = forms.form_values(fields, data)
            if base:
                merged, taken, conflicts = forms.merge_concurrent(fields, base, submitted, theirs)
            else:
                merged, taken = submitted, []
                conflicts = list(forms.changes_between(fields, submitted, data))
            notice = (
                "全市资料在您打开本页之后已被修改（可能是别人或其他程序），本次没有保存。"
                "请核对下面的内容后再次点击“保存”。"
            )
            return _render(path, values=merged, base=theirs, sha=current, problems=[],
                           status=409, notice=notice, taken=taken, conflicts=conflicts,
                           concurrent=True)  # fmt: skip
        changes = forms.changes_between(fields, submitted, data)
        if not changes:
            flash("没有修改，文件未改动。", "info")
            return redirect(url_for("city.edit"), code=303)
        from speechkit.web.towns import validation

        before = {(forms.base_key(p.key), p.message) for p in validation().city(path)
                  if p.severity == "error"}  # fmt: skip
        try:
            update_city_file(path, changes, allowed=before)
        except ProfileError as exc:
            return _render(path, values=submitted, base=base, sha=current, problems=exc.problems,
                           status=400,
                           notice="有几处填写不正确，本次没有保存。请按各栏下方的提示改正后再保存。")  # fmt: skip
    label = forms.short_labels(fields)
    flash("已保存：" + "、".join(label.get(k, k) for k in changes), "ok")
    return redirect(url_for("city.edit"), code=303)


def available_packs() -> list[tuple[str, str]]:
    """``(id, name)`` of the campaign packs the packs library finds (empty without it)."""
    from speechkit.web import settings

    try:
        from speechkit.campaigns import list_packs  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        packs = list_packs(settings().profiles_dir.parent)
    except Exception:  # a broken pack folder: offer nothing rather than fail the page
        return []
    return [(str(p.id), str(getattr(p, "name", "") or p.id)) for p in packs]


@bp.post("/city/pack")
def change_pack():
    """Bind the profiles folder to another campaign pack (an explicit, separate action)."""
    from speechkit.profiles.edit import _dump, _load_round_trip, apply_changes
    from speechkit.profiles.source import decode_bytes
    from speechkit.web.towns import encode_like, file_lock

    path = city_path()
    wanted = (request.form.get("pack") or "").strip()
    packs = dict(available_packs())
    if wanted not in packs:
        flash("请选择一个已有的活动包。", "error")
        return redirect(url_for("city.edit"), code=303)
    with file_lock(path):
        raw = path.read_bytes()
        text, encoding = decode_bytes(raw)
        yaml, data = _load_round_trip(text)
        if not isinstance(data, dict):
            flash("全市资料本身有错误，无法更换活动包。", "error")
            return redirect(url_for("city.edit"), code=303)
        if "pack" not in data:
            data.insert(0, "pack", wanted)
        else:
            apply_changes(data, {"pack": wanted})
        atomic_write_bytes(path, encode_like(raw, encoding, _dump(yaml, data)))
    flash(f"已更换活动包：{packs[wanted]}（{wanted}）。", "ok")
    return redirect(url_for("city.edit"), code=303)
