"""The live run: snapshot messages from a training process become a growing format-2 Run."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from latent3d import runs
from latent3d.config.train import TrainConfig
from latent3d.job.process import Failed, Finished, Snapshot, Started, TrainingProcess
from latent3d.job.train_job import TrainJob
from latent3d.runs.live import LiveRun

DECODER = {f"decoder.{i}.{k}": np.zeros((2,), np.float32) for i in (0, 2, 4, 6) for k in ("weight", "bias")}


def _update(step: int, prev: int, spe: int = 10, n: int = 5) -> Snapshot:
    end = step > 0 and step % spe == 0
    return Snapshot(step, step / spe, spe, np.full((n, 3), step, np.float32), np.full(n, 0.5, np.float32),
                    0.5 - step / 1000, DECODER, np.arange(prev, step, dtype=np.float32), 0.4 if end else None,
                    end, 0.01)


def test_live_run_grows_one_snapshot_at_a_time(tmp_path: Path) -> None:
    started = SimpleNamespace(target=tmp_path / "live", config=TrainConfig(epochs=2, max_train_images=640),
                              labels=np.zeros(5, np.uint8), n_batches=10)
    live = LiveRun(started)
    assert live.epochs == -1
    steps = [0, 1, 2, 4, 10, 13, 20]
    for k, (prev, step) in enumerate(zip([0, *steps], steps)):
        run = live.add(_update(step, prev))
        assert run.n_snapshots == k + 1 and run.steps.tolist() == steps[: k + 1]
    assert run.format_version == 2 and run.meta["status"] == "training" and run.steps_per_epoch == 10
    assert run.epochs == live.epochs == 2 and run.last_step == 20
    assert run.codes.shape == (7, 5, 3) and run.codes[3, 0, 0] == 4
    assert run.step_loss is not None and run.step_loss.tolist() == list(range(20))  # every step once, in order
    assert run.train_loss == [0.4, 0.4] and len(run.test_loss) == 2
    np.testing.assert_allclose(run.snapshot_test_loss, [0.5 - s / 1000 for s in steps])
    assert run.snapshot_of_epoch(1) == 4 and run.snapshot_of_epoch(2) == 6
    assert run.decoder(5) is live.add(_update(21, 20)).decoder(5)  # decoders are shared between snapshots
    with pytest.raises(ValueError, match="out of order"):
        live.add(_update(21, 21))
    with pytest.raises(ValueError, match="brings 1 step losses, not 3"):
        live.add(_update(24, 23))


def test_tiny_live_training_streams_snapshots_inside_the_first_epoch(data_dir: Path, tmp_path: Path) -> None:
    """640 images at batch 64 are 10 steps per epoch: the log schedule keeps each of them, and they reach
    the window before the end of the first epoch does."""
    cfg = TrainConfig(epochs=2, batch_size=64, max_train_images=640, max_test_images=200, snapshots="log")
    proc = TrainingProcess(TrainJob(cfg, tmp_path / "live", data_dir=data_dir, device="cpu"))
    proc.start()
    msgs: list[object] = []
    deadline = time.perf_counter() + 120
    while not any(isinstance(m, (Finished, Failed)) for m in msgs):
        assert time.perf_counter() < deadline, [type(m).__name__ for m in msgs]
        msgs += proc.poll()
        time.sleep(0.01)
    proc.wait(5)
    proc.close()
    assert isinstance(msgs[-1], Finished), msgs[-1]
    started = next(m for m in msgs if isinstance(m, Started))
    ups = [m for m in msgs if isinstance(m, Snapshot)]
    assert started.n_batches == 10 and [u.step for u in ups] == [*range(11), 20]
    first_end = next(i for i, u in enumerate(ups) if u.epoch_end)
    assert ups[first_end].step == 10 and [u.step for u in ups[:first_end]] == list(range(10))
    assert all(u.step < 10 and not u.epoch_end and u.train_loss is None for u in ups[1:first_end])
    live = LiveRun(started)
    for u in ups:
        shown = live.add(u)
    saved = runs.load_run(msgs[-1].path)  # type: ignore[attr-defined]
    assert shown.steps.tolist() == saved.steps.tolist()
    assert shown.step_loss is not None and saved.step_loss is not None and len(saved.step_loss) == 20
    np.testing.assert_array_equal(shown.step_loss, saved.step_loss)
    np.testing.assert_array_equal(shown.codes, saved.codes)
    assert shown.train_loss == saved.train_loss and shown.test_loss == saved.test_loss
