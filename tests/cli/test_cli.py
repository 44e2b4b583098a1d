"""The command line: training end to end, info, and one-sentence errors with exit 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from latent3d import runs
from latent3d.cli.parser import main

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "run.py"), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, cwd=REPO)


def test_train_then_info(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiny"
    r = _run("train", "--epochs", "2", "--max-train-images", "2000", "--max-test-images", "300",
             "--data-dir", str(data_dir), "--out", str(out), "--device", "cpu")
    assert r.returncode == 0, r.stderr
    assert "Saved run tiny: 2 epochs" in r.stdout
    info = _run("info", str(out), "--json")
    assert info.returncode == 0, info.stderr
    s = json.loads(info.stdout)
    assert s["epochs"] == 2 and s["num_points"] == 300
    assert len(s["train_loss"]) == len(s["test_loss"]) == 2
    assert s["config"]["batch_size"] == 64 and s["config"]["lr"] == 1e-3
    assert s["dataset"]["sha256"] and s["versions"]["torch"]
    assert s["steps_per_epoch"] == 32  # 2000 images at batch 64
    steps = [d["step"] for d in s["snapshots"]]
    assert steps[0] == 0 and steps[-1] == 64 and steps == sorted(set(steps)) and len(steps) == 1 + 20 + 1
    assert all(d["epoch"] == d["step"] / 32 and isinstance(d["test_loss"], float) for d in s["snapshots"])
    run = runs.load_run(out)
    assert run.codes.shape == (22, 300, 3) and run.config.snapshots == "log"
    assert run.train_codes is not None and run.train_codes.shape == (2000, 3)
    text = _run("info", str(out))
    assert "784-256-128-64-3" in text.stdout and "test BCE" in text.stdout
    assert "22 snapshots, 32 steps per epoch" in text.stdout and "(12 more)" in text.stdout


def test_cli_training_is_reproducible(data_dir: Path, tmp_path: Path) -> None:
    args = ["train", "--epochs", "1", "--max-train-images", "1000", "--max-test-images", "200",
            "--data-dir", str(data_dir), "--device", "cpu", "--no-progress", "--seed", "5"]
    for name in ("a", "b"):
        assert _run(*args, "--out", str(tmp_path / name)).returncode == 0
    a, b = runs.load_run(tmp_path / "a"), runs.load_run(tmp_path / "b")
    assert a.codes.tobytes() == b.codes.tobytes()
    assert a.test_loss == b.test_loss


# Bad arguments, bad numbers and bad run paths: tests/cli/test_cli_input.py.


def test_train_without_data_exits_2_with_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from latent3d.data import datasets as data
    from latent3d.training import session

    def offline(root: Path, *_dataset: object) -> None:
        raise data.DataError(f"Could not download Fashion-MNIST into {root} (offline); put the files there.")

    monkeypatch.setattr(session, "download", offline)  # the download lives on the training side
    assert main(["train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "Could not download Fashion-MNIST" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


# SIGKILL during training and during the final save: tests/training/test_killed_training.py.


def test_view_without_display_is_one_sentence(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux")
    assert main(["view"]) == 2
    err = capsys.readouterr().err
    assert "no display to open the viewer on" in err and err.count("\n") == 1
