"""One owner for the camera: a scene's VTK camera follows the camera model, and reports the mouse's moves back."""

from __future__ import annotations

from collections.abc import Callable

from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.look import pose_of
from latent3d.state.camera import CameraModel
from latent3d.state.values import Camera

__all__ = ["CameraLink", "read_camera", "write_camera"]


def read_camera(scene: LatentScene) -> Camera:
    """The pose of the scene's camera as plain numbers."""
    return pose_of(scene.plotter.camera)


def write_camera(scene: LatentScene, camera: Camera) -> None:
    """Put the scene's VTK camera at ``camera`` (view-up made orthogonal, clipping range refitted)."""
    cam = scene.plotter.camera
    cam.SetPosition(*camera.position)
    cam.SetFocalPoint(*camera.focal_point)
    cam.SetViewUp(*camera.view_up)
    cam.SetViewAngle(camera.view_angle)
    cam.OrthogonalizeViewUp()
    scene.plotter.renderer.ResetCameraClippingRange()


class CameraLink:
    """Keeps ``scene``'s VTK camera and ``camera.camera`` one camera, both ways, with no hand sync.

    Parameters
    ----------
    camera : CameraModel
    scene : LatentScene
    request_render : callable
        Asked for after the model's camera was put into VTK.
    shown : callable
        Whether the scene shows something: before that neither side is copied to the other.

    Notes
    -----
    One write of the camera emits one event: while the model's pose is put into VTK, VTK's echo of
    it is blocked (the camera model already holds the view-up VTK would make of it).
    """

    def __init__(self, camera: CameraModel, scene: LatentScene, request_render: Callable[[], None],
                 shown: Callable[[], bool]) -> None:
        self.camera, self.scene, self.request_render, self.shown = camera, scene, request_render, shown
        self._reporting = False  # True while VTK's move is written to the model: it is not put back into VTK
        self._applying = False  # True while the model's camera is put into VTK: the observer stays quiet
        self._vtk = scene.plotter.camera
        self._tag = self._vtk.AddObserver("ModifiedEvent", self._on_vtk_camera)
        camera.events.camera.connect(self._on_camera)

    def _on_camera(self, camera: Camera | None) -> None:
        if self._reporting:  # VTK's own move, reported: VTK shows it already
            return
        if camera is not None and self.shown() and not camera.same_pose(read_camera(self.scene)):
            self.apply(camera)
            self.request_render()

    def apply(self, camera: Camera) -> None:
        """Put the VTK camera at ``camera``; its echo is not reported back (the model holds that pose already)."""
        self._applying = True
        try:
            write_camera(self.scene, camera)
        finally:
            self._applying = False

    def _on_vtk_camera(self, *_args: object) -> None:
        if not self._applying and self.shown():
            self._reporting = True
            try:
                self.camera.camera = read_camera(self.scene)
            finally:
                self._reporting = False

    def close(self) -> None:
        """Stop linking."""
        self._vtk.RemoveObserver(self._tag)
        self.camera.events.camera.disconnect(self._on_camera)
