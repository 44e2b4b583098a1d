"""The learned-at colour mode: a bar labelled in steps, a grey "never" swatch, the renderer, render --color learned."""

from __future__ import annotations

import json
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
import pyvista as pv

from latent3d.analysis.explore import NAN_GREY, colour_range, map_colours
from latent3d.analysis.learning import learned_colour_values, learned_ticks
from latent3d.cli.parser import main
from latent3d.runs import load_run
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.overlays import ColourModes
from latent3d.scene.offscreen.render import OffscreenRenderer
from tests.support.scene_fixtures import make_run, synthetic_codes


def test_step_ticks_and_never_swatch_then_back_to_numbers() -> None:
    plotter = pv.Plotter(off_screen=True, window_size=(400, 300))
    try:
        codes, labels = synthetic_codes(200, 1)
        scene = LatentScene(plotter)
        scene.set_data(codes, labels)
        colours = ColourModes(scene)
        values = np.linspace(0.3, 4.2, 200).astype(np.float32)
        values[:5] = np.nan
        ticks = learned_ticks(0.3, 4.2)
        colours.show_values(values, 0.3, 4.2, "learned at step", ticks=ticks)
        lut, bar = colours._lut, colours.bar
        assert [lut.GetAnnotation(i) for i in range(lut.GetNumberOfAnnotatedValues())] == [t for _, t in ticks]
        assert bar.GetDrawAnnotations() and bar.GetNumberOfLabels() == 0 and bar.GetDrawNanAnnotation()
        rgb = np.asarray(scene._cloud.point_data["rgb"])  # type: ignore[union-attr]
        assert tuple(rgb[0]) == NAN_GREY
        colours.show_values(np.linspace(0.1, 0.5, 200, dtype=np.float32), 0.1, 0.5, "BCE")
        assert lut.GetNumberOfAnnotatedValues() == 0 and not bar.GetDrawAnnotations()
        assert bar.GetNumberOfLabels() == 5 and not bar.GetDrawNanAnnotation()
        colours.close()
    finally:
        plotter.close()


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("learned") / "r", n=300, epochs=3)


def test_renderer_colours_by_learned_at_with_a_step_bar(run_path: Path) -> None:
    run = load_run(run_path)
    r = OffscreenRenderer(run, size=(64, 48), colour="learned")
    try:
        r.frame(1.0)
        expected = learned_colour_values(run.test_bce, run.steps)
        np.testing.assert_array_equal(r.presenter.colours.values, expected)
        drawn = np.asarray(r.scene._cloud_actor.GetMapper().GetInput().point_data["rgb"])
        np.testing.assert_array_equal(drawn, map_colours(expected, *colour_range(expected)))
        assert r.presenter.colours.bar.GetTitle() == "learned at step" and r.presenter.colours.bar.GetDrawAnnotations()
        r.model.display.color = "error"  # back to a numeric bar
        assert not r.presenter.colours.bar.GetDrawAnnotations()
    finally:
        r.close()


def test_cli_render_color_learned_and_a_view_file_saying_it(run_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    assert main(["render", str(run_path), "--out", str(out), "--size", "200x150", "--color", "learned"]) == 0
    assert imageio.imread(out).shape[:2] == (150, 200)
    view = tmp_path / "v.json"
    camera = {"position": [1.5, -2.0, 3.25], "focal_point": [0.0, 0.0, 0.0], "view_up": [0.0, 0.0, 1.0],
              "view_angle": 30.0}
    view.write_text(json.dumps({"format_version": 1, "run": str(run_path), "step": 0, "camera": camera,
                                "color": "learned", "hidden_classes": [], "selected": None}))
    out2 = tmp_path / "y.png"
    assert main(["render", "--view", str(view), "--out", str(out2), "--size", "120x90"]) == 0
    assert imageio.imread(out2).shape[:2] == (90, 120)
