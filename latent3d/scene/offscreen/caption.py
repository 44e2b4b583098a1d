"""A step caption drawn into exported frames ("step 64 · epoch 0.07"), top left, clear of the axes gizmo."""

from __future__ import annotations

from typing import Any

from vtkmodules.vtkRenderingCore import vtkTextActor

__all__ = ["StepCaption"]


class StepCaption:
    """A text actor in the plotter's main renderer, hidden until :meth:`show` gives it a text.

    Parameters
    ----------
    plotter : pyvista.Plotter
    font_size : int
        In pixels at the view's own resolution (scale it with the frame for a larger export).
    """

    def __init__(self, plotter: Any, font_size: int = 16) -> None:
        self.plotter = plotter
        self.actor = vtkTextActor()
        prop = self.actor.GetTextProperty()
        prop.SetFontSize(font_size)
        prop.SetColor(0.92, 0.93, 0.95)
        prop.SetBackgroundColor(0.09, 0.1, 0.12)
        prop.SetBackgroundOpacity(0.75)
        prop.SetFrame(False)
        prop.SetVerticalJustificationToTop()
        where = self.actor.GetPositionCoordinate()
        where.SetCoordinateSystemToNormalizedViewport()
        where.SetValue(0.015, 0.975)
        self.actor.SetPickable(False)
        self.actor.SetVisibility(False)
        plotter.renderer.AddViewProp(self.actor)

    def show(self, text: str | None) -> None:
        """Draw ``text`` (None: hide the caption)."""
        if text is not None:
            self.actor.SetInput(text)
        self.actor.SetVisibility(text is not None)

    def close(self) -> None:
        """Remove the actor."""
        self.plotter.renderer.RemoveViewProp(self.actor)
