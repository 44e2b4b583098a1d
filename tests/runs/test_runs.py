"""Run folders: format-2 round trip, format 1 still opens, float16/final-encoder layout, atomic visibility, listing."""

import json
from pathlib import Path

import numpy as np
import pytest

from latent3d import runs
from latent3d.config.schedule import snapshot_steps
from latent3d.config.train import TrainConfig
from latent3d.runs import writer as run_writer
from tests.conftest import make_fake_run
from tests.support.v1_run import write_v1_run


def test_round_trip(fake_run: Path) -> None:
    run = runs.load_run(fake_run)
    assert run.epochs == 2
    assert run.codes.shape == (3, 500, 3) and run.codes.dtype == np.float32
    assert run.test_bce.shape == (3, 500)
    assert run.labels.dtype == np.uint8
    assert run.config == TrainConfig(epochs=2, snapshots="epochs")
    assert run.format_version == 2 and run.steps_per_epoch == 938
    assert run.steps.tolist() == [0, 938, 1876] and run.snapshot_epochs.tolist() == [0.0, 1.0, 2.0]
    assert len(run.train_loss) == len(run.test_loss) == 2
    assert run.decoder(1)(np.zeros((2, 3), np.float32)).shape == (2, 784)
    assert run.encoder_layers() is not None
    # Codes survive the trip bit for bit.
    again = make_fake_run(fake_run.parent / "again")
    np.testing.assert_array_equal(runs.load_run(again).codes, run.codes)


def test_round_trip_of_step_snapshots(tmp_path: Path) -> None:
    """A log-schedule run keeps every snapshot's step, losses and decoder, and one loss per training step."""
    path = make_fake_run(tmp_path / "log", epochs=3, n=50, snapshots="log")
    run = runs.load_run(path)
    steps = snapshot_steps("log", 938, 3)
    assert run.steps.dtype == np.int64 and run.steps.tolist() == steps.tolist()
    s = len(steps)
    assert run.n_snapshots == s == 23 and run.codes.shape == (s, 50, 3) and run.test_bce.shape == (s, 50)
    assert run.epochs == 3 and run.last_step == 3 * 938
    assert run.step_loss is not None and run.step_loss.shape == (3 * 938,) and run.step_loss.dtype == np.float32
    np.testing.assert_array_equal(run.snapshot_epochs, steps / 938)
    np.testing.assert_allclose(run.snapshot_test_loss, run.test_bce.mean(axis=1), rtol=1e-6)
    assert [run.snapshot_of_epoch(e) for e in range(4)] == [0, s - 3, s - 2, s - 1]
    assert run.test_loss == pytest.approx([run.snapshot_test_loss[run.snapshot_of_epoch(e)] for e in (1, 2, 3)])
    assert len(run.train_loss) == 3
    with pytest.raises(ValueError, match="Epoch 4 is outside 0-3"):
        run.snapshot_of_epoch(4)
    assert run.decoder(5)(np.zeros((2, 3), np.float32)).shape == (2, 784)
    assert run.encoder_layers(1) is not None and run.encoder_layers() is not None
    meta = json.loads((path / "run.json").read_text())
    assert meta["format_version"] == 2 and meta["steps_per_epoch"] == 938 and meta["test_images"] == 50
    assert [d["step"] for d in meta["snapshots"]] == steps.tolist()
    assert sorted(p.name for p in (path / "weights").iterdir()) == [f"step_{k:07d}.safetensors" for k in steps]
    summary = runs.list_runs(tmp_path)[0]
    assert (summary.epochs, summary.steps, summary.test_images) == (3, 3 * 938, 50)


def test_format_1_run_opens_as_epoch_snapshots(tmp_path: Path) -> None:
    path = write_v1_run(tmp_path / "old", epochs=3, n=60, train_images=1000, batch_size=64)
    run = runs.load_run(path)
    assert run.format_version == 1 and run.step_loss is None
    assert run.steps_per_epoch == 16 and run.steps.tolist() == [0, 16, 32, 48] and run.steps.dtype == np.int64
    assert run.epochs == 3 and run.n_snapshots == 4 and run.last_step == 48
    assert run.config.snapshots == "epochs"  # a format-1 config has no schedule: it kept the epoch ends
    np.testing.assert_allclose(run.snapshot_test_loss, run.test_bce.mean(axis=1), rtol=1e-6)
    assert [run.snapshot_of_epoch(e) for e in range(4)] == [0, 1, 2, 3]
    assert run.encoder_layers(0) is None and run.encoder_layers() is not None
    assert run.decoder(2)(np.zeros((1, 3), np.float32)).shape == (1, 784)
    summary = runs.list_runs(tmp_path)[0]
    assert (summary.epochs, summary.steps, summary.test_images) == (3, 48, 60)
    # Without a dataset record the steps per epoch come from the config: the full 60,000 images at batch 64.
    bare = runs.load_run(write_v1_run(tmp_path / "bare", epochs=1, train_images=None))
    assert bare.steps.tolist() == [0, 938]


def test_float16_final_encoder_layout(tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=1, snapshots="epochs")
    fake = runs.load_run(make_fake_run(tmp_path / "src", epochs=1))
    weights = {**{k: v for k, v in fake._weights[1].items()}}
    with run_writer.RunWriter(tmp_path / "half", cfg, steps_per_epoch=938, weights_dtype="float16",
                              keep_encoder="final") as w:
        for i, step in enumerate((0, 938)):
            w.add_snapshot(step, fake.codes[i], fake.test_bce[i], 0.5, fake._weights[i],
                           step_losses=np.full(step, 0.4, np.float32), train_loss=None if i == 0 else 0.4)
        w.finish(labels=fake.labels)
    half = runs.load_run(tmp_path / "half")
    assert half.encoder_layers(0) is None
    assert half.encoder_layers(1) is not None
    np.testing.assert_allclose(half.decoder(1)(fake.codes[1][:5]), fake.decoder(1)(fake.codes[1][:5]), atol=2e-3)
    assert weights  # the source run is untouched


def test_writer_refuses_snapshots_out_of_order(tmp_path: Path) -> None:
    w = run_writer.RunWriter(tmp_path / "r", TrainConfig(epochs=2), steps_per_epoch=10)
    weights: dict[str, np.ndarray] = {}
    codes, bce = np.zeros((4, 3), np.float32), np.zeros(4, np.float32)
    with pytest.raises(ValueError, match="out of order"):
        w.add_snapshot(3, codes, bce, 0.5, weights, step_losses=np.zeros(3, np.float32))
    w.add_snapshot(0, codes, bce, 0.5, weights, step_losses=np.zeros(0, np.float32))
    with pytest.raises(ValueError, match="brings 2 step losses, not 3"):
        w.add_snapshot(3, codes, bce, 0.5, weights, step_losses=np.zeros(2, np.float32))
    with pytest.raises(ValueError, match="skips an epoch end"):
        w.add_snapshot(12, codes, bce, 0.5, weights, step_losses=np.zeros(12, np.float32))
    with pytest.raises(ValueError, match="ends epoch 1 but has no train_loss"):
        w.add_snapshot(10, codes, bce, 0.5, weights, step_losses=np.zeros(10, np.float32))
    w.add_snapshot(4, codes, bce, 0.5, weights, step_losses=np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="does not end an epoch"):
        w.finish(labels=np.zeros(4, np.uint8))
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_partial_folder_is_invisible(tmp_path: Path) -> None:
    w = run_writer.RunWriter(tmp_path / "r", TrainConfig(epochs=1), steps_per_epoch=1)
    assert not (tmp_path / "r").exists()
    assert runs.list_runs(tmp_path) == []
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_exception_inside_writer_removes_partial(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), run_writer.RunWriter(tmp_path / "r", TrainConfig(epochs=1), steps_per_epoch=1):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_existing_target(fake_run: Path) -> None:
    with pytest.raises(runs.RunError, match="already exists"):
        run_writer.RunWriter(fake_run, TrainConfig(), steps_per_epoch=1)


def test_list_and_newest(tmp_path: Path) -> None:
    a = make_fake_run(tmp_path / "a")
    (tmp_path / ".b.partial-1234").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "run.json").write_text("{")
    listed = runs.list_runs(tmp_path)
    assert [r.name for r in listed] == ["a"]
    assert runs.newest_run(tmp_path) == a


def test_resolve_run_path(tmp_path: Path) -> None:
    assert runs.resolve_run_path("abc", tmp_path) == tmp_path / "abc"
    assert runs.resolve_run_path(str(tmp_path / "x")) == tmp_path / "x"


# Refusals of hostile and broken folders (pickles, object arrays, bad shapes, NaN, links, bad JSON,
# missing files) are tested over the whole corpus of tests/support/make_bad_runs.py in test_hostile_runs.py.
