"""The side panel: the selected test image beside its reconstruction, and the free-roam probe's decode.

Both boxes are fixed slots: they keep their size whatever they show (an empty box says what would be
there), so the legend below them never moves under the cursor.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from latent3d.qt.widgets.image_view import ImageView

__all__ = ["ImagePanel"]

DETAIL_ROWS = 4  # the details table's rows: the slot is as tall as a full table, empty or not


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color:#c8ccd4;")
    return label


class _Pair(QGroupBox):
    """Two images with captions and a details line below."""

    def __init__(self, title: str, left: str, right: str) -> None:
        super().__init__(title)
        grid = QGridLayout(self)
        self.left, self.right = ImageView(), ImageView()
        self.left_caption, self.right_caption = _caption(left), _caption(right)
        for cap in (self.left_caption, self.right_caption):  # "reconstruction (step 18,760)" wraps, never cut
            cap.setWordWrap(True)
            cap.setMinimumHeight(2 * cap.fontMetrics().lineSpacing())  # one line or two: the box keeps its height
        grid.addWidget(self.left, 0, 0, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.right, 0, 1, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.left_caption, 1, 0)
        grid.addWidget(self.right_caption, 1, 1)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reserve("")
        grid.addWidget(self.details, 2, 0, 1, 2)
        grid.setRowStretch(3, 1)  # a tall dock's room goes below the text, not between images and captions

    def reserve(self, note_html: str) -> None:
        """Keep the details as tall as a full table plus ``note_html``, whatever they show."""
        self.details.setText(_table([("row", "x")] * DETAIL_ROWS) + note_html)
        self.details.setMinimumHeight(self.details.heightForWidth(max(self.details.width(), 260)))
        self._pin()

    def _pin(self) -> None:
        # Never squeezed below the natural height: while the scroll area catches up with a grown panel
        # the layout would shrink this box for a moment, and the legend below it would jump.
        self.setMinimumHeight(0)
        self.setMinimumHeight(self.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Pin the height again when a style sheet changes the box's margins or fonts."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._pin()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Pin the height once the window's style has reached the box."""
        self._pin()
        super().showEvent(event)


def _note(missing: str | None) -> str:
    return f"<p style='color:#e3b341'>{html.escape(missing or 'Test image not available.')}</p>"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td style='color:#8a90a0;padding-right:10px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _xyz(p: np.ndarray) -> str:
    return "(" + ", ".join(f"{float(v):+.3f}" for v in p) + ")"


class ImagePanel(QWidget):
    """Displays what the window tells it: the selection and, in free roam, the probe."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.selection = _Pair("Selected test image", "original", "reconstruction")
        self.probe = _Pair("Free-roam probe", "decoded at probe", "nearest test image")
        layout.addWidget(self.selection)
        layout.addWidget(self.probe)
        self.clear_selection()
        self.set_probe_visible(False)

    def reserve_note(self, missing: str | None) -> None:
        """Make room once for the sentence that says why test images are missing (so no selection moves the legend)."""
        self.selection.reserve(_note(missing) if missing else "")
        self.clear_selection()

    def clear_selection(self) -> None:
        """Show the hint that nothing is selected yet."""
        self.selection.left.set_message("Click a point")
        self.selection.right.set_message("")
        self.selection.right_caption.setText("reconstruction")
        self.selection.details.setText("<i>Click a point in the view to see its test image.</i>")

    def show_selection(self, *, index: int, class_name: str, position: np.ndarray, at: str, bce: float | None,
                       reconstruction: np.ndarray | None, original: np.ndarray | None, missing: str | None,
                       learned: str | None = None, no_reconstruction: str | None = None,
                       loss_name: str = "BCE") -> None:
        """Show test image ``index``: its original (or why it is missing) and its reconstruction at ``epoch``.

        Parameters
        ----------
        index : int
            Test-set index.
        class_name : str
        position : ndarray, shape (3,)
            Its code at the epoch shown.
        at : str
            The snapshot whose decoder made ``reconstruction`` (``"step 64"``).
        bce : float or None
            That image's loss at that snapshot (the mean BCE per pixel), None when the run has none.
        reconstruction : ndarray or None
            784 values in [0, 1]; None for a run without a decoder (``no_reconstruction`` says why).
        original : ndarray or None
            The 28x28 uint8 test image, or None when the dataset is not on disk.
        missing : str or None
            Why ``original`` is None, shown below the images (the box says to look there).
        learned : str, optional
            When the image was learned (``"learned at step 85"``), after the test index.
        no_reconstruction : str, optional
            Why there is no reconstruction (the run's sentence), shown below the images.
        loss_name : str
            What ``bce`` is called (a recording's loss is its own).
        """
        note = ""
        if original is not None:
            self.selection.left.set_image(original)
        else:
            # The reason is a long sentence (which files, where to put them): it overflowed the
            # 140-px box, so it wraps below the images, across the panel's width.
            self.selection.left.set_message("Test image not on disk: see below.")
            note = _note(missing)
        if reconstruction is not None:
            self.selection.right.set_image(reconstruction)
            self.selection.right_caption.setText(f"reconstruction ({at})")
        else:
            self.selection.right.set_message("No decoder: see below.")
            self.selection.right_caption.setText("reconstruction")
            note += _note(no_reconstruction or "")
        self.selection.details.setText(_table([
            ("class", f"<b>{html.escape(class_name)}</b>"),
            # learned-at shares the index's row: a fifth row would make the fixed slot taller (the legend moves)
            ("test index", f"{index}" + (f" · {html.escape(learned)}" if learned else "")), ("code", _xyz(position)),
            (loss_name, f"{bce:.4f} ({at})" if bce is not None else "not recorded")]) + note)

    def set_probe_visible(self, on: bool) -> None:
        """Free roam on (the probe's images follow) or off: the box stays and says how to start it."""
        if not on:
            self.probe.left.set_message("Free roam off")
            self.probe.right.set_message("")
            self.probe.left_caption.setText("decoded at probe")
            self.probe.right_caption.setText("nearest test image")
            self.probe.details.setText("<i>Press F (Free roam) to decode any place in the space.</i>")

    def show_probe_off(self, reason: str) -> None:
        """No decode at the probe: ``reason`` (the run's sentence) in the probe's box."""
        self.probe.left.set_message("Nothing to decode")
        self.probe.right.set_message("")
        self.probe.details.setText(_note(reason))

    def show_probe(self, *, position: np.ndarray, at: str, decoded: np.ndarray, nearest: int,
                   nearest_class: str, distance: float, nearest_image: np.ndarray | None,
                   nearest_reconstruction: np.ndarray) -> None:
        """Show the probe's decode at ``position`` and its nearest test image.

        Parameters
        ----------
        position : ndarray, shape (3,)
        at : str
            The snapshot whose decoder was used (``"step 64"``).
        decoded : ndarray
            784 values in [0, 1].
        nearest : int
            Index of the nearest test code.
        nearest_class : str
        distance : float
            Euclidean distance in code space.
        nearest_image : ndarray or None
            That test image, or None without the dataset (its reconstruction is shown instead).
        nearest_reconstruction : ndarray
            Its reconstruction, used when ``nearest_image`` is None.
        """
        self.probe.left.set_image(decoded)
        self.probe.left_caption.setText(f"decoded ({at})")
        if nearest_image is not None:
            self.probe.right.set_image(nearest_image)
            self.probe.right_caption.setText(f"nearest: #{nearest}")
        else:
            self.probe.right.set_image(nearest_reconstruction)
            self.probe.right_caption.setText(f"nearest #{nearest} (reconstr.)")
        self.probe.details.setText(_table([
            ("probe", _xyz(position)), ("nearest", f"#{nearest} <b>{html.escape(nearest_class)}</b>"),
            ("distance", f"{distance:.3f}")]))
