"""Value types of the decoder map and of own images, as the layers model holds them (file form: view/layers.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latent3d.analysis.decoder_map import PLANES

__all__ = ["GRID_RANGE", "MAX_NAME_CHARS", "MAX_OWN_IMAGES", "OPACITY_RANGE", "OWN_COLOURS", "PIXELS",
           "DecoderMapState",
           "OwnImage", "own_colour"]

GRID_RANGE = (4, 32)
OPACITY_RANGE = (0.05, 1.0)
MAX_OWN_IMAGES = 16
MAX_NAME_CHARS = 80
PIXELS = 784


# Colours no class uses (CLASS_COLORS are matplotlib's tab10), bright on the dark background; the first is the
# green one image had before.
OWN_COLOURS = ((0.35, 1.0, 0.45), (1.0, 1.0, 1.0), (1.0, 0.35, 0.85), (0.45, 0.85, 1.0), (1.0, 0.95, 0.3),
               (1.0, 0.55, 0.45), (0.7, 0.6, 1.0), (0.6, 1.0, 0.85))


def own_colour(i: int) -> tuple[float, float, float]:
    """The colour of the ``i``-th own image (0..1 RGB), shared by its marker, trail, label and panel row."""
    return OWN_COLOURS[i % len(OWN_COLOURS)]

@dataclass(frozen=True)
class DecoderMapState:
    """The decoder map: its plane (``camera`` facing, or a pair of axes), G tiles a side, and opacity in 3-D."""

    plane: str = "camera"
    grid: int = 12
    opacity: float = 0.6

    def checked(self) -> DecoderMapState:
        """The same map with G and opacity clamped to their ranges; an unknown plane raises ValueError."""
        if self.plane not in PLANES:
            raise ValueError(f"Unknown decoder-map plane {self.plane!r}; use one of {', '.join(PLANES)}.")
        g = min(max(int(self.grid), GRID_RANGE[0]), GRID_RANGE[1])
        o = float(self.opacity) if np.isfinite(float(self.opacity)) else 0.6
        return DecoderMapState(self.plane, g, min(max(o, OPACITY_RANGE[0]), OPACITY_RANGE[1]))


@dataclass(frozen=True)
class OwnImage:
    """One own image: a name, its 28x28 grey levels (uint8, white on black) as 784 bytes, row by row, and
    whether its trail across training is drawn."""

    name: str
    pixels: bytes
    trail: bool = True

    def __post_init__(self) -> None:
        if len(self.pixels) != PIXELS:
            raise ValueError(f"An own image has {PIXELS} pixels, not {len(self.pixels)}.")

    @classmethod
    def from_array(cls, name: str, image: np.ndarray) -> OwnImage:
        """From a 28x28 (or 784) array of uint8 grey levels, or floats in [0, 1]."""
        a = np.asarray(image)
        if a.dtype != np.uint8:
            a = np.round(np.clip(np.asarray(a, np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)
        clean = "".join(ch for ch in name if ord(ch) >= 32 and not 127 <= ord(ch) < 160
                        and not 0xD800 <= ord(ch) < 0xE000)  # what a view file's text check refuses
        return cls(clean.strip()[:MAX_NAME_CHARS] or "image", a.reshape(PIXELS).tobytes())

    def as_float(self) -> np.ndarray:
        """The pixels as float32 ``[784]`` in [0, 1], as the encoder takes them (Fashion-MNIST / 255)."""
        return np.frombuffer(self.pixels, np.uint8).astype(np.float32) / 255.0
