"""Make the docs site's pictures from the real window; without a display it runs itself under ``xvfb-run``.

    python docs/make_screenshots.py --data-dir DATA_DIR [--compare-run RUN] [--only NAME ...]

Opens the shipped run in the main window at 1400x900 and, for each picture, opens a view file
(docs/view-format.md: run, position, camera, colours, selection, path, probe, groups, trails,
decoder map, own images, comparison), shows the panel the page is about and saves
``window.grab()`` into ``docs/images/``, reduced to 256 colours so the repository stays small.
The pictures are driven through the window's own File → Open view, so they show what a user
who opens the same file sees. ``--compare-run`` names the second run of the comparison picture;
without it a second run (seed 1) is trained first, in a separate process, into the script's scratch
folder in the temporary directory, where the next call finds it again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's latent3d, not an installed one
OUT = REPO / "docs" / "images"
SIZE = (1400, 900)
SHIPPED = "fashion-mnist-default"


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", default=os.environ.get("LATENT3D_DATA_DIR"),
                   help="folder holding FashionMNIST/raw, for the original images (default $LATENT3D_DATA_DIR)")
    p.add_argument("--compare-run", help="the second run of compare.png (default: train seed 1 first, ~2 min)")
    p.add_argument("--only", nargs="*", default=None, help="make only these pictures (names without .png)")
    return p.parse_args()


def _train_second_run(data_dir: str | None, folder: Path) -> Path:
    """The default training with seed 1, in its own process: torch never loads beside the window's OpenGL.

    It is kept in the scratch folder and used again by the next call (training it takes minutes).
    """
    out = folder / "seed-1"
    if (out / "run.json").is_file():
        return out
    cmd = [sys.executable, str(REPO / "run.py"), "train", "--seed", "1", "--out", str(out), "--no-progress",
           "--keep-encoder", "final", "--weights-dtype", "float16"]
    if data_dir:
        cmd += ["--data-dir", data_dir]
    print("training the second run for compare.png:", " ".join(cmd[2:]), flush=True)
    subprocess.run(cmd, check=True)
    return out


# ---------------------------------------------------------------------------------------------
# The window's hooks: everything this script knows about the window's insides is in this section.


class Window:
    """The real main window on a run, driven through its view files, panels and actions."""

    def __init__(self, app: Any, data_dir: Path | None, scratch: Path) -> None:
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QMessageBox

        from latent3d.qt.main_window import MainWindow

        self.app, self.scratch = app, scratch
        settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)  # no remembered layout
        self.w = MainWindow(data_dir=data_dir, settings=settings)
        self.w.resize(*SIZE)
        self.w.show()
        self.errors: list[str] = []

        def close_message_boxes() -> None:  # an error dialog would wait for a click forever
            for box in app.topLevelWidgets():
                if isinstance(box, QMessageBox) and box.isVisible():
                    self.errors.append(box.text())
                    box.close()

        self._watchdog = QTimer()
        self._watchdog.timeout.connect(close_message_boxes)
        self._watchdog.start(300)

    def settle(self, seconds: float = 1.5) -> None:
        """Let the event loop run: renders are requested, the camera glides for about half a second."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.02)
        if self.errors:
            raise RuntimeError(f"the window showed an error: {self.errors[-1]}")

    def open_run(self, run: Any) -> None:
        self.w.files.show_run(run)

    def current_view(self) -> dict[str, Any]:
        """What File → Save view writes now."""
        path = self.scratch / "current.view.json"
        if not self.w.files.save_view(path):
            raise RuntimeError("File → Save view failed")
        return json.loads(path.read_text(encoding="utf-8"))

    def open_view(self, view: dict[str, Any]) -> None:
        """File → Open view on ``view``."""
        path = self.scratch / "picture.view.json"
        path.write_text(json.dumps(view), encoding="utf-8")
        if not self.w.files.open_view(path):
            raise RuntimeError(f"File → Open view refused the picture's view: {self.errors[-1:]}")

    def show_panel(self, title: str) -> None:
        """Bring the tab or dock titled ``title`` to the front; it must exist (a picture of another panel is wrong)."""
        from PySide6.QtWidgets import QDockWidget, QTabWidget

        for tabs in self.w.findChildren(QTabWidget):
            for i in range(tabs.count()):
                if tabs.tabText(i).replace("&", "") == title:
                    tabs.setCurrentIndex(i)
                    return
        for dock in self.w.findChildren(QDockWidget):
            if dock.windowTitle().replace("&", "") == title:
                dock.show()
                dock.raise_()
                return
        raise RuntimeError(f"no panel titled {title!r} in the window")

    def show_class_curves(self, classes: tuple[int, ...]) -> None:
        """The loss plot's per-class curves shown (the class buttons beside it)."""
        from PySide6.QtCore import QObject

        bars = [c for c in self.w.findChildren(QObject) if type(c).__name__ == "ClassCurveBar"]
        if not bars:
            print("warning: no class-curve buttons found; the loss plot shows its default classes", flush=True)
        for bar in bars:
            bar.set_shown(classes)

    def wait_for_learning_analysis(self) -> None:
        """Wait for the learning model: the purity curves and events are computed on a worker thread."""
        learning = self.w.model.learning
        end = time.monotonic() + 120.0
        while (learning.status or learning.result is None or learning.result.partial) and time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.05)
        if learning.status or learning.result is None:
            print("warning: the learning analysis did not finish in 120 s", flush=True)
        self.settle(1.0)

    def grab_dialog(self, action_text: str, name: str) -> None:
        """Trigger the action ``action_text``, save the dialog it opens as ``name``.png, and cancel it."""
        from PySide6.QtGui import QAction
        from PySide6.QtWidgets import QDialog

        actions = [a for a in self.w.findChildren(QAction) if a.text().replace("&", "").rstrip("…") == action_text]
        if not actions:
            raise RuntimeError(f"no action {action_text!r} in the window")
        actions[0].trigger()
        self.settle(1.0)
        dialogs = [d for d in self.app.topLevelWidgets() if isinstance(d, QDialog) and d.isVisible()]
        if not dialogs:
            raise RuntimeError(f"{action_text!r} opened no dialog")
        save(dialogs[0].grab(), name)
        dialogs[0].reject()
        self.settle(0.5)

    def grab(self, name: str) -> None:
        save(self.w.grab(), name)

    def close(self) -> None:
        self._watchdog.stop()
        self.w.close()
        self.settle(0.5)


def save(pixmap: Any, name: str) -> None:
    """Write a grab as docs/images/NAME.png in 256 colours: a third of the bytes, and octree keeps class colours."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    raw = scratch_dir() / f"{name}.raw.png"
    raw.write_bytes(bytes(buffer.data()))
    with Image.open(raw) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        OUT.mkdir(parents=True, exist_ok=True)
        target = OUT / f"{name}.png"
        small.save(target, optimize=True)
    print(f"saved {target.relative_to(REPO)} ({target.stat().st_size // 1024} kB)", flush=True)


_SCRATCH: list[Path] = []


def scratch_dir() -> Path:
    """The script's own folder; a plain name, since the Train dialog's picture shows the runs folder in it."""
    if not _SCRATCH:
        folder = Path(tempfile.gettempdir()) / "latent3d-docs"
        folder.mkdir(exist_ok=True)
        _SCRATCH.append(folder)
    return _SCRATCH[0]


# ---------------------------------------------------------------------------------------------
# The pictures: a view file each (docs/view-format.md), the panel to show, and what else to do.


def _typical(run: Any, label: int, near: Any = None) -> int:
    """A test image of class ``label`` with a middling final BCE, closest to its class's middle (or to ``near``)."""
    import numpy as np

    ids = np.flatnonzero(run.labels == label)
    bce = run.test_bce[-1, ids]
    ids = ids[np.abs(bce - np.median(bce)) < np.std(bce) / 2]
    codes = run.codes[-1, ids]
    target = codes.mean(axis=0) if near is None else near
    return int(ids[np.argmin(np.linalg.norm(codes - target, axis=1))])


def _zoom(view: dict[str, Any], factor: float) -> dict[str, Any]:
    """The view's camera moved ``factor`` times as far from its focal point (below 1: closer)."""
    cam = dict(view["camera"])
    cam["position"] = [f + factor * (p - f) for p, f in zip(cam["position"], cam["focal_point"])]
    return {**view, "camera": cam}


def _drawing() -> str:
    """A pair of trousers drawn on the 28x28 canvas (two legs, a waistband), as a view file stores it (base64)."""
    import base64

    import numpy as np

    pixels = np.zeros((28, 28), dtype=np.uint8)
    pixels[3:7, 8:20] = 255   # waistband
    pixels[7:26, 8:13] = 230  # left leg
    pixels[7:26, 15:20] = 230  # right leg
    return base64.b64encode(pixels.tobytes()).decode("ascii")


def pictures(run: Any, base: dict[str, Any], compare_run: Callable[[], Path]) -> dict[str, Callable[[Window], None]]:
    """Each picture's name and how to make it from the window showing ``run`` at the view ``base``."""
    import numpy as np

    shirt = _typical(run, 0)
    final = int(run.steps[-1])
    view = {**base, "step": final, "epoch": None, "selected": shirt, "follow": False}

    def window(win: Window) -> None:  # index.md, README: the whole training at the end, one image picked
        win.open_view(view)
        win.show_panel("Loss curves")
        win.show_class_curves((1, 6, 8))  # trousers (learned first), shirts (last), bags
        win.settle()
        win.grab("window")

    def early_steps(win: Window) -> None:  # timeline.md: step 100 framed by itself, the filmstrip below
        win.open_view({**view, "step": 100, "follow": True})
        win.show_panel("Reconstruction across snapshots")
        win.settle()
        win.grab("early-steps")

    def free_roam(win: Window) -> None:  # exploring.md: the probe between the trousers and the dresses
        codes = run.codes[-1]
        between = (codes[run.labels == 1].mean(axis=0) + codes[run.labels == 3].mean(axis=0)) / 2
        win.open_view({**view, "selected": None, "probe": [float(v) for v in between]})
        win.show_panel("Neighbours")
        win.settle()
        win.grab("free-roam")

    def path(win: Window) -> None:  # exploring.md: a path from a T-shirt to a sneaker, coloured by error
        codes = run.codes[-1]
        sneakers = np.flatnonzero(run.labels == 7)
        far = int(sneakers[np.argmin(np.abs(np.linalg.norm(codes[sneakers] - codes[shirt], axis=1) - 8.0))])
        win.open_view({**view, "color": "error", "path": {"a": shirt, "b": far, "t": 0.4, "samples": 10}})
        win.show_panel("Path A→B")
        win.settle()
        win.grab("path")

    def learning(win: Window) -> None:  # learning-analysis.md: purity curves, events, coloured by learned-at
        win.open_view({**view, "color": "learned", "selected": None})
        win.wait_for_learning_analysis()
        win.show_panel("Loss curves")
        win.settle()
        win.grab("learning")

    def data_map(win: Window) -> None:  # learning-analysis.md: the data map and the hardest images
        win.open_view({**view, "selected": None})
        win.wait_for_learning_analysis()
        win.show_panel("Data map")
        win.settle()
        win.grab("data-map")

    def groups(win: Window) -> None:  # groups.md: 150 bags and their trails through epoch 1
        bags = np.random.default_rng(0).choice(np.flatnonzero(run.labels == 8), 150, replace=False)
        win.open_view({**view, "step": run.steps_per_epoch, "selected": None, "follow": True,
                       "groups": {"bags": sorted(int(i) for i in bags)}, "group_shown": "bags",
                       "group_mode": "highlight", "trails": {"group": "bags", "length": 12}})
        win.show_panel("Group")
        win.show_panel("Loss curves")  # the group's mean test BCE is drawn on the loss plot
        win.settle()
        win.grab("groups")

    def decoder_map(win: Window) -> None:  # decoder-map.md: the map facing the camera at the end
        win.open_view({**view, "selected": None, "decoder_map": {"plane": "camera", "grid": 12, "opacity": 0.9}})
        win.show_panel("Decoder map")
        win.show_panel("Loss curves")
        win.settle(3.0)  # the flat map is decoded when the camera settles
        win.grab("decoder-map")

    def own_image(win: Window) -> None:  # decoder-map.md: a drawn pair of trousers, placed through training
        win.open_view({**view, "selected": None, "own_images": [{"name": "drawing 1", "pixels": _drawing()}]})
        win.show_panel("Your images")
        win.show_panel("Loss curves")
        win.settle()
        win.grab("own-image")

    def compare(win: Window) -> None:  # compare.md: seed 0 and seed 1 side by side, aligned, with agreement
        second = compare_run()
        win.open_view({**view, "selected": shirt, "compare": str(second), "align": "final"})
        win.show_panel("Agreement")
        win.settle(3.0)
        win.grab("compare")

    def train_dialog(win: Window) -> None:  # training.md: the Train dialog
        win.grab_dialog("Train", "train-dialog")

    return {"window": window, "early-steps": early_steps, "free-roam": free_roam, "path": path,
            "learning": learning, "data-map": data_map, "groups": groups, "decoder-map": decoder_map,
            "own-image": own_image, "compare": compare, "train-dialog": train_dialog}


def _under_xvfb() -> None:
    """Without a display, run this script again under ``xvfb-run`` with a screen of the pictures' size."""
    if os.environ.get("DISPLAY") or not sys.platform.startswith("linux"):
        return
    if shutil.which("xvfb-run") is None:
        raise SystemExit("No display and no xvfb-run: install xvfb (docs/index.md) or run this on a desktop.")
    screen = f"-screen 0 {SIZE[0]}x{SIZE[1]}x24"
    os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", screen, sys.executable, str(Path(__file__).resolve()),
                           *sys.argv[1:]])


def main() -> int:
    args = _parse()
    _under_xvfb()
    scratch = scratch_dir()
    os.environ["LATENT3D_RUNS_DIR"] = str(scratch / "runs")  # the user's runs stay out of the Runs menu
    second: list[Path] = [Path(args.compare_run)] if args.compare_run else []

    def compare_run() -> Path:
        if not second:
            second.append(_train_second_run(args.data_dir, scratch))
        return second[0]

    if args.compare_run is None and (args.only is None or "compare" in args.only):
        compare_run()  # before the window: training and the window's OpenGL never share a process

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    win = Window(app, Path(args.data_dir) if args.data_dir else None, scratch)
    from latent3d.runs import load_run, resolve_run_path

    run = load_run(resolve_run_path(SHIPPED))
    win.open_run(run)
    win.settle()
    base = win.current_view()
    todo = pictures(run, base, compare_run)
    unknown = set(args.only or ()) - set(todo)
    if unknown:
        raise SystemExit(f"no picture named {', '.join(sorted(unknown))}; the pictures are {', '.join(todo)}")
    for name, make in todo.items():
        if args.only is None or name in args.only:
            make(win)
    win.close()
    for item in scratch.iterdir():  # what this call wrote; the second run (or its training) stays for the next
        if item.name.endswith((".raw.png", ".view.json", ".ini")):
            item.unlink()
    shutil.rmtree(scratch / "runs", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
