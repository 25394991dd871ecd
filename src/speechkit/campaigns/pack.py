"""Reading one campaign pack folder: campaign.yaml, schema.yaml, checks.yaml, rules.yaml.

Every file goes through the profiles' bounded YAML loader; every problem is a located Chinese
:class:`~speechkit.errors.Problem`. :func:`read_pack` never raises for bad content;
:func:`load_pack_dir` raises :class:`~speechkit.errors.CampaignPackError` listing them all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.campaigns.spec import FIELD_TYPES, FILES, FieldSpec
from speechkit.errors import CampaignPackError, Location, Problem, display_path

CAMPAIGN_FILE = "campaign.yaml"
SCHEMA_FILE = "schema.yaml"
CHECKS_FILE = "checks.yaml"
RULES_FILE = "rules.yaml"
TEMPLATES_DIR = "templates"
DEMO_DIR = "demo"

DOCUMENT_KINDS = {"speech": "讲话", "plan": "方案", "form": "表格", "material": "材料"}
CHECK_KINDS = {
    "date_within_campaign": "日期在活动期间内",
    "phases_ordered": "方法步骤按时间先后、互不重叠",
    "sum_equals": "各乡镇之和等于总数",
    "unique": "各乡镇互不重复",
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_CAMPAIGN_KEYS = {
    "id", "name", "short_name", "names", "start", "end", "scope", "requirement", "phases",
    "documents", "roster", "description", "sources",
}  # fmt: skip
_DOC_KEYS = {"id", "name", "kind", "hints", "template", "source", "per_member", "description"}
_FIELD_KEYS = {"key", "type", "title", "required", "help", "choices", "file", "min", "max", "items"}
_CHECK_KEYS = {"kind", "field", "total", "severity"}


@dataclass(frozen=True)
class DocumentType:
    """One document a campaign produces."""

    id: str
    name: str
    kind: str
    template: str
    hints: tuple[str, ...] = ()
    source: str | None = None
    per_member: bool = False


@dataclass(frozen=True)
class CheckSpec:
    """One cross-field check of checks.yaml."""

    kind: str
    field: str
    total: str | None = None
    severity: str = "error"
    location: Location | None = None


@dataclass
class Pack:
    """A campaign pack: what the campaign is, its fields, checks, rules, templates, demo city."""

    id: str
    root: Path
    name: str
    short_name: str = ""
    names: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    scope: str = ""
    requirement: str = ""
    phases: list[dict] = field(default_factory=list)
    documents: list[DocumentType] = field(default_factory=list)
    roster_columns: tuple[str, ...] = ()
    fields: list[FieldSpec] = field(default_factory=list)
    section_titles: dict[str, str] = field(default_factory=dict)
    checks: list[CheckSpec] = field(default_factory=list)
    shipped: bool = False
    _models: tuple | None = field(default=None, repr=False)

    @property
    def templates_dir(self) -> Path:
        """The folder of the built templates (``templates/``)."""
        return self.root / TEMPLATES_DIR

    @property
    def demo_dir(self) -> Path:
        """The demo city (a profiles folder)."""
        return self.root / DEMO_DIR

    @property
    def rules_path(self) -> Path | None:
        """rules.yaml when the pack has one."""
        path = self.root / RULES_FILE
        return path if path.is_file() else None

    @property
    def profile_model(self):
        """The merged-profile pydantic model: core fields plus this pack's."""
        return self._built()[0]

    @property
    def city_model(self):
        """The model of what city.yaml holds on its own."""
        return self._built()[1]

    def _built(self) -> tuple:
        if self._models is None:
            from speechkit.campaigns.fields import build_model

            self._models = build_model(self.fields, self.section_titles)
        return self._models

    @property
    def city_sections(self) -> frozenset[str]:
        """Top-level sections that belong in city.yaml (core ones plus the pack's city-only)."""
        from speechkit.profiles.schema import CITY_SECTIONS, ProfileModel

        extra = {
            f.key.split(".", 1)[0]
            for f in self.fields
            if f.file == "city" and f.key.split(".", 1)[0] not in ProfileModel.model_fields
        }
        return CITY_SECTIONS | extra

    def document(self, doc_id: str) -> DocumentType | None:
        """The document type with this id, or None."""
        return next((d for d in self.documents if d.id == doc_id), None)

    def summary(self) -> dict[str, Any]:
        """What ``campaigns list --format json`` prints for this pack."""
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "documents": [
                {"id": d.id, "name": d.name, "kind": d.kind, "per_member": d.per_member}
                for d in self.documents
            ],
            "shipped": self.shipped,
            "path": str(self.root),
        }


# --- reading ---------------------------------------------------------------------------------


class _Reader:
    """Collects located problems while reading one pack file."""

    def __init__(self, doc, shown: str) -> None:
        self.doc = doc
        self.shown = shown
        self.problems: list[Problem] = list(doc.problems)

    def loc(self, keypath: str) -> Location:
        return self.doc.locate(keypath) or Location(file=self.shown, line=1, column=1)

    def fail(self, keypath: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.loc(keypath), message, key=keypath, severity=severity))

    def unknown(self, data: dict, known: set[str], prefix: str, where: str) -> None:
        for key in data:
            if key not in known:
                self.fail(
                    f"{prefix}.{key}" if prefix else str(key),
                    f"{where}中未知的键“{key}”（可用：{'、'.join(sorted(known))}）",
                    "warning",
                )

    def text(self, data: dict, key: str, prefix: str, *, required: bool = False) -> str:
        value = data.get(key)
        path = f"{prefix}.{key}" if prefix else key
        if value is None:
            if required:
                where = self.loc(prefix) if prefix else Location(file=self.shown, line=1, column=1)
                self.problems.append(Problem(where, f"缺少必填键 {key}", key=path))
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{key} 应为非空文字，实际写的是“{value}”")
            return ""
        return value

    def texts(self, data: dict, key: str, prefix: str) -> tuple[str, ...]:
        value = data.get(key)
        path = f"{prefix}.{key}" if prefix else key
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(path, f"{key} 应为文字列表")
            return ()
        return tuple(value)

    def date(self, data: dict, key: str) -> dt.date | None:
        from speechkit.filters import as_date

        value = data.get(key)
        if value is None:
            return None
        try:
            return as_date(value, key)
        except ValueError:
            self.fail(key, f"{key} 应为日期（如 2026-03-01），实际写的是“{value}”")
            return None


def _read(path: Path) -> tuple[Any, _Reader]:
    from speechkit.profiles.loader import load_yaml_file

    doc = load_yaml_file(path)
    return doc, _Reader(doc, display_path(path))


def _mapping(reader: _Reader, doc, what: str) -> dict | None:
    if not doc.ok:
        return None
    if doc.empty or not isinstance(doc.data, dict):
        reader.problems.append(
            Problem(
                Location(file=reader.shown, line=1, column=1), f"{what}应是一组“键: 值”（映射）"
            )
        )
        return None
    return doc.data


def read_pack(root: str | Path, *, shipped: bool = False) -> tuple[Pack | None, list[Problem]]:
    """Read the pack folder ``root``; return (pack or None, every problem found)."""
    root = Path(root)
    problems: list[Problem] = []
    camp_path = root / CAMPAIGN_FILE
    if not camp_path.is_file():
        return None, [
            Problem(
                Location(file=display_path(camp_path)),
                f"不是活动包：{display_path(root)} 中没有 {CAMPAIGN_FILE}",
            )
        ]
    doc, r = _read(camp_path)
    data = _mapping(r, doc, CAMPAIGN_FILE)
    if data is None:
        return None, r.problems
    r.unknown(data, _CAMPAIGN_KEYS, "", CAMPAIGN_FILE)
    pack_id = r.text(data, "id", "", required=True)
    if pack_id and not ID_RE.match(pack_id):
        r.fail("id", f"活动包代号“{pack_id}”只能用小写英文字母、数字、“-”和“_”")
    if pack_id and pack_id != root.name:
        r.fail("id", f"活动包代号“{pack_id}”应与文件夹名“{root.name}”相同")
    pack = Pack(
        id=pack_id or root.name,
        root=root,
        name=r.text(data, "name", "", required=True),
        short_name=r.text(data, "short_name", ""),
        names=r.texts(data, "names", ""),
        start=r.date(data, "start"),
        end=r.date(data, "end"),
        scope=r.text(data, "scope", ""),
        requirement=r.text(data, "requirement", ""),
        shipped=shipped,
    )
    if pack.start and pack.end and pack.start > pack.end:
        r.fail("end", f"结束日期 {pack.end} 早于开始日期 {pack.start}")
    if not pack.names and pack.name:
        pack.names = (pack.name,)
    phases = data.get("phases") or []
    if not isinstance(phases, list):
        r.fail("phases", "phases 应为列表（每项 name、tasks），没有阶段时写 []")
        phases = []
    pack.phases = [p for p in phases if isinstance(p, dict)]
    pack.documents = _documents(r, data.get("documents"), root)
    roster = data.get("roster") or {}
    if isinstance(roster, dict):
        pack.roster_columns = r.texts(roster, "columns", "roster")
    else:
        r.fail("roster", "roster 应为映射（columns: [...]）")
    problems += r.problems

    schema_path = root / SCHEMA_FILE
    if schema_path.is_file():
        pack.fields, pack.section_titles, found = _read_schema(schema_path)
        problems += found
    checks_path = root / CHECKS_FILE
    if checks_path.is_file():
        pack.checks, found = _read_checks(checks_path)
        problems += found
    rules_path = root / RULES_FILE
    if rules_path.is_file():
        problems += _check_rule_sources(rules_path)
    return pack, problems


def _documents(r: _Reader, items: Any, root: Path) -> list[DocumentType]:
    if items is None:
        r.fail("", "缺少必填键 documents（本活动产出的文档类型列表）")
        return []
    if not isinstance(items, list):
        r.fail("documents", "documents 应为列表，每项是一种文档（id、name、kind、template）")
        return []
    out: list[DocumentType] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        prefix = f"documents[{i}]"
        if not isinstance(item, dict):
            r.fail(prefix, f"第{i + 1}种文档应为映射（id、name、kind、template）")
            continue
        r.unknown(item, _DOC_KEYS, prefix, "文档类型")
        doc_id = r.text(item, "id", prefix, required=True)
        name = r.text(item, "name", prefix, required=True)
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in DOCUMENT_KINDS:
            choices = "、".join(DOCUMENT_KINDS)
            if kind is None:
                r.fail(prefix, f"文档“{name or doc_id}”缺少 kind（可选：{choices}）")
            else:
                r.fail(f"{prefix}.kind", f"kind“{kind}”无效，可选：{choices}")
        template = item.get("template")
        if not isinstance(template, str) or not template.strip():
            r.fail(
                prefix,
                f"文档类型“{name or doc_id}”没有模板：请写 template（templates/ 中的 .docx 文件名）",
            )
            template = ""
        elif not (root / TEMPLATES_DIR / template).is_file():
            r.fail(
                f"{prefix}.template",
                f"文档类型“{name or doc_id}”的模板 {TEMPLATES_DIR}/{template} 不存在"
                "（先运行 make templates 构建）",
            )
        source = item.get("source")
        if source is not None and not (root / TEMPLATES_DIR / str(source)).is_file():
            r.fail(f"{prefix}.source", f"模板源文件 {TEMPLATES_DIR}/{source} 不存在")
        per_member = item.get("per_member", False)
        if not isinstance(per_member, bool):
            r.fail(f"{prefix}.per_member", "per_member 应为 true 或 false")
            per_member = False
        if doc_id in seen:
            r.fail(f"{prefix}.id", f"文档 id“{doc_id}”重复")
        seen.add(doc_id)
        out.append(
            DocumentType(
                id=doc_id,
                name=name,
                kind=kind if isinstance(kind, str) and kind in DOCUMENT_KINDS else "material",
                template=template,
                hints=r.texts(item, "hints", prefix),
                source=str(source) if source is not None else None,
                per_member=per_member,
            )
        )
    return out


def _read_field(r: _Reader, item: Any, prefix: str, *, nested: bool) -> FieldSpec | None:
    if not isinstance(item, dict):
        r.fail(prefix, "每个字段应为映射（key、type、title……）")
        return None
    r.unknown(item, _FIELD_KEYS, prefix, "字段")
    key = r.text(item, "key", prefix, required=True)
    if key and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key):
        r.fail(f"{prefix}.key", f"键路径“{key}”应由英文字母、数字和下划线组成，用“.”分隔")
        key = ""
    if key and nested and "." in key:
        r.fail(f"{prefix}.key", f"列表项中的键“{key}”不能含“.”")
    kind = item.get("type")
    names = "、".join(FIELD_TYPES)
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        if kind is None:
            r.fail(prefix, f"字段 {key} 缺少 type（可选：{names}）")
        else:
            r.fail(f"{prefix}.type", f"字段 {key} 的类型“{kind}”未知，可选：{names}")
        return None
    title = r.text(item, "title", prefix, required=True)
    required = item.get("required", False)
    if not isinstance(required, bool):
        r.fail(f"{prefix}.required", "required 应为 true 或 false")
        required = False
    file = item.get("file", "town")
    if not isinstance(file, str) or file not in FILES:
        r.fail(f"{prefix}.file", f"file“{file}”无效，可选：city、town")
        file = "town"
    choices = r.texts(item, "choices", prefix)
    if kind == "choice" and not choices:
        r.fail(prefix, f"choice 类型的字段 {key} 需要 choices（可选的各项）")
        return None
    bounds = {}
    for b in ("min", "max"):
        v = item.get(b)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
            r.fail(f"{prefix}.{b}", f"{b} 应为整数")
            v = None
        bounds[b] = v
    items: list[FieldSpec] = []
    if item.get("items") is not None:
        if kind != "list" or not isinstance(item["items"], list):
            r.fail(f"{prefix}.items", "items 只用于 list 类型，应为字段列表")
        else:
            for j, sub in enumerate(item["items"]):
                spec = _read_field(r, sub, f"{prefix}.items[{j}]", nested=True)
                if spec is not None:
                    items.append(spec)
    if not key or not title:
        return None
    return FieldSpec(
        key=key,
        type=kind,
        title=title,
        required=required,
        help=r.text(item, "help", prefix),
        choices=choices,
        file=file,
        min=bounds["min"],
        max=bounds["max"],
        items=items,
        location=r.loc(prefix),
    )


def _read_schema(path: Path) -> tuple[list[FieldSpec], dict[str, str], list[Problem]]:
    from speechkit.campaigns.fields import build_model
    from speechkit.profiles.schema import model_for

    doc, r = _read(path)
    data = _mapping(r, doc, SCHEMA_FILE)
    if data is None:
        return [], {}, r.problems
    r.unknown(data, {"fields", "sections"}, "", SCHEMA_FILE)
    items = data.get("fields") or []
    if not isinstance(items, list):
        r.fail("fields", "fields 应为字段列表")
        items = []
    out: list[FieldSpec] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        spec = _read_field(r, item, f"fields[{i}]", nested=False)
        if spec is None:
            continue
        parts = tuple(spec.key.split("."))
        parent = model_for(parts[:-1]) if len(parts) > 1 else None
        if parent is not None and parts[-1] in parent.model_fields:
            r.fail(f"fields[{i}].key", f"{spec.key} 是核心字段，活动包不能重新定义")
            continue
        if spec.key in seen:
            r.fail(f"fields[{i}].key", f"字段 {spec.key} 重复（第{seen[spec.key] + 1}项已定义）")
            continue
        seen[spec.key] = i
        out.append(spec)
    titles = data.get("sections") or {}
    if not isinstance(titles, dict):
        r.fail("sections", "sections 应为“键路径: 中文名称”的映射")
        titles = {}
    try:
        build_model(out, {str(k): str(v) for k, v in titles.items()})
    except Exception as exc:  # noqa: BLE001 - conflicting declarations, reported located
        r.fail("fields", f"字段定义互相冲突，无法建立资料结构：{exc}")
    return out, {str(k): str(v) for k, v in titles.items()}, r.problems


def _read_checks(path: Path) -> tuple[list[CheckSpec], list[Problem]]:
    doc, r = _read(path)
    data = _mapping(r, doc, CHECKS_FILE)
    if data is None:
        return [], r.problems
    r.unknown(data, {"checks"}, "", CHECKS_FILE)
    items = data.get("checks") or []
    if not isinstance(items, list):
        r.fail("checks", "checks 应为列表")
        return [], r.problems
    out = []
    for i, item in enumerate(items):
        prefix = f"checks[{i}]"
        if not isinstance(item, dict):
            r.fail(prefix, "每项核对应为映射（kind、field）")
            continue
        r.unknown(item, _CHECK_KEYS, prefix, "核对")
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in CHECK_KINDS:
            names = "、".join(CHECK_KINDS)
            where = f"{prefix}.kind" if kind is not None else prefix
            r.fail(where, f"核对类型“{kind}”未知，可选：{names}")
            continue
        fld = r.text(item, "field", prefix, required=True)
        total = r.text(item, "total", prefix, required=kind == "sum_equals") or None
        severity = item.get("severity", "error")
        if severity not in ("error", "warning"):
            r.fail(f"{prefix}.severity", "severity 只能是 error 或 warning")
            severity = "error"
        if fld:
            out.append(CheckSpec(kind, fld, total, severity, r.loc(prefix)))
    return out, r.problems


def _check_rule_sources(path: Path) -> list[Problem]:
    """Every rule of a pack must say where its fact comes from (``source``)."""
    doc, r = _read(path)
    data = _mapping(r, doc, RULES_FILE)
    if data is None:
        return r.problems
    rules = data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict) and not rule.get("source"):
            rid = rule.get("id", f"第{i + 1}条规则")
            r.fail(
                f"rules[{i}]",
                f"规则 {rid} 没有 source：活动包的每条规则都要写明依据（网址或文件、页码）",
            )
    return r.problems


def load_pack_dir(root: str | Path, *, shipped: bool = False) -> Pack:
    """Read and validate a pack folder; raise :class:`CampaignPackError` on any error."""
    pack, problems = read_pack(root, shipped=shipped)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        raise CampaignPackError(
            f"活动包 {display_path(root)} 有 {len(errors)} 处错误：",
            [p for p in problems if p.severity == "error"],
        )
    return pack


# --- plain data (the validated-pack cache) ----------------------------------------------------


def _spec_plain(spec: FieldSpec) -> dict:
    loc = spec.location
    return {
        "key": spec.key,
        "type": spec.type,
        "title": spec.title,
        "required": spec.required,
        "help": spec.help,
        "choices": list(spec.choices),
        "file": spec.file,
        "min": spec.min,
        "max": spec.max,
        "items": [_spec_plain(i) for i in spec.items],
        "location": [loc.file, loc.line, loc.column] if loc else None,
    }


def _spec_from(data: dict) -> FieldSpec:
    loc = data["location"]
    return FieldSpec(
        key=data["key"],
        type=data["type"],
        title=data["title"],
        required=data["required"],
        help=data["help"],
        choices=tuple(data["choices"]),
        file=data["file"],
        min=data["min"],
        max=data["max"],
        items=[_spec_from(i) for i in data["items"]],
        location=Location(file=loc[0], line=loc[1], column=loc[2]) if loc else None,
    )


def pack_to_plain(pack: Pack) -> dict:
    """A validated pack as JSON-ready data (see :func:`pack_from_plain`)."""
    return {
        "id": pack.id,
        "name": pack.name,
        "short_name": pack.short_name,
        "names": list(pack.names),
        "start": pack.start.isoformat() if pack.start else None,
        "end": pack.end.isoformat() if pack.end else None,
        "scope": pack.scope,
        "requirement": pack.requirement,
        "phases": pack.phases,
        "documents": [
            {
                "id": d.id,
                "name": d.name,
                "kind": d.kind,
                "template": d.template,
                "hints": list(d.hints),
                "source": d.source,
                "per_member": d.per_member,
            }
            for d in pack.documents
        ],
        "roster_columns": list(pack.roster_columns),
        "fields": [_spec_plain(f) for f in pack.fields],
        "section_titles": pack.section_titles,
        "checks": [
            {"kind": c.kind, "field": c.field, "total": c.total, "severity": c.severity}
            for c in pack.checks
        ],
        "shipped": pack.shipped,
    }


def pack_from_plain(data: dict, root: Path) -> Pack:
    """The :class:`Pack` that :func:`pack_to_plain` wrote."""
    return Pack(
        id=data["id"],
        root=root,
        name=data["name"],
        short_name=data["short_name"],
        names=tuple(data["names"]),
        start=dt.date.fromisoformat(data["start"]) if data["start"] else None,
        end=dt.date.fromisoformat(data["end"]) if data["end"] else None,
        scope=data["scope"],
        requirement=data["requirement"],
        phases=data["phases"],
        documents=[
            DocumentType(
                id=d["id"],
                name=d["name"],
                kind=d["kind"],
                template=d["template"],
                hints=tuple(d["hints"]),
                source=d["source"],
                per_member=d["per_member"],
            )
            for d in data["documents"]
        ],
        roster_columns=tuple(data["roster_columns"]),
        fields=[_spec_from(f) for f in data["fields"]],
        section_titles=data["section_titles"],
        checks=[
            CheckSpec(c["kind"], c["field"], c["total"], c["severity"]) for c in data["checks"]
        ],
        shipped=data["shipped"],
    )
