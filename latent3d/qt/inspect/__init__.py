"""Inspecting images: the image panel, picks and free roam, the filmstrip, the A->B path, the neighbours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.runs.run import Run
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The selected image and the probe (side panel), the filmstrip and path tabs, the neighbours tab, the gestures."""
    from PySide6.QtCore import QSignalBlocker

    from latent3d.qt.inspect.explore_panel import FilmstripBox, NeighboursBox, PathBox
    from latent3d.qt.inspect.explore_views import FilmstripView, NeighboursView, PathView
    from latent3d.qt.inspect.gestures import PickGestures
    from latent3d.qt.inspect.hover import HoverTip
    from latent3d.qt.inspect.image_panel import ImagePanel
    from latent3d.qt.inspect.selection_view import SelectionDisplay
    from latent3d.qt.style import follow_checked, window_action
    from latent3d.qt.widgets.while_shown import while_shown

    pick, time, compare = model.pick, model.time, model.compare
    panel = ImagePanel()
    filmstrip, path, neighbours_box = FilmstripBox(), PathBox(), NeighboursBox()
    for box in (filmstrip, path):
        box.setTitle("")  # the tab names it: the group box's own title would only take a line
        box.setStyleSheet("QGroupBox { border: none; margin-top: 0px; padding-top: 0px; }")
    views: list[SelectionDisplay | FilmstripView | PathView | NeighboursView] = [
             SelectionDisplay(pick, time, compare, panel, services.images, services.neighbours),
             FilmstripView(pick, time, filmstrip, before_seek=services.timeline.pause),
             PathView(pick, time, path, on_new_path=lambda: services.show_panel(path)),
             NeighboursView(pick, time, compare, neighbours_box, services.images, services.neighbours)]
    film_moves = while_shown(filmstrip, (views[1], (time, pick)))  # hidden tabs decode nothing per pick or move
    neighbours_moves = while_shown(neighbours_box, (views[3], (time, pick)))
    neighbours_box.select_requested.connect(model.groups.select_points)
    gestures = PickGestures(pick, time, services.view, path.steps.value,
                            refuse=lambda reason: services.message(f"Free roam is off: {reason}", 8000))
    hover = HoverTip(time, services.view)  # index and class of the point under a resting mouse
    roam_tip = ("Drag a yellow probe through the latent space and see what the decoder makes "
                "of each place, with the nearest test image (F; Escape leaves)")
    roam = window_action("Free roam", services.window, "F", checkable=True, tip=roam_tip)
    roam.setProperty("needs", "decoder")  # off for a run without one, whatever the rest of the feature can do

    def toggle_roam(on: bool) -> None:
        if gestures.set_free_roam(on) != on:  # refused (no decoder): the button does not stay pressed
            with QSignalBlocker(roam):
                roam.setChecked(False)

    def on_run(run: Run | None) -> None:  # a run without a decoder: off, and the tip says why
        reason = run.why_not("decoder") if run is not None else None
        roam.setEnabled(reason is None)
        roam.setToolTip(roam_tip if reason is None else f"Free roam is off: {reason}")
        roam.setStatusTip("" if reason is None else f"Free roam is off: {reason}")

    roam.toggled.connect(toggle_roam)
    time.events.run.connect(on_run)

    def on_probe(probe: object, old: object = None) -> None:
        if probe is not None and old is None:  # free roam began: the probe's dock comes to the front
            services.show_panel(panel.probe)

    pick.events.probe.connect(on_probe)
    follow_checked(roam, pick.events.probe, lambda p: p is not None)

    def escape() -> bool:
        pick.clear_selection()  # Escape drops the pick and leaves free roam; the path A->B stays
        return True

    def close() -> None:
        pick.events.probe.disconnect(on_probe)
        time.events.run.disconnect(on_run)
        for v in views:
            v.close()
        gestures.close()
        hover.close()

    return Parts(
        panels=[Panel(panel, "right", "Selected image", order=20, group="inspect", scroll=True),
                # the probe in a dock of its own (out of the image panel): free roam brings it to the front
                Panel(panel.probe, "right", "Free-roam probe", order=22, group="inspect", scroll=True),
                Panel(neighbours_box, "right", "Neighbours", order=25, group="inspect", scroll=True,
                      shown=neighbours_moves.shown),
                Panel(filmstrip, "bottom", "Reconstruction across snapshots", order=30, group="loss",
                      shown=film_moves.shown),
                Panel(path, "bottom", "Path A→B", order=40, group="loss")],
        actions={"View": [roam]}, toolbar=[(60, roam)], escape=escape, close=close,
        handles={"panel": panel, "filmstrip": filmstrip, "path": path, "neighbours_box": neighbours_box,
                 "gestures": gestures, "roam_action": roam, "selection_view": views[0], "filmstrip_view": views[1],
                 "path_view": views[2], "neighbours_view": views[3], "hover": hover})


FEATURE = Feature("inspect", build, frozenset({"labels"}))
