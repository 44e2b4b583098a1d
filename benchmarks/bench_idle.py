"""What idle features cost per move: old and new checkouts alternating, one window process each; prints JSON.

Run from the repository root: ``python benchmarks/bench_idle.py --old DIR [--new DIR] [--rounds 3]`` (DIR: a
checkout with the bundled run, e.g. the issue's baseline; ``--new`` defaults to this one). Starts a virtual X
display when none is set. Each round starts one window process per checkout, old and new alternating, and
measures in the real window on the bundled run, with one BLAS thread as the window runs:

- ``timeline_move_ms``: one move of the timeline (training points drawn too), nothing selected;
- ``timeline_move_with_selection_ms``: the same with a point selected (image panel, neighbours follow);
- ``probe_move_ms``: the probe moved in free roam (as its drag writes it) -> its decoded image painted;
- ``probe_handlers_ms``: the same move without the paint (the panel's paint varies 1-30 ms with the X server's load);
- ``click_to_both_images_ms``: a click on a drawn point -> both images painted;
- ``rotate_frame_ms``: one rotation frame (camera turned, LOD on, rendered), no group selected;
- ``camera_turn_ms``: the camera turned without the render: only what listens to the camera;
- ``first_frame_rss_mb``: a fresh process's resident memory when the first frame of the run is drawn.

Each timed figure also as ``..._cpu_ms``: this process's CPU time (all its threads, the GL rasteriser's),
which a loaded machine disturbs less than the wall time. Moves are timed without their frame (renders are
requested and run later, once per turn of the event loop).
Medians per checkout, the new/old ratio, that of the best runs (other work on the machine only slows a run),
and ``/proc/loadavg`` before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _xdisplay import finish, start_virtual_display

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("LATENT3D_DATA_DIR", REPO.parent / "shared" / "data"))
TIMED = ("timeline_move", "timeline_move_with_selection", "probe_move", "probe_handlers", "click_to_both_images",
         "rotate_frame", "camera_turn")
FIGURES = (*(f"{name}_{kind}" for name in TIMED for kind in ("ms", "cpu_ms")), "first_frame_rss_mb")

# One window process on the checkout it runs in (its cwd): the old window's names where the new ones are missing.
CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from threadpoolctl import threadpool_limits
threadpool_limits(1)  # as the window runs (one BLAS thread), in both checkouts alike
import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from latent3d.qt.main_window import MainWindow
from latent3d.runs import load_run

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

w = MainWindow(data_dir=Path(sys.argv[1]), settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.resize(1400, 900)
w.show()
first = {}
tag = w.view.ren_win.AddObserver("EndEvent", lambda *a: first.setdefault("rss", rss_mb()))
run = load_run("checkpoints/fashion-mnist-default")
(w.files.show_run if hasattr(w, "files") else w.set_run)(run)
while "rss" not in first:
    app.processEvents()
w.view.ren_win.RemoveObserver(tag)
t = time.perf_counter()
while time.perf_counter() - t < 2.0:  # the idle warm-up after the first frame runs (both checkouts have one)
    app.processEvents()
    time.sleep(0.01)
new = hasattr(w, "model")
time_model = w.model.time if new else w.state
panel = w.parts["inspect"]["panel"] if new else w.panel

def select(i):
    if new:
        w.model.pick.selected = i
    else:
        w.select(i)

cpu = {}

def median_ms(fn, n, name, before=lambda: None):
    out, used = [], []
    for _ in range(n):
        before()  # not timed
        t, c = time.perf_counter(), time.process_time()
        fn()
        used.append(time.process_time() - c)
        out.append(time.perf_counter() - t)
    cpu[name + "_cpu"] = statistics.median(used) * 1000
    return statistics.median(out) * 1000

res = {"first_frame_rss_mb": first["rss"]}
w.view.ren_win.Render()
disp = np.array([w.scene.display_position(i) for i in range(0, w.scene.n_points, 10)])
width, height = w.view.ren_win.GetSize()
inside = (disp[:, 0] > 5) & (disp[:, 0] < width - 5) & (disp[:, 1] > 5) & (disp[:, 1] < height - 5)
targets = [10 * int(i) for i in np.argsort(np.where(inside, disp[:, 2], np.inf))[:15]]
clicks = iter(w.scene.display_position(i) for i in targets)
def click():
    x, y, _ = next(clicks)
    w.view.click(int(round(x)), int(round(y)))
    panel.repaint()
res["click_to_both_images_ms"] = median_ms(click, len(targets), "click_to_both_images_ms",
                                          before=lambda: select(0))
(setattr(w.model.pick, "selected", None) if new else setattr(w.state, "selected", None))
(w.parts["inspect"]["gestures"].set_free_roam if new else w.set_free_roam)(True)
rng = np.random.default_rng(1)
pick = w.model.pick if new else w.state
def probe():  # what a drag of the probe writes
    pick.probe = rng.normal(0, 2, 3).astype(np.float32)
    panel.repaint()
res["probe_move_ms"] = median_ms(probe, 60, "probe_move_ms")
def probe_unpainted():
    pick.probe = rng.normal(0, 2, 3).astype(np.float32)
res["probe_handlers_ms"] = median_ms(probe_unpainted, 60, "probe_handlers_ms")
(w.parts["inspect"]["gestures"].set_free_roam if new else w.set_free_roam)(False)
for _ in range(5):
    app.processEvents()
cam, rw = w.view.camera, w.view.ren_win
w.scene.set_fast(True)
def turn():
    cam.Azimuth(2.0)
res["camera_turn_ms"] = median_ms(turn, 200, "camera_turn_ms")
def frame():
    cam.Azimuth(2.0)
    rw.Render()
res["rotate_frame_ms"] = median_ms(frame, 60, "rotate_frame_ms")
w.scene.set_fast(False)
for _ in range(5):
    app.processEvents()
(w.parts["display"]["actions"] if new else w.explore).set_train_overlay(True)
last = (w.model.time.time if new else w.state.time).last
positions = iter(rng.uniform(0, last, 600))
def move():
    time_model.position = float(next(positions))
res["timeline_move_ms"] = median_ms(move, 150, "timeline_move_ms")
select(0)
res["timeline_move_with_selection_ms"] = median_ms(move, 150, "timeline_move_with_selection_ms")
res.update({k.replace("_ms_cpu", "_cpu_ms"): v for k, v in cpu.items()})
print("RESULT " + json.dumps(res), flush=True)
import os
os._exit(0)
"""


def run_child(checkout: Path, settings: Path) -> dict[str, float]:
    """One window process on ``checkout``; its figures."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(DATA), str(settings)], cwd=checkout, capture_output=True,
                         text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{checkout}: no result\n{out.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    """Alternate old and new window processes and print the medians, ratios and load as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the baseline checkout")
    parser.add_argument("--new", type=Path, default=REPO, help="the checkout measured (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    display = start_virtual_display()
    tmp = Path(tempfile.mkdtemp())
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    load_before = Path("/proc/loadavg").read_text().strip()
    for r in range(args.rounds):
        for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
            checkout = args.old if name == "old" else args.new
            runs[name].append(run_child(checkout.resolve(), tmp / f"{name}{r}.ini"))
    result: dict[str, object] = {"load_before": load_before, "load_after": Path("/proc/loadavg").read_text().strip(),
                                 "rounds": args.rounds, "old": str(args.old), "new": str(args.new)}
    for key in FIGURES:
        old = statistics.median(x[key] for x in runs["old"])
        new = statistics.median(x[key] for x in runs["new"])
        best_old, best_new = min(x[key] for x in runs["old"]), min(x[key] for x in runs["new"])
        result[key] = {"old": round(old, 2), "new": round(new, 2), "new_over_old": round(new / old, 2),
                       "best_new_over_best_old": round(best_new / best_old, 2),
                       "old_runs": [round(x[key], 2) for x in runs["old"]],
                       "new_runs": [round(x[key], 2) for x in runs["new"]]}
    print(json.dumps(result, indent=2))
    finish(display, 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
