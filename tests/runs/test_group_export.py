"""Exporting a group: CSV rows that round-trip against the run's codes, .npy int64 indices, the CLI's one sentences."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from latent3d.cli.parser import main
from latent3d.data.datasets import CLASS_NAMES
from latent3d.runs import Run, load_run
from latent3d.runs.group_export import GROUP_COLUMNS, write_group_csv, write_group_npy
from tests.support.hostile_fixtures import one_sentence
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("gexp") / "r", n=300, epochs=3))


def _view(tmp_path: Path, run: Run, step: int) -> Path:
    view = {"format_version": 1, "run": str(run.path), "step": step,
            "camera": {"position": [5, 5, 5], "focal_point": [0, 0, 0], "view_up": [0, 0, 1]},
            "color": "class", "hidden_classes": [], "selected": None, "groups": {"odd": [1, 3, 5, 299]}}
    path = tmp_path / "v.json"
    path.write_text(json.dumps(view))
    return path


def test_csv_round_trips_against_the_runs_codes(run: Run, tmp_path: Path) -> None:
    g = np.array([0, 7, 42, 299])
    assert write_group_csv(tmp_path / "g.csv", run, g, 2) == 4
    with open(tmp_path / "g.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == GROUP_COLUMNS
    body = rows[1:]
    assert [int(r[0]) for r in body] == g.tolist()
    assert [int(r[1]) for r in body] == run.labels[g].tolist()
    assert [r[2] for r in body] == [CLASS_NAMES[c] for c in run.labels[g]]
    xyz = np.array([[float(v) for v in r[3:6]] for r in body], np.float32)
    np.testing.assert_array_equal(xyz, run.codes[2, g])  # repr of float32 -> float: exact
    np.testing.assert_array_equal(np.array([float(r[6]) for r in body], np.float32), run.test_bce[2, g])


def test_npy_holds_int64_indices_without_pickle(tmp_path: Path) -> None:
    assert write_group_npy(tmp_path / "g.npy", np.array([3, 1, 2])) == 3
    back = np.load(tmp_path / "g.npy", allow_pickle=False)
    assert back.dtype == np.int64 and back.tolist() == [3, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["g.npy"]  # no temporary sibling left


def test_cli_exports_a_view_group_at_its_position_or_step(run: Run, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    view = _view(tmp_path, run, int(run.steps[1]))
    assert main(["export", "--view", str(view), "--group", "odd", "--out", str(tmp_path / "a.csv")]) == 0
    assert "snapshot 1" in capsys.readouterr().out
    rows = list(csv.reader(open(tmp_path / "a.csv", newline="")))[1:]
    np.testing.assert_array_equal(np.array([[float(v) for v in r[3:6]] for r in rows], np.float32),
                                  run.codes[1, [1, 3, 5, 299]])
    assert main(["export", "--view", str(view), "--group", "odd", "--step", str(int(run.steps[3])),
                 "--out", str(tmp_path / "b.csv")]) == 0
    rows = list(csv.reader(open(tmp_path / "b.csv", newline="")))[1:]
    np.testing.assert_array_equal(np.array([float(r[6]) for r in rows], np.float32), run.test_bce[3, [1, 3, 5, 299]])
    assert main(["export", "--view", str(view), "--group", "odd", "--out", str(tmp_path / "c.npy")]) == 0
    assert np.load(tmp_path / "c.npy").tolist() == [1, 3, 5, 299]


@pytest.mark.parametrize(("args", "fragment"), [
    (["--group", "even", "--out", "x.csv"], "has no group named 'even'"),
    (["--group", "odd", "--out", "x.txt"], "must end in .csv"),
    (["--out", "x.csv"], "Give --view FILE and --group NAME together"),
    (["--group", "odd", "--out", "x.csv", "--step", "999999"], "is outside"),
    (["--group", "odd", "--out", "missing/x.csv"], "does not exist"),
])
def test_cli_mistakes_are_one_sentence_and_exit_2(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  args: list[str], fragment: str) -> None:
    view = _view(tmp_path, run, 0)
    args = [str(tmp_path / a) if a.startswith(("x.", "missing/")) else a for a in args]
    assert main(["export", "--view", str(view), *args]) == 2
    one_sentence(capsys.readouterr().err, fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.json"]  # nothing written, no temporary file
