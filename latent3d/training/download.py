"""Fetch Fashion-MNIST, MNIST or KMNIST with torchvision: on the training side (the viewer's data stays torch-free)."""

from __future__ import annotations

from pathlib import Path

from latent3d.data.catalog import DEFAULT_DATASET, dataset_info
from latent3d.data.datasets import FILES, DataError, missing_files, raw_dir, supply_hint

__all__ = ["download"]


def download(root: Path, dataset: str = DEFAULT_DATASET) -> None:
    """Fetch ``dataset`` (default Fashion-MNIST) into ``root`` with its torchvision class when files are missing.

    Nothing is downloaded when some of the four IDX files are there and others are not: that is
    one sentence naming the missing ones.

    Raises
    ------
    DataError
        If some files are there and others missing, or the download fails (offline, server error,
        disk full): one sentence naming the dataset, the folder and the files expected there.
    """
    info = dataset_info(dataset)
    missing = missing_files(root, dataset=dataset)
    if not missing:
        return
    if len(missing) < len(FILES["train"] + FILES["test"]):  # some are there: the user put them; a download would
        # fetch all four again and, offline, fail after 10-15 s naming the first file it tried (one that is present)
        raise DataError(f"{info.title} {'file' if len(missing) == 1 else 'files'} {', '.join(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} missing from {raw_dir(root, dataset)}, where the "
                        f"other {'file is' if len(FILES['train']) * 2 - len(missing) == 1 else 'files are'}; put "
                        f"{'it' if len(missing) == 1 else 'them'} there too, or remove the folder's IDX files to "
                        "download all four.")
    try:
        import torchvision.datasets

        for train in (True, False):
            getattr(torchvision.datasets, info.torchvision_class)(root=str(root), train=train, download=True)
    except Exception as exc:  # noqa: BLE001 - any failure becomes one sentence for the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"Could not download {info.title} into {raw_dir(root, dataset)} ({reason}); {supply_hint(root, dataset)}."
        ) from None
    if missing_files(root, dataset=dataset):
        raise DataError(f"The {info.title} download left files missing in {raw_dir(root, dataset)}; "
                        f"{supply_hint(root, dataset)}.")
