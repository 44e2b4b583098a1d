"""The loss plot's class buttons: click a name to show its curve, Alt/Ctrl-click for it alone, hover to bring it out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QGridLayout, QToolButton, QWidget

from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["DEFAULT_CLASSES", "ClassCurveBar"]

DEFAULT_CLASSES = frozenset({1, 6, 8})  # Trouser (learned first), Shirt (last), Bag: the spread, at a glance
SOLO = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
BUTTON = ("QToolButton {{ color:{fg}; border:1px solid {border}; border-radius:3px; padding:0 3px; "
          "text-align:left; font-size:8pt; }}")


class ClassCurveBar(QWidget):
    """One button per class (its colour and name) and *all* / *none*, in a grid beside the plot.

    Parameters
    ----------
    state : ViewerState
        Hovering a class button sets ``state.highlight_class`` (None on leaving); the highlight is shown.
    names : sequence of str
    colors : sequence of (int, int, int)
    parent : QWidget, optional

    Notes
    -----
    ``shown_changed(frozenset)`` is emitted with the classes whose curves are drawn whenever that
    changes: a click toggles one class, Alt+click or Ctrl+click shows that class alone (again: all).
    """

    shown_changed = Signal(frozenset)

    def __init__(self, state: ViewerState, names: Sequence[str], colors: Sequence[tuple[int, int, int]],
                 parent: QWidget | None = None, columns: int = 2) -> None:
        super().__init__(parent)
        self.state = state
        self.colors = [QColor(*rgb) for rgb in colors]
        self.shown: frozenset[int] = frozenset()
        self.buttons: list[QToolButton] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setSpacing(2)
        for cls, name in enumerate(names):
            swatch = QPixmap(10, 10)
            swatch.fill(self.colors[cls])
            b = QToolButton()
            b.setText(name)
            b.setIcon(QIcon(swatch))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setCheckable(True)
            b.setToolTip(f"Show or hide the test loss of {name} (Alt/Ctrl+click: {name} alone)")
            b.clicked.connect(lambda _on=False, c=cls: self._on_button(c))
            b.installEventFilter(self)
            grid.addWidget(b, cls // columns, cls % columns)
            self.buttons.append(b)
        rows = -(-len(names) // columns)
        for i, (text, tip, slot) in enumerate((("all", "Show every class's test loss", self.show_all),
                                               ("none", "Hide every class's test loss", self.show_none))):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            grid.addWidget(b, rows, i)
        self._disconnect = connect_handlers(state.events, self)
        self.set_shown(DEFAULT_CLASSES)

    def set_names(self, names: Sequence[str]) -> None:
        """Name the buttons after the run's classes (a tool button's text is plain: no markup renders)."""
        for b, name in zip(self.buttons, names):
            b.setText(name)
            b.setToolTip(f"Show or hide the test loss of {name} (Alt/Ctrl+click: {name} alone)")

    # -- what the user did ----------------------------------------------------------------------

    def _on_button(self, cls: int) -> None:
        if QApplication.keyboardModifiers() & SOLO:
            self.solo(cls)
        else:
            self.set_shown(self.shown ^ {cls})

    def solo(self, cls: int) -> None:
        """Show class ``cls`` alone (when it already is: every class)."""
        self.set_shown(range(len(self.buttons)) if self.shown == {cls} else {cls})

    def show_all(self) -> None:
        """Every class's curve."""
        self.set_shown(range(len(self.buttons)))

    def show_none(self) -> None:
        """No class curve."""
        self.set_shown(())

    def set_shown(self, classes: Iterable[int]) -> None:
        """Draw the curves of ``classes`` (emits ``shown_changed`` when that changes)."""
        shown = frozenset(int(c) for c in classes)
        changed = shown != self.shown
        self.shown = shown
        self._restyle()
        if changed:
            self.shown_changed.emit(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Hovering a class button highlights the class across the window; leaving it ends that."""
        cls = next((c for c, b in enumerate(self.buttons) if b is watched), None)
        if cls is not None:
            if event.type() == QEvent.Type.Enter:
                self.state.highlight_class = cls
            elif event.type() == QEvent.Type.Leave and self.state.highlight_class == cls:
                self.state.highlight_class = None
        return super().eventFilter(watched, event)

    # -- what the state says --------------------------------------------------------------------

    def _on_highlight_class(self, _cls: int | None) -> None:
        self._restyle()

    def _restyle(self) -> None:
        lit = self.state.highlight_class
        for cls, b in enumerate(self.buttons):
            on = cls in self.shown
            b.setChecked(on)
            border = self.colors[cls].name() if on or cls == lit else "#3a3f4b"
            fg = "#ffffff" if cls == lit else ("#d7dae0" if on else "#6b7080")
            b.setStyleSheet(BUTTON.format(fg=fg, border=border) + (" QToolButton { font-weight:bold; }"
                                                                   if cls == lit else ""))

    def close_state(self) -> None:
        """Disconnect from the state."""
        self._disconnect()
