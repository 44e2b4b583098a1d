"""The named choices shared by the state, the view file, the CLI and the widgets: colour modes and time axes.

Add a colour mode or a time axis here, once; every check (the state's setters, the view file,
``render --color/--time``) and every menu reads these tuples.
"""

from __future__ import annotations

__all__ = ["ALIGN_MODES", "ALL_COLOUR_MODES", "COLOUR_MODES", "COMPARE_COLOUR_MODES", "DEFAULT_COLOUR",
           "DEFAULT_TIME_AXIS", "TIME_AXES"]

#: Colour modes: by class (default), by reconstruction error at the snapshot shown, by movement since the previous one.
COLOUR_MODES: tuple[str, ...] = ("class", "error", "movement")
#: ``aligned-movement``: movement beyond the best similarity transform; ``distance`` (between a point's two aligned
#: positions) and ``agreement`` (of the k = 10 nearest neighbours) need a second run to compare with.
COMPARE_COLOUR_MODES: tuple[str, ...] = ("distance", "agreement")
#: ``learned``: the step at which each image was learned (its BCE within 10 % of its drop of its final BCE).
ALL_COLOUR_MODES: tuple[str, ...] = (*COLOUR_MODES, "aligned-movement", *COMPARE_COLOUR_MODES, "learned")
DEFAULT_COLOUR = "class"
#: Alignment of the playback: none (the raw codes), onto the final snapshot, or chained onto the next one.
ALIGN_MODES: tuple[str, ...] = ("none", "final", "previous")
#: Time axes of the timeline and movies: evenly over snapshots (log time, default) or over training steps.
TIME_AXES: tuple[str, ...] = ("log", "linear")
DEFAULT_TIME_AXIS = "log"
