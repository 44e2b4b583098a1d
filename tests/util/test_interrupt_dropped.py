"""A signal whose exception Python drops (raised in a weakref callback) is delivered again, not lost."""

from __future__ import annotations

import os
import signal
import sys
import time
import weakref

import pytest

from latent3d.util.interrupt import Interrupted, StopOnSignals


class _Thing:
    pass


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_a_signal_raised_inside_a_weakref_callback_still_stops_the_command() -> None:
    dropped: list[object] = []
    before = sys.unraisablehook
    sys.unraisablehook = lambda u: dropped.append(u.exc_value)  # what Python would print as "Exception ignored"
    try:
        with pytest.raises(Interrupted) as caught, StopOnSignals():
            thing = _Thing()
            ref = weakref.ref(thing, lambda _r: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(0.01)))
            del thing  # the callback runs here and the signal's handler raises inside it: Python drops that
            assert ref() is None
            for _ in range(300):  # without a second delivery this block ends normally after 3 s
                time.sleep(0.01)
        assert caught.value.signum == signal.SIGTERM
        assert dropped == []  # ours was not printed as ignored: it was delivered again
    finally:
        sys.unraisablehook = before
    assert sys.unraisablehook is before  # the command's hook is taken out with its handlers


def test_other_dropped_exceptions_are_still_reported() -> None:
    seen: list[object] = []
    before = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(type(u.exc_value))
    try:
        with StopOnSignals():
            thing = _Thing()
            ref = weakref.ref(thing, lambda _r: 1 / 0)
            del thing
        assert ref() is None and seen == [ZeroDivisionError]
    finally:
        sys.unraisablehook = before
