"""Side and bottom panels built from bare inputs: nothing cut off, the path decode whole, style icons on play."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QStyle, QToolTip

from latent3d.data.datasets import DataError, load_split
from latent3d.qt.inspect.explore_panel import NeighboursBox, PathBox
from latent3d.qt.inspect.image_panel import ImagePanel
from latent3d.qt.timeline.widget import Timeline
from latent3d.runs import load_run
from latent3d.state.viewer_model import ViewerModel


def _show(qtbot, w, width: int = 340, height: int = 600):  # noqa: ANN001, ANN202
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("height", [200, 120], ids=["roomy", "short-tab"])
def test_path_decode_shows_the_whole_image(qtbot, height: int) -> None:  # noqa: ANN001
    box = PathBox()
    box.setFixedSize(900, height)  # as in a short bottom tab (the window's splitter can squeeze it this far)
    box = _show(qtbot, box, 900, height)
    image = np.zeros((28, 28), np.float32)
    image[0, 0] = image[27, 27] = 1.0  # two corner pixels: both must be on screen
    box.show_path(np.tile(image.reshape(1, 784), (10, 1)), "A → B")
    box.show_decode(image.reshape(784), 0.5)
    label = box.decode
    pixmap = label.pixmap()
    room = label.contentsRect()
    assert pixmap.width() <= room.width() and pixmap.height() <= room.height()
    assert label.mapTo(box, room.bottomRight()).y() < box.height()  # not clipped by a short box either
    shot = label.grab().toImage()
    bright = [(x, y) for y in range(shot.height()) for x in range(shot.width()) if shot.pixelColor(x, y).value() > 200]
    assert bright, "no pixel of the image's corners is visible"
    xs, ys = [x for x, _ in bright], [y for _, y in bright]
    # The two corner pixels sit a full image apart (27 pixels of the 28, scaled), both inside the label.
    assert max(xs) - min(xs) >= 26 * pixmap.width() // 28 and max(ys) - min(ys) >= 26 * pixmap.height() // 28


def test_neighbour_captions_fit_and_have_tooltips(qtbot) -> None:  # noqa: ANN001
    box = _show(qtbot, NeighboursBox(), 340, 400)
    captions = [f"#{7626 + i} {name}\nd = {0.1 * i:.3f}"
                for i, name in enumerate(["T-shirt/top", "Ankle boot", "Pullover", "Sneaker", "Trouser", "Bag",
                                          "Sandal", "Dress"])]
    box.show_neighbours("Nearest to #7626 (epoch 20)", [np.zeros(784, np.float32)] * 8, captions)
    qtbot.wait(10)
    grid = box.grid
    metrics = QFontMetrics(grid._font)
    width = grid.cell(0).width() + 2  # the caption's rectangle in ThumbGrid.paintEvent
    shown = [line for c in grid.captions for line in c.split("\n")[: grid.caption_lines]]
    assert "T-shirt/top" in shown and "#7626" in shown and "d = 0.000" in shown
    cut = [line for line in shown if metrics.horizontalAdvance(line) > width]
    assert cut == []
    # Each image's tooltip is its whole caption.
    centre = grid.cell(0).center()
    assert grid.tip_at(grid.index_at(centre)).startswith("#7626 T-shirt/top · d = 0.000")
    QToolTip.hideText()
    grid.event(QHelpEvent(QEvent.Type.ToolTip, centre, grid.mapToGlobal(centre)))
    assert "T-shirt/top" in QToolTip.text()
    QToolTip.hideText()


def test_no_dataset_message_is_not_cut_off(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    try:
        load_split(tmp_path, "test")
    except DataError as exc:
        missing = f"Fashion-MNIST test images not found: {exc}"
    panel = _show(qtbot, ImagePanel(), 340, 700)
    panel.show_selection(index=3, class_name="Dress", position=np.zeros(3), at="epoch 2", bce=0.3,
                         reconstruction=np.zeros(784, np.float32), original=None, missing=missing)
    qtbot.wait(10)
    box = panel.selection.left
    room = box.contentsRect()
    needed = box.fontMetrics().boundingRect(QRect(0, 0, room.width(), 10_000),
                                            int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter), box.text())
    assert needed.height() <= room.height() and needed.width() <= room.width(), box.text()
    details = panel.selection.details
    assert "--data-dir" in details.text() and "t10k-images-idx3-ubyte" in details.text()
    # The whole explanation is on screen: the label is as tall as its wrapped text needs, inside the panel.
    assert details.height() >= details.heightForWidth(details.width())
    assert details.mapTo(panel, QPoint(0, details.height())).y() <= panel.height()
    assert details.width() <= panel.width()


def test_play_button_uses_the_style_icons(qtbot, synthetic_run: Path) -> None:  # noqa: ANN001
    model = ViewerModel()
    model.set_run(load_run(synthetic_run), position=0.0)
    timeline = _show(qtbot, Timeline(model.time), 600, 60)
    style = timeline.style()

    def same(kind: QStyle.StandardPixmap) -> bool:
        return timeline.play_button.icon().pixmap(16).toImage() == style.standardIcon(kind).pixmap(16).toImage()

    assert timeline.play_button.text() == "" and same(QStyle.StandardPixmap.SP_MediaPlay)
    timeline.play()
    assert same(QStyle.StandardPixmap.SP_MediaPause)
    timeline.pause()
    assert same(QStyle.StandardPixmap.SP_MediaPlay)


def test_hovering_a_legend_row_highlights_its_class(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEvent

    from latent3d.data.datasets import CLASS_NAMES
    from latent3d.qt.display.legend import ClassLegend
    from latent3d.scene.core.look import CLASS_COLORS

    display = ViewerModel().display
    legend = _show(qtbot, ClassLegend(CLASS_NAMES, CLASS_COLORS, display=display), 200, 300)
    legend.itemEntered.emit(legend.item(4))
    assert display.highlight_class == 4 and legend.item(4).font().bold() and not legend.item(3).font().bold()
    legend.leaveEvent(QEvent(QEvent.Type.Leave))
    assert display.highlight_class is None and not legend.item(4).font().bold()


def test_path_decode_grows_with_a_taller_tab(qtbot) -> None:  # noqa: ANN001
    """Issue 25: the large decode stayed at 75-84 px however tall the tab."""
    box = PathBox()
    box.setFixedSize(900, 320)
    box = _show(qtbot, box, 900, 320)
    image = np.zeros((28, 28), np.float32)
    box.show_path(np.tile(image.reshape(1, 784), (10, 1)), "A → B")
    box.show_decode(image.reshape(784), 0.5)
    qtbot.wait(20)
    assert box.decode.pixmap().width() > 84  # the old ceiling (3x)
    assert box.decode.contentsRect().contains(QRect(box.decode.contentsRect().topLeft(), box.decode.pixmap().size()))
