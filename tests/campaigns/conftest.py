"""Fixtures of the campaign pack tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def pack_outputs(tmp_path_factory):
    """Render a shipped pack's demo city once per test module; every output is checked clean
    and format-checked on the way (see :func:`tests.campaigns.pack_tests.render_check_format`)."""
    from tests.campaigns.pack_tests import render_check_format

    cache: dict = {}

    def get(pack: str):
        if pack not in cache:
            cache[pack] = render_check_format(pack, tmp_path_factory.mktemp(pack))
        return cache[pack]

    return get
