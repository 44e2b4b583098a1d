"""Entry point of the viewer: QApplication, the main window on a run, exec."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from latent3d.runs import RunError, default_runs_dir, load_run, newest_run
from latent3d.state.view_file import ViewSpec

__all__ = ["run_viewer"]


def run_viewer(run_path: Path | None, data_dir: Path | None, view: ViewSpec | None = None) -> int:
    """Open the viewer window and run the Qt event loop.

    Parameters
    ----------
    run_path : Path or None
        The run folder to open; None opens the newest complete run.
    data_dir : Path or None
        Folder holding Fashion-MNIST (None: ``--data-dir`` resolution rules).
    view : ViewSpec, optional
        A view file's content, already checked against the run at ``run_path``: shown once the run is open.

    Returns
    -------
    int
        The exit status: 0 after a normal close, 2 if the requested run cannot be opened.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("latent3d")
    app.setApplicationName("latent3d")
    path = run_path if run_path is not None else newest_run()
    run = None
    if path is not None:
        try:
            run = load_run(path)
        except RunError as exc:
            QMessageBox.critical(None, "latent3d: cannot open run", str(exc))
            return 2
    from latent3d.qt.main_window import MainWindow  # after QApplication (the view needs it) and a good run

    window = MainWindow(data_dir=data_dir)
    window.show()
    if run is not None:
        window.set_run(run)
        if view is not None:
            window.apply_view(view)
    else:
        QMessageBox.information(
            window, "latent3d: no run yet",
            f"No complete run was found in {default_runs_dir()}. Train one with `python run.py train` "
            "(or `latent3d train`), or open a run folder with File → Open run….")
    return int(app.exec())
