"""Trails: each point's path through the last snapshots up to the position, as one fading polyline actor.

One ``PolyData`` holds every trail (``K`` points x ``L + 1`` vertices: ``L`` stored snapshots and
the interpolated head) and is updated in place on every timeline move; its connectivity and its
colours (older = nearer the background) are built once per group and length. The group's mean
trail (its centroid) is a second, thicker line.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkCellArray
from vtkmodules.vtkRenderingCore import vtkRenderer

from latent3d.analysis.groups import trail_snapshots
from latent3d.scene.core.cloud import mesh_actor
from latent3d.scene.core.look import BACKGROUND_RGB, CLASS_COLORS

__all__ = ["TrailLayer"]

OLDEST = 0.12  # the oldest vertex keeps this much of its colour
CENTROID_RGB = (255, 255, 255)
# While the camera moves, draw at most this many trails (software GL sets up each segment: 1,000 x 40 cost ~55 ms,
# 200 ~33 ms, 100 ~20 ms over a 29 ms frame in one loaded session).
LOD_TRAILS = 100


def _polylines(trails: np.ndarray, per: int) -> vtkCellArray:
    """One polyline of ``per`` consecutive vertices for each trail number in ``trails``, built from numpy."""
    cells = vtkCellArray()
    starts = np.asarray(trails, np.int64) * per
    conn = (starts[:, None] + np.arange(per, dtype=np.int64)[None, :]).reshape(-1)
    cells.SetData(numpy_to_vtkIdTypeArray(np.arange(len(starts) + 1, dtype=np.int64) * per, deep=True),
                  numpy_to_vtkIdTypeArray(conn, deep=True))
    return cells


def _faded(rgb: np.ndarray, per: int) -> np.ndarray:
    """Colours ``[K, per, 3]``: vertex 0 (oldest) near the background, the head at full colour."""
    bg = np.asarray(BACKGROUND_RGB, np.float32)
    w = (OLDEST + (1.0 - OLDEST) * np.linspace(0.0, 1.0, per, dtype=np.float32) ** 1.5)[None, :, None]
    return np.rint(bg + w * (np.asarray(rgb, np.float32)[:, None, :] - bg)).astype(np.uint8)


class TrailLayer:
    """The trails of one group in a plotter's main renderer (no Qt).

    Parameters
    ----------
    plotter : pyvista.Plotter
    line_width : float
        Width of each point's trail in pixels (1: native lines, fast on software GL); the centroid's is 4 times it.
    """

    def __init__(self, plotter: pv.Plotter, line_width: float = 1.0) -> None:
        self.plotter = plotter
        self.line_width = line_width
        self._paths = np.zeros((0, 1, 3), np.float32)  # [K, S, 3]: the sampled points' codes, point-major
        self._centroid = np.zeros((1, 3), np.float32)  # [S, 3]
        self._length = 0
        self._xyz = np.zeros((0, 3), np.float32)
        self._cxyz = np.zeros((0, 3), np.float32)
        self.mesh = pv.PolyData()
        self.lod_mesh = pv.PolyData()  # a subset of the trails, sharing the vertices: shown while the camera moves
        self.centroid_mesh = pv.PolyData()
        self.actor = self._add(self.mesh, line_width)
        self.lod_actor = self._add(self.lod_mesh, line_width)
        # The centroid runs through the middle of its group: a layer above the cloud (own depth buffer, the
        # same camera) keeps it in sight, as the path overlay and the markers are.
        self._layer = vtkRenderer()
        self._layer.SetLayer(1)
        self._layer.InteractiveOff()
        self._layer.SetActiveCamera(plotter.renderer.GetActiveCamera())
        rw = plotter.ren_win
        rw.SetNumberOfLayers(max(2, rw.GetNumberOfLayers()))
        rw.AddRenderer(self._layer)
        self._layer.DrawOff()  # an empty layer still clears its depth buffer each frame: drawn only with trails
        self.centroid_actor = self._add(self.centroid_mesh, line_width * 4.0, self._layer)
        self._on = False
        self.fast = False

    def _add(self, mesh: pv.PolyData, width: float, renderer: vtkRenderer | None = None) -> pv.Actor:
        actor = mesh_actor(mesh, rgb="rgb")
        prop = actor.GetProperty()
        prop.SetLineWidth(width)
        prop.SetLighting(False)
        actor.SetPickable(False)
        actor.SetVisibility(False)
        (renderer or self.plotter.renderer).AddActor(actor)
        return actor

    @property
    def n_trails(self) -> int:
        """Points with a trail."""
        return int(self._paths.shape[0])

    @property
    def vertices(self) -> np.ndarray:
        """The drawn trail vertices ``[K, L + 1, 3]`` (a view of VTK's memory: do not write)."""
        return self._xyz.reshape(self.n_trails, self._length + 1, 3)

    @property
    def centroid_vertices(self) -> np.ndarray:
        """The drawn centroid trail ``[L + 1, 3]``."""
        return self._cxyz

    def set_data(self, codes: np.ndarray, labels: np.ndarray, centroid: np.ndarray, length: int) -> None:
        """Trails for codes ``[S, K, 3]`` of ``K`` points (class ``labels`` ``[K]``) and their centroid ``[S, 3]``.

        Builds the vertices, connectivity and colours for trails of ``length`` stored snapshots;
        :meth:`set_position` then only moves the vertices.
        """
        self._paths = np.ascontiguousarray(np.asarray(codes, np.float32).transpose(1, 0, 2))
        self._centroid = np.asarray(centroid, np.float32)
        self._length = max(1, int(length))
        k, per = self.n_trails, self._length + 1
        self._xyz = self._fill(self.mesh, k, per, np.asarray(CLASS_COLORS, np.uint8)[np.asarray(labels, np.int64)])
        self.lod_mesh.SetPoints(self.mesh.GetPoints())
        self.lod_mesh.GetPointData().ShallowCopy(self.mesh.GetPointData())
        self.lod_mesh.SetLines(_polylines(np.unique(np.linspace(0, k - 1, min(k, LOD_TRAILS)).astype(np.int64)),
                                          per) if k else _polylines(np.zeros(0, np.int64), per))
        self._cxyz = self._fill(self.centroid_mesh, 1, per, np.array([CENTROID_RGB], np.uint8))

    @staticmethod
    def _fill(mesh: pv.PolyData, k: int, per: int, rgb: np.ndarray) -> np.ndarray:
        mesh.points = np.zeros((max(k * per, 1), 3), np.float32)
        mesh.SetLines(_polylines(np.arange(k), per))
        mesh.point_data["rgb"] = _faded(rgb, per).reshape(-1, 3) if k else np.zeros((1, 3), np.uint8)
        return vtk_to_numpy(mesh.GetPoints().GetData())[: k * per]  # writable view of VTK's memory

    def set_position(self, u: float) -> None:
        """Move every trail so that it ends at fractional snapshot ``u`` (in place; no render)."""
        last = self._paths.shape[1] - 1
        snaps, f = trail_snapshots(u, self._length, last)
        k, per = self.n_trails, self._length + 1
        head = self._paths[:, snaps[-1]] if f == 0.0 else (
            self._paths[:, snaps[-1]] + np.float32(f) * (self._paths[:, snaps[-1] + 1] - self._paths[:, snaps[-1]]))
        if k:
            xyz = self._xyz.reshape(k, per, 3)
            xyz[:, :-1] = self._paths[:, snaps]
            xyz[:, -1] = head
            self.mesh.GetPoints().Modified()
        c = self._centroid
        self._cxyz[:-1] = c[snaps]
        self._cxyz[-1] = c[snaps[-1]] if f == 0.0 else c[snaps[-1]] + np.float32(f) * (c[snaps[-1] + 1] - c[snaps[-1]])
        self.centroid_mesh.GetPoints().Modified()

    @property
    def visible(self) -> bool:
        """Whether trails are drawn (all of them, or the moving camera's subset)."""
        return self._on

    def set_visible(self, on: bool) -> None:
        """Show or hide the trails and the centroid trail."""
        self._on = on and self.n_trails > 0
        self.actor.SetVisibility(self._on and not self.fast)
        self.lod_actor.SetVisibility(self._on and self.fast)
        self.centroid_actor.SetVisibility(self._on)
        self._layer.SetDraw(self._on)

    def set_fast(self, fast: bool) -> None:
        """While the camera moves, draw at most ``LOD_TRAILS`` trails; all of them when it stops."""
        self.fast = bool(fast)
        self.set_visible(self._on)

    def close(self) -> None:
        """Remove the actors."""
        for actor in (self.actor, self.lod_actor):
            self.plotter.renderer.RemoveActor(actor)
        self._layer.RemoveAllViewProps()
        if self.plotter.ren_win is not None:
            self.plotter.ren_win.RemoveRenderer(self._layer)
