"""Code that runs inside worker processes (or in-process with ``--jobs 1``).

Workers render and write their outputs themselves (atomically, see
:class:`speechkit.fsutil.AtomicWriter`) and send back only the hash, so the parent does
little per output. Templates and profiles come from :mod:`speechkit.batch.cache` (compiled
once per worker). This module imports nothing of the planner.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from pathlib import Path
from typing import Any

from speechkit.batch.cache import compiled, profile
from speechkit.batch.naming import kept_name
from speechkit.fsutil import AtomicWriter, sha256_bytes

Result = tuple[int, Any, str]  # (index, value or None, error message)


def init_worker() -> None:
    """Leave Ctrl-C to the parent process, which stops the pool cleanly; die with the parent.

    On Linux the worker asks to be killed when its parent goes (``PR_SET_PDEATHSIG``), so a
    batch killed with SIGKILL leaves no orphaned workers behind.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass
    atexit.register(_quick_exit)


def _quick_exit() -> None:
    """Leave the worker without tearing the interpreter down (about 0.08 s that the parent's
    final ``shutdown(wait=True)`` would wait for).

    Registered by :func:`init_worker`, so it runs only in pool workers, after the worker loop
    has ended: multiprocessing has flushed its queues (every result sent) and printed any
    traceback before ``atexit`` handlers run, and every output was written and closed by then.
    The exit status is always 0; the pool does not read it (a worker that dies while work is
    pending breaks the pool through its sentinel).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def warm_up() -> None:
    """Import what rendering and planning need, so the first real chunk starts at once."""
    import speechkit.engine  # noqa: F401
    import speechkit.profiles  # noqa: F401


def error_text(exc: BaseException) -> str:
    """The Chinese message of an error raised while producing one output."""
    from speechkit.errors import SpeechkitError, describe_os_error

    if isinstance(exc, SpeechkitError):
        return exc.format_message()
    if isinstance(exc, OSError):
        return f"无法写入 {exc.filename or ''}：{describe_os_error(exc)}"
    return f"内部错误（{type(exc).__name__}）：{exc}"


def produce(target: str, data: bytes, keep_stamp: str) -> dict:
    """Write ``data`` to ``target``; with ``keep_stamp`` move an existing file aside first.

    Returns ``{"sha256": ..., "kept": path or "", "stat": (size, mtime_ns)}``.
    """
    path = Path(target)
    aside = kept_name(path, keep_stamp) if keep_stamp and path.exists() else None
    with AtomicWriter(path, sync=False) as out:
        out.write(data)
        out.commit(keep_as=aside)
    kept = str(aside) if aside else ""
    st = path.stat()
    return {"sha256": sha256_bytes(data), "kept": kept, "stat": (st.st_size, st.st_mtime_ns)}


def render_chunk(
    chunk: list[tuple[int, str, str, dict | None, str, str, str]], contexts: dict[str, dict]
) -> list[Result]:
    """Render and write ``(index, template, slug, member, target, keep_stamp, adopt_sha)`` items.

    ``contexts`` maps the chunk's town slugs to their template contexts. A ``member`` that is a
    list of ``(entry name, member)`` asks for one archive of all those forms (:func:`write_zip`).
    With ``adopt_sha`` (an
    existing file the manifest does not know) nothing is written when the rendering is
    identical to it (``{"adopted": True, ...}``) or, without ``keep_stamp``, when it differs
    (``{"differs": True}``). A failing item yields ``(index, None, message)``; the rest of the
    chunk proceeds.
    """
    results: list[Result] = []
    for index, template_path, slug, member, target, keep_stamp, adopt_sha in chunk:
        try:
            if isinstance(member, list):  # every form of a town in one archive
                meta = write_zip(
                    template_path, contexts[slug], member, target, keep_stamp, adopt_sha
                )
                results.append((index, meta, ""))
                continue
            context = dict(contexts[slug])
            if member is not None:
                context["member"] = member
            data = compiled(template_path).render(context)
            if adopt_sha:
                sha = sha256_bytes(data)
                if sha == adopt_sha:
                    results.append((index, _adopted(sha, target), ""))
                    continue
                if not keep_stamp:
                    results.append((index, {"differs": True}, ""))
                    continue
            results.append((index, produce(target, data, keep_stamp), ""))
        except Exception as exc:  # one bad item never stops the rest
            results.append((index, None, error_text(exc)))
    return results


def _adopted(sha: str, target: str) -> dict:
    """The result for an existing file identical to the rendering: recorded as ours, unwritten."""
    st = os.stat(target)
    return {"sha256": sha, "stat": (st.st_size, st.st_mtime_ns), "adopted": True}


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same forms give the same archive


def write_zip(
    template_path: str,
    context: dict,
    entries: list[tuple[str, dict]],
    target: str,
    keep_stamp: str,
    adopt_sha: str = "",
) -> dict:
    """Render every ``(entry name, member)`` form into one archive at ``target``.

    The archive is written with :class:`~speechkit.fsutil.AtomicWriter` (a kill leaves at
    most a hidden file, removed at the next run) and takes its name when complete; entries are
    stored, not compressed again (a .docx is already a zip). Memory holds one form at a time. Any form
    that fails fails the archive, naming the first ones. ``keep_stamp`` and ``adopt_sha`` as
    in :func:`render_chunk`.
    """
    import hashlib
    import zipfile

    path = Path(target)
    template = compiled(template_path)
    failures: list[str] = []
    with AtomicWriter(path, sync=False) as out:
        with zipfile.ZipFile(out.file, "w", zipfile.ZIP_STORED) as archive:
            for name, member in entries:
                try:
                    data = template.render(dict(context, member=member))
                except Exception as exc:
                    failures.append(f"{name}：{error_text(exc)}")
                    continue
                archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
        if failures:
            more = f"等 {len(failures)} 份" if len(failures) > 3 else ""
            from speechkit.errors import SpeechkitError

            raise SpeechkitError("压缩包中的评议表生成失败：" + "；".join(failures[:3]) + more)
        digest = hashlib.sha256()
        out.file.seek(0)
        for block in iter(lambda: out.file.read(1 << 20), b""):
            digest.update(block)
        sha = digest.hexdigest()
        if adopt_sha:
            if sha == adopt_sha:
                out.discard()
                return _adopted(sha, target)
            if not keep_stamp:
                out.discard()
                return {"differs": True}
        aside = kept_name(path, keep_stamp) if keep_stamp and path.exists() else None
        out.commit(keep_as=aside)
    st = path.stat()
    return {
        "sha256": sha,
        "kept": str(aside) if aside else "",
        "stat": (st.st_size, st.st_mtime_ns),
    }


def check_chunk(chunk: list[tuple[int, str, str, str, str]], shared: Any = None) -> list[Result]:
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

    results: list[Result] = []
    for index, doc_path, town_path, template_name, label in chunk:
        try:
            report = check(
                Path(doc_path),
                profile=profile(town_path),
                doc_type=infer_doc_type(template_name),
                label=label,
            )
            results.append((index, report, ""))
        except Exception as exc:
            results.append((index, None, error_text(exc)))
    return results


def pdf_chunk(chunk: list[tuple[int, str, str, str]], shared: Any = None) -> list[Result]:
    """Convert ``(index, docx path, target pdf, keep_stamp)`` items; write each PDF atomically.

    The whole chunk goes through one LibreOffice start (:class:`~speechkit.typeset.pdf.Converter`)
    writing into a private temporary folder; each PDF is then moved into place.
    """
    import tempfile

    from speechkit.typeset.pdf import Converter

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="sk-batch-pdf-") as tmp:
        try:
            with Converter() as converter:
                done = converter.convert_many(
                    (doc_path, Path(tmp) / str(n)) for n, (_, doc_path, _, _) in enumerate(chunk)
                )
        except Exception as exc:
            return [(index, None, error_text(exc)) for index, *_ in chunk]
        for (index, _, target, keep_stamp), one in zip(chunk, done, strict=True):
            try:
                if one.error is not None:
                    raise one.error
                results.append((index, produce(target, one.pdf.read_bytes(), keep_stamp), ""))
            except Exception as exc:
                results.append((index, None, error_text(exc)))
    return results


def merge_chunk(chunk: list[tuple[int, list[str], str, str]], shared: Any = None) -> list[Result]:
    """Merge ``(index, form paths, target, keep_stamp)`` items into one printable file each."""
    from speechkit.batch.merge import merge_documents

    results: list[Result] = []
    for index, sources, target, keep_stamp in chunk:
        try:
            data = merge_documents([Path(p) for p in sources])
            results.append((index, produce(target, data, keep_stamp), ""))
        except Exception as exc:
            results.append((index, None, error_text(exc)))
    return results
