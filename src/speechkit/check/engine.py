"""Run a rule pack over documents: one file, a text, or many files on every core."""

from __future__ import annotations

import datetime as dt
import heapq
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from speechkit.check.model import (
    PARTS,
    SEVERITY_RANK,
    Block,
    Document,
    FileReport,
    Finding,
    TextLocation,
)
from speechkit.check.pack import RulePack, default_rules
from speechkit.check.ruletypes import Hit, Rule, RunContext
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
    from speechkit.check.facts import load_facts

    return load_facts(profile)


MAX_PER_RULE = 100
"""Findings listed per rule and document; the rest are counted in one “另有 N 处” finding."""
MAX_PER_DOCUMENT = 1000
"""Findings listed per document, summary findings included."""


def run_rules(doc: Document, rules: Sequence[Rule], ctx: RunContext) -> list[Finding]:
    """Apply ``rules`` to every block of ``doc``; findings sorted by place then rule.

    Rules that need a profile are skipped without one; a hit lying inside one of its rule's
    ``exceptions`` phrases is dropped. A rule lists at most :data:`MAX_PER_RULE` findings and
    a document at most :data:`MAX_PER_DOCUMENT`; what is left out is counted in a summary
    finding “另有 N 处同类问题” placed at the first one left out.
    """
    rules = [r for r in rules if ctx.profile is not None or not r.needs_profile]
    order = {(b.part, b.index): i for i, b in enumerate(doc.blocks)}
    # each paragraph rule with the characters a paragraph needs for it to run (prefilter)
    plan = [(r, *(r.needed() or (None, False))) for r in rules if not r.document_level]
    per_rule: dict[int, list[tuple[Block, Hit]]] = {id(r): [] for r in rules}
    for block in doc.blocks:
        if not block.text:
            continue
        feats = ctx.features(block)
        chars, digit = feats.chars, feats.digit
        for rule, needed, wants_digit in plan:
            if needed is not None and needed.isdisjoint(chars) and not (wants_digit and digit):
                continue
            hits = rule.run(block, ctx)
            if hits:
                per_rule[id(rule)].extend((block, h) for h in _kept_hits(rule, block, hits))
    findings: list[Finding] = []
    for rule in rules:
        found = per_rule[id(rule)]
        if rule.document_level:
            found = rule.run_document(doc, ctx)
            if rule.exceptions:
                found = [
                    (block, hit)
                    for block, hits in _by_block(found)
                    for hit in _kept_hits(rule, block, hits)
                ]
        findings.extend(_capped(rule, found, order))
    findings.sort(key=_place)
    findings = _dedupe(findings)
    if len(findings) > MAX_PER_DOCUMENT:
        rest = findings[MAX_PER_DOCUMENT - 1 :]
        findings = findings[: MAX_PER_DOCUMENT - 1] + [_summary_all(rest)]
    return findings


def _place(f: Finding) -> tuple:
    loc = f.location
    return (_PART_ORDER.get(loc.part, 9), loc.paragraph, loc.start, loc.end, f.rule)


def _by_block(pairs) -> list[tuple[Block, list[Hit]]]:
    """(block, hit) pairs grouped by consecutive block, so exception spans are found once."""
    out: list[tuple[Block, list[Hit]]] = []
    for block, hit in pairs:
        if out and out[-1][0] is block:
            out[-1][1].append(hit)
        else:
            out.append((block, [hit]))
    return out


def _kept_hits(rule: Rule, block: Block, hits: list[Hit]) -> list[Hit]:
    """``hits`` minus those inside one of the rule's exception phrases (spans found once)."""
    if not rule.exceptions:
        return hits
    spans = rule.exception_spans(block.scan_text)
    if not spans:
        return hits
    return [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]


def _capped(rule: Rule, found: list[tuple[Block, Hit]], order: dict) -> list[Finding]:
    """The first :data:`MAX_PER_RULE` hits of one rule as findings, plus a summary of the rest."""
    if len(found) <= MAX_PER_RULE:
        return [_finding(rule, block, hit) for block, hit in found]

    def key(pair: tuple[Block, Hit]) -> tuple:
        block, hit = pair
        return (order.get((block.part, block.index), 0), hit.start, hit.end)

    first = heapq.nsmallest(MAX_PER_RULE + 1, found, key=key)
    out = [_finding(rule, block, hit) for block, hit in first[:MAX_PER_RULE]]
    block, hit = first[MAX_PER_RULE]
    out.append(
        Finding(
            rule=rule.id,
            category=rule.category,
            severity=rule.severity,
            message=f"另有 {len(found) - MAX_PER_RULE} 处同类问题，不再逐一列出。",
            match=block.text[hit.start : hit.end],
            suggestion=None,
            location=TextLocation(block.part, block.index, hit.start, hit.end, block.address),
            name=rule.display_name,
            extra=len(found) - MAX_PER_RULE - 1,
        )
    )
    return out


def _summary_all(rest: list[Finding]) -> Finding:
    """One finding standing for every finding past the document cap."""
    first = rest[0]
    return Finding(
        rule=SUMMARY_RULE,
        category=first.category,
        severity=max((f.severity for f in rest), key=SEVERITY_RANK.__getitem__),
        message=f"另有 {len(rest)} 处问题，不再逐一列出（每份文档最多列出 {MAX_PER_DOCUMENT} 处）。",
        match=first.match,
        suggestion=None,
        location=first.location,
        name="问题过多",
    )


SUMMARY_RULE = "summary"
"""Rule id of the finding that stands for what the document cap left out."""


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
        name=rule.display_name,
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place, and one per place and correction (a slip two rules
    know, such as 一如继往 in a word list and as a near-miss of 一如既往, is reported once)."""
    seen = set()
    out = []
    for f in findings:
        key = (f.rule, f.location)
        fix = (f.location, f.suggestion) if f.suggestion else None
        if key not in seen and fix not in seen:
            seen.add(key)
            if fix is not None:
                seen.add(fix)
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
    ctx = RunContext(profile=profile, as_of=as_of, rules=tuple(active))
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
            section = data.get(key)
            value = section.get("date") if isinstance(section, dict) else None
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
    from speechkit.check.sources import ensure_checkable, read_document

    if isinstance(source, Document):
        doc = source
        ensure_checkable(doc)
    else:
        doc = read_document(source)
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


def _check_chunk(chunk: list[tuple[int, str]], _shared=None) -> list[tuple[int, object]]:
    """Check ``(index, path)`` items with the options :func:`_init_worker` set: ``(index,
    report or SpeechkitError)`` pairs (a pool worker function, see :mod:`speechkit.procpool`)."""
    out: list[tuple[int, object]] = []
    for index, path in chunk:
        try:
            out.append((index, check(path, **_WORKER)))
        except SpeechkitError as exc:
            out.append((index, exc))
    return out


def check_files(
    paths: Sequence[str | Path], *, jobs: int | None = None, **options
) -> list[FileReport]:
    """Check many files, in parallel on ``jobs`` processes (default: every core).

    The tokenizer and the pack are prepared once in this process and shared with the workers
    by fork (:class:`speechkit.procpool.Pool` with the ``fork`` start method; where there is
    no fork the files are checked here). Reports come back in the order of ``paths``. Every
    file is tried; unusable ones raise one :class:`InputFileError` naming them all (or the
    file's own error when only one failed); a worker that dies raises :class:`SpeechkitError`.
    """
    from concurrent.futures.process import BrokenProcessPool

    from speechkit.procpool import Pool, can_start, chunks

    if options.get("rules") is None:
        options["rules"] = default_rules()
    if "profile" in options:
        options["profile"] = _resolve_profile(options["profile"])
    jobs = jobs or os.cpu_count() or 1
    paths = [str(p) for p in paths]
    if jobs > 1 and len(paths) > 1 and can_start("fork"):
        options["rules"].prepare_tokens()
        workers = min(jobs, len(paths))
    else:
        workers = 1
        _init_worker(options)  # no pool: the chunks run here
    pool = Pool(workers, start_method="fork", initializer=_init_worker, initargs=(options,))
    try:
        with pool:
            size = max(1, len(paths) // (jobs * 4)) if workers > 1 else len(paths) or 1
            results = dict(pool.stream(_check_chunk, chunks(enumerate(paths), size)))
    except BrokenProcessPool:
        raise SpeechkitError(
            "有一个检查进程意外退出（可能是内存不足），本次检查没有完成；请用 --jobs 1 重试。"
        ) from None
    finally:
        _WORKER.clear()
    return _raise_errors([results[i] for i in range(len(paths))])


def _raise_errors(results: list) -> list[FileReport]:
    errors = [r for r in results if isinstance(r, SpeechkitError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputFileError(
            f"有 {len(errors)} 个文件无法检查：\n" + "\n".join(e.format_message() for e in errors)
        )
    return results
