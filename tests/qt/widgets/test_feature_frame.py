"""The frame around a feature's panel: it says why the feature is off, and shows and hides with its panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QWidget

from latent3d.qt.widgets.feature_frame import FeatureFrame


def test_a_panel_that_shows_itself_later_gets_room_in_the_splitter(qtbot) -> None:  # noqa: ANN001
    """The compared run's linked view is hidden until a run is compared: framed, it stayed 0 pixels wide."""
    panel = QLabel("the compared run's view")
    panel.setVisible(False)  # as the linked view does until a run is compared
    split = QSplitter(Qt.Orientation.Horizontal)
    qtbot.addWidget(split)
    split.addWidget(QLabel("the 3-D view"))
    frame = FeatureFrame(panel)
    split.addWidget(frame)
    split.resize(800, 300)
    split.show()
    qtbot.waitExposed(split)
    assert not frame.isVisible() and split.sizes()[1] == 0
    panel.show()  # a run is compared
    qtbot.waitUntil(lambda: split.sizes()[1] > 100, timeout=2000)
    assert frame.isVisible() and panel.isVisible()
    panel.hide()  # comparing stopped: no empty frame is left beside the view
    assert not frame.isVisible()


def test_the_frame_says_why_the_feature_is_off(qtbot) -> None:  # noqa: ANN001
    panel = QWidget()
    frame = FeatureFrame(panel)
    qtbot.addWidget(frame)
    frame.show()
    assert frame.reason is None and panel.isEnabled() and frame.isVisible()
    frame.set_off("Off: this run has no decoder.")
    assert frame.reason == "Off: this run has no decoder." and not panel.isEnabled()
    frame.set_off(None)
    assert frame.reason is None and panel.isEnabled()
