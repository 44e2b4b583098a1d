"""Keep freed batch-sized buffers in the process heap while training (glibc only).

Each training step allocates a few tensors of 0.2-0.8 MB (oneDNN's outputs cannot be
written into preallocated buffers) and frees them again. With glibc's default, dynamic
thresholds such blocks are served from fresh ``mmap`` pages or the freed heap top is
handed back to the OS, so the next step page-faults the same memory in again: 52 to 155
minor page faults per step were measured, and fixing the thresholds made a step about a
fifth faster (1.25 -> 1.01 ms on the 2-core test VM, zero faults per step). The cost is
that up to ``TRIM_THRESHOLD`` of freed memory stays with the process.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["keep_freed_memory"]

M_TRIM_THRESHOLD = -1  # mallopt parameters from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # blocks below this come from the heap (the 6 MB evaluation chunks too)
TRIM_THRESHOLD = 128 << 20  # free heap top kept before memory goes back to the OS

_applied = False


def keep_freed_memory() -> bool:
    """Fix glibc's mmap and trim thresholds for this process; True when they are set.

    A no-op returning False outside Linux or where the C library has no ``mallopt``
    (or refuses the values, as musl's stub does). Safe to call more than once.
    """
    global _applied
    if _applied:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the process already runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _applied = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _applied
