"""Round three of hostile inputs (issue 19): view files that named unusable runs, empty outputs, a full stdout, ..."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from latent3d import runs
from latent3d.cli.parser import main
from latent3d.state.view import ViewFileError, ViewSpec, check_spec, load_view, load_view_run, spec_names_run
from tests.conftest import make_fake_run

REPO = Path(__file__).resolve().parents[1]
CAMERA = {"position": [4.0, 4.0, 4.0], "focal_point": [0.0, 0.0, 0.0], "view_up": [0.0, 0.0, 1.0]}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid 2-epoch run of 40 points."""
    return make_fake_run(tmp_path_factory.mktemp("r3") / "run", epochs=2, n=40)


def _view(tmp_path: Path, run: str, **keys: object) -> Path:
    path = tmp_path / "view.json"
    body = {"format_version": 1, "run": run, "step": 0, "camera": CAMERA, "color": "class", "hidden_classes": [],
            "selected": None} | keys
    path.write_text(json.dumps(body))
    return path


def _one_line(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def test_a_run_name_over_255_bytes_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    view = _view(tmp_path, "a" * 300 + "/run")
    assert main(["render", "--view", str(view), "--out", str(tmp_path / "x.png"), "--size", "64x64"]) == 2
    _one_line(capsys.readouterr().err, str(view), "'run'", "File name too long")
    with pytest.raises(ViewFileError, match="'run' cannot be opened"):
        load_view_run(load_view(view), view)


def test_a_run_that_is_a_link_loop_is_one_sentence(tmp_path: Path, run_dir: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    view = _view(tmp_path, str(loop))
    spec = load_view(view)
    assert spec_names_run(spec, runs.load_run(run_dir), view) is False  # was a RuntimeError in the window
    with pytest.raises(ViewFileError, match=r"View file .*view\.json"):
        load_view_run(spec, view)


def test_a_selected_image_of_a_hidden_class_is_refused_before_anything_is_applied(
        tmp_path: Path, run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = runs.load_run(run_dir)
    label = int(run.labels[3])
    view = _view(tmp_path, str(run_dir), selected=3, hidden_classes=[label])
    with pytest.raises(ViewFileError) as err:
        check_spec(load_view(view), run, view)
    assert str(view) in str(err.value) and "'selected'" in str(err.value) and "'hidden_classes'" in str(err.value)
    assert main(["render", "--view", str(view), "--out", str(tmp_path / "x.png"), "--size", "64x64"]) == 2
    _one_line(capsys.readouterr().err, str(view), "'selected'")
    assert not (tmp_path / "x.png").exists()


def test_an_epoch_only_view_opens_at_the_rounded_step(tmp_path: Path) -> None:
    """``"epoch": 3.04`` with 10 steps per epoch opens at round(30.4) = 30, the last step, as view-format.md says."""
    spec = ViewSpec(run="r", step=None, epoch=3.04, camera=None)
    spec.check_against(10, 30, 10, "v.json")
    assert spec.timeline_step(10) == 30
    with pytest.raises(ViewFileError, match="'epoch' is 3.06"):
        ViewSpec(run="r", step=None, epoch=3.06, camera=None).check_against(10, 30, 10, "v.json")


@pytest.mark.parametrize("option", ["--out", "--movie"])
def test_an_empty_output_name_is_one_sentence(run_dir: Path, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(run_dir), option, "", "--size", "64x64"]) == 2
    _one_line(capsys.readouterr().err, option, "is empty")


def test_info_onto_a_full_device_is_one_sentence(run_dir: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    for extra in (["--json"], []):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, str(REPO / "run.py"), "info", str(run_dir), *extra],
                                  stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                  env=os.environ | {"PYTHONPATH": str(REPO)})
        assert done.returncode == 2, done.stderr
        _one_line(done.stderr, "Could not write the output", "the disk is full")


def test_a_weights_file_with_many_wrong_tensors_names_the_same_one_each_time(tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    run = make_fake_run(tmp_path / "run", epochs=1, n=20)
    first = run / "weights" / "step_0000000.safetensors"
    save_file({k: np.zeros((2, 2), np.float32) for k in load_file(str(first))}, str(first))
    messages = set()
    for _ in range(6):
        with pytest.raises(runs.RunError) as err:
            runs.load_run(run)
        messages.add(str(err.value))
    assert len(messages) == 1 and "tensor decoder.0.bias is" in messages.pop()


@pytest.mark.parametrize("kind", ["file", "fifo", "dev-null", "long"])
def test_a_data_dir_variable_that_is_no_folder_is_refused_before_any_download(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    target = {"file": tmp_path / "file", "fifo": tmp_path / "fifo", "dev-null": Path("/dev/null"),
              "long": tmp_path / ("d" * 200) / ("e" * 200) / ("f" * 4000)}[kind]
    if kind == "file":
        target.write_text("x")
    elif kind == "fifo":
        os.mkfifo(target)
    monkeypatch.setenv("LATENT3D_DATA_DIR", str(target))
    import latent3d.data.datasets as datasets

    monkeypatch.setattr(datasets, "resolve_data_dir", lambda *a: pytest.fail("the data folder was used"))
    assert main(["train", "--epochs", "1", "--out", str(tmp_path / "run"), "--no-progress"]) == 2
    _one_line(capsys.readouterr().err, "Cannot use the data folder" if kind == "long" else "$LATENT3D_DATA_DIR")


def test_a_file_in_place_of_the_raw_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data" / "FashionMNIST").mkdir(parents=True)
    (tmp_path / "data" / "FashionMNIST" / "raw").write_text("x")
    assert main(["train", "--epochs", "1", "--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "run")]) == 2
    _one_line(capsys.readouterr().err, "--data-dir", "raw is a regular file, not a folder")


@pytest.mark.parametrize("extra", [
    ["--out", "x.png", "--fps", "1000"], ["--out", "x.png", "--frames-per-snapshot", "2"],
    ["--out", "x.png", "--time", "linear"], ["--out", "x.png", "--fit-each-frame"],
    ["--out", "x.png", "--frames-per-epoch", "3"],
    ["--movie", "x.gif", "--step", "1"], ["--movie", "x.gif", "--epoch", "1"],
    ["--movie", "x.gif", "--frames-per-epoch", "1000000000"], ["--movie", "x.gif", "--steps-per-epoch", "5"],
    ["--movie", "x.gif", "--time", "linear", "--frames-per-snapshot", "2"],
], ids=lambda e: " ".join(e))
def test_an_option_that_does_not_apply_is_one_sentence(extra: list[str], run_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", str(run_dir), "--size", "64x64", *[str(tmp_path / a) if a.startswith("x.") else a for a in extra]]
    assert main(argv) == 2
    option = next(a for a in extra[2:] if a.startswith("--"))
    err = capsys.readouterr().err
    if option == "--steps-per-epoch":  # the deprecated name warns first, then the sentence names the new one
        err, option = "\n".join(line for line in err.splitlines() if "is deprecated" not in line), "--frames-per-epoch"
    _one_line(err, option)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("extra", [["--camera", "xy"], ["--color", "error"], ["--train-overlay"]])
def test_options_a_view_file_sets_are_refused_with_it(extra: list[str], run_dir: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    view = _view(tmp_path, str(run_dir))
    assert main(["render", "--view", str(view), "--out", str(tmp_path / "x.png"), "--size", "64x64", *extra]) == 2
    _one_line(capsys.readouterr().err, extra[0], "--view")


def test_options_that_apply_are_still_taken(run_dir: Path, tmp_path: Path) -> None:
    assert main(["render", str(run_dir), "--size", "32x32", "--movie", str(tmp_path / "m.gif"), "--fps", "5",
                 "--time", "linear", "--frames-per-epoch", "2"]) == 0
    assert main(["render", str(run_dir), "--size", "32x32", "--out", str(tmp_path / "x.png"), "--epoch", "1",
                 "--camera", "xy"]) == 0


def test_an_mp4_onto_a_disk_that_fills_is_one_line_naming_the_full_disk(run_dir: Path, tmp_path: Path) -> None:
    """A real process (ffmpeg writes its complaints straight to the terminal, past any capture)."""
    from tests.support.hostile_fixtures import tmpfs

    with tmpfs(tmp_path / "small", "48k") as disk:
        done = subprocess.run([sys.executable, str(REPO / "run.py"), "render", str(run_dir), "--movie",
                               str(disk / "m.mp4"), "--size", "640x480", "--frames-per-snapshot", "30"],
                              capture_output=True, text=True, timeout=300, env=os.environ | {"PYTHONPATH": str(REPO)})
        assert done.returncode == 2
        _one_line(done.stderr, f"Could not write {disk / 'm.mp4'} (the disk is full)")
        assert os.listdir(disk) == []
