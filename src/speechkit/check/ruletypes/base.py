"""What every rule type shares: common fields, spec reading with located errors, hits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from speechkit.check.model import CATEGORIES, DOC_TYPES, SEVERITIES, Block, Document
from speechkit.check.prefilter import allows


class SpecError(Exception):
    """A rule definition problem: the key it concerns and a Chinese message."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Hit:
    """A match of a rule inside one block: [start, end), an optional suggestion and values."""

    start: int
    end: int
    suggestion: str | None = None
    values: tuple[tuple[str, str], ...] = ()


@dataclass
class RunContext:
    """Per-document state a rule may use: token boundaries (lazy), the profile, the date."""

    profile: object | None = None
    as_of: dt.date | None = None
    rules: tuple = ()  # the active rules of this run (detectors may read their data)
    _bounds: dict = field(default_factory=dict)
    _data: object = None
    _feats: tuple = (None, None)

    def profile_data(self):
        """The profile as nested data (``profile.context()``), built once per document: the
        context is a deep copy, too costly to make again for every rule and paragraph."""
        if self._data is None and self.profile is not None:
            context = getattr(self.profile, "context", None)
            self._data = context() if callable(context) else self.profile
        return self._data

    def features(self, block: Block):
        """The characters of ``block`` that gates test (see :mod:`speechkit.check.prefilter`),
        computed once per block (the engine visits blocks one after another)."""
        last, feats = self._feats
        if last is not block:
            from speechkit.check.prefilter import Features

            feats = Features(block.scan_text)
            self._feats = (block, feats)
        return feats

    def boundaries(self, block: Block) -> set[int]:
        """Token boundary offsets of ``block`` (jieba, HMM off), computed once per block."""
        key = (block.part, block.index)
        got = self._bounds.get(key)
        if got is None:
            from speechkit.check import tokens

            got = tokens.boundaries(block.scan_text)
            self._bounds[key] = got
        return got


class Spec:
    """Typed access to one rule's mapping.

    A bad value is recorded as a :class:`SpecError` in :attr:`errors` (with its key) and the
    accessor returns the default, so one pass over a rule reports every problem it has."""

    def __init__(self, data: dict, eager: bool = True) -> None:
        self.data = data
        self.used: set[str] = set()
        self.eager = eager
        self.errors: list[SpecError] = []

    def fail(self, key: str | None, message: str) -> None:
        """Record one problem of this rule (``key`` None: the rule as a whole)."""
        self.errors.append(SpecError(key, message))

    def need_any(self, keys: tuple[str, ...], values: tuple, message: str) -> None:
        """Record ``message`` when every value is empty, unless one of ``keys`` already has a
        recorded problem (no second message for the same cause)."""
        if any(values) or any(e.key in keys for e in self.errors):
            return
        self.fail(keys[0] if len(keys) == 1 else None, message)

    def has(self, key: str) -> bool:
        """True when ``key`` is present."""
        return key in self.data

    def raw(self, key: str, default=None):
        """The value of ``key`` as written (marks it used)."""
        self.used.add(key)
        return self.data.get(key, default)

    def str(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        """A non-empty string value."""
        v = self.raw(key)
        if v is None:
            if required:
                self.fail(key, f"缺少必填项 {key}。")
            return default
        if not isinstance(v, str) or not v.strip():
            self.fail(key, f"{key} 应为非空文字。")
            return default
        return v

    def str_list(self, key: str) -> list[str]:
        """A string or a list of non-empty strings."""
        v = self.raw(key)
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            self.fail(key, f"{key} 应为文字或文字列表。")
            return []
        return list(v)

    def str_map(self, key: str) -> dict[str, str]:
        """A mapping of non-empty strings to strings."""
        v = self.raw(key)
        if v is None:
            return {}
        if not isinstance(v, dict):
            self.fail(key, f"{key} 应为“原文: 替换”形式的映射。")
            return {}
        out = {}
        for k, val in v.items():
            if not isinstance(k, str) or not k or not isinstance(val, str):
                self.fail(key, f"{key} 中的“{k}”应对应一段文字。")
                continue
            out[k] = val
        return out

    def choice(self, key: str, choices: Iterable[str], default: str | None = None) -> str:
        """One of ``choices`` (on a problem: the default, else the first choice)."""
        choices = tuple(choices)
        v = self.raw(key, default)
        if v is None:
            self.fail(key, f"缺少必填项 {key}（可选：{'、'.join(choices)}）。")
            return choices[0]
        if v not in choices:
            self.fail(key, f"{key} 的值“{v}”无效，可选：{'、'.join(choices)}。")
            return default or choices[0]
        return v

    def date(self, key: str) -> dt.date | None:
        """A date (YAML date or ``YYYY-MM-DD`` text)."""
        v = self.raw(key)
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        self.fail(key, f"{key} 应为日期，如 2024-07-01。")
        return None

    def regex(self, key: str, group: str | None = None) -> list[LazyPattern]:
        """Regular expressions, compiled now when validating (errors located), else on first use."""
        out = []
        for src in self.str_list(key):
            pat = LazyPattern(src)
            if self.eager:
                try:
                    compiled = pat.compiled
                except re.error as exc:
                    self.fail(key, f"正则表达式“{src}”有误：{exc}")
                    continue
                if group and group not in compiled.groupindex:
                    self.fail(key, f"正则表达式“{src}”缺少命名组 (?P<{group}>...)。")
                    continue
            out.append(pat)
        return out


class LazyPattern:
    """A regular expression compiled on first use (start-up time matters for the CLI).

    Packs read from the validated cache skip compiling rules that a run never uses (the
    consistency rules without a profile, for instance)."""

    __slots__ = ("pattern", "_compiled", "_gate")

    def __init__(self, pattern: str, gate: tuple | None = None) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern | None = None
        self._gate = gate

    @property
    def gate(self) -> tuple:
        """The characters a match needs (see :mod:`speechkit.check.prefilter`)."""
        if self._gate is None:
            from speechkit.check.prefilter import gate_of

            self._gate = gate_of(self.pattern)
        return self._gate

    @property
    def compiled(self) -> re.Pattern:
        """The compiled pattern."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    @property
    def groupindex(self):
        return self.compiled.groupindex

    def finditer(self, text: str, *args):
        return self.compiled.finditer(text, *args)

    def search(self, text: str, *args):
        return self.compiled.search(text, *args)

    def match(self, text: str, *args):
        return self.compiled.match(text, *args)

    def __getstate__(self):
        return (self.pattern, self._gate)

    def __setstate__(self, state) -> None:
        self.pattern, self._gate = state if isinstance(state, tuple) else (state, None)
        self._compiled = None


def literal_regex(words: Iterable[str]) -> LazyPattern | None:
    """One regex matching any of ``words``, built as a trie so it scans fast; longest match wins."""
    words = list(words)
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return None

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        optional = "" in node
        if len(alts) == 1:
            body = alts[0]
            if not optional:
                return body
            return f"(?:{body})?" if len(body) > 1 else body + "?"
        return "(?:" + "|".join(alts) + ")" + ("?" if optional else "")

    from speechkit.check.prefilter import literal_gate

    return LazyPattern(build(trie), literal_gate(words))


class SafeDict(dict):
    """format_map helper that leaves unknown ``{names}`` as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Rule:
    """Fields every rule has; subclasses add their patterns and implement :meth:`run`."""

    id: str
    category: str
    severity: str
    message: str
    name: str | None = None  # the Chinese name shown in reports (see check.names)
    doc_types: tuple[str, ...] = ()
    source: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    exceptions: tuple[str, ...] = ()
    examples: dict = field(default_factory=dict)
    pack: str = ""  # the pack file it came from, as shown to the user
    line: int | None = None

    _needed = None  # (requirement,) once worked out, see needed()
    type_name = "base"
    needs_tokens = False
    needs_profile = False
    document_level = False

    @classmethod
    def common(cls, spec: Spec, pack: str, line: int | None) -> dict:
        """Read the fields shared by every rule type."""
        rid = spec.str("id", required=True)
        if rid is not None and not re.fullmatch(r"[A-Za-z0-9_.\-]+", rid):
            spec.fail("id", f"规则编号“{rid}”只能由字母、数字、点、下划线和连字符组成。")
        doc_types = spec.str_list("doc_types")
        for d in doc_types:
            if d not in DOC_TYPES:
                spec.fail("doc_types", f"文档类型“{d}”无效，可选：{'、'.join(DOC_TYPES)}。")
        examples = spec.raw("examples") or {}
        if not isinstance(examples, dict) or set(examples) - {"bad", "good", "profile"}:
            spec.fail("examples", "examples 只能包含 bad、good（文字列表）和 profile。")
            examples = {}
        for k in ("bad", "good"):
            v = examples.get(k, [])
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                spec.fail("examples", f"examples.{k} 应为文字列表。")
                examples = {**examples, k: []}
        return {
            "id": rid or "",
            "category": spec.choice("category", CATEGORIES),
            "severity": spec.choice("severity", SEVERITIES),
            "message": spec.str("message", required=True) or "",
            "name": spec.str("name"),
            "doc_types": tuple(doc_types),
            "source": spec.str("source"),
            "valid_from": spec.date("valid_from"),
            "valid_until": spec.date("valid_until"),
            "exceptions": tuple(spec.str_list("exceptions")),
            "examples": {
                "bad": _as_list(examples.get("bad")),
                "good": _as_list(examples.get("good")),
                "profile": examples.get("profile"),
            },
            "pack": pack,
            "line": line,
        }

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Rule:
        """Build the rule from its mapping (subclasses read their own keys)."""
        raise NotImplementedError

    def applies(self, doc_type: str | None, as_of: dt.date | None) -> bool:
        """Whether the rule is active for this document type on this date."""
        if self.doc_types and doc_type not in self.doc_types:
            return False
        if as_of is not None:
            if self.valid_from and as_of < self.valid_from:
                return False
            if self.valid_until and as_of > self.valid_until:
                return False
        return True

    def terms(self) -> list[str]:
        """Words this rule wants kept whole by the tokenizer."""
        return []

    def lazy_patterns(self) -> list[LazyPattern]:
        """Every regular expression the rule holds (for caching their gates)."""
        out = []
        for value in vars(self).values():
            for item in value if isinstance(value, tuple | list) else (value,):
                if isinstance(item, LazyPattern):
                    out.append(item)
        return out

    def gates(self) -> tuple | None:
        """Gates of which one must let a paragraph through for :meth:`run` to find anything
        there (see :mod:`speechkit.check.prefilter`); None: the rule always runs."""
        return None

    def needed(self) -> tuple[frozenset, bool] | None:
        """Characters of which a paragraph must hold one (or any digit, when the flag is set)
        for :meth:`run` to find anything there: the first requirement of each of
        :meth:`gates`, joined. None: the rule always runs. Worked out once."""
        got = self._needed
        if got is None:
            gates = self.gates()
            if gates is None or not gates or () in gates:
                got = (None,)
            else:
                chars = frozenset().union(*(g[0][0] for g in gates))
                got = ((chars, any(g[0][1] for g in gates)),)
            self._needed = got
        return got[0]

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        """Hits in one paragraph."""
        return []

    def run_document(self, doc: Document, ctx: RunContext) -> list[tuple[Block, Hit]]:
        """Hits that depend on the whole document (for document-level rules)."""
        return []

    def exception_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of the rule's exception phrases in ``text``."""
        spans = []
        for phrase in self.exceptions:
            i = text.find(phrase)
            while i >= 0:
                spans.append((i, i + len(phrase)))
                i = text.find(phrase, i + 1)
        return spans

    @property
    def display_name(self) -> str:
        """The Chinese name shown in reports (``name``, else a default, see check.names)."""
        from speechkit.check.names import rule_name

        return rule_name(self.id, self.name, self.category)

    def fixed_suggestion(self) -> str | None:
        """The suggestion every finding of this rule carries, when it is fixed (else None)."""
        return None

    def describe(self) -> str:
        """The message as a reader of ``rules list`` should see it: ``{match}`` and other
        per-finding values shown as “…”, fixed values (suggestion, profile keys) filled in."""
        fixed = self.fixed_suggestion()
        values = SafeDict(
            match="…",
            value="…",
            suggestion="…" if fixed is None else fixed,
            expected="…",
            field="、".join(getattr(self, "fields", ())) or "资料",
            where="…",
            kind="…",
        )
        try:
            return self.message.format_map(values)
        except (ValueError, IndexError):
            return self.message

    def format(self, match: str, hit: Hit) -> str:
        """The finding message with ``{match}``, ``{suggestion}`` and hit values filled in."""
        values = SafeDict(match=match, suggestion=hit.suggestion or "")
        values.update(hit.values)
        try:
            return nest_quotes(self.message.format_map(values))
        except (ValueError, IndexError):
            return self.message


def nest_quotes(text: str) -> str:
    """Turn double quotes inside double quotes into single ones (GB/T 15834: “…‘…’…”).

    A value such as “三个代表”重要思想 placed in a message's “{match}” would otherwise read
    ““三个代表”重要思想”. Text whose quotes do not pair up is returned unchanged.
    """
    if text.count("“") < 2:
        return text
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            out.append("‘" if depth % 2 else "“")
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth < 0:
                return text
            out.append("’" if depth % 2 else "”")
        else:
            out.append(ch)
    return "".join(out) if depth == 0 else text


def _as_list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return list(v)


def literal_matches(
    lit: re.Pattern | None, block: Block, ctx: RunContext, on_tokens: bool
) -> Iterable[re.Match]:
    """Matches of a word-list regex in ``block``; with ``on_tokens`` only those that start and
    end on jieba token boundaries (the block is segmented only when a literal matched)."""
    if lit is None or not allows(lit.gate, ctx.features(block)):
        return
    bounds = None
    for m in lit.finditer(block.scan_text):
        if on_tokens:
            if bounds is None:
                bounds = ctx.boundaries(block)
            if m.start() not in bounds or m.end() not in bounds:
                continue
        yield m


def regex_hits(patterns: list, text: str, feats=None) -> Iterable[tuple[int, int, re.Match]]:
    """Spans of every match (group ``m`` when the pattern names one), empty matches skipped;
    with ``feats`` (the text's :class:`~speechkit.check.prefilter.Features`), patterns whose
    gate rules the text out are not run."""
    for pat in patterns:
        if feats is not None and not allows(pat.gate, feats):
            continue
        use_group = "m" in pat.groupindex
        for m in pat.finditer(text):
            s, e = m.span("m") if use_group else m.span()
            if e > s:
                yield s, e, m
