"""ViewerState: the one evented model of what the window shows; widgets, scene and renderer only display it.

Every rule about what may be shown together lives here, in the setters, once: a position is clamped
to the run, hiding the selected image's class clears the selection, a run that only grew (a live
training added snapshots) keeps selection, path and probe. Views subscribe to ``state.events.<name>``
(psygnal, as napari and ndv do) and never talk to each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from psygnal import Signal, SignalGroup

from latent3d.config.choices import ALL_COLOUR_MODES, COMPARE_COLOUR_MODES, TIME_AXES
from latent3d.state.aligned import AlignCompare
from latent3d.state.groups import GroupFields, TrailsState
from latent3d.state.learned_fields import LearnedFields
from latent3d.state.timeline import Timebase
from latent3d.state.values import Camera, PathState

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["Camera", "PathState", "TrailsState", "ViewerEvents", "ViewerState", "connect_handlers", "timebase_of"]

N_CLASSES = 10
PATH_SAMPLES = (2, 40)


class ViewerEvents(SignalGroup):
    """One signal per field of :class:`ViewerState`, emitted with the new value when it changes."""

    run = Signal(object)
    position = Signal(float)
    selected = Signal(object)
    path = Signal(object)
    probe = Signal(object)
    color = Signal(str)
    hidden_classes = Signal(frozenset)
    train_overlay = Signal(bool)
    camera = Signal(object)
    time_axis = Signal(str)
    follow = Signal(bool)
    groups = Signal(object)  # name -> indices (a read-only mapping)
    group_shown = Signal(object)  # a group name or None
    group_mode = Signal(str)
    trails = Signal(object)  # TrailsState or None
    decoder_map = Signal(object)
    own_images = Signal(tuple)
    align = Signal(str)
    compare = Signal(object)
    compare_overlay = Signal(bool)
    highlight_class = Signal(object)  # int or None: the class brought out across the window (legend hover/click)


EVENTS = ("run", "position", "selected", "path", "probe", "color", "hidden_classes", "train_overlay", "camera",
          "time_axis", "follow", "groups", "group_shown", "group_mode", "trails", "decoder_map", "own_images",
          "align", "compare", "compare_overlay", "highlight_class")


def connect_handlers(events: ViewerEvents, target: object) -> Callable[[], None]:
    """Connect each ``target._on_<event>`` method to ``events.<event>`` (napari's naming rule).

    Returns
    -------
    callable
        Disconnects every handler it connected (call it when the view closes).
    """
    pairs = []
    for name in EVENTS:
        slot = getattr(target, f"_on_{name}", None)
        if slot is not None:
            signal = getattr(events, name)
            signal.connect(slot)
            pairs.append((signal, slot))

    def disconnect() -> None:
        for signal, slot in pairs:
            signal.disconnect(slot)

    return disconnect


def timebase_of(run: Run) -> Timebase:
    """The snapshots of ``run`` on the time axis (a version-1 run's are its epoch ends)."""
    return Timebase(np.asarray(run.steps), int(run.steps_per_epoch))


def _same_points(old: Run | None, new: Run) -> bool:
    """Whether ``new`` shows the same test images as ``old`` (a run that grew, or the same run again)."""
    return (old is not None and old.path == new.path and old.labels.shape == new.labels.shape
            and bool(np.array_equal(old.labels, new.labels)))


class ViewerState(GroupFields, LearnedFields, AlignCompare):
    """What the window shows: run, position, selection, path, probe, colours, hidden classes, overlay, camera, groups.

    Notes
    -----
    ``position`` is a fractional snapshot index (see :mod:`latent3d.state.timeline`); ``step`` and
    ``epoch`` are derived from it. ``probe`` is the free-roam probe's position, or None when free
    roam is off. ``camera`` is None until a view reports or a view file sets one. Setting a field to
    the value it has emits nothing. The group fields (``groups``, ``group_shown``, ``group_mode``,
    ``trails``) and their rules are in :mod:`latent3d.state.groups`.
    """

    def __init__(self) -> None:
        self.events = ViewerEvents()
        self._run: Run | None = None
        self._time: Timebase | None = None
        self._position = 0.0
        self._selected: int | None = None
        self._path: PathState | None = None
        self._probe: tuple[float, float, float] | None = None
        self._color = "class"
        self._hidden: frozenset[int] = frozenset()
        self._train_overlay = False
        self._camera: Camera | None = None
        self._time_axis = "log"
        self._align = "none"
        self._compare: Run | None = None
        self._comparison = None
        self._compare_overlay = False
        self._grew = False
        self._follow = False
        self._init_groups()
        LearnedFields.__init__(self)
        self._highlight: int | None = None

    # -- run and position -----------------------------------------------------------------------

    @property
    def run(self) -> Run | None:
        """The run shown."""
        return self._run

    @property
    def time(self) -> Timebase | None:
        """The run's snapshots on the time axis (None without a run)."""
        return self._time

    @property
    def run_grew(self) -> bool:
        """Whether the last :meth:`set_run` showed a longer version of the run before (a live training's snapshot).

        The scene moves the points in place and keeps the camera then; otherwise it rebuilds and refits.
        """
        return self._grew

    def set_run(self, run: Run | None, *, position: float | None = None, fresh: bool = False) -> None:
        """Show ``run``.

        The same test images as before (a live training added snapshots) keep selection and path;
        otherwise, or with ``fresh`` (the user opened the run again), they are cleared. The probe
        (free roam) stays either way. The position moves to ``position`` (a snapshot index), else stays where
        it was when the points are kept, else goes to the last snapshot; it is clamped either way.
        """
        keep = run is not None and not fresh and _same_points(self._run, run)
        same_images = (run is not None and not fresh and self._run is not None
                       and np.array_equal(self._run.labels, run.labels))
        old_selected, old_path = self._selected, self._path
        self._run = run
        self._grew = keep
        self._time = timebase_of(run) if run is not None else None
        if not keep:
            self._selected, self._path = None, None
        if self._train_overlay and (run is None or run.train_codes is None):
            self._train_overlay = False
            self.events.train_overlay.emit(False)
        self._recompare(run, grown=keep)
        if self._time is None:
            self._position = 0.0
        else:
            target = position if position is not None else (self._position if keep else float(self._time.last))
            self._position = self._time.clamp(target)
        self._groups_for_run(same_images)  # before the run event: no listener sees old indices on a new run
        self.events.run.emit(run)  # listeners redraw everything from the state: position included
        if self._selected != old_selected:
            self.events.selected.emit(self._selected)
        if self._path != old_path:
            self.events.path.emit(self._path)
        self.events.position.emit(self._position)

    @property
    def position(self) -> float:
        """The fractional snapshot index shown."""
        return self._position

    @position.setter
    def position(self, u: float) -> None:
        u = self._time.clamp(u) if self._time is not None else 0.0
        if u != self._position:
            self._position = u
            self.events.position.emit(u)

    @property
    def snapshot(self) -> int:
        """The stored snapshot nearest the position: its decoder, losses and colours are shown."""
        return self._time.nearest(self._position) if self._time is not None else 0

    @property
    def planned_epochs(self) -> int:
        """The epochs the run was configured for (a live run's total, not the epochs done so far); 0 without a run."""
        run = self._run
        return 0 if run is None else max(int(run.config.epochs), int(run.epochs))

    @property
    def n_classes(self) -> int:
        """How many classes the run's labels come from (the legend's rows)."""
        return N_CLASSES

    @property
    def step(self) -> float:
        """Training step at the position."""
        return self._time.step_at(self._position) if self._time is not None else 0.0

    @property
    def epoch(self) -> float:
        """Epoch (fractional) at the position."""
        return self._time.epoch_at(self._position) if self._time is not None else 0.0

    def seek_step(self, step: float) -> None:
        """Move to training step ``step``."""
        if self._time is not None:
            self.position = self._time.at_step(step)

    def step_snapshot(self, direction: int) -> None:
        """Move to the next (``+1``) or previous (``-1``) stored snapshot."""
        if self._time is None:
            return
        u = self._position
        target = math.floor(u) + 1 if direction > 0 else (math.ceil(u) - 1)
        self.position = float(target)

    # -- selection, path, probe -----------------------------------------------------------------

    @property
    def selected(self) -> int | None:
        """Index of the selected test image, or None."""
        return self._selected

    @selected.setter
    def selected(self, index: int | None) -> None:
        if index is not None:
            index = self._check_index(index, "selected")
            if self._class_of(index) in self._hidden:
                raise ValueError(f"Test image {index} belongs to a hidden class and cannot be selected.")
        self._set_selected(index)

    def _set_selected(self, index: int | None) -> None:
        if index != self._selected:
            self._selected = index
            self.events.selected.emit(index)

    def clear_selection(self) -> None:
        """What Escape does: no selected image, and free roam left (no probe); the path A->B stays."""
        self._set_selected(None)
        self.probe = None

    @property
    def path(self) -> PathState | None:
        """The A->B path, or None."""
        return self._path

    @path.setter
    def path(self, path: PathState | None) -> None:
        if path is not None:
            a, b = self._check_index(path.a, "path A"), self._check_index(path.b, "path B")
            if a == b:
                raise ValueError("A path needs two different test images.")
            t = float(path.t) if math.isfinite(float(path.t)) else 0.5
            samples = min(max(int(path.samples), PATH_SAMPLES[0]), PATH_SAMPLES[1])
            path = PathState(a, b, min(max(t, 0.0), 1.0), samples)
        self._set_path(path)

    def _set_path(self, path: PathState | None) -> None:
        if path != self._path:
            self._path = path
            self.events.path.emit(path)

    def set_path_t(self, t: float) -> None:
        """Move the path's marker to fraction ``t`` (0 = A, 1 = B)."""
        if self._path is not None:
            self.path = replace(self._path, t=t)

    def set_path_samples(self, samples: int) -> None:
        """Decode ``samples`` images along the path."""
        if self._path is not None:
            self.path = replace(self._path, samples=samples)

    @property
    def probe(self) -> tuple[float, float, float] | None:
        """The free-roam probe's position, or None when free roam is off."""
        return self._probe

    @probe.setter
    def probe(self, position: Sequence[float] | np.ndarray | None) -> None:
        if position is not None:
            p = tuple(float(v) for v in np.asarray(position, np.float64).reshape(-1))
            if len(p) != 3 or not all(math.isfinite(v) for v in p):
                raise ValueError("The probe position must be 3 finite numbers.")
            position = p
        if position != self._probe:
            self._probe = position
            self.events.probe.emit(position)

    # -- display options ------------------------------------------------------------------------

    @property
    def color(self) -> str:
        """Colour mode: ``class``, ``error`` or ``movement``."""
        return self._color

    @color.setter
    def color(self, mode: str) -> None:
        if mode not in ALL_COLOUR_MODES:
            raise ValueError(f"Unknown colour mode {mode!r}; use one of {', '.join(ALL_COLOUR_MODES)}.")
        if mode in COMPARE_COLOUR_MODES and self._compare is None:
            raise ValueError(f"Colour mode {mode!r} compares two runs; choose a run to compare with first.")
        if mode != self._color:
            self._color = mode
            self.events.color.emit(mode)

    @property
    def hidden_classes(self) -> frozenset[int]:
        """Classes whose points are not drawn (and cannot be picked)."""
        return self._hidden

    @hidden_classes.setter
    def hidden_classes(self, classes: Iterable[int]) -> None:
        hidden = frozenset(int(c) for c in classes)
        if any(not 0 <= c < self.n_classes for c in hidden):
            raise ValueError(f"Classes are numbered 0 to {self.n_classes - 1}.")
        if hidden == self._hidden:
            return
        self._hidden = hidden
        if self._selected is not None and self._class_of(self._selected) in hidden:
            self._set_selected(None)  # the rule: a hidden point is neither drawn nor selected
        self.events.hidden_classes.emit(hidden)

    def set_class_visible(self, cls: int, visible: bool) -> None:
        """Show or hide class ``cls``."""
        self.hidden_classes = (self._hidden - {cls}) if visible else (self._hidden | {cls})

    @property
    def train_overlay(self) -> bool:
        """Whether the training images' codes are drawn too."""
        return self._train_overlay

    @train_overlay.setter
    def train_overlay(self, on: bool) -> None:
        on = bool(on) and self._run is not None and self._run.train_codes is not None
        if on != self._train_overlay:
            self._train_overlay = on
            self.events.train_overlay.emit(on)

    @property
    def camera(self) -> Camera | None:
        """Camera pose, or None when no view has reported one."""
        return self._camera

    @camera.setter
    def camera(self, camera: Camera | None) -> None:
        if camera != self._camera:
            self._camera = camera
            self.events.camera.emit(camera)

    @property
    def follow(self) -> bool:
        """Whether the camera frames the snapshot shown (distance and focal point follow it, direction stays)."""
        return self._follow

    @follow.setter
    def follow(self, on: bool) -> None:
        on = bool(on)
        if on != self._follow:
            self._follow = on
            self.events.follow.emit(on)

    @property
    def time_axis(self) -> str:
        """``log`` or ``linear``: how the timeline and the loss plot space training steps."""
        return self._time_axis

    @time_axis.setter
    def time_axis(self, axis: str) -> None:
        if axis not in TIME_AXES:
            raise ValueError(f"Unknown time axis {axis!r}; use log or linear.")
        if axis != self._time_axis:
            self._time_axis = axis
            self.events.time_axis.emit(axis)

    @property
    def highlight_class(self) -> int | None:
        """The class brought out in the scene, the legend and the loss curves (None: no class)."""
        return self._highlight

    @highlight_class.setter
    def highlight_class(self, cls: int | None) -> None:
        if cls is not None:
            if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= int(cls) < N_CLASSES:
                raise ValueError(f"Classes are numbered 0 to {N_CLASSES - 1}, not {cls!r}.")
            cls = int(cls)
        if cls != self._highlight:
            self._highlight = cls
            self.events.highlight_class.emit(cls)

    # -- helpers --------------------------------------------------------------------------------

    def _check_index(self, index: Any, what: str) -> int:
        n = 0 if self._run is None else len(self._run.labels)
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= int(index) < n:
            raise ValueError(f"{what} must be a test-image index from 0 to {n - 1}, not {index!r}.")
        return int(index)

    def _class_of(self, index: int) -> int:
        assert self._run is not None
        return int(self._run.labels[index])
