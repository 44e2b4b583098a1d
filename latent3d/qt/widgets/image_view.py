"""One small greyscale image shown crisp: the 28x28 views every panel uses, and the conversion to uint8."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["SCALE", "ImageView", "resample", "to_uint8"]

SCALE = 4  # 28 px -> 112 px, nearest neighbour: both boxes and the legend fit a 950-px-high window


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A 28x28 grey uint8 image from uint8 pixels or floats in [0, 1]: 784 values, any 2-D, RGB or square flat image.

    A recording's images and decodes may have another size (a 64x64 input, a 4x4 toy decoder): they are
    resampled to the 28x28 every view draws (nearest pixel), so no view needs to know their size.
    """
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[-1] == 3:  # a recording's colour images: their luminance (the views draw grey)
        grey = a.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        a = np.rint(grey).astype(np.uint8) if a.dtype == np.uint8 else grey
    if a.dtype != np.uint8:
        a = np.clip(np.rint(a.astype(np.float32) * 255.0), 0, 255).astype(np.uint8)
    if a.size == 28 * 28:
        return np.ascontiguousarray(a.reshape(28, 28))
    if a.ndim != 2:
        side = int(round(np.sqrt(a.size)))
        if a.ndim != 1 or side * side != a.size or side == 0:
            raise ValueError(f"an image must be 2-D or a square number of values, not shape {a.shape}")
        a = a.reshape(side, side)
    return np.ascontiguousarray(resample(a))


def resample(image: np.ndarray, side: int = 28) -> np.ndarray:
    """``image`` (H, W) at ``side`` x ``side`` by the nearest pixel (a view's thumbnail of any size of image)."""
    h, w = image.shape
    rows = np.minimum((np.arange(side) + 0.5) * h / side, h - 1).astype(np.intp)
    cols = np.minimum((np.arange(side) + 0.5) * w / side, w - 1).astype(np.intp)
    return image[rows][:, cols]


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
