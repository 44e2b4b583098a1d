"""Checks made before ``train`` loads data or trains: --data-dir, the --out name, the epochs a run can hold, free space.

Each failure is one sentence (a ``PreflightError``, which the command line prints and exits 2
on) that names the option at fault and the limit, so a training that could never be saved
is refused in a second, not after hours.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from latent3d.config.encoder_keep import keeps_encoder
from latent3d.config.schedule import snapshot_count
from latent3d.config.train import TrainConfig
from latent3d.data.catalog import DATASETS
from latent3d.data.datasets import SPLIT_SIZES
from latent3d.runs.reservation import holder
from latent3d.runs.validation import MAX_ARRAY_BYTES
from latent3d.util.fileio import NAME_MAX, PATH_MAX, describe_os_error, file_kind, name_max
from latent3d.util.limits import available_memory, free_disk, human_bytes

__all__ = ["PARTIAL_RESERVE", "PreflightError", "check_data_dir", "check_out", "check_train", "estimate_run_bytes"]

#: Bytes the partial folder ``.NAME.partial-XXXXXXXX`` adds to a run's name while it trains (18 today), with room.
PARTIAL_RESERVE = 32
CODE_BYTES = 3 * 4  # one float32 3-D code
SPACE_MARGIN = 64 << 10  # run.json's fixed part, array headers, the folders (16 MB refused runs that fit, issue 19)


class PreflightError(ValueError):
    """A ``train`` request that cannot succeed; the message is one sentence naming the option."""


def _short(text: str, limit: int = 300) -> str:  # a path is named whole unless it is absurdly long
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_path_lengths(path: Path, option: str, reserve: int = 0) -> None:
    whole = len(os.fsencode(os.path.abspath(path)))
    if whole + reserve >= PATH_MAX:
        raise PreflightError(f"{option} is a path of {whole:,} bytes; paths may have at most "
                             f"{PATH_MAX - 1 - reserve:,}: choose a shorter one.")
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise PreflightError(f"{option} has a folder or file name of {len(os.fsencode(part))} bytes "
                                 f"({_short(part, 30)!r}); names may have at most {NAME_MAX}.")


def check_data_dir(text: str, option: str = "--data-dir") -> None:
    """Refuse a data folder path that is too long, not a folder, or unreadable (a missing one is fine).

    Raises
    ------
    PreflightError
        One sentence naming ``option``.
    """
    path = Path(text).expanduser()
    _check_path_lengths(path, option)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return  # `train` downloads into it; the viewer opens without the original images
    except OSError as exc:
        raise PreflightError(f"{option} {_short(str(path))} cannot be used ({describe_os_error(exc)}).") from None
    if not stat.S_ISDIR(st.st_mode):
        raise PreflightError(f"{option} {_short(str(path))} is {file_kind(st.st_mode)}, not a folder.")
    folders = [path] + [p for d in DATASETS.values() for p in (path / d.folder, path / d.folder / "raw")]
    for folder in folders:
        try:
            if not folder.is_dir():
                if folder.exists() or folder.is_symlink():  # a file where the folder goes is not "missing"
                    kind = file_kind(os.stat(folder).st_mode) if folder.exists() else "a link to nothing"
                    raise PreflightError(f"{option}: {_short(str(folder))} is {kind}, not a folder; remove it or "
                                         "give another data folder.")
                continue
            with os.scandir(folder) as entries:  # a real read: root's bypass and ACLs included
                next(entries, None)
        except OSError as exc:
            raise PreflightError(f"{option}: cannot read {_short(str(folder))} ({describe_os_error(exc)}); "
                                 "give a folder you can read.") from None


def check_out(target: Path) -> None:
    """Refuse a run folder name or path too long for the file system (with its partial suffix) or not writable."""
    name = len(os.fsencode(target.name))
    if name > NAME_MAX - PARTIAL_RESERVE:  # before any stat, which would fail on such a name
        raise PreflightError(f"--out name is {name} bytes long; a run name may have at most "
                             f"{NAME_MAX - PARTIAL_RESERVE} (the partial folder written during training adds up to "
                             f"{PARTIAL_RESERVE}).")
    _check_path_lengths(target, "--out", PARTIAL_RESERVE)
    folder = target.parent
    try:
        while not folder.exists() and folder != folder.parent:  # the nearest folder that exists decides
            folder = folder.parent
        if not folder.is_dir():
            raise PreflightError(f"--out: {_short(str(folder))} is a file, not a folder.")
    except OSError as exc:
        raise PreflightError(f"--out: {_short(str(folder))} cannot be used ({describe_os_error(exc)}).") from None
    if name > name_max(folder) - PARTIAL_RESERVE:  # a file system with shorter names than usual
        raise PreflightError(f"--out name is {name} bytes long; this file system takes run names of at most "
                             f"{name_max(folder) - PARTIAL_RESERVE}.")
    other = holder(target)
    if other is not None:
        raise PreflightError(f"--out: another training is writing a run named {_short(target.name, 40)} now (its "
                             f"partial folder is {other.name}); choose another name.")
    if _read_only(folder):
        raise PreflightError(f"--out: cannot create a run in {_short(str(folder))} (its file system is mounted "
                             "read-only); choose a folder on another disk.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PreflightError(f"--out: cannot create a run in {_short(str(folder))} (no permission to write there).")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def _params(widths: tuple[int, ...]) -> int:
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


def estimate_run_bytes(config: TrainConfig, *, weights_dtype: str = "float32", keep_encoder: str = "all") -> int:
    """Bytes the finished run folder takes: weights, codes and errors of every snapshot, step losses, train codes."""
    n_test = min(config.max_test_images or SPLIT_SIZES["test"], SPLIT_SIZES["test"])
    n_train = min(config.max_train_images or SPLIT_SIZES["train"], SPLIT_SIZES["train"])
    item = 2 if weights_dtype == "float16" else 4
    decoder = _params(config.model.decoder_widths) * item
    encoder = _params((config.model.input_dim, *config.model.hidden, config.model.code_dim)) * item
    snapshots = _snapshots(config)
    # 4 kB a snapshot: its weights file's last block; 128 bytes: its line in run.json
    per_snapshot = decoder + n_test * (CODE_BYTES + 4) + 4096 + 128
    steps = config.epochs * _steps_per_epoch(config)  # step_loss.npy: one float32 per step
    # Snapshots 0, K, 2K, ... keep their encoder (every one with "all"), and the last one always does.
    encoders = sum(keeps_encoder(keep_encoder, i, i == snapshots - 1) for i in range(snapshots))
    return (snapshots * per_snapshot + encoders * encoder + n_train * (CODE_BYTES + 1) + n_test + 4 * steps
            + SPACE_MARGIN)


def _steps_per_epoch(config: TrainConfig) -> int:
    n_train = min(config.max_train_images or SPLIT_SIZES["train"], SPLIT_SIZES["train"])
    return -(-n_train // config.batch_size)


def _snapshots(config: TrainConfig) -> int:
    """How many snapshots the config's schedule keeps (the schedule's own count, for format 2)."""
    return snapshot_count(config.snapshots, _steps_per_epoch(config), config.epochs)


def check_train(config: TrainConfig, target: Path, *, weights_dtype: str = "float32", keep_encoder: str = "all",
                free: int | None = None, memory: int | None = None) -> None:
    """Everything ``train`` checks before it starts; see the module docstring.

    Parameters
    ----------
    config : TrainConfig
    target : Path
        The run folder to create.
    weights_dtype, keep_encoder : str
        Storage options (they change the run's size).
    free, memory : int, optional
        Free disk and available memory in bytes (default: measured).

    Raises
    ------
    PreflightError
        The name or path is unusable, ``--epochs`` is more than a run of this many test images
        can store, the codes of all epochs would not fit in memory, or the run would not fit on disk.
    """
    check_out(target)
    n_test = min(config.max_test_images or SPLIT_SIZES["test"], SPLIT_SIZES["test"])
    limit = MAX_ARRAY_BYTES // (n_test * CODE_BYTES)  # codes.npy holds every snapshot; the reader caps its size
    snapshots = _snapshots(config)
    if snapshots > limit:
        raise PreflightError(f"--epochs {config.epochs:,} keeps {snapshots:,} snapshots, more than a run of {n_test:,} "
                             f"test images can store: its codes file is capped at {MAX_ARRAY_BYTES >> 20:,} MB, which "
                             f"holds {limit:,} snapshots (use fewer --epochs, --max-test-images, or --snapshots "
                             "epochs).")
    held = 2 * snapshots * n_test * (CODE_BYTES + 4)  # kept until the final save, then stacked once
    memory = available_memory() if memory is None else memory
    if held > memory // 2:
        raise PreflightError(f"--epochs {config.epochs:,} ({snapshots:,} snapshots) would hold about "
                             f"{human_bytes(held)} of codes in memory until the run is saved, more than half of the "
                             f"{human_bytes(memory)} available.")
    need = estimate_run_bytes(config, weights_dtype=weights_dtype, keep_encoder=keep_encoder)
    free = free_disk(target.parent) if free is None else free
    if free is not None and need > free:
        raise PreflightError(f"The run would take about {human_bytes(need)} on disk but only {human_bytes(free)} is "
                             f"free where {_short(target.name, 40)} goes: free some space, or train fewer --epochs "
                             "(--keep-encoder final and --weights-dtype float16 also make a run smaller).")
