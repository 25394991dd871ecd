"""The facts of a town profile that ``speechkit check --profile`` compares the text with,
kept in the user cache once the profile has been validated.

Loading a profile validates it with pydantic against its campaign pack's schema, which costs
more than the check itself (importing pydantic and building the models alone takes about a
tenth of a second). The checker only reads the profile: its merged data, its campaign pack
and where each value is written. :func:`load_facts` therefore keeps those, once
:func:`speechkit.profiles.load_profile` has accepted the files, in the user cache folder, and
serves them again while none of the files the validation depended on has changed (the town
and city files, every file of the campaign pack, the folders packs are looked for in, the
code of the profile and campaign modules). Anything else loads and validates the profile
anew, with the same errors as before.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from speechkit.keypath import normalize_keypath

_VERSION = 1
MAX_ENTRIES = 200
"""Cached profiles kept; writing one more removes the least recently written (test runs and
temporary folders would otherwise leave one file per town path behind)."""
_CODE = Path(__file__).resolve().parent.parent  # the speechkit package
_CODE_DIRS = ("profiles", "campaigns")


class ProfileFacts:
    """A validated profile as the checker reads it (duck-typed like
    :class:`speechkit.profiles.Profile`: ``data``, ``pack_id``, ``town_path``, ``context()``,
    ``locate()``)."""

    def __init__(
        self,
        *,
        slug: str,
        town_path: Path,
        city_path: Path | None,
        data: dict[str, Any],
        context: dict[str, Any],
        pack_id: str | None,
        places: dict[str, str],
    ) -> None:
        self.slug = slug
        self.town_path = town_path
        self.city_path = city_path
        self.data = data
        self.pack_id = pack_id
        self._context = context
        self._places = places

    def context(self) -> dict[str, Any]:
        """What templates see (a fresh copy, derived keys included)."""
        return copy.deepcopy(self._context)

    def locate(self, keypath: str) -> str | None:
        """Where the value at ``keypath`` is written (``file:line:column``), or None."""
        return self._places.get(normalize_keypath(keypath))


def load_facts(town_path: str | Path) -> ProfileFacts:
    """The facts of the profile at ``town_path`` (its default city.yaml next to it), from the
    cache when its files are unchanged, else loaded and validated (raises
    :class:`~speechkit.errors.ProfileError` as :func:`speechkit.profiles.load_profile` does)."""
    town_path = Path(town_path)
    entry = _entry(town_path)
    if entry is not None:
        got = _read(entry)
        if got is not None:
            return got
    from speechkit.profiles import load_profile

    profile = load_profile(town_path)
    facts = from_profile(profile)
    if entry is not None:
        _write(entry, profile, facts)
    return facts


def from_profile(profile) -> ProfileFacts:
    """The facts of a loaded :class:`speechkit.profiles.Profile`."""
    places = {}
    for table in (profile.key_locations, profile.value_locations):  # a value's place wins
        places.update({k: str(v) for k, v in table.items()})
    return ProfileFacts(
        slug=profile.slug,
        town_path=Path(profile.town_path),
        city_path=Path(profile.city_path) if profile.city_path else None,
        data=profile.data,
        context=profile.context(),
        pack_id=profile.pack_id,
        places=places,
    )


def _entry(town_path: Path) -> Path | None:
    """The cache file for this town file, working folder and campaign choice (None: no
    cache folder)."""
    try:
        from speechkit import campaigns
        from speechkit.check.tokens import cache_dir

        near = _default_city(town_path).parent.parent
        key = repr(
            (
                _VERSION,
                str(town_path.resolve()),
                os.getcwd(),
                campaigns.chosen_campaign(),
                [str(d) for d in campaigns._dirs(near)],  # where packs are looked for
            )
        )
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return cache_dir() / f"profile-{name}.marshal"
    except (OSError, AttributeError, ImportError):
        return None


def _default_city(town_path: Path) -> Path:
    """``<town>/../../city.yaml`` (as :func:`speechkit.profiles.model.default_city_path`)."""
    return Path(os.path.normpath(os.path.join(town_path.parent, os.pardir, "city.yaml")))


def _stat(path: str | Path) -> tuple:
    """(path, mtime, size) of a file or folder (None, None when absent)."""
    try:
        st = os.stat(path)
        return (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        return (str(path), None, None)


def _digest(path: str | Path) -> tuple:
    """(path, sha256 of the content, None): the profile files themselves are compared by
    content, so an edit keeping size and (coarse) time is still seen."""
    try:
        return (str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), None)
    except OSError:
        return (str(path), None, None)


def _fresh(deps) -> bool:
    """Whether every dependency is as recorded."""
    for path, a, b in deps:
        now = _digest(path) if b is None and isinstance(a, str) else _stat(path)
        if now != (path, a, b):
            return False
    return True


def _dependencies(profile) -> list[tuple] | None:
    """(path, mtime, size) of everything the validation read or looked for."""
    from speechkit import campaigns

    town = Path(profile.town_path)
    city = Path(profile.city_path) if profile.city_path else _default_city(town)
    root = campaigns.find_pack_dir(profile.pack_id, city.parent.parent)
    if root is None:
        return None
    files = list(campaigns._dirs(city.parent.parent))
    for folder, _subdirs, names in os.walk(root):
        files.append(Path(folder))
        files.extend(Path(folder) / n for n in names)
    for sub in _CODE_DIRS:
        files.extend(sorted((_CODE / sub).glob("*.py")))
    files.append(Path(__file__))
    return [_digest(town), _digest(city), *(_stat(f) for f in files)]


def _write(entry: Path, profile, facts: ProfileFacts) -> None:
    try:
        deps = _dependencies(profile)
        if deps is None:
            return
        value = {
            "deps": deps,
            "slug": facts.slug,
            "town": str(facts.town_path),
            "city": str(facts.city_path) if facts.city_path else None,
            "data": _encode(facts.data),
            "context": _encode(facts._context),
            "pack": facts.pack_id,
            "places": facts._places,
        }
        from speechkit.fsutil import atomic_write_bytes

        atomic_write_bytes(entry, marshal.dumps(value))
        _prune(entry.parent)
    except (OSError, ValueError, TypeError, ImportError):
        pass  # no cache: the next run validates again


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently written cached profiles."""
    entries = []
    for path in folder.glob("profile-*.marshal"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _mtime, path in sorted(entries)[: max(len(entries) - MAX_ENTRIES, 0)]:
        path.unlink(missing_ok=True)


def _read(entry: Path) -> ProfileFacts | None:
    try:
        value = marshal.loads(entry.read_bytes())
        if not _fresh(value["deps"]):
            return None
        return ProfileFacts(
            slug=value["slug"],
            town_path=Path(value["town"]),
            city_path=Path(value["city"]) if value["city"] else None,
            data=_decode(value["data"]),
            context=_decode(value["context"]),
            pack_id=value["pack"],
            places=value["places"],
        )
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None


def _encode(value):
    """Profile data in a form :mod:`marshal` stores: dates as ("date", ISO text)."""
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if type(value) is dt.date:
        return ("date", value.isoformat())
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(f"not cacheable: {type(value).__name__}")


def _decode(value):
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, tuple):
        return dt.date.fromisoformat(value[1])
    return value
