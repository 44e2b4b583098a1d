"""What this machine can hold (available memory, free disk) and the caps on render work derived from them.

A request that cannot fit is refused before any work starts, in one sentence that states the
limit and the figure it was derived from, rather than growing until the kernel kills the
process or the disk is full.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["MAX_FPS", "MAX_FRAMES", "LimitError", "available_memory", "check_image", "check_movie", "free_disk",
           "human_bytes"]

MAX_FPS = 100  # GIF frame delays are whole hundredths of a second: faster frames cannot be shown as such
MAX_FRAMES = 100_000  # 83 minutes at 20 fps: far past any useful animation of one training
MEMORY_SHARE = 0.5  # plan to use at most half of the memory available when the command starts
RENDER_BYTES_PER_PIXEL = 32  # RGBA colour and depth buffers, the grabbed RGB copy, the encoder's copy
GIF_BYTES_PER_PIXEL = 5  # imageio keeps every GIF frame as a 4-byte-per-pixel image until the file is written


class LimitError(ValueError):
    """A request is larger than this machine or this tool can handle; the message is one sentence."""


def human_bytes(n: float) -> str:
    """``n`` bytes as ``"1.5 GB"`` or ``"350 MB"`` (decimal units, as disk tools print them)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 1e3:,.0f} kB"


def _count(n: int) -> str:
    """A whole number with thousands separators; a hostile one is not spelled out (huge ints have 4,300+ digits)."""
    return f"{n:,}" if abs(n) < 10**15 else "more than 10^15"


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    """Room left under a cgroup v2 memory limit (containers), or None when there is none."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int(Path("/sys/fs/cgroup/memory.current").read_text()))
    except (OSError, ValueError):
        return None


def _address_space_room() -> int | None:
    """Room left under this process's ``RLIMIT_AS`` (``ulimit -v``), or None when it has none."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return None
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return max(0, soft - int(line.split()[1]) * 1024)
    except (ImportError, OSError, ValueError, IndexError):
        pass
    return None


def available_memory() -> int:
    """Bytes of memory this process could still use without swapping (the smallest figure the system gives).

    The figures are ``MemAvailable``, the room under a cgroup v2 limit, and the room under the
    process's address-space limit (``ulimit -v``), where each is set.
    """
    figures = [f for f in (_meminfo_available(), _cgroup_room(), _address_space_room()) if f is not None]
    if not figures:
        try:
            figures.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, AttributeError):
            figures.append(1 << 30)  # unknown: assume a modest 1 GiB rather than nothing
    return min(figures)


def free_disk(path: Path) -> int | None:
    """Bytes free for this user on the file system that holds ``path`` (or its nearest existing folder)."""
    p = Path(os.path.abspath(path))
    for candidate in (p, *p.parents):
        try:
            st = os.statvfs(candidate)
        except FileNotFoundError:
            continue
        except (OSError, AttributeError):
            return None
        return st.f_bavail * st.f_frsize
    return None


def check_image(width: int, height: int, *, memory: int | None = None) -> None:
    """Refuse an image size whose rendering would need more than half of the available memory."""
    memory = available_memory() if memory is None else memory
    need = width * height * RENDER_BYTES_PER_PIXEL
    if need > memory * MEMORY_SHARE:
        raise LimitError(f"A {width}x{height} image needs about {human_bytes(need)} of memory to render, more than "
                         f"half of the {human_bytes(memory)} available: choose a smaller size.")


def check_movie(frames: int, width: int, height: int, fps: float, *, gif: bool, memory: int | None = None) -> None:
    """Refuse a movie past the frame and frame-rate caps, or a GIF that could not be held in memory.

    Parameters
    ----------
    frames : int
        Number of frames the movie would have (a Python int: no overflow however large).
    width, height : int
        Frame size in pixels.
    fps : float
        Frames per second.
    gif : bool
        A GIF (every frame is kept in memory until the file is written) rather than an MP4 (streamed).
    memory : int, optional
        Available bytes (default: :func:`available_memory`).

    Raises
    ------
    LimitError
        One sentence naming the limit.
    """
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 1 <= fps <= MAX_FPS:  # NaN fails too
        shown = f"{fps:g}" if isinstance(fps, float) else (str(fps) if abs(fps) < 10**40 else "more than 10^40")
        raise LimitError(f"A frame rate of {shown} fps is outside 1-{MAX_FPS} frames per second (--fps).")
    if frames > MAX_FRAMES:
        raise LimitError(f"The movie would have {_count(frames)} frames; at most {MAX_FRAMES:,} are allowed (about "
                         f"{MAX_FRAMES / 20 / 60:.0f} minutes at 20 fps): ask for fewer frames per snapshot or epoch.")
    check_image(width, height, memory=memory)
    if gif:
        memory = available_memory() if memory is None else memory
        need = frames * width * height * GIF_BYTES_PER_PIXEL
        if need > memory * MEMORY_SHARE:
            raise LimitError(f"A GIF of {_count(frames)} frames of {width}x{height} is held in memory until it is "
                             f"written, about {human_bytes(need)}, more than half of the {human_bytes(memory)} "
                             "available: use fewer frames or a smaller size, or write an .mp4.")
