"""Make a template from a model document: upload last year's speech, choose its town, get the
template and the review (``speechkit template from`` in the browser).

The upload lives in a temporary folder for the request only. The template comes back inside the
page (base64, as the check page does) and is saved into the templates folder only when the user
asks, never over an existing file unless the overwrite box is ticked.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request

from speechkit.errors import SpeechkitError
from speechkit.web.drafts import town_choices, without_temp_path
from speechkit.web.security import clean_upload_name

bp = Blueprint("models", __name__)

ALLOWED_SUFFIXES = (".docx", ".doc", ".wps", ".rtf", ".odt")


def _page(error: str | None = None, status: int = 200):
    return render_template(
        "templatize.html", title="范文做模板", towns=town_choices(), error=error, report=None
    ), status


@bp.get("/template-from")
def form():
    """The upload form."""
    return _page()


@bp.post("/template-from")
def run():
    """Make the uploaded document into a template for the chosen town and show the review."""
    from speechkit.templatize.files import template_from
    from speechkit.web import settings
    from speechkit.web.towns import town_index

    upload = request.files.get("model")
    if upload is None or not upload.filename:
        return _page("请选择一份范文（.docx、.doc、.wps、.rtf 或 .odt）。", 400)
    name = clean_upload_name(upload.filename)
    if Path(name).suffix not in ALLOWED_SUFFIXES:
        return _page(f"{name}：范文应是 Word 或 WPS 文档（.docx、.doc、.wps、.rtf、.odt）。", 400)
    towns = town_index()
    slug = request.form.get("town", "")
    if slug not in towns:
        return _page("请选择这份范文所写的乡镇。", 400)
    out_name = Path(name).stem + "（模板）.docx"
    with tempfile.TemporaryDirectory(prefix="speechkit-model-") as tmp:
        src = Path(tmp) / name
        upload.save(src)
        out = Path(tmp) / "模板.docx"
        try:
            report = template_from(src, towns[slug].path, out)
        except SpeechkitError as exc:
            return _page(without_temp_path(exc, src, name).format_message(), 400)
        data = out.read_bytes()
    saved = None
    if request.form.get("save"):
        target = settings().templates_dir / out_name
        if target.exists() and not request.form.get("overwrite"):
            return _page(f"模板文件夹里已有“{out_name}”；如要替换，请勾选“覆盖同名模板”。", 409)
        from speechkit.fsutil import atomic_write_bytes

        atomic_write_bytes(target, data)
        saved = out_name
    return render_template(
        "templatize.html",
        title="范文做模板",
        towns=town_choices(),
        error=None,
        report=report,
        source_name=name,
        town_name=towns[slug].name,
        template_name=out_name,
        template_b64=base64.b64encode(data).decode("ascii"),
        saved=saved,
    )
