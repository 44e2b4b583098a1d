"""The train preflight, round three (issue 19): a size estimate close to what is written, a reserved run name,
and a read-only file system named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latent3d.cli.parser import main
from latent3d.config.train import TrainConfig
from latent3d.job import preflight
from latent3d.runs import RunError, load_run
from latent3d.runs.writer import RunWriter
from tests.support.hostile_fixtures import remount_read_only, tmpfs

SIZES = [  # epochs, train images, test images, batch, weights dtype, encoder
    ("2", "128", "1000", "64", "float32", "all"),  # the round-two case: 7.8 MB written, refused as 25.5 MB
    ("1", "2000", "1000", "64", "float32", "all"),
    ("2", "512", "300", "32", "float16", "final"),
]


def _folder_bytes(run: Path) -> int:
    return sum(p.stat().st_size for p in run.rglob("*") if p.is_file())


@pytest.mark.parametrize("size", SIZES, ids=["-".join(s) for s in SIZES])
def test_the_estimate_is_within_a_quarter_of_what_is_written(size: tuple[str, ...], data_dir: Path,
                                                             tmp_path: Path) -> None:
    epochs, train, test, batch, dtype, encoder = size
    target = tmp_path / "run"
    assert main(["train", "--epochs", epochs, "--max-train-images", train, "--max-test-images", test,
                 "--batch-size", batch, "--weights-dtype", dtype, "--keep-encoder", encoder, "--device", "cpu",
                 "--data-dir", str(data_dir), "--out", str(target), "--no-progress"]) == 0
    run = load_run(target)
    written = _folder_bytes(target)
    estimate = preflight.estimate_run_bytes(run.config, weights_dtype=dtype, keep_encoder=encoder)
    assert 0.75 * written <= estimate <= 1.25 * written, (estimate, written)
    preflight.check_train(run.config, tmp_path / "again", weights_dtype=dtype, keep_encoder=encoder,
                          free=int(written * 1.02))  # a disk that holds it is not refused
    with pytest.raises(preflight.PreflightError, match="would take about"):
        preflight.check_train(run.config, tmp_path / "again", weights_dtype=dtype, keep_encoder=encoder,
                              free=written // 2)


def _writer(target: Path) -> RunWriter:
    return RunWriter(target, TrainConfig(epochs=1), steps_per_epoch=1)


def test_a_name_being_trained_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "shared-name"
    first = _writer(target)
    with pytest.raises(RunError, match="Another training is writing a run named shared-name"):
        _writer(target)
    with pytest.raises(preflight.PreflightError, match="another training is writing a run named shared-name"):
        preflight.check_out(target)
    assert main(["train", "--epochs", "1", "--out", str(target), "--no-progress"]) == 2
    assert "another training is writing" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == [first.tmp.name]  # the refused ones left nothing
    first.abort()
    second = _writer(target)  # released: the name is free again
    second.abort()


def test_a_leftover_partial_folder_reserves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "name"
    (tmp_path / ".name.partial-deadbeef" / "weights").mkdir(parents=True)  # what a killed training leaves
    preflight.check_out(target)
    w = _writer(target)
    labels = np.zeros(4, np.uint8)
    w.add_snapshot(0, np.zeros((4, 3), np.float32), np.zeros(4, np.float32), 0.5, {}, step_losses=np.zeros(0))
    w.add_snapshot(1, np.zeros((4, 3), np.float32), np.zeros(4, np.float32), 0.5, {},
                   step_losses=np.zeros(1, np.float32), train_loss=0.5)
    assert w.finish(labels=labels) == target and target.is_dir()


def test_a_read_only_file_system_is_named(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "1m") as disk:
        remount_read_only(disk)
        with pytest.raises(preflight.PreflightError, match="mounted read-only"):
            preflight.check_out(disk / "run")


def test_a_disk_made_read_only_mid_training_says_the_partial_folder_was_left(data_dir: Path, tmp_path: Path) -> None:
    from latent3d.job.train_job import TrainJob
    from latent3d.training.session import SaveError, train_and_save

    with tmpfs(tmp_path / "runs", "64m") as disk:
        job = TrainJob(TrainConfig(epochs=1, max_train_images=256, max_test_images=100), disk / "run",
                       data_dir=data_dir, device="cpu")
        with pytest.raises(SaveError) as err:
            train_and_save(job, on_snapshot=lambda r: remount_read_only(disk) if r.step == 0 else None)
        text = str(err.value)
        assert "the file system is read-only" in text and "could not be removed" in text and "\n" not in text
        left = [p for p in disk.iterdir() if p.name.startswith(".run.partial-")]
        assert len(left) == 1 and str(left[0]) in text
