"""The import contracts themselves: planted in a copy of the package, each forbidden import is reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed (pip install -e '.[dev]')")

# Each plant: files to add to the copy (path -> text), then lines the report must hold.
PLANTS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "new top-level module importing PySide6": (
        {"latent3d/planted.py": "import PySide6\n"},
        ("Only the widgets import Qt; only the widgets and the scene import VTK BROKEN",
         "latent3d.planted -> PySide6"),
    ),
    "state module importing the training process": (
        {"latent3d/state/planted.py": "from latent3d.job import process\n"},
        ("(train is outside) BROKEN", "latent3d.state.planted -> latent3d.job.process"),
    ),
    "state module importing the torch side of training": (
        {"latent3d/state/planted.py": "def f() -> None:\n    from latent3d.training import session\n"},
        ("latent3d.state is not allowed to import latent3d.training",
         "latent3d.state.planted -> latent3d.training.session"),
    ),
    "widget importing a new module that imports torch": (
        {"latent3d/qt/planted.py": "import latent3d.helper\n", "latent3d/helper.py": "import torch\n"},
        ("latent3d.qt is not allowed to import torch", "latent3d.qt.planted -> latent3d.helper",
         "latent3d.helper -> torch"),
    ),
    "a feature of the window importing another feature": (
        {"latent3d/qt/groups/planted.py": "from latent3d.qt.compare import controls\n"},
        ("Features of the window never import each other BROKEN",
         "latent3d.qt.groups.planted -> latent3d.qt.compare.controls"),
    ),
    "a feature of the window importing another feature's widget through a helper of its own": (
        {"latent3d/qt/learning/planted.py": "import latent3d.qt.learning.planted_helper\n",
         "latent3d/qt/learning/planted_helper.py": "from latent3d.qt.inspect import image_panel\n"},
        ("Features of the window never import each other BROKEN",
         "latent3d.qt.learning.planted_helper -> latent3d.qt.inspect.image_panel"),
    ),
    "a feature of the scene importing another feature": (
        {"latent3d/scene/groups/planted.py": "from latent3d.scene.decoder_map import layer\n"},
        ("Features of the scene never import each other BROKEN",
         "latent3d.scene.groups.planted -> latent3d.scene.decoder_map.layer"),
    ),
    "a feature of the window drawing another feature's scene": (
        {"latent3d/qt/groups/planted.py": "from latent3d.scene.compare import presenter\n"},
        ("Only the compare feature and the off-screen renderer draw the compare in 3-D BROKEN",
         "latent3d.qt.groups.planted -> latent3d.scene.compare.presenter"),
    ),
    "the window's shared widgets importing a feature": (
        {"latent3d/qt/widgets/planted.py": "from latent3d.qt.groups import panel\n"},
        ("The core of the window and of the scene never imports a feature BROKEN",
         "latent3d.qt.widgets.planted -> latent3d.qt.groups.panel"),
    ),
    "a state model importing a feature of the scene": (
        {"latent3d/state/planted.py": "def f() -> None:\n    from latent3d.scene.groups import trails\n"},
        ("The core of the window and of the scene never imports a feature BROKEN",
         "latent3d.state.planted -> latent3d.scene.groups.trails"),
    ),
}


def _lint(tmp: Path, plant: dict[str, str]) -> subprocess.CompletedProcess[str]:
    copy = tmp / "copy"
    shutil.copytree(REPO / "latent3d", copy / "latent3d", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    for rel, text in plant.items():
        (copy / rel).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(copy)}  # the copy, not the checkout, is the package linted
    assert LINT is not None
    return subprocess.run([LINT, "--no-cache", "--no-logo"], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=120)


def _squash(text: str) -> str:
    return " ".join(text.split())  # the report wraps long contract names over lines


def test_unplanted_copy_is_kept(tmp_path: Path) -> None:
    r = _lint(tmp_path, {})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("name", PLANTS)
def test_planted_violation_is_reported(tmp_path: Path, name: str) -> None:
    plant, wanted = PLANTS[name]
    r = _lint(tmp_path, plant)
    report = _squash(r.stdout)
    assert r.returncode == 1, r.stdout + r.stderr
    for line in wanted:
        assert _squash(line) in report, (line, r.stdout)
