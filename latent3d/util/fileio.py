"""Files the program writes and reads safely: atomic replacement, regular files only, OS errors as one sentence.

Every output (a rendered PNG, a GIF or MP4 movie, a screenshot) is written to a hidden
temporary sibling, fsynced, and renamed over the target only once it is complete: a full
disk, a missing permission or an interruption leaves the earlier file byte-identical and no
temporary or empty file behind. Inputs that must be regular files (the Fashion-MNIST IDX
files) are opened without ever blocking on a FIFO or touching a device.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from latent3d.util.interrupt import held, settle
from latent3d.util.outside_runs import enclosing_run

__all__ = ["FileKindError", "OutputError", "atomic_path", "check_suffix", "check_target", "describe_os_error",
           "file_kind", "fsync_path", "name_max", "open_regular"]

PATH_MAX = 4096  # Linux's limit on a whole path, terminating NUL included
NAME_MAX = 255  # bytes in one path component on every common file system
_TAG_BYTES = len(".") + len(".tmp-") + 8  # what a temporary sibling adds to a name
_MAX_SUFFIX = 16

# A few words for the errors a user can act on; anything else falls back to the OS's own text.
_REASONS = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk quota is used up",
    errno.EFBIG: "the file is too large for this file system",
    errno.EISDIR: "it is a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EIO: "an input/output error",
    errno.EPIPE: "the encoder stopped early: broken pipe",
}
_ADVICE = {
    errno.ENOSPC: "free some space or choose another disk",
    getattr(errno, "EDQUOT", errno.ENOSPC): "free some space or choose another disk",
    errno.EFBIG: "choose a smaller size or another disk",
    errno.EACCES: "choose a folder you can write to",
    errno.EPERM: "choose a folder you can write to",
    errno.EROFS: "choose a folder you can write to",
    errno.ENAMETOOLONG: "choose a shorter name",
    errno.EISDIR: "give a file name",
}


class OutputError(ValueError):
    """A file cannot be written where asked; the message is one sentence for the user.

    ``os_error`` is the OS error behind it, when there is one, so a caller with its own wording
    (the view file's) can say it in its words from ``os_error.errno``.
    """

    def __init__(self, message: str, os_error: OSError | None = None) -> None:
        super().__init__(message)
        self.os_error = os_error


class FileKindError(OSError):
    """A path that must be a regular file is a folder, FIFO, device, socket or dangling link."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", os.fspath(path))
        self.kind = kind


def file_kind(mode: int) -> str:
    """What a ``st_mode`` describes, as an article and a noun (``"a FIFO"``, ``"a folder"``)."""
    for test, kind in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return kind
    return "a special file"


def describe_os_error(exc: BaseException) -> str:
    """The reason of an OS error in a few words (``"the disk is full"``), for the middle of a sentence.

    Errors that wrap an OS error in their text (safetensors' ``SafetensorError``, imageio's ffmpeg
    ``IOError``) are recognised by the ``os error N`` / ``code: N`` / ``[Errno N]`` they quote.
    """
    code = _errno_of(exc)
    if code in _REASONS:
        return _REASONS[code]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _errno_of(exc: BaseException) -> int | None:
    code = getattr(exc, "errno", None)
    if isinstance(code, int):
        return code
    m = re.search(r"(?:os error|code:|\[Errno)\s*(\d+)", str(exc))
    return int(m.group(1)) if m else None


def cannot_write(target: Path, exc: BaseException) -> str:
    """One sentence: ``target`` could not be written, why, what to do, and that nothing was replaced."""
    advice = _ADVICE.get(_errno_of(exc) or 0)
    return (f"Could not write {target} ({describe_os_error(exc)}){'; ' + advice if advice else ''}; "
            "nothing was written there, and an earlier file of that name is unchanged.")


def name_max(folder: Path) -> int:
    """The longest file name, in bytes, that ``folder``'s file system accepts (255 when it cannot say)."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return NAME_MAX


def check_target(target: Path, *, what: str = "File") -> None:
    """Refuse an output path that cannot be written, before any work is done.

    Parameters
    ----------
    target : Path
        The file to create or replace.
    what : str
        How the message names it (``"Image"``, ``"Movie"``).

    Raises
    ------
    OutputError
        One sentence: a path inside a run folder (:func:`latent3d.util.outside_runs.enclosing_run`), a
        name longer than the file system allows (room is left for the temporary sibling's tag), a path
        over 4,096 bytes, a missing folder or a file in its place, or a target that exists and is a
        folder, FIFO or device.
    """
    name = os.fsencode(target.name)
    if not name:
        raise OutputError(f"{what} path {target} does not end in a file name.")
    if len(os.fsencode(os.path.abspath(target))) + _TAG_BYTES >= PATH_MAX:
        raise OutputError(f"{what} path is {len(os.fsencode(os.path.abspath(target))):,} bytes long; the file system "
                          f"takes at most {PATH_MAX - 1 - _TAG_BYTES:,}: choose a shorter path.")
    folder = target.parent
    try:
        folder_stat = os.stat(folder)
    except FileNotFoundError:
        raise OutputError(f"Folder {folder} does not exist.") from None
    except OSError as exc:
        raise OutputError(f"Cannot use folder {folder} for {target.name} ({describe_os_error(exc)}).") from None
    if not stat.S_ISDIR(folder_stat.st_mode):
        raise OutputError(f"{folder} is {file_kind(folder_stat.st_mode)}, not a folder; it cannot hold {target.name}.")
    run = enclosing_run(target)
    if run is not None:  # an export named RUN/codes.npy replaced the run's codes and the run no longer opened
        raise OutputError(f"{what} {target} is inside the run folder {run}, and latent3d never writes into a run "
                          "folder (it could replace the run's own files); choose a path outside it.")
    limit = name_max(folder)
    if len(name) > limit:
        raise OutputError(f"{what} name {target.name[:40]}... is {len(name)} bytes long; this file system takes "
                          f"at most {limit}: choose a shorter name.")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"Cannot use {target} ({describe_os_error(exc)}).") from None
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{target} is {file_kind(st.st_mode)}; give a file name to write the "
                          f"{what.lower()} to.")


def check_suffix(target: Path, allowed: tuple[str, ...], rule: str, *, what: str = "File") -> str:
    """The lower-case suffix of ``target`` if it is one of ``allowed``; else ``rule``, the sentence that says which.

    A name that is a suffix alone (``.csv``) is a hidden file with no suffix at all, and is named
    as such: it used to be told that it "must end in .csv".

    Raises
    ------
    OutputError
        ``rule``, or the sentence about a suffix alone.
    """
    if target.name.lower() in allowed:
        raise OutputError(f"{what} name {target.name} is a suffix alone; give a name before it, such as "
                          f"out{target.name.lower()}.")
    suffix = target.suffix.lower()
    if suffix not in allowed:
        raise OutputError(rule)
    return suffix


def _temp_sibling(target: Path) -> Path:
    """A hidden, unique name beside ``target`` with the same suffix (writers pick the format from it)."""
    suffix = target.suffix if len(target.suffix) <= _MAX_SUFFIX else ""
    stem = target.name[: len(target.name) - len(suffix)]
    tag = f".tmp-{secrets.token_hex(4)}"
    budget = name_max(target.parent) - len(os.fsencode("." + tag + suffix))
    while stem and len(os.fsencode(stem)) > budget:  # a long name still gets a temporary sibling that fits
        stem = stem[:-1]
    return target.with_name(f".{stem}{tag}{suffix}")


def fsync_path(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path, *, what: str = "File") -> Iterator[Path]:
    """A temporary sibling path to write ``target`` through; renamed over ``target`` when the block succeeds.

    Parameters
    ----------
    target : Path
        The file to create or replace.
    what : str
        How messages name the file (``"Image"``, ``"Movie"``).

    Yields
    ------
    Path
        A new, empty, hidden file beside ``target`` with the same suffix: write the whole output to it.

    Raises
    ------
    OutputError
        One sentence (see :func:`check_target` and :func:`cannot_write`) when the target is refused,
        the temporary file cannot be created, or an ``OSError`` ends the block or the final rename.

    Notes
    -----
    The temporary file is created up front, so a missing permission, a read-only or full file
    system or a name too long is reported before any rendering. On any exception (an
    ``OSError``, a ``KeyboardInterrupt``...) it is deleted and ``target`` is left as it was.
    An existing target's permission bits are kept. A symbolic link at ``target`` is replaced
    by the new file, not followed. Once renamed, the command's output is complete
    (:func:`latent3d.util.interrupt.settle`): a later SIGTERM no longer reports it as interrupted.
    """
    target = Path(target)
    check_target(target, what=what)
    tmp = _temp_sibling(target)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666))
    except OSError as exc:
        raise OutputError(cannot_write(target, exc), exc) from None
    try:
        yield tmp
        fsync_path(tmp)
        with suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        with held():  # a signal during the rename waits for it; once renamed the output is complete
            os.replace(tmp, target)
            settle()
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(cannot_write(target, exc), exc) from None
        raise
    with suppress(OSError):  # make the rename durable where the platform allows it
        fsync_path(target.parent)


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading only if it is (a link to) a regular file; never blocks on a FIFO.

    Raises
    ------
    FileKindError
        The path is a folder, FIFO, device, socket or a link to nothing.
    OSError
        It is missing or cannot be read.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileKindError(path, "a link to nothing") from None
        raise
    if not stat.S_ISREG(st.st_mode):  # checked before opening: opening a FIFO to read waits for a writer
        raise FileKindError(path, file_kind(st.st_mode))
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_BINARY", 0))
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)  # the same check on what was opened, in case the path was swapped meanwhile
        if not stat.S_ISREG(st.st_mode):
            raise FileKindError(path, file_kind(st.st_mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
