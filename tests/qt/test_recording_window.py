"""A recording of another network in the real window: what needs a decoder is off and says why, the rest works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from qt.conftest import dispose, open_window

from latent3d.qt.widgets.image_view import to_uint8
from latent3d.runs import load_run
from latent3d.runs.recording_writer import RecordingWriter
from latent3d.state.values import PathState

N, D = 300, 64
NAMES = [f"class {c}" for c in range(10)]


def make_recording(target: Path, *, decoder: bool = False, losses: bool = True, images: bool = True,
                   side: int = 28) -> Path:
    """A 64-D recording through the real writer: ten classes drifting apart over five snapshots."""
    rng = np.random.default_rng(1)
    labels = (np.arange(N) % 10).astype(np.uint8)
    centres = rng.normal(size=(10, D)) * 4.0
    meta = {"steps_per_epoch": 10, "epochs": 2, "points": N, "dim": D, "dtype": "float32", "schedule": "log",
            "losses": losses, "labels": True, "images": {"shape": [side, side]} if images else None,
            "decoder": {"widths": [D, 32, side * side], "image_shape": [side, side]} if decoder else None,
            "dataset": {"name": "toy", "class_names": NAMES}, "source": "recorder"}
    pixels = rng.integers(0, 256, (N, side, side)).astype(np.uint8)
    w = RecordingWriter(target, meta, labels=labels, images=pixels if images else None, sync=False)
    for k, step in enumerate((0, 2, 5, 10, 20)):
        codes = rng.normal(size=(N, D)) + centres[labels] * (k / 4)
        dec = {"decoder.0.weight": rng.normal(size=(32, D)) * 0.1, "decoder.0.bias": rng.normal(size=32),
               "decoder.1.weight": rng.normal(size=(side * side, 32)) * 0.1,
               "decoder.1.bias": rng.normal(size=side * side)}
        w.add_snapshot(step, codes.astype(np.float32), rng.random(N).astype(np.float32) if losses else None,
                       dec if decoder else None)
    w.finish()
    return target


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("recordings")
    return {"bare": make_recording(root / "bare"), "vae": make_recording(root / "vae", decoder=True),
            "nolosses": make_recording(root / "nolosses", losses=False, images=False, side=32)}


@pytest.fixture
def rec_window(qtbot, settings: QSettings, recordings: dict[str, Path], data_dir_or_none: Path | None,  # noqa: ANN001
               request: pytest.FixtureRequest) -> Iterator[object]:
    w = open_window(qtbot, settings, data_dir_or_none, recordings[getattr(request, "param", "bare")])
    yield w
    dispose(w)


def _sentence(w) -> str:  # noqa: ANN001
    reason = w.run.why_not("decoder")
    assert reason is not None and reason.startswith("Run bare was recorded without a decoder")
    return reason


def test_features_needing_a_decoder_are_off_saying_why(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    assert w.run.kind == "recording" and w.run.embedding_dim == D
    reason = _sentence(w)
    for name in ("decoder map", "own images"):
        frames = w.frames[name]
        assert frames and all(f.reason is not None and f.reason.startswith("Run bare ") for f in frames)
        assert all(not a.isEnabled() for acts in w.parts[name].actions.values() for a in acts)
    assert w.frames["decoder map"][0].reason == reason
    for name in ("inspect", "groups", "learning", "compare", "display"):  # labels were recorded: these work
        assert all(f.reason is None for f in w.frames.get(name, []))


def test_pick_shows_the_recorded_input_and_why_there_is_no_reconstruction(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    w.model.pick.selected = 7
    panel = w.parts["inspect"]["panel"].selection
    # the recording's own image 7, never Fashion-MNIST's test image 7 (the data folder may be there)
    np.testing.assert_array_equal(panel.left.image, to_uint8(w.run.images[7]))
    assert panel.right.image is None and "No decoder" in panel.right.text()
    text = panel.details.text()
    assert "class 7" in text and "recorded without a decoder" in text and "loss" in text
    w.timeline.set_position(3)  # moving on keeps showing it, without decoding
    assert "recorded without a decoder" in panel.details.text()


def test_free_roam_is_refused_with_the_sentence(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    roam = w.parts["inspect"]["roam_action"]
    assert not roam.isEnabled() and _sentence(w) in roam.toolTip()
    said: list[str] = []
    w.statusBar().messageChanged.connect(said.append)
    assert w.parts["inspect"]["gestures"].set_free_roam(True) is False
    assert w.model.pick.probe is None and any(_sentence(w) in s for s in said)
    roam.setEnabled(True)  # even if something enabled the button, a press is refused and does not stay down
    roam.trigger()
    assert not roam.isChecked() and w.model.pick.probe is None
    w.model.pick.probe = (0.0, 0.0, 0.0)  # a probe from a view file: the probe's box says why, nothing decodes
    assert "recorded without a decoder" in w.parts["inspect"]["panel"].probe.details.text()


def test_filmstrip_and_path_say_why_and_neighbours_show_the_inputs(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    film = w.parts["inspect"]["filmstrip"]
    w.show_panel(film)  # a panel whose dock is behind another follows no pick
    w.model.pick.selected = 4
    assert film.grid.images == [] and film.body.hint.text() == _sentence(w)
    w.model.pick.path = PathState(4, 9, 0.5, 6)
    path = w.parts["inspect"]["path"]
    assert path.grid.images == [] and path.body.hint.text() == _sentence(w) and "#9" in path.ends.text()
    assert w.presenter.path_overlay.visible  # the path itself is drawn in the view
    w.show_panel(w.parts["inspect"]["neighbours_box"])
    w.model.pick.selected = 5
    ids = w.parts["inspect"]["neighbours_view"].ids
    grid = w.parts["inspect"]["neighbours_box"].grid
    assert len(ids) > 0
    np.testing.assert_array_equal(np.stack(grid.images), np.stack([to_uint8(w.run.images[i]) for i in ids]))
    w.show_panel(film)  # the new path brought its own dock in front of the filmstrip's
    w.model.pick.selected = None  # and back: the hint again, not the sentence
    assert film.body.hint.text() == film.body.default_hint


def test_groups_gallery_and_hardest_list_show_the_inputs(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    w.model.groups.select_class(3)
    panel = w.parts["groups"]["panel"]
    panel.set_page(0)
    idx = panel.page_indices
    assert len(idx) == N // 10 and panel.gallery.originals is None
    np.testing.assert_array_equal(np.stack(panel.gallery.images), np.stack([to_uint8(w.run.images[i]) for i in idx]))
    hardest = w.parts["learning"]["views"].hardest
    hardest.refresh(force=True)
    top = hardest.indices
    assert len(top) == 20 and float(w.run.test_bce[w.model.time.snapshot, top[0]]) == w.run.test_bce[
        w.model.time.snapshot].max()
    np.testing.assert_array_equal(np.stack(hardest.grid.images), np.stack([to_uint8(w.run.images[i]) for i in top]))
    assert "highest loss first" in hardest.title.text()


def test_decoder_map_asked_by_a_view_file_draws_nothing(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    w.model.layers.toggle_decoder_map()  # what a view file saved on another run would do
    w.timeline.set_position(2)
    assert w.parts["decoder map"]["panel"].image is None
    own = w.parts["own images"]["panel"]
    assert not own.isEnabled() or not own.parent().isEnabled()


@pytest.mark.parametrize("rec_window", ["nolosses"], indirect=True)
def test_a_recording_without_images_or_losses_says_so(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    w.model.pick.selected = 2
    panel = w.parts["inspect"]["panel"].selection
    assert panel.left.image is None and "holds no input images" in panel.details.text()
    assert "not recorded" in panel.details.text()
    hardest = w.parts["learning"]["views"].hardest
    hardest.refresh(force=True)
    assert len(hardest.indices) == 0 and "holds no per-sample losses" in hardest.title.text()
    w.model.groups.select_class(1)
    gallery = w.parts["groups"]["panel"].gallery
    assert len(gallery.images) == N // 10 and all(not im.any() for im in gallery.images)  # dark squares


@pytest.mark.parametrize("rec_window", ["vae"], indirect=True)
def test_with_a_decoder_decoding_works(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    assert w.run.why_not("decoder") is None and w.frames["decoder map"][0].reason is None
    s = w.model.time.snapshot
    w.show_panel(w.parts["inspect"]["filmstrip"])  # a panel whose dock is behind another follows no pick
    w.model.pick.selected = 6
    panel = w.parts["inspect"]["panel"].selection
    np.testing.assert_array_equal(panel.right.image, to_uint8(w.run.decoder(s)(w.run.codes[s, 6])[0]))
    np.testing.assert_array_equal(panel.left.image, to_uint8(w.run.images[6]))
    assert len(w.parts["inspect"]["filmstrip"].grid.images) == w.run.n_snapshots
    assert w.parts["inspect"]["gestures"].set_free_roam(True) is True and w.model.pick.probe is not None
    assert w.parts["inspect"]["panel"].probe.left.image is not None
    w.parts["inspect"]["gestures"].set_free_roam(False)


def test_switching_back_to_an_autoencoder_run_shows_its_dataset(qtbot, settings, recordings,  # noqa: ANN001
                                                                 synthetic_run: Path) -> None:
    w = open_window(qtbot, settings, None, recordings["bare"])
    try:
        recorded = w.run.images
        assert w.images.pixels is recorded and w.images.missing == ""
        w.files.show_run(load_run(synthetic_run))
        assert w.run.kind == "autoencoder" and w.images.pixels is not recorded  # the dataset's own again
        assert w.images.dataset == w.run.dataset_key
        assert w.parts["inspect"]["roam_action"].isEnabled()
        w.model.pick.selected = 3
        assert w.parts["inspect"]["panel"].selection.right.image is not None
    finally:
        dispose(w)


def test_the_corner_says_how_a_wide_embedding_is_drawn(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    note = w.presenter.scale_note.text
    assert note.startswith(f"PCA of {D}-D, ") and "% of the variance\ncloud " in note
    assert note.split("\n")[0] == w.run.projection.describe()


def test_an_autoencoder_run_keeps_the_plain_corner_note(window) -> None:  # noqa: ANN001
    assert window.presenter.scale_note.text.startswith("cloud ") and "PCA" not in window.presenter.scale_note.text


@pytest.mark.parametrize("rec_window", ["nolosses"], indirect=True)
def test_the_status_line_shows_no_loss_that_was_not_recorded(rec_window) -> None:  # noqa: ANN001
    assert rec_window.status.loss_label.text().startswith("no losses recorded (step ")


@pytest.mark.parametrize("rec_window", ["nolosses"], indirect=True)
def test_no_data_map_nor_learned_at_without_losses(rec_window, qtbot) -> None:  # noqa: ANN001
    w = rec_window
    qtbot.waitUntil(lambda: w.model.learning.result is not None and not w.model.learning.result.partial,
                    timeout=20_000)
    data_map = w.parts["learning"]["views"].data_map
    assert len(data_map.xy) == 0 and data_map.caption.text().startswith("Run nolosses holds no per-sample losses")
    w.model.pick.selected = 4
    assert "learned" not in w.parts["inspect"]["panel"].selection.details.text()


def test_a_recordings_loss_is_called_loss_not_bce(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    assert w.loss_panel.plot.getAxis("left").labelText == "loss"  # its loss_fn need not be a BCE
    w.model.groups.select_points([1, 2, 3])
    panel = w.parts["groups"]["panel"]
    w.docks["Group"].raise_()
    w.model.time.position = float(w.model.time.position)  # a move: the panel follows while shown
    assert "mean loss" in panel.summary.text() and "BCE" not in panel.summary.text()


def test_a_feature_turned_back_on_keeps_free_roam_off_without_a_decoder(rec_window) -> None:  # noqa: ANN001
    w = rec_window
    roam = w.parts["inspect"]["roam_action"]
    assert not roam.isEnabled()
    w._off["inspect"] = "the run before lacked labels"  # as after a run the whole inspect feature could not serve
    w.on_run(w.run)  # the feature is on again for this run, which still has no decoder
    assert not roam.isEnabled() and roam.statusTip().startswith("Free roam is off: ")
