"""The single shared pieces: named choices, the log-axis mapping, the movie pipeline, fileio's OS error."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from latent3d.cli.parser import build_parser
from latent3d.config.choices import ALL_COLOUR_MODES, TIME_AXES
from latent3d.state.timeline import Timebase, axis_to_step, step_to_axis
from latent3d.util.fileio import OutputError, atomic_path


def _choices(option: str) -> tuple[str, ...]:
    render = build_parser()._subparsers._group_actions[0].choices["render"]  # type: ignore[union-attr]
    return tuple(next(a for a in render._actions if option in a.option_strings).choices)


def test_render_options_offer_the_shared_choices() -> None:
    assert _choices("--color") == ALL_COLOUR_MODES  # the comparison and alignment modes too (issue 23)
    assert _choices("--time") == TIME_AXES


def test_log_axis_mapping_round_trips_for_numbers_and_arrays() -> None:
    steps = np.array([0.0, 1.0, 9.0, 99.0, 18000.0])
    np.testing.assert_allclose(step_to_axis(steps, "log"), [0.0, np.log10(2), 1.0, 2.0, np.log10(18001)])
    np.testing.assert_allclose(axis_to_step(step_to_axis(steps, "log"), "log"), steps, atol=1e-9)
    assert step_to_axis(99.0, "log") == 2.0 and axis_to_step(2.0, "log") == pytest.approx(99.0)
    assert step_to_axis(-5.0, "log") == 0.0  # negative steps sit at the start of the log axis
    assert step_to_axis(42.0, "linear") == 42.0 and axis_to_step(42.0, "linear") == 42.0
    time = Timebase(np.array([0, 10, 100]), steps_per_epoch=100)
    assert time.axis_value(99.0, "log") == step_to_axis(99.0, "log")


def test_record_movie_cancelled_writes_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    from latent3d.scene.offscreen.movie import record_movie

    target = tmp_path / "m.gif"
    target.write_bytes(b"old")
    drawn: list[float] = []

    def frame_at(u: float) -> np.ndarray:
        drawn.append(u)
        return np.full((16, 16, 3), int(u * 50), np.uint8)

    assert record_movie(target, np.arange(4.0), frame_at, 10, keep_going=lambda i: i < 2) is None
    assert drawn == [0.0, 1.0] and target.read_bytes() == b"old" and os.listdir(tmp_path) == ["m.gif"]
    assert record_movie(target, np.arange(4.0), frame_at, 10) == 4 and target.read_bytes() != b"old"


def test_plan_movie_refuses_before_planning(tmp_path: Path) -> None:
    from latent3d.runs import load_run
    from latent3d.scene.offscreen.movie import movie_positions, plan_movie
    from tests.support.scene_fixtures import make_run

    run = load_run(make_run(tmp_path / "r", n=30, epochs=2))
    with pytest.raises(ValueError, match=r"^Movie m\.avi must end in \.mp4 or \.gif\.$"):
        plan_movie(run, tmp_path / "m.avi", (64, 48), 10)
    np.testing.assert_array_equal(plan_movie(run, tmp_path / "m.mp4", (64, 48), 10, frames_per_snapshot=3),
                                  movie_positions(run, "log", 3, 10))


def test_output_error_carries_the_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as info, atomic_path(tmp_path / "x.bin") as tmp:
        tmp.write_bytes(b"data")
    assert isinstance(info.value.os_error, OSError) and info.value.os_error.errno == errno.ENOSPC
    assert "the disk is full" in str(info.value)
    assert OutputError("refused").os_error is None
