"""Groups in the viewer state and in view files: the setters' rules, the maths, the hostile group corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from latent3d.analysis.groups import (
    centroid_path,
    class_counts,
    combine,
    mean_curve,
    trail_sample,
    trail_snapshots,
    worst,
)
from latent3d.runs import Run, load_run
from latent3d.state.groups import DEFAULT_GROUP, TrailsState
from latent3d.state.view import ViewFileError, ViewSpec, apply_spec, check_spec, load_view, save_view, spec_from_state
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("groups") / "r", n=300, epochs=3))


@pytest.fixture
def state(run: Run) -> ViewerModel:
    s = ViewerModel()
    s.set_run(run)
    return s


def test_select_points_fills_the_default_group_and_modifiers_add_and_remove(state: ViewerModel) -> None:
    seen: list[object] = []
    state.groups.events.shown.connect(seen.append)
    state.groups.select_points([5, 3, 9])
    assert state.groups.shown == DEFAULT_GROUP and seen == [DEFAULT_GROUP]
    assert state.groups.group.tolist() == [3, 5, 9]
    state.groups.select_points([9, 20], "add")
    assert state.groups.group.tolist() == [3, 5, 9, 20]
    state.groups.select_points([3, 4], "remove")
    assert state.groups.group.tolist() == [5, 9, 20]
    state.groups.select_points([7])
    assert state.groups.group.tolist() == [7]
    assert not state.groups.group.flags.writeable


def test_a_named_group_changes_only_by_add_and_remove(state: ViewerModel) -> None:
    state.groups.set_group("mine", [1, 2])
    state.groups.shown = "mine"
    state.groups.select_points([3], "add")
    state.groups.select_points([1], "remove")
    assert state.groups.groups["mine"].tolist() == [2, 3] and state.groups.shown == "mine"
    state.groups.select_points([7, 8])  # a plain drag starts the working selection again
    assert state.groups.shown == DEFAULT_GROUP and state.groups.group.tolist() == [7, 8]
    assert state.groups.groups["mine"].tolist() == [2, 3]


def test_hidden_classes_are_never_selected(state: ViewerModel, run: Run) -> None:
    state.display.hidden_classes = {int(run.labels[0])}
    state.groups.select_points(range(20))
    assert state.groups.group is not None and state.groups.group.size > 0
    assert int(run.labels[0]) not in set(run.labels[state.groups.group].tolist())
    state.groups.select_class(int(run.labels[0]))
    assert state.groups.group.size == 0
    state.groups.select_worst(10, 3)
    assert state.groups.group.size == 10 and int(run.labels[0]) not in set(run.labels[state.groups.group].tolist())


def test_select_class_and_worst(state: ViewerModel, run: Run) -> None:
    state.groups.select_class(2)
    assert state.groups.group.tolist() == np.flatnonzero(run.labels == 2).tolist()
    state.groups.select_worst(5, 1)
    expected = np.argsort(-run.test_bce[1].astype(np.float64), kind="stable")[:5]
    assert sorted(state.groups.group.tolist()) == sorted(expected.tolist())


def test_removing_a_group_stops_showing_it_and_its_trails(state: ViewerModel) -> None:
    state.groups.set_group("a", [1, 2])
    state.groups.shown = "a"
    state.groups.trails = TrailsState("a", 5)
    state.groups.remove_group("a")
    assert state.groups.shown is None and state.groups.trails is None and "a" not in state.groups.groups


def test_group_rules_refuse_bad_values(state: ViewerModel) -> None:
    with pytest.raises(ValueError, match="no group"):
        state.groups.shown = "nope"
    with pytest.raises(ValueError, match="0 to 299"):
        state.groups.set_group("x", [300])
    with pytest.raises(ValueError, match="twice"):
        state.groups.set_group("x", [1, 1])
    with pytest.raises(ValueError, match="printable"):
        state.groups.set_group("", [1])
    with pytest.raises(ValueError, match="highlight or isolate"):
        state.groups.mode = "blink"
    with pytest.raises(ValueError, match="Trails need a group"):
        state.groups.trails = TrailsState("nope", 3)
    state.groups.set_group("x", [1])
    state.groups.trails = TrailsState("x", 0)
    assert state.groups.trails == TrailsState("x", 1)  # clamped, like the path's samples
    state.groups.toggle_mode()
    assert state.groups.mode == "isolate"


def test_a_run_of_other_images_drops_the_groups(state: ViewerModel, run: Run, tmp_path: Path) -> None:
    state.groups.set_group("x", [1, 2])
    state.set_run(run)  # the same images: kept
    assert "x" in state.groups.groups
    other = load_run(make_run(tmp_path / "o", n=200, epochs=1, seed=4))
    state.set_run(other)
    assert dict(state.groups.groups) == {}


def test_group_maths(run: Run) -> None:
    g = np.array([0, 4, 7, 100])
    np.testing.assert_allclose(mean_curve(run.test_bce, g), run.test_bce[:, g].astype(np.float64).mean(1))
    np.testing.assert_allclose(centroid_path(run.codes, g), run.codes[:, g].mean(1), rtol=1e-6)
    assert class_counts(run.labels, g).sum() == 4
    assert combine(np.array([1, 2]), np.array([2, 3]), "add").tolist() == [1, 2, 3]
    assert trail_sample(np.arange(10_000), 1000).size == 1000
    snaps, f = trail_snapshots(1.5, 4, 3)
    assert snaps.tolist() == [0, 0, 0, 1] and f == 0.5
    assert worst(np.array([0.1, 0.9, 0.5]), 2).tolist() == [1, 2]


# -- view files -----------------------------------------------------------------------------------


def _view(run: Run, **keys: Any) -> dict[str, Any]:
    d = {"format_version": 1, "run": str(run.path), "step": 0,
         "camera": {"position": [5, 5, 5], "focal_point": [0, 0, 0], "view_up": [0, 0, 1]},
         "color": "class", "hidden_classes": [], "selected": None}
    d.update(keys)
    return d


def test_groups_round_trip_through_a_view_file(state: ViewerModel, run: Run, tmp_path: Path) -> None:
    state.groups.set_group("shirts", [3, 1, 2])
    state.groups.select_points([7, 8])
    state.groups.mode = "isolate"
    state.groups.trails = TrailsState("shirts", 6)
    state.camera.camera = None
    spec = spec_from_state(state)
    assert spec.grouping.groups == {"shirts": (1, 2, 3), DEFAULT_GROUP: (7, 8)}
    path = tmp_path / "v.json"
    save_view(ViewSpec(**{**spec.__dict__, "camera": ViewSpec.from_dict(_view(run), "x").camera}), path)
    back = load_view(path)
    check_spec(back, run, path)
    fresh = ViewerModel()
    fresh.set_run(run)
    apply_spec(fresh, back)
    assert {k: v.tolist() for k, v in fresh.groups.groups.items()} == {"shirts": [1, 2, 3], DEFAULT_GROUP: [7, 8]}
    g = fresh.groups
    assert (g.shown, g.mode, g.trails) == (DEFAULT_GROUP, "isolate", TrailsState("shirts", 6))


def test_a_view_without_groups_writes_no_group_keys(run: Run) -> None:
    spec = ViewSpec.from_dict(_view(run), "v.json")
    assert "groups" not in spec.to_dict()


HOSTILE = [
    ({"groups": [1, 2]}, "'groups' must be an object"),
    ({"groups": {"a": 5}}, "'groups.a' must be a list"),
    ({"groups": {"a": [1, 1]}}, "'groups.a' lists test image 1 twice"),
    ({"groups": {"a": [1, 2.5]}}, "'groups.a[1]' must be a test-image index"),
    ({"groups": {"a": [True]}}, "'groups.a[0]' must be a test-image index"),
    ({"groups": {"a": [-3]}}, "'groups.a[0]' must be a test-image index"),
    ({"groups": {"a": ["7"]}}, "'groups.a[0]'"),
    ({"groups": {"a": [1000000000]}}, "'groups.a' holds 1000000000 but the run has 300 test images"),
    ({"groups": {"": [1]}}, "'groups' has the name ''"),
    ({"groups": {"a\nb": [1]}}, "printable characters"),
    ({"groups": {f"g{i}": [] for i in range(101)}}, "at most 100"),
    ({"groups": {"a": [1]}, "group_shown": "b"}, "'group_shown' names the string 'b', which is not a group"),
    ({"group_shown": 3}, "'group_shown' must be a group name or null"),
    ({"group_mode": "blink"}, "'group_mode' must be one of"),
    ({"groups": {"a": [1]}, "trails": {"group": "b"}}, "'trails.group' names the string 'b'"),
    ({"groups": {"a": [1]}, "trails": {"group": "a", "length": 0}}, "'trails.length' must be an integer from 1"),
    ({"groups": {"a": [1]}, "trails": {"group": "a", "colour": 1}}, "unknown key 'colour' in 'trails'"),
    ({"trails": [1]}, "'trails' must be an object"),
]


@pytest.mark.parametrize(("keys", "message"), HOSTILE)
def test_hostile_group_keys_are_one_sentence_naming_the_key(run: Run, tmp_path: Path, keys: dict[str, Any],
                                                            message: str) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(_view(run, **keys)))
    with pytest.raises(ViewFileError) as info:
        check_spec(load_view(path), run, path)
    text = str(info.value)
    assert message in text and str(path) in text
    assert text.count("\n") == 0 and text.endswith(".")


def test_a_huge_group_is_refused_quickly_in_one_sentence(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(_view(run, groups={"a": list(range(100_000))})))  # under 1 MB, far over the run
    with pytest.raises(ViewFileError, match="'groups.a' holds 300 but the run has 300 test images"):
        check_spec(load_view(path), run, path)


def test_no_listener_sees_a_removed_group_still_shown(state: ViewerModel) -> None:
    seen: list[object] = []
    g = state.groups
    g.events.groups.connect(lambda _g: seen.append((g.shown, g.group, g.trails)))
    state.groups.set_group("a", [1])
    state.groups.shown = "a"
    state.groups.trails = TrailsState("a", 2)
    state.groups.remove_group("a")
    assert seen[-1] == (None, None, None)
