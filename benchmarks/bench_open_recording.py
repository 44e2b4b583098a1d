"""Seconds to open a 64-D recording in the window against the bundled run of the same size, alternating; prints JSON.

The recording has the bundled run's 10,000 test images and its snapshot count, its codes spread to
64 numbers by a fixed random map (plus noise), images, labels and losses, no decoder: a recording as
the Recorder writes it. Timed, in one real window at 1400x900 (Xvfb when no DISPLAY is set): the
run read from disk (``load_run``: the PCA of the 64-D embedding included), shown (``show_run``:
every feature's reaction), the pending events processed and one frame rendered. The two runs
alternate, so both share the load. Target: the recording within 20 % of the bundled run.

    python benchmarks/bench_open_recording.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"


def write_recording(target: Path, dim: int = 64) -> Path:
    """The bundled run's codes, classes and losses as a ``dim``-D recording without a decoder."""
    from latent3d.data.images import load_test_images
    from latent3d.runs import load_run
    from latent3d.runs.recording_writer import RecordingWriter

    run = load_run(BUNDLED)
    rng = np.random.default_rng(0)
    lift = rng.normal(size=(3, dim))
    images = load_test_images(None).pixels
    if images is None:
        images = rng.integers(0, 256, (len(run.labels), 28, 28)).astype(np.uint8)
    meta = {"steps_per_epoch": run.steps_per_epoch, "epochs": run.epochs, "points": len(run.labels), "dim": dim,
            "dtype": "float32", "schedule": "log", "losses": True, "labels": True, "images": {"shape": [28, 28]},
            "decoder": None, "dataset": {"name": "fashion-mnist", "class_names": list(run.class_names)},
            "source": "recorder"}
    writer = RecordingWriter(target, meta, labels=np.asarray(run.labels, np.uint8), images=images, sync=False)
    for s, step in enumerate(run.steps):
        codes = run.codes[s] @ lift + 0.05 * rng.normal(size=(len(run.labels), dim))
        writer.add_snapshot(int(step), codes.astype(np.float32), np.asarray(run.test_bce[s], np.float32), None)
    writer.finish()
    return target


def main() -> None:
    """Open the bundled run and the recording alternately ``--repeats`` times each; print one JSON object."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    display = start_virtual_display()
    blas = as_the_window()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    app = QApplication.instance() or QApplication([])
    load = [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    times: dict[str, list[float]] = {"bundled": [], "recording_64d": []}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"bundled": BUNDLED, "recording_64d": write_recording(Path(tmp) / "rec64")}
        w = MainWindow(data_dir=None, settings=QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        w.resize(1400, 900)
        w.show()
        for _ in range(10):
            app.processEvents()

        loads: dict[str, list[float]] = {"bundled": [], "recording_64d": []}

        def open_once(name: str) -> float:
            t = time.perf_counter()
            run = load_run(paths[name])
            loads[name].append(time.perf_counter() - t)
            w.files.show_run(run)
            app.processEvents()
            w.view.ren_win.Render()
            return time.perf_counter() - t

        open_once("bundled")  # the first open builds what later ones reuse: not counted
        open_once("recording_64d")
        for r in range(args.repeats):
            for name in (("bundled", "recording_64d") if r % 2 == 0 else ("recording_64d", "bundled")):
                times[name].append(open_once(name))
        w.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(json.dumps({
        "seconds_open": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "seconds_open_median": {k: round(v, 3) for k, v in med.items()},
        "recording_over_bundled": round(med["recording_64d"] / med["bundled"], 3), "target_ratio": 1.2,
        "seconds_load_run_median": {k: round(statistics.median(v[1:]), 3) for k, v in loads.items()},
        "window_setup": blas, "loadavg_before": load,
        "loadavg_after": [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]],
    }, indent=2))
    finish(display)


if __name__ == "__main__":
    main()
