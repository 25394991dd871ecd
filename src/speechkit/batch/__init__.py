"""Batch generation: every document for every town, one form per party member.

Library entry point (the CLI's ``speechkit batch`` and the web interface both call it)::

    from speechkit.batch import BatchOptions, run_batch

    def progress(event):            # optional; called in the calling thread
        print(event.phase, event.done, event.total, event.current, event.status)

    result = run_batch(BatchOptions(profiles=Path("profiles"), out=Path("output"),
                                    towns=("donghu",), check=True), progress)
    result.exit_code                # 0, or 1 when anything failed
    for item in result.items:       # ItemResult: town, document, output, status, reason, ...
        ...

``run_batch(options, progress=None) -> BatchResult``
    Plans towns × templates × roster rows town by town (towns load in the worker pool a few
    ahead; memory does not grow with the number of members), renders what changed in
    ``options.jobs`` processes (each template compiled once per worker; workers write their
    outputs atomically), writes ``<out>/<town name>/<template>.docx`` and
    ``<out>/<town name>/党性分析评议表/<member>.docx`` (in sub-folders by branch for a town of
    more than 1,000 members), then optionally merges each town's forms (``merge``), checks
    every document (``check``/``report``) and converts to PDF (``pdf``). The manifest
    ``<out>/.speechkit-manifest.sqlite`` (SQLite, a JSON manifest of earlier versions is
    migrated) is written ahead of the outputs and settled against the disk after a kill. It raises :class:`~speechkit.errors.SpeechkitError` only for problems
    with the whole run (no towns, unknown ``--town``/``--template``, unusable output folder,
    corrupt manifest, another batch writing the same folder); a broken town, template or
    roster row becomes a ``failed`` item and the rest proceeds.

``progress`` receives :class:`ProgressEvent` (``phase`` in ``plan``/``render``/``merge``/``check``/``pdf``,
``done``, ``total``, ``current``, ``status``) in the calling thread. ``BatchResult.items`` holds one
:class:`ItemResult` per output with ``status`` in ``generated`` / ``unchanged`` / ``skipped``
(edited since generated, kept) / ``failed``, plus failures that have no output (a roster row).
Called from a thread (the web app), the worker processes belong to that thread and die with it.

Modules, in import order (no circle): ``model`` (options, results), ``naming`` (safe file
names), ``roster`` (members lists), ``files`` (atomic writes), ``manifest`` (what was
produced, SQLite, crash-safe), ``cache`` (compiled templates per process), ``worker`` (code run
in the workers), ``pool`` (the process pool), ``record`` (decide, keep the manifest in step),
``plan`` (what to produce, streamed), ``steps`` (the decide → produce → record loop),
``phases`` (render, merge, check, PDF, leftovers), ``runner`` (one run), ``merge`` (printable
file), ``checkcache`` (check results in the manifest), ``summary`` (table).
"""

from __future__ import annotations

from speechkit.batch.model import (
    FAILED,
    GENERATED,
    SKIPPED,
    STATUS_LABELS,
    UNCHANGED,
    WARNING,
    BatchOptions,
    BatchResult,
    ItemResult,
    ProgressCallback,
    ProgressEvent,
)


def run_batch(options: BatchOptions, progress: ProgressCallback | None = None) -> BatchResult:
    """Generate every planned output (see the module docstring); return what happened."""
    from speechkit.batch.runner import run

    return run(options, progress)


__all__ = [
    "BatchOptions",
    "BatchResult",
    "ItemResult",
    "ProgressEvent",
    "ProgressCallback",
    "run_batch",
    "GENERATED",
    "UNCHANGED",
    "SKIPPED",
    "FAILED",
    "WARNING",
    "STATUS_LABELS",
]
