"""Group benchmark: box selection to panel filled, a gallery page, trails while rotating, a timeline move; prints JSON.

Run from the repository root: ``python benchmarks/bench_groups.py`` (starts a virtual X display
through pyvirtualdisplay when no DISPLAY is set). It uses the bundled run (40 snapshots x 10,000
test codes). Every figure is a median of repeats in this one process; "baseline" figures are the same
operation with no group selected and without the group presenter and panel, measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _timing import median_ms
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"
DATA = Path(os.environ.get("LATENT3D_DATA_DIR", REPO.parent / "shared" / "data"))
VIEW_SIZE = (1000, 800)



def _median_ms(fn, repeats: int, clock=time.perf_counter) -> float:  # noqa: ANN001
    return median_ms(fn, repeats, clock, 3)


def main() -> None:  # noqa: PLR0915 - one scripted session
    display = start_virtual_display()
    window_process = as_the_window()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from latent3d.data.datasets import load_split
    from latent3d.qt.canvas.view import LatentView
    from latent3d.qt.groups.panel import GroupPanel
    from latent3d.runs import load_run
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.scene.groups.presenter import GroupPresenter
    from latent3d.scene.groups.region import select_region
    from latent3d.state.groups import TrailsState
    from latent3d.state.viewer_model import ViewerModel

    run = load_run(BUNDLED)
    try:
        images = load_split(DATA, "test")[0]
    except Exception:  # noqa: BLE001 - the gallery still works on reconstructions alone
        images = None
    view = LatentView()
    view.resize(*VIEW_SIZE)
    view.show()
    app.processEvents()
    m = ViewerModel()
    time_, groups_ = m.time, m.groups
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, view.scene, view.request_render)
    m.set_run(run)
    rw, cam = view.ren_win, view.camera
    rw.Render()
    out: dict[str, object] = {"machine": platform.platform(), "load_average": [round(v, 1) for v in os.getloadavg()],
                              "cpus": os.cpu_count(), **window_process,
                              "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                              "points": int(len(run.labels)),
                              "snapshots": int(run.n_snapshots), "view": list(VIEW_SIZE)}

    # -- nothing selected: without and with the group code, alternating, in this one session ----------
    us = iter(np.linspace(0.01, run.n_snapshots - 1.01, 40_000))

    def rotate() -> None:
        cam.Azimuth(2.0)
        rw.Render()

    def frames() -> tuple[float, float, float]:
        move = _median_ms(lambda: setattr(time_, "position", float(next(us))), 200, time.process_time)
        view.scene.set_fast(True)
        rot = _median_ms(rotate, 20)
        view.scene.set_fast(False)
        return move, rot, _median_ms(rotate, 6)

    without: list[tuple[float, float, float]] = []
    with_code: list[tuple[float, float, float]] = []
    for _ in range(3):
        without.append(frames())
        groups = GroupPresenter(m.groups, m.time, m.display, m.compare, view.scene, presenter.colours,
                                view.request_render)
        panel = GroupPanel(m.groups, m.time, m.pick, images)
        panel.resize(360, 700)
        panel.show()
        app.processEvents()
        with_code.append(frames())
        groups.close()
        panel.close_panel()
        panel.close()
    groups = GroupPresenter(m.groups, m.time, m.display, m.compare, view.scene, presenter.colours, view.request_render)
    panel = GroupPanel(m.groups, m.time, m.pick, images)
    panel.resize(360, 700)
    panel.show()
    app.processEvents()

    def med(rows: list[tuple[float, float, float]], k: int) -> float:
        return round(statistics.median(r[k] for r in rows), 3)

    out["no_group"] = {name: {"without_group_code": med(without, k), "with_group_code": med(with_code, k)}
                       for k, name in enumerate(("timeline_move_cpu_ms", "rotating_frame_ms", "still_frame_ms"))}
    out["no_group"]["rounds"] = 3

    # -- box selection of the whole view -> highlighted, panel filled, one frame ------------------
    time_.position = float(run.n_snapshots - 1)
    view.scene.reset_camera()
    rw.Render()
    w, h = rw.GetSize()
    box = np.array([[0, 0], [w - 1, h - 1]])
    counts: dict[str, int] = {}

    def box_select(behind: bool) -> None:
        groups_.shown = None
        ids = select_region(view.scene, box, behind=behind)
        groups_.select_points(ids)
        panel.repaint()
        rw.Render()
        counts["behind" if behind else "visible"] = int(ids.size)

    visible_ms = _median_ms(lambda: box_select(False), 7)
    behind_ms = _median_ms(lambda: box_select(True), 7)
    t = time.perf_counter()
    select_region(view.scene, box)
    select_only = round((time.perf_counter() - t) * 1000, 3)
    out["box_select_to_panel_ms"] = {"visible_only": visible_ms, "visible_points": counts["visible"],
                                     "with_points_behind": behind_ms, "points_behind_mode": counts["behind"],
                                     "region_selection_alone": select_only, "target": 100}

    # -- gallery page of 48 -----------------------------------------------------------------------
    groups_.select_points(np.arange(len(run.labels)))
    pages = iter(range(1, 10_000))

    def page() -> None:
        panel.set_page(next(pages) % panel.n_pages)
        panel.gallery.repaint()

    decoder, s = run.decoder(time_.snapshot), time_.snapshot
    idx = groups_.group[:48]
    out["gallery_page_48_ms"] = {"median": _median_ms(page, 30), "target": 50,
                                 "decode_48_alone": _median_ms(lambda: decoder(run.codes[s, idx]), 30),
                                 "paint_alone": _median_ms(panel.gallery.repaint, 30),
                                 "still_frame_for_scale": _median_ms(rotate, 5),
                                 "with_originals": images is not None}

    # -- trails: 1,000 points x 40 snapshots ------------------------------------------------------
    groups_.select_points(np.arange(0, len(run.labels), 10))
    groups_.trails = TrailsState(groups_.shown or "selection", run.n_snapshots)
    view.scene.set_fast(True)
    trail_rot = _median_ms(rotate, 30)
    view.scene.set_fast(False)
    trail_still = _median_ms(rotate, 10)
    trail_move = _median_ms(lambda: setattr(time_, "position", float(next(us))), 200, time.process_time)
    trail_move_wall = _median_ms(lambda: setattr(time_, "position", float(next(us))), 200)
    out["trails_1000x40"] = {"trails": groups.trails.n_trails,
                             "vertices": int(groups.trails.vertices.shape[0] * groups.trails.vertices.shape[1]),
                             "rotating_frame_ms": trail_rot, "rotating_fps": round(1000 / trail_rot, 1),
                             "still_frame_ms": trail_still, "target_fps": 20,
                             "timeline_move_cpu_ms": trail_move, "timeline_move_wall_ms": trail_move_wall,
                             "timeline_target_ms": 5}
    print(json.dumps(out, indent=2))
    groups.close()
    presenter.close()
    panel.close_panel()
    panel.close()
    view.close()
    finish(display, 0)  # exit 0 now: Qt/VTK teardown against the stopped display used to end in status 1


if __name__ == "__main__":
    main()
