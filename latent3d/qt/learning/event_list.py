"""What happened when: the learning events as a list (class, step, epoch); a click seeks the timeline there.

The purity plot's rotated labels crowd where the early events fall together; this list reads in order,
and marks a class that was already apart when training began (its "separation" is then the untrained
encoder's random projection sharpening, not something the training found).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from latent3d.analysis.learning import LearningAnalysis
from latent3d.analysis.purity import LearningEvent
from latent3d.state.learning import LearningModel
from latent3d.state.model import connect_handlers
from latent3d.state.time import TimeModel

__all__ = ["APART_AT_START", "EventList", "apart_at_start", "event_row"]

APART_AT_START = 3.0  # a class whose kNN purity at step 0 is this many times chance (its share) was already apart


def apart_at_start(a: LearningAnalysis, cls: int) -> bool:
    """Whether class ``cls`` was already apart at initialisation: its step-0 purity at least 3x its share."""
    labels = np.asarray(a.labels)
    share = float(np.mean(labels == cls)) if len(labels) else 0.0
    p0 = float(a.purity[0, cls]) if a.purity.size else float("nan")
    return share > 0 and np.isfinite(p0) and p0 >= APART_AT_START * share


def event_row(a: LearningAnalysis, event: LearningEvent, steps_per_epoch: int) -> str:
    """``"step 4 · epoch 0.00 · Trouser separates"``, with the note for a class already apart at step 0."""
    text = f"step {event.step:,.0f} · epoch {event.step / max(steps_per_epoch, 1):.2f} · {event.label}"
    if event.cls is not None and apart_at_start(a, event.cls):
        text += f" (already apart at initialisation: purity {a.purity[0, event.cls]:.2f})"
    return text


class EventList(QListWidget):
    """The learning events of ``learning.result`` in step order; clicking one seeks ``time`` to its step.

    Parameters
    ----------
    learning : LearningModel
    time : TimeModel
    parent : QWidget, optional
    """

    def __init__(self, learning: LearningModel, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.learning, self.time = learning, time
        self.events: list[LearningEvent] = []
        self.setToolTip("When each class separated (its kNN purity half-way from step 0 to the end) and when half "
                        "the loss drop was done; click one to go there")
        self.itemClicked.connect(self._on_item_clicked)
        self.itemActivated.connect(self._on_item_clicked)
        self._disconnect: Callable[[], None] = connect_handlers(learning, self)
        self._on_result(learning.result)

    def _on_result(self, a: LearningAnalysis | None) -> None:
        self.clear()
        self.events = sorted(a.events, key=lambda e: e.step) if a is not None else []
        run = self.time.run
        spe = int(run.steps_per_epoch) if run is not None else 1
        for event in self.events:
            assert a is not None
            item = QListWidgetItem(event_row(a, event, spe))
            if event.cls is not None and apart_at_start(a, event.cls):
                item.setToolTip("Its kNN purity at step 0, before any training, was already at least 3x chance: "
                                "the untrained encoder's projection kept it apart")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.addItem(item)
        if a is None or not self.events:
            self.addItem(QListWidgetItem("The events appear when the learning analysis is done."
                                         if a is None or a.partial else "No class separated in this run."))

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        row = self.row(item)
        if 0 <= row < len(self.events):
            self.time.seek_step(self.events[row].step)

    def close_list(self) -> None:
        """Stop following the learning model."""
        self._disconnect()
