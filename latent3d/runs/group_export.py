"""A group of test images written out: a CSV of its rows at one snapshot, or a ``.npy`` of its int64 indices.

Both go through :func:`latent3d.util.fileio.atomic_path` (a temporary sibling, fsynced, renamed), and
the ``.npy`` is written with ``allow_pickle=False``: it holds plain integers only.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from latent3d.data.datasets import CLASS_NAMES
from latent3d.util.fileio import atomic_path

if TYPE_CHECKING:
    from latent3d.runs.run import Run

__all__ = ["GROUP_COLUMNS", "group_rows", "write_group_csv", "write_group_npy"]

GROUP_COLUMNS = ("index", "label", "class", "x", "y", "z", "bce")


def group_rows(run: Run, indices: np.ndarray, snapshot: int) -> list[tuple[int, int, str, float, float, float, float]]:
    """One row per member of ``indices``: test index, label, class name, code x, y, z and BCE at ``snapshot``."""
    idx = np.asarray(indices, np.int64)
    codes, bce, labels = run.codes[snapshot, idx], run.test_bce[snapshot, idx], run.labels[idx]
    return [(int(i), int(c), CLASS_NAMES[int(c)], float(x), float(y), float(z), float(b))
            for i, c, (x, y, z), b in zip(idx, labels, codes, bce)]


def write_group_csv(path: Path, run: Run, indices: np.ndarray, snapshot: int) -> int:
    """Write the group's rows at ``snapshot`` (see :data:`GROUP_COLUMNS`) to CSV ``path`` atomically.

    Parameters
    ----------
    path : Path
        The ``.csv`` file; replaced only once the new one is complete.
    run : Run
    indices : ndarray of int
        The group's test indices.
    snapshot : int
        The snapshot whose codes and BCE are written.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    latent3d.util.fileio.OutputError
        One sentence when the file cannot be written there.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(GROUP_COLUMNS)
    rows = group_rows(run, indices, snapshot)
    writer.writerows((i, c, name, repr(x), repr(y), repr(z), repr(b)) for i, c, name, x, y, z, b in rows)
    with atomic_path(Path(path), what="Group file") as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def write_group_npy(path: Path, indices: np.ndarray) -> int:
    """Write the group's test indices as a ``.npy`` of int64 (no pickle) atomically; returns their count."""
    a = np.ascontiguousarray(indices, np.int64)
    with atomic_path(Path(path), what="Group file") as tmp, open(tmp, "wb") as f:
        np.save(f, a, allow_pickle=False)
    return int(a.size)
