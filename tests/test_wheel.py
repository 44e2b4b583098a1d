"""A pip-installed latent3d finds its bundled run from any folder, without a clone (the wheel, built here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

BUNDLED = "fashion-mnist-default"


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the project (with a local run and a partial folder beside the bundled one),
    installed with ``pip install --target``; returns the target folder."""
    pytest.importorskip("setuptools", minversion="77", reason="the wheel is built offline with setuptools>=77")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(REPO / "latent3d", src / "latent3d", ignore=ignore)
    shutil.copytree(REPO / "checkpoints" / BUNDLED, src / "checkpoints" / BUNDLED)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    (src / "checkpoints" / "run-of-the-developer").mkdir()  # a clone's own runs are not shipped
    (src / "checkpoints" / "run-of-the-developer" / "run.json").write_text("{}")
    (src / "checkpoints" / f".{BUNDLED}.partial-0000").mkdir()
    built = _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                  "--no-index", "-q", "-w", str(tmp / "dist")])
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("latent3d-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if "/_bundled/" in n}
    expected = {f"latent3d/_bundled/{BUNDLED}/{p.relative_to(REPO / 'checkpoints' / BUNDLED).as_posix()}"
                for p in (REPO / "checkpoints" / BUNDLED).rglob("*") if p.is_file()}
    assert shipped == expected  # the whole bundled run and nothing else of checkpoints/
    site = tmp / "site"
    installed = _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site),
                      str(wheel)])
    assert installed.returncode == 0, installed.stderr
    return site


def _in_another_folder(site: Path, tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LATENT3D_RUNS_DIR", "PYTHONPATH")}
    # The per-user runs folder (platformdirs) in a fresh, empty home: nothing but the package to find.
    env.update(PYTHONPATH=str(site), HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"))
    cwd = tmp_path / "elsewhere"
    cwd.mkdir(exist_ok=True)
    return _run([sys.executable, "-c", code], cwd=cwd, env=env)


@pytest.mark.wheel
def test_info_finds_the_bundled_run_by_name(installed: Path, tmp_path: Path) -> None:
    out = _in_another_folder(installed, tmp_path, (
        "import sys, latent3d; from latent3d.cli.parser import main; "
        "print(latent3d.__file__, file=sys.stderr); sys.exit(main(['info', 'fashion-mnist-default', '--json']))"))
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().startswith(str(installed))  # imported from the wheel, not from the source tree
    info = json.loads(out.stdout)
    assert info["epochs"] == 20 and info["num_points"] == 10000


@pytest.mark.wheel
def test_the_window_opens_the_bundled_run_first(installed: Path, tmp_path: Path) -> None:
    """``latent3d`` with no run opens ``newest_run()``: with an empty runs folder, the bundled one."""
    out = _in_another_folder(installed, tmp_path, (
        "from latent3d.runs import default_runs_dir, list_runs, newest_run; "
        "print(newest_run()); print(default_runs_dir()); print([s.name for s in list_runs()])"))
    assert out.returncode == 0, out.stderr
    newest, runs_dir, names = out.stdout.splitlines()
    assert Path(newest) == installed / "latent3d" / "_bundled" / BUNDLED
    assert Path(runs_dir).is_relative_to(tmp_path / "home")
    assert names == f"['{BUNDLED}']"


def test_a_name_falls_back_to_the_bundled_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Store rules, without a wheel: the runs folder first, then the package's bundled runs."""
    from latent3d.runs import store
    from tests.conftest import make_fake_run

    bundled = tmp_path / "bundled"
    make_fake_run(bundled / "shipped", epochs=1, n=50)
    (bundled / "notes.txt").write_text("not a run")
    monkeypatch.setattr(store, "bundled_runs_dir", lambda: bundled)
    monkeypatch.setattr(store, "_project_runs_dir", lambda: tmp_path / "no-clone")  # as a wheel has no clone
    runs = store.default_runs_dir()
    assert store.resolve_run_path("shipped") == bundled / "shipped"
    assert store.resolve_run_path("shipped", runs) == runs / "shipped"  # an explicit folder means that folder
    assert store.resolve_run_path("notes.txt") == runs / "notes.txt"  # only folders are bundled runs
    assert [s.name for s in store.list_runs()] == ["shipped"] and store.list_runs(runs) == []
    assert store.newest_run() == bundled / "shipped"
    make_fake_run(runs / "shipped", epochs=2, n=50)  # the user's own run of that name wins
    assert store.resolve_run_path("shipped") == runs / "shipped"
    assert [s.path for s in store.list_runs()] == [runs / "shipped"]
