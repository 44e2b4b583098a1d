"""The shipped run is found by name wherever LATENT3D_RUNS_DIR points: the runs folder first, then the shipped runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import latent3d
from latent3d.cli.parser import main
from latent3d.runs import store
from tests.conftest import make_fake_run

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "checkpoints" / "fashion-mnist-default"


def test_the_conftest_points_the_runs_folder_elsewhere() -> None:
    """Every test below runs with LATENT3D_RUNS_DIR set to an empty folder (conftest), as the issue's user had."""
    assert store.default_runs_dir() != REPO / "checkpoints" and not any(store.default_runs_dir().iterdir())


def test_a_name_resolves_to_the_shipped_run() -> None:
    assert store.resolve_run_path("fashion-mnist-default") == SHIPPED
    assert store.resolve_run_path("no-such-run") == store.default_runs_dir() / "no-such-run"


def test_the_runs_folder_comes_first() -> None:
    own = make_fake_run(store.default_runs_dir() / "fashion-mnist-default", epochs=1, n=50)
    assert store.resolve_run_path("fashion-mnist-default") == own
    assert [s.path for s in store.list_runs()] == [own]


def test_load_run_by_name() -> None:
    run = latent3d.load_run("fashion-mnist-default")
    assert run.path == SHIPPED and run.epochs == 20


def test_an_empty_runs_folder_lists_and_opens_the_shipped_run() -> None:
    """The window opens ``newest_run()`` when no run is named: the shipped one, not "No complete run"."""
    assert [s.path for s in store.list_runs()] == [SHIPPED]
    assert store.newest_run() == SHIPPED
    assert store.list_runs(store.default_runs_dir()) == []  # an explicit folder means that folder alone


def test_a_newer_own_run_is_the_newest() -> None:
    own = make_fake_run(store.default_runs_dir() / "mine", epochs=1, n=50)
    assert store.newest_run() == own


def test_info_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "fashion-mnist-default"]) == 0
    assert f"({SHIPPED})" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["fashion-mnist-default"], ["view", "fashion-mnist-default"]])
def test_view_by_name_reaches_the_viewer(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Not argparse's "invalid choice" nor "does not exist": the viewer, which finds no display here."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main(argv) == 2
    assert "no display to open the viewer on" in capsys.readouterr().err


def test_shipped_names_match_the_wheels_package_data() -> None:
    """The names a clone treats as shipped are the ones the wheel takes as package data."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"]["latent3d._bundled"]
    assert sorted(g.split("/", 1)[0] for g in globs) == sorted(store.SHIPPED_RUNS)
