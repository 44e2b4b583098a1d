"""A run in bounded memory: the estimate made before opening it, and weights read on first use into a bounded cache.

A run near the caps (10,000 snapshots, or 8,947 snapshots of 10,000 codes) used to grow until
the kernel killed the process with no message. Now its memory is estimated from run.json and
the arrays' sizes before any array is read, and a run that does not fit is refused in one
sentence that states the figure and the memory available, as the render caps are. ``load_run``
still checks every weights file (tensor names, shapes, dtype, finiteness), but one at a time and
keeping none of them (hard links of one file are checked once); they are read again on first use.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from latent3d.runs.validation import RunError, load_weights
from latent3d.util.limits import available_memory, human_bytes

__all__ = ["CACHED_SNAPSHOTS", "CACHE_BYTES", "WORKING_COPIES", "LazyWeights", "check_open_memory",
           "open_memory_bytes", "recording_memory_bytes", "refuse_if_too_large"]

#: Snapshots whose weights stay in memory at once (a run of 40 at the default widths fits whole: a timeline
#: scrubbed back and forth must not read weights from disk on every move) ...
CACHED_SNAPSHOTS = 256
#: ... and fewer for wide models, so the cache holds at most this many bytes (at least one snapshot).
CACHE_BYTES = 256 << 20

Shapes = dict[str, tuple[int, ...]]


class LazyWeights(Mapping[int, dict[str, np.ndarray]]):
    """Snapshot index -> that snapshot's tensors (float32), read from the run folder when first asked for.

    Parameters
    ----------
    run_dir : Path
        The run folder.
    files : list of str
        Each snapshot's weights file, relative to ``run_dir``.
    decoder, encoder : dict of str to shape
        The tensors every snapshot holds (the decoder), and those it may hold (the encoder; the last one must).
    dtype : str or None
        The precision ``run.json`` declares.
    cache : int
        How many snapshots stay in memory at most (least recently used ones are dropped); fewer when
        ``cache`` snapshots would take more than ``CACHE_BYTES``.
    """

    def __init__(self, run_dir: Path, files: list[str], decoder: Shapes, encoder: Shapes, dtype: str | None,
                 cache: int = CACHED_SNAPSHOTS) -> None:
        self.run_dir, self.files, self.dtype = run_dir, files, dtype
        self.decoder, self.encoder = decoder, encoder
        snapshot_bytes = 4 * sum(math.prod(shape) for shape in (decoder | encoder).values())
        self.cache_size = max(1, min(cache, CACHE_BYTES // max(1, snapshot_bytes)))
        self._cache: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()

    def _read(self, i: int) -> dict[str, np.ndarray]:
        last = i == len(self.files) - 1
        expected, optional = (self.decoder | self.encoder, {}) if last else (self.decoder, self.encoder)
        return load_weights(self.run_dir, self.files[i], expected, optional, self.dtype)

    def check_all(self) -> None:
        """Read and check every file once, keeping none (raises RunError on the first bad one)."""
        seen: set[tuple[int, int, int, int]] = set()
        for i, rel in enumerate(self.files):
            try:
                st = os.stat(self.run_dir / rel, follow_symlinks=False)
                key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                key = None
            last = i == len(self.files) - 1
            if key is not None and key in seen and not last:  # the same bytes, already checked
                continue
            self._read(i)
            if key is not None:
                seen.add(key)

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        if not isinstance(i, (int, np.integer)) or not 0 <= i < len(self.files):
            raise KeyError(i)
        i = int(i)
        if i in self._cache:
            self._cache.move_to_end(i)
            return self._cache[i]
        tensors = self._read(i)
        self._cache[i] = tensors
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return tensors

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.files)))

    def __len__(self) -> int:
        return len(self.files)

    @property
    def cached(self) -> int:
        """How many snapshots' weights are in memory now."""
        return len(self._cache)

#: Per-snapshot arrays are held once by the run and about once more by those who show them
#: (the scene's colours and framing, the timeline's movement values).
WORKING_COPIES = 2
_PER_SNAPSHOT = ("codes.npy", "test_bce.npy")
_ONCE = ("step_loss.npy", "train_codes.npy", "train_labels.npy", "labels.npy", "steps.npy")


def _size(p: Path) -> int:
    try:
        return os.stat(p, follow_symlinks=False).st_size
    except OSError:
        return 0  # missing or unreadable: the reader names it


def open_memory_bytes(run_dir: Path, weights_bytes: int) -> int:
    """Bytes the arrays of ``run_dir`` take once opened and shown, plus the weights cache.

    Parameters
    ----------
    run_dir : Path
        The run folder (its arrays are sized by ``stat``, nothing is read).
    weights_bytes : int
        One snapshot's weights at float32.
    """
    per_snapshot = sum(_size(run_dir / name) for name in _PER_SNAPSHOT)
    once = sum(_size(run_dir / name) for name in _ONCE)
    cache = max(weights_bytes, min(CACHED_SNAPSHOTS * weights_bytes, CACHE_BYTES))  # as LazyWeights bounds it
    return WORKING_COPIES * per_snapshot + once + 2 * cache  # the weights and the decoders built from them


def check_open_memory(run_dir: Path, snapshots: int, weights_bytes: int, *, memory: int | None = None) -> None:
    """Refuse, in one sentence, a run whose arrays would not fit in the memory available.

    Raises
    ------
    RunError
        With the estimate, the snapshot count and the available memory.
    """
    refuse_if_too_large(run_dir, open_memory_bytes(run_dir, weights_bytes), snapshots, memory=memory)


def recording_memory_bytes(snapshots: int, points: int, dim: int, itemsize: int, *, image_bytes: int = 0,
                           decoder_bytes: int = 0) -> int:
    """Bytes a recording takes once opened and shown (computed from its ``run.json`` alone).

    Parameters
    ----------
    snapshots, points, dim : int
        ``S``, ``N`` and ``D`` of the embedding.
    itemsize : int
        Bytes per stored number (4 for float32, 2 for float16).
    image_bytes : int
        The stored thumbnails.
    decoder_bytes : int
        One snapshot's decoder at float32 (0 without one).

    Notes
    -----
    The raw embedding is held once as stored; the 3-D codes and the losses as the viewer holds them
    (``WORKING_COPIES``; a run without losses holds zeros in their place), plus the float64 chunks
    that fitting and applying the projection work in.
    """
    cells = snapshots * points
    raw = cells * dim * itemsize
    shown = WORKING_COPIES * cells * (3 * 4 + 4)  # codes [S, N, 3] and losses [S, N], float32
    fit = 2 * min(points, 65_536) * dim * 8 if dim != 3 else 0
    cache = 0 if not decoder_bytes else 2 * max(decoder_bytes, min(CACHED_SNAPSHOTS * decoder_bytes, CACHE_BYTES))
    return raw + shown + fit + image_bytes + points + cache


def refuse_if_too_large(run_dir: Path, need: int, snapshots: int, *, memory: int | None = None) -> None:
    """Raise RunError (one sentence, with the figures) when ``need`` bytes exceed the memory available."""
    memory = available_memory() if memory is None else memory
    if need > memory:
        raise RunError(f"{run_dir} needs about {human_bytes(need)} of memory to open ({snapshots:,} snapshots), "
                       f"more than the {human_bytes(memory)} available; open it on a larger machine or free memory.")
