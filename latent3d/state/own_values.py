"""Value types of the decoder map and of own images, as the state holds them and a view file stores them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import numpy as np

from latent3d.analysis.decoder_map import PLANES
from latent3d.state.view_checks import Checker

__all__ = ["DecoderMapState", "GRID_RANGE", "MAX_OWN_IMAGES", "OPACITY_RANGE", "OwnImage", "decoder_map_from_dict",
           "decoder_map_to_dict", "own_images_from_list", "own_images_to_list"]

GRID_RANGE = (4, 32)
OPACITY_RANGE = (0.05, 1.0)
MAX_OWN_IMAGES = 16
MAX_NAME_CHARS = 80
PIXELS = 784


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
    """One own image: a name and its 28x28 grey levels (uint8, white on black) as 784 bytes, row by row."""

    name: str
    pixels: bytes

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


def decoder_map_to_dict(m: DecoderMapState | None) -> dict[str, Any] | None:
    """The view file's ``decoder_map`` value."""
    return None if m is None else {"plane": m.plane, "grid": m.grid, "opacity": m.opacity}


def decoder_map_from_dict(c: Checker, d: object) -> DecoderMapState | None:
    """Check an untrusted ``decoder_map`` value (null or an object) and build it."""
    if d is None:
        return None
    obj = c.obj("decoder_map", d)
    c.keys(obj, "decoder_map", (), ("plane", "grid", "opacity"))
    plane = c.choice("decoder_map.plane", obj.get("plane", "camera"), PLANES)
    grid = c.integer("decoder_map.grid", obj.get("grid", 12), *GRID_RANGE)
    opacity = c.number("decoder_map.opacity", obj.get("opacity", 0.6), *OPACITY_RANGE)
    return DecoderMapState(plane, grid, opacity)


def own_images_to_list(images: tuple[OwnImage, ...]) -> list[dict[str, str]]:
    """The view file's ``own_images`` value: names and base64 pixels."""
    return [{"name": im.name, "pixels": base64.b64encode(im.pixels).decode("ascii")} for im in images]


def own_images_from_list(c: Checker, v: object) -> tuple[OwnImage, ...]:
    """Check an untrusted ``own_images`` list and build the images."""
    if v is None:
        return ()
    if not isinstance(v, list) or len(v) > MAX_OWN_IMAGES:
        raise c.error("own_images", f"must be a list of at most {MAX_OWN_IMAGES} images")
    out = []
    for i, item in enumerate(v):
        key = f"own_images[{i}]"
        obj = c.obj(key, item)
        c.keys(obj, key, ("name", "pixels"), ())
        name = c.text(f"{key}.name", obj["name"], MAX_NAME_CHARS)
        text = c.text(f"{key}.pixels", obj["pixels"], 2 * PIXELS)
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise c.error(f"{key}.pixels", "is not base64 text") from None
        if len(raw) != PIXELS:
            raise c.error(f"{key}.pixels", f"must hold {PIXELS} grey levels (28 x 28 bytes), not {len(raw)}")
        out.append(OwnImage(name or "image", raw))
    return tuple(out)
