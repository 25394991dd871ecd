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
    yield app
    app.extensions["speechkit.checks"].close()  # the spawned check worker, if one started


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


@pytest.fixture(autouse=True, scope="session")
def _state_home(tmp_path_factory):
    """Keep the web page's persisted secrets out of the real home folder (for the whole
    session, so module-scoped servers get it too)."""
    import os

    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before
