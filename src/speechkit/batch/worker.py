"""Code that runs inside worker processes (or in-process with ``--jobs 1``).

Each worker keeps its compiled templates and loaded profiles in a per-process cache so each
template is compiled once per worker; this module-level cache is the worker's whole state.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

_TEMPLATES: dict[str, Any] = {}
_CONTEXTS: dict[str, dict] = {}
_PROFILES: dict[str, Any] = {}


def init_worker(contexts: dict[str, dict], ignore_sigint: bool = True) -> None:
    """Receive the towns' template contexts; leave Ctrl-C to the parent process."""
    if ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _CONTEXTS.clear()
    _CONTEXTS.update(contexts)


def _template(path: str):
    tpl = _TEMPLATES.get(path)
    if tpl is None:
        from speechkit.engine import Template

        tpl = _TEMPLATES[path] = Template(Path(path))
    return tpl


def _error_text(exc: BaseException) -> str:
    from speechkit.errors import SpeechkitError

    if isinstance(exc, SpeechkitError):
        return exc.format_message()
    return f"内部错误（{type(exc).__name__}）：{exc}"


def render_chunk(chunk: list[tuple[int, str, str, dict | None]]) -> list[tuple[int, Any, str]]:
    """Render ``(index, template path, town slug, member)`` items; return ``(index, bytes, error)``.

    A failing item yields ``(index, None, message)``; the rest of the chunk proceeds.
    """
    results = []
    for index, template_path, slug, member in chunk:
        try:
            context = dict(_CONTEXTS[slug])
            if member is not None:
                context["member"] = member
            results.append((index, _template(template_path).render(context), ""))
        except Exception as exc:  # one bad item never stops the rest
            results.append((index, None, _error_text(exc)))
    return results


def _profile(town_path: str):
    profile = _PROFILES.get(town_path)
    if profile is None:
        from speechkit.profiles import load_profile

        profile = _PROFILES[town_path] = load_profile(Path(town_path))
    return profile


def check_chunk(chunk: list[tuple[int, str, str, str, str]]) -> list[tuple[int, Any, str]]:
    """Check ``(index, document path, town profile path, template name, label)`` items.

    The document type comes from the template's name (forms are named after members); returns
    ``(index, FileReport, error)``.
    """
    from speechkit.check import check

    try:
        from speechkit.check.engine import infer_doc_type
    except ImportError:  # pragma: no cover - older checker

        def infer_doc_type(name: str) -> None:
            return None

    results = []
    for index, doc_path, town_path, template_name, label in chunk:
        try:
            report = check(
                Path(doc_path),
                profile=_profile(town_path),
                doc_type=infer_doc_type(template_name),
                label=label,
            )
            results.append((index, report, ""))
        except Exception as exc:
            results.append((index, None, _error_text(exc)))
    return results


def pdf_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, Any, str]]:
    """Convert ``(index, docx path)`` items to PDF; return ``(index, pdf bytes, error)``.

    LibreOffice writes into a private temporary folder; the parent writes the bytes atomically.
    """
    import tempfile

    from speechkit.typeset.pdf import convert_to_pdf

    results = []
    for index, doc_path in chunk:
        try:
            with tempfile.TemporaryDirectory(prefix="sk-batch-pdf-") as tmp:
                pdf = convert_to_pdf(Path(doc_path), Path(tmp))
                results.append((index, pdf.read_bytes(), ""))
        except Exception as exc:
            results.append((index, None, _error_text(exc)))
    return results
