"""Profile forms generated from the pydantic schema, and form posts turned into changes.

:func:`build_form` walks :class:`speechkit.profiles.schema.ProfileModel` and returns one
:class:`FormField` tree per town section (Chinese labels from the field titles): dates become
date inputs, counts number inputs, ``镇/区/街道`` a choice, lists of text (slogans) a list of
inputs, lists of people a table. :func:`read_submission` reads a post back into the same
shape, and :func:`changes_between` compares it with the town file's current values, giving the
``{"party.members": 613}`` mapping that ``update_town_file`` writes round-trip.

No validation happens here: a value that does not parse (``abc`` for a count, ``2024-02-30``)
is passed on as text, so the profile validator reports it with the same message as the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

TEXT, NUMBER, DATE, CHOICE, LIST, ROWS, GROUP = (
    "text",
    "number",
    "date",
    "choice",
    "list",
    "rows",
    "group",
)
MAX_ROWS = 200


@dataclass
class FormField:
    """One input (or group of inputs) of a profile form; ``key`` is the dotted key path."""

    key: str
    title: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    children: list[FormField] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The last part of the key path (the column name inside a table row)."""
        return self.key.rsplit(".", 1)[-1]

    def leaves(self) -> list[FormField]:
        """Every value-carrying field below (a table or list counts as one value)."""
        if self.kind == GROUP:
            return [leaf for child in self.children for leaf in child.leaves()]
        return [self]


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(annotation)[0])
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _bounds(info) -> tuple[int | None, int | None]:
    low = high = None
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "le", None) is not None:
            high = meta.le
    return low, high


def _field_for(key: str, info) -> FormField:
    annotation = _strip_optional(info.annotation)
    title = info.title or key.rsplit(".", 1)[-1]
    required = info.is_required()
    if _is_model(annotation):
        return FormField(key, title, GROUP, required, children=_fields_of(annotation, key))
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation) or (str,)
        item = _strip_optional(item)
        if _is_model(item):
            return FormField(key, title, ROWS, required, children=_fields_of(item, ""))
        return FormField(key, title, LIST, required)
    if origin is Literal:
        return FormField(key, title, CHOICE, required, choices=tuple(typing.get_args(annotation)))
    if annotation is dt.date:
        return FormField(key, title, DATE, required)
    if annotation is int:
        low, high = _bounds(info)
        return FormField(key, title, NUMBER, required, minimum=low, maximum=high)
    return FormField(key, title, TEXT, required)


def _fields_of(model: type[BaseModel], prefix: str) -> list[FormField]:
    return [
        _field_for(f"{prefix}.{name}" if prefix else name, info)
        for name, info in model.model_fields.items()
    ]


def build_form(model: type[BaseModel] | None = None, *, town_only: bool = True) -> list[FormField]:
    """Return the form for a profile: one field (usually a group) per top-level section.

    With ``town_only`` the sections that belong in city.yaml are left out.
    """
    from speechkit.profiles.schema import CITY_SECTIONS, ProfileModel

    fields = _fields_of(model or ProfileModel, "")
    if town_only:
        fields = [f for f in fields if f.key not in CITY_SECTIONS]
    return fields


# --- values -------------------------------------------------------------------------------


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def unfilled(value: Any) -> bool:
    """True for a value still holding the scaffold's 〔待填〕 (text, or lists/rows of them)."""
    from speechkit.profiles.schema import PLACEHOLDER

    if isinstance(value, str):
        return PLACEHOLDER in value
    if isinstance(value, list):
        return bool(value) and all(unfilled(v) for v in value)
    if isinstance(value, dict):
        return bool(value) and all(unfilled(v) for v in value.values())
    return False


def display(value: Any) -> str:
    """What an input shows for a stored value (dates as 2024-07-05; 〔待填〕 as empty)."""
    if value is None or unfilled(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell_text(column: FormField, value: Any) -> str:
    """A table cell's text: a list inside a row (a phase's tasks) is one item per line."""
    if column.kind == LIST:
        items = value if isinstance(value, list) else []
        return "\n".join(display(v) for v in items if not unfilled(v))
    return display(value)


def form_values(fields: list[FormField], data: dict) -> dict[str, Any]:
    """Return what each leaf shows for profile ``data``: text, a list of text, or table rows."""
    values: dict[str, Any] = {}
    for top in fields:
        for leaf in top.leaves():
            current = _get(data, leaf.key)
            if leaf.kind == LIST:
                shown = [display(v) for v in current] if isinstance(current, list) else []
                values[leaf.key] = [v for v in shown if v]
            elif leaf.kind == ROWS:
                rows = current if isinstance(current, list) else []
                values[leaf.key] = [
                    {
                        c.name: _cell_text(c, r.get(c.name)) if isinstance(r, dict) else ""
                        for c in leaf.children
                    }
                    for r in rows
                    if not unfilled(r)
                ]
            else:
                values[leaf.key] = display(current)
    return values


def read_submission(fields: list[FormField], form) -> dict[str, Any]:
    """Read a posted form (a werkzeug MultiDict) into the shape :func:`form_values` returns.

    Fields absent from the post (not merely empty) are left out, so they are not changed.
    """
    values: dict[str, Any] = {}
    for top in fields:
        for leaf in top.leaves():
            if leaf.kind == LIST:
                if leaf.key in form:
                    values[leaf.key] = [v.strip() for v in form.getlist(leaf.key) if v.strip()]
            elif leaf.kind == ROWS:
                rows = []
                for i in range(MAX_ROWS):
                    cells = {c.name: form.get(f"{leaf.key}.{i}.{c.name}") for c in leaf.children}
                    if all(v is None for v in cells.values()):
                        break
                    cells = {k: (v or "").strip() for k, v in cells.items()}
                    if any(cells.values()):
                        rows.append(cells)
                if any(k.startswith(leaf.key + ".") for k in form):
                    values[leaf.key] = rows
            elif leaf.key in form:
                values[leaf.key] = (form.get(leaf.key) or "").strip()
    return values


def input_type(f: FormField, value: Any) -> str:
    """HTML input type for a leaf: ``number``/``date`` unless the value shown would not fit.

    Browsers blank out a number or date input whose value does not parse; a rejected entry
    (``六千九``, ``2024-02-30``) is shown as text so the user sees what was refused.
    """
    text = str(value or "")
    if f.kind == NUMBER:
        return "number" if not text or _convert(NUMBER, text) != text else "text"
    if f.kind == DATE:
        return "date" if not text or isinstance(_convert(DATE, text), dt.date) else "text"
    return "text"


def _convert(kind: str, text: str) -> Any:
    """Turn one submitted text into the value to write (unparseable text is kept as text)."""
    if text == "":
        return None
    if kind == LIST:
        return [line.strip() for line in text.splitlines() if line.strip()] or None
    if kind == NUMBER:
        try:
            return int(text)
        except ValueError:
            return text
    if kind == DATE:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _plain(value: Any) -> Any:
    """Normalise a stored value for comparison (datetime → date, mappings/lists recursively)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def changes_between(
    fields: list[FormField], submitted: dict[str, Any], data: dict
) -> dict[str, Any]:
    """Return ``{key path: new value}`` for every leaf whose submitted value differs from ``data``.

    A blank optional field that was never written is not a change; blanking a written value
    gives ``None``. Tables and lists are compared (and written) as a whole.
    """
    changes: dict[str, Any] = {}
    for top in fields:
        for leaf in top.leaves():
            if leaf.key not in submitted:
                continue
            current = _plain(_get(data, leaf.key))
            raw = submitted.get(leaf.key)
            if leaf.kind == LIST:
                new: Any = list(raw or [])
            elif leaf.kind == ROWS:
                kinds = {c.name: c.kind for c in leaf.children}
                new = [
                    {k: _convert(kinds[k], v) for k, v in row.items() if v != ""}
                    for row in (raw or [])
                ]
                if current is not None and isinstance(current, list):
                    # keep keys the form does not show (extra keys are allowed in profiles)
                    new = [
                        {**{k: v for k, v in old.items() if k not in kinds}, **row}
                        if i < len(current) and isinstance(old := current[i], dict)
                        else row
                        for i, row in enumerate(new)
                    ]
            else:
                new = _convert(leaf.kind, raw or "")
            if leaf.kind in (LIST, ROWS) and not new and current is None:
                continue
            if new is None and current is None:
                continue
            if unfilled(current) and new in (None, [], ""):
                continue  # a 〔待填〕 left empty stays as it is (with its comment)
            if new != current:
                changes[leaf.key] = new
    return changes


def base_key(key: str) -> str:
    """``leading_group.members[0].name`` → ``leading_group.members.name`` (no indexes)."""
    return re.sub(r"\[\d+\]", "", key or "")


def field_for_problem(fields: list[FormField], key: str) -> str | None:
    """Return the form key a problem's key path belongs to (``a.b[0].c`` → ``a.b``), if any."""
    plain = key.replace("[", ".").replace("]", "")
    best = None
    for top in fields:
        for leaf in top.leaves():
            matches = plain == leaf.key or plain.startswith(leaf.key + ".")
            if matches and (best is None or len(leaf.key) > len(best)):
                best = leaf.key
    return best


def merge_concurrent(
    fields: list[FormField], base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Three-way merge of form values after someone else saved the same file.

    ``base`` is what the form showed when loaded, ``mine`` what was posted, ``theirs`` what the
    file holds now (all in :func:`form_values` shape). Returns ``(merged, taken, conflicts)``:
    values the user did not touch take the file's new value (``taken`` lists those that
    differ), values only the user changed keep the user's, and values both changed differently
    keep the user's and are listed in ``conflicts``.
    """
    merged = dict(mine)
    taken: list[str] = []
    conflicts: list[str] = []
    for top in fields:
        for leaf in top.leaves():
            key = leaf.key
            if key not in mine:
                continue
            old, new_mine, new_theirs = base.get(key), mine[key], theirs.get(key)
            if new_mine == new_theirs:
                continue
            if new_mine == old:
                merged[key] = new_theirs
                taken.append(key)
            elif new_theirs != old:
                conflicts.append(key)
    return merged, taken, conflicts


# --- words for people ---------------------------------------------------------------------

_HINT = re.compile(
    r"^(?P<label>.+?)（(?P<hint>(?:如|例如|不写)[^（）]*(?:（[^（）]*）[^（）]*)*)）$"
)


def split_title(title: str) -> tuple[str, str]:
    """``"乡镇名称（如 东湖镇）"`` → ``("乡镇名称", "如 东湖镇")``: label and placeholder hint."""
    m = _HINT.match(title)
    return (m["label"], m["hint"]) if m else (title, "")


def short_labels(fields: list[FormField]) -> dict[str, str]:
    """``{leaf key: label}`` for every leaf of ``fields``, without the placeholder hint."""
    return {leaf.key: split_title(leaf.title)[0] for top in fields for leaf in top.leaves()}


_REQUIRED = re.compile(r"^缺少必填键 (?P<key>\S+?)（(?P<title>.+)），应写在 .+ 中$")
_WANTED = re.compile(r"^缺少 (?P<key>\S+?)（(?P<title>.+)），模板会用到它.*$")
_KEYPATH = re.compile(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+\b")
_FILE = re.compile(r"(?:[\w.\-]+/)*[\w.\-]+\.(?:yaml|yml)\b")


def key_titles(*forms_: list[FormField]) -> dict[str, str]:
    """``{key path: label}`` over every leaf (and group) of the given forms."""
    out: dict[str, str] = {}

    def walk(f: FormField) -> None:
        out[f.key] = split_title(f.title)[0]
        for c in f.children:
            if f.kind == GROUP:
                walk(c)

    for form in forms_:
        for top in form:
            walk(top)
    return out


def friendly(message: str, titles: dict[str, str]) -> str:
    """A validator message in the page's words: no key paths, file names or CLI advice.

    ``缺少必填键 town.secretary（党委（党工委）书记），应写在 … 中`` → ``请填写党委（党工委）书记``.
    """
    m = _REQUIRED.match(message)
    if m:
        return f"请填写{split_title(m['title'])[0]}"
    m = _WANTED.match(message)
    if m:
        return f"建议填写{split_title(m['title'])[0]}：生成的文档会用到它（不填则相应处留空）"
    if "尚未填写" in message:
        head = message.split("尚未填写", 1)[0]
        return f"请填写{split_title(head)[0]}" if head else "请填写"
    text = message.replace("；数字要当作文字时请加引号", "")

    def title_of(m: re.Match) -> str:
        key = re.sub(r"\[\d+\]", "", m[0])
        return f"“{titles[key]}”" if key in titles else m[0]

    text = _KEYPATH.sub(title_of, text)
    text = re.sub(r" ?(“[^”]*”) ?", r"\1", text)
    text = _FILE.sub(lambda m: "全市资料" if m[0].endswith("city.yaml") else "本乡镇资料", text)
    return text


# --- forms from campaign-pack field descriptors ------------------------------------------

_PERSON = (("name", "姓名"), ("title", "职务"))
PACK_KEYS = frozenset({"pack"})
"""Keys no form edits: the folder's campaign pack changes only by its own explicit action."""


def _attr(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _leaf_from_descriptor(d: Any) -> FormField:
    key, kind = str(_attr(d, "key")), str(_attr(d, "type", "text"))
    title = str(_attr(d, "title") or key.rsplit(".", 1)[-1])
    help_text = str(_attr(d, "help") or "")
    if help_text and "（" not in title:
        title = (
            f"{title}（如 {help_text}）"
            if not help_text.startswith(("如", "例如"))
            else (f"{title}（{help_text}）")
        )
    required = bool(_attr(d, "required", False))
    if kind == "count":
        return FormField(key, title, NUMBER, required, minimum=0)
    if kind == "date":
        return FormField(key, title, DATE, required)
    if kind == "choice":
        choices = tuple(str(c) for c in (_attr(d, "choices") or ()))
        return FormField(key, title, CHOICE, required, choices=choices)
    if kind == "list":
        items = _attr(d, "items") or ()
        if items:  # a list of records (a campaign's phases): a table, one column per item key
            columns = [_leaf_from_descriptor(item) for item in items]
            return FormField(key, title, ROWS, required, children=columns)
        return FormField(key, title, LIST, required)
    if kind == "person":
        children = [FormField(f"{key}.{n}", t, TEXT, required) for n, t in _PERSON]
        return FormField(key, title, GROUP, required, children=children)
    if kind == "people":
        children = [FormField(n, t, TEXT, True) for n, t in _PERSON]
        return FormField(key, title, ROWS, required, children=children)
    return FormField(key, title, TEXT, required)


def from_descriptors(descriptors, file: str = "town", sections: dict[str, str] | None = None):
    """Build the form from a campaign pack's ordered field descriptors.

    Each descriptor has ``key``, ``type`` (text, count, date, choice, list, person, people),
    ``title``, ``required``, ``help``, ``choices`` and ``file`` (city or town); only those of
    ``file`` are kept. Fields are grouped by their key's first part, in the order first seen;
    a group is titled from ``sections`` (``{"party": "党组织"}``) or by the part itself.
    """
    sections = sections or {}
    groups: dict[str, FormField] = {}
    out: list[FormField] = []
    for d in descriptors:
        if str(_attr(d, "file", "town")) != file:
            continue
        leaf = _leaf_from_descriptor(d)
        head, _, rest = leaf.key.partition(".")
        if not rest:
            out.append(leaf)
            continue
        group = groups.get(head)
        if group is None:
            group = FormField(head, sections.get(head, head), GROUP)
            groups[head] = group
            out.append(group)
        _place_in(group, leaf, sections)
    return out


def _place_in(group: FormField, leaf: FormField, titles: dict[str, str]) -> None:
    """Put ``leaf`` under ``group``, making sub-groups for deeper key paths."""
    rest = leaf.key[len(group.key) + 1 :]
    if "." not in rest:
        group.children.append(leaf)
        return
    head = f"{group.key}.{rest.split('.', 1)[0]}"
    sub = next((c for c in group.children if c.key == head and c.kind == GROUP), None)
    if sub is None:
        sub = FormField(head, titles.get(head, head.rsplit(".", 1)[-1]), GROUP)
        group.children.append(sub)
    _place_in(sub, leaf, titles)


def pack_descriptors(pack: str | None, file: str | None = None):
    """The campaign pack's field descriptors, when the packs library provides them (else None)."""
    if not pack:
        return None
    try:
        from speechkit.campaigns import form_fields  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return list(form_fields(pack, file=file))
    except Exception:  # an unknown or broken pack: the core form still works
        return None


def section_titles(pack: str | None = None) -> dict[str, str]:
    """Titles of the form's sections and sub-sections (``campaign.events`` → 动员部署时间节点):
    the core schema's, then the pack's own ``section_titles`` when it has any."""
    titles: dict[str, str] = {}

    def walk(f: FormField) -> None:
        if f.kind == GROUP:
            if f.title != f.name or f.key not in titles:  # an untitled section keeps a title
                titles[f.key] = f.title
            for c in f.children:
                walk(c)

    for top in build_form(town_only=False):
        walk(top)
    if pack:
        try:
            from speechkit.campaigns import get_pack  # type: ignore[import-not-found]

            found = get_pack(pack)
            model = getattr(found, "profile_model", None)
            if model is not None:  # the pack's own model carries its sections' titles
                for top in build_form(model, town_only=False):
                    walk(top)
            titles.update(getattr(found, "section_titles", None) or {})
        except Exception:  # no packs library or no such pack: the core titles
            pass
    return titles


def form_for(file: str = "town", pack: str | None = None) -> list[FormField]:
    """The form of a town file or city.yaml: from the pack's descriptors when the folder names
    a pack and the packs library provides them, else from the core schema."""
    from speechkit.profiles.schema import CITY_SECTIONS

    descriptors = pack_descriptors(pack, file)
    if descriptors:
        descriptors = [d for d in descriptors if _attr(d, "key") not in PACK_KEYS]
        return from_descriptors(descriptors, file=file, sections=section_titles(pack))
    fields = [f for f in build_form(town_only=False) if f.key not in PACK_KEYS]
    if file == "city":
        return [f for f in fields if f.key in CITY_SECTIONS]
    return [f for f in fields if f.key not in CITY_SECTIONS]
