"""What the command line prints on standard output: a full disk there is one sentence, not a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import sys

from latent3d.util.fileio import OutputError, describe_os_error

__all__ = ["say"]


def say(text: str) -> None:
    """Print ``text`` and a newline to standard output, flushed now.

    Raises
    ------
    BrokenPipeError
        The reader went away (``| head``): the command line exits 0 quietly.
    OutputError
        Any other write error (``> /dev/full``): one sentence; standard output is then pointed at
        ``/dev/null``, so that Python's flush at exit does not print a second error.
    """
    try:
        print(text, flush=True)
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the unwritten rest of the buffer goes nowhere
            os.close(devnull)
        if exc.errno == errno.EPIPE:
            raise
        raise OutputError(f"Could not write the output ({describe_os_error(exc)}); nothing more was printed.") from None
