"""The learning panels, built from a bare ViewerState and the background LearningService."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from latent3d.analysis.learning import analyse, hardest
from latent3d.qt.learning.data_map import DataMap
from latent3d.qt.learning.hardest_list import HardestList
from latent3d.qt.learning.learned_histogram import LearnedHistogram
from latent3d.qt.learning.purity_plot import PurityPlot
from latent3d.qt.learning.service import LearningService
from latent3d.runs import Run, load_run
from latent3d.state.viewer_state import ViewerState
from tests.support.scene_fixtures import grown


@pytest.fixture
def run(synthetic_run: Path) -> Run:
    return load_run(synthetic_run)


def _done(service: LearningService, run: Run) -> bool:
    a = service.analysis
    return a is not None and not a.partial and np.array_equal(a.steps, run.steps)


def _loaded(qtbot, state: ViewerState, service: LearningService, run: Run) -> None:  # noqa: ANN001
    state.set_run(run)
    qtbot.waitUntil(lambda: _done(service, run), timeout=20_000)


def _show(qtbot, widget: QWidget, size: tuple[int, int] = (800, 300)) -> None:  # noqa: ANN001
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)


def test_service_computes_in_the_background_and_grows_incrementally(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    notes: list[str] = []
    service.busy.connect(notes.append)
    published: list[object] = []
    service.ready.connect(published.append)
    _loaded(qtbot, state, service, grown(run, 3))
    first = service.analysis
    assert first is not None and first.computed == 3 and notes == ["Working out when each class separated…", ""]
    assert published == [first]  # three new snapshots: no quick part first
    _loaded(qtbot, state, service, run)  # a live training's next snapshot
    assert service.analysis is not None and service.analysis.computed == 1
    np.testing.assert_array_equal(service.analysis.purity[:3], first.purity)
    with qtbot.waitSignal(service.ready, timeout=5_000):
        state.set_run(grown(run, 3))  # back to a run seen before: cached, published at once
    service.close()


def test_a_run_just_opened_shows_its_quick_part_first(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    published: list[object] = []
    service.ready.connect(published.append)
    m, plot = DataMap(state, service), PurityPlot(state, service)
    for w in (m, plot):
        _show(qtbot, w)
    _loaded(qtbot, state, service, run)  # four snapshots to compute: the quick part comes first
    quick, full = published  # type: ignore[misc]
    assert quick.partial and quick.events == [] and np.isnan(quick.purity).all()  # type: ignore[attr-defined]
    np.testing.assert_array_equal(quick.learned, full.learned)  # type: ignore[attr-defined]
    assert not full.partial and full.events  # type: ignore[attr-defined]
    assert len(m.scatter.data) == len(run.labels) and len(plot.event_lines) == len(full.events)  # type: ignore
    service.close()


def test_purity_plot_shows_curves_and_event_lines_that_seek(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    plot = PurityPlot(state, service)
    _show(qtbot, plot)
    _loaded(qtbot, state, service, run)
    a = service.analysis
    assert a is not None and a.events
    x, y = plot.classes[3].getData()
    np.testing.assert_allclose(y, a.purity[:, 3])
    np.testing.assert_allclose(x, np.log10(1.0 + a.steps))
    assert len(plot.event_lines) == len(a.events)
    assert all("interpolated" in line.toolTip() for line in plot.event_lines)
    event = a.events[-1]
    line = plot.event_lines[-1]
    plot._on_event_clicked(line, None)  # what pyqtgraph calls on a click on the line
    assert state.step == pytest.approx(event.step)
    state.time_axis = "linear"
    assert plot.event_lines[-1].value() == pytest.approx(event.step)
    plot.close_panel()
    service.close()


def _scene_pos(m: DataMap, i: int) -> QPointF:
    return m.view.mapViewToScene(QPointF(float(m.xy[i, 0]), float(m.xy[i, 1])))


def test_data_map_hover_click_box_and_hidden_classes(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    images = {7: np.full((28, 28), 200, np.uint8)}
    m = DataMap(state, service, image_of=images.get)
    _show(qtbot, m, (900, 400))
    _loaded(qtbot, state, service, run)
    a = service.analysis
    assert a is not None
    assert len(m.scatter.data) == len(run.labels)
    np.testing.assert_allclose(m.xy[:, 0], run.test_bce.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(m.xy[:, 1], run.test_bce.std(axis=0), rtol=1e-4)
    m.hover(_scene_pos(m, 7))
    assert m.hovered == 7 and m.caption.text().startswith("#7 ") and m.thumb.image is not None
    assert int(m.thumb.image[0, 0]) == 200  # the test image itself
    m.hover(_scene_pos(m, 8))
    assert m.hovered == 8 and m.thumb.image is not None  # not on disk: its reconstruction
    click = SimpleNamespace(button=lambda: Qt.MouseButton.LeftButton, scenePos=lambda: _scene_pos(m, 8))
    m._on_clicked(click)
    assert state.selected == 8 and len(m.highlight.data) == 1
    lo, hi = np.percentile(m.xy, 30, axis=0), np.percentile(m.xy, 70, axis=0)
    with qtbot.waitSignal(m.box_selected) as blocker:
        m._on_box(QRectF(QPointF(lo[0], lo[1]), QPointF(hi[0], hi[1])))
    inside = np.flatnonzero((m.xy >= lo).all(axis=1) & (m.xy <= hi).all(axis=1))
    np.testing.assert_array_equal(blocker.args[0], inside)
    state.hidden_classes = {int(run.labels[8])}
    assert len(m.scatter.data) == int((run.labels != run.labels[8]).sum()) and len(m.highlight.data) == 0
    assert m.index_at(_scene_pos(m, 8)) != 8
    m.y_axis.setCurrentIndex(2)  # final BCE
    np.testing.assert_allclose(m.xy[:, 1], run.test_bce[-1], rtol=1e-6)
    m.close_map()
    service.close()


def test_data_map_shift_drag_draws_a_box(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    m = DataMap(state, service)
    _show(qtbot, m, (900, 400))
    _loaded(qtbot, state, service, run)
    got: list[np.ndarray] = []
    m.box_selected.connect(got.append)
    vb = m.view
    (x0, x1), (y0, y1) = vb.viewRange()
    a, b = QPointF(x0, y0), QPointF(x1, y1)  # the whole view: every point

    def drag(finish: bool) -> SimpleNamespace:
        return SimpleNamespace(button=lambda: Qt.MouseButton.LeftButton,
                               modifiers=lambda: Qt.KeyboardModifier.ShiftModifier,
                               buttonDownPos=lambda: vb.mapFromView(a), pos=lambda: vb.mapFromView(b),
                               isFinish=lambda: finish, accept=lambda: None)

    vb.mouseDragEvent(drag(False))
    assert vb.box.isVisible() and not got
    vb.mouseDragEvent(drag(True))
    assert not vb.box.isVisible() and len(got) == 1 and len(got[0]) == len(run.labels)
    m.close_map()
    service.close()


def test_hardest_list_follows_the_snapshot_and_selects(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    h = HardestList(state, n=10)
    _show(qtbot, h, (400, 400))
    state.set_run(run, position=1.0)
    np.testing.assert_array_equal(h.indices, hardest(run.test_bce, 1, 10))
    assert "step" in h.title.text() and len(h.grid.images) == 10
    state.position = 3.0
    np.testing.assert_array_equal(h.indices, hardest(run.test_bce, 3, 10))
    hidden = int(run.labels[h.indices[0]])
    state.hidden_classes = {hidden}
    assert not np.isin(run.labels[h.indices], [hidden]).any()
    h.grid.clicked.emit(2)
    assert state.selected == int(h.indices[2]) and h.grid.current == 2
    h.close_list()


def test_histogram_counts_every_learned_image(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    hist = LearnedHistogram(state, service)
    _show(qtbot, hist)
    _loaded(qtbot, state, service, run)
    a = service.analysis
    assert a is not None
    assert int(hist.counts.sum()) + a.never == len(run.labels)
    for c in range(10):
        assert int(hist.counts[c].sum()) == int(((a.labels == c) & (a.learned >= 0)).sum())
    state.time_axis = "linear"
    assert int(hist.counts.sum()) + a.never == len(run.labels)
    hist.close_panel()
    service.close()


def test_a_run_of_one_snapshot_shows_no_events_and_does_not_crash(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    host = QWidget()
    widgets = [PurityPlot(state, service), DataMap(state, service), LearnedHistogram(state, service),
               HardestList(state)]  # the event ticks: tests/qt/learning/test_event_ticks.py
    layout = QVBoxLayout(host)
    for w in widgets:
        layout.addWidget(w)
    _show(qtbot, host, (900, 900))
    _loaded(qtbot, state, service, grown(run, 1))
    assert service.analysis is not None and service.analysis.events == []
    assert widgets[0].event_lines == []  # type: ignore[attr-defined]
    assert "one snapshot" in widgets[2].never.toPlainText()  # type: ignore[attr-defined]
    assert analyse(grown(run, 1)).never == len(run.labels)
    service.close()


def test_image_panel_shows_when_the_image_was_learned(qtbot) -> None:  # noqa: ANN001
    from latent3d.qt.inspect.image_panel import ImagePanel

    panel = ImagePanel()
    _show(qtbot, panel, (340, 600))
    panel.show_selection(index=3, class_name="Dress", position=np.zeros(3), at="step 64", bce=0.3,
                         reconstruction=np.zeros(784, np.float32), original=None, missing=None,
                         learned="learned at step 85")
    assert "learned at step 85" in panel.selection.details.text()
    panel.show_selection(index=3, class_name="Dress", position=np.zeros(3), at="step 64", bce=0.3,
                         reconstruction=np.zeros(784, np.float32), original=None, missing=None)
    assert "learned" not in panel.selection.details.text()


def test_plots_follow_the_hidden_classes(qtbot, run: Run) -> None:  # noqa: ANN001
    state = ViewerState()
    service = LearningService(state)
    plot, hist = PurityPlot(state, service), LearnedHistogram(state, service)
    for w in (plot, hist):
        _show(qtbot, w)
    _loaded(qtbot, state, service, run)
    state.hidden_classes = {2, 5}
    assert [c.isVisible() for c in plot.classes] == [c not in (2, 5) for c in range(10)]
    assert [c.isVisible() for c in hist.classes] == [c not in (2, 5) for c in range(10)]
    state.hidden_classes = set()
    assert all(c.isVisible() for c in (*plot.classes, *hist.classes))
    plot.close_panel()
    hist.close_panel()
    service.close()


def test_the_window_hosts_the_learning_views(qtbot, settings, synthetic_run: Path) -> None:  # noqa: ANN001
    from qt.conftest import dispose, open_window

    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        service = w.parts["learning"]["views"].service
        qtbot.waitUntil(lambda: _done(service, w.state.run), timeout=20_000)
        tabs = [w.bottom_tabs.tabText(i) for i in range(w.bottom_tabs.count())]
        assert "Data map" in tabs and w.parts["learning"]["views"].purity.isVisibleTo(w) is True
        ticks = w.parts["learning"]["views"].ticks
        assert ticks in w.timeline.ticks.layers and ticks.events == service.analysis.events
        w.state.selected = 5
        assert "learned" in w.parts["inspect"]["panel"].selection.details.text()
        w.state.color = "learned"
        assert w.presenter.colours.bar.GetTitle() == "learned at step"
        w.parts["learning"]["views"].data_map.box_selected.emit(np.array([3, 4, 9], np.int64))  # a box in the data map
        assert w.state.group is not None and set(w.state.group.tolist()) == {3, 4, 9}  # the selections' group
    finally:
        dispose(w)


def test_class_names_of_another_dataset_are_shown_as_text(qtbot, run: Run) -> None:  # noqa: ANN001
    import dataclasses

    names = [f"<b>c{c}</b>{{x}}" for c in range(10)]
    other = dataclasses.replace(run, meta={**run.meta, "dataset": {**(run.meta.get("dataset") or {}),
                                                                   "class_names": names}})
    state = ViewerState()
    service = LearningService(state)
    plot = PurityPlot(state, service)
    _show(qtbot, plot)
    _loaded(qtbot, state, service, other)
    a = service.analysis
    assert a is not None and a.class_names == tuple(names)
    assert a.events and all(e.label.startswith("<b>c") for e in a.events if e.kind == "class")
    assert plot.legend.items[1][1].text == "&lt;b&gt;c0&lt;/b&gt;{x}"
    k = [e.kind for e in a.events].index("class")
    line, event = plot.event_lines[k], a.events[k]
    assert line.label.toPlainText() == event.label.removesuffix(" separates")  # the name itself, as text
    assert line.toolTip().startswith("<span>") and "&lt;b&gt;c" in line.toolTip() and "<b>" not in line.toolTip()
    plot.close_panel()
    service.close()
