"""Fetch Fashion-MNIST with torchvision: on the training side, so the viewer's data module stays torch-free."""

from __future__ import annotations

from pathlib import Path

from latent3d.data.datasets import DataError, missing_files, raw_dir, supply_hint

__all__ = ["download"]


def download(root: Path) -> None:
    """Fetch Fashion-MNIST into ``root`` with torchvision when files are missing.

    Raises
    ------
    DataError
        If the download fails (offline, server error, disk full).
    """
    if not missing_files(root):
        return
    try:
        from torchvision.datasets import FashionMNIST

        for train in (True, False):
            FashionMNIST(root=str(root), train=train, download=True)
    except Exception as exc:  # noqa: BLE001 - any failure becomes one sentence for the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"Could not download Fashion-MNIST into {raw_dir(root)} ({reason}); {supply_hint(root)}."
        ) from None
    if missing_files(root):
        raise DataError(f"The Fashion-MNIST download left files missing in {raw_dir(root)}; {supply_hint(root)}.")
