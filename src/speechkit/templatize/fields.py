"""What ``template from`` knows about each profile field: its Chinese title and whether a town
may leave it out.

The title tells two equal numbers apart (41个党支部 is ``party.branches``, 谈心谈话41人次 is
``review.talks``); a field a town may leave out makes the sentence that writes it conditional
(``{% if … %}…{% endif %}``), the way the shipped templates write it. Read from the profile's
campaign pack (its ``pack`` key) or, failing that, the core profile schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Core sections whose sentences the shipped templates write only when the town has them (a town
# without a supervision group says nothing about one). Other core optional keys (the leading
# group's office, the mayor) are written unguarded on purpose: a profile lacking them gets a
# warning from ``profiles validate`` instead of a silently shorter speech.
OPTIONAL_CORE_SECTIONS = ("supervision",)


@dataclass(frozen=True)
class FieldInfo:
    """One field: its key path, Chinese title and help, and whether a town may leave it out."""

    key: str
    title: str
    help: str = ""
    optional: bool = False  # the sentence writing it becomes {% if %}
    guards: tuple[str, ...] = ()  # key paths to test with ``is defined`` first (outer first)


def _model_in(annotation: Any):
    from speechkit.profiles.schema import _model_in as model_in

    return model_in(annotation)


def _walk(model, prefix: str, optional_prefixes: tuple[str, ...], pack_keys, out) -> None:
    from typing import get_origin

    for name, info in model.model_fields.items():
        key = f"{prefix}.{name}" if prefix else name
        # list items are written in loops, not guarded one by one
        sub = None if get_origin(info.annotation) is list else _model_in(info.annotation)
        optional = not info.is_required()
        guarded = (key in pack_keys and optional) or key.split(".", 1)[0] in OPTIONAL_CORE_SECTIONS
        chain = optional_prefixes + ((key,) if optional else ())
        if sub is not None:
            _walk(sub, key, chain, pack_keys, out)
        else:
            out[key] = FieldInfo(
                key, info.title or "", info.description or "", bool(guarded), optional_prefixes
            )


def field_catalog(context: Mapping[str, Any], pack: str | None = None) -> dict[str, FieldInfo]:
    """Every field of the profile's schema (``pack``'s, else that of the pack its ``pack`` key
    names, else the core one), by key path."""
    model, pack_keys = _schema(pack or context.get("pack"))
    out: dict[str, FieldInfo] = {}
    _walk(model, "", (), pack_keys, out)
    return out


def _schema(pack_id: Any):
    from speechkit.profiles.schema import ProfileModel

    if not isinstance(pack_id, str) or not pack_id:
        return ProfileModel, set()
    try:
        from speechkit import campaigns

        pack = campaigns.get_pack(pack_id)
    except Exception:  # an unknown pack: the core fields still describe most of the profile
        return ProfileModel, set()
    return pack.profile_model, {f.key for f in pack.fields}


def condition(info: FieldInfo) -> str:
    """The test that writes a sentence only when the town has this value."""
    parts = [f"{p} is defined" for p in info.guards]
    parts += [f"{info.key} is defined", info.key]
    return " and ".join(parts)
