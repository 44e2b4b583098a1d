"""Issue 32 defect 1 in the window: linear time -> log time keeps the step, by the keyboard and by a pick in the box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.mark.parametrize("how", ["keyboard", "mouse"])
def test_linear_to_log_time_keeps_the_step_in_the_window(qtbot, window, how: str) -> None:  # noqa: ANN001
    """The switch jumped to the last step (a plot's cursor, still at the linear step, seeked on the log axis)."""
    time, box = window.model.time, window.timeline.axis
    qtbot.waitUntil(lambda: window.model.learning.result is not None, timeout=60000)  # the purity plot's cursor
    time.time_axis = "linear"
    time.position = 1.5
    step = time.step
    assert 0 < step < time.time.last_step
    if how == "keyboard":
        qtbot.keyClick(box, Qt.Key.Key_Up)  # the box's item above "linear time"
    else:
        box.activated.emit(0)
        box.setCurrentIndex(box.findData("log"))  # what a click on "log time" in its list does
    assert time.time_axis == "log"
    qtbot.wait(50)  # let the plots redraw on the new axis
    assert time.step == pytest.approx(step)
    box.setCurrentIndex(box.findData("linear"))
    assert time.time_axis == "linear" and time.step == pytest.approx(step)
