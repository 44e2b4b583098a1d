"""What writing a movie needs to fail cleanly: abandoning an imageio writer, and checking what ffmpeg really wrote.

imageio never reports ffmpeg's exit status: on a full disk ffmpeg dies, the writer closes
without an error and a truncated MP4 would be renamed over the user's earlier file. So the
finished file is checked by counting its frames (a stream copy, no decoding: milliseconds)
before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

from latent3d.util.limits import free_disk

__all__ = ["check_mp4", "discard_writer", "disk_full_instead"]

LOW_SPACE = 1 << 20  # under a megabyte free after a failed write: the disk filled up


def discard_writer(writer: Any, path: Path) -> None:
    """Close an imageio writer that is being abandoned, without encoding the frames it holds or raising.

    Any encoder still running on ``path`` is killed and reaped, so that nothing can write the file
    after it is deleted: an interruption that lands while imageio starts ffmpeg (inside
    ``subprocess.Popen``) leaves an ffmpeg that imageio no longer tracks, which would otherwise
    create ``path`` again as soon as its input closes.
    """
    pending = getattr(getattr(writer, "instance", None), "images_to_write", None)
    if isinstance(pending, list):  # imageio's GIF writer encodes every held frame on close: drop them first
        pending.clear()
    with contextlib.suppress(Exception):
        writer.close()
    for pid in _children_naming(path):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


def _children_naming(path: Path) -> list[int]:
    """This process's children whose command line holds ``path`` (Linux /proc; elsewhere none are found)."""
    me, wanted = os.getpid(), os.fsencode(str(path))
    found: list[int] = []
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return found
    for pid in entries:
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == me and wanted in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                found.append(int(pid))
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not ours to read
            continue
    return found


def mp4_frames(path: Path) -> int | None:
    """Frames in the video stream of ``path`` as ffmpeg reads them, or None if it cannot open the file."""
    from imageio_ffmpeg import get_ffmpeg_exe

    try:
        r = subprocess.run([get_ffmpeg_exe(), "-nostdin", "-v", "error", "-stats", "-i", str(path), "-map", "0:v:0",
                            "-c", "copy", "-f", "null", "-"], capture_output=True, text=True, errors="replace",
                           timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.findall(r"frame=\s*(\d+)", r.stderr)
    return int(found[-1]) if r.returncode == 0 and found else None


def check_mp4(path: Path, expected: int) -> None:
    """Raise OSError unless the MP4 at ``path`` holds ``expected`` frames (ENOSPC when the disk is now full)."""
    got = mp4_frames(path)
    if got == expected:
        return
    free = free_disk(path.parent)
    if free is not None and free < LOW_SPACE:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    raise OSError(f"ffmpeg wrote {'an unreadable file' if got is None else f'{got} of {expected} frames'}")


def disk_full_instead(exc: BaseException, path: Path) -> OSError | None:
    """ENOSPC for an encoder's broken pipe (or I/O error) on a disk that is now full; None for anything else.

    ffmpeg that cannot write exits, and the next frame sent to it fails with EPIPE: the reason the
    user can act on is the full disk, not the pipe.
    """
    code = getattr(exc, "errno", None)
    if not isinstance(code, int):
        match = re.search(r"\[Errno (\d+)\]|os error (\d+)", str(exc))
        code = int(next(g for g in match.groups() if g)) if match else None
    if code not in (errno.EPIPE, errno.EIO) and not isinstance(exc, BrokenPipeError):
        return None
    free = free_disk(path.parent)
    if free is None or free >= LOW_SPACE:
        return None
    return OSError(errno.ENOSPC, "No space left on device", str(path))
