"""One small greyscale image shown crisp: the 28x28 views every panel uses, and the conversion to uint8."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["SCALE", "ImageView", "to_uint8"]

SCALE = 4  # 28 px -> 112 px, nearest neighbour: both boxes and the legend fit a 950-px-high window


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A 28x28 uint8 image from uint8 pixels or floats in [0, 1] (any shape with 784 values)."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = np.clip(np.rint(a.astype(np.float32) * 255.0), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a.reshape(28, 28))


class ImageView(QLabel):
    """One 28x28 greyscale image shown crisp (nearest-neighbour, ``scale`` screen pixels a pixel), or a message."""

    def __init__(self, parent: QWidget | None = None, scale: int = SCALE) -> None:
        super().__init__(parent)
        self.scale = scale
        side = 28 * scale
        self.setFixedSize(side + 4, side + 4)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("background:#0f1115; border:1px solid #3a3f4b; color:#aab; font-size:10px;")
        self.image: np.ndarray | None = None

    def set_image(self, image: np.ndarray) -> None:
        """Show ``image`` (uint8 or [0, 1] floats, 784 values)."""
        image = to_uint8(image)
        if self.image is not None and np.array_equal(image, self.image):
            return  # shown already (the test image of a pick while the timeline moves): not scaled and set again
        self.image = image
        h, w = self.image.shape
        qimg = QImage(self.image.data, w, h, w, QImage.Format.Format_Grayscale8).copy()  # own the bytes
        pix = QPixmap.fromImage(qimg).scaled(w * self.scale, h * self.scale, Qt.AspectRatioMode.IgnoreAspectRatio,
                                             Qt.TransformationMode.FastTransformation)
        self.setPixmap(pix)

    def set_message(self, text: str) -> None:
        """Show ``text`` where the image would be."""
        self.image = None
        self.clear()
        self.setText(text)
