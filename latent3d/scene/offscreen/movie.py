"""The one movie pipeline of the window's export and ``render --movie``: plan the frames, check the caps, encode.

Both callers plan the same positions (:func:`plan_movie`), draw each with their own view (the
window's live view, or the off-screen renderer) through :func:`record_movie`, and encode with
:func:`write_movie`, which replaces the target only once the whole movie is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from latent3d.analysis.explore import movie_times
from latent3d.runs import Run
from latent3d.scene.offscreen.movie_file import check_mp4, discard_writer, disk_full_instead
from latent3d.state.time import timebase_of
from latent3d.util.fileio import atomic_path, check_suffix
from latent3d.util.limits import check_movie

__all__ = ["MOVIE_SUFFIXES", "movie_frame_count", "movie_positions", "plan_movie", "record_movie", "write_movie"]

MOVIE_SUFFIXES = (".mp4", ".gif")


def movie_positions(run: Run, axis: str, frames_per_snapshot: int, frames_per_epoch: int) -> np.ndarray:
    """Positions of a movie's frames: evenly in snapshots (``log`` time) or evenly in training steps (``linear``)."""
    time = timebase_of(run)
    if axis == "log":
        return movie_times(time.last, frames_per_snapshot)
    epochs = time.last_step / time.steps_per_epoch
    n = max(2, int(np.ceil(epochs * frames_per_epoch)) + 1)
    return np.array([time.at_step(s) for s in np.linspace(0.0, time.last_step, n)])


def movie_frame_count(run: Run, axis: str, frames_per_snapshot: int, frames_per_epoch: int) -> int:
    """How many frames :func:`movie_positions` would give, computed without allocating them (a Python int)."""
    time = timebase_of(run)
    if axis == "log":
        return time.last * frames_per_snapshot + 1
    exact = -(-(time.last_step * frames_per_epoch) // time.steps_per_epoch)  # integers: no float overflow
    if exact > 10**15:
        return exact + 1
    return max(2, int(np.ceil(time.last_step / time.steps_per_epoch * frames_per_epoch)) + 1)  # as movie_positions


def plan_movie(run: Run, out: Path, size: tuple[int, int], fps: float, *, time_axis: str = "log",
               frames_per_snapshot: int = 4, frames_per_epoch: int = 10) -> np.ndarray:
    """The positions of the frames of a movie of ``run``, after every check that can refuse it.

    Parameters
    ----------
    run : Run
    out : Path
        The movie to write (``.mp4`` or ``.gif``).
    size : (int, int)
        Frame width and height in pixels.
    fps : float
    time_axis : {"log", "linear"}
        Frames evenly over snapshots, or evenly over training steps.
    frames_per_snapshot : int
        Frames between neighbouring snapshots on the ``log`` axis.
    frames_per_epoch : int
        Frames per epoch on the ``linear`` axis.

    Returns
    -------
    ndarray of float64
        Fractional snapshot positions, one per frame.

    Raises
    ------
    ValueError
        One sentence: a wrong suffix, or a movie over the frame, rate or memory caps (checked
        before a single position is allocated).
    """
    check_suffix(out, MOVIE_SUFFIXES, f"Movie {out.name} must end in .mp4 or .gif.", what="Movie")
    check_movie(movie_frame_count(run, time_axis, frames_per_snapshot, frames_per_epoch), size[0], size[1], fps,
                gif=out.suffix.lower() == ".gif")
    return movie_positions(run, time_axis, frames_per_snapshot, frames_per_epoch)


class _Cancelled(Exception):
    """``keep_going`` said stop: the movie is dropped instead of renamed into place."""


def record_movie(out: Path, positions: np.ndarray, frame_at: Callable[[float], np.ndarray], fps: float,
                 keep_going: Callable[[int], bool] | None = None) -> int | None:
    """Draw a frame at each position and encode them to ``out``; returns the frame count, None if cancelled.

    Parameters
    ----------
    out : Path
    positions : ndarray
        From :func:`plan_movie`.
    frame_at : callable
        ``frame_at(u)`` shows position ``u`` and returns its pixels, uint8 ``[H, W, 3]``.
    fps : float
    keep_going : callable, optional
        ``keep_going(i)`` is asked before frame ``i``; False cancels: nothing is written and an
        earlier file at ``out`` stays as it was.
    """
    def frames() -> Iterator[np.ndarray]:
        for i, u in enumerate(positions):
            if keep_going is not None and not keep_going(i):
                raise _Cancelled
            yield frame_at(float(u))

    try:
        return write_movie(frames(), out, fps)
    except _Cancelled:
        return None


def write_movie(frames: Iterable[np.ndarray], out: Path, fps: float) -> int:
    """Write RGB frames to ``out`` (``.gif`` or ``.mp4``) with imageio; returns the number of frames written.

    Parameters
    ----------
    frames : iterable of ndarray, shape (H, W, 3), uint8
    out : Path
    fps : float

    Notes
    -----
    MP4 (H.264, yuv420p) needs even sides: frames are cropped by at most one pixel row/column.
    """
    import imageio.v2 as imageio  # imported on use: only exports need it

    suffix = check_suffix(out, MOVIE_SUFFIXES, f"Movie {out.name} must end in .mp4 or .gif.", what="Movie")
    count = 0
    with atomic_path(out, what="Movie") as tmp:  # the old movie stays until the new one is complete
        if suffix == ".gif":
            writer = imageio.get_writer(tmp, mode="I", duration=1000.0 / fps, loop=0)
        else:
            # quiet: ffmpeg's own lines on a full disk came before our sentence; its result is checked by check_mp4
            writer = imageio.get_writer(tmp, fps=fps, codec="libx264", pixelformat="yuv420p", macro_block_size=1,
                                        ffmpeg_log_level="quiet")
        try:
            for frame in frames:
                if suffix == ".mp4":
                    frame = frame[: frame.shape[0] // 2 * 2, : frame.shape[1] // 2 * 2]
                writer.append_data(np.ascontiguousarray(frame[..., :3]))
                count += 1
            writer.close()  # encodes a GIF now: a full disk shows up here
        except BaseException as exc:
            discard_writer(writer, tmp)
            full = disk_full_instead(exc, tmp)  # the encoder died of a full disk: say that, not "broken pipe"
            if full is not None:
                raise full from None
            raise
        if suffix == ".mp4":
            check_mp4(tmp, count)  # imageio hides ffmpeg's failures: count what it wrote before replacing anything
    return count
