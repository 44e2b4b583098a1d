"""Own images: Fashion-MNIST's conversion, codes equal each snapshot's encoder, the scene layer, ``run.py encode``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from latent3d.analysis.encoder import NumpyEncoder, OwnCodes, encode_at_snapshots, nearest_images
from latent3d.cli.parser import main
from latent3d.data.image_file import convert_array, read_image_file
from latent3d.runs import Run, load_run
from latent3d.runs.writer import RunWriter
from latent3d.state.own_values import OwnImage
from latent3d.state.viewer_model import ViewerModel
from tests.conftest import make_fake_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_fake_run(tmp_path_factory.mktemp("own") / "r", epochs=2, n=300))


def _relu_mlp(x: np.ndarray, layers: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    for i, (w, b) in enumerate(layers):
        x = w.astype(np.float64) @ x + b
        x = np.maximum(x, 0) if i < len(layers) - 1 else x
    return x


def test_conversion_of_a_known_image() -> None:
    img = np.zeros((100, 200), np.uint8)
    img[20:40, 50:150] = 255  # a white bar 20 high, 100 wide: fitted to 28 wide, 6 (5.6) high
    out = convert_array(img)
    assert out.shape == (28, 28) and out.dtype == np.uint8
    rows = np.nonzero(out.max(axis=1) > 128)[0]
    assert out[:, 0].max() > 128 and out[:, 27].max() > 128  # the longer side fills the width
    assert len(rows) == 6 and rows[0] == 11  # aspect kept, centred: rows 11-16
    assert out[:11].max() == 0 and out[17:].max() == 0
    inverted = convert_array(255 - img, invert=True)  # a dark bar on white, as a photo
    assert np.array_equal(inverted, out)
    assert convert_array(np.zeros((5, 5), np.uint8)).max() == 0


def test_file_round_trip_of_a_test_sized_image(tmp_path: Path) -> None:
    a = np.zeros((28, 28), np.uint8)
    a[2:26, 10:18] = 200
    Image.fromarray(a).save(tmp_path / "t.png")
    rgb = Image.fromarray(np.stack([a] * 3, axis=-1))
    rgb.save(tmp_path / "t.jpg", quality=100)
    out = read_image_file(tmp_path / "t.png")
    cols = np.nonzero(out.max(axis=0) > 100)[0]
    assert out[0].max() > 100 and out[27].max() > 100  # the 24-row bar now fills all 28 rows
    assert cols.tolist() == list(range(9, 18))  # 8 * 28 / 24 = 9 columns wide, centred
    assert np.abs(read_image_file(tmp_path / "t.jpg").astype(int) - out).max() < 40


def test_codes_equal_each_snapshots_encoder(run: Run) -> None:
    rng = np.random.default_rng(3)
    x = rng.random(784).astype(np.float32)
    own = encode_at_snapshots(run, x)
    assert own.snapshots.tolist() == list(range(run.n_snapshots))  # this run keeps every encoder
    for i, code in zip(own.snapshots, own.codes):
        layers = run.encoder_layers(int(i))
        assert layers is not None
        assert np.allclose(code, _relu_mlp(x.astype(np.float64), layers), atol=1e-4)
        assert np.allclose(code, NumpyEncoder(layers)(x)[0])


def test_code_between_snapshots_and_outside_them() -> None:
    own = OwnCodes(np.array([2, 4]), np.array([[0, 0, 0], [2, 4, 6]], np.float32))
    assert own.at(1.5) is None and own.at(4.5) is None
    assert np.allclose(own.at(3.0), [1, 2, 3]) and np.allclose(own.at(4.0), [2, 4, 6])  # type: ignore[arg-type]
    assert OwnCodes(np.array([], np.int64), np.zeros((0, 3))).at(0) is None


def test_subset_of_encoders_is_what_the_writer_kept(tmp_path: Path) -> None:
    from latent3d.config.train import TrainConfig

    cfg = TrainConfig(epochs=1, max_train_images=64 * 7, max_test_images=20, snapshots="every:1")
    spe = cfg.steps_per_epoch()
    rng = np.random.default_rng(0)
    widths = {"encoder": (784, 256, 128, 64, 3), "decoder": (3, 64, 128, 256, 784)}
    w = {f"{p}.{2 * k}.{t}": rng.normal(0, 0.1, (b, a) if t == "weight" else b).astype(np.float32)
         for p, ws in widths.items() for k, (a, b) in enumerate(zip(ws[:-1], ws[1:])) for t in ("weight", "bias")}
    with RunWriter(tmp_path / "r", cfg, steps_per_epoch=spe, keep_encoder="every:3") as wr:
        for step in range(spe + 1):
            wr.add_snapshot(step, np.zeros((20, 3), np.float32), np.full(20, 0.5, np.float32), 0.5, w,
                            step_losses=np.full(1 if step else 0, 0.5, np.float32),
                            train_loss=0.5 if step == spe else None)
        r = load_run(wr.finish(labels=np.zeros(20, np.uint8)))
    own = encode_at_snapshots(r, np.zeros(784, np.float32))
    assert own.snapshots.tolist() == [0, 3, 6, 7]  # every 3rd snapshot and the last one
    assert r.meta["weights"]["encoder"] == "every:3"


def test_nearest_images() -> None:
    codes = np.array([[0, 0, 0], [5, 0, 0], [1, 0, 0], [2, 0, 0]], np.float32)
    idx, dist = nearest_images(codes, np.array([1.2, 0, 0]), 2)
    assert idx.tolist() == [2, 3] and np.allclose(dist, [0.2, 0.8])


@pytest.fixture
def layer(run: Run) -> Iterator[tuple[ViewerModel, object]]:
    pv = pytest.importorskip("pyvista")
    from latent3d.scene.core.cloud import LatentScene
    from latent3d.scene.own_images.layer import OwnImagesLayer

    plotter = pv.Plotter(off_screen=True, window_size=(320, 240))
    scene = LatentScene(plotter)
    scene.set_data(run.codes, run.labels)
    model = ViewerModel()
    model.set_run(run)
    lay = OwnImagesLayer(model.time, model.layers, scene)
    yield model, lay
    lay.close()
    scene.close()
    plotter.close()


def test_layer_places_markers_and_trails(layer: tuple[ViewerModel, object], run: Run) -> None:
    model, lay = layer
    marks_layer = lay.scene.markers.layers[0]  # type: ignore[attr-defined]
    assert not marks_layer.GetDraw()  # nothing in it yet: not drawn
    a = OwnImage.from_array("a", np.linspace(0, 1, 784))
    b = OwnImage.from_array("b", np.linspace(1, 0, 784))
    model.layers.add_own_image(a)
    model.layers.add_own_image(b)
    assert marks_layer.GetDraw()
    own_a = encode_at_snapshots(run, a.as_float())
    model.time.position = 1.5
    assert lay.markers.shape == (2, 3)  # type: ignore[attr-defined]
    assert np.allclose(lay.markers[0], 0.5 * (own_a.codes[1] + own_a.codes[2]), atol=1e-5)  # type: ignore[attr-defined]
    assert lay.trail_points.shape == (2 * run.n_snapshots, 3)  # type: ignore[attr-defined]
    model.layers.remove_own_image(0)
    assert lay.markers.shape == (1, 3)  # type: ignore[attr-defined]
    model.layers.own_images = ()
    assert lay.markers.shape == (0, 3)  # type: ignore[attr-defined]
    assert not marks_layer.GetDraw()


def test_each_own_image_has_its_colour_a_label_and_a_trail_of_its_own(layer: tuple[ViewerModel, object],
                                                                      run: Run) -> None:
    """Issue 32 item 4: every own image was one green, unlabelled, its trail always drawn."""
    from latent3d.state.own_values import own_colour

    model, lay = layer
    model.layers.add_own_image(OwnImage.from_array("my shoe", np.linspace(0, 1, 784)))
    model.layers.add_own_image(OwnImage.from_array("my bag", np.linspace(1, 0, 784)))
    model.time.position = 1.0
    marks = np.asarray(lay._marks.point_data["rgb"])  # type: ignore[attr-defined]
    assert marks.shape == (2, 3) and (marks[0] != marks[1]).any()
    assert tuple(marks[1]) == tuple(int(round(255 * c)) for c in own_colour(1))
    labels = lay.labels  # type: ignore[attr-defined]
    assert [a.GetInput() for a in labels] == ["my shoe", "my bag"] and all(a.GetVisibility() for a in labels)
    assert np.allclose(labels[1].GetPosition(), lay.markers[1])  # type: ignore[attr-defined]
    assert labels[1].GetTextProperty().GetColor() == pytest.approx(own_colour(1))
    assert lay.trail_points.shape == (2 * run.n_snapshots, 3)  # type: ignore[attr-defined]
    model.layers.set_own_trail(0, False)  # the first one's trail off: only the bag's is drawn, in its colour
    assert not model.layers.own_images[0].trail and lay.trail_points.shape == (run.n_snapshots, 3)  # type: ignore[attr-defined]
    rgb = np.asarray(lay._trails.cell_data["rgb"])  # type: ignore[attr-defined]
    assert rgb.shape == (1, 3) and tuple(rgb[0]) == tuple(marks[1])
    from vtkmodules.vtkRenderingCore import VTK_SCALAR_MODE_USE_CELL_FIELD_DATA

    assert lay._trail_actor.GetMapper().GetScalarMode() == VTK_SCALAR_MODE_USE_CELL_FIELD_DATA  # type: ignore[attr-defined]
    model.layers.set_own_trail(1, False)
    assert lay.trail_points.shape == (0, 3)  # type: ignore[attr-defined]
    assert lay.markers.shape == (2, 3)  # type: ignore[attr-defined]  # the markers and names stay


def test_state_limits_own_images() -> None:
    model = ViewerModel()
    img = OwnImage.from_array("x\x07y", np.zeros(784))
    assert img.name == "xy"
    model.layers.own_images = [img] * 16
    with pytest.raises(ValueError, match="At most 16"):
        model.layers.add_own_image(img)
    with pytest.raises(ValueError):
        OwnImage("z", b"\0" * 10)


def test_encode_cli_json_and_text(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = np.zeros((56, 56), np.uint8)
    a[10:50, 20:36] = 255
    Image.fromarray(a).save(tmp_path / "mine.png")
    assert main(["encode", str(run.path), str(tmp_path / "mine.png"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["step"] for r in rows] == run.steps.tolist()
    pixels = read_image_file(tmp_path / "mine.png").astype(np.float32) / 255.0
    assert np.allclose([r["code"] for r in rows], encode_at_snapshots(run, pixels).codes, atol=1e-5)
    assert len(rows[-1]["nearest"]) == 5 and all(len(r["code"]) == 3 for r in rows)
    assert main(["encode", str(run.path), str(tmp_path / "mine.png")]) == 0
    out = capsys.readouterr().out
    assert "nearest test images" in out and out.count("code (") == run.n_snapshots


def test_keep_encoder_choices_and_size_estimate() -> None:
    from latent3d.cli import preflight
    from latent3d.config.encoder_keep import keeps_encoder, parse_keep_encoder
    from latent3d.config.train import TrainConfig

    assert [parse_keep_encoder(v) for v in ("all", "final", "every:5")] == [1, 0, 5]
    for bad in ("every:0", "every:", "some", 5, "every:x"):
        with pytest.raises(ValueError, match="all, final or every:K"):
            parse_keep_encoder(bad)
    assert [i for i in range(40) if keeps_encoder("every:5", i, last=i == 39)] == [0, 5, 10, 15, 20, 25, 30, 35, 39]
    c = TrainConfig()
    sizes = [preflight.estimate_run_bytes(c, weights_dtype="float16", keep_encoder=k)
             for k in ("final", "every:5", "all")]
    assert sizes[0] < sizes[1] < sizes[2]
    assert abs(sizes[1] - sizes[0] - 8 * 484_614) < 1000  # 8 more encoders of 242,307 float16 numbers (+1 estimated)
    with pytest.raises(SystemExit) as info:  # a usage error: argparse's exit 2 with one sentence
        main(["train", "--keep-encoder", "every:0", "--epochs", "1"])
    assert info.value.code == 2


def test_bundled_encoders_place_test_images_at_their_stored_codes(data_dir: Path) -> None:
    from latent3d.data.images import load_test_images

    bundled = Path(__file__).resolve().parents[2] / "checkpoints" / "fashion-mnist-default"
    if not (bundled / "run.json").is_file():
        pytest.skip("bundled run not present")
    run = load_run(bundled)
    pixels = load_test_images(data_dir).pixels
    assert pixels is not None
    for i in (0, 1, 123):
        own = encode_at_snapshots(run, pixels[i].reshape(-1).astype(np.float32) / 255.0)
        assert len(own.snapshots) == 9 and own.snapshots[-1] == run.n_snapshots - 1  # every:5 and the last
        for k, s in enumerate(own.snapshots):  # float16 weights, float32 training: codes agree to 1e-2
            assert np.abs(own.codes[k] - run.codes[s][i]).max() < 1e-2
