"""The Train dialog's dataset choice (remembered, garbage ignored) and the legend renamed after a run's classes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from latent3d.data.catalog import DATASETS
from latent3d.qt.display.legend import ClassLegend
from latent3d.qt.training.dialog import TrainDialog


def test_dataset_choice_is_offered_and_remembered(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(first)
    assert first.dataset() == "fashion-mnist"
    titles = [first.dataset_box.itemText(i) for i in range(first.dataset_box.count())]
    assert titles == ["Fashion-MNIST", "MNIST", "KMNIST"]
    first.dataset_box.setCurrentIndex(2)
    first.start_button.click()
    assert first.result() == first.DialogCode.Accepted and first.dataset() == "kmnist"
    second = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(second)
    assert second.dataset() == "kmnist"


def test_unknown_remembered_dataset_falls_back_to_fashion_mnist(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("train_dialog/dataset", "cifar10")
    dialog = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.dataset() == "fashion-mnist"


def test_legend_takes_the_runs_class_names_as_plain_text(qtbot) -> None:  # noqa: ANN001
    legend = ClassLegend(DATASETS["fashion-mnist"].class_names, [(200, 100, 50)] * 10)
    qtbot.addWidget(legend)
    names = ("<b>zero</b>", *DATASETS["mnist"].class_names[1:])
    legend.set_names(names)
    assert [legend.item(i).text() for i in range(10)] == [f"{i}  {n}" for i, n in enumerate(names)]
    legend.set_names(DATASETS["kmnist"].class_names)
    assert legend.item(9).text() == "9  wo"


def test_window_shows_an_mnist_runs_names_and_originals(qtbot, settings, tmp_path: Path) -> None:  # noqa: ANN001
    import json

    import numpy as np
    from qt.conftest import dispose, open_window

    from latent3d.data.datasets import load_split
    from tests.support.idx_fixtures import SHOWN, dataset_root
    from tests.support.scene_fixtures import make_run

    data = dataset_root(tmp_path / "data", "mnist")
    path = make_run(tmp_path / "mnist-run", n=100, epochs=1)
    meta = json.loads((path / "run.json").read_text())
    names = ["<i>zero</i>", *DATASETS["mnist"].class_names[1:]]  # valid text that would be markup if not escaped
    meta["dataset"] = {"name": "MNIST", "id": "mnist", "class_names": names}
    (path / "run.json").write_text(json.dumps(meta))
    w = open_window(qtbot, settings, data, path)
    try:
        legend = w.parts["display"]["legend"]
        assert [legend.item(i).text() for i in range(10)] == [f"{i}  {n}" for i, n in enumerate(names)]
        assert w.images.dataset == "mnist" and w.images.missing == ""
        np.testing.assert_array_equal(w.images.get(3), load_split(data, "test", "mnist")[0][3])
        assert 3 < SHOWN
        zero = int(np.flatnonzero(w.model.time.run.labels == 0)[0])
        w.model.pick.selected = zero
        assert "<b>&lt;i&gt;zero&lt;/i&gt;</b>" in w.parts["inspect"]["panel"].selection.details.text()
    finally:
        dispose(w)


def test_loss_panel_names_the_class_curves_after_the_run(qtbot, synthetic_run: Path) -> None:  # noqa: ANN001
    import dataclasses

    from latent3d.qt.loss.panel import LossPanel
    from latent3d.runs import load_run
    from latent3d.state.viewer_model import ViewerModel

    model = ViewerModel()
    panel = LossPanel(model.time, model.display)
    qtbot.addWidget(panel)
    run = load_run(synthetic_run)
    names = ["a<b>&c", *DATASETS["kmnist"].class_names[1:]]
    run = dataclasses.replace(run, meta={**run.meta, "dataset": {"class_names": names}})
    model.set_run(run)
    # The class curves are toggled by buttons beside the plot (issue 25): their text is plain, not markup.
    assert [b.text() for b in panel.class_bar.buttons] == names


def test_the_dialogs_dataset_reaches_the_training_job(window, monkeypatch) -> None:  # noqa: ANN001
    jobs = []
    monkeypatch.setattr(window.parts["training"]["training"].controller, "start", jobs.append)
    dialog = window.parts["training"]["training"].show_dialog()
    dialog.dataset_box.setCurrentIndex(dialog.dataset_box.findData("mnist"))
    dialog.train_images.setValue(100)
    assert dialog.threads_box.text() == "auto" and dialog.threads() is None
    dialog.threads_box.setValue(1)
    dialog.start_button.click()
    assert [job.dataset for job in jobs] == ["mnist"]
    assert [job.threads for job in jobs] == [1]  # the dialog's thread count reaches the training process
