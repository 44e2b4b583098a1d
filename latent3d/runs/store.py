"""The run folder: its names, loading it (format 2 or 1, a recording's 3) as untrusted input, listing complete runs.

Layout and guarantees are documented in ``docs/run-format.md``; writing is in
``writer.py``. Nothing here imports torch: the viewer opens runs with numpy and
safetensors alone.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.train import ConfigError, TrainConfig
from latent3d.runs.memory import LazyWeights, check_open_memory
from latent3d.runs.meta_checks import check_descriptive
from latent3d.runs.recording import load_recording, recording_summary
from latent3d.runs.recording_meta import RECORDING_FORMAT, check_recording_meta
from latent3d.runs.run import Run
from latent3d.runs.snapshots import (
    check_snapshot_meta,
    meta_steps,
    meta_steps_per_epoch,
    meta_test_images,
)
from latent3d.runs.validation import RunError, check_meta, first_line, load_array, read_json_object

__all__ = [
    "FORMAT_VERSION",
    "Run",
    "RunError",
    "RunSummary",
    "bundled_runs_dir",
    "default_runs_dir",
    "list_runs",
    "load_run",
    "new_run_name",
    "newest_run",
    "resolve_run_path",
    "shipped_run",
]

FORMAT_VERSION = 2  # what RunWriter writes (an autoencoder run); a recording is format 3 (runs/recording_meta.py)
READ_VERSIONS = (1, 2, 3)  # what load_run reads: format 1 is seen as snapshots at the epoch ends
META_FILE = "run.json"
CODES_FILE = "codes.npy"
LABELS_FILE = "labels.npy"
TEST_BCE_FILE = "test_bce.npy"
TRAIN_CODES_FILE = "train_codes.npy"
TRAIN_LABELS_FILE = "train_labels.npy"
STEPS_FILE = "steps.npy"
STEP_LOSS_FILE = "step_loss.npy"
WEIGHTS_DIR = "weights"
RUNS_DIR_ENV = "LATENT3D_RUNS_DIR"
SHIPPED_RUNS = ("fashion-mnist-default",)  # in the repository's checkpoints/; pyproject's package data takes them

def default_runs_dir() -> Path:
    """Where runs live: ``$LATENT3D_RUNS_DIR``, else the project's ``checkpoints/``, else a per-user folder."""
    env = os.environ.get(RUNS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    project = _project_runs_dir()
    if project.is_dir():
        return project
    from platformdirs import user_data_dir

    return Path(user_data_dir("latent3d")) / "runs"


def bundled_runs_dir() -> Path:
    """Where an installed latent3d keeps the run it ships (package data; see ``latent3d/_bundled/README.md``)."""
    return Path(__file__).resolve().parents[1] / "_bundled"


def shipped_run(name: str) -> Path | None:
    """The run latent3d ships under ``name``: the installed package's, else a clone's ``checkpoints/NAME``; or None.

    Any folder of the package's bundled runs counts; in a clone's ``checkpoints/`` only the names in
    ``SHIPPED_RUNS`` do (the user's own runs there are not shipped ones).
    """
    for root, names in ((bundled_runs_dir(), None), (_project_runs_dir(), SHIPPED_RUNS)):
        p = root / name
        if (names is None or name in names) and _exists(p) and p.is_dir():
            return p
    return None


def _project_runs_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "checkpoints"


def resolve_run_path(name_or_path: str | os.PathLike[str], runs_dir: Path | None = None) -> Path:
    """A bare name means a run under ``runs_dir``; anything with a separator, or an existing path, is a path.

    Without ``runs_dir``, names resolve in the runs folder (:func:`default_runs_dir`), then in the
    runs latent3d ships (:func:`shipped_run`): ``fashion-mnist-default`` is found wherever
    ``LATENT3D_RUNS_DIR`` points.
    """
    text = os.fspath(name_or_path)
    p = Path(text).expanduser()
    if os.sep in text or "/" in text or text.startswith(".") or _exists(p):
        return p
    in_runs = (runs_dir or default_runs_dir()) / text
    if runs_dir is not None or _exists(in_runs):
        return in_runs
    return shipped_run(text) or in_runs


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:  # a name too long, a permission error: not an existing path
        return False


def new_run_name() -> str:
    """A fresh, sortable run name such as ``run-20261125-083012``."""
    return datetime.now().strftime("run-%Y%m%d-%H%M%S")


def weights_file(step: int) -> str:
    """Path of one snapshot's weights inside a format-2 run folder."""
    return f"{WEIGHTS_DIR}/step_{step:07d}.safetensors"


def v1_weights_file(epoch: int) -> str:
    """Path of one epoch's weights inside a format-1 run folder."""
    return f"{WEIGHTS_DIR}/epoch_{epoch:03d}.safetensors"


# ---------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class RunSummary:
    """What the Runs menu and ``view`` need without loading arrays (read from ``run.json`` alone)."""

    path: Path
    name: str
    created: str
    epochs: int
    final_test_loss: float | None
    test_images: int
    steps: int


def _expected_shapes(config: TrainConfig, prefix: str) -> dict[str, tuple[int, ...]]:
    m = config.model
    widths = (m.input_dim, *m.hidden, m.code_dim) if prefix == "encoder" else m.decoder_widths
    shapes: dict[str, tuple[int, ...]] = {}
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        shapes[f"{prefix}.{2 * i}.weight"] = (n_out, n_in)
        shapes[f"{prefix}.{2 * i}.bias"] = (n_out,)
    return shapes


def read_meta(run_dir: Path, *, recording_in_progress: bool = False) -> dict[str, Any]:
    """Read and check ``run.json`` of a complete run; raise RunError otherwise.

    With ``recording_in_progress``, a recording that a training is still adding snapshots to
    (status ``"recording"``) is accepted too: it lists only snapshots whose files are complete.
    """
    run_dir = Path(run_dir)
    try:
        if not run_dir.exists():
            raise RunError(f"No run at {run_dir}: the folder does not exist.")
        if not run_dir.is_dir():
            raise RunError(f"{run_dir} is a file, not a run folder.")
        p, meta = read_json_object(run_dir, META_FILE)
    except OSError as exc:  # permissions, I/O errors, a name too long
        raise _unreadable(run_dir, exc) from None
    version = meta.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version == RECORDING_FORMAT:
        check_recording_meta(p, meta)
        if meta["status"] != "complete" and not recording_in_progress:
            raise RunError(f"{run_dir} is not a complete run (status \"recording\": a training is still recording "
                           "it, or stopped without closing its Recorder).")
        return meta
    check_meta(p, run_dir, meta, READ_VERSIONS)
    check_descriptive(p, meta)
    if meta["format_version"] == 2:
        check_snapshot_meta(p, meta)
    return meta


def _unreadable(run_dir: Path, exc: OSError) -> RunError:
    return RunError(f"{exc.filename or run_dir} cannot be read ({exc.strerror or first_line(exc)}).")


def load_run(run_dir: str | os.PathLike[str]) -> Run:
    """Load and validate a run folder.

    Parameters
    ----------
    run_dir : path-like
        The run folder.

    Returns
    -------
    Run

    Raises
    ------
    RunError
        With one sentence, for anything missing, malformed, non-finite or unsafe.
    """
    run_dir = Path(run_dir)
    meta = read_meta(run_dir, recording_in_progress=True)
    try:
        if meta["format_version"] == RECORDING_FORMAT:
            return load_recording(run_dir, meta)
        return _load_checked(run_dir, meta)
    except OSError as exc:  # a file vanished or is unreadable between the checks and the read
        raise _unreadable(run_dir, exc) from None


def _load_checked(run_dir: Path, meta: dict[str, Any]) -> Run:
    try:
        config = TrainConfig.from_dict(meta.get("config"))
    except ConfigError as exc:
        raise RunError(f"{run_dir / META_FILE}: {exc}") from None
    if (config.model.input_dim, config.model.code_dim) != (784, 3):  # the viewer draws 3-D codes of 28x28 images
        raise RunError(f"{run_dir / META_FILE}: the model must encode 784 pixels into 3 numbers, "
                       f"not {config.model.input_dim} into {config.model.code_dim}.")
    labels = _labels(run_dir, LABELS_FILE, required=True)
    assert labels is not None
    n, code_dim, version = len(labels), config.model.code_dim, meta["format_version"]
    if version == 2 and n != meta_test_images(meta):
        raise RunError(f"{run_dir / LABELS_FILE} holds {n} labels, but run.json says {meta_test_images(meta)} "
                       "test images.")
    steps, spe = meta_steps(meta), meta_steps_per_epoch(meta)
    s = len(steps)
    decoder, encoder = _expected_shapes(config, "decoder"), _expected_shapes(config, "encoder")
    weights_bytes = 4 * sum(math.prod(shape) for shape in (decoder | encoder).values())
    check_open_memory(run_dir, s, weights_bytes)  # before any array is read: a run too large is one sentence
    codes = load_array(run_dir, CODES_FILE, "float32", (s, n, code_dim), finite=True)
    test_bce = load_array(run_dir, TEST_BCE_FILE, "float32", (s, n), finite=True)
    assert codes is not None and test_bce is not None
    train_labels = _labels(run_dir, TRAIN_LABELS_FILE, required=False)
    train_codes = None
    if train_labels is not None:
        train_codes = load_array(run_dir, TRAIN_CODES_FILE, "float32", (len(train_labels), code_dim), finite=True)
    step_loss = None
    if version == 2:
        stored = load_array(run_dir, STEPS_FILE, "int64", (s,))
        if stored is not None and not np.array_equal(stored, steps):
            raise RunError(f"{run_dir / STEPS_FILE} does not hold the snapshot steps listed in run.json.")
        step_loss = load_array(run_dir, STEP_LOSS_FILE, "float32", (int(steps[-1]),), finite=True)
        test_loss = np.array([snap["test_loss"] for snap in meta["snapshots"]], dtype=np.float64)
        files = [weights_file(int(step)) for step in steps]
    else:
        initial = meta.get("initial_test_loss")
        test_loss = np.array([float(test_bce[0].mean()) if initial is None else initial, *meta["test_loss"]],
                             dtype=np.float64)
        files = [v1_weights_file(e) for e in range(s)]
    # Every snapshot holds the decoder, and the encoder too or not at all; the last one holds both.
    dtype = meta["weights"]["dtype"]
    weights = LazyWeights(run_dir, files, decoder, encoder, dtype)
    weights.check_all()  # every file checked now, one at a time; read again on first use, a few kept
    assert codes is not None and test_bce is not None
    return Run(run_dir, meta, config, codes, labels, test_bce, train_codes, train_labels, steps, spe, test_loss,
               step_loss, version, weights)


def _labels(run_dir: Path, rel: str, *, required: bool) -> np.ndarray | None:
    labels = load_array(run_dir, rel, "uint8", (None,), required=required)
    if labels is not None and (len(labels) == 0 or labels.max() > 9):
        raise RunError(f"{run_dir / rel} must hold class numbers 0-9 for at least one image.")
    return labels


def list_runs(runs_dir: Path | None = None) -> list[RunSummary]:
    """Complete runs under ``runs_dir``, oldest first; folders being written or broken are skipped.

    Without ``runs_dir``: the runs folder's, and the runs latent3d ships (:func:`shipped_run`) whose
    names it does not have.
    """
    root = Path(runs_dir or default_runs_dir())
    out: list[RunSummary] = []
    if runs_dir is None:
        shipped = {p.name: p for p in map(shipped_run, _shipped_names()) if p is not None}
        out = [s for p in shipped.values() if not _exists(root / p.name) and (s := _summary(p)) is not None]
    try:
        children = list(root.iterdir()) if root.is_dir() else []
    except OSError:  # an unreadable or vanished runs folder holds no runs we can show
        return out
    for child in children:
        summary = _summary(child)
        if summary is not None:
            out.append(summary)
    out.sort(key=lambda r: (r.created, r.name))
    return out


def _shipped_names() -> list[str]:
    try:
        bundled = [c.name for c in bundled_runs_dir().iterdir() if not c.name.startswith(".")]
    except OSError:
        bundled = []
    return sorted({*bundled, *SHIPPED_RUNS})


def _summary(child: Path) -> RunSummary | None:
    """A complete run's summary, or None for anything else (a file, a hidden or partial folder, a broken run)."""
    try:
        if child.name.startswith(".") or not child.is_dir():
            return None
        meta = read_meta(child)
        if meta["format_version"] == RECORDING_FORMAT:
            epochs, loss, points, last = recording_summary(meta)
            return RunSummary(child, child.name, str(meta.get("created", "")), epochs, loss, points, last)
        test_loss = meta["test_loss"]
        return RunSummary(child, child.name, str(meta.get("created", "")), meta["epochs"],
                          float(test_loss[-1]) if test_loss else None, meta_test_images(meta),
                          int(meta_steps(meta)[-1]))
    except Exception:  # noqa: BLE001 - one hostile folder must never hide the others or stop the viewer
        return None


def newest_run(runs_dir: Path | None = None) -> Path | None:
    """The most recently created complete run, or None."""
    runs = list_runs(runs_dir)
    return runs[-1].path if runs else None
