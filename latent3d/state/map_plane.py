"""Where the decoder map of a viewer state lies: through the probe or the focal point, as wide as the cloud."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from latent3d.analysis.decoder_map import MapGrid, decode_grid, map_extent, mosaic, plane_axes
from latent3d.state.own_values import DecoderMapState

if TYPE_CHECKING:
    from latent3d.state.viewer_state import ViewerState

__all__ = ["map_grid", "map_image"]


def map_grid(state: ViewerState, settings: DecoderMapState) -> MapGrid | None:
    """Where the map of ``state`` lies at its position: through the probe, else the camera's focal point.

    Its half-width covers most of the cloud at the shown snapshot, so the map grows as the codes
    spread during training; ``camera`` planes face the state's camera. None without a run.
    """
    run = state.run
    if run is None:
        return None
    codes = run.codes[state.snapshot]
    camera = state.camera
    if state.probe is not None:
        centre = np.asarray(state.probe, np.float64)
    elif camera is not None:
        centre = np.asarray(camera.focal_point, np.float64)
    else:
        centre = np.asarray(codes, np.float64).mean(axis=0)
    view_dir = view_up = None
    if camera is not None:
        view_dir = np.subtract(camera.focal_point, camera.position)
        view_up = np.asarray(camera.view_up, np.float64)
    u, v = plane_axes(settings.plane, view_dir, view_up)
    return MapGrid(centre, u, v, map_extent(codes), settings.grid)


def map_image(state: ViewerState, settings: DecoderMapState) -> tuple[MapGrid, np.ndarray] | None:
    """The map's place and its mosaic ``[G * 28, G * 28]`` (row 0 at the top) decoded at the shown snapshot."""
    grid = map_grid(state, settings)
    if grid is None or state.run is None:
        return None
    return grid, mosaic(decode_grid(state.run.decoder(state.snapshot), grid), grid.grid)
