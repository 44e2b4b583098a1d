"""What writing a movie needs to fail cleanly: abandoning an imageio writer, and checking what ffmpeg really wrote.

imageio never reports ffmpeg's exit status: on a full disk ffmpeg dies, the writer closes
without an error and a truncated MP4 would be renamed over the user's earlier file. So the
finished file is checked by counting its frames (a stream copy, no decoding: milliseconds)
before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import re
import subprocess
from pathlib import Path
from typing import Any

from latent3d.limits import free_disk

__all__ = ["check_mp4", "discard_writer"]

LOW_SPACE = 1 << 20  # under a megabyte free after a failed write: the disk filled up


def discard_writer(writer: Any) -> None:
    """Close an imageio writer that is being abandoned, without encoding the frames it holds or raising."""
    pending = getattr(getattr(writer, "instance", None), "images_to_write", None)
    if isinstance(pending, list):  # imageio's GIF writer encodes every held frame on close: drop them first
        pending.clear()
    with contextlib.suppress(Exception):
        writer.close()


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
