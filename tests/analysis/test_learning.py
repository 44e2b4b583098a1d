"""Learning analysis: kNN purity, separation events, learned-at, the data map, the cache and the live increment."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from latent3d.analysis.learning import (
    LearningCache,
    analyse,
    hardest,
    learned_at,
    learned_histogram,
    learning_summary,
    log_step,
)
from latent3d.analysis.purity import crossing_step, knn_purity, purity_curves


def _clusters(n_per: int = 60, classes: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 50, (classes, 3))
    labels = np.repeat(np.arange(classes), n_per).astype(np.uint8)
    return (centres[labels] + rng.normal(0, 0.5, (len(labels), 3))).astype(np.float32), labels


def _fake_run(codes: np.ndarray, labels: np.ndarray, bce: np.ndarray, steps: np.ndarray,
              path: str = "/runs/a") -> SimpleNamespace:
    return SimpleNamespace(path=Path(path), codes=codes, labels=labels, test_bce=bce, steps=np.asarray(steps),
                           snapshot_test_loss=np.asarray(bce, np.float64).mean(axis=1))


def test_separated_clusters_have_purity_one() -> None:
    codes, labels = _clusters()
    per_class, overall = knn_purity(codes, labels)
    assert overall == pytest.approx(1.0)
    np.testing.assert_allclose(per_class, 1.0)


def test_shuffled_labels_have_purity_near_one_over_classes() -> None:
    codes, labels = _clusters(n_per=200)
    shuffled = np.random.default_rng(1).permutation(labels)
    per_class, overall = knn_purity(codes, shuffled)
    assert overall == pytest.approx(0.1, abs=0.03)
    assert np.all(np.abs(per_class - 0.1) < 0.06)


def test_purity_leaves_the_point_itself_out_even_with_duplicates() -> None:
    codes = np.zeros((6, 3), np.float32)  # all on one spot: each point's neighbours are the other five
    labels = np.array([0, 0, 0, 1, 1, 1], np.uint8)
    per_class, overall = knn_purity(codes, labels, k=5)
    assert overall == pytest.approx(2 / 5)
    np.testing.assert_allclose(per_class[:2], 2 / 5)
    assert np.isnan(per_class[2:]).all()  # classes without images


def test_purity_of_one_point_is_nan() -> None:
    per_class, overall = knn_purity(np.zeros((1, 3)), np.zeros(1, np.uint8))
    assert np.isnan(overall) and np.isnan(per_class).all()


def test_crossing_step_lands_between_the_bracketing_snapshots() -> None:
    steps = np.array([0, 10, 20, 40, 80])
    values = np.array([0.1, 0.2, 0.3, 0.9, 1.0])  # half-way is 0.55: between step 20 (0.3) and 40 (0.9)
    step, before, after = crossing_step(steps, values)  # type: ignore[misc]
    assert (before, after) == (2, 3)
    assert step == pytest.approx(20 + (0.55 - 0.3) / 0.6 * 20)


def test_crossing_step_of_a_falling_curve_and_flat_curves() -> None:
    hit = crossing_step(np.array([0, 1, 2]), np.array([1.0, 0.2, 0.0]))
    assert hit is not None and hit[1:] == (0, 1) and 0 < hit[0] < 1
    assert crossing_step(np.array([0, 1, 2]), np.array([0.5, 0.5, 0.5])) is None
    assert crossing_step(np.array([0]), np.array([0.5])) is None
    assert crossing_step(np.array([0, 1, 2]), np.array([np.nan, 0.2, np.nan])) is None


def test_learned_at_of_constructed_bce_series() -> None:
    bce = np.array([[1.0, 1.0, 0.5, 0.3],
                    [0.5, 0.95, 0.5, 0.4],
                    [0.1, 0.5, 0.6, 0.5],
                    [0.0, 0.0, 0.6, np.nan]])
    # image 0: threshold 0.1 -> snapshot 2; image 1: threshold 0.1 -> 3; image 2 never dropped; image 3 not finite
    np.testing.assert_array_equal(learned_at(bce), [2, 3, -1, -1])


def test_hardest_ranks_by_bce_and_skips_excluded() -> None:
    bce = np.array([[0.1, 0.9, 0.5, 0.7, np.nan]])
    np.testing.assert_array_equal(hardest(bce, 0, n=3), [1, 3, 2])
    np.testing.assert_array_equal(hardest(bce, 0, n=3, exclude=np.array([0, 1, 0, 0, 0], bool)), [3, 2, 0])


def test_learned_histogram_counts_per_class() -> None:
    steps = np.array([1.0, 9.0, 99.0, np.nan])
    labels = np.array([0, 0, 1, 1])
    counts = learned_histogram(steps, labels, log_step(np.array([0.0, 5.0, 1000.0])))
    assert counts.shape == (10, 2)
    assert counts[0].tolist() == [1, 1] and counts[1].tolist() == [0, 1] and counts[2:].sum() == 0


def _separating_run(snapshots: int = 5, path: str = "/runs/a") -> SimpleNamespace:
    """Classes mixed at snapshot 0 that come apart progressively; BCE falling over the snapshots."""
    final, labels = _clusters(n_per=30)
    start = np.random.default_rng(3).normal(0, 50, final.shape).astype(np.float32)
    w = np.linspace(0, 1, snapshots)[:, None, None]
    codes = ((1 - w) * start + w * final).astype(np.float32)
    bce = np.linspace(0.7, 0.2, snapshots)[:, None] * np.ones(len(labels))[None, :]
    return _fake_run(codes, labels, bce.astype(np.float32), np.array([0, 1, 3, 10, 30, 100, 300][:snapshots]), path)


def test_analyse_a_separating_run_has_events_and_json() -> None:
    a = analyse(_separating_run())  # type: ignore[arg-type]
    assert a.purity.shape == (5, 10) and a.purity_all[-1] == pytest.approx(1.0)
    assert a.loss_event is not None and all(a.event_of(c) is not None for c in range(10))
    for e in a.events:
        assert a.steps[e.before] <= e.step <= a.steps[e.after] and e.after == e.before + 1
        assert "interpolated" in e.tooltip(a.steps)
    s = learning_summary(a)
    assert isinstance(s["loss_half_drop_step"], float)
    assert s["learned_at"]["never_learned"] == 0 and isinstance(s["learned_at"]["median_step"], float)
    assert len(s["classes"]) == 10
    for c in s["classes"]:
        assert isinstance(c["separated_at_step"], float) and len(c["purity"]) == 5
        assert all(isinstance(v, float) for v in c["purity"])
        assert isinstance(c["median_learned_at_step"], float) and c["never_learned"] == 0


def test_a_run_of_one_snapshot_has_no_events() -> None:
    a = analyse(_separating_run(snapshots=1))  # type: ignore[arg-type]
    assert a.events == [] and a.never == len(a.labels)
    s = learning_summary(a)
    assert s["loss_half_drop_step"] is None and all(c["separated_at_step"] is None for c in s["classes"])
    assert all(c["median_learned_at_step"] is None for c in s["classes"])


def test_a_live_run_that_grew_computes_only_the_new_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    full = _separating_run(snapshots=6)
    cache = LearningCache()
    early = _fake_run(full.codes[:1], full.labels, full.test_bce[:1], full.steps[:1])
    first = cache.analyse(early)  # type: ignore[arg-type]
    assert first.computed == 1 and first.events == [] and cache.analyse(early) is first  # type: ignore[arg-type]
    calls: list[int] = []
    import latent3d.analysis.learning as learning

    def counting(codes: np.ndarray, labels: np.ndarray, k: int, n_classes: int = 10,
                 start: int = 0) -> tuple[np.ndarray, np.ndarray]:
        calls.append(len(codes) - start)
        return purity_curves(codes, labels, k, n_classes, start)

    monkeypatch.setattr(learning, "purity_curves", counting)
    grown = cache.analyse(full)  # type: ignore[arg-type]
    assert calls == [5] and grown.computed == 5
    np.testing.assert_array_equal(grown.purity[:1], first.purity)
    np.testing.assert_allclose(grown.purity, analyse(full).purity)  # type: ignore[arg-type]
    assert {e.cls for e in grown.events if e.kind == "class"} == set(range(10))
    assert grown.loss_event is not None


def test_another_run_is_computed_from_scratch() -> None:
    cache = LearningCache()
    cache.analyse(_separating_run(snapshots=3))  # type: ignore[arg-type]
    other = cache.analyse(_separating_run(snapshots=4, path="/runs/b"))  # type: ignore[arg-type]
    assert other.computed == 4


def test_learned_colour_values_are_log_steps_and_nan_for_never() -> None:
    from latent3d.analysis.explore import NAN_GREY, map_colours
    from latent3d.analysis.learning import learned_colour_values, learned_ticks

    bce = np.array([[1.0, 0.5], [0.15, 0.6], [0.1, 0.7]])
    v = learned_colour_values(bce, np.array([0, 9, 99]))
    assert v[0] == pytest.approx(1.0) and np.isnan(v[1])  # learned at step 9; image 1 got worse: never
    rgb = map_colours(v, 0.0, 2.0)
    assert tuple(rgb[1]) == NAN_GREY and tuple(rgb[0]) != NAN_GREY
    assert learned_ticks(0.0, 2.0) == [(0.0, "0"), (pytest.approx(np.log10(2)), "1"),
                                       (pytest.approx(np.log10(11)), "10")]


def test_learned_text_of_one_image() -> None:
    from latent3d.analysis.learning import learned_text

    assert learned_text(np.array([1.0, 0.5, 0.1, 0.1]), np.array([0, 10, 1200, 2400])) == "learned at step 1,200"
    assert learned_text(np.array([0.2, 0.3]), np.array([0, 10])) == "never learned"


def test_non_finite_numbers_give_valid_json() -> None:
    import json

    r = _separating_run(snapshots=5)
    r.codes[2, :5] = np.nan
    r.codes[3, 5:9] = np.inf
    r.test_bce[:, 0] = np.nan
    r.test_bce[4, 1] = np.inf
    r.snapshot_test_loss[2] = np.nan
    a = analyse(r)  # type: ignore[arg-type]
    text = json.dumps(learning_summary(a), allow_nan=False)  # raises on any NaN or infinity left
    assert a.learned[0] == -1 and a.learned[1] == -1 and '"loss_half_drop_step"' in text


def test_the_quick_part_comes_first_only_for_many_new_snapshots() -> None:
    full = _separating_run(snapshots=6)
    quick = analyse(full, purity=False)  # type: ignore[arg-type]
    assert quick.partial and quick.events == [] and quick.computed == 0 and np.isnan(quick.purity).all()
    np.testing.assert_array_equal(quick.learned, analyse(full).learned)  # type: ignore[arg-type]
    cache, seen = LearningCache(), []
    cache.analyse(_fake_run(full.codes[:5], full.labels, full.test_bce[:5], full.steps[:5]), seen.append)
    assert len(seen) == 1 and seen[0].partial  # five new snapshots: the quick part first
    grown = cache.analyse(full, seen.append)  # type: ignore[arg-type]
    assert len(seen) == 1 and grown.computed == 1  # one new snapshot: straight to the result
    assert analyse(full, quick).computed == 6  # type: ignore[arg-type]  # a partial one is never reused
