"""One owner for the camera: a scene's VTK camera follows ``state.camera``, and reports the mouse's moves back."""

from __future__ import annotations

from collections.abc import Callable

from latent3d.scene.core.cloud import LatentScene
from latent3d.state.values import Camera
from latent3d.state.viewer_state import ViewerState

__all__ = ["CameraLink", "read_camera", "write_camera"]


def read_camera(scene: LatentScene) -> Camera:
    """The pose of the scene's camera as plain numbers."""
    cam = scene.plotter.camera

    def v(x: tuple[float, ...]) -> tuple[float, float, float]:
        return (float(x[0]), float(x[1]), float(x[2]))

    return Camera(v(cam.GetPosition()), v(cam.GetFocalPoint()), v(cam.GetViewUp()), float(cam.GetViewAngle()))


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
    """Keeps ``scene``'s VTK camera and ``state.camera`` one camera, both ways, with no hand sync.

    Parameters
    ----------
    state : ViewerState
    scene : LatentScene
    request_render : callable
        Asked for after the state's camera was put into VTK.
    shown : callable
        Whether the scene shows something: before that neither side is copied to the other.
    report_applied : bool
        After putting the state's camera into VTK, report what VTK made of it (the view-up it
        orthogonalised) back to the state. The main view does; a linked second view leaves that to it.
    """

    def __init__(self, state: ViewerState, scene: LatentScene, request_render: Callable[[], None],
                 shown: Callable[[], bool], *, report_applied: bool = True) -> None:
        self.state, self.scene, self.request_render, self.shown = state, scene, request_render, shown
        self.report_applied = report_applied
        self._applying = False  # True while the state's camera is put into VTK: the observer stays quiet
        self._vtk = scene.plotter.camera
        self._tag = self._vtk.AddObserver("ModifiedEvent", self._on_vtk_camera)
        state.events.camera.connect(self._on_camera)

    def _on_camera(self, camera: Camera | None) -> None:
        if camera is not None and self.shown() and camera != read_camera(self.scene):
            self.apply(camera)
            self.request_render()

    def apply(self, camera: Camera) -> None:
        """Put the VTK camera at ``camera`` (and, with ``report_applied``, tell the state where it ended up)."""
        self._applying = True
        try:
            write_camera(self.scene, camera)
        finally:
            self._applying = False
        if self.report_applied:
            self._on_vtk_camera()

    def _on_vtk_camera(self, *_args: object) -> None:
        if not self._applying and self.shown():
            self.state.camera = read_camera(self.scene)

    def close(self) -> None:
        """Stop linking."""
        self._vtk.RemoveObserver(self._tag)
        self.state.events.camera.disconnect(self._on_camera)
