"""Regenerate docs/screenshot.png from the real window (run it under ``xvfb-run`` without a display).

Opens the bundled run, clicks (through the view's real click handler) at the projected pixel
of a typical T-shirt near the camera, and saves ``window.grab()``. Pass the data folder as the
first argument so the original image shows.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(data_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None, settings=settings)
    w.resize(1400, 900)
    w.show()
    w.set_run(load_run(REPO / "checkpoints" / "fashion-mnist-default"))
    for _ in range(10):
        app.processEvents()
    w.view.ren_win.Render()
    # A typical T-shirt (reconstruction error below the class median) near the camera, clicked
    # at its projected pixel through the same handler a mouse click reaches.
    shirts = np.flatnonzero(w.run.labels == 0)
    shirts = shirts[w.run.test_bce[-1, shirts] < np.median(w.run.test_bce[-1, shirts])]
    depth = np.array([w.scene.display_position(int(i))[2] for i in shirts])
    for i in shirts[np.argsort(depth)]:
        x, y, _ = w.scene.display_position(int(i))
        if w.view.click(round(x), round(y)) == int(i):
            break
    for _ in range(10):
        app.processEvents()
    w.view.render()
    out = REPO / "docs" / "screenshot.png"
    w.grab().save(str(out))
    print(f"saved {out} (selected test image {w.scene.selected})")
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
