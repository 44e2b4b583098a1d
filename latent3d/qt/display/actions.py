"""The actions that choose what the cloud shows (colour mode, training-set overlay) and export it (PNG, movie)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSignalBlocker
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from latent3d.config.choices import ALL_COLOUR_MODES, COMPARE_COLOUR_MODES
from latent3d.qt.style import window_action
from latent3d.runs import Run
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.compare import CompareModel
    from latent3d.state.display import DisplayModel
    from latent3d.state.time import TimeModel

__all__ = ["COLOUR_LABELS", "DisplayActions"]

COLOUR_LABELS = {"class": "Colour by class", "error": "Colour by reconstruction error",
                 "movement": "Colour by movement since the previous snapshot",
                 "aligned-movement": "Colour by movement beyond alignment (rotation, scale, shift taken out)",
                 "distance": "Colour by distance to the compared run (aligned)",
                 "agreement": "Colour by neighbour agreement with the compared run (k=10)",
                 "learned": "Colour by when each image was learned"}
COLOUR_SHORT = {"class": "class", "error": "reconstruction error", "movement": "movement",
                "aligned-movement": "movement beyond alignment", "distance": "distance to compared run",
                "agreement": "neighbour agreement", "learned": "learned at"}


class DisplayActions:
    """Colour-mode actions (Ctrl+1/2/3) and chooser, and the training-set overlay (T), as views of the display model.

    Parameters
    ----------
    display : DisplayModel
        Its ``color`` and ``train_overlay``.
    time : TimeModel
        Whether the run has training codes, and the snapshot shown.
    compare : CompareModel
        The comparison colours are offered while a run is compared.
    parent : QObject
        Owns the actions (the window adds them so their shortcuts work).
    message : callable
        ``message(text, ms)`` shows a short note (the window's status bar).
    """

    def __init__(self, display: DisplayModel, time: TimeModel, compare: CompareModel, parent: QObject,
                 message: Callable[[str, int], None] = lambda _t, _ms: None) -> None:
        self.display, self.time, self.message = display, time, message
        self.colour_group = QActionGroup(parent)
        self.colour_actions: dict[str, QAction] = {}
        for key, mode in zip([f"Ctrl+{i}" for i in range(1, 10)], ALL_COLOUR_MODES):  # in the order of the modes
            act = window_action(COLOUR_LABELS[mode], parent, key, checkable=True)
            act.setChecked(mode == display.color)
            act.triggered.connect(lambda _on=False, m=mode: self.set_colour_mode(m))
            self.colour_group.addAction(act)
            self.colour_actions[mode] = act
        self.train_action = window_action("Training set", parent, "T", checkable=True)
        self.train_action.setToolTip("Add the 60,000 training images' codes at the final epoch (T)")
        self.train_action.triggered.connect(self.set_train_overlay)
        self.colour_box = QComboBox()
        for mode in ALL_COLOUR_MODES:
            self.colour_box.addItem(COLOUR_SHORT[mode], mode)
        self.colour_box.setToolTip("Colour the points by class, reconstruction error (BCE) at the snapshot shown, "
                                   "or distance moved since the previous snapshot (Ctrl+1/2/3)")
        # As wide as "reconstruction error", not the longest mode: the toolbars fit 1280 px.
        self.colour_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.colour_box.setMinimumContentsLength(len("reconstruction error"))
        self.colour_box.currentIndexChanged.connect(lambda i: self.set_colour_mode(ALL_COLOUR_MODES[i]))
        self._disconnects = [connect_handlers(m, self) for m in (time, display, compare)]
        self._on_other(compare.other)

    @property
    def actions(self) -> list[QAction]:
        """For the View menu (the colour modes are exclusive)."""
        return [*self.colour_actions.values(), self.train_action]

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        """The colour chooser."""
        toolbar.addWidget(QLabel(" Colour: "))
        toolbar.addWidget(self.colour_box)  # the training-set overlay is in the View menu (T): rarely used

    def set_colour_mode(self, mode: str) -> None:
        """Colour points by a mode of ``ALL_COLOUR_MODES`` (``"class"``, ``"error"``, ``"movement"``, ...)."""
        try:
            self.display.color = mode
        except ValueError as exc:  # a comparison colour without a compared run
            self.message(str(exc), 5000)
            self._on_color(self.display.color)

    def set_train_overlay(self, on: bool) -> None:
        """Show or hide the training images' final-epoch codes."""
        self.display.train_overlay = on
        self._on_train_overlay(self.display.train_overlay)

    def _on_run(self, run: Run | None) -> None:
        has_train = run is not None and run.train_codes is not None
        self.train_action.setEnabled(has_train)
        self.train_action.setToolTip("Add the training images' codes at the final epoch (T)" if has_train
                                     else "This run stores no training codes.")

    def _on_color(self, mode: str) -> None:
        self.colour_actions[mode].setChecked(True)
        if self.colour_box.currentData() != mode:
            with QSignalBlocker(self.colour_box):
                self.colour_box.setCurrentIndex(ALL_COLOUR_MODES.index(mode))

    def _on_other(self, run: Run | None) -> None:
        model = self.colour_box.model()
        for mode in COMPARE_COLOUR_MODES:  # offered only while a run is compared
            self.colour_actions[mode].setEnabled(run is not None)
            item = model.item(ALL_COLOUR_MODES.index(mode))  # type: ignore[attr-defined]
            item.setEnabled(run is not None)

    def _on_train_overlay(self, on: bool) -> None:
        if self.train_action.isChecked() != on:
            self.train_action.setChecked(on)
        run = self.time.run
        if on and run is not None and self.time.snapshot != len(run.codes) - 1:
            self.message("The training codes are those of the final epoch.", 4000)

    def close(self) -> None:
        """Stop following the models."""
        for disconnect in self._disconnects:
            disconnect()
