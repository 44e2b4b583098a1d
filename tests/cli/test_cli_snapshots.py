"""The command line and snapshots: ``train --snapshots``, and ``info`` on format-2 and format-1 runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latent3d import runs
from latent3d.cli.parser import main
from tests.conftest import make_fake_run
from tests.support.v1_run import write_v1_run


@pytest.mark.parametrize("value", ["linear", "every:0", "every:-3", "every:x", "every", "EPOCHS", ""])
def test_bad_schedule_is_usage_and_one_sentence(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["train", "--snapshots", value])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and lines[0].startswith("usage: latent3d train") and "Traceback" not in err
    assert lines[-1] == (f"latent3d train: error: Argument --snapshots: Snapshot schedule {value!r} is not one of "
                         "epochs, log or every:N (N a whole number of at least 1).")


def test_too_many_snapshots_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--snapshots", "every:1", "--out", str(tmp_path / "r")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err == ("latent3d: error: Snapshot schedule every:1 would keep 18,761 snapshots (20 epochs of 938 steps), "
                   "more than the 10,000 allowed; choose a larger N.\n")
    assert not (tmp_path / "r").exists()


def test_train_every_n(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "every"
    assert main(["train", "--epochs", "2", "--max-train-images", "640", "--max-test-images", "50", "--data-dir",
                 str(data_dir), "--out", str(out), "--device", "cpu", "--no-progress", "--snapshots", "every:4"]) == 0
    run = runs.load_run(out)
    assert run.steps.tolist() == [0, 4, 8, 10, 12, 16, 20] and run.config.snapshots == "every:4"
    assert run.step_loss is not None and len(run.step_loss) == 20


def test_info_json_lists_the_snapshots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_fake_run(tmp_path / "log", epochs=3, n=40, snapshots="log")
    assert main(["info", str(path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    run = runs.load_run(path)
    assert s["steps_per_epoch"] == 938 and len(s["snapshots"]) == run.n_snapshots == 23
    assert [d["step"] for d in s["snapshots"]] == run.steps.tolist()
    assert [d["epoch"] for d in s["snapshots"]] == run.snapshot_epochs.tolist()
    assert [d["test_loss"] for d in s["snapshots"]] == pytest.approx(run.test_bce.mean(axis=1).tolist(), rel=1e-6)
    assert main(["info", str(path)]) == 0
    text = capsys.readouterr().out
    assert "23 snapshots, 938 steps per epoch" in text and "(13 more)" in text
    assert "       0     0.000" in text and "    2814     3.000" in text


def test_info_on_a_format_1_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_v1_run(tmp_path / "old", epochs=2, train_images=1000, batch_size=64)
    assert main(["info", str(path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["steps_per_epoch"] == 16 and [d["step"] for d in s["snapshots"]] == [0, 16, 32]
    assert [d["epoch"] for d in s["snapshots"]] == [0.0, 1.0, 2.0]
    assert s["snapshots"][0]["test_loss"] == pytest.approx(s["initial_test_loss"])
    assert main(["info", str(path)]) == 0
    text = capsys.readouterr().out
    assert "3 snapshots, 16 steps per epoch" in text and "more)" not in text
