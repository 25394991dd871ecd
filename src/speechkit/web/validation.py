"""Validation results for the pages, cached by file content so a big city answers at once.

The town list validates the whole profiles folder on every visit. Loading and validating one
town costs milliseconds; fifty of them on every click would not. :class:`ValidationCache`
keeps each file's result under its sha256 (and, for a town, the city file's): only files
that changed since the last visit are read again. The cross-town checks (the members total,
duplicate names) are cheap and run every time over the cached profiles.
"""

from __future__ import annotations

import threading
from pathlib import Path

from speechkit.errors import Problem
from speechkit.fsutil import sha256_file


def _sha(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


class ValidationCache:
    """Per-file validation results keyed by content hash (thread-safe)."""

    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._city: dict[tuple, list[Problem]] = {}
        self._towns: dict[tuple, tuple[object, list[Problem]]] = {}

    def _remember(self, store: dict, key: tuple, value):
        with self._lock:
            if len(store) >= self.limit:
                store.clear()
            store[key] = value
        return value

    def city(self, city: Path) -> list[Problem]:
        """The problems of city.yaml on its own."""
        from speechkit.profiles.validate import validate_city

        key = (str(city), _sha(city))
        with self._lock:
            hit = self._city.get(key)
        if hit is not None:
            return hit
        return self._remember(self._city, key, validate_city(city))

    def town(self, town: Path, city: Path | None) -> tuple[object, list[Problem]]:
        """``(profile or None, problems)`` of one town merged with the city file."""
        from speechkit.profiles import assemble

        key = (str(town), _sha(town), str(city), _sha(city) if city else None)
        with self._lock:
            hit = self._towns.get(key)
        if hit is not None:
            return hit
        return self._remember(self._towns, key, assemble(town, city))

    def folder(self, root: Path) -> list[Problem]:
        """Every problem of a profiles folder, as ``speechkit profiles validate`` finds them."""
        from speechkit.profiles import find_towns
        from speechkit.profiles.model import CITY_FILE, missing_city_problem
        from speechkit.profiles.validate import dedupe_problems, totals

        city = root / CITY_FILE
        has_city = city.is_file()
        problems: list[Problem] = (
            list(self.city(city)) if has_city else [missing_city_problem(city)]
        )
        profiles, failed = [], 0
        for town in find_towns(root):
            profile, found = self.town(town, city if has_city else None)
            problems += found
            if profile is None:
                failed += 1
            else:
                profiles.append(profile)
        problems += totals(profiles, failed, city if has_city else None)
        return dedupe_problems(problems)
