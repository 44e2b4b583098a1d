"""Weights files get the run's permissions; a render with a read-only home prints no warning (issue 19, 18)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_fake_run

REPO = Path(__file__).resolve().parents[2]


def test_weights_files_have_the_permissions_of_the_rest_of_the_run(tmp_path: Path) -> None:
    run = make_fake_run(tmp_path / "run", epochs=1, n=20)
    modes = {p.relative_to(run).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in run.rglob("*") if p.is_file()}
    assert len(set(modes.values())) == 1, modes  # safetensors' save_file made the weights 0600


def test_a_render_with_an_unwritable_home_prints_no_matplotlib_warning(tmp_path: Path) -> None:
    run = make_fake_run(tmp_path / "run", epochs=1, n=50)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MPL"))}
    env |= {"HOME": "/proc", "PYTHONPATH": str(REPO)}  # nobody, root included, can create /proc/.config
    done = subprocess.run([sys.executable, str(REPO / "run.py"), "render", str(run), "--out", str(tmp_path / "x.png"),
                           "--size", "64x64"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and (tmp_path / "x.png").is_file()
