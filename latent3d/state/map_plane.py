"""Where the decoder map lies: through the probe or the focal point, as wide as the cloud at the snapshot shown."""

from __future__ import annotations

import numpy as np

from latent3d.analysis.decoder_map import MapGrid, decode_grid, map_extent, mosaic, plane_axes
from latent3d.state.camera import CameraModel
from latent3d.state.own_values import DecoderMapState
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel

__all__ = ["map_grid", "map_image"]


def map_grid(time: TimeModel, camera: CameraModel, pick: PickModel, settings: DecoderMapState) -> MapGrid | None:
    """Where the map lies at the position of ``time``: through the probe of ``pick``, else the camera's focal point.

    Its half-width covers most of the cloud at the shown snapshot, so the map grows as the codes
    spread during training; ``camera`` planes face the camera. None without a run.
    """
    run = time.run
    if run is None:
        return None
    codes = run.codes[time.snapshot]
    pose = camera.camera
    if pick.probe is not None:
        centre = np.asarray(pick.probe, np.float64)
    elif pose is not None:
        centre = np.asarray(pose.focal_point, np.float64)
    else:
        centre = np.asarray(codes, np.float64).mean(axis=0)
    view_dir = view_up = None
    if pose is not None:
        view_dir = np.subtract(pose.focal_point, pose.position)
        view_up = np.asarray(pose.view_up, np.float64)
    u, v = plane_axes(settings.plane, view_dir, view_up)
    return MapGrid(centre, u, v, map_extent(codes), settings.grid)


def map_image(time: TimeModel, camera: CameraModel, pick: PickModel,
              settings: DecoderMapState) -> tuple[MapGrid, np.ndarray] | None:
    """The map's place and its mosaic ``[G * 28, G * 28]`` (row 0 at the top) decoded at the shown snapshot.

    None without a run, or for a run without a decoder.
    """
    grid = map_grid(time, camera, pick, settings)
    if grid is None or time.run is None or time.run.why_not("decoder") is not None:
        return None  # a run without a decoder (a recording) has no map, even when a view file asks for one
    return grid, mosaic(decode_grid(time.run.decoder(time.snapshot), grid), grid.grid)
