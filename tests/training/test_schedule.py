"""Snapshot schedules: log spacing through epoch 1, epoch ends, every:N, tiny subsets, and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.config.schedule import MAX_SNAPSHOTS, parse_schedule, snapshot_count, snapshot_steps
from latent3d.config.train import ConfigError, TrainConfig


def _well_formed(steps: np.ndarray, spe: int, epochs: int) -> None:
    assert steps.dtype == np.int64 and steps[0] == 0 and steps[-1] == epochs * spe
    assert (np.diff(steps) > 0).all()
    assert set(range(0, epochs * spe + 1, spe)) <= set(steps.tolist())  # every epoch end


def test_default_is_log_and_spends_its_snapshots_in_epoch_one() -> None:
    assert TrainConfig().snapshots == "log"
    steps = snapshot_steps("log", 938, 20)  # the default config: 60,000 images at batch 64
    _well_formed(steps, 938, 20)
    first = steps[(steps > 0) & (steps <= 938)]
    assert 16 <= len(first) <= 24 and first[0] == 1 and first[-1] == 938
    assert steps[len(first) + 1:].tolist() == [938 * e for e in range(2, 21)]
    # Evenly spaced in log(step): the ratio of neighbours stays near (938 ** (1/19)) once rounding stops mattering.
    ratios = first[1:] / first[:-1]
    assert (ratios[6:] > 1.3).all() and (ratios[6:] < 1.6).all()
    assert len(steps) == snapshot_count("log", 938, 20) == 1 + len(first) + 19


@pytest.mark.parametrize("spe", [21, 22, 25, 30, 47, 100, 469, 938, 10_000, 60_000])
def test_log_steps_are_whole_distinct_and_about_twenty(spe: int) -> None:
    steps = snapshot_steps("log", spe, 2)
    _well_formed(steps, spe, 2)
    first = steps[(steps > 0) & (steps <= spe)]
    assert 16 <= len(first) <= 24  # after rounding to whole steps and dropping repeats
    assert len(np.unique(first)) == len(first)


@pytest.mark.parametrize("spe", [1, 2, 3, 7, 20])
def test_tiny_subsets_with_fewer_steps_than_snapshots(spe: int) -> None:
    """An epoch of fewer than 20 steps keeps every one of its steps, once."""
    steps = snapshot_steps("log", spe, 3)
    _well_formed(steps, spe, 3)
    assert steps.tolist() == [*range(0, spe + 1), 2 * spe, 3 * spe]
    assert snapshot_steps("epochs", spe, 3).tolist() == [0, spe, 2 * spe, 3 * spe]


def test_epochs_schedule_is_the_epoch_ends() -> None:
    assert snapshot_steps("epochs", 938, 4).tolist() == [0, 938, 1876, 2814, 3752]


@pytest.mark.parametrize("n, spe, epochs", [(1, 3, 2), (100, 938, 2), (7, 10, 3), (938, 938, 2), (5000, 938, 3),
                                            (3, 6, 2)])
def test_every_n(n: int, spe: int, epochs: int) -> None:
    steps = snapshot_steps(f"every:{n}", spe, epochs)
    _well_formed(steps, spe, epochs)
    total = epochs * spe
    expected = set(range(0, total + 1, n)) | {total} | set(range(0, total + 1, spe))
    assert steps.tolist() == sorted(expected)
    assert snapshot_count(f"every:{n}", spe, epochs) == len(steps)


def test_every_one_is_every_step() -> None:
    assert snapshot_steps("every:1", 4, 2).tolist() == list(range(9))


@pytest.mark.parametrize("bad", ["", "Log", "linear", "every", "every:", "every:0", "every:-5", "every:1.5",
                                 "every: 5", "every:5x", "every:" + "9" * 40, None, 3, ["log"]])
def test_unknown_schedules_are_one_sentence(bad: object) -> None:
    with pytest.raises(ValueError, match=r"^Snapshot schedule .* is not one of epochs, log or every:N") as exc:
        parse_schedule(bad)
    assert "\n" not in str(exc.value) and str(exc.value).endswith(".") and len(str(exc.value)) < 160
    with pytest.raises(ConfigError, match="is not one of epochs, log or every:N"):
        TrainConfig(snapshots=bad)  # type: ignore[arg-type]


def test_absurd_snapshot_counts_are_refused() -> None:
    assert snapshot_count("every:1", 938, 20) == 18_761
    with pytest.raises(ValueError, match=r"would keep 18,761 snapshots .* more than the 10,000 allowed; choose a "
                                         r"larger N\.$"):
        snapshot_steps("every:1", 938, 20)
    with pytest.raises(ConfigError, match="would keep 18,761 snapshots"):
        TrainConfig(snapshots="every:1")
    with pytest.raises(ConfigError, match="train fewer epochs"):
        TrainConfig(epochs=MAX_SNAPSHOTS, snapshots="epochs")
    TrainConfig(snapshots="every:2")  # 9,381 snapshots: allowed
    TrainConfig(snapshots="every:1", max_train_images=640)  # 10 steps per epoch: 201 snapshots
    TrainConfig(epochs=MAX_SNAPSHOTS - 1, snapshots="epochs")


def test_format_1_configs_load_as_epochs() -> None:
    d = TrainConfig().to_dict()
    assert d["snapshots"] == "log"
    del d["snapshots"]
    assert TrainConfig.from_dict(d).snapshots == "epochs"
    assert TrainConfig.from_dict(TrainConfig(snapshots="every:50").to_dict()).snapshots == "every:50"
