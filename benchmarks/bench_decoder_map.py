"""Decoder map and own images on the bundled run: timeline move, encoding at 40 snapshots, rotation fps; prints JSON.

Run from the repository root: ``python benchmarks/bench_decoder_map.py``. Off screen (EGL), no Qt:
the scene layers are the window's. Every figure is a median; the baselines (no map) are measured
in the same run, interleaved, so compare the ratios. BLAS runs on one thread, as in the window's
process (on a loaded machine OpenBLAS's threads wait for each other in the small decoder products);
``OPENBLAS_NUM_THREADS=2`` measures its default instead.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _timing import median_ms
from _xdisplay import as_the_window

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"
os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")



def _median_ms(fn, repeats: int) -> float:  # noqa: ANN001
    return median_ms(fn, repeats, digits=3)


def main() -> int:
    import pyvista as pv

    from latent3d.analysis.encoder import encode_at_snapshots
    from latent3d.runs import load_run
    from latent3d.scene.core.cloud import LatentScene
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.scene.decoder_map.layer import DecoderMapLayer
    from latent3d.scene.offscreen.render import set_camera
    from latent3d.state.own_values import DecoderMapState
    from latent3d.state.viewer_model import ViewerModel

    window_process = as_the_window()
    run = load_run(BUNDLED)
    out: dict[str, object] = {**window_process, "machine": platform.processor() or platform.machine(),
                              "cpus": os.cpu_count(),
                              "load_average": [round(v, 2) for v in os.getloadavg()],
                              "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                              "run": run.name, "points": int(len(run.labels)), "snapshots": run.n_snapshots}

    # -- encoding one drawn image ----------------------------------------------------------------------
    rng = np.random.default_rng(0)
    drawn = np.zeros(784, np.float32)
    drawn[rng.choice(784, 120, replace=False)] = 1.0
    final = run._weights[run.n_snapshots - 1]
    enc = {k: v for k, v in final.items() if k.startswith("encoder.")}
    every = dataclasses.replace(run, _weights={i: run._weights[i] | enc for i in range(run.n_snapshots)},
                                _decoders={})  # a full run: an encoder at each of the 40 snapshots
    assert len(encode_at_snapshots(every, drawn).snapshots) == run.n_snapshots
    out["encode_40_snapshots_ms"] = _median_ms(lambda: encode_at_snapshots(every, drawn), 50)
    out["encode_bundled_9_snapshots_ms"] = _median_ms(lambda: encode_at_snapshots(run, drawn), 50)

    # -- the map on a timeline move and while rotating -------------------------------------------------
    plotter = pv.Plotter(off_screen=True, window_size=[1000, 800])
    scene = LatentScene(plotter)
    state = m = ViewerModel()
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene)
    state.set_run(run)
    set_camera(scene, "iso")  # the presenter's camera observer reports every camera move to the state
    rw = plotter.ren_win
    positions = iter(np.tile(np.linspace(0.0, run.n_snapshots - 1, 157), 20))

    def move() -> None:
        state.time.position = float(next(positions))

    def move_and_render() -> None:
        move()
        rw.Render()

    rw.Render()
    out["timeline_move_no_map_ms"] = _median_ms(move, 100)
    out["timeline_move_and_render_no_map_ms"] = _median_ms(move_and_render, 40)
    layer = DecoderMapLayer(m.time, m.camera, m.pick, m.layers, scene)
    state.layers.decoder_map = DecoderMapState("camera", 12, 0.6)
    rw.Render()
    # decode 144 tiles, write the texture and the quad in place
    decode_upload = _median_ms(lambda: layer.refresh(force=True), 100)
    out["map_g12_decode_upload_ms"] = decode_upload
    out["timeline_move_with_map_ms"] = _median_ms(move, 100)  # fractional moves: a new map when the nearest changes
    snaps = iter(np.tile(np.arange(run.n_snapshots, dtype=np.float64), 10))
    out["timeline_move_to_next_snapshot_with_map_ms"] = _median_ms(
        lambda: setattr(state.time, "position", next(snaps)), 80)
    out["timeline_move_and_render_with_map_ms"] = _median_ms(move_and_render, 40)
    state.layers.decoder_map = DecoderMapState("camera", 32, 0.6)
    out["map_g32_decode_upload_ms"] = _median_ms(lambda: layer.refresh(force=True), 30)
    state.layers.decoder_map = DecoderMapState("camera", 12, 0.6)

    cam = plotter.camera

    def rotate() -> None:
        cam.Azimuth(2.0)  # reaches the state through the observer: a map facing the camera is decoded again
        rw.Render()

    scene.set_fast(True)  # the window's LOD while the camera moves
    facing = DecoderMapState("camera", 12, 0.6)
    configs = (("no_map", None), ("map_on_xy_axes", DecoderMapState("xy", 12, 0.6)),
               ("map_facing_camera_decoded_each_frame", facing), ("map_facing_camera_mouse_drag", facing))
    times: dict[str, list[float]] = {name: [] for name, _ in configs}
    for _ in range(8):  # the configurations interleaved, so that the machine's load drifts over all of them alike
        for name, settings in configs:
            state.layers.decoder_map = settings
            layer.hold(name.endswith("mouse_drag"))  # what the window does while the mouse drags the camera
            rw.Render()
            for _ in range(5):
                t = time.perf_counter()
                rotate()
                times[name].append(time.perf_counter() - t)
            layer.hold(False)
    fps = {}
    for name, ts in times.items():
        ms = round(statistics.median(ts) * 1000, 3)
        fps[name] = {"frame_ms": ms, "fps": round(1000.0 / ms, 1)}
    scene.set_fast(False)
    out["rotating_10k_points"] = fps
    layer.close()
    presenter.close()
    scene.close()
    plotter.close()
    out["targets"] = {"map_decode_upload_ms<=30": decode_upload <= 30.0,
                      "encode_40_ms<=20": out["encode_40_snapshots_ms"] <= 20.0,  # type: ignore[operator]
                      "rotating_with_map_fps>=30": fps["map_facing_camera_mouse_drag"]["fps"] >= 30.0}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
