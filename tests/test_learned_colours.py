"""The learned-at colour scale in the scene: the bar labelled in steps, a grey 'never' swatch, reset by other modes."""

from __future__ import annotations

import numpy as np
import pyvista as pv
from scene_fixtures import synthetic_codes

from latent3d.analysis.explore import NAN_GREY
from latent3d.analysis.learning import learned_ticks
from latent3d.scene.cloud import LatentScene
from latent3d.scene.overlays import ColourModes


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
