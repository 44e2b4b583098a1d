"""Long-session benchmark: 10,000 timeline moves and 10,000 picks in the real window; resident memory as JSON.

Run from the repository root: ``python benchmarks/bench_memory.py [--switches N] [--picks N]``
(starts a virtual X display through pyvirtualdisplay when no DISPLAY is set; Xvfb must be
installed). Opens the bundled run ``checkpoints/fashion-mnist-default`` in a ``MainWindow``,
warms up (every epoch's decoder is built once and cached, by design), then measures RSS
before and after the session. Target: growth under 5 % from the warmed-up baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _xdisplay import as_the_window, finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"
DATA = Path(os.environ.get("LATENT3D_DATA_DIR", REPO.parent / "shared" / "data"))
TARGET_GROWTH = 0.05


def rss_mb() -> float:
    """Resident set size of this process now, in MiB (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def _settle(app) -> float:  # noqa: ANN001
    for _ in range(3):
        app.processEvents()
    gc.collect()
    return rss_mb()


def session(app, w, switches: int, picks: int, rng: np.random.Generator) -> dict[str, float]:  # noqa: ANN001
    """Alternate epoch switches (fractional epochs, rendered) and clicks on drawn points (picked, images shown)."""
    epochs = w.run.epochs
    hits = misses = 0
    t0 = time.perf_counter()
    for i in range(max(switches, picks)):
        if i < switches:
            w.timeline.set_position(float(rng.uniform(0, epochs)))
        if i < picks:
            index = int(rng.integers(w.scene.n_points))
            x, y, _ = w.scene.display_position(index)
            if w.view.click(int(round(x)), int(round(y))) is None:
                misses += 1
            else:
                hits += 1
        if i % 20 == 0:
            app.processEvents()
    app.processEvents()
    return {"seconds": round(time.perf_counter() - t0, 1), "picks_hit": hits, "picks_on_empty": misses}


def main(argv: list[str] | None = None) -> int:
    """Run the session and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--switches", type=int, default=10_000, help="timeline moves (default 10,000)")
    ap.add_argument("--picks", type=int, default=10_000, help="clicks on drawn points (default 10,000)")
    args = ap.parse_args(argv)
    if not (BUNDLED / "run.json").is_file():
        print(json.dumps({"skipped": f"bundled run missing: {BUNDLED}"}))
        return 0
    display = start_virtual_display()
    window_process = as_the_window()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    start = rss_mb()
    w = MainWindow(data_dir=DATA, settings=settings)
    w.resize(1400, 900)
    w.show()
    w.files.show_run(load_run(BUNDLED))
    w.view.ren_win.Render()
    opened = _settle(app)
    rng = np.random.default_rng(0)
    warm = session(app, w, 50, 50, rng)
    for e in range(w.run.epochs + 1):  # every epoch's decoder once: a bounded cache, not a leak
        w.timeline.set_position(float(e))
        w.model.pick.selected = 0
    before = _settle(app)
    stats = session(app, w, args.switches, args.picks, rng)
    after = _settle(app)
    growth = (after - before) / before
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "run": BUNDLED.name,
        "points": int(w.scene.n_points),
        "epochs": int(w.run.epochs),
        "epoch_switches": args.switches,
        "picks": args.picks,
        "session": stats,
        "warmup": warm,
        "rss_mb": {"process_start": start, "window_open": opened, "before": before, "after": after},
        "growth_mb": round(after - before, 1),
        "growth_percent": round(100 * growth, 2),
        "target_percent": 100 * TARGET_GROWTH,
        "within_target": growth < TARGET_GROWTH,
    }
    w.close()
    w.deleteLater()
    app.processEvents()
    print(json.dumps({**window_process, **result}, indent=2))
    finish(display, 0)  # exit 0 now: Qt/VTK teardown against the stopped display used to end in status 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
