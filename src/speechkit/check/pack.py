"""Rule packs: YAML files of rules, validated with file:line:column errors, cached once valid.

A pack is a mapping::

    pack: 默认规则包          # name shown by ``rules list``
    disable: [typo.doubled]   # optional: switch off rules of earlier packs
    rules:
      - id: placeholder.stars
        type: existence       # one of RULE_TYPES
        category: placeholder
        severity: error
        message: 未填写的占位符“{match}”
        regex: '\\*{2,}'
        examples: {bad: ['**市委'], good: ['2*3']}

Packs given after the default one add rules; a rule with an existing id replaces it.

Campaign packs (``speechkit.campaigns``) add their rules.yaml scoped to their campaign: such a
rule applies only to a document of that campaign (see :meth:`RulePack.active`), and
:attr:`RulePack.campaigns` holds the names that identify each campaign in a text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from speechkit.check import prefilter
from speechkit.check.ruletypes import RULE_TYPES, Rule, Spec, SpecError
from speechkit.errors import Location, Problem, RulePackError, display_path

DEFAULT_PACK = Path(__file__).resolve().parent.parent / "rules" / "default.yaml"
_CACHE_VERSION = 3
_PACK_KEYS = {"pack", "rules", "disable", "description"}


@dataclass
class RulePack:
    """The active rules in order, the files they came from and the ids switched off."""

    rules: list[Rule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    scope: dict[str, str] = field(default_factory=dict)  # rule id -> campaign pack id
    campaigns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # pack id -> names
    doc_hints: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> hints
    disabled_for: dict[str, set[str]] = field(default_factory=dict)  # campaign -> rule ids
    overrides: dict[tuple[str, str], Rule] = field(default_factory=dict)  # (campaign, id)

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def active(
        self,
        doc_type: str | None = None,
        as_of: dt.date | None = None,
        ignore=(),
        campaign: str | None = None,
    ) -> list[Rule]:
        """Rules that apply to this document type on this date, minus ignored ids/prefixes;
        a campaign's rules only when the document belongs to ``campaign``."""
        ignore = tuple(ignore)
        return [
            r
            for r in self.effective(campaign)
            if r.applies(doc_type, as_of) and not any(_ignored(r, i) for i in ignore)
        ]

    def effective(self, campaign: str | None) -> list[Rule]:
        """The rules a document of ``campaign`` is checked with: the base rules (minus those the
        campaign's pack disables, or replaced by its own rule of the same id) and its rules."""
        off = self.disabled_for.get(campaign or "", set())
        out = []
        for r in self.rules:
            if r.id in off or self.scope.get(r.id, campaign) != campaign:
                continue
            out.append(self.overrides.get((campaign or "", r.id), r))
        return out

    def find_campaign(self, text: str) -> str | None:
        """The campaign whose name occurs most often in ``text`` (longest names first), or None."""
        best, best_count = None, 0
        for pack_id, names in self.campaigns.items():
            count = 0
            rest = text
            for name in sorted(names, key=len, reverse=True):
                count += rest.count(name)
                rest = rest.replace(name, "\0")
            if count > best_count:
                best, best_count = pack_id, count
        return best

    def terms(self) -> list[str]:
        """Every word the rules want kept whole (the jieba user dictionary)."""
        out: list[str] = []
        for r in [*self.rules, *self.overrides.values()]:
            out.extend(r.terms())
        return out

    def prepare_tokens(self) -> None:
        """Add the pack's terms to the tokenizer (once) when some rule needs tokens."""
        if getattr(self, "_tokens_ready", False):
            return
        from speechkit.check import tokens

        tokens.add_terms(self.terms())
        self._tokens_ready = True


def _ignored(rule: Rule, pattern: str) -> bool:
    return rule.id == pattern or rule.category == pattern or rule.id.startswith(pattern + ".")


def load_rules(extra_paths=(), *, default: bool = True, campaigns: bool | None = None) -> RulePack:
    """Load the default pack (unless ``default=False``), the rules of every campaign pack
    (scoped to their campaign; by default together with the default pack), then each extra
    pack, in order.

    Raises :class:`RulePackError` listing every problem of an invalid pack, located.
    """
    pack = RulePack()
    if default:
        _add(pack, DEFAULT_PACK)
    if campaigns if campaigns is not None else default:
        from speechkit import campaigns as packs

        for camp_id, names, rules_path in packs.campaign_index():
            pack.campaigns[camp_id] = names
            pack.doc_hints[camp_id] = packs.document_hints().get(camp_id, [])
            if rules_path is not None:
                _add_campaign(pack, rules_path, camp_id)
    for path in extra_paths:
        _add(pack, Path(path))
    return pack


def _add_campaign(pack: RulePack, path: Path, campaign: str) -> None:
    """Add a campaign pack's rules scoped to ``campaign``: its ``disable`` and its rules that
    reuse an existing id apply to that campaign's documents only."""
    name, disable, rules = load_pack_file(path)
    pack.files.append(str(path))
    pack.names.append(name)
    pack.disabled_for[campaign] = set(disable)
    known = {r.id for r in pack.rules}
    for rule in rules:
        if rule.id in known:
            pack.overrides[(campaign, rule.id)] = rule
        else:
            known.add(rule.id)
            pack.rules.append(rule)
            pack.scope[rule.id] = campaign


def _add(pack: RulePack, path: Path) -> list[str]:
    """Add one pack file's rules (a rule with an existing id replaces it); return their ids."""
    name, disable, rules = load_pack_file(path)
    pack.files.append(str(path))
    pack.names.append(name)
    if disable:
        pack.rules = [r for r in pack.rules if r.id not in set(disable)]
    index = {r.id: i for i, r in enumerate(pack.rules)}
    for rule in rules:
        pack.scope.pop(rule.id, None)
        if rule.id in index:
            pack.rules[index[rule.id]] = rule
        else:
            index[rule.id] = len(pack.rules)
            pack.rules.append(rule)
    return [r.id for r in rules]


_DEFAULT: dict = {}


def default_rules() -> RulePack:
    """The default pack, loaded once per process and shared (reloaded if its file changes).

    Callers that check many documents without passing ``rules`` (the batch workers, the web
    view) would otherwise rebuild and recompile the pack for every document. Treat the
    returned pack as read-only; use :func:`load_rules` for a private copy.
    """
    from speechkit import campaigns as packs

    key = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for p in [DEFAULT_PACK, *(rules for _, _, rules in packs.campaign_index() if rules)]
    )
    if _DEFAULT.get("key") != key:
        _DEFAULT["pack"] = load_rules()
        _DEFAULT["key"] = key
    return _DEFAULT["pack"]


def load_pack_file(path: str | Path) -> tuple[str, list[str], list[Rule]]:
    """(pack name, disabled ids, rules) of one pack file; validated, cached by content hash."""
    p = Path(path)
    shown = display_path(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise RulePackError(f"规则包不存在：{shown}") from None
    except OSError as exc:
        from speechkit.errors import describe_os_error

        raise RulePackError(f"无法读取规则包 {shown}：{describe_os_error(exc)}。") from None
    cached = _read_cache(data)
    if cached is not None:
        try:
            result = _build(cached, shown, eager=False)
            _set_gates(result[2], cached.get("gates") or {})
            return result
        except (RulePackError, KeyError, TypeError, ValueError, AttributeError):
            pass  # a stale or damaged cache entry: read the YAML again
    plain = _parse_yaml(data, shown)
    result = _build(plain, shown)
    plain["gates"] = {
        "": prefilter.VERSION,
        **{
            pat.pattern: [["".join(sorted(chars)), digit] for chars, digit in pat.gate]
            for rule in result[2]
            for pat in rule.lazy_patterns()
        },
    }
    _write_cache(data, plain)
    return result


def _set_gates(rules: list[Rule], gates: dict) -> None:
    """Give the rules' patterns the gates worked out when the pack was validated (parsing
    every pattern again would cost a cold start some ten milliseconds)."""
    if gates.get("") != prefilter.VERSION:
        return
    for rule in rules:
        for p in rule.lazy_patterns():
            got = gates.get(p.pattern) if p.pattern else None
            if got is not None and p._gate is None:
                p._gate = tuple((frozenset(chars), bool(digit)) for chars, digit in got)


def _build(plain: dict, shown: str, eager: bool = True) -> tuple[str, list[str], list[Rule]]:
    """Validate and build the rules; ``eager=False`` (validated cache) defers regex compiling."""
    problems: list[Problem] = []
    top = plain["top"]
    lines = plain["lines"]

    def loc(key_path: str) -> Location:
        pos = lines.get(key_path) or lines.get(key_path.rsplit(".", 1)[0]) or [None, None]
        return Location(file=shown, line=pos[0], column=pos[1])

    if not isinstance(top, dict):
        raise RulePackError(
            f"规则包无效：{shown}",
            [Problem(loc(""), "规则包应为映射，至少包含 rules: 列表。")],
        )
    for key in top:
        if key not in _PACK_KEYS:
            problems.append(
                Problem(
                    loc(str(key)), f"未知的键“{key}”（可用：{'、'.join(sorted(_PACK_KEYS))}）。"
                )
            )
    name = top.get("pack") or Path(shown).stem
    disable = top.get("disable") or []
    if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
        problems.append(Problem(loc("disable"), "disable 应为规则编号列表。"))
        disable = []
    items = top.get("rules")
    if not isinstance(items, list):
        problems.append(Problem(loc("rules" if "rules" in top else ""), "缺少 rules: 规则列表。"))
        items = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        where = f"rules.{i}"
        if not isinstance(item, dict):
            problems.append(
                Problem(loc(where), f"第{i + 1}条规则应为映射（id、type、category……）。")
            )
            continue
        rid = item.get("id") if isinstance(item.get("id"), str) else f"第{i + 1}条规则"
        rule, found = _build_rule(item, shown, (lines.get(where) or [None])[0], eager)
        for key, message in found:
            at = f"{where}.{key}" if key and key in item else where
            problems.append(Problem(loc(at), f"规则 {rid}：{message}", key=rid))
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(
                Problem(
                    loc(f"{where}.id"),
                    f"规则编号 {rule.id} 重复（第{seen[rule.id]}行已定义）。",
                    key=rid,
                )
            )
        seen.setdefault(rule.id, (lines.get(where) or [0])[0])
        rules.append(rule)
    if problems:
        problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
        raise RulePackError(f"规则包无效：{shown}（共 {len(problems)} 处问题）", problems)
    return name, list(disable), rules


def _build_rule(
    item: dict, shown: str, line: int | None, eager: bool
) -> tuple[Rule | None, list[tuple[str | None, str]]]:
    """One rule from its mapping, or None, with every (key, message) problem it has."""
    rtype = item.get("type")
    cls = RULE_TYPES.get(rtype) if isinstance(rtype, str) else None
    spec = Spec(item, eager=eager)
    spec.used.add("type")
    choices = "、".join(RULE_TYPES)
    if cls is None:
        if rtype is None:
            spec.fail("type", f"缺少必填项 type（可选：{choices}）。")
        else:
            spec.fail("type", f"type“{rtype}”无效，可选：{choices}。")
        Rule.common(spec, shown, line)  # the fields every type shares are still checked
        return None, [(e.key, e.message) for e in spec.errors]
    rule: Rule | None = None
    try:
        rule = cls.from_spec(spec, shown, line)
    except SpecError as exc:
        spec.errors.append(exc)
    found = [(e.key, e.message) for e in spec.errors]
    if rule is not None:
        for k in item:
            if k not in spec.used:
                found.append((k, f"未知的键“{k}”（{cls.type_name} 类型不用它）。"))
    return (None if found else rule), found


def _parse_yaml(data: bytes, shown: str) -> dict:
    """Parse with the profiles area's bounded loader (size, alias-bomb, depth limits; UTF-8 or
    GBK/GB18030; YAML errors in Chinese, located); return plain data plus key positions."""
    from speechkit.profiles.loader import load_yaml_bytes

    doc = load_yaml_bytes(data, shown=shown)
    if not doc.ok:
        raise RulePackError(f"规则包无效：{shown}", list(doc.problems))
    lines: dict[str, list[int]] = {"": [1, 1]}
    for table in (doc.values, doc.keys):  # a mapping key's own position wins over its value's
        for keypath, where in table.items():
            if where.line is not None:
                lines[_dotted(keypath)] = [where.line, where.column or 1]
    lines[""] = [1, 1]
    return {"top": _jsonable(doc.data), "lines": lines}


def _dotted(keypath: str) -> str:
    """The loader's ``rules[0].id`` as this module's ``rules.0.id``."""
    return re.sub(r"\[(\d+)\]", r".\1", keypath).lstrip(".")


def _jsonable(value):
    """Loader data (which may hold dates) as JSON-safe plain Python for the validated cache."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat() if not value.hour and not value.minute else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    return value


def _cache_file(data: bytes) -> Path:
    from speechkit.check.tokens import cache_dir
    from speechkit.fsutil import sha256_bytes

    return cache_dir() / f"rules-{_CACHE_VERSION}-{sha256_bytes(data)[:32]}.json"


def _read_cache(data: bytes) -> dict | None:
    try:
        return json.loads(_cache_file(data).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write_cache(data: bytes, plain: dict) -> None:
    from speechkit.fsutil import atomic_write_text

    with contextlib.suppress(OSError):
        atomic_write_text(_cache_file(data), json.dumps(plain, ensure_ascii=False))
