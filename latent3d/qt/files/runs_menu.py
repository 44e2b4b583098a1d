"""The Runs menu: every complete run in the runs folder (name, date, epochs, final test loss), to reopen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from latent3d.data.datasets import SPLIT_SIZES
from latent3d.runs import RunError, RunSummary, default_runs_dir, list_runs, read_meta

__all__ = ["RunsMenu", "describe"]


def _local_time(created: str) -> str:
    try:
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created or "unknown date"


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def subset_size(summary: RunSummary) -> int | None:
    """How many test images the run's test loss was measured on, or None when the run does not say.

    ``RunSummary.test_images`` when the summary has it, else ``dataset.test_images`` of
    ``run.json``, else the config's ``max_test_images`` (None there means the whole test set).
    """
    n = _count(getattr(summary, "test_images", None))
    if n is not None:
        return n
    try:
        meta = read_meta(summary.path)
    except RunError:
        return None
    dataset, config = meta.get("dataset"), meta.get("config")
    n = _count(dataset.get("test_images")) if isinstance(dataset, dict) else None
    if n is None and isinstance(config, dict):
        limit = config.get("max_test_images")
        n = SPLIT_SIZES["test"] if limit is None else _count(limit)
    return n


def describe(summary: RunSummary) -> str:
    """One menu line: ``name · 2026-11-25 08:30 · 20 epochs · test loss 0.2764``.

    A loss measured on fewer than the 10,000 test images says on how many (``on 1,000 test
    images``): losses on different subsets are not comparable.
    """
    loss = f"test loss {summary.final_test_loss:.4f}" if summary.final_test_loss is not None else "no test loss"
    n = subset_size(summary)
    if n is not None and n != SPLIT_SIZES["test"]:
        loss += f" on {n:,} test images"
    return f"{summary.name}  ·  {_local_time(summary.created)}  ·  {summary.epochs} epochs  ·  {loss}"


class RunsMenu(QMenu):
    """Lists the complete runs newest first each time it opens; emits ``run_chosen(Path)``.

    Parameters
    ----------
    runs_dir : Path, optional
        The folder to list (default: :func:`latent3d.runs.default_runs_dir` at the time it opens).
    current : callable, optional
        Returns the folder of the run shown, which is listed checked.
    leading : sequence of QAction
        Actions listed above the runs (the window puts Train… there).
    parent : QWidget, optional

    Notes
    -----
    Runs being written live in hidden folders and are never listed; so a training in
    progress, or one that was stopped, never appears here.
    """

    run_chosen = Signal(object)

    def __init__(self, runs_dir: Path | None = None, *, current: Callable[[], Path | None] | None = None,
                 leading: Sequence[QAction] = (), parent: QWidget | None = None) -> None:
        super().__init__("&Runs", parent)
        self._runs_dir = runs_dir
        self._current = current
        self._leading = list(leading)
        self.aboutToShow.connect(self.refresh)
        self.refresh()

    @property
    def runs_dir(self) -> Path:
        """The folder listed."""
        return Path(self._runs_dir) if self._runs_dir is not None else default_runs_dir()

    def run_actions(self) -> list[QAction]:
        """The actions of the listed runs, newest first."""
        return [a for a in self.actions() if a.data() is not None]

    def refresh(self) -> None:
        """Rebuild the list from the runs folder."""
        self.clear()
        if self._leading:
            self.addActions(self._leading)
            self.addSeparator()
        runs = list_runs(self._runs_dir)  # None: the runs folder's and the bundled run of an installed package
        current = self._current() if self._current is not None else None
        for summary in reversed(runs):
            act = QAction(describe(summary), self)
            act.setData(str(summary.path))
            act.setCheckable(True)
            act.setChecked(current is not None and _same(current, summary.path))
            act.triggered.connect(lambda _checked=False, p=summary.path: self._on_run_triggered(p))
            self.addAction(act)
        if not runs:
            empty = self.addAction("No complete runs yet")
            empty.setEnabled(False)
        self.addSeparator()
        folder = self.addAction(f"Runs folder: {self.runs_dir}")
        folder.setEnabled(False)

    def _on_run_triggered(self, path: Path) -> None:
        self.run_chosen.emit(path)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
