"""What a feature is to the window: a name, what a run must have, and a build that returns its parts.

A feature (inspect, groups, learning, compare, decoder map, own images, training, display) is one
package under ``qt/`` (and, for what it draws in 3-D, one under ``scene/``). Its ``FEATURE`` names
what a run must have for it to work; ``build(model, services)`` makes its widgets, presenters and
actions from the models it shows and the window's read-only services, and returns them as
:class:`Parts`, which the window places and closes in one loop (napari's ``QtViewer`` docking its
widgets). Features never import each other: what two share is in ``state/``, ``qt/widgets/`` or
``scene/core/``, or reaches them here as a service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

    from latent3d.data.images import DatasetImages
    from latent3d.qt.canvas.view import LatentView
    from latent3d.qt.timeline.widget import Timeline
    from latent3d.qt.widgets.step_plot import CurveHost
    from latent3d.runs import Run
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.state.neighbours import Neighbours
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["AREAS", "DOCK_AREAS", "Feature", "Panel", "Parts", "Services", "missing_needs", "why_off"]

#: The window's dock areas: a panel placed there is a dock the user can hide, tab, float and move.
DOCK_AREAS = ("right", "bottom", "left", "top")
#: Where a panel goes: a dock area, beside the 3-D view, in the timeline's row, the status bar.
AREAS = (*DOCK_AREAS, "beside-view", "timeline-row", "status")


@dataclass
class Panel:
    """One widget of a feature and where it goes; ``order`` sorts panels of one area across features.

    In a dock area the panel is a dock titled ``title`` (the View → Panels entry); docks of one ``group``
    start tabbed together, groups of an area side by side; ``stretch`` shares the area among groups;
    ``scroll`` puts the panel in a scroll area (for content that grows: galleries, lists). ``shown`` is
    called with True when the dock's content becomes visible and False when it is hidden, closed or
    tabbed behind another (an idle panel can stop listening meanwhile).
    """

    widget: QWidget
    area: str
    title: str = ""
    order: int = 50
    tooltip: str = ""
    stretch: int = 1
    group: str = ""
    scroll: bool = False
    shown: Callable[[bool], None] | None = None

    def __post_init__(self) -> None:
        if self.area not in AREAS:  # a misspelt area would leave the panel out of the window, silently
            raise ValueError(f"panel area {self.area!r} is not one of {', '.join(AREAS)}")


@dataclass
class Parts:
    """What a feature's build made: its panels, its actions by menu, toolbars, and how to close them.

    ``actions`` maps a menu (``File``, ``View``, ``Runs``) to actions added in order; ``toolbar`` puts
    actions (or a function that fills the toolbar) on the main toolbar at an order shared with the
    window's own; ``escape`` is asked when Escape is pressed (True: it used the key);
    ``confirm_close`` may keep the window open; ``close`` disconnects everything the feature connected
    and releases what it drew. ``handles`` names its pieces (``parts["panel"]``) for tests and scripts.
    """

    panels: list[Panel] = field(default_factory=list)
    actions: dict[str, list[QAction]] = field(default_factory=dict)
    toolbar: list[tuple[int, QAction | Callable[[QToolBar], None]]] = field(default_factory=list)
    toolbars: list[QToolBar] = field(default_factory=list)
    escape: Callable[[], bool] | None = None
    confirm_close: Callable[[], bool] | None = None
    close: Callable[[], None] = lambda: None
    handles: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.handles[name]


@dataclass
class Services:
    """The window's shared, read-only services that features may use (never another feature's widget)."""

    window: QMainWindow
    settings: QSettings
    data_dir: Path | None
    images: DatasetImages
    neighbours: Neighbours
    view: LatentView
    presenter: ScenePresenter
    timeline: Timeline
    loss: CurveHost  # the loss plot: features add curve layers to it
    canvas_busy: Any  # a psygnal signal: True while the view draws continuously
    message: Callable[[str, int], None]
    show_run: Callable[[Run], None]
    show_panel: Callable[[QWidget], None]


@dataclass(frozen=True)
class Feature:
    """A feature of the window: its name, what a run must have for it, and how to build it.

    ``needs`` names what the run shown must have (``decoder``, ``encoders``, ``images``, ``labels``,
    ``second run``...): the window builds the feature either way and disables it with one line saying
    why when the run lacks one (see :func:`missing_needs`).
    """

    name: str
    build: Callable[[ViewerModel, Services], Parts]
    needs: frozenset[str] = frozenset()


def missing_needs(feature: Feature, run: Run | None) -> list[str]:
    """What ``feature`` needs that ``run`` lacks (a run's ``capabilities``; a run that names none has all)."""
    if run is None:
        return []
    has = getattr(run, "capabilities", None)
    return [] if has is None else sorted(feature.needs - set(has))


def why_off(feature: Feature, run: Run | None) -> str | None:
    """One sentence saying why ``feature`` is off for ``run`` (the run's own words where it has them), or None."""
    missing = missing_needs(feature, run)
    if not missing:
        return None
    why = getattr(run, "why_not", None)
    said = why(missing[0]) if callable(why) else None
    return said or f"Off: this run has no {missing[0]}, which the {feature.name} needs."
