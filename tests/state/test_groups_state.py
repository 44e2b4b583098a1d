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
from latent3d.state.viewer_state import ViewerState
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("groups") / "r", n=300, epochs=3))


@pytest.fixture
def state(run: Run) -> ViewerState:
    s = ViewerState()
    s.set_run(run)
    return s


def test_select_points_fills_the_default_group_and_modifiers_add_and_remove(state: ViewerState) -> None:
    seen: list[object] = []
    state.events.group_shown.connect(seen.append)
    state.select_points([5, 3, 9])
    assert state.group_shown == DEFAULT_GROUP and seen == [DEFAULT_GROUP]
    assert state.group.tolist() == [3, 5, 9]
    state.select_points([9, 20], "add")
    assert state.group.tolist() == [3, 5, 9, 20]
    state.select_points([3, 4], "remove")
    assert state.group.tolist() == [5, 9, 20]
    state.select_points([7])
    assert state.group.tolist() == [7]
    assert not state.group.flags.writeable


def test_a_named_group_changes_only_by_add_and_remove(state: ViewerState) -> None:
    state.set_group("mine", [1, 2])
    state.group_shown = "mine"
    state.select_points([3], "add")
    state.select_points([1], "remove")
    assert state.groups["mine"].tolist() == [2, 3] and state.group_shown == "mine"
    state.select_points([7, 8])  # a plain drag starts the working selection again
    assert state.group_shown == DEFAULT_GROUP and state.group.tolist() == [7, 8]
    assert state.groups["mine"].tolist() == [2, 3]


def test_hidden_classes_are_never_selected(state: ViewerState, run: Run) -> None:
    state.hidden_classes = {int(run.labels[0])}
    state.select_points(range(20))
    assert state.group is not None and state.group.size > 0
    assert int(run.labels[0]) not in set(run.labels[state.group].tolist())
    state.select_class(int(run.labels[0]))
    assert state.group.size == 0
    state.select_worst(10, 3)
    assert state.group.size == 10 and int(run.labels[0]) not in set(run.labels[state.group].tolist())


def test_select_class_and_worst(state: ViewerState, run: Run) -> None:
    state.select_class(2)
    assert state.group.tolist() == np.flatnonzero(run.labels == 2).tolist()
    state.select_worst(5, 1)
    expected = np.argsort(-run.test_bce[1].astype(np.float64), kind="stable")[:5]
    assert sorted(state.group.tolist()) == sorted(expected.tolist())


def test_removing_a_group_stops_showing_it_and_its_trails(state: ViewerState) -> None:
    state.set_group("a", [1, 2])
    state.group_shown = "a"
    state.trails = TrailsState("a", 5)
    state.remove_group("a")
    assert state.group_shown is None and state.trails is None and "a" not in state.groups


def test_group_rules_refuse_bad_values(state: ViewerState) -> None:
    with pytest.raises(ValueError, match="no group"):
        state.group_shown = "nope"
    with pytest.raises(ValueError, match="0 to 299"):
        state.set_group("x", [300])
    with pytest.raises(ValueError, match="twice"):
        state.set_group("x", [1, 1])
    with pytest.raises(ValueError, match="printable"):
        state.set_group("", [1])
    with pytest.raises(ValueError, match="highlight or isolate"):
        state.group_mode = "blink"
    with pytest.raises(ValueError, match="Trails need a group"):
        state.trails = TrailsState("nope", 3)
    state.set_group("x", [1])
    state.trails = TrailsState("x", 0)
    assert state.trails == TrailsState("x", 1)  # clamped, like the path's samples
    state.toggle_group_mode()
    assert state.group_mode == "isolate"


def test_a_run_of_other_images_drops_the_groups(state: ViewerState, run: Run, tmp_path: Path) -> None:
    state.set_group("x", [1, 2])
    state.set_run(run)  # the same images: kept
    assert "x" in state.groups
    other = load_run(make_run(tmp_path / "o", n=200, epochs=1, seed=4))
    state.set_run(other)
    assert dict(state.groups) == {}


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


def test_groups_round_trip_through_a_view_file(state: ViewerState, run: Run, tmp_path: Path) -> None:
    state.set_group("shirts", [3, 1, 2])
    state.select_points([7, 8])
    state.group_mode = "isolate"
    state.trails = TrailsState("shirts", 6)
    state.camera = None
    spec = spec_from_state(state.model)
    assert spec.grouping.groups == {"shirts": (1, 2, 3), DEFAULT_GROUP: (7, 8)}
    path = tmp_path / "v.json"
    save_view(ViewSpec(**{**spec.__dict__, "camera": ViewSpec.from_dict(_view(run), "x").camera}), path)
    back = load_view(path)
    check_spec(back, run, path)
    fresh = ViewerState()
    fresh.set_run(run)
    apply_spec(fresh.model, back)
    assert {k: v.tolist() for k, v in fresh.groups.items()} == {"shirts": [1, 2, 3], DEFAULT_GROUP: [7, 8]}
    assert (fresh.group_shown, fresh.group_mode, fresh.trails) == (DEFAULT_GROUP, "isolate", TrailsState("shirts", 6))


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


def test_no_listener_sees_a_removed_group_still_shown(state: ViewerState) -> None:
    seen: list[object] = []
    state.events.groups.connect(lambda _g: seen.append((state.group_shown, state.group, state.trails)))
    state.set_group("a", [1])
    state.group_shown = "a"
    state.trails = TrailsState("a", 2)
    state.remove_group("a")
    assert seen[-1] == (None, None, None)
