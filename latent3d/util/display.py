"""Whether Qt can open a window here, asked before Qt is loaded: Qt aborts the whole process when it cannot.

With ``DISPLAY`` naming an X server that is gone (a stale ssh ``DISPLAY``, a stopped Xvfb) Qt's
xcb plugin prints its plugin messages and calls ``abort()``: ``view`` died of SIGABRT and
``latent3d.show()`` killed the caller's interpreter (a notebook kernel). So the display is
probed first, by a tiny child process that opens and closes one xcb connection with a time
limit, so that neither a crash nor a hang of the probe can reach the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

__all__ = ["PROBE_SECONDS", "display_problem"]

PROBE_SECONDS = 5.0  # an X server over a dead ssh tunnel may never answer
_NO_LIBRARY, _NO_SERVER = 3, 4
_PROBE = f"""
import ctypes, sys
try:
    xcb = ctypes.CDLL("libxcb.so.1")
except OSError:
    sys.exit({_NO_LIBRARY})
xcb.xcb_connect.restype = ctypes.c_void_p
xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
connection = xcb.xcb_connect(sys.argv[1].encode(), None)
error = xcb.xcb_connection_has_error(connection)
xcb.xcb_disconnect(connection)
sys.exit({_NO_SERVER} if error else 0)
"""


def display_problem(environ: Mapping[str, str] | None = None, timeout: float = PROBE_SECONDS) -> str | None:
    """Why Qt could not open a window now, as a clause for the middle of a sentence; None when it can.

    Parameters
    ----------
    environ : mapping, optional
        The environment Qt will read (default: ``os.environ``).
    timeout : float
        Seconds the X server has to answer.

    Returns
    -------
    str or None
        ``"DISPLAY is not set"``, ``"no X server answers at DISPLAY ':99'..."``, ``"the X server at
        DISPLAY ... did not answer within 5 s"``, or that Qt's X11 library is missing. None off
        Linux, for a Qt platform other than xcb (``QT_QPA_PLATFORM=offscreen``, Wayland), and when
        the probe itself cannot be run (Qt then decides).
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform and platform != "xcb":
        return None
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None  # Qt may use Wayland; it does not abort when it cannot
    display = env.get("DISPLAY", "")
    if not display:
        return "DISPLAY is not set"
    if not sys.executable:
        return None
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", _PROBE, display], env=dict(env), timeout=timeout,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"the X server at DISPLAY {display!r} did not answer within {timeout:g} s"
    except OSError:
        return None
    if done.returncode == _NO_SERVER:
        return (f"no X server answers at DISPLAY {display!r}: it may be left from an ssh session that ended, or the "
                "server stopped")
    if done.returncode == _NO_LIBRARY:
        return "Qt's X11 library libxcb.so.1 is not installed (see the README's list of packages)"
    return None
