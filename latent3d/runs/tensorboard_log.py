"""Reading what TensorBoard's ``add_embedding`` wrote, every file as untrusted input: config, tensors, labels, sprite.

``SummaryWriter.add_embedding(mat, metadata, label_img, global_step, tag)`` writes
``<logdir>/<step:05d>/<tag>/tensors.tsv`` (one row per point), ``metadata.tsv`` (one label a line,
or a header and columns), ``sprite.png`` (the label images in a square grid, ``ceil(sqrt(N))`` a
row) and one ``embeddings { tensor_name: "<tag>:<step:05d>" ... }`` entry per call in
``<logdir>/projector_config.pbtxt``. Each problem is one sentence (:class:`LogError`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.runs.pbtxt import PbtxtError, parse_pbtxt
from latent3d.runs.recording_meta import MAX_IMAGE_SIDE
from latent3d.runs.tsv import TsvError, parse_rows
from latent3d.runs.validation import RunError
from latent3d.util.fileio import describe_os_error, open_regular

__all__ = ["CONFIG_FILE", "LogEntry", "LogError", "check_sprite_size", "is_tensorboard_log", "log_entries",
           "read_metadata", "read_sprite", "read_tensor"]

CONFIG_FILE = "projector_config.pbtxt"
MAX_CONFIG_BYTES = 4 << 20
MAX_TSV_BYTES = 1 << 30
MAX_METADATA_BYTES = 256 << 20
MAX_SPRITE_BYTES = 256 << 20
MAX_SPRITE_PIXELS = 200_000_000  # 600 MB as RGB: a sprite of 10,000 images of 140 x 140


class LogError(RunError):
    """A TensorBoard log cannot be imported; the message is one sentence for the user."""


@dataclass(frozen=True)
class LogEntry:
    """One ``add_embedding`` call of the chosen tag: its step and files (relative to the log folder)."""

    step: int
    tensor: str
    metadata: str | None
    sprite: str | None
    image_wh: tuple[int, int] | None


def is_tensorboard_log(path: Path) -> bool:
    """Whether ``path`` is a folder holding a ``projector_config.pbtxt`` (and is no run folder)."""
    try:
        return (path / CONFIG_FILE).is_file() and not (path / "run.json").exists()
    except OSError:
        return False


def _read(logdir: Path, rel: str, limit: int, what: str, head: int | None = None) -> bytes:
    """A regular file inside ``logdir``: no absolute path, no way out, no link, at most ``limit`` bytes."""
    if not isinstance(rel, str) or not rel or os.path.isabs(rel) or "\x00" in rel:
        raise LogError(f"{logdir / CONFIG_FILE} names the {what} {rel!r:.60}, which is not a path inside the log.")
    p = logdir / rel
    try:
        if p.is_symlink() or not p.resolve().is_relative_to(logdir.resolve()):
            raise LogError(f"{logdir} is refused: {rel} is a link or points outside the log folder.")
        with open_regular(p) as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise LogError(f"{p} is {size:,} bytes, more than the {limit >> 20} MB latent3d reads as a {what}.")
            return f.read(limit + 1 if head is None else head)
    except OSError as exc:
        raise LogError(f"{p} cannot be read ({describe_os_error(exc)}).") from None


def log_entries(logdir: Path, tag: str | None) -> tuple[str, list[LogEntry]]:
    """The chosen tag and its entries in step order, from ``projector_config.pbtxt``.

    Raises
    ------
    LogError
        No config, a config that is not the text format, no embeddings, several tags and no ``tag``,
        an unknown tag, a step named twice or not a whole number, a sprite without its image size.
    """
    if not logdir.is_dir():
        raise LogError(f"{logdir} is not a folder; give the folder TensorBoard wrote (its logdir).")
    if not (logdir / CONFIG_FILE).exists():
        raise LogError(f"{logdir} holds no {CONFIG_FILE}: no embeddings were written there (add_embedding).")
    raw = _read(logdir, CONFIG_FILE, MAX_CONFIG_BYTES, "config")
    try:
        config = parse_pbtxt(raw.decode("utf-8"))
    except (UnicodeDecodeError, PbtxtError) as exc:
        raise LogError(f"{logdir / CONFIG_FILE} is not a projector config ({exc}).") from None
    by_tag: dict[str, list[LogEntry]] = {}
    for i, e in enumerate(config.get("embeddings", [])):
        if not isinstance(e, dict):
            raise LogError(f"{logdir / CONFIG_FILE}: embedding {i + 1} is not a message.")
        name, path = _one(e, "tensor_name"), _one(e, "tensor_path")
        if not isinstance(name, str) or not isinstance(path, str):
            raise LogError(f"{logdir / CONFIG_FILE}: embedding {i + 1} lacks a tensor_name or a tensor_path.")
        t, _, step_text = name.rpartition(":")
        if not t or not step_text.isdigit() or len(step_text) > 12:
            raise LogError(f"{logdir / CONFIG_FILE}: embedding {i + 1} is named {name[:60]!r}, not TAG:STEP as "
                           "add_embedding names them.")
        sprite = _one(e, "sprite")
        image_path, wh = None, None
        if isinstance(sprite, dict):
            image_path, dims = _one(sprite, "image_path"), sprite.get("single_image_dim", [])
            if (not isinstance(image_path, str) or len(dims) != 2
                    or not all(isinstance(v, int) and 1 <= v <= MAX_IMAGE_SIDE for v in dims)):
                raise LogError(f"{logdir / CONFIG_FILE}: the sprite of {name[:60]} needs an image_path and two "
                               f"single_image_dim values from 1 to {MAX_IMAGE_SIDE}.")
            wh = (int(dims[0]), int(dims[1]))
        metadata = _one(e, "metadata_path")
        by_tag.setdefault(t, []).append(LogEntry(int(step_text), path, metadata if isinstance(metadata, str) else None,
                                                 image_path, wh))
    if not by_tag:
        raise LogError(f"{logdir / CONFIG_FILE} lists no embeddings.")
    if tag is None and len(by_tag) > 1:
        raise LogError(f"{logdir} holds embeddings of {len(by_tag)} tags ({', '.join(sorted(by_tag))[:200]}); "
                       "choose one with --tag (tag= in Python).")
    chosen = tag if tag is not None else next(iter(by_tag))
    if chosen not in by_tag:
        raise LogError(f"{logdir} holds no embeddings of tag {chosen[:60]!r}; its tags are "
                       f"{', '.join(sorted(by_tag))[:200]}.")
    entries = sorted(by_tag[chosen], key=lambda x: x.step)
    steps = [x.step for x in entries]
    if len(set(steps)) != len(steps):
        twice = next(s for s in steps if steps.count(s) > 1)
        raise LogError(f"{logdir / CONFIG_FILE} lists step {twice} of tag {chosen[:60]} twice (add_embedding was "
                       "called twice with one global_step); keep one.")
    return chosen, entries


def _one(msg: dict[str, list[Any]], key: str) -> Any:
    values = msg.get(key) or [None]
    return values[-1]


def read_tensor(logdir: Path, entry: LogEntry) -> np.ndarray:
    """One step's ``tensors.tsv`` as float64 ``[N, D]`` (finite; rows of one length)."""
    data = _read(logdir, entry.tensor, MAX_TSV_BYTES, "tensor")
    try:
        values, _ = parse_rows(data)
    except TsvError as exc:
        raise LogError(f"{logdir / entry.tensor} is not a table of numbers: {exc}.") from None
    return values


def read_metadata(logdir: Path, rel: str, n: int) -> list[str]:
    """The label column of ``metadata.tsv`` (one label a line, or a header line and columns), ``n`` labels."""
    data = _read(logdir, rel, MAX_METADATA_BYTES, "metadata file")
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise LogError(f"{logdir / rel} is not UTF-8 text.") from None
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip("\r") for line in lines]
    if len(lines) == n:
        return lines
    if len(lines) == n + 1 and "\t" in lines[0]:  # a header: pick the column that names the class
        header = lines[0].split("\t")
        names = [h.strip().lower() for h in header]
        col = next((names.index(k) for k in ("label", "labels", "class", "target", "y") if k in names), 0)
        rows = [line.split("\t") for line in lines[1:]]
        if any(len(r) != len(header) for r in rows):
            bad = next(i for i, r in enumerate(rows) if len(r) != len(header))
            raise LogError(f"{logdir / rel}: row {bad + 1} has {len(rows[bad])} columns, the header {len(header)}.")
        return [r[col] for r in rows]
    raise LogError(f"{logdir / rel} holds {len(lines):,} lines for {n:,} points; each point needs one label "
                   "(and a header line when there are several columns).")


def _sprite_side(logdir: Path, entry: LogEntry, n: int) -> tuple[int, int, int]:
    """``(side, columns, rows)`` of the sprite of ``n`` images of ``entry.image_wh``, refused when too large."""
    assert entry.image_wh is not None
    w, h = entry.image_wh
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    side = w * cols
    if side * side > MAX_SPRITE_PIXELS or rows * h > side:
        raise LogError(f"{logdir / (entry.sprite or '')}: {n:,} images of {w}x{h} make a sprite of {side:,}x{side:,} "
                       f"pixels, more than latent3d reads ({MAX_SPRITE_PIXELS:,}).")
    return side, cols, rows


def check_sprite_size(logdir: Path, entry: LogEntry, n: int) -> None:
    """Refuse a sprite whose PNG header is not the size ``n`` images of ``entry.image_wh`` make (read: 24 bytes)."""
    side = _sprite_side(logdir, entry, n)[0]
    head = _read(logdir, entry.sprite or "", MAX_SPRITE_BYTES, "sprite", head=24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise LogError(f"{logdir / (entry.sprite or '')} is not a readable PNG (its header is not a PNG's).")
    size = (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))
    if size != (side, side):
        w, h = entry.image_wh or (0, 0)
        raise LogError(f"{logdir / (entry.sprite or '')} is a PNG of {size[0]}x{size[1]} pixels; the sprite of {n:,} "
                       f"images of {w}x{h} is a PNG of {side}x{side}.")


def read_sprite(logdir: Path, entry: LogEntry, n: int) -> np.ndarray:
    """The ``n`` thumbnails of one step's ``sprite.png``: uint8 ``[N, H, W]`` (grey) or ``[N, H, W, 3]``."""
    from PIL import Image, UnidentifiedImageError

    assert entry.sprite is not None and entry.image_wh is not None
    w, h = entry.image_wh
    side, cols, rows = _sprite_side(logdir, entry, n)
    p = logdir / entry.sprite
    data = _read(logdir, entry.sprite, MAX_SPRITE_BYTES, "sprite")
    import io

    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format != "PNG" or im.size != (side, side):
                raise LogError(f"{p} is a {im.format} of {im.size[0]}x{im.size[1]} pixels; the sprite of {n:,} images "
                               f"of {w}x{h} is a PNG of {side}x{side}.")
            pixels = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise LogError(f"{p} is not a readable PNG ({str(exc)[:120]}).") from None
    grid = pixels[:rows * h, :cols * w].reshape(rows, h, cols, w, 3).transpose(0, 2, 1, 3, 4).reshape(-1, h, w, 3)[:n]
    grey = (grid[..., 0] == grid[..., 1]).all() and (grid[..., 1] == grid[..., 2]).all()
    return np.ascontiguousarray(grid[..., 0] if grey else grid)
