"""The decoder map and the own images in a view file: written as plain JSON, read back as untrusted input."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from latent3d.analysis.decoder_map import PLANES
from latent3d.state.own_values import (
    GRID_RANGE,
    MAX_NAME_CHARS,
    MAX_OWN_IMAGES,
    OPACITY_RANGE,
    PIXELS,
    DecoderMapState,
    OwnImage,
)
from latent3d.state.view.checker import Checker

__all__ = ["decoder_map_from_dict", "decoder_map_to_dict", "own_images_from_list", "own_images_to_list"]


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


def own_images_to_list(images: tuple[OwnImage, ...]) -> list[dict[str, object]]:
    """The view file's ``own_images`` value: names and base64 pixels, and ``"trail": false`` for a hidden trail."""
    out: list[dict[str, object]] = []
    for im in images:
        d: dict[str, object] = {"name": im.name, "pixels": base64.b64encode(im.pixels).decode("ascii")}
        if not im.trail:  # the optional key (issue 32): files without it open with every trail drawn
            d["trail"] = False
        out.append(d)
    return out


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
        c.keys(obj, key, ("name", "pixels"), ("trail",))
        name = c.text(f"{key}.name", obj["name"], MAX_NAME_CHARS)
        text = c.text(f"{key}.pixels", obj["pixels"], 2 * PIXELS)
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise c.error(f"{key}.pixels", "is not base64 text") from None
        if len(raw) != PIXELS:
            raise c.error(f"{key}.pixels", f"must hold {PIXELS} grey levels (28 x 28 bytes), not {len(raw)}")
        trail = c.boolean(f"{key}.trail", obj.get("trail", True))
        out.append(OwnImage(name or "image", raw, trail))
    return tuple(out)
