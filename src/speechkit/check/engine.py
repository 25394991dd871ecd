"""Run a rule pack over documents: one file, a text, or many files on every core."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from speechkit.check.model import PARTS, Block, Document, FileReport, Finding, TextLocation
from speechkit.check.pack import RulePack, default_rules
from speechkit.check.ruletypes import Rule, RunContext
from speechkit.errors import InputFileError, SpeechkitError

_DOC_TYPE_HINTS = (("讲话", "speech"), ("方案", "plan"), ("评议表", "form"), ("分析", "form"))
_PART_ORDER = {p: i for i, p in enumerate(PARTS)}


def infer_doc_type(path: str | Path) -> str | None:
    """Guess the document type from the file name (动员讲话 → speech, 实施方案 → plan, ...)."""
    name = Path(path).stem
    for hint, kind in _DOC_TYPE_HINTS:
        if hint in name:
            return kind
    return None


def _resolve_profile(profile):
    if profile is None or not isinstance(profile, str | Path):
        return profile
    from speechkit.profiles import load_profile

    return load_profile(profile)


def run_rules(doc: Document, rules: Sequence[Rule], ctx: RunContext) -> list[Finding]:
    """Apply ``rules`` to every block of ``doc``; findings sorted by place then rule.

    Rules that need a profile are skipped without one; a hit lying inside one of its rule's
    ``exceptions`` phrases is dropped.
    """
    rules = [r for r in rules if ctx.profile is not None or not r.needs_profile]
    found: list[tuple[Rule, Block, object]] = []
    block_rules = [r for r in rules if not r.document_level]
    for block in doc.blocks:
        if not block.text:
            continue
        for rule in block_rules:
            found.extend((rule, block, hit) for hit in rule.run(block, ctx))
    for rule in rules:
        if rule.document_level:
            found.extend((rule, block, hit) for block, hit in rule.run_document(doc, ctx))
    findings = [_finding(rule, block, hit) for rule, block, hit in found if _kept(rule, block, hit)]
    findings.sort(
        key=lambda f: (
            _PART_ORDER.get(f.location.part, 9),
            f.location.paragraph,
            f.location.start,
            f.location.end,
            f.rule,
        )
    )
    return _dedupe(findings)


def _kept(rule: Rule, block: Block, hit) -> bool:
    if not rule.exceptions:
        return True
    spans = rule.exception_spans(block.scan_text)
    return not any(s <= hit.start and hit.end <= e for s, e in spans)


def _finding(rule: Rule, block: Block, hit) -> Finding:
    match = block.text[hit.start : hit.end]
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        message=rule.format(match, hit),
        match=match,
        suggestion=hit.suggestion,
        location=TextLocation(block.part, block.index, hit.start, hit.end, block.address),
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.rule, f.location)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_document(
    doc: Document,
    *,
    profile=None,
    rules: RulePack | None = None,
    doc_type: str | None = None,
    ignore: Iterable[str] = (),
    as_of: dt.date | None = None,
    keywords: bool = False,
    label: str | None = None,
    campaign: str | None = None,
) -> FileReport:
    """Check an already read :class:`Document` (see :func:`check`)."""
    pack = rules if rules is not None else default_rules()
    profile = _resolve_profile(profile)
    campaign = document_campaign(doc, pack, profile, campaign)
    if doc_type is None and campaign in pack.doc_hints:
        name = Path(doc.path).stem
        doc_type = next((k for h, k in pack.doc_hints[campaign] if h in name), None)
    as_of = document_date(doc, profile, doc_type) or as_of or dt.date.today()
    active = pack.active(doc_type, as_of, ignore, campaign)
    if any(r.needs_tokens for r in active):
        pack.prepare_tokens()
    ctx = RunContext(profile=profile, as_of=as_of)
    report = FileReport(
        path=doc.path,
        findings=run_rules(doc, active, ctx),
        label=label,
        doc_type=doc_type,
        blocks=doc.blocks,
    )
    if keywords:
        from speechkit.check.keywords import coverage, top_keywords

        pack.prepare_tokens()
        report.keywords = top_keywords(doc.text())
        in_force = {r.id for r in pack.effective(campaign)}
        report.coverage = [c for c in coverage(doc, pack, doc_type) if c[0] in in_force]
    return report


def document_campaign(doc: Document, pack: RulePack, profile=None, campaign=None) -> str | None:
    """The campaign a document belongs to: ``campaign`` (or ``--campaign``), else the profile's
    pack, else the campaign whose name the text cites most, else None."""
    if campaign:
        return campaign
    from speechkit.campaigns import chosen_campaign

    if chosen_campaign():
        return chosen_campaign()
    pack_id = getattr(profile, "pack_id", None)
    if pack_id:
        return pack_id
    if not pack.campaigns:
        return None
    return pack.find_campaign("\n".join(b.text for b in doc.blocks))


_HANZI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_NUM = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_DATE_RE = re.compile(
    rf"((?:\d{{4}}|[〇零一二三四五六七八九]{{4}}))\s*年\s*({_NUM})\s*月\s*({_NUM})\s*日"
)


def _hanzi_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_HANZI_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _HANZI_DIGITS.get(ones, 0) if ones else 0
        )
    return int("".join(str(_HANZI_DIGITS[c]) for c in text))


def _parse_date(match: re.Match) -> dt.date | None:
    try:
        year = _hanzi_number(match[1])
        return dt.date(year, _hanzi_number(match[2]), _hanzi_number(match[3]))
    except (ValueError, KeyError):
        return None


def document_date(doc: Document, profile=None, doc_type: str | None = None) -> dt.date | None:
    """The date a text is judged by: its profile's document date (plan.date for a plan, else
    meeting.date), else a full date in the title block (the first lines) or the 落款 (the last
    lines), else None."""
    data = getattr(profile, "data", None)
    if isinstance(data, dict):
        keys = ("plan", "meeting") if doc_type == "plan" else ("meeting", "plan")
        for key in keys:
            value = (data.get(key) or {}).get("date") if isinstance(data.get(key), dict) else None
            if isinstance(value, dt.date):
                return value
    body = [b for b in doc.blocks if b.part == "body" and b.text.strip()]
    for block in body[:6] + body[-4:][::-1]:
        text = block.text.strip()
        if len(text) > 60:
            continue
        match = _DATE_RE.search(text)
        if match:
            found = _parse_date(match)
            if found is not None:
                return found
    return None


def check(
    source,
    *,
    profile=None,
    rules: RulePack | None = None,
    doc_type: str | None = None,
    ignore: Iterable[str] = (),
    as_of: dt.date | None = None,
    keywords: bool = False,
    label: str | None = None,
    campaign: str | None = None,
) -> FileReport:
    """Check one document (.docx, .txt or .md path, or a :class:`Document`).

    ``profile`` is a :class:`speechkit.profiles.Profile` or a path to a town YAML (enables the
    consistency rules); ``rules`` a :class:`RulePack` (default pack when None); ``doc_type``
    one of speech/plan/form (guessed from the file name when None); ``ignore`` rule ids,
    id prefixes or categories to skip; ``as_of`` the date used when neither the profile nor
    the text's title block or 落款 gives one (default today); ``campaign`` the campaign pack the
    document belongs to (default: the profile's, else the campaign named in the text), whose
    rules then apply. Raises :class:`InputFileError` for unusable input.
    """
    from speechkit.check.sources import read_document

    doc = source if isinstance(source, Document) else read_document(source)
    if doc_type is None:
        doc_type = infer_doc_type(doc.path)
    return check_document(
        doc,
        profile=profile,
        rules=rules,
        doc_type=doc_type,
        ignore=ignore,
        as_of=as_of,
        keywords=keywords,
        label=label,
        campaign=campaign,
    )


def check_text(text: str, *, name: str = "文本", markdown: bool = False, **options) -> FileReport:
    """Check a text given as a string (one paragraph per line); options as for :func:`check`."""
    from speechkit.check.sources import text_blocks

    return check(
        Document(name, "md" if markdown else "txt", text_blocks(text, markdown)), **options
    )


_WORKER: dict = {}


def _init_worker(options: dict) -> None:
    _WORKER.clear()
    _WORKER.update(options)


def _check_one(path: str):
    try:
        return check(path, **_WORKER)
    except SpeechkitError as exc:
        return exc


def check_files(
    paths: Sequence[str | Path], *, jobs: int | None = None, **options
) -> list[FileReport]:
    """Check many files, in parallel on ``jobs`` processes (default: every core).

    The tokenizer and the pack are prepared once in this process and shared with the workers
    by fork. Every file is tried; unusable ones raise one :class:`InputFileError` naming them
    all (or the file's own error when only one failed).
    """
    if options.get("rules") is None:
        options["rules"] = default_rules()
    if "profile" in options:
        options["profile"] = _resolve_profile(options["profile"])
    jobs = jobs or os.cpu_count() or 1
    paths = [str(p) for p in paths]
    if jobs > 1 and len(paths) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        options["rules"].prepare_tokens()
        try:
            mp = multiprocessing.get_context("fork")
        except ValueError:
            mp = None
        if mp is not None:
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(paths)),
                mp_context=mp,
                initializer=_init_worker,
                initargs=(options,),
            ) as ex:
                chunk = max(1, len(paths) // (jobs * 4))
                results = list(ex.map(_check_one, paths, chunksize=chunk))
            return _raise_errors(results)
    _init_worker(options)
    try:
        return _raise_errors([_check_one(p) for p in paths])
    finally:
        _WORKER.clear()


def _raise_errors(results: list) -> list[FileReport]:
    errors = [r for r in results if isinstance(r, SpeechkitError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputFileError(
            f"有 {len(errors)} 个文件无法检查：\n" + "\n".join(e.format_message() for e in errors)
        )
    return results
