"""A recording's embedding as stored, read one snapshot at a time when asked (``Run.raw_codes``).

A recording of a wide embedding is drawn through its stored 3-D projection, so opening it needs
only that projection and the last snapshot (to check it); the ``(S, N, D)`` embedding itself, 21
times the bytes for 64-D, is read when something asks for it (``export --raw``, the table, the API).
Every file's header is checked when the run is opened; the data is checked (finite) when read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from latent3d.runs.validation import check_array_header, load_array

__all__ = ["RawCodes"]


class RawCodes:
    """``S`` snapshots of ``(N, D)`` embeddings in files, indexed and converted like an ``(S, N, D)`` array.

    Parameters
    ----------
    run_dir : Path
    files : list of str
        Each snapshot's ``.npy`` member, relative to ``run_dir``, in snapshot order.
    points, dim : int
    dtype : str
        ``"float32"`` or ``"float16"``.

    Raises
    ------
    RunError
        A file missing, a link, or a header of another dtype or shape (one sentence), at once.
    """

    def __init__(self, run_dir: Path, files: list[str], points: int, dim: int, dtype: str) -> None:
        self._dir, self._files, self._dtype = run_dir, list(files), dtype
        for rel in self._files:
            check_array_header(run_dir, rel, dtype, (points, dim))
        self.shape = (len(self._files), int(points), int(dim))

    @property
    def dtype(self) -> np.dtype[Any]:
        """The stored dtype."""
        return np.dtype(self._dtype)

    @property
    def ndim(self) -> int:
        """Always 3."""
        return 3

    def __len__(self) -> int:
        return self.shape[0]

    def snapshot(self, i: int) -> np.ndarray:
        """Snapshot ``i``'s ``(N, D)`` embedding, read and checked now."""
        i = range(len(self))[i]  # negative indices as numpy's; IndexError beyond
        arr = load_array(self._dir, self._files[i], self._dtype, self.shape[1:], finite=True)
        assert arr is not None
        return arr

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self.snapshot(int(key))
        if isinstance(key, tuple) and key and isinstance(key[0], (int, np.integer)):
            return self.snapshot(int(key[0]))[key[1:]]
        return np.asarray(self)[key]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        out = np.empty(self.shape, dtype=self.dtype if dtype is None else dtype)
        for i in range(len(self)):
            out[i] = self.snapshot(i)
        return out

    def astype(self, dtype: Any) -> np.ndarray:
        """All snapshots as one array of ``dtype``."""
        return self.__array__(dtype)
