"""The data map (cartography for an autoencoder): each test image's mean BCE over snapshots against its variability.

A pyqtgraph scatter in class colours; either axis can be the mean, the variability (standard
deviation over snapshots) or the final BCE. Hovering shows the image under the mouse, a click selects
it in 3-D, dragging with Shift held draws a box whose images are offered as a group (``box_selected``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QSizePolicy, QWidget

from latent3d.analysis.learning import LearningAnalysis
from latent3d.qt.learning.hardest_list import ImageSource, thumbnails
from latent3d.qt.widgets.image_view import ImageView
from latent3d.scene.core.look import CLASS_COLORS
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.learning import LearningModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["AXES", "DataMap"]

AXES = {"mean": "mean BCE over snapshots", "variability": "variability (std of BCE over snapshots)",
        "final": "final BCE"}
SHORT = {"mean": "mean BCE", "variability": "variability", "final": "final BCE"}
HINT = "Hover a point to see it. Click: select it in 3-D. Shift+drag: a box of images → a group."
HOVER_PX = 8  # the nearest point within this many pixels is the one hovered


class _MapView(pg.ViewBox):
    """A view box whose Shift+drag draws a selection box instead of panning."""

    def __init__(self, on_box: object) -> None:
        super().__init__()
        self._on_box = on_box
        self.box = pg.QtWidgets.QGraphicsRectItem()
        self.box.setPen(pg.mkPen("#ffcc33", width=1, style=Qt.PenStyle.DashLine))
        self.box.setBrush(pg.mkBrush(255, 204, 51, 30))
        self.box.setZValue(1e9)
        self.box.hide()
        self.addItem(self.box, ignoreBounds=True)

    def mouseDragEvent(self, ev: object, axis: int | None = None) -> None:  # noqa: N802 - pyqtgraph's name
        """Shift+left drag: a box in data coordinates, offered on release; other drags pan and zoom as usual."""
        e: Any = ev
        if e.button() != Qt.MouseButton.LeftButton or not (e.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            super().mouseDragEvent(ev, axis)
            return
        e.accept()
        rect = QRectF(self.mapToView(e.buttonDownPos()), self.mapToView(e.pos())).normalized()
        self.box.setRect(rect)
        self.box.setVisible(not e.isFinish())
        if e.isFinish():
            self._on_box(rect)  # type: ignore[operator]


class DataMap(QWidget):
    """Every test image of the run on the data map, from the learning model.

    Parameters
    ----------
    learning : LearningModel
    time : TimeModel
        The snapshot a hovered image not on disk is reconstructed at.
    display : DisplayModel
        Images of hidden classes are left out.
    pick : PickModel
        A click selects the image; the selected one is ringed.
    image_of : callable, optional
        Test image by index for the hover thumbnail (None: its reconstruction).
    parent : QWidget, optional

    Signals
    -------
    box_selected(object)
        The indices (int64 ndarray) of the visible images inside a Shift+drag box.
    """

    box_selected = Signal(object)

    def __init__(self, learning: LearningModel, time: TimeModel, display: DisplayModel, pick: PickModel,
                 image_of: ImageSource | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.learning, self.time, self.display, self.pick = learning, time, display, pick
        self.image_of = image_of
        self.xy = np.zeros((0, 2))
        self.visible = np.zeros(0, bool)
        self.hovered: int | None = None
        self._said_off = False  # the caption says why there is no map (a run without losses)
        self.x_axis, self.y_axis = QComboBox(), QComboBox()
        for box, default in ((self.x_axis, "mean"), (self.y_axis, "variability")):
            for key, text in SHORT.items():
                box.addItem(text, key)
                box.setItemData(box.count() - 1, AXES[key], Qt.ItemDataRole.ToolTipRole)
            box.setCurrentIndex(list(AXES).index(default))
            box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.view = _MapView(self._on_box)
        self.canvas = pg.PlotWidget(viewBox=self.view, background="#1e2127")
        self.plot = self.canvas.getPlotItem()
        self.plot.setMenuEnabled(False)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)  # BCE per pixel reads as 0.3, not 300 (x0.001)
        self.scatter = pg.ScatterPlotItem(size=3, pen=None, pxMode=True)
        self.highlight = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#ffffff", width=2), brush=None, pxMode=True)
        self.plot.addItem(self.scatter)
        self.plot.addItem(self.highlight)
        self.canvas.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.canvas.scene().sigMouseClicked.connect(self._on_clicked)
        self.thumb = ImageView(scale=3)
        self.caption = QLabel(HINT)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color:#c8ccd4;")
        self.caption.setFixedWidth(self.thumb.width())
        # The text may be cut in a short tab rather than making the tabs (and the 3-D view above) taller.
        self.caption.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        help_mark = QLabel("(?)")  # the hint as a tooltip here: on the plot it covered the points while hovering
        help_mark.setStyleSheet("color:#8a90a0;")
        help_mark.setToolTip(HINT)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addWidget(QLabel("x"), 0, 0)
        grid.addWidget(self.x_axis, 0, 1)
        grid.addWidget(QLabel("y"), 0, 2)
        grid.addWidget(self.y_axis, 0, 3)
        grid.addWidget(help_mark, 0, 4)
        grid.addWidget(self.canvas, 1, 0, 2, 5)
        grid.addWidget(self.thumb, 0, 5, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.caption, 2, 5, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(4, 1)
        self.canvas.setMinimumSize(160, 80)
        self._disconnects = [connect_handlers(m, self) for m in (learning, display, pick)]
        self.redraw()

    # -- models -> map ----------------------------------------------------------------------------

    def _on_result(self, _analysis: LearningAnalysis | None) -> None:
        self.redraw()

    def values(self, key: str) -> np.ndarray:
        """One axis's values per image: ``mean``, ``variability`` or ``final``."""
        a = self.learning.result
        if a is None:
            return np.zeros(0)
        return np.asarray({"mean": a.mean_bce, "variability": a.std_bce, "final": a.final_bce}[key], np.float64)

    def redraw(self) -> None:
        """Place every visible image at (x value, y value) in its class colour."""
        xk, yk = self.x_axis.currentData(), self.y_axis.currentData()
        self.plot.setLabel("bottom", AXES[xk])
        self.plot.setLabel("left", AXES[yk])
        self.hovered = None  # the points move: the next mouse move shows one again
        a, run = self.learning.result, self.time.run
        no_losses = run.why_not("losses") if run is not None else None  # a recording without them: nothing to map
        if no_losses is not None or self.caption.text() != HINT and run is not None and self._said_off:
            self.caption.setText(no_losses or HINT)
        self._said_off = no_losses is not None
        if a is None or no_losses is not None:
            self.xy, self.visible = np.zeros((0, 2)), np.zeros(0, bool)
            self.scatter.setData([], [])
            self._on_selected(None)
            return
        self.xy = np.column_stack([self.values(xk), self.values(yk)])
        labels = np.asarray(a.labels, np.int64)
        self.visible = ~np.isin(labels, sorted(self.display.hidden_classes)) & np.isfinite(self.xy).all(axis=1)
        idx = np.flatnonzero(self.visible)
        brushes = [pg.mkBrush(*rgb, 170) for rgb in CLASS_COLORS]
        self.scatter.setData(x=self.xy[idx, 0], y=self.xy[idx, 1], brush=[brushes[c] for c in labels[idx]],
                             data=idx)
        self._on_selected(self.pick.selected)

    def _on_hidden_classes(self, _hidden: frozenset[int]) -> None:
        self.redraw()

    def _on_selected(self, index: int | None) -> None:
        if index is None or index >= len(self.xy) or not self.visible[index]:
            self.highlight.setData([], [])
        else:
            self.highlight.setData([self.xy[index, 0]], [self.xy[index, 1]])

    # -- mouse -> models ---------------------------------------------------------------------------

    def index_at(self, scene_pos: QPointF) -> int | None:
        """The visible image nearest ``scene_pos`` within a few pixels, or None."""
        if not len(self.xy) or not self.view.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.view.mapSceneToView(scene_pos)
        px, py = self.view.viewPixelSize()  # data units per screen pixel
        d2 = ((self.xy[:, 0] - p.x()) / px) ** 2 + ((self.xy[:, 1] - p.y()) / py) ** 2
        d2[~self.visible] = np.inf
        i = int(np.argmin(d2))
        return i if d2[i] <= HOVER_PX ** 2 else None

    def hover(self, scene_pos: QPointF) -> None:
        """Show the thumbnail and numbers of the image under ``scene_pos`` (what a mouse move does)."""
        i = self.index_at(scene_pos)
        if i == self.hovered:
            return
        self.hovered = i
        a = self.learning.result
        if i is None or a is None:
            return  # the last image stays shown: moving to the panel must not blank it
        # No ring on the hovered point: moving it repaints the 10,000-point scatter, 8 -> 32 ms a move (one run).
        self.thumb.set_image(thumbnails(self.time, self.image_of, [i])[0])
        step = a.learned_steps[i]
        learned = "never learned" if not np.isfinite(step) else f"learned at step {step:,.0f}"
        self.caption.setText(f"#{i} {a.class_names[int(a.labels[i])]}\nmean BCE {a.mean_bce[i]:.4f}\n"
                             f"variability {a.std_bce[i]:.4f}\nfinal BCE {a.final_bce[i]:.4f}\n{learned}")

    def _on_mouse_moved(self, pos: QPointF) -> None:
        self.hover(pos)

    def _on_clicked(self, event: object) -> None:
        e: Any = event
        if e.button() != Qt.MouseButton.LeftButton:
            return
        i = self.index_at(e.scenePos())
        if i is not None:
            self.pick.selected = i

    def _on_box(self, rect: QRectF) -> None:
        inside = (self.visible & (self.xy[:, 0] >= rect.left()) & (self.xy[:, 0] <= rect.right())
                  & (self.xy[:, 1] >= rect.top()) & (self.xy[:, 1] <= rect.bottom()))
        self.box_selected.emit(np.flatnonzero(inside).astype(np.int64))

    def close_map(self) -> None:
        """Stop listening to the models."""
        for disconnect in self._disconnects:
            disconnect()
