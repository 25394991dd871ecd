"""A user's pack given with --campaigns works in spawned worker processes too (batch -j 2,
the web's check worker): the folders are handed down through the environment."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import run_cli


def test_campaigns_folders_reach_a_spawned_process(tmp_path, monkeypatch):
    from speechkit import campaigns

    assert run_cli("campaigns", "new", "my-campaign", cwd=tmp_path).exit_code == 0
    folder = tmp_path / "campaigns"
    monkeypatch.delenv(campaigns.SEARCH_ENV, raising=False)
    try:
        campaigns.add_search_dir(folder)
        code = "from speechkit import campaigns; print(campaigns.get_pack('my-campaign').id)"
        child = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
        )
    finally:
        campaigns.reset()
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "my-campaign"
    assert campaigns.SEARCH_ENV not in os.environ  # reset() takes it back
