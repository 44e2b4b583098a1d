"""The group panel: which group, how many points, their classes and mean error, a paged gallery, export.

It takes the groups, time and pick models and the test images (or None without the dataset), subscribes
to them and displays the group shown; a click in the gallery makes that image the single pick.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from latent3d.analysis.groups import class_counts
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.widgets.dialog_dirs import save_file_name
from latent3d.qt.widgets.thumbs import ThumbGrid
from latent3d.runs.group_export import write_group_csv, write_group_npy
from latent3d.scene.core.look import CLASS_COLORS
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.groups import GroupsModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["PAGE_SIZE", "GroupPanel"]

PAGE_SIZE = 48
NO_GROUP = "(no group)"
HINT = "color:#8a90a0;"


class GroupPanel(QWidget):
    """Displays the group shown: count, class histogram, mean BCE at the snapshot, gallery, export.

    Parameters
    ----------
    groups : GroupsModel
    time : TimeModel
        The run and the snapshot shown (reconstructions and errors are of that snapshot).
    pick : PickModel
        A click in the gallery selects that image; the selected one is framed.
    images : ndarray of uint8, shape (N, H, W), None, or a callable giving one
        The run's test images (originals in the gallery); None shows reconstructions only. A callable
        is asked at each page (the window's images follow the run shown: a recording's are its own).
    page_size : int
        Gallery items per page.
    parent : QWidget, optional
    """

    def __init__(self, groups: GroupsModel, time: TimeModel, pick: PickModel,
                 images: np.ndarray | None | Callable[[], np.ndarray | None], page_size: int = PAGE_SIZE,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups, self.time, self.pick = groups, time, pick
        self.images, self.page_size = images, page_size
        self.page = 0
        self._snapshot: int | None = None
        self._drawn: tuple[object, ...] | None = None  # what the panel shows: unchanged models, no work
        self.page_indices = np.zeros(0, np.int64)
        self.names = QComboBox()
        self.names.setToolTip("The group shown (B box / L lasso select into it; Shift adds, Ctrl removes)")
        self.names.activated.connect(self._on_name_chosen)
        self.keep_button, self.forget_button = QPushButton("Keep as…"), QPushButton("Forget")
        self.keep_button.setToolTip("Keep this group under a name (saved in view files); a new box or lasso "
                                    "starts 'selection' again, Shift / Ctrl add to / remove from the group shown")
        self.keep_button.clicked.connect(self._keep_dialog)
        self.forget_button.clicked.connect(lambda: groups.remove_group(groups.shown or ""))
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # group names come from view files: plain text
        self.summary.setWordWrap(True)
        self.histogram = pg.PlotWidget(background="#1e2127")
        self.histogram.setFixedHeight(90)
        self.histogram.setMenuEnabled(False)
        self.histogram.setMouseEnabled(x=False, y=False)
        self.histogram.hideButtons()
        # One bar per class: the x range is the classes whatever the counts; an empty group shows counts 0..1,
        # not pyqtgraph's guess around no data (-50..50).
        self.histogram.setXRange(-0.6, len(CLASS_NAMES) - 0.4, padding=0)
        self.histogram.setYRange(0.0, 1.0, padding=0)
        self.histogram.getAxis("bottom").setTicks([[(c, str(c)) for c in range(len(CLASS_NAMES))]])
        self.bars = pg.BarGraphItem(x=np.arange(len(CLASS_NAMES)), height=np.zeros(len(CLASS_NAMES)), width=0.8,
                                    brushes=[pg.mkBrush(*rgb) for rgb in CLASS_COLORS], pen=None)
        self.histogram.addItem(self.bars)
        self.gallery = ThumbGrid(columns=4, caption_lines=1, max_side=34)  # pairs: original | reconstruction
        self.gallery.setToolTip("Original | reconstruction at the snapshot shown; click to select")
        self.gallery.clicked.connect(self._on_gallery_clicked)
        self.prev_button, self.next_button = QPushButton("‹"), QPushButton("›")
        self.page_label = QLabel()
        for b, d in ((self.prev_button, -1), (self.next_button, +1)):
            b.setFixedWidth(28)
            b.clicked.connect(lambda _=False, d=d: self.set_page(self.page + d))
        self.worst_n = QSpinBox()
        self.worst_n.setRange(1, 10_000)
        self.worst_n.setValue(100)
        self.worst_n.setPrefix("worst ")
        self.worst_button = QPushButton("Select")
        self.worst_button.setToolTip("Select this snapshot's N visible images of highest reconstruction error")
        self.worst_button.clicked.connect(self._on_select_worst)
        self.csv_button, self.npy_button = QPushButton("CSV…"), QPushButton(".npy…")
        self.csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.npy_button.clicked.connect(lambda: self._export_dialog("npy"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.names, 1)
        top.addWidget(self.keep_button)
        top.addWidget(self.forget_button)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.histogram)
        pager = QHBoxLayout()
        pager.addWidget(self.prev_button)
        pager.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        pager.addWidget(self.next_button)
        layout.addLayout(pager)
        layout.addWidget(self.gallery)
        for row in ((self.worst_n, self.worst_button), (QLabel("export"), self.csv_button, self.npy_button)):
            tools = QHBoxLayout()
            for w in row:
                tools.addWidget(w)
            layout.addLayout(tools)
        self._disconnects = [connect_handlers(m, self) for m in (time, groups, pick)]
        self.refresh()

    # -- models -> panel ------------------------------------------------------------------------

    def _refresh(self, _value: object = None) -> None:
        self.refresh()

    _on_run = _on_groups = _refresh

    def _on_shown(self, _name: object) -> None:
        self.page = 0
        self.refresh()

    def _on_selected(self, index: int | None) -> None:
        hits = np.flatnonzero(self.page_indices == index) if index is not None else np.zeros(0, np.int64)
        self.gallery.set_current(int(hits[0]) if len(hits) else None)

    def _on_position(self, _u: float) -> None:
        if self.time.snapshot != self._snapshot:  # a new decoder and new errors; between two snapshots nothing
            self.refresh()

    def refresh(self) -> None:
        """Everything from the models: names, summary, histogram, the gallery page (nothing when nothing changed)."""
        groups, run, group, s = self.groups, self.time.run, self.groups.group, self.time.snapshot
        # The objects themselves, compared with `is`: an id() could be reused by a new array after the old one is freed.
        key = (run, group, tuple(groups.groups), groups.shown, s, self.page)
        if self._drawn is not None and all(a is b or (type(a) in (tuple, str, int) and a == b)
                                           for a, b in zip(key, self._drawn)):
            return  # the groups event and the group_shown event of one selection: one refresh
        self._drawn = key
        self._snapshot = s
        names = [NO_GROUP, *groups.groups]
        with QSignalBlocker(self.names):
            if [self.names.itemText(i) for i in range(self.names.count())] != names:
                self.names.clear()
                self.names.addItems(names)
            self.names.setCurrentIndex(0 if groups.shown is None else 1 + list(groups.groups).index(groups.shown))
        has = run is not None and group is not None
        for w in (self.keep_button, self.forget_button):
            w.setEnabled(group is not None)
        for w in (self.csv_button, self.npy_button, self.prev_button, self.next_button):
            w.setEnabled(has and group is not None and bool(group.size))
        self.worst_button.setEnabled(run is not None)
        if not has:
            self.summary.setText("No group. Press B (box) or L (lasso) and drag in the view, or pick a class "
                                 "from the legend's menu.")
            self.bars.setOpts(height=np.zeros(len(CLASS_NAMES)))
            self.histogram.setYRange(0.0, 1.0, padding=0)
            self.page_indices = np.zeros(0, np.int64)
            self.gallery.set_pairs([], [], [])
            self.page_label.setText("")
            return
        assert run is not None and group is not None
        bce = float(run.test_bce[s, group].mean()) if group.size else float("nan")
        loss = "loss" if run.kind == "recording" else "BCE"  # a recording's loss_fn need not be a BCE
        self.summary.setText(f"{group.size:,} of {len(run.labels):,} test images · mean {loss} {bce:.4f} at step "
                             f"{int(run.steps[s]):,}" if group.size else "The group is empty.")
        counts = class_counts(run.labels, group).astype(float)
        self.bars.setOpts(height=counts)
        self.histogram.setYRange(0.0, max(float(counts.max(initial=0.0)) * 1.08, 1.0), padding=0)
        self.set_page(self.page)

    @property
    def n_pages(self) -> int:
        """Gallery pages of the group shown."""
        group = self.groups.group
        return max(1, -(-(0 if group is None else group.size) // self.page_size))

    def set_page(self, page: int) -> None:
        """Show gallery page ``page`` (clamped): originals beside their reconstructions at the shown snapshot."""
        run, group = self.time.run, self.groups.group
        self.page = min(max(int(page), 0), self.n_pages - 1)
        if run is None or group is None:
            return
        s = self.time.snapshot
        idx = np.asarray(group[self.page * self.page_size:(self.page + 1) * self.page_size], np.int64)
        self.page_indices = idx
        images = self.images() if callable(self.images) else self.images
        originals = [images[i] if images is not None and i < len(images) else None for i in idx]
        if run.why_not("decoder") is None:
            recon = run.decoder(s)(run.codes[s, idx]) if idx.size else np.zeros((0, 784), np.float32)
            recon = np.clip(np.rint(recon * 255.0), 0, 255).astype(np.uint8)  # one pass for the page
            self.gallery.set_pairs(originals, recon, [f"#{i}" for i in idx])
        else:  # a recording without a decoder: its inputs alone (dark squares without images)
            blank = np.zeros((28, 28), np.uint8)
            self.gallery.set_images([blank if o is None else o for o in originals], [f"#{i}" for i in idx])
        self._on_selected(self.pick.selected)
        self.page_label.setText(f"page {self.page + 1} of {self.n_pages}")
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < self.n_pages - 1)

    # -- panel -> models ------------------------------------------------------------------------

    def _on_name_chosen(self, row: int) -> None:
        self.groups.shown = None if row <= 0 else self.names.itemText(row)

    def _on_gallery_clicked(self, i: int) -> None:
        if i < len(self.page_indices):
            try:
                self.pick.selected = int(self.page_indices[i])
            except ValueError:  # a member of a hidden class: not drawn, so not selectable
                pass

    def keep_as(self, name: str) -> None:
        """Keep the group shown under ``name`` and show that one (a box or lasso then edits it)."""
        group = self.groups.group
        if group is not None:
            self.groups.set_group(name, group)
            self.groups.shown = name

    def _keep_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Keep group", "Name (1 to 64 characters):")
        if ok and name.strip():
            try:
                self.keep_as(name.strip())
            except ValueError as exc:
                box = QMessageBox(QMessageBox.Icon.Warning, "Keep group", str(exc), parent=self)
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.exec()

    def _on_select_worst(self) -> None:
        self.groups.select_worst(self.worst_n.value(), self.time.snapshot)

    # -- export ---------------------------------------------------------------------------------

    def export(self, path: Path, kind: str) -> int:
        """Write the group shown to ``path``: ``csv`` rows at the shown snapshot, or ``npy`` int64 indices."""
        run, group = self.time.run, self.groups.group
        if run is None or group is None:
            raise ValueError("There is no group to export; select some points first.")
        if kind == "csv":
            return write_group_csv(path, run, group, self.time.snapshot)
        return write_group_npy(path, group)

    def _export_dialog(self, kind: str) -> None:
        name = f"{self.groups.shown or 'group'}.{kind}"
        # in the folder of the last export, else the runs folder: not the working directory (issue 32)
        path, _ = save_file_name(self, "Export group", name,
                                 "CSV (*.csv)" if kind == "csv" else "NumPy indices (*.npy)")
        if not path:
            return
        try:
            self.export(Path(path), kind)
        except ValueError as exc:  # OutputError included: one sentence, shown as plain text
            box = QMessageBox(QMessageBox.Icon.Warning, "Export group", str(exc), parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()

    def close_panel(self) -> None:
        """Disconnect from the models."""
        for disconnect in self._disconnects:
            disconnect()
