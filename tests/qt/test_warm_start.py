"""The first click's one-time costs are paid after the first frame: scipy, the k-d tree, decoders, the pick shaders."""

from __future__ import annotations

import threading

import pytest
from qt.conftest import dispose, open_window

from latent3d.analysis.warmup import filmstrip_snapshots, warm_up
from latent3d.qt.canvas.warm_start import warm_after_first_frame
from latent3d.qt.inspect.explore_panel import FILMSTRIP_FRAMES


def _warm_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "latent3d-warm-up"]


def test_the_filmstrip_snapshots_are_the_ones_the_filmstrip_shows() -> None:
    assert FILMSTRIP_FRAMES == 21
    assert filmstrip_snapshots(39) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39]
    assert filmstrip_snapshots(3) == [0, 1, 2, 3]
    assert filmstrip_snapshots(0) == [0]


def test_after_the_first_frame_the_tree_and_decoders_are_built(qtbot, settings, synthetic_run,  # noqa: ANN001
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The window starts the warm-up itself, once, on a turn of the event loop after its first frame of a run."""
    from latent3d.scene.core.cloud import LatentScene

    picks: list[tuple[int, int]] = []
    scene_pick = LatentScene.pick
    monkeypatch.setattr(LatentScene, "pick", lambda self, x, y, radius=3: picks.append((x, y)) or scene_pick(
        self, x, y, radius))
    window = open_window(qtbot, settings, None, synthetic_run)
    try:
        qtbot.waitUntil(lambda: bool(picks) and not _warm_threads(), timeout=20_000)
        run, index = window.model.time.run, window.neighbours.index
        assert picks == [(0, 0)]  # one selection pass, on a corner pixel: the shaders compiled, nothing selected
        assert window.model.pick.selected is None
        assert window.model.time.snapshot in index._trees
        assert set(filmstrip_snapshots(len(run.codes) - 1)) <= set(run._decoders)
        window.view.ren_win.Render()
        qtbot.wait(50)
        assert picks == [(0, 0)]  # once: later frames start nothing
    finally:
        dispose(window)


def test_warm_up_without_an_index_still_builds_the_decoders(window) -> None:  # noqa: ANN001
    run = window.model.time.run
    warm_up(run, None, 1)
    assert {1, *filmstrip_snapshots(len(run.codes) - 1)} <= set(run._decoders)


def test_a_window_closed_before_the_warm_up_is_left_alone(qtbot, window) -> None:  # noqa: ANN001
    warm_after_first_frame(window.view, window.model.time, lambda: window.neighbours.index)
    window.view.ren_win.Render()
    window.close()  # the view's scene is released before the next turn of the event loop
    qtbot.wait(50)
    assert not _warm_threads() and window.view.scene is None
