"""The named choices shared by the state, the view file, the CLI and the widgets: colour modes and time axes.

Add a colour mode or a time axis here, once; every check (the state's setters, the view file,
``render --color/--time``) and every menu reads these tuples.
"""

from __future__ import annotations

__all__ = ["COLOUR_MODES", "DEFAULT_COLOUR", "DEFAULT_TIME_AXIS", "TIME_AXES"]

#: Colour modes: by class (default), by reconstruction error at the snapshot shown, by movement since the previous one.
COLOUR_MODES: tuple[str, ...] = ("class", "error", "movement", "learned")  # learned: when each image was learned
DEFAULT_COLOUR = "class"
#: Time axes of the timeline and movies: evenly over snapshots (log time, default) or over training steps.
TIME_AXES: tuple[str, ...] = ("log", "linear")
DEFAULT_TIME_AXIS = "log"
