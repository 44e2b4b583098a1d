"""Alignment and comparison benchmark on the bundled run: Procrustes per snapshot, timeline move, agreement, two views.

Run from the repository root: ``python benchmarks/bench_align.py`` (starts a virtual X display through
pyvirtualdisplay when no DISPLAY is set). Prints one JSON object; the targets of issue 23 beside each figure.
The second run is the bundled one moved by a known similarity plus noise (10,000 points, the same images).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"


def _times(fn, repeats: int, clock=time.perf_counter) -> list[float]:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append(clock() - t)
    return times


def _median_ms(fn, repeats: int, clock=time.perf_counter) -> float:  # noqa: ANN001
    return round(statistics.median(_times(fn, repeats, clock)) * 1000, 3)


def bench_alignment(codes: np.ndarray) -> dict[str, float]:
    """All snapshots of a run aligned, once, per mode (fresh object each time: no cache)."""
    from latent3d.analysis.align import RunAlignment, procrustes

    out: dict[str, float] = {}
    for mode in ("final", "previous"):
        out[f"align_all_{mode}_ms"] = _median_ms(lambda m=mode: RunAlignment(codes).codes(m), 5)
    out["procrustes_one_snapshot_ms"] = _median_ms(lambda: procrustes(codes[10], codes[-1]), 20)
    out["snapshots"] = len(codes)
    return out


def bench_timeline_move(run, other) -> dict[str, float]:  # noqa: ANN001
    """CPU time of one timeline move through the presenter, alignment off vs on, interleaved in one run."""
    import pyvista as pv

    from latent3d.scene.core.cloud import LatentScene
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.state.compare import drawn_codes
    from latent3d.state.viewer_model import ViewerModel

    plotter = pv.Plotter(off_screen=True, window_size=[400, 300])
    scene = LatentScene(plotter)
    state = m = ViewerModel()
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene)
    state.set_run(run)
    state.compare.align = "final"
    state.compare.align = "none"  # aligned codes cached, as after the first switch in the window
    positions = iter(np.random.default_rng(0).uniform(0, run.n_snapshots - 1, 100_000))
    results: dict[str, list[float]] = {"none": [], "final": []}
    for _ in range(30):
        for mode in ("none", "final"):
            state.compare.align = mode
            results[mode].append(_median_ms(lambda: setattr(state.time, "position", float(next(positions))), 10,
                                            clock=time.process_time))
    out = {f"timeline_move_cpu_ms_align_{m}": round(statistics.median(v), 3) for m, v in results.items()}
    out["timeline_move_extra_cpu_ms"] = round(out["timeline_move_cpu_ms_align_final"]
                                              - out["timeline_move_cpu_ms_align_none"], 3)
    state.compare.align = "none"
    m.compare.other = other
    out["timeline_move_cpu_ms_with_compare_maths"] = _median_ms(
        lambda: state.compare.comparison.at(state.time.position,
                                            drawn_codes(state.time, state.compare)[state.time.snapshot]),
        30, clock=time.process_time)
    presenter.close()
    scene.close()
    plotter.close()
    return out


def bench_agreement(run, other) -> dict[str, float]:  # noqa: ANN001
    """Neighbour agreement (k = 10) of 10k points at one snapshot, uncached and cached; the whole curve."""
    from latent3d.analysis.compare import Comparison

    def fresh() -> Comparison:
        return Comparison(run.snapshot_epochs, other.snapshot_epochs, other.codes, len(run.labels))

    snaps = iter(range(run.n_snapshots))
    uncached = _median_ms(lambda: fresh().agreement(run.codes, next(snaps) % run.n_snapshots), 10)
    c = fresh()
    c.agreement(run.codes, 30)
    cached = _median_ms(lambda: c.agreement(run.codes, 30), 20)
    curve = _median_ms(lambda: fresh().agreement_curve(run.codes), 2)
    return {"agreement_per_snapshot_ms": uncached, "agreement_cached_ms": cached, "agreement_curve_all_ms": curve}


def bench_two_views(run, other) -> dict[str, float]:  # noqa: ANN001
    """Two linked Qt views of 10k points each (the main and the compared), rotating: both rendered per frame."""
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

    from latent3d.qt.canvas.view import LatentView
    from latent3d.qt.compare.view import CompareView
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.state.viewer_model import ViewerModel

    app = QApplication.instance() or QApplication([])
    holder = QWidget()
    layout = QHBoxLayout(holder)
    main = LatentView(holder)
    m = ViewerModel()
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, main.scene, main.request_render)
    layout.addWidget(main)
    m.set_run(run)
    second = CompareView(m.time, m.compare, m.display, m.pick, m.camera, holder)
    layout.addWidget(second)
    holder.resize(1400, 700)
    holder.show()
    m.compare.other = other
    for _ in range(10):
        app.processEvents()
    out: dict[str, float] = {}
    for fast in (True, False):
        main.scene.set_fast(fast)
        second.view.scene.set_fast(fast)

        def one() -> None:
            main.camera.Azimuth(2.0)  # the presenter reports the move to the camera model; the second view follows
            main.ren_win.Render()

        def both() -> None:
            one()
            second.view.ren_win.Render()

        key = "rotating_lod" if fast else "still_spheres"
        rounds: dict[str, list[float]] = {"one_view": [], "two_views": []}
        for _ in range(5):  # interleaved rounds: both see the same machine load
            rounds["one_view"] += _times(one, 6)
            rounds["two_views"] += _times(both, 6)
        for name, times in rounds.items():
            ms = statistics.median(times) * 1000
            out[f"{name}_{key}_frame_ms"] = round(ms, 2)
            out[f"{name}_{key}_fps"] = round(1000.0 / ms, 1)
            out[f"{name}_{key}_best_fps"] = round(1.0 / min(times), 1)
    presenter.close()
    second.close()
    main.close()
    holder.close()
    return out


def main() -> None:
    """Print the benchmark's JSON."""
    from latent3d.analysis.align import Similarity
    from latent3d.runs import load_run

    display = start_virtual_display()
    window_process = as_the_window()
    run = load_run(BUNDLED)
    other = load_run(BUNDLED)  # a second copy, its codes moved by a similarity and noise
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))
    move = Similarity(q, 1.7, np.array([3.0, -1.0, 2.0]))
    noise = np.random.default_rng(1).normal(0, 0.05, other.codes.shape)
    other.codes = np.stack([move.apply(c) for c in other.codes]) + noise.astype(np.float32)
    result = {"points": int(run.codes.shape[1])}
    result |= bench_alignment(run.codes)
    result |= bench_timeline_move(run, other)
    result |= bench_agreement(run, other)
    result |= bench_two_views(run, other)
    result["targets"] = {"align_per_snapshot_ms": 10, "align_all_ms": 400, "timeline_move_extra_cpu_ms": 1,
                         "agreement_per_snapshot_ms": 150, "two_views_rotating_fps": 20}
    result["load_average_1min"] = round(__import__("os").getloadavg()[0], 2)
    print(json.dumps({**window_process, **result}, indent=2))
    finish(display, 0)  # exit 0 now: Qt/VTK teardown against the stopped display used to end in status 1


if __name__ == "__main__":
    main()
