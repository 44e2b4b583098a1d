"""Viewer benchmark: frame times with LOD, epoch switch, click and probe latency, cold start, mplot3d anchor; prints JSON.

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
w.set_run(load_run(sys.argv[1]))
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
    switch = _median_ms(lambda: scene.set_epoch(float(next(ts))), 50)
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


def bench_interaction(app, settings_path: Path) -> dict[str, float]:  # noqa: ANN001
    """Click -> both images shown, and probe move -> decoded image shown, on the bundled run."""
    from PySide6.QtCore import QSettings

    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    w = MainWindow(data_dir=DATA, settings=QSettings(str(settings_path), QSettings.Format.IniFormat))
    w.resize(1400, 900)
    w.show()
    w.set_run(load_run(BUNDLED))
    for _ in range(5):
        app.processEvents()
    w.view.ren_win.Render()
    depth = np.array([w.scene.display_position(i)[2] for i in range(0, w.scene.n_points, 10)])
    targets = [10 * int(i) for i in np.argsort(depth)[:10]]  # front-most points: the click hits them
    clicks = []
    for i in targets:
        x, y, _ = w.scene.display_position(i)
        w.select(0)
        t = time.perf_counter()
        w.view.click(int(round(x)), int(round(y)))
        w.panel.repaint()  # paint both images now, as the event loop would
        clicks.append(time.perf_counter() - t)
    w.set_free_roam(True)
    rng = np.random.default_rng(1)
    probes = []
    for _ in range(30):
        p = rng.normal(0, 2, 3).astype(np.float32)
        t = time.perf_counter()
        w.scene.set_probe_position(p)
        w.panel.repaint()
        probes.append(time.perf_counter() - t)
    w.close()
    w.deleteLater()
    return {"click_to_both_images_ms": round(statistics.median(clicks) * 1000, 2),
            "probe_move_to_decoded_image_ms": round(statistics.median(probes) * 1000, 2)}


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


def main() -> int:
    """Run every measurement and print one JSON object."""
    display = None
    if not os.environ.get("DISPLAY"):
        from pyvirtualdisplay import Display

        display = Display(visible=False, size=(1600, 1000), color_depth=24)
        display.start()
    import tempfile

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from latent3d.qt.view import LatentView

    settings_path = Path(tempfile.mkdtemp()) / "bench.ini"
    result: dict[str, object] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                             "view_px": list(VIEW_SIZE)}}
    view = LatentView()
    view.resize(*VIEW_SIZE)
    view.show()
    for _ in range(5):
        app.processEvents()
    result["gl_renderer"] = view.ren_win.ReportCapabilities().split("OpenGL renderer string:")[-1].splitlines()[0].strip()
    for n in (10_000, 70_000, 1_000_000):
        result[f"points_{n}"] = bench_points(view, n)
    view.close()
    view.deleteLater()
    result["mplot3d_frame_ms"] = {"10000": bench_mplot3d(10_000), "70000": bench_mplot3d(70_000)}
    result["speedup_vs_mplot3d_70000"] = round(
        result["mplot3d_frame_ms"]["70000"] / result["points_70000"]["rotating_frame_ms"], 1)  # type: ignore[index]
    if (BUNDLED / "run.json").is_file():
        result.update(bench_interaction(app, settings_path))
        result["cold_start_s"] = bench_cold_start(settings_path)
    else:
        result["skipped"] = "bundled run missing: click, probe and cold start not measured"
    print(json.dumps(result, indent=2))
    if display is not None:
        display.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
