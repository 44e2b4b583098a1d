"""``blocked()`` keeps the stop signals off the main thread's system calls for a block, and loses none of them."""

from __future__ import annotations

import os
import signal
import time

import pytest

from latent3d.util.interrupt import HANDLED, blocked

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no pthread_sigmask here")


def _mask() -> set[int]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_the_stop_signals_are_blocked_in_the_block_only() -> None:
    before = _mask()
    with blocked():
        assert set(HANDLED) <= _mask()
    assert _mask() == before


def test_a_signal_that_came_in_the_block_is_still_handled() -> None:
    seen: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda signum, _frame: seen.append(signum))
    try:
        with blocked():
            os.kill(os.getpid(), signal.SIGHUP)
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert seen == [signal.SIGHUP]
