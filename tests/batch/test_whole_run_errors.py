"""Problems of the whole run are a Chinese message before any worker starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from batch_helpers import ROOT, args

from speechkit.batch.manifest import MANIFEST_NAME


def test_corrupt_manifest_fails_before_any_worker_starts(cli, workspace: Path):
    (workspace / "out").mkdir()
    (workspace / "out" / MANIFEST_NAME).write_text("{bad", "utf-8")
    argv = args(workspace)
    argv[argv.index("--jobs") + 1] = "2"
    result = cli(*argv)
    assert result.exit_code == 2
    assert "清单文件" in result.stderr and "已损坏" in result.stderr
    assert "Traceback" not in result.stderr
    assert "读取资料" not in result.stderr  # planning (and the pool) never started


def test_script_without_main_guard_gets_a_chinese_message(workspace: Path, tmp_path: Path):
    script = tmp_path / "snip.py"
    script.write_text(
        "from pathlib import Path\n"
        "from speechkit.batch import BatchOptions, run_batch\n"
        f"ws = Path({str(workspace)!r})\n"
        "r = run_batch(BatchOptions(profiles=ws / 'profiles', templates_dir=ws / 'templates',"
        " out=ws / 'out', towns=('donghu',), jobs=2))\n"
        "print('exit', r.exit_code)\n",
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert 'if __name__ == "__main__":' in done.stderr  # the workers say why they stopped
    assert "BrokenProcessPool" not in done.stderr
    assert done.returncode == 0 and "exit 0" in done.stdout  # the parent finished by itself
