"""ViewerState's alignment and comparison fields: drawn codes, exact decoding, the rules of a comparison."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.runs import Run, load_run
from latent3d.state.viewer_state import ViewerState
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run, Run]:
    root = tmp_path_factory.mktemp("align")
    a = load_run(make_run(root / "a", n=600, epochs=3, seed=0))
    b = load_run(make_run(root / "b", n=600, epochs=3, seed=0))  # the same images (same labels), other weights
    few = load_run(make_run(root / "few", n=60, epochs=3, seed=4))
    return a, b, few


def _events(state: ViewerState) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    for name in ("align", "compare", "compare_overlay", "color"):
        getattr(state.events, name).connect(lambda v, n=name: seen.append((n, v)))
    return seen


def test_align_draws_aligned_codes_and_decodes_the_same_image(runs: tuple[Run, Run, Run]) -> None:
    run = runs[0]
    state = ViewerState()
    state.set_run(run, position=1.0)
    seen = _events(state)
    assert state.drawn_codes is run.codes and state.align_transform is None
    off = run.decoder(state.snapshot)(state.to_snapshot_codes(state.drawn_codes[1, 17]))
    state.align = "final"
    assert seen == [("align", "final")]
    drawn = state.drawn_codes
    assert drawn is not None and not np.allclose(drawn[1], run.codes[1])
    np.testing.assert_allclose(drawn[-1], run.codes[-1])
    # the probe on data point 17, drawn where alignment puts it, decodes the image it decodes unaligned
    on = run.decoder(state.snapshot)(state.to_snapshot_codes(drawn[1, 17]))
    np.testing.assert_allclose(on, off, atol=1e-5)
    with pytest.raises(ValueError, match="Unknown alignment"):
        state.align = "sideways"


def test_compare_needs_shared_images_and_keeps_the_one_shown(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerState()
    with pytest.raises(ValueError, match="Open a run"):
        state.set_compare(b)
    state.set_run(a)
    state.set_compare(b)
    assert state.compare is b and state.comparison is not None and state.comparison.n == 600
    with pytest.raises(ValueError, match=r"share \d+ test images; comparing them needs at least 100"):
        state.set_compare(few)
    assert state.compare is b


def test_comparison_colours_need_a_comparison_and_leave_with_it(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerState()
    state.set_run(a)
    with pytest.raises(ValueError, match="compares two runs"):
        state.color = "agreement"
    state.set_compare(b)
    state.color = "agreement"
    values = state.colour_values()
    assert values is not None and values.shape == (600,) and 0 <= values.min() <= values.max() <= 1
    state.color = "distance"
    dist = state.colour_values()
    assert dist is not None and dist.shape == (600,) and np.all(dist >= 0)
    state.compare_overlay = True
    seen = _events(state)
    state.set_compare(None)
    assert seen == [("color", "class"), ("compare_overlay", False), ("compare", None)]
    assert state.color == "class" and not state.compare_overlay


def test_a_new_run_without_shared_images_ends_the_comparison(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerState()
    state.set_run(a)
    state.set_compare(b)
    state.set_run(b)
    assert state.compare is b  # b against itself: still a comparison
    state.set_run(few)
    assert state.compare is None and state.comparison is None


def test_aligned_movement_colour(runs: tuple[Run, Run, Run]) -> None:
    state = ViewerState()
    state.set_run(runs[0], position=2.0)
    state.color = "aligned-movement"
    moved = state.colour_values()
    state.color = "movement"
    raw = state.colour_values()
    assert moved is not None and raw is not None and moved.shape == raw.shape
    assert (moved.astype(np.float64) ** 2).sum() <= (raw.astype(np.float64) ** 2).sum() * (1 + 1e-6)
