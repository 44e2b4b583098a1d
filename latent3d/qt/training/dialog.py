"""The Train… dialog: dataset, epochs, batch size, learning rate, seed, run name and an optional data subset."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from latent3d.config.train import ConfigError, TrainConfig
from latent3d.data.catalog import DATASETS, DEFAULT_DATASET
from latent3d.data.datasets import SPLIT_SIZES
from latent3d.qt.settings_file import open_settings
from latent3d.qt.widgets.dialogs import plain_label, plain_tooltip
from latent3d.runs import new_run_name
from latent3d.util.threads import available_cores

__all__ = ["TrainDialog"]

SETTINGS_GROUP = "train_dialog"  # the settings of the last Start, offered again next time


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tip)
    return box


class TrainDialog(QDialog):
    """Settings of a new training: those of the last Start, at first the model's (20 epochs, batch 64, lr 1e-3).

    Parameters
    ----------
    runs_dir : Path
        Where the run will be saved (a name that already exists there is refused).
    parent : QWidget, optional
    settings : QSettings, optional
        Where the last Start's settings are remembered (default: the user's, organisation ``latent3d``).
    """

    def __init__(self, runs_dir: Path, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else open_settings("latent3d", "latent3d")
        self.setWindowTitle("Train a new run")
        self.runs_dir = Path(runs_dir)
        d = TrainConfig()
        self.dataset_box = QComboBox()
        for info in DATASETS.values():
            self.dataset_box.addItem(info.title, info.key)
        self.dataset_box.setToolTip("What the autoencoder learns: 28x28 grey images in ten classes, read from "
                                    "FashionMNIST/raw, MNIST/raw or KMNIST/raw in the data folder")
        self.epochs = _spin(1, 1000, d.epochs, "Passes over the training images")
        self.batch_size = _spin(1, SPLIT_SIZES["train"], d.batch_size, "Images per optimisation step")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 9.99999)
        self.lr.setSingleStep(0.0005)
        self.lr.setValue(d.lr)
        self.lr.setToolTip("Adam learning rate")
        self.seed = _spin(0, 2**31 - 1, d.seed, "Seed of initialisation and shuffling")
        self.name = QLineEdit(new_run_name())
        self.name.setToolTip(plain_tooltip(f"Folder name under {self.runs_dir}"))
        # Room for a generated name and a suffix: the field's default width cut "run-DATE-TIME" off.
        self.name.setMinimumWidth(self.name.fontMetrics().horizontalAdvance(self.name.text() + "-extra") + 16)
        self.train_images = _spin(1, SPLIT_SIZES["train"], SPLIT_SIZES["train"],
                                  "Train on the first N images only (quick looks)")
        self.test_images = _spin(1, SPLIT_SIZES["test"], SPLIT_SIZES["test"], "Show the first N test images only")
        # 0 shows as "auto": the cores other programs leave free, one left to the window while it draws.
        self.threads_box = _spin(0, available_cores(), 0, "CPU threads of the training; auto follows the machine's "
                                 "load and leaves a core to the window while it draws")
        self.threads_box.setSpecialValueText("auto")
        self.error = plain_label(QLabel())  # it repeats the typed name and exception texts
        self.error.setStyleSheet("color:#ff7b72")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Dataset", self.dataset_box)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.lr)
        form.addRow("Seed", self.seed)
        form.addRow("Run name", self.name)
        form.addRow("Training images", self.train_images)
        form.addRow("Test images", self.test_images)
        form.addRow("Threads", self.threads_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setDefault(True)
        # The dialog opens at the last Start's settings (a quick 6,000-image run is offered again); the model's
        # defaults are one click away.
        self.defaults_button = self.buttons.addButton("Defaults", QDialogButtonBox.ButtonRole.ResetRole)
        self.defaults_button.setToolTip("Back to the model's defaults: 20 epochs, batch 64, learning rate 1e-3, "
                                        "seed 0, every training and test image, automatic threads")
        self.defaults_button.clicked.connect(self.set_defaults)
        # Return is Start whatever has the focus: the button box made Cancel the default when shown (Return
        # closed the dialog with no run started), so no other button may become the default.
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(button is self.start_button)
        self.buttons.accepted.connect(self._on_start_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(f"Saved to {self.runs_dir} when training ends; a stopped training is discarded.")
        note.setWordWrap(True)
        note.setStyleSheet("color:#8a90a0")
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._on_name_changed)
        self._on_name_changed(self.name.text())
        self._restore()

    def set_defaults(self) -> None:
        """Put the model's defaults back in every field but the run name."""
        d = TrainConfig()
        for box, value in ((self.epochs, d.epochs), (self.batch_size, d.batch_size), (self.seed, d.seed),
                           (self.train_images, SPLIT_SIZES["train"]), (self.test_images, SPLIT_SIZES["test"]),
                           (self.threads_box, 0)):
            box.setValue(value)
        self.lr.setValue(d.lr)

    def _remembered(self) -> dict[str, QSpinBox | QDoubleSpinBox]:
        return {"epochs": self.epochs, "batch_size": self.batch_size, "lr": self.lr, "seed": self.seed,
                "train_images": self.train_images, "test_images": self.test_images, "threads": self.threads_box}

    def _restore(self) -> None:
        # Settings files are untrusted: a value that is not a number is ignored, one out of range clamped.
        for key, box in self._remembered().items():
            value = self.settings.value(f"{SETTINGS_GROUP}/{key}")
            try:
                number = float(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
            except ValueError:
                number = None
            if number is None or number != number:  # missing, not a number, or NaN
                continue
            if isinstance(box, QSpinBox):
                box.setValue(int(max(box.minimum(), min(box.maximum(), number))))
            else:
                box.setValue(number)

        remembered = self.settings.value(f"{SETTINGS_GROUP}/dataset")
        index = self.dataset_box.findData(remembered) if isinstance(remembered, str) else -1
        self.dataset_box.setCurrentIndex(max(index, 0))  # an unknown name from the file: the default

    def _remember(self) -> None:
        for key, box in self._remembered().items():
            self.settings.setValue(f"{SETTINGS_GROUP}/{key}", box.value())
        self.settings.setValue(f"{SETTINGS_GROUP}/dataset", self.dataset())

    def dataset(self) -> str:
        """The chosen dataset's key (``fashion-mnist``, ``mnist``, ``kmnist``), for ``TrainJob(dataset=...)``."""
        key = self.dataset_box.currentData()
        return key if isinstance(key, str) else DEFAULT_DATASET

    def threads(self) -> int | None:
        """The chosen thread count, None for auto, for ``TrainJob(threads=...)``."""
        return self.threads_box.value() or None

    @property
    def target(self) -> Path:
        """The run folder the training will create."""
        return self.runs_dir / self.name.text().strip()

    def config(self) -> TrainConfig:
        """The settings as a :class:`TrainConfig` (a full split is stored as no limit)."""
        n_train, n_test = self.train_images.value(), self.test_images.value()
        return TrainConfig(epochs=self.epochs.value(), batch_size=self.batch_size.value(), lr=self.lr.value(),
                           seed=self.seed.value(),
                           max_train_images=None if n_train >= SPLIT_SIZES["train"] else n_train,
                           max_test_images=None if n_test >= SPLIT_SIZES["test"] else n_test)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Make *Start* the default button again (the dialog's show picks one of its own)."""
        super().showEvent(event)
        self.start_button.setDefault(True)

    def name_problem(self) -> str:
        """Why the run name cannot be used, or an empty string."""
        name = self.name.text().strip()
        if not name:
            return "Give the run a name."
        if "/" in name or "\\" in name or name.startswith("."):
            return "A run name cannot contain slashes or start with a dot."
        if self.target.exists():
            return f"A run named {name} already exists; choose another name."
        return ""

    def _on_name_changed(self, _text: str) -> None:
        problem = self.name_problem()
        self.error.setText(problem)
        self.start_button.setEnabled(not problem)

    def _on_start_clicked(self) -> None:
        problem = self.name_problem()
        try:
            self.config()
        except ConfigError as exc:
            problem = problem or str(exc)
        if problem:
            self.error.setText(problem)
            return
        self._remember()
        self.accept()
