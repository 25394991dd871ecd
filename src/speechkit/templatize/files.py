"""``template_from`` over files: read (converting .doc/.wps/.rtf/.odt), templatize, prove, write.

The source document is only read; the template is written atomically, and only after it was
rendered once more for the source's own profile.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from speechkit.errors import Location, OutputExistsError, SpeechkitError, display_path
from speechkit.templatize.core import TemplatizeResult, templatize_bytes
from speechkit.templatize.proof import (
    TextDifference,
    compare_texts,
    document_texts,
    render_texts,
)


@dataclass
class TownCheck:
    """A trial fill of the new template for another profile, and how it compares."""

    profile: str
    note: str
    differences: list[TextDifference] = field(default_factory=list)


@dataclass
class TemplateFromReport:
    """Everything ``speechkit template from`` tells the user."""

    source: str
    profile: str
    output: str
    result: TemplatizeResult
    notices: list[str] = field(default_factory=list)
    proof: list[TextDifference] = field(default_factory=list)
    checks: list[TownCheck] = field(default_factory=list)


def template_from(
    source: str | Path,
    profile_path: str | Path,
    out: str | Path,
    *,
    force: bool = False,
    check_with: tuple[str | Path, ...] = (),
    source_template: str | Path | None = None,
) -> TemplateFromReport:
    """Make a template of the finished document ``source`` written for ``profile_path``.

    Writes ``out`` (refusing to overwrite without ``force``, and never the source) and returns
    the review. ``check_with`` profiles are filled in as a trial; with ``source_template`` (the
    template the source was made from, when known) their text is compared with it.
    """
    from speechkit.docx.package import open_docx
    from speechkit.profiles import load_profile
    from speechkit.typeset.convert import convert_to_docx, needs_conversion

    src, target = Path(source), Path(out)
    if target.exists() and target.resolve() == src.resolve():
        raise SpeechkitError(
            "输出文件不能与范文相同（范文不会被改动），请换一个文件名。",
            Location(file=display_path(target)),
        )
    if target.exists() and not force:
        raise OutputExistsError(
            "输出文件已存在；如要覆盖，请另选文件名或勾选覆盖（--force）。",
            Location(file=display_path(target)),
        )
    profile = load_profile(profile_path)  # a profile that does not validate stops here
    context = profile.context()
    notices: list[str] = []
    with tempfile.TemporaryDirectory(prefix="speechkit-from-") as tmp:
        read_from = src
        if needs_conversion(src):
            read_from = convert_to_docx(src, tmp)
            notices.append(f"{display_path(src)} 不是 .docx，已用 LibreOffice 转换后读取。")
        doc = open_docx(read_from, shown=display_path(src))  # validated as it is opened
        result = templatize_bytes(doc.data, context, file=display_path(src), pack=profile.pack_id)
        proof = compare_texts(
            document_texts(doc.data), render_texts(result.data, context, "t.docx")
        )
    report = TemplateFromReport(
        display_path(src), display_path(Path(profile_path)), display_path(target), result, notices
    )
    report.proof = proof
    for other in check_with:
        report.checks.append(_trial(result.data, other, source_template))
    from speechkit.fsutil import atomic_write_bytes

    atomic_write_bytes(target, result.data)
    return report


def _trial(data: bytes, profile_path, source_template) -> TownCheck:
    from speechkit.engine import Template
    from speechkit.profiles import load_profile

    context = load_profile(profile_path).context()
    texts = render_texts(data, context, "t.docx")
    shown = display_path(Path(profile_path))
    if source_template is None:
        return TownCheck(shown, f"试填成功，共 {len(texts)} 段（未给出原模板，无从比较）。")
    expected = document_texts(Template(source_template).render(context))
    diffs = compare_texts(expected, texts)
    if not diffs:
        return TownCheck(shown, "与原模板填写的结果逐段一致。")
    return TownCheck(shown, f"与原模板填写的结果有 {len(diffs)} 段不同。", diffs)


def render_report_html(report: TemplateFromReport) -> str:
    """The review as one self-contained HTML page."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("speechkit.templatize", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    return env.get_template("report.html").render(
        source=report.source,
        profile=report.profile,
        output=report.output,
        result=report.result,
        proof=report.proof,
        checks=report.checks,
    )
