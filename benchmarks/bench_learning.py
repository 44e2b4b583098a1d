"""Learning-analysis benchmark, bundled run: background analysis, live increment, GUI stalls, colours, hover; JSON.

Run from the repository root: ``python benchmarks/bench_learning.py`` (starts a virtual X display
through pyvirtualdisplay when no DISPLAY is set). Figures are medians of a few repeats in one run,
so ratios between them mean more than their absolute values on a shared machine.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from _timing import median_ms
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"



def _median_ms(fn, repeats: int) -> float:  # noqa: ANN001
    return median_ms(fn, repeats, digits=2)


def _cut(run, k: int):  # noqa: ANN001, ANN202
    return dataclasses.replace(run, codes=run.codes[:k], test_bce=run.test_bce[:k], steps=run.steps[:k],
                               snapshot_test_loss=run.snapshot_test_loss[:k])


def core(run) -> dict[str, float]:  # noqa: ANN001
    """Qt-free figures: the whole analysis, one live snapshot added, the learned-at colour values."""
    from latent3d.analysis.explore import colour_range, map_colours
    from latent3d.analysis.learning import analyse, learned_at, log_step

    full_ms = _median_ms(lambda: analyse(run), 3)
    previous = analyse(_cut(run, run.n_snapshots - 1))
    grow_ms = _median_ms(lambda: analyse(run, previous), 5)

    def learned_colours() -> None:
        s = learned_at(run.test_bce)
        v = np.where(s >= 0, log_step(run.steps[np.maximum(s, 0)]), np.nan)
        map_colours(v, *colour_range(v[np.isfinite(v)]))

    cpu = time.process_time()
    analyse(run)
    cpu_ms = round((time.process_time() - cpu) * 1000, 1)  # every thread's: the wall figure's load-free partner
    return {"analysis_full_ms": full_ms, "analysis_full_cpu_ms": cpu_ms, "analysis_one_more_snapshot_ms": grow_ms,
            "learned_colour_values_ms": _median_ms(learned_colours, 20)}


def colour_switch(run) -> dict[str, float]:  # noqa: ANN001
    """The scene's side of switching the colour mode (state -> presenter -> VTK colours), and one render."""
    from latent3d.scene.offscreen.render import OffscreenRenderer

    r = OffscreenRenderer(run, size=(800, 600))
    try:
        r.frame(float(run.n_snapshots - 1))
        out = {}
        for mode in ("error", "learned"):
            def switch(m: str = mode) -> None:
                r.model.display.color = "class"
                r.model.display.color = m
            out[f"colour_switch_{mode}_ms"] = _median_ms(switch, 15)
        out["render_800x600_ms"] = _median_ms(lambda: r.frame(float(run.n_snapshots - 1)), 5)
        return out
    finally:
        r.close()


def window(run) -> dict[str, float]:  # noqa: ANN001
    """Qt figures: the longest GUI-thread stall while the service computes, and a data-map hover move."""
    from PySide6.QtCore import QPointF, QTimer
    from PySide6.QtWidgets import QApplication

    from latent3d.qt.learning.data_map import DataMap
    from latent3d.qt.learning.service import LearningService
    from latent3d.state.viewer_model import ViewerModel

    app = QApplication.instance() or QApplication([])
    model = ViewerModel()
    service = LearningService(model.learning, model.time)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    done: list[float] = []
    quick: list[float] = []
    # The quick part (learned-at, data map) comes first; the analysis is done when the purity is.
    model.learning.events.result.connect(
        lambda a: (quick if a is not None and a.partial else done).append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    last[0] = t0
    model.set_run(run)
    while not done:
        app.processEvents()
        time.sleep(0.002)
    timer.stop()
    m = DataMap(model.learning, model.time, model.display, model.pick)
    m.resize(900, 500)
    m.show()
    app.processEvents()
    rng = np.random.default_rng(0)
    picks = rng.choice(np.flatnonzero(m.visible), 200, replace=False)  # moves onto points: thumbnail and text change
    points = [m.view.mapViewToScene(QPointF(float(m.xy[i, 0]), float(m.xy[i, 1]))) for i in picks]
    it = iter(points)

    def move() -> None:
        m.hover(next(it))
        app.processEvents()  # the thumbnail and caption repaint

    hover_ms = _median_ms(move, 200)
    out = {"background_analysis_s": round(done[0] - t0, 3), "target_s": 2.0,
           "background_quick_part_s": round(quick[0] - t0, 3) if quick else None,
           "gui_longest_stall_during_analysis_ms": round(max(gaps, default=0.0) * 1000, 1),
           "gui_timer_ticks_during_analysis": len(gaps), "data_map_hover_ms": hover_ms}
    m.close_map()
    m.close()
    service.close()
    return out


def main() -> None:
    """Print the figures as one JSON object."""
    from latent3d.runs import load_run

    display = start_virtual_display()
    window_process = as_the_window()
    run = load_run(Path(os.environ.get("LATENT3D_BENCH_RUN", BUNDLED)))
    out = {"run": run.name, "snapshots": run.n_snapshots, "points": int(run.codes.shape[1]),
           "load_average_1min": float(open("/proc/loadavg").read().split()[0]), **core(run), **colour_switch(run),
           **window(run)}
    print(json.dumps({**window_process, **out}, indent=2))
    finish(display, 0)  # exit 0 now: Qt/VTK teardown against the stopped display used to end in status 1


if __name__ == "__main__":
    main()
