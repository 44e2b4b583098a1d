"""Regenerate the README's pictures from the real window (run it under ``xvfb-run`` without a display).

Opens the bundled run in the main window at 1400x900 and saves ``window.grab()`` three times:

- ``docs/screenshot.png``: the final snapshot, a typical T-shirt clicked through the view's real
  click handler, the loss curves with three classes' test loss shown;
- ``docs/learning.png``: the same T-shirt early in epoch 1 (about step 100), with its filmstrip
  across the snapshots: the cloud is unfolding;
- ``docs/explore-features.png``: a path A->B between two shirts, coloured by reconstruction error.

Pass the data folder as the first argument so the original images show.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent


def _settle(app: QApplication, w: object) -> None:
    for _ in range(10):
        app.processEvents()
    w.view.render()  # type: ignore[attr-defined]
    for _ in range(5):
        app.processEvents()


def _click_typical(w, label: int) -> int:  # noqa: ANN001
    """Click (through the view's handler) a typical image of ``label`` near the camera; returns its index."""
    ids = np.flatnonzero(w.run.labels == label)
    ids = ids[w.run.test_bce[-1, ids] < np.median(w.run.test_bce[-1, ids])]
    depth = np.array([w.scene.display_position(int(i))[2] for i in ids])
    for i in ids[np.argsort(depth)]:
        x, y, _ = w.scene.display_position(int(i))
        if w.view.click(round(x), round(y)) == int(i):
            return int(i)
    raise RuntimeError("no typical image could be clicked")


def main() -> int:
    app = QApplication(sys.argv[:1])
    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(data_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None, settings=settings)
    w.resize(1400, 900)
    w.show()
    w.files.show_run(load_run(REPO / "checkpoints" / "fashion-mnist-default"))
    _settle(app, w)
    shirt = _click_typical(w, 0)
    w.loss_panel.class_bar.set_shown((1, 6, 8))  # trousers (learned first), shirts (last), bags
    _settle(app, w)
    w.grab().save(str(REPO / "docs" / "screenshot.png"))

    w.state.follow = True  # step 100's cloud framed by itself: the first steps are no speck
    w.state.seek_step(100)
    w.bottom_tabs.setCurrentWidget(w.parts["inspect"]["filmstrip"])
    w.easer.finish()  # where the camera glides to in about half a second
    _settle(app, w)
    w.grab().save(str(REPO / "docs" / "learning.png"))

    w.state.follow = False
    w.state.position = float(w.state.time.last)
    w.presenter.reset_camera()
    w.bottom_tabs.setCurrentWidget(w.loss_panel)
    _settle(app, w)
    codes = w.run.codes[-1]
    others = np.flatnonzero(w.run.labels == 7)  # a sneaker about 8 units away: the path crosses the classes between
    far = int(others[np.argmin(np.abs(np.linalg.norm(codes[others] - codes[shirt], axis=1) - 8.0))])
    w.parts["inspect"]["path_view"].start(shirt, far)
    w.parts["display"]["actions"].set_colour_mode("error")
    _settle(app, w)
    w.grab().save(str(REPO / "docs" / "explore-features.png"))
    print(f"saved docs/screenshot.png, docs/learning.png, docs/explore-features.png (test images {shirt}, {far})")
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
