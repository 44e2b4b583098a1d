"""An idle feature costs nothing: hidden panels listen to no move, pick or probe, and catch up when shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QWidget

from latent3d.qt.widgets.while_shown import PerMove, while_shown
from latent3d.state.viewer_model import ViewerModel


def _front(window: Any, widget: QWidget) -> None:
    window.show_panel(widget)  # the window's own "bring this panel forward" (what a feature's build is given)


def test_a_hidden_tab_listens_to_no_move_and_catches_up_when_shown(window: Any, qtbot: Any) -> None:
    w, time = window, window.model.time
    groups = w.parts["groups"]["panel"]
    film, film_view = w.parts["inspect"]["filmstrip"], w.parts["inspect"]["filmstrip_view"]
    agreement = w.parts["compare"]["agreement"]
    for title in ("Group", "Reconstruction across snapshots", "Agreement"):  # closed, or tabbed behind
        w.docks[title].hide()
    qtbot.waitUntil(lambda: not (groups.isVisible() or film.isVisible() or agreement.isVisible()), timeout=5000)
    last = time.time.last
    time.position = 0.0
    cursor_before = agreement.position_line.value()
    group_snapshot = groups._snapshot
    w.model.pick.selected = 3  # a pick: the hidden filmstrip decodes nothing
    time.position = float(last)
    assert agreement.position_line.value() == cursor_before  # a hidden plot doesn't move its cursor
    assert groups._snapshot == group_snapshot and film.snapshots == []
    _front(w, groups)
    qtbot.waitUntil(groups.isVisible, timeout=5000)
    assert groups._snapshot == last  # caught up with the snapshot shown ...
    time.position = 1.0
    assert groups._snapshot == 1  # ... and follows the moves now
    _front(w, film)
    qtbot.waitUntil(film.isVisible, timeout=5000)
    assert film.snapshots and film_view is not None  # the filmstrip of the pick, built when its tab came forward
    _front(w, agreement)
    qtbot.waitUntil(agreement.isVisible, timeout=5000)
    assert agreement.position_line.value() != cursor_before  # shown, the cursor went where the timeline is


def test_per_move_handlers_pause_and_resume_with_their_widget(qtbot: Any) -> None:
    model = ViewerModel()
    calls: list[object] = []

    class View:
        def _on_selected(self, index: object) -> None:
            calls.append(index)

        def _on_run(self, run: object) -> None:  # not a per-move field: never paused
            calls.append(("run", run))

    view, tabs, shown, other = View(), QTabWidget(), QWidget(), QWidget()
    model.pick.events.selected.connect(view._on_selected)
    model.time.events.run.connect(view._on_run)
    tabs.addTab(other, "first")
    tabs.addTab(shown, "second")
    qtbot.addWidget(tabs)
    gate = while_shown(shown, (view, (model.pick, model.time)))
    per_move = gate.per_move
    assert isinstance(per_move, PerMove) and per_move.handlers == 1 and not per_move.connected
    tabs.show()
    qtbot.waitExposed(tabs)
    assert not per_move.connected  # the first tab is in front
    model.time.events.run.emit(None, None)
    assert calls == [("run", None)]
    tabs.setCurrentWidget(shown)
    assert per_move.connected and calls[-1] is None  # caught up with the current value on show
    model.pick.events.selected.emit(5, None)
    assert calls[-1] == 5
    tabs.setCurrentWidget(other)
    model.pick.events.selected.emit(6, 5)
    assert calls[-1] == 5 and not per_move.connected


def test_the_decoder_map_layer_listens_to_the_camera_only_while_it_is_on(window: Any, qtbot: Any) -> None:
    w = window
    camera, layers = w.model.camera.events.camera, w.model.layers
    layer = w.parts["decoder map"]["layer"]
    refreshed: list[int] = []
    real = layer.refresh
    layer.refresh = lambda: (refreshed.append(1), real())[1]  # the handlers look it up at each call
    off = len(camera)
    w.view.camera.Azimuth(5.0)  # a frame of a rotation: written to the camera model
    assert refreshed == []
    layers.toggle_decoder_map()
    assert len(camera) == off + 1  # on: the map faces the camera as it turns
    refreshed.clear()
    w.view.camera.Azimuth(5.0)
    assert refreshed == [1]
    layers.toggle_decoder_map()
    assert len(camera) == off  # off again: nothing per frame


def test_a_dock_tabbed_behind_pauses_its_panel(window: Any, qtbot: Any) -> None:
    w = window
    box, view = w.parts["inspect"]["neighbours_box"], w.parts["inspect"]["neighbours_view"]
    image = w.parts["inspect"]["panel"]
    w.show_panel(image)  # the selected image's dock in front of its tab group, the neighbours' behind
    w.model.pick.selected = 5
    assert view.ids.size == 0  # the neighbours' dock is behind: nothing was searched
    w.show_panel(box)
    qtbot.waitUntil(lambda: view.ids.size > 0, timeout=5000)  # in front: it caught up with the pick
