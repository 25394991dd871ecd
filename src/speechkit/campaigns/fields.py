"""A pack's own profile fields (schema.yaml) turned into pydantic models, and form descriptors.

A field is data: ``key`` (dotted path in the merged profile), ``type`` (one of
:data:`FIELD_TYPES`), Chinese ``title``, ``required``, ``help``, ``choices`` (type choice),
``min``/``max`` (type count), ``items`` (type list: the keys of each item, else a list of text)
and ``file`` (city or town). :func:`build_model` extends the core
:class:`~speechkit.profiles.schema.ProfileModel` with them through ``pydantic.create_model``:
no per-campaign Python.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from speechkit.campaigns.spec import FieldSpec
from speechkit.profiles import schema


def annotation(spec: FieldSpec) -> Any:
    """The pydantic type of a field of this spec."""
    kind = spec.type
    if kind == "text":
        return schema.Text
    if kind == "count":
        limits = {}
        limits["ge"] = spec.min if spec.min is not None else 0
        limits["le"] = spec.max if spec.max is not None else schema.MAX_COUNT
        return Annotated[int, Field(**limits)]
    if kind == "date":
        return schema.Date
    if kind == "choice":
        return Literal[tuple(spec.choices)]  # type: ignore[valid-type]
    if kind == "list":
        if spec.items:
            item = _record_model(spec)
            return list[item]  # type: ignore[valid-type]
        return list[schema.Text]
    if kind == "person":
        return schema.Person
    if kind == "people":
        return list[schema.Person]
    raise ValueError(f"unknown field type {kind}")


def _model_name(key: str) -> str:
    return "Pack_" + "".join(ch if ch.isalnum() else "_" for ch in key)


def _record_model(spec: FieldSpec) -> type[BaseModel]:
    fields = {
        item.key: (
            annotation(item),
            Field(... if item.required else None, title=item.title, description=item.help or None),
        )
        for item in spec.items
    }
    return create_model(_model_name(spec.key + "_item"), __base__=schema._Section, **fields)


def _tree(specs: list[FieldSpec]) -> dict:
    tree: dict = {}
    for spec in specs:
        node = tree
        parts = spec.key.split(".")
        for part in parts[:-1]:
            nxt = node.setdefault(part, {})
            if isinstance(nxt, FieldSpec):  # a field declared both as a value and a section
                break
            node = nxt
        else:
            node[parts[-1]] = spec
    return tree


def _any_required(node: Any) -> bool:
    if isinstance(node, FieldSpec):
        return node.required
    return any(_any_required(v) for v in node.values())


def _extend(
    base: type[BaseModel] | None, node: dict, prefix: str, titles: dict[str, str]
) -> type[BaseModel]:
    new: dict[str, Any] = {}
    for key, sub in node.items():
        path = f"{prefix}.{key}" if prefix else key
        existing = base.model_fields.get(key) if base is not None else None
        if isinstance(sub, FieldSpec):
            new[key] = (
                annotation(sub),
                Field(... if sub.required else None, title=sub.title, description=sub.help or None),
            )
            continue
        inner = schema._model_in(existing.annotation) if existing is not None else None
        model = _extend(inner, sub, path, titles)
        required = _any_required(sub) or (existing is not None and existing.is_required())
        title = (existing.title if existing is not None else None) or titles.get(path) or key
        new[key] = (model, Field(... if required else None, title=title))
    return create_model(_model_name(prefix or "profile"), __base__=base or schema._Section, **new)


def build_model(
    specs: list[FieldSpec], titles: dict[str, str] | None = None
) -> tuple[type[BaseModel], type[BaseModel]]:
    """(profile model, city-file model): the core models extended with ``specs``."""
    titles = titles or {}
    tree = _tree(specs)
    if not tree:
        return schema.ProfileModel, schema.CityFileModel
    profile = _extend(schema.ProfileModel, tree, "", titles)
    if not any(k in schema.CITY_SECTIONS for k in tree):
        return profile, schema.CityFileModel
    # city.yaml on its own: the same (extended) city and campaign sections as the profile's
    shared = {
        name: (profile.model_fields[name].annotation, profile.model_fields[name])
        for name in schema.CityFileModel.model_fields
    }
    return profile, create_model("Pack_city_file", __base__=schema._Section, **shared)


# --- descriptors (web form, scaffold) ---------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """One field as a form or a scaffold shows it (see :func:`form_fields`)."""

    key: str
    type: str
    title: str
    required: bool
    help: str = ""
    choices: tuple[str, ...] = ()
    file: str = "town"
    items: tuple[FormField, ...] = ()

    def as_dict(self) -> dict:
        """Plain data (JSON-ready)."""
        out = {
            "key": self.key,
            "type": self.type,
            "title": self.title,
            "required": self.required,
            "help": self.help,
            "choices": list(self.choices),
            "file": self.file,
        }
        if self.items:
            out["items"] = [i.as_dict() for i in self.items]
        return out


def _strip_optional(ann: Any) -> Any:
    args = typing.get_args(ann)
    if typing.get_origin(ann) is typing.Union and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else ann
    return ann


def _kind_of(ann: Any) -> tuple[str, tuple[str, ...], type[BaseModel] | None]:
    """(field type, choices, record model for a list of records) of an annotation."""
    ann = _strip_optional(ann)
    origin = typing.get_origin(ann)
    if origin is Annotated:
        return _kind_of(typing.get_args(ann)[0])
    if origin is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(ann)), None
    if origin is list:
        (item,) = typing.get_args(ann) or (str,)
        item = _strip_optional(item)
        if typing.get_origin(item) is Annotated:
            item = typing.get_args(item)[0]
        if isinstance(item, type) and issubclass(item, schema.Person):
            return "people", (), None
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "list", (), item
        return "list", (), None
    if isinstance(ann, type) and issubclass(ann, schema.Person):
        return "person", (), None
    if ann is int:
        return "count", (), None
    if ann is schema.dt.date:
        return "date", (), None
    return "text", (), None


def walk(
    model: type[BaseModel], prefix: str = "", specs: dict[str, FieldSpec] | None = None
) -> list[FormField]:
    """Every leaf field of ``model`` in declaration order (sections are walked into)."""
    specs = specs or {}
    out: list[FormField] = []
    for name, info in model.model_fields.items():
        if name == "pack" and not prefix:
            continue
        key = f"{prefix}.{name}" if prefix else name
        ann = _strip_optional(info.annotation)
        sub = schema._model_in(ann)
        kind, choices, record = _kind_of(ann)
        if sub is not None and kind not in ("list", "people", "person"):
            out += walk(sub, key, specs)
            continue
        spec = specs.get(key)
        items: tuple[FormField, ...] = ()
        if record is not None:
            items = tuple(walk(record, "", {}))
        out.append(
            FormField(
                key=key,
                type=kind,
                title=info.title or name,
                required=info.is_required(),
                help=(spec.help if spec else "") or (info.description or ""),
                choices=choices,
                file=spec.file if spec else schema.section_file(key),
                items=items,
            )
        )
    return out
