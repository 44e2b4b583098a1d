"""The training generator: lowers the loss, snapshots at scheduled steps without changing the numbers,
records every step's loss, is reproducible, stops on request, refuses NaN."""

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from latent3d.config.schedule import snapshot_steps
from latent3d.config.train import TrainConfig
from latent3d.data import datasets as data
from latent3d.training import loop as training
from latent3d.training.fast_step import FastStep
from latent3d.training.model import Autoencoder


@pytest.fixture(scope="module")
def small(data_dir: Path) -> tuple[TrainConfig, training.TrainingData]:
    cfg = TrainConfig(epochs=2, batch_size=64, max_train_images=3000, max_test_images=500)
    splits = data.load_split(data_dir, "train"), data.load_split(data_dir, "test")
    arrays = training.TrainingData.from_uint8(*splits, cfg)
    return cfg, arrays


def test_short_training_lowers_loss(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    snapshots = list(training.train(cfg, arrays, device="cpu"))
    assert [r.step for r in snapshots] == snapshot_steps("log", 47, 2).tolist()  # 3000 images: 47 steps per epoch
    results = [r for r in snapshots if r.step == 0 or r.epoch_end]
    assert [r.epoch for r in results] == [0, 1, 2]
    assert results[0].train_loss is None
    assert results[2].test_loss < results[1].test_loss < results[0].test_loss
    for r in snapshots:
        assert r.codes.shape == (500, 3) and r.codes.dtype == np.float32
        assert r.test_bce.shape == (500,)
        assert np.isclose(r.test_bce.mean(), r.test_loss, rtol=1e-5)
        assert set(r.weights) == set(Autoencoder().state_dict())


def test_test_loss_is_mean_bce_per_pixel(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    model = Autoencoder()
    first = next(training.train(cfg, arrays, device="cpu", model=model))
    x = torch.from_numpy(arrays.test_x)
    with torch.no_grad():
        expected = torch.nn.functional.binary_cross_entropy(model(x), x).item()
    assert first.test_loss == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("fast_backward", [True, False])
def test_epoch_codes_and_bce_are_the_models_own(small: tuple[TrainConfig, training.TrainingData],
                                                fast_backward: bool) -> None:
    """The evaluation's kernels (oneDNN for the large layers) and its softplus(h) - h*y form give
    what the yielded weights give through nn.Linear and binary_cross_entropy_with_logits."""
    cfg, arrays = small
    result = list(training.train(cfg, arrays, device="cpu", fast_backward=fast_backward))[-1]
    model = Autoencoder()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in result.weights.items()})
    x = torch.from_numpy(arrays.test_x)
    with torch.no_grad():
        z = model.encode(x)
        bce = torch.nn.functional.binary_cross_entropy_with_logits(model.decode_logits(z), x, reduction="none")
    np.testing.assert_allclose(result.codes, z.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result.test_bce, bce.mean(dim=1).numpy(), rtol=1e-5)


def test_same_seed_same_numbers(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    cfg1 = TrainConfig(epochs=1, max_train_images=1000, max_test_images=200, seed=3)
    a = list(training.train(cfg1, arrays, device="cpu"))
    b = list(training.train(cfg1, arrays, device="cpu"))
    np.testing.assert_array_equal(a[-1].codes, b[-1].codes)
    assert a[-1].train_loss == b[-1].train_loss
    c = list(training.train(TrainConfig(epochs=1, max_train_images=1000, seed=4), arrays, device="cpu"))
    assert not np.array_equal(a[-1].codes, c[-1].codes)


@pytest.mark.parametrize("schedule, expected", [("epochs", [0]), ("log", list(range(10)))])
def test_stop_flag_checked_between_batches(small: tuple[TrainConfig, training.TrainingData], schedule: str,
                                           expected: list[int]) -> None:
    cfg, arrays = small
    calls = {"n": 0}

    def should_stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 10

    results = list(training.train(dataclasses.replace(cfg, snapshots=schedule), arrays, device="cpu",
                                  should_stop=should_stop))
    assert [r.step for r in results] == expected  # nothing after the 10th step is yielded
    assert calls["n"] == 11


def test_nan_loss_stops_with_clear_message(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    model = Autoencoder()
    with torch.no_grad():
        model.encoder[0].weight.fill_(float("nan"))
    gen = training.train(TrainConfig(epochs=1, max_train_images=640), arrays, device="cpu", model=model)
    next(gen)
    with pytest.raises(training.TrainingDiverged, match="loss became NaN or infinite; try a smaller learning rate"):
        next(gen)


TINY = TrainConfig(epochs=2, batch_size=64, max_train_images=640, max_test_images=100)  # 10 steps per epoch


def _subset(arrays: training.TrainingData, train: int, test: int) -> training.TrainingData:
    return training.TrainingData(arrays.train_x[:train], arrays.train_y[:train], arrays.test_x[:test],
                                 arrays.test_y[:test])


@pytest.mark.parametrize("schedule", ["log", "every:3", "epochs"])
def test_every_step_loss_is_recorded_once_in_order(small: tuple[TrainConfig, training.TrainingData],
                                                   monkeypatch: pytest.MonkeyPatch, schedule: str) -> None:
    """The step losses of the snapshots, joined, are the losses the steps returned: one per step, in order."""
    _, arrays = small
    returned: list[float] = []
    real_call = FastStep.__call__

    def recording(self: FastStep, xb: torch.Tensor) -> torch.Tensor:
        loss = real_call(self, xb)
        returned.append(loss.item())
        return loss

    monkeypatch.setattr(FastStep, "__call__", recording)
    cfg = dataclasses.replace(TINY, snapshots=schedule)
    snaps = list(training.train(cfg, _subset(arrays, 640, 100), device="cpu"))
    assert [r.step for r in snaps] == snapshot_steps(schedule, 10, 2).tolist()
    assert snaps[0].step_losses.shape == (0,) and snaps[0].step_losses.dtype == np.float32
    for prev, r in zip(snaps, snaps[1:]):
        assert len(r.step_losses) == r.step - prev.step and r.step_losses.dtype == np.float32
        assert r.epoch == r.step / 10 and r.steps_per_epoch == 10
        assert r.epoch_end == (r.step % 10 == 0) and (r.train_loss is None) == (not r.epoch_end)
    joined = np.concatenate([r.step_losses for r in snaps])
    assert len(joined) == len(returned) == 20
    np.testing.assert_array_equal(joined, np.array(returned, np.float32))
    for r in snaps:
        if r.epoch_end:  # the epoch's mean from the loop's own running total
            epoch_losses = joined[r.step - 10: r.step]
            assert r.train_loss == pytest.approx(float(epoch_losses.mean()), rel=1e-5)


def _reference_training(cfg: TrainConfig, arrays: training.TrainingData) -> tuple[dict[str, np.ndarray], list[float]]:
    """The training as the loop ran it before snapshots within epochs: same step, same shuffling, no snapshots."""
    model = training.build_model(cfg)
    step = FastStep(model, lr=cfg.lr, eps=cfg.adam_eps)
    x = torch.from_numpy(arrays.train_x)
    shuffle = torch.Generator(device="cpu").manual_seed(cfg.seed)
    n, bs = len(x), cfg.batch_size
    n_batches = math.ceil(n / bs)
    train_loss = []
    for _ in range(cfg.epochs):
        perm = torch.randperm(n, generator=shuffle)
        total = torch.zeros(())
        for b in range(n_batches):
            total += step(torch.index_select(x, 0, perm[b * bs: (b + 1) * bs]))
        train_loss.append(float(total) / n_batches)
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}, train_loss


def test_snapshots_leave_the_training_bit_identical(small: tuple[TrainConfig, training.TrainingData]) -> None:
    """Whatever the schedule, the same seed gives the same weights and epoch losses, bit for bit, as training
    without snapshots: snapshots only read the model."""
    cfg = TrainConfig(epochs=2, max_train_images=1500, max_test_images=200, seed=2)
    arrays = _subset(small[1], 1500, 200)
    weights, train_loss = _reference_training(cfg, arrays)
    for schedule in ("epochs", "log", "every:5"):
        snaps = list(training.train(dataclasses.replace(cfg, snapshots=schedule), arrays, device="cpu"))
        assert [r.train_loss for r in snaps if r.epoch_end] == train_loss
        for k, v in weights.items():
            assert snaps[-1].weights[k].tobytes() == v.tobytes(), (schedule, k)


def test_device_choice() -> None:
    assert training.pick_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            training.pick_device("cuda")
