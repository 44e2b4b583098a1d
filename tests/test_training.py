"""The training generator: lowers the loss, is reproducible, stops on request, refuses NaN."""

from pathlib import Path

import numpy as np
import pytest
import torch

from latent3d import data
from latent3d.config import TrainConfig
from latent3d.train import loop as training
from latent3d.train.model import Autoencoder


@pytest.fixture(scope="module")
def small(data_dir: Path) -> tuple[TrainConfig, training.TrainingData]:
    cfg = TrainConfig(epochs=2, batch_size=64, max_train_images=3000, max_test_images=500)
    splits = data.load_split(data_dir, "train"), data.load_split(data_dir, "test")
    arrays = training.TrainingData.from_uint8(*splits, cfg)
    return cfg, arrays


def test_short_training_lowers_loss(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    results = list(training.train(cfg, arrays, device="cpu"))
    assert [r.epoch for r in results] == [0, 1, 2]
    assert results[0].train_loss is None
    assert results[2].test_loss < results[1].test_loss < results[0].test_loss
    for r in results:
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


def test_stop_flag_checked_between_batches(small: tuple[TrainConfig, training.TrainingData]) -> None:
    cfg, arrays = small
    calls = {"n": 0}

    def should_stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 10

    results = list(training.train(cfg, arrays, device="cpu", should_stop=should_stop))
    assert [r.epoch for r in results] == [0]  # the unfinished epoch is not yielded
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


def test_device_choice() -> None:
    assert training.pick_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            training.pick_device("cuda")
