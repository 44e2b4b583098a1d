"""The learning model: the learning analysis of the run shown, written by its worker when it is ready."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from psygnal import SignalGroupDescriptor

from latent3d.state.model import Model, identical

if TYPE_CHECKING:
    from latent3d.analysis.learning import LearningAnalysis

__all__ = ["LearningModel"]



@dataclass(eq=False)
class LearningModel(Model):
    """The analysis (class purity, events, learned-at, data map) of the run shown, or None while it is worked out.

    Attributes
    ----------
    result : LearningAnalysis or None
        Written by the analysis worker (on the GUI thread) when it finishes; cleared for a new run.
    status : str
        What the worker is doing ("" when it is idle), for the panels' busy note.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor(equality_operators={"result": identical})

    result: LearningAnalysis | None = None
    status: str = ""
