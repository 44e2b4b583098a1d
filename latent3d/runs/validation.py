"""Reading the files of an untrusted run folder: each check ends in one RunError sentence, never a raw exception."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["RunError", "check_array_header", "check_meta", "load_array", "load_weights", "member", "read_json_object"]

MAX_META_BYTES = 4 << 20
MAX_ARRAY_BYTES = 1 << 30
MAX_WEIGHTS_BYTES = 64 << 20
MAX_NPY_HEADER = 10_000  # numpy's own limit on a header it will parse

Shape = tuple[int | None, ...]


class RunError(Exception):
    """A run folder is missing, incomplete or malformed; the message is one sentence for the user."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, at most 200 characters (for the end of a sentence)."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def short_repr(value: object) -> str:
    """``repr(value)`` cut to 40 characters, so a hostile value cannot flood an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def member(run_dir: Path, rel: str, *, required: bool = True) -> Path | None:
    """A regular file inside the run folder, refusing links, devices, FIFOs and anything resolving outside it."""
    p = run_dir / rel
    if not p.exists() and not p.is_symlink():
        if required:
            raise RunError(f"{run_dir} is not a complete run: {rel} is missing.")
        return None
    if p.is_symlink() or not p.resolve().is_relative_to(run_dir.resolve()):
        raise RunError(f"{run_dir} is refused: {rel} is a link or points outside the run folder.")
    if not p.is_file():
        raise RunError(f"{run_dir} is refused: {rel} is not a regular file.")
    return p


def _check_size(p: Path, limit: int) -> int:
    size = p.stat().st_size
    if size > limit:
        raise RunError(f"{p} is refused: it is larger than {limit >> 20} MB.")
    return size


def _npy_header(f: Any, p: Path, size: int) -> tuple[tuple[Any, ...], bool, np.dtype[Any]]:
    """Parse an .npy header without reading data, refusing a declared header length the file cannot hold."""
    from numpy.lib import format as npy_format

    try:
        version = npy_format.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"format version {version[0]}.{version[1]}")
        length_size = 2 if version == (1, 0) else 4
        (hlen,) = struct.unpack("<H" if length_size == 2 else "<I", f.read(length_size))
        if hlen > min(MAX_NPY_HEADER, size - f.tell()):
            raise ValueError(f"it declares a {hlen}-byte header")
        f.seek(-length_size, 1)
        read = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
        shape, fortran, dtype = read(f)
    except Exception as exc:  # noqa: BLE001 - numpy's header parser raises ValueError, SyntaxError, TokenError...
        raise RunError(f"{p} is not a plain numpy array file ({first_line(exc)}).") from None
    return shape, bool(fortran), dtype


def check_array_header(run_dir: Path, rel: str, dtype: str, shape: Shape, *,
                       required: bool = True) -> tuple[Path, tuple[int, ...], bool, int] | None:
    """Check one ``.npy`` member's header against the expected dtype and shape, reading no data.

    Returns ``(path, shape, fortran order, data offset)``, or None for a missing optional member.
    Object dtypes, a wrong dtype or shape, and a declared size that differs from the file's are
    refused (:class:`RunError`, one sentence).
    """
    p = member(run_dir, rel, required=required)
    if p is None:
        return None
    size = _check_size(p, MAX_ARRAY_BYTES)
    with open(p, "rb") as f:
        got_shape, fortran, got_dtype = _npy_header(f, p, size)
        offset = f.tell()
    if got_dtype.hasobject:
        raise RunError(f"{p} holds Python objects, which latent3d never loads (unpickling them could run code).")
    if got_dtype != np.dtype(dtype):
        raise RunError(f"{p} has dtype {got_dtype}, expected {dtype}.")
    if (len(got_shape) != len(shape) or any(not isinstance(s, int) or s < 0 for s in got_shape)
            or any(e is not None and e != s for e, s in zip(shape, got_shape))):
        want = "x".join("N" if e is None else str(e) for e in shape)
        raise RunError(f"{p} has shape {'x'.join(map(str, got_shape)) or 'scalar'}, expected {want}.")
    declared, held = math.prod(got_shape) * got_dtype.itemsize, size - offset
    if declared != held:
        raise RunError(f"{p} declares {declared:,} bytes of data but holds {held:,}; it is truncated or corrupt.")
    return p, tuple(got_shape), fortran, offset


def load_array(run_dir: Path, rel: str, dtype: str, shape: Shape, *,
               required: bool = True, finite: bool = False) -> np.ndarray | None:
    """Read one ``.npy`` member of the expected dtype and shape, never unpickling and never over-allocating.

    The header is checked first (:func:`check_array_header`): nothing is read unless it describes
    exactly the array expected and the bytes the file holds.
    """
    checked = check_array_header(run_dir, rel, dtype, shape, required=required)
    if checked is None:
        return None
    p, got_shape, fortran, offset = checked
    with open(p, "rb") as f:
        f.seek(offset)
        arr = np.fromfile(f, dtype=np.dtype(dtype), count=math.prod(got_shape))
    arr = arr.reshape(got_shape, order="F" if fortran else "C")
    if finite and not np.isfinite(arr).all():
        raise RunError(f"{p} contains NaN or infinite values.")
    return arr


def load_weights(run_dir: Path, rel: str, expected: dict[str, tuple[int, ...]],
                 optional: dict[str, tuple[int, ...]], dtype: str | None = None) -> dict[str, np.ndarray]:
    """Read one safetensors member holding ``expected`` tensors (and all or none of ``optional``) as float32.

    With ``dtype`` (``run.json``'s ``weights.dtype``) every tensor must be stored in that precision.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load

    p = member(run_dir, rel)
    assert p is not None
    _check_size(p, MAX_WEIGHTS_BYTES)
    blob = p.read_bytes()  # read here, not by safetensors: its errors call an unreadable file "No such file"
    try:
        raw = load(blob)
    except (SafetensorError, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise RunError(f"{p} is not a valid safetensors file ({first_line(exc)}).") from None
    if any(k in raw for k in optional):
        expected = expected | optional
    if set(raw) != set(expected):
        extra, missing = sorted(set(raw) - set(expected)), sorted(set(expected) - set(raw))
        raise RunError(f"{p} holds the wrong tensors (missing: {missing or 'none'}; "
                       f"unexpected: {short_repr(extra) if extra else 'none'}).")
    out: dict[str, np.ndarray] = {}
    for key, arr in sorted(raw.items()):  # safetensors' order changes between loads: name the same tensor each time
        if arr.dtype not in (np.float16, np.float32) or arr.shape != expected[key]:
            raise RunError(f"{p}: tensor {key} is {arr.dtype} {arr.shape}, expected float32 {expected[key]}.")
        if dtype is not None and arr.dtype != np.dtype(dtype):
            raise RunError(f"{p}: tensor {key} is {arr.dtype}, but run.json says the weights are {dtype}.")
        arr = arr.astype(np.float32)
        if not np.isfinite(arr).all():
            raise RunError(f"{p}: tensor {key} contains NaN or infinite values.")
        out[key] = arr
    return out


def read_json_object(run_dir: Path, rel: str) -> tuple[Path, dict[str, Any]]:
    """Read a JSON member that must hold one object: size-capped, UTF-8, and parsed into plain values only."""
    p = member(run_dir, rel)
    assert p is not None
    _check_size(p, MAX_META_BYTES)
    try:
        meta = json.loads(p.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, int digit limit, nesting
        raise RunError(f"{p} is not valid JSON ({first_line(exc)}).") from None
    if not isinstance(meta, dict):
        raise RunError(f"{p} must hold a JSON object, not a JSON {type(meta).__name__}.")
    return p, meta


def _is_number(v: object) -> bool:
    try:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    except OverflowError:  # json.loads gives an integer >= 10^309 as an int, which no float can hold
        return False


def check_meta(p: Path, run_dir: Path, meta: dict[str, Any], format_versions: tuple[int, ...]) -> None:
    """Check the keys of ``run.json`` that loading and display rely on; raise RunError otherwise."""
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in format_versions:
        known = ", ".join(map(str, format_versions[:-1])) + " or " + str(format_versions[-1])
        raise RunError(f"{p} has format_version {short_repr(meta.get('format_version'))}; this latent3d reads "
                       f"{known if len(format_versions) > 1 else format_versions[0]}.")
    if meta.get("status") != "complete":
        raise RunError(f"{run_dir} is not a complete run (status {short_repr(meta.get('status'))}).")
    epochs = meta.get("epochs")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or not 0 <= epochs <= 100000:
        raise RunError(f"{p}: 'epochs' must be a non-negative integer, not {short_repr(epochs)}.")
    for key in ("train_loss", "test_loss"):
        vals = meta.get(key)
        if not isinstance(vals, list) or len(vals) != epochs or not all(_is_number(v) for v in vals):
            raise RunError(f"{p}: '{key}' must be a list of {epochs} finite numbers.")
    if meta.get("initial_test_loss") is not None and not _is_number(meta["initial_test_loss"]):
        raise RunError(f"{p}: 'initial_test_loss' must be a finite number or null.")
    for key in ("created", "note", "device", "command"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise RunError(f"{p}: '{key}' must be a string.")
