"""Qt fixtures: isolated settings, a synthetic run, the main window, and a guard against leaked widgets/VTK."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6

pytest.importorskip("pytestqt")
pytest.importorskip("pyvistaqt")

from PySide6.QtCore import QCoreApplication, QEvent, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.support.scene_fixtures import make_run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()


@pytest.fixture(autouse=True)
def no_leaks(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a top-level widget alive or a pyvista plotter open."""
    from pyvista.plotting.plotter import _ALL_PLOTTERS

    def key(w: object) -> int:
        return int(shiboken6.getCppPointer(w)[0])

    before = {key(w) for w in QApplication.topLevelWidgets()}
    plotters_before = set(_ALL_PLOTTERS)
    yield
    _flush_deletes()
    leaked = [w for w in QApplication.topLevelWidgets()
              if key(w) not in before and (w.isVisible() or w.objectName() == "latent3d-main")]
    open_plotters = [k for k, p in _ALL_PLOTTERS.items()
                     if k not in plotters_before and not getattr(p, "_closed", True)]
    for w in leaked:
        w.close()
    _flush_deletes()
    assert not leaked, f"test leaked top-level widgets: {leaked}"
    assert not open_plotters, f"test leaked open VTK plotters: {open_plotters}"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a temporary ini, so tests never touch the user's."""
    return QSettings(str(tmp_path / "latent3d.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="session")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-epoch, 2000-point run whose epochs differ clearly (one blob spreading into ten clusters)."""
    return make_run(tmp_path_factory.mktemp("viewer-runs") / "synthetic", n=2000, epochs=3)


@pytest.fixture
def data_dir_or_none() -> Path | None:
    """The shared Fashion-MNIST folder when present (the viewer must also work without it)."""
    return SHARED_DATA if (SHARED_DATA / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file() else None


def open_window(qtbot: object, settings: QSettings, data_dir: Path | None, run_path: Path | None):  # noqa: ANN201
    """Build, show and load a MainWindow the way the app does; returns it."""
    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import load_run

    w = MainWindow(data_dir=data_dir, settings=settings)
    w.setObjectName("latent3d-main")
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    if run_path is not None:
        w.files.show_run(load_run(run_path))
    w.view.ren_win.Render()
    return w


@pytest.fixture
def window(qtbot: object, settings: QSettings, synthetic_run: Path, data_dir_or_none: Path | None) -> Iterator[object]:
    """The main window on the synthetic run, shown and rendered."""
    w = open_window(qtbot, settings, data_dir_or_none, synthetic_run)
    yield w
    dispose(w)


def dispose(w: object) -> None:
    """Close a window and schedule its deletion (the leak guard flushes it)."""
    if shiboken6.isValid(w):
        w.close()  # type: ignore[attr-defined]
        w.deleteLater()  # type: ignore[attr-defined]
