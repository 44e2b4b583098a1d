"""The learning panels, built from a bare ViewerModel and the background service that writes its learning model."""

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
from latent3d.qt.learning.service import BUSY_NOTE, LearningService
from latent3d.runs import Run, load_run
from latent3d.state.learning import LearningModel
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import grown
from tests.support.step_plots import assert_axis_switch_keeps_the_step


@pytest.fixture
def run(synthetic_run: Path) -> Run:
    return load_run(synthetic_run)


def _done(learning: LearningModel, run: Run) -> bool:
    a = learning.result
    return a is not None and not a.partial and np.array_equal(a.steps, run.steps)


def _loaded(qtbot, model: ViewerModel, run: Run) -> None:  # noqa: ANN001
    model.set_run(run)
    qtbot.waitUntil(lambda: _done(model.learning, run), timeout=20_000)


def _service(model: ViewerModel) -> LearningService:
    return LearningService(model.learning, model.time)


def _show(qtbot, widget: QWidget, size: tuple[int, int] = (800, 300)) -> None:  # noqa: ANN001
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)


def _analysed(qtbot, run: Run, make, size: tuple[int, int] = (800, 300)):  # noqa: ANN001, ANN202
    """A widget ``make(model)`` of a bare model, shown, with ``run`` loaded and analysed: (model, service, widget)."""
    model = ViewerModel()
    service = _service(model)
    widget = make(model)
    _show(qtbot, widget, size)
    _loaded(qtbot, model, run)
    return model, service, widget


def test_service_computes_in_the_background_and_grows_incrementally(qtbot, run: Run) -> None:  # noqa: ANN001
    model = ViewerModel()
    service = _service(model)
    notes: list[str] = []
    model.learning.events.status.connect(lambda note: notes.append(note))
    published: list[object] = []
    model.learning.events.result.connect(lambda a: published.append(a))
    _loaded(qtbot, model, grown(run, 3))
    first = model.learning.result
    assert first is not None and first.computed == 3 and notes == [BUSY_NOTE, ""]
    assert BUSY_NOTE == "Working out when each class separated…"
    assert published == [first]  # three new snapshots: no quick part first
    _loaded(qtbot, model, run)  # a live training's next snapshot
    latest = model.learning.result
    assert latest is not None and latest.computed == 1
    np.testing.assert_array_equal(latest.purity[:3], first.purity)
    before = len(published)
    model.set_run(grown(run, 3))  # back to a run seen before: cached, published at once
    qtbot.waitUntil(lambda: len(published) == before + 1, timeout=5_000)
    service.close()


def test_a_run_just_opened_shows_its_quick_part_first(qtbot, run: Run) -> None:  # noqa: ANN001
    model = ViewerModel()
    service = _service(model)
    published: list[object] = []
    model.learning.events.result.connect(lambda a: published.append(a))
    m = DataMap(model.learning, model.time, model.display, model.pick)
    plot = PurityPlot(model.learning, model.time, model.display)
    for w in (m, plot):
        _show(qtbot, w)
    _loaded(qtbot, model, run)  # four snapshots to compute: the quick part comes first
    quick, full = published  # type: ignore[misc]
    assert quick.partial and quick.events == [] and np.isnan(quick.purity).all()  # type: ignore[attr-defined]
    np.testing.assert_array_equal(quick.learned, full.learned)  # type: ignore[attr-defined]
    assert not full.partial and full.events  # type: ignore[attr-defined]
    assert len(m.scatter.data) == len(run.labels) and len(plot.event_lines) == len(full.events)  # type: ignore
    service.close()


def test_purity_plot_shows_curves_and_event_lines_that_seek(qtbot, run: Run) -> None:  # noqa: ANN001
    model, service, plot = _analysed(qtbot, run, lambda m: PurityPlot(m.learning, m.time, m.display))
    a = model.learning.result
    assert a is not None and a.events
    x, y = plot.classes[3].getData()
    np.testing.assert_allclose(y, a.purity[:, 3])
    np.testing.assert_allclose(x, np.log10(1.0 + a.steps))
    assert len(plot.event_lines) == len(a.events)
    assert all("interpolated" in line.toolTip() for line in plot.event_lines)
    event = a.events[-1]
    line = plot.event_lines[-1]
    plot._on_event_clicked(line, None)  # what pyqtgraph calls on a click on the line
    assert model.time.step == pytest.approx(event.step)
    model.time.time_axis = "linear"
    assert plot.event_lines[-1].value() == pytest.approx(event.step)
    plot.close_panel()
    service.close()


@pytest.mark.parametrize("first", ["linear", "log"])
def test_a_switch_of_time_axis_keeps_the_step_on_the_purity_plot(qtbot, run: Run, first: str) -> None:  # noqa: ANN001
    """The cursor held the old axis's value: clamped to the new bounds it seeked (linear -> log: the last step)."""
    model, service, plot = _analysed(qtbot, run, lambda m: PurityPlot(m.learning, m.time, m.display))
    assert_axis_switch_keeps_the_step(model.time, first)
    plot.close_panel()
    service.close()


def test_the_results_reach_the_model_on_the_gui_thread(qtbot, run: Run) -> None:  # noqa: ANN001
    import threading

    model = ViewerModel()
    service = _service(model)
    threads: list[int] = []
    model.learning.events.result.connect(lambda _a: threads.append(threading.get_ident()))
    model.learning.events.status.connect(lambda _s: threads.append(threading.get_ident()))
    _loaded(qtbot, model, run)
    assert len(threads) >= 3 and set(threads) == {threading.get_ident()}  # busy, quick part, whole, done
    service.close()


def test_closing_stops_the_worker_between_two_snapshots(qtbot, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """No thread is left computing when the window closes (it printed an error as the application exited)."""
    import time

    from latent3d.analysis import purity

    knn = purity.knn_purity
    done: list[int] = []

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        time.sleep(0.2)  # a run whose purity takes seconds
        done.append(1)
        return knn(*args, **kwargs)

    monkeypatch.setattr(purity, "knn_purity", slow)
    model = ViewerModel()
    service = _service(model)
    model.set_run(run)
    worker = service._worker
    assert worker is not None
    qtbot.waitUntil(lambda: len(done) >= 1, timeout=10_000)  # computing the purity now
    service.close()
    assert not worker.is_running and len(done) < run.n_snapshots
    qtbot.wait(50)
    assert model.learning.result is None or model.learning.result.partial  # the stopped work is dropped


def _scene_pos(m: DataMap, i: int) -> QPointF:
    return m.view.mapViewToScene(QPointF(float(m.xy[i, 0]), float(m.xy[i, 1])))


def test_data_map_hover_click_box_and_hidden_classes(qtbot, run: Run) -> None:  # noqa: ANN001
    images = {7: np.full((28, 28), 200, np.uint8)}
    model, service, m = _analysed(qtbot, run, lambda m: DataMap(m.learning, m.time, m.display, m.pick,
                                                                image_of=images.get), (900, 400))
    a = model.learning.result
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
    assert model.pick.selected == 8 and len(m.highlight.data) == 1
    lo, hi = np.percentile(m.xy, 30, axis=0), np.percentile(m.xy, 70, axis=0)
    with qtbot.waitSignal(m.box_selected) as blocker:
        m._on_box(QRectF(QPointF(lo[0], lo[1]), QPointF(hi[0], hi[1])))
    inside = np.flatnonzero((m.xy >= lo).all(axis=1) & (m.xy <= hi).all(axis=1))
    np.testing.assert_array_equal(blocker.args[0], inside)
    model.display.hidden_classes = {int(run.labels[8])}
    assert len(m.scatter.data) == int((run.labels != run.labels[8]).sum()) and len(m.highlight.data) == 0
    assert m.index_at(_scene_pos(m, 8)) != 8
    m.y_axis.setCurrentIndex(2)  # final BCE
    np.testing.assert_allclose(m.xy[:, 1], run.test_bce[-1], rtol=1e-6)
    m.close_map()
    service.close()


def test_data_map_shift_drag_draws_a_box(qtbot, run: Run) -> None:  # noqa: ANN001
    model, service, m = _analysed(qtbot, run, lambda m: DataMap(m.learning, m.time, m.display, m.pick), (900, 400))
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
    model = ViewerModel()
    h = HardestList(model.time, model.display, model.pick, n=10)
    _show(qtbot, h, (400, 400))
    model.set_run(run, position=1.0)
    np.testing.assert_array_equal(h.indices, hardest(run.test_bce, 1, 10))
    assert "step" in h.title.text() and len(h.grid.images) == 10
    model.time.position = 3.0
    np.testing.assert_array_equal(h.indices, hardest(run.test_bce, 3, 10))
    hidden = int(run.labels[h.indices[0]])
    model.display.hidden_classes = {hidden}
    assert not np.isin(run.labels[h.indices], [hidden]).any()
    h.grid.clicked.emit(2)
    assert model.pick.selected == int(h.indices[2]) and h.grid.current == 2
    h.close_list()


def test_histogram_counts_every_learned_image(qtbot, run: Run) -> None:  # noqa: ANN001
    model, service, hist = _analysed(qtbot, run, lambda m: LearnedHistogram(m.learning, m.time, m.display))
    a = model.learning.result
    assert a is not None
    assert int(hist.counts.sum()) + a.never == len(run.labels)
    for c in range(10):
        assert int(hist.counts[c].sum()) == int(((a.labels == c) & (a.learned >= 0)).sum())
    model.time.time_axis = "linear"
    assert int(hist.counts.sum()) + a.never == len(run.labels)
    hist.close_panel()
    service.close()


def test_a_run_of_one_snapshot_shows_no_events_and_does_not_crash(qtbot, run: Run) -> None:  # noqa: ANN001
    model = ViewerModel()
    service = _service(model)
    host = QWidget()
    m = model
    widgets = [PurityPlot(m.learning, m.time, m.display), DataMap(m.learning, m.time, m.display, m.pick),
               LearnedHistogram(m.learning, m.time, m.display),
               HardestList(m.time, m.display, m.pick)]  # the event ticks: tests/qt/learning/test_event_ticks.py
    layout = QVBoxLayout(host)
    for w in widgets:
        layout.addWidget(w)
    _show(qtbot, host, (900, 900))
    _loaded(qtbot, model, grown(run, 1))
    assert model.learning.result is not None and model.learning.result.events == []
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
    model = ViewerModel()
    service = _service(model)
    plot = PurityPlot(model.learning, model.time, model.display)
    hist = LearnedHistogram(model.learning, model.time, model.display)
    for w in (plot, hist):
        _show(qtbot, w)
    _loaded(qtbot, model, run)
    model.display.hidden_classes = {2, 5}
    assert [c.isVisible() for c in plot.classes] == [c not in (2, 5) for c in range(10)]
    assert [c.isVisible() for c in hist.classes] == [c not in (2, 5) for c in range(10)]
    model.display.hidden_classes = set()
    assert all(c.isVisible() for c in (*plot.classes, *hist.classes))
    plot.close_panel()
    hist.close_panel()
    service.close()


def test_the_window_hosts_the_learning_views(qtbot, settings, synthetic_run: Path) -> None:  # noqa: ANN001
    from qt.conftest import dispose, open_window

    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        learning = w.model.learning  # the service writes the learning model
        qtbot.waitUntil(lambda: _done(learning, w.model.time.run), timeout=20_000)
        assert "Data map" in w.docks and w.parts["learning"]["views"].purity.isVisibleTo(w) is True
        ticks = w.parts["learning"]["views"].ticks
        assert ticks in w.timeline.ticks.layers and ticks.events == learning.result.events
        w.model.pick.selected = 5
        assert "learned" in w.parts["inspect"]["panel"].selection.details.text()
        w.model.display.color = "learned"
        assert w.presenter.colours.bar.GetTitle() == "learned at step"
        w.parts["learning"]["views"].data_map.box_selected.emit(np.array([3, 4, 9], np.int64))  # a box in the data map
        group = w.model.groups.group
        assert group is not None and set(group.tolist()) == {3, 4, 9}  # the selections' group
    finally:
        dispose(w)


def test_class_names_of_another_dataset_are_shown_as_text(qtbot, run: Run) -> None:  # noqa: ANN001
    import dataclasses

    names = [f"<b>c{c}</b>{{x}}" for c in range(10)]
    other = dataclasses.replace(run, meta={**run.meta, "dataset": {**(run.meta.get("dataset") or {}),
                                                                   "class_names": names}})
    model, service, plot = _analysed(qtbot, other, lambda m: PurityPlot(m.learning, m.time, m.display))
    a = model.learning.result
    assert a is not None and a.class_names == tuple(names)
    assert a.events and all(e.label.startswith("<b>c") for e in a.events if e.kind == "class")
    assert plot.legend.items[1][1].text == "&lt;b&gt;c0&lt;/b&gt;{x}"
    k = next(i for i, (e, line) in enumerate(zip(a.events, plot.event_lines))
             if e.kind == "class" and line.label.toPlainText())
    line, event = plot.event_lines[k], a.events[k]
    assert line.label.toPlainText() == event.label.removesuffix(" separates")  # the name itself, as text
    assert line.toolTip().startswith("<span>") and "&lt;b&gt;c" in line.toolTip() and "<b>" not in line.toolTip()
    plot.close_panel()
    service.close()


def test_event_labels_never_touch_and_every_event_keeps_its_line(qtbot, run: Run) -> None:  # noqa: ANN001
    from latent3d.qt.learning.purity_plot import LABEL_GAP

    model, service, plot = _analysed(qtbot, run, lambda m: PurityPlot(m.learning, m.time, m.display))
    a = model.learning.result
    assert a is not None and a.events and len(plot.event_lines) == len(a.events)
    ends = plot.x_of(np.array([a.steps[0], a.steps[-1]]))
    gap = LABEL_GAP * float(ends[1] - ends[0])
    xs = [line.value() for line in plot.event_lines if line.label.toPlainText()]
    assert xs and all(b - x >= gap * (1 - 1e-9) for x, b in zip(xs, xs[1:]))  # labels apart: none covers another
    assert all(line.toolTip() for line in plot.event_lines)  # every event still has its line and its words
    plot.close_panel()
    service.close()
