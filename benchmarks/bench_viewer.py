"""Viewer benchmark: frame times (LOD), epoch switch, click and probe latency, cold start, mplot3d; prints JSON.

Run from the repository root: ``python benchmarks/bench_viewer.py`` (starts a virtual X display
through pyvirtualdisplay when no DISPLAY is set; Xvfb must be installed).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"
DATA = Path(os.environ.get("LATENT3D_DATA_DIR", REPO.parent / "shared" / "data"))
VIEW_SIZE = (1000, 800)
COLD_START_CHILD = r"""
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from latent3d.qt.main_window import MainWindow
from latent3d.runs import load_run
from PySide6.QtCore import QSettings
w = MainWindow(data_dir=Path(sys.argv[2]), settings=QSettings(sys.argv[3], QSettings.Format.IniFormat))
w.resize(1400, 900)
w.show()
w.files.show_run(load_run(sys.argv[1]))
w.view.ren_win.AddObserver("EndEvent", lambda *a: (print("FIRST_FRAME", flush=True), app.quit()))
app.exec()
"""


def _median_ms(fn, repeats: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 2)


def synthetic(n: int, epochs: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Ten Gaussian class clusters of ``n`` codes over ``epochs + 1`` epochs."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    centres = rng.uniform(-4, 4, (10, 3)).astype(np.float32)
    return np.stack([centres[labels] * e / epochs + rng.standard_normal((n, 3)).astype(np.float32)
                     for e in range(epochs + 1)]), labels


def bench_points(view, n: int) -> dict[str, float]:  # noqa: ANN001
    """Frame times (rotating with LOD, still) and epoch-switch CPU time at ``n`` points."""
    codes, labels = synthetic(n)
    scene = view.scene
    scene.set_data(codes, labels)
    rw, cam = view.ren_win, view.camera
    rw.Render()

    def rotate() -> None:
        cam.Azimuth(2.0)
        rw.Render()

    scene.set_fast(True)
    rotating = _median_ms(rotate, 20)
    scene.set_fast(False)
    still = _median_ms(rotate, 5 if n <= 100_000 else 3)
    ts = iter(np.linspace(0.01, 2.99, 1000))
    switch = _median_ms(lambda: scene.set_position(float(next(ts))), 50)
    return {"rotating_frame_ms": rotating, "rotating_fps": round(1000 / rotating, 1),
            "still_frame_ms": still, "epoch_switch_cpu_ms": switch}


def bench_mplot3d(n: int) -> float:
    """Median redraw time of a matplotlib mplot3d scatter of ``n`` points at 1000x800 while rotating."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    codes, labels = synthetic(n, 1)
    fig = plt.figure(figsize=(10, 8), dpi=100)
    ax = fig.add_subplot(projection="3d")
    ax.scatter(*codes[-1].T, c=labels, cmap="tab10", s=4, depthshade=False)
    fig.canvas.draw()
    azim = iter(range(0, 360, 3))

    def redraw() -> None:
        ax.view_init(elev=20, azim=next(azim))
        fig.canvas.draw()

    out = _median_ms(redraw, 5)
    plt.close(fig)
    return out


def open_bundled(app, settings_path: Path):  # noqa: ANN001, ANN201
    """The real main window at 1400x900 on the bundled run, shown and settled."""
    from PySide6.QtCore import QSettings

    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    w = MainWindow(data_dir=DATA, settings=QSettings(str(settings_path), QSettings.Format.IniFormat))
    w.resize(1400, 900)
    w.show()
    w.files.show_run(load_run(BUNDLED))
    for _ in range(5):
        app.processEvents()
    return w


def bench_interaction(app, settings_path: Path) -> dict[str, float]:  # noqa: ANN001
    """Click -> both images shown, and probe move -> decoded image shown, on the bundled run."""


    w = open_bundled(app, settings_path)
    w.view.ren_win.Render()
    disp = np.array([w.scene.display_position(i) for i in range(0, w.scene.n_points, 10)])
    width, height = w.view.ren_win.GetSize()
    inside = (disp[:, 0] > 5) & (disp[:, 0] < width - 5) & (disp[:, 1] > 5) & (disp[:, 1] < height - 5)
    # front-most points inside the view: the click hits them
    targets = [10 * int(i) for i in np.argsort(np.where(inside, disp[:, 2], np.inf))[:10]]
    clicks = []
    for i in targets:
        x, y, _ = w.scene.display_position(i)
        w.model.pick.selected = 0
        t = time.perf_counter()
        w.view.click(int(round(x)), int(round(y)))
        w.parts["inspect"]["panel"].repaint()  # paint both images now, as the event loop would
        clicks.append(time.perf_counter() - t)
    w.parts["inspect"]["gestures"].set_free_roam(True)
    rng = np.random.default_rng(1)
    probes = []
    for _ in range(30):
        p = rng.normal(0, 2, 3).astype(np.float32)
        t = time.perf_counter()
        w.scene.set_probe_position(p)
        w.parts["inspect"]["panel"].repaint()
        probes.append(time.perf_counter() - t)
    w.close()
    w.deleteLater()
    return {"click_to_both_images_ms": round(statistics.median(clicks) * 1000, 2),
            "probe_move_to_decoded_image_ms": round(statistics.median(probes) * 1000, 2)}


def bench_timeline(app, settings_path: Path) -> dict[str, float]:  # noqa: ANN001
    """Moving the timeline between snapshots in the real window (state -> scene, panels, status, loss panel).

    Renders are requested and done later, once per event-loop turn, so the time measured is the
    CPU work of one move without the frame; the loss panel's own share is measured alone too.
    """
    w = open_bundled(app, settings_path)
    w.parts["display"]["actions"].set_train_overlay(True)  # 10k test + 60k training points drawn
    last = w.model.time.time.last
    rng = np.random.default_rng(2)
    positions = iter(rng.uniform(0, last, 400))

    def move() -> None:
        w.model.time.position = float(next(positions))

    plain = _median_ms(move, 100)
    w.model.pick.selected = 0  # with a selection the image panel, filmstrip frame and neighbours follow each move too
    selected = _median_ms(move, 100)
    cpu = []
    for _ in range(100):
        t = time.process_time()
        move()
        cpu.append(time.process_time() - t)
    loss_only = _median_ms(lambda: w.loss_panel._on_position(float(rng.uniform(0, last))), 100)

    def loss_and_paint() -> None:  # the move plus a full repaint of the plot (pyqtgraph, software raster)
        w.loss_panel._on_position(float(rng.uniform(0, last)))
        w.loss_panel.canvas.grab()

    loss_painted = _median_ms(loss_and_paint, 50)
    w.close()
    w.deleteLater()
    return {"timeline_move_ms": plain, "timeline_move_with_selection_ms": selected,
            "timeline_move_with_selection_cpu_ms": round(statistics.median(cpu) * 1000, 2),
            "loss_panel_update_ms": loss_only, "loss_panel_update_and_repaint_ms": loss_painted,
            "snapshots": last + 1}


def bench_explore(app, settings_path: Path, tmp: Path) -> dict[str, float]:  # noqa: ANN001
    """Neighbours query at 70k points, the N=10 interpolation strip, and movie export seconds per frame."""

    from latent3d.analysis.explore import NeighbourIndex

    codes, _labels = synthetic(70_000)
    index = NeighbourIndex(codes)
    index.tree(3)  # built once per epoch; the query is what a click or probe move pays
    queries = iter(np.random.default_rng(2).normal(0, 3, (1000, 3)))
    query_ms = _median_ms(lambda: index.query(3, next(queries), 8), 200)
    t = time.perf_counter()
    NeighbourIndex(codes).tree(3)
    build_ms = round((time.perf_counter() - t) * 1000, 2)
    w = open_bundled(app, settings_path)
    w.model.pick.selected = 0
    pairs = iter(np.random.default_rng(3).integers(0, w.scene.n_points, (100, 2)))

    def strip() -> None:
        a, b = next(pairs)
        w.parts["inspect"]["path_view"].start(int(a), int(b))
        w.parts["inspect"]["path"].repaint()

    strip_ms = _median_ms(strip, 20)
    t = time.perf_counter()
    frames = w.exports.movie.write(tmp / "bench.mp4", frames_per_snapshot=2)
    movie_s = (time.perf_counter() - t) / max(frames or 1, 1)
    w.close()
    w.deleteLater()
    return {"neighbours_query_ms_70k": query_ms, "neighbours_index_build_ms_70k": build_ms,
            "interpolation_strip_ms_n10": strip_ms, "movie_export_s_per_frame": round(movie_s, 4)}


def bench_live_training(app, settings_path: Path, tmp: Path, epochs: int = 3) -> dict[str, object]:  # noqa: ANN001
    """Retraining from the window (issue #5), all in one window on the bundled run.

    Median frame time while rotating (LOD on, paced at 60 Hz like a drag) when idle and during a
    full-data training in the window's training process; the training's seconds per epoch in the
    window (while rotating, and while the window idles) against ``run.py train`` in a plain
    process; and the latency of Stop until the window hears the training ended.
    """

    from latent3d.config.train import TrainConfig
    from latent3d.runs import load_run

    w = open_bundled(app, settings_path)
    ren_win = w.view.ren_win

    def frame() -> float:
        t = time.perf_counter()
        w.view.camera.Azimuth(2.0)
        ren_win.Render()
        dt = time.perf_counter() - t
        app.processEvents()  # deliver the training's signals, as the event loop would between frames
        time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - t)))
        return dt

    def train_in_window(name: str, rotate: bool) -> tuple[list[float], list[float]]:
        w.parts["training"]["training"].start(TrainConfig(epochs=epochs), tmp / name)
        w.scene.set_fast(rotate)
        w.view.signals.interacting.emit(rotate)  # what a real drag (or its end) tells the window
        times: list[float] = []
        while w.parts["training"]["training"].running:
            w.scene.set_fast(rotate)
            training = w.parts["training"]["training"]
            if rotate and training.live_run is not None:  # from epoch 0 on screen to the saved run
                times.append(frame())
            else:
                app.processEvents()
                time.sleep(1 / 60)
        return times, list(load_run(tmp / name).meta["seconds_per_epoch"])

    w.scene.set_fast(True)
    idle = [frame() for _ in range(120)]
    during, gui_rotating = train_in_window("gui-rotating", rotate=True)
    idle_after = [frame() for _ in range(120)]
    _, gui_idle = train_in_window("gui-idle", rotate=False)
    cli = subprocess.run([sys.executable, str(REPO / "run.py"), "train", "--epochs", str(epochs), "--no-progress",
                          "--data-dir", str(DATA), "--out", str(tmp / "cli")], cwd=REPO, capture_output=True, text=True)
    if cli.returncode != 0:
        raise RuntimeError(cli.stderr)
    cli_s = json.loads((tmp / "cli" / "run.json").read_text())["seconds_per_epoch"]
    w.parts["training"]["training"].start(TrainConfig(epochs=epochs), tmp / "gui-stopped")
    training = w.parts["training"]["training"]
    while training.running and not (w.run is not None and w.run.name == "gui-stopped" and w.run.epochs >= 1):
        app.processEvents()
        time.sleep(0.01)
    w.parts["training"]["training"].stop()
    while w.parts["training"]["training"].running:
        app.processEvents()
        time.sleep(0.005)
    stop_s = w.parts["training"]["training"].controller.stop_latency_s
    w.close()
    w.deleteLater()
    med = statistics.median
    idle_ms = med(idle + idle_after) * 1000
    during_ms = med(during) * 1000
    return {
        "epochs_per_training": epochs,
        "rotating_frame_ms_idle": round(idle_ms, 2),
        "rotating_frame_ms_during_training": round(during_ms, 2),
        "frame_time_ratio_training_vs_idle": round(during_ms / idle_ms, 2),
        "p95_frame_ms_during_training": round(float(np.percentile(during, 95)) * 1000, 2),
        "frames_measured_during_training": len(during),
        "s_per_epoch_gui_while_rotating": round(med(gui_rotating), 3),
        "s_per_epoch_gui_idle_window": round(med(gui_idle), 3),
        "s_per_epoch_cli": round(med(cli_s), 3),
        "gui_speed_vs_cli_while_rotating": round(med(cli_s) / med(gui_rotating), 2),
        "gui_speed_vs_cli_idle_window": round(med(cli_s) / med(gui_idle), 2),
        "stop_latency_s": round(stop_s, 3) if stop_s is not None else None,
    }


def bench_cold_start(settings_path: Path, repeats: int = 3) -> float:
    """Seconds from process start to the first rendered frame of the bundled run (median of ``repeats``)."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", COLD_START_CHILD, str(BUNDLED), str(DATA), str(settings_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("FIRST_FRAME"):
                times.append(time.perf_counter() - t)
                break
        proc.wait(timeout=60)
    return round(statistics.median(times), 3)


PARTS = ("points", "interaction", "timeline", "explore", "live_training", "cold_start")


def main() -> int:
    """Run every measurement (or those ``--only`` names) and print one JSON object."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="measure only these parts")
    only = set(parser.parse_args().only)
    display = start_virtual_display()
    window_process = as_the_window()
    import tempfile

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from latent3d.qt.canvas.view import LatentView

    settings_path = Path(tempfile.mkdtemp()) / "bench.ini"
    result: dict[str, object] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                             "view_px": list(VIEW_SIZE)}}
    if "points" in only:
        view = LatentView()
        view.resize(*VIEW_SIZE)
        view.show()
        for _ in range(5):
            app.processEvents()
        caps = view.ren_win.ReportCapabilities()
        result["gl_renderer"] = caps.split("OpenGL renderer string:")[-1].splitlines()[0].strip()
        for n in (10_000, 70_000, 1_000_000):
            result[f"points_{n}"] = bench_points(view, n)
        view.close()
        view.deleteLater()
        result["mplot3d_frame_ms"] = {"10000": bench_mplot3d(10_000), "70000": bench_mplot3d(70_000)}
        result["speedup_vs_mplot3d_70000"] = round(
            result["mplot3d_frame_ms"]["70000"] / result["points_70000"]["rotating_frame_ms"], 1)  # type: ignore[index]
    if (BUNDLED / "run.json").is_file():
        if "interaction" in only:
            result.update(bench_interaction(app, settings_path))
        if "timeline" in only:
            result.update(bench_timeline(app, settings_path))
        if "explore" in only:
            result.update(bench_explore(app, settings_path, settings_path.parent))
        if "live_training" in only and (DATA / "FashionMNIST" / "raw").is_dir():
            result["live_training"] = bench_live_training(app, settings_path, Path(tempfile.mkdtemp()))
        if "cold_start" in only:
            result["cold_start_s"] = bench_cold_start(settings_path)
    else:
        result["skipped"] = "bundled run missing: click, probe and cold start not measured"
    print(json.dumps({**window_process, **result}, indent=2))
    finish(display, 0)  # exit 0 now: Qt/VTK teardown against the stopped display used to end in status 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
