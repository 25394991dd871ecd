"""Fixtures for the web tests: an app over a writable copy of the demo profiles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from tests.conftest import PROFILES, TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def profiles_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped demo profiles (without rosters' edits leaking back)."""
    dest = tmp_path / "profiles"
    shutil.copytree(PROFILES, dest)
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
