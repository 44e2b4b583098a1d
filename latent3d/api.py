"""The public Python API (``train``, ``load_run``, ``show``, ``export``, ``Recorder``, ``import_tensorboard``).

Light to import: torch and Qt load on call, and ``Recorder`` (a torch class) on first use of the name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from latent3d.runs.run import Run
    from latent3d.training.recorder import Recorder

__all__ = ["Recorder", "export", "import_tensorboard", "load_run", "show", "train"]


def __getattr__(name: str) -> Any:
    """``Recorder`` is imported (with torch) when first named, so ``import latent3d`` stays light."""
    if name == "Recorder":
        from latent3d.training.recorder import Recorder

        return Recorder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

PathLike = str | os.PathLike[str]


def _not_empty(value: object, name: str, wanted: str) -> None:
    """An empty path is one sentence: ``Path("")`` is ``.``, which used to be read as the working folder."""
    if isinstance(value, (str, os.PathLike)) and os.fspath(value) in ("", b""):
        raise ValueError(f"{name} is an empty path; give {wanted}.")


def train(epochs: int = 20, *, dataset: str = "fashion-mnist", data_dir: PathLike | None = None,
          out: PathLike | None = None, seed: int = 0, batch_size: int = 64, lr: float = 1e-3, snapshots: str = "log",
          progress: bool = True, device: str | None = None, max_train_images: int | None = None,
          max_test_images: int | None = None, note: str | None = None) -> Run:
    """Train the autoencoder and save a run folder, exactly as ``latent3d train`` does.

    Parameters
    ----------
    epochs : int
        Passes over the training images (1 to 100,000).
    dataset : {"fashion-mnist", "mnist", "kmnist"}
        What to learn; the data is read from (or downloaded by torchvision into) ``data_dir``.
    data_dir : path-like, optional
        Folder holding ``FashionMNIST/raw`` (``MNIST/raw``, ``KMNIST/raw``); default ``$LATENT3D_DATA_DIR``
        or a per-user cache.
    out : path-like, optional
        A run name (under the runs folder) or a folder path; default ``run-DATE-TIME``. It must not exist.
    seed, batch_size, lr, snapshots
        As ``train --seed``, ``--batch-size``, ``--lr``, ``--snapshots`` (``"log"``, ``"epochs"``, ``"every:N"``).
    progress : bool
        Show a progress bar on stderr.
    device : {"cpu", "cuda", "auto"}, optional
        Where to train (default ``"auto"``: CUDA when there is one).
    max_train_images, max_test_images : int, optional
        Use only the first N images (quick looks and tests).
    note : str, optional
        Free text stored in ``run.json``.

    Returns
    -------
    Run
        The saved run, loaded back.

    Raises
    ------
    ValueError
        One sentence for a bad value, an existing ``out`` or a run that could not be stored; nothing is created.
    latent3d.data.datasets.DataError
        The dataset is missing (and cannot be downloaded) or malformed.
    RuntimeError
        The training diverged (``TrainingDiverged``); no run is saved.
    OSError
        Saving failed (``SaveError``: a full disk); no run is saved.
    """
    from latent3d.cli.commands import train_with_progress
    from latent3d.cli.preflight import check_data_dir
    from latent3d.config.train import TrainConfig
    from latent3d.job.train_job import TrainJob
    from latent3d.runs.store import load_run as load
    from latent3d.runs.store import new_run_name, resolve_run_path

    if device not in (None, "auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', not {device!r}.")
    config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, snapshots=snapshots,
                         max_train_images=max_train_images, max_test_images=max_test_images)
    _not_empty(data_dir, "data_dir", "a folder holding the dataset")
    _not_empty(out, "out", "a run name or folder")
    if data_dir is not None:
        check_data_dir(os.fspath(data_dir), "data_dir")
    target = resolve_run_path(out if out is not None else new_run_name())
    if target.exists():
        raise ValueError(f"{target} already exists; pass another out= name.")
    args = ", ".join(f"{k}={v!r}" for k, v in (("epochs", epochs), ("dataset", dataset), ("seed", seed)))
    job = TrainJob(config, target, data_dir=Path(data_dir) if data_dir is not None else None, device=device or "auto",
                   command=f"latent3d.train({args})", note=note, dataset=dataset)
    return load(train_with_progress(job, progress=progress))


def load_run(path_or_name: PathLike) -> Run:
    """Open a run folder: a name under the runs folder (or the bundled ``fashion-mnist-default``) or a path.

    Parameters
    ----------
    path_or_name : path-like

    Returns
    -------
    Run
        With numpy accessors: ``steps``, ``codes_at(step)``, ``labels``, ``class_names``,
        ``test_bce_at(step)``, ``decode(codes, step)``, ``to_dataframe(step)``.

    Raises
    ------
    latent3d.runs.RunError
        One sentence for anything missing, malformed or unsafe.
    """
    from latent3d.runs.store import load_run as load
    from latent3d.runs.store import resolve_run_path

    _not_empty(path_or_name, "path_or_name", "a run name or folder")
    return load(resolve_run_path(path_or_name))


def export(run: Run | PathLike, out: PathLike, *, step: float | None = None, train_codes: bool = False,
           raw: bool = False) -> Path:
    """Write a run's codes to a ``.csv`` or ``.parquet`` file, as ``latent3d export`` does.

    Parameters
    ----------
    run : Run or path-like
        A loaded run, or a run name or folder.
    out : path-like
        The file to write; its suffix picks the format (Parquet needs ``pip install latent3d[export]``).
    step : float, optional
        One training step (interpolated between snapshots); default every snapshot.
    train_codes : bool
        The training-set codes (final step) instead of the test codes.
    raw : bool
        Also the recorded embedding's own columns ``e0 .. e{D-1}`` (a recording of D != 3; the
        ``x, y, z`` columns are then its 3-D projection).

    Returns
    -------
    Path
        ``out``, written atomically: on any error an earlier file there is unchanged.

    Raises
    ------
    ValueError, latent3d.runs.RunError
        One sentence.
    """
    from latent3d.runs.export import check_export_target, write_rows
    from latent3d.runs.run import Run
    from latent3d.runs.table import run_columns

    _not_empty(run, "run", "a run, its name or its folder")
    _not_empty(out, "out", "a file name ending in .csv or .parquet")
    target = Path(out).expanduser()
    check_export_target(target)
    loaded = run if isinstance(run, Run) else load_run(run)
    return write_rows(run_columns(loaded, step, train_codes=train_codes, raw=raw), target)


def import_tensorboard(logdir: PathLike, out: PathLike, tag: str | None = None, *, steps_per_epoch: int | None = None,
                       float16: bool = False) -> Run:
    """Import the embeddings TensorBoard's ``add_embedding`` wrote at several steps as one run, and load it.

    Parameters
    ----------
    logdir : path-like
        The ``SummaryWriter`` log folder (it holds ``projector_config.pbtxt``).
    out : path-like
        A run name (under the runs folder) or a folder path; it must not exist.
    tag : str, optional
        The embedding's tag; needed when the log holds several.
    steps_per_epoch : int, optional
        Steps in one epoch, to show epochs; default: the whole log is one epoch.
    float16 : bool
        Store the embedding as float16 (half the disk and memory).

    Returns
    -------
    Run
        A recording (``run.kind == "recording"``): its codes projected to 3-D when the embedding is not.

    Raises
    ------
    latent3d.runs.RunError
        One sentence for a log file that is missing, malformed, inconsistent or too large, or an
        existing ``out``; nothing is written.
    """
    from latent3d.runs.store import load_run as load
    from latent3d.runs.store import resolve_run_path
    from latent3d.runs.tensorboard import import_tensorboard as run_import

    target = resolve_run_path(out)
    return load(run_import(logdir, target, tag=tag, steps_per_epoch=steps_per_epoch, float16=float16))


def show(run: Run | PathLike | None = None, *, view: PathLike | None = None, block: bool | None = None) -> Any:
    """Open the latent3d window on a run (a :class:`Run`, a path or a name) or a saved view file.

    Parameters
    ----------
    run : Run, path-like or None
        What to show; None opens the newest run (or the view file's run).
    view : path-like, optional
        A view file (``docs/view-format.md``); it names its run, so give ``run`` or ``view``, not both.
    block : bool, optional
        Wait until the window is closed. Default: wait from a script; return at once where a Qt event
        loop already runs (IPython or Jupyter after ``%gui qt``, or inside a running ``QApplication``).

    Returns
    -------
    MainWindow
        The window (closed, once a blocking call returns). One ``QApplication`` is made and reused.

    Raises
    ------
    ValueError, latent3d.runs.RunError
        One sentence for a bad run or view file, or both given.
    RuntimeError
        There is no display to open the window on.
    """
    from latent3d.runs.run import Run
    from latent3d.runs.store import load_run as load
    from latent3d.runs.store import resolve_run_path

    _not_empty(run, "run", "a run, its name or its folder")
    _not_empty(view, "view", "a view file")
    spec, shown = None, None
    if view is not None:
        from latent3d.state.view import check_spec, load_view, load_view_run

        if run is not None:
            raise ValueError("Give either a run or view=FILE (the view file names its run), not both.")
        spec = load_view(Path(view))
        shown = load_view_run(spec, Path(view))
        check_spec(spec, shown, Path(view))
    elif isinstance(run, Run):
        shown = run
    elif run is not None:
        shown = load(resolve_run_path(run))
    else:
        from latent3d.runs.store import newest_run

        newest = newest_run()
        shown = load(newest) if newest is not None else None
    from latent3d.util.display import display_problem

    problem = display_problem()  # before Qt is loaded: Qt would abort the caller's interpreter (a notebook kernel)
    if problem is not None:
        raise RuntimeError(f"No display to open the latent3d window on ({problem}); run it on a desktop or under "
                           "`xvfb-run`.")
    from latent3d.qt.app import show_window

    return show_window(shown, spec, block=block)
