"""The display model: the colour mode, the hidden classes, the training-set overlay, the class brought out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.analysis.explore import colour_values as explore_colour_values
from latent3d.config.choices import ALL_COLOUR_MODES, COMPARE_COLOUR_MODES
from latent3d.state.compare import drawn_codes
from latent3d.state.model import Model

if TYPE_CHECKING:
    from latent3d.state.compare import CompareModel
    from latent3d.state.time import TimeModel

__all__ = ["N_CLASSES", "DisplayModel", "colour_values"]

N_CLASSES = 10


@dataclass(eq=False)
class DisplayModel(Model):
    """What the cloud shows.

    Attributes
    ----------
    color : str
        The colour mode (one of ``ALL_COLOUR_MODES``; the comparison modes need a run compared).
    hidden_classes : frozenset of int
        Classes whose points are not drawn and cannot be picked (the legend's checks show this field).
    train_overlay : bool
        Whether the training images' codes are drawn too (only when the run stores them).
    highlight_class : int or None
        The class brought out in the scene, the legend and the loss curves.

    Notes
    -----
    What the open run allows (its classes, training codes, a comparison) is given by the viewer model
    through :meth:`allow`.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor()

    color: str = "class"
    hidden_classes: frozenset[int] = frozenset()
    train_overlay: bool = False
    highlight_class: int | None = None

    def __post_init__(self) -> None:
        self.n_classes = N_CLASSES
        self._train_codes = False
        self._comparing = False
        super().__post_init__()

    def allow(self, *, train_codes: bool | None = None, comparing: bool | None = None) -> None:
        """What the run shown allows: an overlay of its training codes, the comparison colours."""
        if train_codes is not None:
            self._train_codes = train_codes
        if comparing is not None:
            self._comparing = comparing

    def _check_color(self, mode: str) -> str:
        if mode not in ALL_COLOUR_MODES:
            raise ValueError(f"Unknown colour mode {mode!r}; use one of {', '.join(ALL_COLOUR_MODES)}.")
        if mode in COMPARE_COLOUR_MODES and not self._comparing:
            raise ValueError(f"Colour mode {mode!r} compares two runs; choose a run to compare with first.")
        return mode

    def _check_hidden_classes(self, classes: Iterable[int]) -> frozenset[int]:
        hidden = frozenset(int(c) for c in classes)
        if any(not 0 <= c < self.n_classes for c in hidden):
            raise ValueError(f"Classes are numbered 0 to {self.n_classes - 1}.")
        return hidden

    def _check_train_overlay(self, on: object) -> bool:
        return bool(on) and self._train_codes

    def _check_highlight_class(self, cls: Any) -> int | None:
        if cls is None:
            return None
        if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= int(cls) < self.n_classes:
            raise ValueError(f"Classes are numbered 0 to {self.n_classes - 1}, not {cls!r}.")
        return int(cls)

    def set_class_visible(self, cls: int, visible: bool) -> None:
        """Show or hide class ``cls``."""
        self.hidden_classes = (self.hidden_classes - {cls}) if visible else (self.hidden_classes | {cls})


def colour_values(time: TimeModel, display: DisplayModel, compare: CompareModel) -> np.ndarray | None:
    """The scalar each point is coloured by at the shown snapshot (float32 ``[N]``), None for class colours."""
    run = time.run
    if run is None or display.color == "class":
        return None
    if display.color in COMPARE_COLOUR_MODES:
        drawn = drawn_codes(time, compare)
        assert compare.comparison is not None and drawn is not None  # the colour check's rule
        return compare.comparison.colour_values(display.color, drawn, run.codes, time.snapshot)
    return explore_colour_values(display.color, time.snapshot, run.codes, run.test_bce, steps=run.steps)
