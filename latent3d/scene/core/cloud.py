"""The 3-D scene: one point cloud of codes updated in place, class colours, LOD, picking, highlight and probe."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy

from latent3d.analysis.interpolate import clamp_position, codes_at
from latent3d.data.datasets import CLASS_NAMES
from latent3d.scene.core.look import (
    BACKGROUND,
    CLASS_COLORS,
    SPHERE_LIMIT,
    aim_default,
    drawable_box,
    frame_camera,
    framing_box,
    mesh_mapper,
    style_points,
    verts,
)
from latent3d.scene.core.markers import MarkerLayer
from latent3d.scene.core.picking import pick_point

__all__ = ["CLASS_COLORS", "LatentScene", "mesh_actor", "style_points"]

# While the camera moves, draw at most this many points, as flat points (classic LOD, like vtkLODActor).
LOD_POINTS = 120_000


def mesh_actor(mesh: pv.PolyData, *, rgb: str | None) -> pv.Actor:
    """An actor whose mapper reads ``mesh`` itself (``add_mesh`` may copy it), so in-place edits show.

    Parameters
    ----------
    mesh : pyvista.PolyData
    rgb : str or None
        Name of a uint8 RGB point array used as colours directly, or None for one flat colour.

    Returns
    -------
    pyvista.Actor
    """
    return pv.Actor(mapper=mesh_mapper(mesh, rgb=rgb))


class LatentScene:
    """The latent cloud of one run inside a pyvista plotter (no Qt here).

    Parameters
    ----------
    plotter : pyvista.Plotter
        Any plotter: an off-screen ``pyvista.Plotter`` or a pyvistaqt ``QtInteractor``.
    point_size : float
        Point diameter in pixels in the still, full-quality frame.
    axes_line_width : float
        Line width of the orientation axes in the corner.
    """

    def __init__(self, plotter: pv.Plotter, *, point_size: float = 7.0, axes_line_width: float = 2.0) -> None:
        self.plotter = plotter
        self.point_size = point_size
        self._codes = np.zeros((1, 0, 3), np.float32)
        self._box: tuple[np.ndarray, np.ndarray] | None = None  # framing_box(self._codes), once per run or growth
        self._draw_box: tuple[np.ndarray, np.ndarray] | None = None
        self._labels = np.zeros(0, np.uint8)
        self._position = 0.0
        self._visible = [True] * len(CLASS_NAMES)
        self._only: np.ndarray | None = None  # isolate: a bool mask of the points drawn, or None for all
        self._fast = False
        self._selected: int | None = None
        self._cloud: pv.PolyData | None = None
        self._lod: pv.PolyData | None = None
        self._xyz = np.zeros((0, 3), np.float32)
        self._lod_keep = np.zeros(0, bool)
        self._cloud_actor: pv.Actor | None = None
        self._lod_actor: pv.Actor | None = None
        self.markers = MarkerLayer(plotter, point_size)  # selection and probe, drawn on top of the cloud
        self._has_cloud = False
        self._probe: object | None = None
        self._probe_cb: Callable[[np.ndarray], None] | None = None
        plotter.set_background(BACKGROUND)
        plotter.disable_anti_aliasing()  # MSAA multiplies fragment cost on software GL for no gain on points
        plotter.ren_win.SetMultiSamples(0)
        plotter.add_axes(color="#c8ccd4", line_width=axes_line_width, labels_off=False)

    # -- data -----------------------------------------------------------------------------------

    @property
    def n_points(self) -> int:
        """Number of points in the cloud."""
        return int(self._labels.shape[0])

    @property
    def last_snapshot(self) -> int:
        """Index of the last stored snapshot (S - 1)."""
        return int(self._codes.shape[0]) - 1

    @property
    def position(self) -> float:
        """The (possibly fractional) snapshot index shown."""
        return self._position

    @property
    def positions(self) -> np.ndarray:
        """Current positions ``[N, 3]``: a live view of the VTK array (do not write)."""
        return self._xyz

    @property
    def selected(self) -> int | None:
        """Index of the highlighted point, or None."""
        return self._selected

    def update_codes(self, codes: np.ndarray, position: float) -> bool:
        """Swap in the codes of a run that grew (same test images, more snapshots) and move the points in place.

        Returns False, changing nothing, when the points are not the ones shown (call :meth:`set_data`).
        A live training sends a snapshot every few hundred milliseconds: rebuilding the actors each
        time would cost ~30 ms and leak (pyvista-support #279), moving the points costs microseconds.
        """
        codes = np.asarray(codes, np.float32)
        if self._cloud is None or codes.ndim != 3 or codes.shape[1:] != self._codes.shape[1:]:
            return False
        self._codes = codes
        self._set_boxes(codes)
        self.set_position(position)
        return True

    def _set_boxes(self, codes: np.ndarray) -> None:
        """The framing box of every snapshot's codes (what a fit frames) and the box points are drawn in."""
        self._box = framing_box(codes)
        self._draw_box = drawable_box(codes, self._box)

    def set_data(self, codes: np.ndarray, labels: np.ndarray, position: float | None = None) -> None:
        """Show a run's codes ``[S, N, 3]`` coloured by ``labels`` ``[N]``; builds the actors once per run.

        Parameters
        ----------
        codes : ndarray of float32, shape (S, N, 3)
            One row per snapshot.
        labels : ndarray of uint8, shape (N,)
        position : float, optional
            Fractional snapshot index to show; defaults to the last snapshot.
        """
        codes = np.asarray(codes, np.float32)
        self._remove_actors()
        self._codes, self._labels = codes, np.asarray(labels, np.uint8)
        self._set_boxes(codes)
        n = self.n_points
        self._cloud = pv.PolyData(codes[-1].copy())  # a copy: pyvista wraps a contiguous array without copying,
        # and set_position writes into these points: without it the run's last snapshot would be overwritten
        self._cloud.point_data["rgb"] = np.asarray(CLASS_COLORS, np.uint8)[self._labels]
        self._xyz = vtk_to_numpy(self._cloud.GetPoints().GetData())  # writable view of VTK's memory
        # The LOD copy shares the points and colours by reference, so one in-place update moves both.
        self._lod = pv.PolyData()
        self._lod.SetPoints(self._cloud.GetPoints())
        self._lod.GetPointData().ShallowCopy(self._cloud.GetPointData())
        rng = np.random.default_rng(0)
        self._lod_keep = rng.random(n) < (LOD_POINTS / n) if n > LOD_POINTS else np.ones(n, bool)
        spheres = n <= SPHERE_LIMIT
        self._cloud_actor = self._points_actor(self._cloud, "latent-cloud", self.point_size if spheres else 2.0,
                                               spheres=spheres)
        self._lod_actor = self._points_actor(self._lod, "latent-cloud-lod", max(2.0, self.point_size * 0.45),
                                             spheres=False)
        self._lod_actor.SetVisibility(False)
        self._lod_actor.SetPickable(False)
        self._has_cloud = True
        self._selected = None
        self._only = None
        self._fast = False
        self._apply_visibility()
        self.set_position(self.last_snapshot if position is None else position)
        self.reset_camera()

    def _points_actor(self, mesh: pv.PolyData, name: str, size: float, *, spheres: bool) -> pv.Actor:
        actor = mesh_actor(mesh, rgb="rgb")
        style_points(actor, size, spheres=spheres)
        self.plotter.add_actor(actor, name=name, reset_camera=False, render=False)
        return actor

    def _remove_actors(self) -> None:
        for name in ("latent-cloud", "latent-cloud-lod"):
            self.plotter.remove_actor(name, reset_camera=False, render=False)
        self._cloud_actor = self._lod_actor = None
        self._has_cloud = False

    def codes_at(self, t: float) -> np.ndarray:
        """Positions at fractional snapshot index ``t``: linear between the two stored snapshots around it."""
        return codes_at(self._codes, t)

    def set_position(self, t: float) -> None:
        """Move every point to fractional snapshot index ``t`` in place; the camera stays (no render)."""
        if self._cloud is None:
            return
        codes_at(self._codes, t, out=self._xyz)
        if self._draw_box is not None:  # a far outlier (3e38) made VTK's bounds and clipping range swallow the cloud
            np.clip(self._xyz, self._draw_box[0], self._draw_box[1], out=self._xyz)
        self._cloud.GetPoints().Modified()
        self._position = clamp_position(t, self.last_snapshot)
        self._update_highlight()

    # -- classes and level of detail ------------------------------------------------------------

    def class_visible(self, cls: int) -> bool:
        """Whether class ``cls`` is drawn."""
        return self._visible[cls]

    def set_class_visible(self, cls: int, visible: bool) -> None:
        """Hide or show class ``cls``; hidden points are not drawn and therefore not pickable."""
        self._visible[cls] = bool(visible)
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        if self._cloud is None or self._lod is None:
            return
        shown = self.drawn_mask()
        self._cloud.SetVerts(verts(np.flatnonzero(shown)))
        self._lod.SetVerts(verts(np.flatnonzero(shown & self._lod_keep)))

    def drawn_mask(self) -> np.ndarray:
        """Which points are drawn (bool ``[N]``): those of visible classes, within the isolated group if any."""
        shown = np.asarray(self._visible, bool)[self._labels]
        return shown if self._only is None else shown & self._only

    def set_only(self, mask: np.ndarray | None) -> None:
        """Draw (and let pick) only the points where ``mask`` is True (isolate a group); None draws all again."""
        self._only = None if mask is None else np.asarray(mask, bool).reshape(-1)
        if self._only is not None and self._only.shape != self._labels.shape:
            raise ValueError(f"An isolate mask needs {self.n_points} entries, not {self._only.size}.")
        self._apply_visibility()

    @property
    def fast(self) -> bool:
        """True while the cheap level of detail is shown."""
        return self._fast

    def set_fast(self, fast: bool) -> None:
        """Switch to flat, subsampled points while the camera moves; back to full quality when it stops."""
        if self._cloud_actor is None or self._lod_actor is None or fast == self._fast:
            return
        self._fast = fast
        self._cloud_actor.SetVisibility(not fast)
        self._lod_actor.SetVisibility(fast)

    # -- picking and highlight ------------------------------------------------------------------

    def display_position(self, index: int) -> tuple[float, float, float]:
        """Display coordinates (x, y from the bottom-left, depth) of point ``index``."""
        ren = self.plotter.renderer
        ren.SetWorldPoint(*(float(v) for v in self._xyz[index]), 1.0)
        ren.WorldToDisplay()
        x, y, z = ren.GetDisplayPoint()
        return float(x), float(y), float(z)

    def pick(self, x: int, y: int, radius: int = 3) -> int | None:
        """The point drawn at display pixel ``(x, y)`` (origin bottom-left), or None.

        Parameters
        ----------
        x, y : int
            Display coordinates, as VTK's interactor reports them.
        radius : int
            If nothing is drawn at the exact pixel, accept the visible point nearest the
            cursor within this many pixels.

        Returns
        -------
        int or None
            Index of the point, or None for empty space.

        Notes
        -----
        Uses ``vtkOpenGLHardwareSelector``: the ids come from what the GPU drew in the
        ``radius`` box around the cursor, so a point hidden behind another is never
        returned. The selection pass draws the cloud as flat points of the same size
        (5x cheaper than sphere impostors on software GL); among the visible ids, the
        point whose drawn disc covers the pixel and lies nearest the camera wins, which
        is what the sphere rendering shows there; failing that, the nearest centre.
        """
        if self._cloud_actor is None:
            return None
        was_fast = self._fast
        self.set_fast(False)
        try:
            return pick_point(self.plotter, self._cloud_actor, x, y, radius)
        finally:
            self.set_fast(was_fast)

    def set_highlight(self, index: int | None) -> None:
        """Highlight point ``index`` (it follows the position), or remove the highlight."""
        self._selected = index
        self._update_highlight()

    def _update_highlight(self) -> None:
        if not self._has_cloud:
            return
        self.markers.set_selection(None if self._selected is None else self._xyz[self._selected])

    # -- camera and probe -----------------------------------------------------------------------

    def reset_camera(self) -> None:
        """The default view: looking at the cloud from the (1, 1, 1) diagonal, z up, all snapshots framed."""
        aim_default(self.plotter.renderer)
        self.fit_camera()

    def fit_camera(self, codes: np.ndarray | None = None) -> None:
        """Frame ``codes`` (default: every snapshot's, so no snapshot needs the camera to move), keeping the direction.

        The box spans the 0.5th to 99.5th percentile of each axis rather than the extremes (a
        handful of far outliers would otherwise shrink the cloud to a speck), with a margin so
        that the points at its edge are not cut by the window's border.
        """
        if not self.n_points:
            return
        box = self._box if codes is None and self._box is not None else framing_box(self._codes if codes is None
                                                                                    else codes)
        frame_camera(self.plotter.renderer, *box)
        # Tell pyvista the camera is placed: otherwise a later add_* call (the probe widget) may
        # reset it to pyvista's default direction, undoing the user's rotation.
        self.plotter.renderer.camera_set = True

    def focal_plane_point(self, x: float, y: float) -> np.ndarray:
        """The world point under display ``(x, y)`` on the plane through the focal point facing the camera."""
        ren = self.plotter.renderer
        fp = self.plotter.camera.GetFocalPoint()
        ren.SetWorldPoint(*fp, 1.0)
        ren.WorldToDisplay()
        depth = ren.GetDisplayPoint()[2]
        ren.SetDisplayPoint(float(x), float(y), depth)
        ren.DisplayToWorld()
        wx, wy, wz, ww = ren.GetWorldPoint()
        return np.array([wx / ww, wy / ww, wz / ww], np.float32)

    @property
    def probe_enabled(self) -> bool:
        """Whether the free-roam probe is shown."""
        return self._probe is not None

    def enable_probe(self, on_move: Callable[[np.ndarray], None], center: Sequence[float] | None = None) -> None:
        """Show the draggable probe; ``on_move(position)`` is called on every move.

        Parameters
        ----------
        on_move : callable
            Receives the probe centre as float32 ``[3]``.
        center : sequence of float, optional
            Start position; defaults to the camera's focal point.
        """
        if self._probe is not None:
            return
        c = np.asarray(self.plotter.camera.GetFocalPoint() if center is None else center, float)
        span = float(np.ptp(self._xyz, axis=0).max()) if self.n_points else 1.0
        self._probe_cb = on_move
        self._probe = self.plotter.add_sphere_widget(
            self._on_probe, center=c, radius=0.025 * max(span, 1e-6), color="#ffcc33",
            selected_color="#ffe680", interaction_event="always", test_callback=False,
            theta_resolution=16, phi_resolution=16)
        self.markers.set_probe(c)

    def _on_probe(self, center: Sequence[float] | np.ndarray) -> None:
        self.markers.set_probe(np.asarray(center, np.float32))
        if self._probe_cb is not None:
            self._probe_cb(np.asarray(center, np.float32))

    def disable_probe(self) -> None:
        """Remove the probe."""
        if self._probe is not None:
            self.plotter.clear_sphere_widgets()
            self._probe = None
            self._probe_cb = None
        self.markers.set_probe(None)

    @property
    def probe_position(self) -> np.ndarray | None:
        """Centre of the probe, or None when free roam is off."""
        if self._probe is None:
            return None
        return np.asarray(self._probe.GetCenter(), np.float32)  # type: ignore[attr-defined]

    def set_probe_position(self, position: Sequence[float] | np.ndarray) -> None:
        """Move the probe (and report the move like a drag would)."""
        if self._probe is None:
            return
        self.place_probe(position)
        self._on_probe(position)

    def place_probe(self, position: Sequence[float] | np.ndarray) -> None:
        """Move the probe without reporting it (the state moved it)."""
        if self._probe is not None:
            self._probe.SetCenter(*(float(v) for v in position))  # type: ignore[attr-defined]
            self.markers.set_probe(np.asarray(position, np.float32))

    def probe_start(self) -> np.ndarray:
        """Where free roam starts: the code nearest the focal point, so the probe sits on the data."""
        focal = np.asarray(self.plotter.camera.GetFocalPoint(), np.float32)
        if not self.n_points:
            return focal
        shown = np.asarray(self._visible, bool)[self._labels]
        pts = self._xyz[shown] if shown.any() else self._xyz
        return np.asarray(pts[np.argmin(((pts - focal) ** 2).sum(axis=1))], np.float32)

    def close(self) -> None:
        """Drop the probe and actors (the plotter itself belongs to the caller)."""
        self.disable_probe()
        self._remove_actors()
        self.markers.close()
        self._cloud = self._lod = None
