"""Campaign packs: the campaign a document belongs to, as data (like a Vale style).

A pack is a folder ``<id>/`` holding ``campaign.yaml`` (what the campaign is, its documents),
``schema.yaml`` (its own profile fields), ``checks.yaml`` (cross-field checks), ``rules.yaml``
(its required formulations), ``templates/`` and a ``demo/`` city. Shipped packs live in
``speechkit/packs/``; a user's own in ``campaigns/`` beside ``profiles/`` or in a folder given
with ``--campaigns`` (see :func:`add_search_dir`); they work the same.

Main entry points: :func:`get_pack`, :func:`list_packs`, :func:`form_fields`,
:func:`template_keys`, :func:`validate_pack`, :func:`pack_of_profiles`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from speechkit.campaigns.pack import (
    CHECK_KINDS,
    DOCUMENT_KINDS,
    CheckSpec,
    DocumentType,
    Pack,
    load_pack_dir,
    read_pack,
)
from speechkit.campaigns.spec import FIELD_TYPES, FieldSpec
from speechkit.errors import CampaignPackError, Location, display_path

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "packs"
"""Where the shipped packs are (package data)."""

LEGACY_ID = "xianjinxing-2005"
"""The pack of a profiles folder whose city.yaml names none (the seed's 2005 campaign)."""

CURRENT_IDS = ("zhengjiguan-2026", LEGACY_ID)
"""The current campaign: the first of these that is shipped (``make demo``, root templates/)."""

USER_DIR = "campaigns"
"""A user's own packs: ``campaigns/`` beside ``profiles/``."""

_SEARCH: list[Path] = []
_OVERRIDE: dict[str, str | None] = {"id": None}
_CACHE: dict[Path, tuple[tuple, Pack]] = {}
_HINTS: dict[str, list[tuple[str, str]]] = {}
_FOUND: dict[tuple, Path] = {}


def add_search_dir(folder: str | Path) -> None:
    """Look for packs in ``folder`` too (``--campaigns DIR``), before the shipped ones."""
    path = Path(folder)
    if not path.is_dir():
        from speechkit.errors import InputFileError

        raise InputFileError(f"活动包文件夹 {display_path(path)} 不存在或不是文件夹")
    if path not in _SEARCH:
        _SEARCH.insert(0, path.resolve())
    _publish()


SEARCH_ENV = "SPEECHKIT_CAMPAIGNS"
"""Environment variable carrying ``--campaigns`` folders to worker processes (batch, web)."""


def _publish() -> None:
    """Hand the search folders and the chosen pack to processes started from now on: batch and
    web workers are spawned, and a user's pack must work there exactly as in the parent."""
    if _SEARCH:
        os.environ[SEARCH_ENV] = os.pathsep.join(str(p) for p in _SEARCH)
    else:
        os.environ.pop(SEARCH_ENV, None)


def _inherit() -> None:
    """Take the search folders a parent process published (see :func:`_publish`)."""
    for raw in reversed(os.environ.get(SEARCH_ENV, "").split(os.pathsep)):
        path = Path(raw) if raw else None
        if path is not None and path.is_dir() and path not in _SEARCH:
            _SEARCH.insert(0, path)


def set_campaign(pack_id: str | None) -> None:
    """Use this pack for profiles whose city.yaml names none (``--campaign ID``)."""
    if pack_id is not None:
        get_pack(pack_id)  # unknown id: a clear error now
    _OVERRIDE["id"] = pack_id


def reset() -> None:
    """Forget ``--campaign`` and ``--campaigns`` (the CLI calls it after every command)."""
    _OVERRIDE["id"] = None
    _SEARCH.clear()
    _publish()


def chosen_campaign() -> str | None:
    """The pack chosen with :func:`set_campaign` (``--campaign``), if any."""
    return _OVERRIDE["id"]


def _dirs(near: Path | None = None) -> list[Path]:
    dirs = list(_SEARCH)
    if near is not None:
        dirs.append(Path(near) / USER_DIR)
    dirs.append(Path.cwd() / USER_DIR)
    dirs.append(SHIPPED_DIR)
    return dirs


def _pack_folders(near: str | Path | None) -> Iterator[Path]:
    """Every folder holding a campaign.yaml in the search folders, in search order (a later
    one with the same name as an earlier one is yielded too: the caller keeps the first)."""
    for folder in _dirs(Path(near) if near is not None else None):
        if folder.is_dir():
            for sub in sorted(folder.iterdir()):
                if (sub / "campaign.yaml").is_file():
                    yield sub


def _stamp(root: Path) -> tuple:
    out = []
    for name in ("campaign.yaml", "schema.yaml", "checks.yaml", "rules.yaml"):
        try:
            st = (root / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, None, None))
    return tuple(out)


def load(root: str | Path) -> Pack:
    """Load (and validate) the pack folder ``root``; cached while its files are unchanged."""
    root = Path(root).resolve()
    stamp = _stamp(root)
    hit = _CACHE.get(root)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    pack = _cached_pack(root)
    if pack is None:
        pack = load_pack_dir(root, shipped=root.parent == SHIPPED_DIR)
        _store_pack(root, pack)
    _CACHE[root] = (stamp, pack)
    return pack


def _cache_dir() -> Path:
    """The per-user speechkit cache folder (the checker's), without importing the checker."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    path = Path(base) / "speechkit"
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK):
        raise OSError("cache folder not writable")
    return path


def _pack_digest(root: Path) -> str | None:
    from speechkit.fsutil import sha256_bytes

    parts = []
    for name in ("campaign.yaml", "schema.yaml", "checks.yaml", "rules.yaml"):
        try:
            parts.append(name.encode() + b"\0" + (root / name).read_bytes())
        except FileNotFoundError:
            parts.append(name.encode() + b"\0-")
        except OSError:
            return None
    parts.append(str(root).encode())
    return sha256_bytes(b"\0\0".join(parts))


def _pack_cache_file(root: Path) -> Path | None:
    digest = _pack_digest(root)
    if digest is None:
        return None
    try:
        return _cache_dir() / f"pack-1-{digest[:32]}.json"
    except Exception:  # noqa: BLE001 - no cache folder
        return None


def _cached_pack(root: Path) -> Pack | None:
    """A pack validated before with exactly these files (its templates still present)."""
    from speechkit.campaigns.pack import pack_from_plain

    cache = _pack_cache_file(root)
    if cache is None:
        return None
    try:
        pack = pack_from_plain(json.loads(cache.read_text("utf-8")), root)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all((pack.templates_dir / d.template).is_file() for d in pack.documents):
        return None  # a template went missing: read again to report it
    return pack


def _store_pack(root: Path, pack: Pack) -> None:
    from speechkit.campaigns.pack import pack_to_plain

    cache = _pack_cache_file(root)
    if cache is None:
        return
    from speechkit.fsutil import atomic_write_text

    with contextlib.suppress(OSError):
        atomic_write_text(cache, json.dumps(pack_to_plain(pack), ensure_ascii=False))


def find_pack_dir(pack_id: str, near: str | Path | None = None) -> Path | None:
    """The folder of pack ``pack_id`` (user folders first, then shipped), or None. ``near`` is
    the folder holding ``profiles/`` (its ``campaigns/`` is searched), or a pack's own folder
    (for its demo city)."""
    key = (pack_id, str(near), tuple(_SEARCH), os.getcwd())
    hit = _FOUND.get(key)
    if hit is not None and (hit / "campaign.yaml").is_file():
        return hit
    found = None
    if near is not None and Path(near).name == pack_id and (Path(near) / "campaign.yaml").is_file():
        found = Path(near)
    for folder in _dirs(Path(near) if near is not None else None) if found is None else ():
        candidate = folder / pack_id
        if (candidate / "campaign.yaml").is_file():
            found = candidate
            break
    if found is not None:
        _FOUND[key] = found
    return found


def get_pack(pack_id: str | Path, near: str | Path | None = None) -> Pack:
    """The pack with this id (or at this folder). Raises :class:`CampaignPackError` when it is
    unknown or invalid (every problem, located)."""
    as_path = Path(pack_id)
    if isinstance(pack_id, Path) or (as_path / "campaign.yaml").is_file():
        return load(as_path)
    folder = find_pack_dir(str(pack_id), near)
    if folder is None:
        known = "、".join(p.id for p in list_packs(near)) or "（无）"
        raise CampaignPackError(f"找不到活动包“{pack_id}”。可用的活动包：{known}")
    return load(folder)


def campaign_index(
    near: str | Path | None = None,
) -> list[tuple[str, tuple[str, ...], Path | None]]:
    """(id, names, rules.yaml or None) of every valid pack, like :func:`list_packs`, served
    from a small on-disk cache while the packs' files are unchanged (the checker's start-up
    does not parse YAML or build models)."""
    cache = _index_cache()
    try:
        stored = json.loads(cache.read_text("utf-8")) if cache is not None else {}
    except (OSError, ValueError):
        stored = {}
    out: list[tuple[str, tuple[str, ...], Path | None]] = []
    seen: set[str] = set()
    changed = False
    for sub in _pack_folders(near):
        if sub.name in seen:
            continue
        stamp = [list(x) for x in _stamp(sub)]
        entry = stored.get(str(sub))
        if entry is None or entry.get("stamp") != stamp:
            try:
                pack = load(sub)
                entry = {
                    "stamp": stamp,
                    "id": pack.id,
                    "names": list(pack.names) or [pack.name],
                    "rules": str(pack.rules_path) if pack.rules_path else None,
                    "hints": [[h, d.kind] for d in pack.documents for h in d.hints],
                }
            except CampaignPackError:
                entry = {"stamp": stamp, "id": None}
            stored[str(sub)] = entry
            changed = True
        if entry.get("id"):
            _HINTS[entry["id"]] = [tuple(h) for h in entry.get("hints", [])]
            seen.add(sub.name)
            rules = entry.get("rules")
            out.append((entry["id"], tuple(entry["names"]), Path(rules) if rules else None))
    if changed and cache is not None:
        from speechkit.fsutil import atomic_write_text

        with contextlib.suppress(OSError):
            atomic_write_text(cache, json.dumps(stored, ensure_ascii=False))
    return out


def document_hints() -> dict[str, list[tuple[str, str]]]:
    """{pack id: [(file-name hint, document kind), ...]} of the packs :func:`campaign_index`
    found (call it first)."""
    return dict(_HINTS)


def _index_cache() -> Path | None:
    try:
        return _cache_dir() / "campaign-index-2.json"
    except Exception:  # noqa: BLE001 - no cache folder: read the packs every time
        return None


def list_packs(near: str | Path | None = None) -> list[Pack]:
    """Every pack found (user folders first; a user pack hides a shipped one of the same id);
    invalid packs are skipped (``campaigns check`` reports them)."""
    seen: dict[str, Pack] = {}
    for sub in _pack_folders(near):
        if sub.name in seen:
            continue
        with contextlib.suppress(CampaignPackError):
            seen[sub.name] = load(sub)
    return list(seen.values())


def current_pack() -> Pack:
    """The current campaign's shipped pack (what ``make demo`` and the root folders use)."""
    for pack_id in CURRENT_IDS:
        if (SHIPPED_DIR / pack_id / "campaign.yaml").is_file():
            return load(SHIPPED_DIR / pack_id)
    raise CampaignPackError("没有找到任何内置活动包")


def pack_of_profiles(data: dict | None, near: str | Path | None = None) -> Pack:
    """The pack a merged profile (or a city.yaml mapping) belongs to: its ``pack`` key, else
    ``--campaign``, else the 2005 pack (folders written before packs existed)."""
    pack_id = data.get("pack") if isinstance(data, dict) else None
    if not isinstance(pack_id, str) or not pack_id:
        pack_id = _OVERRIDE["id"] or LEGACY_ID
    return get_pack(pack_id, near)


def pack_of_folder(profiles_dir: str | Path) -> Pack:
    """The pack a profiles folder belongs to (its city.yaml's ``pack``, else ``--campaign``,
    else the 2005 pack)."""
    from speechkit.profiles.loader import load_yaml_file

    folder = Path(profiles_dir)
    city = folder / "city.yaml"
    data = load_yaml_file(city).data if city.is_file() else None
    return pack_of_profiles(data if isinstance(data, dict) else None, folder.parent)


def templates_for(profiles_dir: str | Path) -> Path:
    """The templates a profiles folder is generated with: the working ``templates/`` beside it
    when the folder belongs to the current campaign, else its pack's own templates."""
    pack = pack_of_folder(profiles_dir)
    beside = Path(profiles_dir).parent / "templates"
    if pack.id == current_pack().id and beside.is_dir():
        return beside
    return pack.templates_dir


# --- derived from core + pack schema + templates ----------------------------------------------


def form_fields(pack: Pack | str | None = None, *, file: str | None = None) -> list:
    """Ordered field descriptors of core + pack schema (key, type, title, required, help,
    choices, file); ``file="town"`` keeps only what a town file holds. For the web form and
    the ``profiles new`` scaffold."""
    from speechkit.campaigns.fields import walk

    pack = _as_pack(pack)
    specs = {s.key: s for s in pack.fields}
    fields = walk(pack.profile_model, "", specs)
    return [f for f in fields if file is None or f.file == file]


def _as_pack(pack: Pack | str | None) -> Pack:
    if pack is None:
        return get_pack(_OVERRIDE["id"] or LEGACY_ID)
    return pack if isinstance(pack, Pack) else get_pack(pack)


MEMBER_KEYS = ("name", "gender", "birth", "joined", "branch", "post")
"""What ``member`` holds in a per-member document (one roster row)."""

DERIVED_KEYS = ("town.committee", "town.short_name", "city.committee")
"""Keys the profile derives when they are not written (see ``Profile.context``)."""


def template_uses(pack: Pack) -> list[tuple[str, Location]]:
    """(dotted path, template file) of every variable the pack's templates read (read from the
    tags' text, see :mod:`speechkit.campaigns.tags`); cached on disk by the templates' content."""
    from speechkit.fsutil import sha256_bytes

    out: list[tuple[str, Location]] = []
    for doc in pack.documents:
        path = pack.templates_dir / doc.template
        try:
            data = path.read_bytes()
        except OSError:
            continue
        cache = _uses_cache(sha256_bytes(data))
        uses = None
        if cache is not None:
            with contextlib.suppress(OSError, ValueError):
                uses = json.loads(cache.read_text("utf-8"))
        if uses is None:
            from speechkit.campaigns.tags import variable_paths

            paths = variable_paths(data)
            uses = [[p, ""] for p in paths or ()]
            if cache is not None and paths is not None:
                from speechkit.fsutil import atomic_write_text

                with contextlib.suppress(OSError):
                    atomic_write_text(cache, json.dumps(uses, ensure_ascii=False))
        shown = display_path(path)
        out += [(p, Location(file=shown, snippet=where)) for p, where in uses]
    return out


def _uses_cache(digest: str) -> Path | None:
    try:
        return _cache_dir() / f"template-vars-3-{digest[:32]}.json"
    except Exception:  # noqa: BLE001 - no cache folder: compute every time
        return None


def template_keys(pack: Pack | str | None = None) -> tuple[str, ...]:
    """Optional profile keys the pack's templates read: missing ones are warnings."""
    pack = _as_pack(pack)
    cached = getattr(pack, "_template_keys", None)
    if cached is not None:
        return cached
    fields = form_fields(pack)
    optional = {f.key for f in fields if not f.required}
    keys: list[str] = []
    for path, _ in template_uses(pack):
        if path in DERIVED_KEYS:
            continue
        parts = path.split(".")
        for i in range(len(parts), 0, -1):
            key = ".".join(parts[:i])
            if key in optional:
                if key not in keys:
                    keys.append(key)
                break
    result = tuple(keys)
    pack._template_keys = result  # type: ignore[attr-defined]
    return result


__all__ = [
    "CHECK_KINDS",
    "CURRENT_IDS",
    "DOCUMENT_KINDS",
    "FIELD_TYPES",
    "LEGACY_ID",
    "SHIPPED_DIR",
    "CheckSpec",
    "DocumentType",
    "FieldSpec",
    "Pack",
    "add_search_dir",
    "campaign_index",
    "chosen_campaign",
    "current_pack",
    "declared",
    "find_pack_dir",
    "form_fields",
    "get_pack",
    "list_packs",
    "load",
    "pack_of_folder",
    "pack_of_profiles",
    "templates_for",
    "read_pack",
    "reset",
    "set_campaign",
    "template_keys",
    "template_uses",
    "validate_pack",
]


def __getattr__(name: str):
    if name == "FormField":
        from speechkit.campaigns.fields import FormField

        return FormField
    if name in ("validate_pack", "declared"):
        from speechkit.campaigns import validate

        return getattr(validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_inherit()
