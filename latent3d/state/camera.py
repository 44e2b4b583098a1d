"""The camera model: the one camera pose of the window, which VTK follows and the mouse reports back to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.state.model import Model
from latent3d.state.values import Camera

__all__ = ["Camera", "CameraModel", "orthogonal_up"]


@dataclass(eq=False)
class CameraModel(Model):
    """The camera pose, or None until a view reports one or a view file sets it.

    One write emits one ``events.camera``: the scene's camera link blocks VTK's echo of a pose it
    was given (see :mod:`latent3d.scene.core.camera_link`).
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor()

    camera: Camera | None = None

    def _check_camera(self, camera: Camera | None) -> Camera | None:
        if camera is not None and not isinstance(camera, Camera):
            raise ValueError(f"A camera pose is a Camera, not {type(camera).__name__}.")
        return None if camera is None else orthogonal_up(camera)


def orthogonal_up(camera: Camera) -> Camera:
    """``camera`` with its view-up made a unit vector at right angles to the view direction, as VTK makes it.

    So the pose the model holds is the pose VTK shows, and VTK's camera has nothing to report back.
    A degenerate pose (no direction, or up along it) is kept as it is.
    """
    d = np.subtract(camera.focal_point, camera.position, dtype=np.float64)
    up = np.asarray(camera.view_up, np.float64)
    dn = float(np.linalg.norm(d))
    if not dn > 0:
        return camera
    d /= dn
    if abs(float(up @ d)) < 1e-9 and abs(float(np.linalg.norm(up)) - 1.0) < 1e-9:
        return camera  # already so (VTK's own pose read back): kept to the bit, so it compares equal
    up = up - float(up @ d) * d
    un = float(np.linalg.norm(up))
    if not un > 1e-12:
        return camera
    up /= un
    view_up = (float(up[0]), float(up[1]), float(up[2]))
    return camera if view_up == camera.view_up else replace(camera, view_up=view_up)
