"""Own images from untrusted PNG/JPEG files, converted the way Fashion-MNIST was made: grey, fitted into 28x28."""

from __future__ import annotations

import io
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from latent3d.data.image_bounds import MAX_PNG_PIXELS, WORK_SIDE, StructureError, check_structure
from latent3d.util.fileio import FileKindError, describe_os_error, open_regular

__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "ImageCancelled", "ImageFileError", "convert_array", "default_name",
           "read_image_file"]

SIDE = 28
MAX_IMAGE_BYTES = 64 << 20  # a photo is a few MB; more is not an image to draw on a 28x28 grid
MAX_IMAGE_PIXELS = 40_000_000  # Pillow's decompression-bomb limit for these files (a 40-megapixel photo)
FORMATS = ("PNG", "JPEG")
_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA"}  # 8 bits per channel (or 1); 16-bit and CMYK are refused
_PILLOW = threading.Lock()
OBJECT_LEVEL = 0.1  # a pixel brighter than this fraction of the brightest is part of the object


class ImageFileError(ValueError):
    """An image file that cannot be used; the message is one sentence for the user."""


class ImageCancelled(Exception):
    """The read was cancelled (``cancelled()`` returned True) before it finished."""


def convert_array(grey: np.ndarray, *, invert: bool = False) -> np.ndarray:
    """Fashion-MNIST's conversion of a grey image of any size: crop to the object, fit its longer side to 28.

    Parameters
    ----------
    grey : ndarray, shape (H, W)
        Grey levels 0-255 (an integer dtype such as uint8) or 0-1 (float or bool), white object on
        black. The dtype decides, never the values: a uint8 image whose brightest level is 1 is dim.
    invert : bool
        The image is a dark object on a light background (a photo): negate it first.

    Returns
    -------
    ndarray of uint8, shape (28, 28)
        The object centred, its aspect kept, white on black (all black for an empty image).
    """
    from PIL import Image

    a = np.asarray(grey)
    if a.ndim != 2 or a.size == 0 or a.dtype.kind not in "uifb":
        raise ValueError("convert_array needs a 2-D grey image of numbers")
    g = a.astype(np.float64) / 255.0 if a.dtype.kind in "ui" else a.astype(np.float64)
    g = np.clip(1.0 - g if invert else g, 0.0, 1.0)
    top = g.max(initial=0.0)
    out = np.zeros((SIDE, SIDE), np.uint8)
    if top <= 0.0:
        return out
    rows, cols = np.nonzero(g > OBJECT_LEVEL * top)
    crop = g[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = crop.shape
    scale = SIDE / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = Image.fromarray(np.round(crop * 255).astype(np.uint8), "L").resize((nw, nh), Image.Resampling.LANCZOS)
    y0, x0 = (SIDE - nh) // 2, (SIDE - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = np.asarray(small, np.uint8)
    return out


def read_image_file(path: str | os.PathLike[str], *, invert: bool = False,
                    cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """Read an untrusted PNG or JPEG and convert it with :func:`convert_array`.

    Parameters
    ----------
    path : str or PathLike
    invert : bool
        Negate it first (a dark object on a light background).
    cancelled : callable, optional
        Asked between the steps (read, parse, decode, reduce); when it returns True the read stops
        with :class:`ImageCancelled` (the window's loader thread, when the user quits).

    Returns
    -------
    ndarray of uint8, shape (28, 28)

    Raises
    ------
    ImageFileError
        One sentence: missing, a folder, a FIFO or device, over 64 MB, not a PNG/JPEG, truncated,
        a decompression bomb or a huge declared size, a PNG over 16 million pixels, a JPEG with
        too many segments, metadata or scans (:mod:`latent3d.data.image_bounds`), 16-bit, CMYK or
        another mode, animated.

    Notes
    -----
    The work is bounded before decoding: the file's structure is counted first, a PNG's pixels
    are capped from its header, a large JPEG is decoded at 1/2 to 1/8 scale, and the decoded image
    is reduced to at most 1024 pixels a side before the conversion.
    """
    name = os.fspath(path)
    try:
        with open_regular(name) as f:
            raw = f.read(MAX_IMAGE_BYTES + 1)
    except FileKindError as exc:
        raise ImageFileError(f"{name} is {exc.kind}, not an image file; choose a PNG or JPEG file.") from None
    except FileNotFoundError:
        raise ImageFileError(f"{name} does not exist; check the path.") from None
    except (OSError, ValueError) as exc:
        raise ImageFileError(f"{name} cannot be read ({describe_os_error(exc)}).") from None
    if len(raw) > MAX_IMAGE_BYTES:
        raise ImageFileError(f"{name} is larger than {MAX_IMAGE_BYTES >> 20} MB; choose a smaller PNG or JPEG.")
    try:
        check_structure(raw)  # before Pillow parses it: a walk over a fixed number of headers
    except StructureError as exc:
        raise ImageFileError(f"{name} {exc}.") from None
    if cancelled is not None and cancelled():
        raise ImageCancelled(name)
    with _PILLOW:  # Pillow's limit and the warning filter are process-wide: one read at a time sets them
        grey = _decode(raw, name, invert, cancelled)
    return convert_array(grey, invert=invert)


def _decode(raw: bytes, name: str, invert: bool, cancelled: Callable[[], bool] | None) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    old_limit = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=FORMATS) as im:
                grey = _grey(im, name, invert, cancelled)
    except ImageFileError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageFileError(f"{name} declares more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels "
                             "(a decompression bomb or a huge image); choose a smaller PNG or JPEG.") from None
    except UnidentifiedImageError:
        raise ImageFileError(f"{name} is not a PNG or JPEG image; choose a PNG or JPEG file.") from None
    except (OSError, ValueError, SyntaxError, MemoryError, EOFError) as exc:
        raise ImageFileError(f"{name} is a damaged or truncated image ({_short(exc)}); "
                             "choose a complete PNG or JPEG.") from None
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit
    return grey


def _grey(im: object, name: str, invert: bool, cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    from PIL import Image

    assert isinstance(im, Image.Image)
    frames = int(getattr(im, "n_frames", 1))
    if frames > 1:
        raise ImageFileError(f"{name} is animated ({frames} frames); save one frame as a PNG.")
    if im.mode not in _MODES:
        what = "16-bit" if im.mode.startswith("I") else ("CMYK" if im.mode == "CMYK" else f"'{im.mode}' mode")
        raise ImageFileError(f"{name} is a {what} image; save it as an 8-bit grey or colour PNG or JPEG.")
    w, h = im.size
    if im.format == "PNG" and w * h > MAX_PNG_PIXELS:  # decoded whole: the header's size is the cost
        raise ImageFileError(f"{name} is {w}x{h} pixels; a PNG is decoded whole, so at most "
                             f"{MAX_PNG_PIXELS // 1_000_000} million pixels are read: scale it down or save it as "
                             "a JPEG.")
    if im.format == "JPEG" and max(w, h) > WORK_SIDE:  # decode at 1/2, 1/4 or 1/8 scale, no smaller than needed
        im.draft(im.mode, (max(1, w * WORK_SIDE // max(w, h)), max(1, h * WORK_SIDE // max(w, h))))
    im.load()  # decode everything now: a truncated file fails here
    if cancelled is not None and cancelled():
        raise ImageCancelled(name)
    alpha = im.mode in ("LA", "PA", "RGBA", "P") and ("A" in im.mode or "transparency" in im.info)
    source = im
    if alpha:  # premultiplied: reducing it averages what is seen, not the colour hidden under transparent pixels
        im = (im if im.mode == "RGBA" else im.convert("RGBA")).convert("RGBa")
    elif im.mode != "L":
        im = im.convert("L")
    if im is not source:
        source.close()  # the full-size decode is not needed any more: at most two full-size copies at once
    factor = -(-max(im.size) // WORK_SIDE)
    if factor > 1:
        im = im.reduce(factor)
    if not alpha:
        return np.asarray(im, np.uint8)
    rgba = np.asarray(im, np.float32)
    level = 255.0 if invert else 0.0  # transparent parts are background: black, or white before inverting
    rgb = rgba[..., :3] + (1.0 - rgba[..., 3:] / 255.0) * level
    grey = rgb @ np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R 601 luma, as Pillow's convert("L")
    return np.clip(np.round(grey), 0, 255).astype(np.uint8)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")


def default_name(path: str | os.PathLike[str]) -> str:
    """The name an own image read from ``path`` is listed under: its file name without the suffix."""
    return Path(path).stem[:80] or "image"
