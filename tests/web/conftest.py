"""Fixtures for the web tests: an app over a writable copy of the demo profiles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def profiles_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped demo profiles (without rosters' edits leaking back)."""
    dest = tmp_path / "profiles"
    shutil.copytree(ROOT / "profiles", dest)
    return dest


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    out.mkdir()
    return out


@pytest.fixture
def app(profiles_dir: Path, output_dir: Path):
    from speechkit.web import create_app

    app = create_app(profiles_dir, TEMPLATES, output_dir, batch_jobs=1, max_upload=256 * 1024)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def _csrf_of(client, url: str = "/check") -> str:
    """GET ``url`` and return the CSRF token embedded in its form."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF field on {url}"
    return match.group(1)


@pytest.fixture
def csrf_of():
    """``csrf_of(client, url="/check")``: the CSRF token of the form on ``url``."""
    return _csrf_of


# --- stand-ins, active only until the profiles area's functions land -----------------------


def _standin_validate(paths):
    from speechkit.errors import ProfileError
    from speechkit.profiles import find_towns, load_profile

    problems = []
    for path in paths:
        path = Path(path)
        towns = find_towns(path) if path.is_dir() else [path]
        for town in towns:
            try:
                load_profile(town)
            except ProfileError as exc:
                problems.extend(exc.problems)
    return problems


class _StandinConcurrentEditError(Exception):
    pass


def _standin_update(path, changes, expected_sha256=None):
    import io

    from ruamel.yaml import YAML

    from speechkit.errors import ProfileError
    from speechkit.fsutil import atomic_write_text, sha256_file
    from speechkit.profiles import load_profile

    if expected_sha256 is not None and sha256_file(path) != expected_sha256:
        raise _StandinConcurrentEditError("changed")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    old = Path(path).read_text(encoding="utf-8")
    doc = yaml.load(old)
    for key, value in changes.items():
        node = doc
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    buf = io.StringIO()
    yaml.dump(doc, buf)
    atomic_write_text(path, buf.getvalue())
    try:
        load_profile(path)
    except ProfileError:
        atomic_write_text(path, old)
        raise


@pytest.fixture(autouse=True)
def _profiles_standins(monkeypatch):
    import speechkit.profiles as profiles

    if not hasattr(profiles, "validate"):
        monkeypatch.setattr(profiles, "validate", _standin_validate, raising=False)
    if not hasattr(profiles, "update_town_file"):
        monkeypatch.setattr(profiles, "update_town_file", _standin_update, raising=False)
        monkeypatch.setattr(
            profiles, "ConcurrentEditError", _StandinConcurrentEditError, raising=False
        )
