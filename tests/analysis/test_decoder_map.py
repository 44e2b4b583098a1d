"""Decoder map: tiles equal the decoder at their centres, the plane follows the probe, the grid the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.analysis.decoder_map import MapGrid, decode_grid, map_extent, mosaic, plane_axes, tile_centres  # noqa: E402
from latent3d.runs import Run, load_run  # noqa: E402
from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from latent3d.scene.decoder_map.layer import DecoderMapLayer  # noqa: E402
from latent3d.state.own_values import DecoderMapState  # noqa: E402
from latent3d.state.viewer_model import ViewerModel  # noqa: E402
from tests.conftest import make_fake_run  # noqa: E402


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_fake_run(tmp_path_factory.mktemp("map") / "r", epochs=2, n=300))


@pytest.fixture
def layer(run: Run) -> Iterator[tuple[ViewerModel, DecoderMapLayer]]:
    plotter = pv.Plotter(off_screen=True, window_size=(320, 240))
    scene = LatentScene(plotter)
    scene.set_data(run.codes, run.labels)
    model = ViewerModel()
    model.set_run(run)
    m = DecoderMapLayer(model.time, model.camera, model.pick, model.layers, scene)
    yield model, m
    m.close()
    scene.close()
    plotter.close()


def test_plane_axes_are_orthonormal_and_face_the_camera() -> None:
    d = np.array([1.0, -2.0, 0.5])
    u, v = plane_axes("camera", d, np.array([0.0, 0.0, 1.0]))
    assert np.allclose([u @ u, v @ v, u @ v, u @ d, v @ d], [1, 1, 0, 0, 0], atol=1e-9)
    assert np.allclose(plane_axes("xz")[1], [0, 0, 1])


def test_tile_centres_cover_the_plane_row_by_row() -> None:
    g = MapGrid(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), 2.0, 4)
    c = tile_centres(g)
    assert c.shape == (16, 3) and np.allclose(c.mean(axis=0), [1, 2, 3])
    assert np.allclose(c[0], [1 - 1.5, 2 + 1.5, 3]) and np.allclose(c[3], [1 + 1.5, 2 + 1.5, 3])  # top row
    assert np.allclose(c[-1], [1 + 1.5, 2 - 1.5, 3])


def test_tiles_equal_the_decoder_at_the_tile_centres(layer: tuple[ViewerModel, DecoderMapLayer], run: Run) -> None:
    model, m = layer
    model.layers.decoder_map = DecoderMapState("xy", 6, 0.5)
    assert m.visible and m.grid is not None and m.image is not None and m.image.shape == (168, 168)
    expected = run.decoder(model.time.snapshot)(tile_centres(m.grid).astype(np.float32))
    assert np.allclose(m.image, mosaic(expected, 6))
    assert np.allclose(m.image[28:56, 56:84], expected[6 + 2].reshape(28, 28))  # row 1, column 2


def test_plane_follows_the_probe_and_hides(layer: tuple[ViewerModel, DecoderMapLayer]) -> None:
    model, m = layer
    model.layers.decoder_map = DecoderMapState("camera", 12, 0.6)
    model.pick.probe = (0.5, -1.0, 2.0)
    assert m.grid is not None and np.allclose(m.grid.centre, [0.5, -1.0, 2.0])
    before = m.image.copy() if m.image is not None else None
    model.pick.probe = (3.0, 3.0, 3.0)
    assert np.allclose(m.grid.centre, [3, 3, 3]) and not np.allclose(before, m.image)
    model.layers.toggle_decoder_map()
    assert not m.visible and m.image is None and model.layers.decoder_map is None
    model.layers.toggle_decoder_map()
    assert m.visible and model.layers.decoder_map == DecoderMapState("camera", 12, 0.6)


def test_grid_at_step_0_differs_from_the_last(layer: tuple[ViewerModel, DecoderMapLayer]) -> None:
    model, m = layer
    model.layers.decoder_map = DecoderMapState("xy", 8, 0.6)
    model.time.position = 0
    first = m.image.copy() if m.image is not None else None
    model.time.position = 2
    assert first is not None and m.image is not None and np.abs(first - m.image).max() > 0.05


def test_decode_grid_matches_decoder(run: Run) -> None:
    g = MapGrid(np.zeros(3), np.array([0, 1.0, 0]), np.array([0, 0, 1.0]), 1.0, 4)
    assert np.array_equal(decode_grid(run.decoder(1), g), run.decoder(1)(tile_centres(g).astype(np.float32)))


def test_settings_are_clamped() -> None:
    assert DecoderMapState("xy", 100, 9.0).checked() == DecoderMapState("xy", 32, 1.0)
    with pytest.raises(ValueError):
        DecoderMapState("diagonal").checked()


def test_bundled_run_decoder_learns(tmp_path: Path) -> None:
    bundled = Path(__file__).resolve().parents[2] / "checkpoints" / "fashion-mnist-default"
    if not (bundled / "run.json").is_file():
        pytest.skip("bundled run not present")
    r = load_run(bundled)
    def grid(i: int) -> np.ndarray:  # as the layer lays it: through the cloud's middle, as wide as the cloud
        g = MapGrid(r.codes[i].mean(axis=0).astype(np.float64), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
                    map_extent(r.codes[i]), 12)
        return decode_grid(r.decoder(i), g)

    first, last = grid(0), grid(r.n_snapshots - 1)
    # blank grey at step 0 (every tile alike), distinct shapes at the end
    assert first.std(axis=0).mean() < 0.01 < 0.05 < last.std(axis=0).mean()


def test_render_draws_the_map_and_own_images(run: Run, tmp_path: Path) -> None:
    from latent3d.scene.offscreen.render import OffscreenRenderer
    from latent3d.state.own_values import OwnImage
    from latent3d.state.view import ViewSpec

    plain = OffscreenRenderer(run, size=(240, 180), camera="xy")
    try:
        without = plain.frame(2.0)
    finally:
        plain.close()
    r = OffscreenRenderer(run, size=(240, 180), camera="xy", decoder_map=DecoderMapState("camera", 8, 1.0))
    try:
        with_map = r.frame(2.0)
        m = r.layers.decoder_map
        assert m.visible and m.grid is not None
        cam = r.model.camera.camera
        assert cam is not None and abs(float(np.dot(m.grid.u, np.subtract(cam.focal_point, cam.position)))) < 1e-6
        assert np.abs(with_map.astype(int) - without.astype(int)).max() > 30  # the tiles are drawn
        spec = ViewSpec(str(run.path), int(run.steps[-1]), None, None,
                        own_images=(OwnImage.from_array("x", np.ones(784)),))
        r.apply_view(spec)
        assert r.layers.decoder_map.visible  # --decoder-map wins over a view without a map
        assert r.layers.own_images.markers.shape == (1, 3)
    finally:
        r.close()


def test_render_cli_decoder_map_options(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from latent3d.cli.parser import main

    out = tmp_path / "m.png"
    assert main(["render", str(run.path), "--out", str(out), "--size", "160x120", "--decoder-map", "xy",
                 "--map-grid", "6"]) == 0 and out.is_file()
    assert main(["render", str(run.path), "--out", str(out), "--map-grid", "6"]) == 2
    assert "add --decoder-map" in capsys.readouterr().err


def test_hold_keeps_the_map_during_a_drag(layer: tuple[ViewerModel, DecoderMapLayer]) -> None:
    from latent3d.state.values import Camera

    model, m = layer
    model.camera.camera = Camera((5.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    model.layers.decoder_map = DecoderMapState("camera", 6, 0.6)
    assert m.grid is not None
    u0 = m.grid.u.copy()
    m.hold(True)
    model.camera.camera = Camera((0.0, 5.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    assert np.allclose(m.grid.u, u0)  # held: the tiles stay where they were decoded
    m.hold(False)
    assert not np.allclose(m.grid.u, u0) and abs(float(m.grid.u @ np.array([0.0, 1.0, 0.0]))) < 1e-9
