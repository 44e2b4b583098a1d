"""The viewer model's rules and the timeline arithmetic, without Qt or VTK."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latent3d.runs import Run, load_run
from latent3d.state.timeline import Timebase
from latent3d.state.values import PathState
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import grown, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("state") / "r", n=300, epochs=3))


def _recorder(model: ViewerModel) -> list[tuple[str, object]]:
    """Every change of the fields a view draws, as ``(field, new value)``."""
    seen: list[tuple[str, object]] = []
    for part, names in (("time", ("run", "position", "time_axis")), ("pick", ("selected", "path", "probe")),
                        ("display", ("color", "hidden_classes", "train_overlay")), ("camera", ("camera",))):
        for name in names:
            getattr(getattr(model, part).events, name).connect(lambda v, n=name: seen.append((n, v)), max_args=1)
    return seen


def test_position_is_clamped_to_the_run(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    assert s.time.position == 3.0  # a new run opens at its last snapshot
    s.time.position = 99
    assert s.time.position == 3.0
    s.time.position = -4
    assert s.time.position == 0.0
    s.time.position = float("nan")
    assert s.time.position == 0.0


def test_setting_the_same_value_emits_nothing(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    s.display.color = "error"
    seen = _recorder(s)
    s.display.color = "error"
    s.time.position = s.time.position
    s.display.hidden_classes = set()
    assert seen == []


def test_hiding_the_selected_class_clears_the_selection(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    s.pick.selected = 5
    seen = _recorder(s)
    s.display.set_class_visible(int(run.labels[5]), False)
    assert s.pick.selected is None
    assert ("selected", None) in seen
    with pytest.raises(ValueError, match="hidden class"):
        s.pick.selected = 5  # a hidden point cannot be selected


def test_hiding_another_class_keeps_the_selection(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    s.pick.selected = 5
    other = (int(run.labels[5]) + 1) % 10
    s.display.set_class_visible(other, False)
    assert s.pick.selected == 5


def test_a_run_that_grew_keeps_selection_path_and_probe(run: Run) -> None:
    shorter = grown(run, 3)
    s = ViewerModel()
    s.set_run(shorter)
    s.pick.selected, s.pick.path, s.pick.probe = 4, PathState(1, 2, 0.25, 12), (0.1, 0.2, 0.3)
    s.time.position = 1.5
    s.set_run(run)  # a live training added a snapshot
    assert (s.pick.selected, s.pick.path, s.pick.probe) == (4, PathState(1, 2, 0.25, 12), (0.1, 0.2, 0.3))
    assert s.time.position == 1.5  # stays where the user was


def test_another_run_clears_selection_and_path(run: Run, tmp_path: Path) -> None:
    other = load_run(make_run(tmp_path / "other", n=300, epochs=2, seed=3))
    s = ViewerModel()
    s.set_run(run)
    s.pick.selected, s.pick.path = 4, PathState(1, 2)
    seen = _recorder(s)
    s.set_run(other)
    assert s.pick.selected is None and s.pick.path is None and s.time.position == 2.0
    names = [n for n, _ in seen]
    assert names.index("run") < names.index("selected") and "position" in names


def test_bad_values_are_refused(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    for bad in (-1, 300, True, 2.0):
        with pytest.raises(ValueError):
            s.pick.selected = bad  # type: ignore[assignment]
    with pytest.raises(ValueError):
        s.display.color = "rainbow"
    with pytest.raises(ValueError):
        s.display.hidden_classes = {10}
    with pytest.raises(ValueError):
        s.pick.probe = (float("nan"), 0.0, 0.0)
    with pytest.raises(ValueError):
        s.pick.path = PathState(3, 3)
    s.pick.path = PathState(1, 2, t=7.0, samples=1000)
    assert s.pick.path == PathState(1, 2, 1.0, 40)  # clamped to what the strip can show


def test_train_overlay_needs_training_codes(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run)
    s.display.train_overlay = True
    assert s.display.train_overlay is (run.train_codes is not None)


def test_step_snapshot_moves_one_stored_snapshot(run: Run) -> None:
    s = ViewerModel()
    s.set_run(run, position=1.4)
    s.time.step_snapshot(+1)
    assert s.time.position == 2.0
    s.time.step_snapshot(-1)
    assert s.time.position == 1.0
    s.time.step_snapshot(-1)
    s.time.step_snapshot(-1)
    assert s.time.position == 0.0


def test_timebase_interpolates_only_between_neighbouring_snapshots() -> None:
    t = Timebase(np.array([0, 1, 2, 4, 8, 100, 200]), steps_per_epoch=100)
    assert t.step_at(2.5) == 3.0 and t.step_at(4.5) == 54.0
    assert t.at_step(54.0) == pytest.approx(4.5)
    assert t.epoch_at(6) == 2.0 and t.at_epoch(1.0) == 5.0
    assert t.nearest(4.6) == 5 and t.split(4.25) == (4, 0.25)
    for axis in ("log", "linear"):
        for u in (0.0, 0.5, 2.0, 3.7, 6.0):
            assert t.from_fraction(t.fraction(u, axis), axis) == pytest.approx(u, abs=1e-9)
    # log time gives the first epoch (snapshots 0..5) most of the axis; linear time half of it
    assert t.fraction(5.0, "log") > 0.8 and t.fraction(5.0, "linear") == pytest.approx(0.5)
    assert t.caption(5.0) == "step 100 · epoch 1.00"


def test_clear_selection_drops_the_selection_and_leaves_free_roam(run: Run) -> None:
    """What Escape does: nothing selected, no probe; the path stays."""
    s = ViewerModel()
    s.set_run(run)
    s.pick.selected = 5
    s.pick.path = PathState(5, 7, 0.5, 10)
    s.pick.probe = (0.0, 0.0, 0.0)
    seen = _recorder(s)
    s.pick.clear_selection()
    assert s.pick.selected is None and s.pick.probe is None and s.pick.path is not None
    assert ("selected", None) in seen and ("probe", None) in seen
    seen.clear()
    s.pick.clear_selection()
    assert seen == []


def test_highlight_class_is_one_class_or_none(run: Run) -> None:
    s = ViewerModel()
    seen: list[object] = []
    s.display.events.highlight_class.connect(seen.append)
    s.display.highlight_class = 3
    s.display.highlight_class = 3
    s.display.highlight_class = None
    assert seen == [3, None]
    for bad in (10, -1, True, 2.0, "3"):
        with pytest.raises(ValueError, match="Classes are numbered"):
            s.display.highlight_class = bad  # type: ignore[assignment]
    assert s.display.highlight_class is None
