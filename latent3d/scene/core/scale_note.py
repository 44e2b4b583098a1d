"""A corner note that says how large the cloud shown really is, so a camera that follows it hides no scale."""

from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkTextActor

__all__ = ["ScaleNote", "scale_text"]


def scale_text(lo: np.ndarray, hi: np.ndarray) -> str:
    """``"cloud 4.12 × 2.30 × 1.05"`` for the box ``lo``-``hi`` (three significant digits)."""
    size = np.asarray(hi, float) - np.asarray(lo, float)
    return "cloud " + " × ".join(f"{v:.3g}" for v in size) + "  (x × y × z, 99 % of the codes)"


class ScaleNote:
    """A text actor at the bottom right of ``plotter``'s view (updated in place, never re-added)."""

    def __init__(self, plotter: pv.Plotter, font_size: int = 11) -> None:
        self.plotter = plotter
        self.actor = vtkTextActor()
        prop = self.actor.GetTextProperty()
        prop.SetFontSize(font_size)
        prop.SetColor(0.62, 0.65, 0.71)
        prop.SetJustificationToRight()
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.actor.GetPositionCoordinate().SetValue(0.985, 0.015)
        self.actor.SetVisibility(False)
        plotter.renderer.AddViewProp(self.actor)

    @property
    def text(self) -> str:
        """The text shown (empty when hidden)."""
        return str(self.actor.GetInput() or "") if self.actor.GetVisibility() else ""

    def show(self, lo: np.ndarray, hi: np.ndarray, projection: str = "") -> None:
        """Say how large the box ``lo``-``hi`` is, after ``projection`` (how a wider embedding is drawn) if given."""
        self.actor.SetInput(f"{projection}\n{scale_text(lo, hi)}" if projection else scale_text(lo, hi))
        self.actor.SetVisibility(True)

    def hide(self) -> None:
        """Say nothing."""
        self.actor.SetVisibility(False)

    def close(self) -> None:
        """Remove the actor."""
        self.plotter.renderer.RemoveViewProp(self.actor)
