"""Cold start and the first click as a user sees them, from outside the process; old and new code alternating.

Run under an X display (``xvfb-run -a -s "-screen 0 1500x950x24" python benchmarks/bench_startup.py
[--old DIR] [--new DIR]``; DIR = a checkout with run.py and the bundled run; ``--new``: this one).
Each launch gets fresh settings. Measured with xdotool and ImageMagick's ``import``, polling the screen (each poll costs
~30-60 ms on a busy machine: the resolution of every figure), per launch:

- ``mapped_s``: ``run.py`` started -> the titled window is on the screen;
- ``first_frame_s``: started -> cloud pixels in the middle of the 3-D view (since the two-stage start,
  the cloud's preview: drawn, and turned by the mouse, before the panels are built);
- ``ready_s``: started -> the menu bar is drawn (the whole window is built: menus, toolbar, panels);
- ``first_click_s``: 2 s after ``ready_s`` a click on a drawn point -> the side panel changed;
- ``second_click_s``: the same for a click on another point a second later.

Prints one JSON object: every launch, and the median of each figure per version.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN = "fashion-mnist-default"
TITLE = f"latent3d — {RUN}"
BACKGROUND = (0x1E, 0x21, 0x27)
POLL_STEP = 8  # polls read every 8th pixel each way (see _pixels)


def _pixels(x: int, y: int, w: int, h: int, step: int = 1) -> dict[tuple[int, int], tuple[int, int, int]]:
    """The screen's pixels in a box as 8-bit RGB; with ``step`` > 1 only every ``step``-th pixel each way.

    Polls use a step: ImageMagick's text dump of a 560x400 box is 220,000 lines, and reading it took
    1-2.5 s a poll on this machine, which was then the resolution of every figure (a drawn cloud was
    seen up to 2.5 s late). Every 8th pixel each way still sees a cloud of 7-px points, and takes ~0.1 s.

    ImageMagick's ``txt:`` output of a screen grab counts in 16 bits (its header says ``65535``):
    read as 8-bit, even the background differed from itself, every pixel looked drawn and the
    click targets (nearest the centre) landed on the background.
    """
    grab = subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage", "miff:-"],
                          capture_output=True, check=True).stdout
    sample = ["-sample", f"{100 / step}%"] if step > 1 else []  # nearest pixels: colours stay as drawn
    out = subprocess.run(["convert", "-", *sample, "-depth", "8", "txt:-"], input=grab, capture_output=True,
                         check=True).stdout.decode()
    lines = out.splitlines()
    top = int(lines[0].split(":")[1].split(",")[2]) if lines and lines[0].startswith("#") else 255
    pixels = {}
    for line in lines[1:]:
        where, _, rest = line.partition(":")
        px, py = (int(v) * step for v in where.split(","))
        rgb = rest.strip().split(")")[0].strip("( ").split(",")[:3]
        pixels[(x + px, y + py)] = tuple(round(float(v.rstrip("%")) * 255 / top) for v in rgb)
    return pixels  # type: ignore[return-value]


def _drawn(rgb: tuple[int, int, int]) -> bool:
    return sum(abs(a - b) for a, b in zip(rgb, BACKGROUND)) > 60


def _wait(predicate, timeout: float = 180.0, every: float = 0.02) -> float:  # noqa: ANN001
    t = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t > timeout:
            raise TimeoutError("nothing changed on the screen")
        time.sleep(every)
    return time.perf_counter()


def _window() -> tuple[int, int, int, int] | None:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE], capture_output=True, text=True)
    ids = found.stdout.split()
    if not ids:
        return None
    geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", ids[0]], capture_output=True, text=True).stdout
    g = dict(line.split("=") for line in geo.split())
    return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])


def _targets(x: int, y: int, w: int, h: int) -> list[tuple[int, int]]:
    """Pixels inside drawn points (all 8 neighbours drawn too) in a box, nearest its centre first."""
    px = _pixels(x, y, w, h)
    inner = [p for p, c in px.items() if _drawn(c) and all(
        _drawn(px.get((p[0] + dx, p[1] + dy), BACKGROUND)) for dx in (-2, 0, 2) for dy in (-2, 0, 2))]
    cx, cy = x + w / 2, y + h / 2
    return sorted(inner, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)


def _click_time(candidates: list[tuple[int, int]], panel: tuple[int, int, int, int]) -> float:
    """Seconds from a click to a change of ``panel``, for the first candidate pixel whose click changes it."""
    for at in candidates[:4]:  # a pixel can be a point's rim, which the pick may see as empty space
        before = _pixels(*panel, step=POLL_STEP)
        t = time.perf_counter()
        subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1]), "click", "1"], check=True)
        try:
            return _wait(lambda b=before: _pixels(*panel, step=POLL_STEP) != b, timeout=15) - t
        except TimeoutError:
            time.sleep(1.0)
    raise TimeoutError("no click changed the side panel")


def launch(repo: Path) -> dict[str, float]:
    """One cold start of ``repo``'s run.py on the bundled run, with its first two clicks."""
    home = tempfile.mkdtemp()
    env = {**os.environ, "PYTHONPATH": str(repo), "XDG_CONFIG_HOME": home,
           "LATENT3D_RUNS_DIR": str(repo / "checkpoints")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(repo / "run.py"), "view", RUN], cwd=repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        mapped = _wait(lambda: _window() is not None, every=0.05)
        x, y, w, h = _window()  # type: ignore[misc]
        view = (x + int(0.2 * w), y + int(0.2 * h), int(0.4 * w), int(0.45 * h))  # the middle of the 3-D view
        frame = _wait(lambda: any(_drawn(c) for c in _pixels(*view, step=POLL_STEP).values()))
        menu = (x + 2, y + 2, 160, 18)  # "File  Edit  View ...": the preview has only the cloud
        ready = _wait(lambda: sum(_drawn(c) for c in _pixels(*menu).values()) > 20)
        time.sleep(2.0)  # a person sees the window, then clicks
        targets = _targets(*view)
        panel = (x + w - 320, y + 40, 300, 260)  # the side panel's top: the selected image's slots
        first = _click_time(targets, panel)
        time.sleep(1.0)
        again = _targets(*view)
        second = _click_time([p for p in again if abs(p[0] - targets[0][0]) + abs(p[1] - targets[0][1]) > 40], panel)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"mapped_s": round(mapped - t0, 3), "first_frame_s": round(frame - t0, 3), "ready_s": round(ready - t0, 3),
            "first_click_s": round(first, 3), "second_click_s": round(second, 3)}


def main() -> int:
    """Alternate old and new launches and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="a checkout to compare with (default: none)")
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the checkout measured (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    names = ("old", "new") if args.old is not None else ("new",)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:
            runs[name].append(launch(getattr(args, name).resolve()))
    medians = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in runs.items()}
    print(json.dumps({"launches": runs, "median": medians, "cpus": os.cpu_count(),
                      "load_average": [round(v, 2) for v in os.getloadavg()]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
