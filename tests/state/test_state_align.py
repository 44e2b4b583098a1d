"""The alignment and comparison models: drawn codes, exact decoding, the rules of a comparison."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.runs import Run, load_run
from latent3d.state.compare import align_transform, drawn_codes, to_snapshot_codes
from latent3d.state.display import colour_values
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run, Run]:
    root = tmp_path_factory.mktemp("align")
    a = load_run(make_run(root / "a", n=600, epochs=3, seed=0))
    b = load_run(make_run(root / "b", n=600, epochs=3, seed=0))  # the same images (same labels), other weights
    few = load_run(make_run(root / "few", n=60, epochs=3, seed=4))
    return a, b, few


def _events(model: ViewerModel) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    for name, signal in (("align", model.compare.events.align), ("compare", model.compare.events.other),
                         ("compare_overlay", model.compare.events.overlay), ("color", model.display.events.color)):
        signal.connect(lambda v, n=name: seen.append((n, v)), max_args=1)
    return seen


def test_align_draws_aligned_codes_and_decodes_the_same_image(runs: tuple[Run, Run, Run]) -> None:
    run = runs[0]
    state = ViewerModel()
    state.set_run(run, position=1.0)
    seen = _events(state)
    assert drawn_codes(state.time, state.compare) is run.codes and align_transform(state.time, state.compare) is None
    drawn = drawn_codes(state.time, state.compare)
    off = run.decoder(state.time.snapshot)(to_snapshot_codes(state.time, state.compare, drawn[1, 17]))
    state.compare.align = "final"
    assert seen == [("align", "final")]
    drawn = drawn_codes(state.time, state.compare)
    assert drawn is not None and not np.allclose(drawn[1], run.codes[1])
    np.testing.assert_allclose(drawn[-1], run.codes[-1])
    # the probe on data point 17, drawn where alignment puts it, decodes the image it decodes unaligned
    on = run.decoder(state.time.snapshot)(to_snapshot_codes(state.time, state.compare, drawn[1, 17]))
    np.testing.assert_allclose(on, off, atol=1e-5)
    with pytest.raises(ValueError, match="Unknown alignment"):
        state.compare.align = "sideways"


def test_compare_needs_shared_images_and_keeps_the_one_shown(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerModel()
    with pytest.raises(ValueError, match="Open a run"):
        state.compare.other = b
    state.set_run(a)
    state.compare.other = b
    assert state.compare.other is b and state.compare.comparison is not None and state.compare.comparison.n == 600
    with pytest.raises(ValueError, match=r"share \d+ test images; comparing them needs at least 100"):
        state.compare.other = few
    assert state.compare.other is b


def test_comparison_colours_need_a_comparison_and_leave_with_it(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerModel()
    state.set_run(a)
    with pytest.raises(ValueError, match="compares two runs"):
        state.display.color = "agreement"
    state.compare.other = b
    state.display.color = "agreement"
    values = colour_values(state.time, state.display, state.compare)
    assert values is not None and values.shape == (600,) and 0 <= values.min() <= values.max() <= 1
    state.display.color = "distance"
    dist = colour_values(state.time, state.display, state.compare)
    assert dist is not None and dist.shape == (600,) and np.all(dist >= 0)
    state.compare.overlay = True
    seen = _events(state)
    state.compare.other = None
    assert seen == [("color", "class"), ("compare_overlay", False), ("compare", None)]
    assert state.display.color == "class" and not state.compare.overlay


def test_a_new_run_without_shared_images_ends_the_comparison(runs: tuple[Run, Run, Run]) -> None:
    a, b, few = runs
    state = ViewerModel()
    state.set_run(a)
    state.compare.other = b
    state.set_run(b)
    assert state.compare.other is b  # b against itself: still a comparison
    state.set_run(few)
    assert state.compare.other is None and state.compare.comparison is None


def test_aligned_movement_colour(runs: tuple[Run, Run, Run]) -> None:
    state = ViewerModel()
    state.set_run(runs[0], position=2.0)
    state.display.color = "aligned-movement"
    moved = colour_values(state.time, state.display, state.compare)
    state.display.color = "movement"
    raw = colour_values(state.time, state.display, state.compare)
    assert moved is not None and raw is not None and moved.shape == raw.shape
    assert (moved.astype(np.float64) ** 2).sum() <= (raw.astype(np.float64) ** 2).sum() * (1 + 1e-6)
