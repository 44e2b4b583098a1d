"""How much memory opening a run takes, estimated from run.json and file sizes before any array is read.

A run near the caps (10,000 snapshots, or 8,947 snapshots of 10,000 codes) used to grow until
the kernel killed the process with no message; it is now refused in one sentence that states
the figure and the memory available, as the render caps are.
"""

from __future__ import annotations

import os
from pathlib import Path

from latent3d.runs.lazy_weights import CACHE_BYTES, CACHED_SNAPSHOTS
from latent3d.runs.validation import RunError
from latent3d.util.limits import available_memory, human_bytes

__all__ = ["WORKING_COPIES", "check_open_memory", "open_memory_bytes"]

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
    need = open_memory_bytes(run_dir, weights_bytes)
    memory = available_memory() if memory is None else memory
    if need > memory:
        raise RunError(f"{run_dir} needs about {human_bytes(need)} of memory to open ({snapshots:,} snapshots), "
                       f"more than the {human_bytes(memory)} available; open it on a larger machine or free memory.")
