"""What one training needs (config, target folder, data, storage options): torch-free, picklable into the child."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from latent3d.config.train import TrainConfig
from latent3d.data.catalog import DEFAULT_DATASET, dataset_info
from latent3d.util.threads import check_threads

__all__ = ["TrainJob"]


@dataclass(frozen=True)
class TrainJob:
    """Everything one training needs; picklable, so it can cross into a training process.

    Attributes
    ----------
    config : TrainConfig
    target : Path
        The run folder to create; it must not exist.
    data_dir : Path or None
        Folder holding ``FashionMNIST/raw`` (None: ``$LATENT3D_DATA_DIR`` or the per-user cache).
    device : str
        ``auto``, ``cpu`` or ``cuda``.
    weights_dtype, keep_encoder : str
        Storage options of :class:`latent3d.runs.writer.RunWriter`.
    command : str
        How the training was started, stored as provenance.
    note : str or None
        Free text stored in ``run.json``.
    download : bool
        Fetch the dataset through torchvision when files are missing.
    dataset : str
        ``fashion-mnist`` (default), ``mnist`` or ``kmnist`` (:mod:`latent3d.data.catalog`).
    threads : int or None
        CPU threads of the training; None chooses them for the machine's load as the training goes
        (:class:`latent3d.util.threads.ThreadGovernor`; ``$LATENT3D_TRAIN_THREADS`` fixes them instead).
    """

    config: TrainConfig
    target: Path
    data_dir: Path | None = None
    device: str = "auto"
    weights_dtype: str = "float32"
    keep_encoder: str = "all"
    command: str = ""
    note: str | None = None
    download: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    dataset: str = DEFAULT_DATASET
    threads: int | None = None

    def __post_init__(self) -> None:
        dataset_info(self.dataset)  # an unknown dataset is one ValueError sentence before anything runs
        check_threads(self.threads)
