"""Fashion-MNIST, MNIST and KMNIST on disk: where each lives, how it is read, and its class names.

Downloading goes through ``torchvision.datasets.FashionMNIST`` (or ``MNIST``, ``KMNIST``: mirrors
and MD5 checks included) in ``latent3d.training.download``, on the training side. Reading the four IDX
files is done here with numpy, for two reasons: the viewer must show test images without importing
torch (which alone takes seconds to import), and a truncated or foreign file must be reported
as one sentence naming the file rather than as a stack trace from deep inside a reader.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import numpy as np

from latent3d.data.catalog import DATASETS, DEFAULT_DATASET, dataset_info
from latent3d.util.fileio import FileKindError, describe_os_error, file_kind, open_regular

__all__ = [
    "CLASS_NAMES",
    "DATA_DIR_ENV",
    "FILES",
    "DataError",
    "dataset_checksum",
    "load_split",
    "missing_files",
    "raw_dir",
    "resolve_data_dir",
    "supply_hint",
]

CLASS_NAMES: tuple[str, ...] = DATASETS[DEFAULT_DATASET].class_names  # Fashion-MNIST's, the default
FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SPLIT_SIZES = {"train": 60000, "test": 10000}
DATA_DIR_ENV = "LATENT3D_DATA_DIR"
_IDX_MAGIC = {3: 0x00000803, 1: 0x00000801}  # unsigned byte data, 3-D images or 1-D labels


class DataError(Exception):
    """The dataset is missing, unreadable or malformed; the message is one sentence for the user."""


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data folder: ``--data-dir``, else ``$LATENT3D_DATA_DIR``, else a per-user cache.

    Parameters
    ----------
    cli_value : path-like or None
        The ``--data-dir`` argument, if given.

    Returns
    -------
    Path
        The folder that holds (or will hold) ``FashionMNIST/raw/``.
    """
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent3d")) / "data"


def raw_dir(root: Path, dataset: str = DEFAULT_DATASET) -> Path:
    """The folder that holds the four IDX files (``root/FashionMNIST/raw``, or root itself if it holds them).

    ``dataset`` (``fashion-mnist``, ``mnist``, ``kmnist``) picks torchvision's folder (``MNIST/raw``...).
    """
    nested = Path(root) / dataset_info(dataset).folder / "raw"
    try:
        if not nested.is_dir() and all((Path(root) / f).is_file() for f in FILES["test"]):
            return Path(root)
    except OSError as exc:  # a name too long, a folder we may not enter: not a place to look for data
        raise DataError(f"Cannot use the data folder {root} ({describe_os_error(exc)}); pass --data-dir (or set "
                        f"{DATA_DIR_ENV}) to a folder you can read.") from None
    return nested


def supply_hint(root: Path, dataset: str = DEFAULT_DATASET) -> str:
    """How a user supplies the files, for the end of an error sentence."""
    return (
        f"put the four {dataset_info(dataset).title} IDX files ({', '.join(FILES['train'] + FILES['test'])}) "
        f"in {raw_dir(root, dataset)}, or pass --data-dir (or set {DATA_DIR_ENV}) to a folder that holds them"
    )


def missing_files(root: Path, splits: tuple[str, ...] = ("train", "test"), dataset: str = DEFAULT_DATASET) -> list[str]:
    """Names of the IDX files of ``splits`` that are not in :func:`raw_dir`.

    Raises
    ------
    DataError
        A file is there but is not a regular file (a folder, FIFO, device or dangling link), or
        cannot be looked at: never reported as missing, so no download is attempted over it.
    """
    folder = raw_dir(root, dataset)
    return [name for s in splits for name in FILES[s] if not _present(folder / name, dataset)]


def _present(path: Path, dataset: str = DEFAULT_DATASET) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not os.path.islink(path):
            return False
        kind = "a link to nothing"
    except NotADirectoryError:
        return False
    except OSError as exc:
        raise DataError(f"Cannot read {path} ({describe_os_error(exc)}).") from None
    else:
        if stat.S_ISREG(st.st_mode):
            return True
        kind = file_kind(st.st_mode)
    raise DataError(f"{path} is there but is {kind}, not a regular file; replace it with the original "
                    f"{dataset_info(dataset).title} file.")


def _read_idx(path: Path, ndim: int, count: int | None, title: str = "Fashion-MNIST") -> np.ndarray:
    try:
        with open_regular(path) as f:  # never a FIFO (it would block) or a device
            size = os.fstat(f.fileno()).st_size
            if count is not None and size > 2 * count * (28 * 28 if ndim == 3 else 1) + (1 << 20):  # never read it all
                raise DataError(f"{path} is far larger than the {title} file ({size:,} bytes); "
                                "replace it with the original file.")
            blob = f.read()
    except FileKindError as exc:
        raise DataError(f"{path} is there but is {exc.kind}, not a regular file; replace it with the original "
                        f"{title} file.") from None
    except OSError as exc:
        raise DataError(f"Cannot read {path} ({exc.strerror or exc}).") from None
    header = 4 + 4 * ndim
    if len(blob) < header:
        raise DataError(f"{path} is truncated ({len(blob)} bytes); replace it with the original {title} file.")
    magic = int.from_bytes(blob[:4], "big")
    if magic != _IDX_MAGIC[ndim]:
        raise DataError(
            f"{path} is not a {title} IDX file (magic number {magic:#010x}, expected "
            f"{_IDX_MAGIC[ndim]:#010x}); replace it with the original file."
        )
    dims = tuple(int.from_bytes(blob[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if ndim == 3 and dims[1:] != (28, 28):
        raise DataError(f"{path} holds {dims[1]}x{dims[2]} images, not 28x28; replace it with the original file.")
    if count is not None and dims[0] != count:
        raise DataError(f"{path} holds {dims[0]} items, expected {count}; replace it with the original file.")
    expected = int(np.prod(dims))
    if len(blob) - header != expected:
        raise DataError(
            f"{path} is truncated or padded ({len(blob) - header} data bytes, expected {expected}); "
            f"replace it with the original {title} file."
        )
    return np.frombuffer(blob, dtype=np.uint8, offset=header).reshape(dims)


def load_split(root: Path, split: str, dataset: str = DEFAULT_DATASET) -> tuple[np.ndarray, np.ndarray]:
    """Read one split without torch.

    Parameters
    ----------
    root : Path
        The data folder (see :func:`resolve_data_dir`).
    split : {"train", "test"}
    dataset : {"fashion-mnist", "mnist", "kmnist"}

    Returns
    -------
    images : ndarray of uint8, shape (N, 28, 28)
    labels : ndarray of uint8, shape (N,)

    Raises
    ------
    DataError
        If a file is missing, truncated, of the wrong kind or inconsistent.
    """
    title = dataset_info(dataset).title
    missing = missing_files(root, (split,), dataset)
    if missing:
        raise DataError(f"{title} {split} files are missing ({', '.join(missing)}); {supply_hint(root, dataset)}.")
    folder = raw_dir(root, dataset)
    img_name, lbl_name = FILES[split]
    images = _read_idx(folder / img_name, 3, SPLIT_SIZES[split], title)
    labels = _read_idx(folder / lbl_name, 1, SPLIT_SIZES[split], title)
    if labels.max(initial=0) >= len(CLASS_NAMES):
        raise DataError(f"{folder / lbl_name} holds labels above 9; replace it with the original file.")
    return images, labels


def dataset_checksum(root: Path, splits: tuple[str, ...] = ("train", "test"), dataset: str = DEFAULT_DATASET) -> str:
    """SHA-256 over the IDX files of ``splits``, in a fixed order (provenance for the run folder)."""
    digest = hashlib.sha256()
    folder = raw_dir(root, dataset)
    for s in splits:
        for name in FILES[s]:
            digest.update((folder / name).read_bytes())
    return digest.hexdigest()
