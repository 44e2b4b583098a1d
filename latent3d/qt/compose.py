"""The window's composition root: the 3-D view, timeline, loss plot, files and every feature, built into a MainWindow.

This is the heavy half of the window (pyvista, matplotlib behind it, pyqtgraph, the feature panels).
:class:`latent3d.qt.main_window.MainWindow` imports it when it builds, so that a window started from
the command line can draw its run's cloud first (:mod:`latent3d.qt.canvas.preview`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from latent3d.data.images import load_test_images
from latent3d.qt import compare, decoder_map, display, groups, inspect, learning, own_images, training
from latent3d.qt.canvas.easing import CameraEaser
from latent3d.qt.canvas.export import ExportActions, Shown
from latent3d.qt.canvas.gestures import SceneController
from latent3d.qt.canvas.view import LatentView
from latent3d.qt.canvas.warm_start import warm_after_first_frame
from latent3d.qt.chrome import WindowChrome
from latent3d.qt.features import DOCK_AREAS, Feature, Panel, Services
from latent3d.qt.files.open_save import OpenSave
from latent3d.qt.layout import DockLayout
from latent3d.qt.loss.panel import LossPanel
from latent3d.qt.timeline.status_line import StatusLine
from latent3d.qt.timeline.widget import Timeline
from latent3d.qt.widgets.feature_frame import FeatureFrame
from latent3d.scene.core.presenter import ScenePresenter
from latent3d.scene.offscreen.render import render_model
from latent3d.state.neighbours import Neighbours

if TYPE_CHECKING:
    from latent3d.qt.main_window import MainWindow

__all__ = ["FEATURES", "compose"]

FRAMED = (*DOCK_AREAS, "beside-view")  # the areas where a feature's panel says why it is off
#: The features, in the order their menus, escapes and panels of equal order come (groups' Escape first).
FEATURES: tuple[Feature, ...] = (display.FEATURE, groups.FEATURE, inspect.FEATURE, learning.FEATURE, training.FEATURE,
                                 compare.FEATURE, decoder_map.FEATURE, own_images.FEATURE)


def compose(w: MainWindow) -> None:
    """Build the window's parts from its model and place them: view, timeline, loss plot, files, features, chrome."""
    model = w.model
    w.features = FEATURES
    w.images = load_test_images(w.data_dir)
    model.time.events.run.connect(w.images.show_run)  # first: every view then draws the new run's images
    w.neighbours = Neighbours(model.time)
    w.view = LatentView(w)
    w.scene = w.view.scene
    w.easer = CameraEaser(model.camera, w)
    w.presenter = ScenePresenter(model.time, model.camera, model.pick, model.display, model.compare, w.scene,
                                 w.view.request_render, probe_widget=True, follow_to=w.easer.ease_to)
    w.timeline = Timeline(model.time)
    w.loss_panel = LossPanel(model.time, model.display)
    w.status = StatusLine(model.time)
    w.files = OpenSave(model, w.settings, w, w.message, before_apply=w.timeline.pause)
    w.controller = SceneController(w.view)
    # A larger screenshot renders the whole picture again off screen, from every model.
    shown = Shown(model.time, lambda size, scale, caption: render_model(model, size, scale, caption))
    w.exports = ExportActions(w.view, shown, model.display, w.timeline.pause, w)
    services = Services(
        window=w, settings=w.settings, data_dir=w.data_dir, images=w.images, neighbours=w.neighbours,
        view=w.view, presenter=w.presenter, timeline=w.timeline, loss=w.loss_panel,
        canvas_busy=w.controller.busy, message=w.message, show_run=w.files.show_run,
        show_panel=w.show_panel)
    w.parts = {f.name: f.build(model, services) for f in FEATURES}
    _layout(w)
    w.chrome = chrome = WindowChrome(w, model, w.files, w.timeline, w.presenter, w.exports, list(w.parts.values()),
                                     w.layout_, lambda: w.run.path if w.run is not None else None)
    w.follow_action, w.fit_action, w.escape_action = chrome.follow_action, chrome.fit_action, chrome.escape_action
    w.runs_menu, w.show_shortcuts = chrome.runs_menu, chrome.show_shortcuts
    w.timeline.playing_changed.connect(w.controller.set_playing)
    w.view.signals.interacting.connect(w.on_interacting)
    model.time.events.run.connect(w.on_run)
    warm_after_first_frame(w.view, model.time, lambda: w.neighbours.index)  # the first click's costs, idle


def _layout(w: MainWindow) -> None:
    """The docks around the view, and the status bar's notes and strips."""
    panels = [Panel(w.loss_panel, "bottom", "Loss curves", order=10, group="loss", stretch=11)]
    for feature in FEATURES:
        for p in w.parts[feature.name].panels:
            if feature.needs and p.area in FRAMED:  # a frame that can say why the feature is off
                frame = FeatureFrame(p.widget)
                w.frames.setdefault(feature.name, []).append(frame)
                p = replace(p, widget=frame)
            panels.append(p)
    w.layout_ = DockLayout(w, w.view, w.timeline, panels)
    w.docks = w.layout_.docks
    bar = w.statusBar()
    for p in w.layout_.status:  # notes on the right (before the position and losses), strips on the left
        if p.order < 90:
            bar.addPermanentWidget(p.widget)
    w.status.add_to(bar)
    for p in w.layout_.status:
        if p.order >= 90:
            bar.addWidget(p.widget, p.stretch)
