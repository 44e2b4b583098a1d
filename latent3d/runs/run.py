"""A loaded run in memory: the snapshots' codes, losses and weights, in numpy; decoders built on demand.

Two kinds share this one type: the autoencoder latent3d trains (``kind == "autoencoder"``, every
capability) and a recording of somebody else's network (``kind == "recording"``), which has what
was recorded. ``capabilities`` says which; ``why_not(capability)`` gives the sentence to show
where a feature is off; asking a run for what it lacks (``decoder(i)``) raises :class:`MissingCapability`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.analysis.decoder import Layer, NumpyDecoder
from latent3d.analysis.interpolate import codes_at, split_position
from latent3d.analysis.projection import Projection, fold_into_first_layer
from latent3d.config.recording import RecordingConfig
from latent3d.config.train import TrainConfig
from latent3d.data.catalog import DATASETS, DEFAULT_DATASET
from latent3d.runs.capabilities import ALL_CAPABILITIES, CAPABILITIES, WHY_NOT, MissingCapability
from latent3d.runs.recording_meta import MAX_CLASSES
from latent3d.util.limits import MEMORY_SHARE, LimitError, available_memory, human_bytes

__all__ = ["ALL_CAPABILITIES", "CACHED_DECODERS", "DECODE_CHUNK", "MissingCapability", "Run", "check_decode"]

CACHED_DECODERS = 32  # decoders kept built at once (~30 MB at the default widths)
DECODE_CHUNK = 4096  # codes decoded at once by Run.decode: its temporaries (about six copies) stay near 80 MB


def check_decode(count: int, pixels: int = 28 * 28, *, memory: int | None = None) -> None:
    """Refuse, in one sentence, decoding ``count`` images of ``pixels`` values that would not fit in half the memory.

    Raises
    ------
    LimitError
        With the images' size and the memory available.
    """
    memory = available_memory() if memory is None else memory
    need = count * pixels * 4 + min(count, DECODE_CHUNK) * pixels * 4 * 6
    if need > memory * MEMORY_SHARE:
        raise LimitError(f"Decoding {count:,} codes makes {count:,} images of {pixels:,} float32 values, about "
                         f"{human_bytes(need)}, more than half of the {human_bytes(memory)} available: decode "
                         "fewer codes at a time.")


@dataclass
class Run:
    """A validated run (or, from :class:`latent3d.runs.live.LiveRun`, one still training).

    A run's history is ``S`` snapshots at training steps: step 0 (the untrained model), and for
    the default schedule about 20 steps spaced in log(step) through epoch 1, then every epoch
    end. Every snapshot keeps the codes, each image's BCE and the decoder.

    Attributes
    ----------
    codes : ndarray of float32, shape (S, N, 3)
        Test-image codes at each snapshot; index 0 is the untrained model.
    labels : ndarray of uint8, shape (N,)
    test_bce : ndarray of float32, shape (S, N)
        Each test image's mean BCE per pixel at each snapshot.
    train_codes, train_labels : ndarray or None
        Final-epoch codes of the training images, when stored.
    steps : ndarray of int64, shape (S,)
        The training step of each snapshot: strictly increasing, first 0.
    steps_per_epoch : int
        Optimisation steps in one epoch.
    snapshot_test_loss : ndarray of float64, shape (S,)
        Mean test BCE per pixel at each snapshot.
    step_loss : ndarray of float32, shape (T,), or None
        The training loss of steps 1..T (T = ``last_step``); None for format-1 runs, which did not keep it.
    format_version : int
        Run format the run was read from (1 or 2; a live run is 2; a recording 3).
    kind : {"autoencoder", "recording"}
        latent3d's own autoencoder, or a recording of another network (``docs/recorder.md``).
    capabilities : frozenset of str
        What the run has, of ``"decoder"``, ``"encoders"``, ``"images"``, ``"labels"``, ``"losses"``;
        an autoencoder run has all five (its images are its dataset's).
    raw_codes : ndarray of shape (S, N, D), or None
        A recording's embedding as stored (float32 or float16); None for an autoencoder run.
        ``codes`` is then ``projection.apply(raw_codes)`` (or ``raw_codes`` itself when D is 3).
    projection : Projection or None
        The one 3-D map of every snapshot of a D != 3 recording (PCA fitted on the last snapshot).
    images : ndarray of uint8, shape (N, H, W) or (N, H, W, 3), or None
        The inputs' thumbnails stored in a recording; None for an autoencoder run (its dataset has them).
    image_shape : tuple of int
        ``(H, W)`` of a decoded image (28 x 28 for the autoencoder).

    Notes
    -----
    For a recording, ``test_bce`` holds the per-sample loss given by the Recorder's ``loss_fn``
    (zeros when ``"losses"`` is not in ``capabilities``), and ``config`` is a
    :class:`~latent3d.config.recording.RecordingConfig`.
    """

    path: Path
    meta: dict[str, Any]
    config: TrainConfig | RecordingConfig
    codes: np.ndarray
    labels: np.ndarray
    test_bce: np.ndarray
    train_codes: np.ndarray | None
    train_labels: np.ndarray | None
    steps: np.ndarray
    steps_per_epoch: int
    snapshot_test_loss: np.ndarray
    step_loss: np.ndarray | None
    format_version: int
    _weights: Mapping[int, dict[str, np.ndarray]] = field(repr=False)
    _decoders: dict[int, NumpyDecoder] = field(default_factory=dict, repr=False)
    kind: str = "autoencoder"
    capabilities: frozenset[str] = ALL_CAPABILITIES
    raw_codes: np.ndarray | None = field(default=None, repr=False)
    projection: Projection | None = None
    images: np.ndarray | None = field(default=None, repr=False)
    image_shape: tuple[int, int] = (28, 28)

    def why_not(self, capability: str) -> str | None:
        """None when the run has ``capability``, else one sentence saying why a feature needing it is off.

        Parameters
        ----------
        capability : {"decoder", "encoders", "images", "labels", "losses"}

        Returns
        -------
        str or None
            E.g. ``"Run my-cnn was recorded without a decoder (...), so nothing can be decoded."``
        """
        if capability not in WHY_NOT:
            raise ValueError(f"unknown capability {capability!r}; one of {', '.join(CAPABILITIES)}")
        return None if capability in self.capabilities else f"Run {self.name} {WHY_NOT[capability]}."

    def require(self, capability: str) -> None:
        """Raise :class:`MissingCapability` (one sentence) when the run lacks ``capability``."""
        reason = self.why_not(capability)
        if reason is not None:
            raise MissingCapability(reason, capability)

    @property
    def embedding_dim(self) -> int:
        """``D``, the width of the recorded embedding (3 for the autoencoder)."""
        return 3 if self.raw_codes is None else int(self.raw_codes.shape[2])

    @property
    def name(self) -> str:
        """The run's name (its folder name)."""
        return self.path.name

    @property
    def n_snapshots(self) -> int:
        """Number of snapshots ``S``."""
        return int(len(self.steps))

    @property
    def snapshot_epochs(self) -> np.ndarray:
        """Each snapshot's position in epochs, ``steps / steps_per_epoch`` (float64 ``[S]``)."""
        return self.steps.astype(np.float64) / self.steps_per_epoch

    @property
    def last_step(self) -> int:
        """The step of the last snapshot (the final step of a complete run)."""
        return int(self.steps[-1])

    @property
    def epochs(self) -> int:
        """Trained epochs: whole epochs up to the last snapshot (so far, for a run still training)."""
        return self.last_step // self.steps_per_epoch

    @property
    def train_loss(self) -> list[float]:
        """Mean training BCE of each trained epoch."""
        return [float(v) for v in self.meta["train_loss"]]

    @property
    def test_loss(self) -> list[float]:
        """Mean test BCE per pixel after each trained epoch."""
        return [float(v) for v in self.meta["test_loss"]]

    @property
    def dataset(self) -> str:
        """The dataset's name (``"Fashion-MNIST"``, ``"MNIST"``, ``"KMNIST"``); a run naming none is Fashion-MNIST.

        A recording naming none is ``"recorded inputs"``.
        """
        name = (self.meta.get("dataset") or {}).get("name")
        if isinstance(name, str):
            return name
        return "recorded inputs" if self.kind == "recording" else DATASETS[DEFAULT_DATASET].title

    @property
    def dataset_key(self) -> str:
        """The dataset's key (``fashion-mnist``, ``mnist``, ``kmnist``): ``run.json``'s ``dataset.id`` when known."""
        key = (self.meta.get("dataset") or {}).get("id")
        return key if isinstance(key, str) and key in DATASETS else DEFAULT_DATASET

    @property
    def class_names(self) -> tuple[str, ...]:
        """The ten class names in label order, from ``run.json`` (checked on load), else Fashion-MNIST's."""
        names = (self.meta.get("dataset") or {}).get("class_names")
        if self.kind == "recording":  # 1-10 names stored (the labels below their count); the window has ten rows
            given = list(names) if isinstance(names, list) else []
            if not given and "labels" not in self.capabilities:
                given = ["(no labels)"]
            return tuple(given + [f"class {k}" for k in range(len(given), MAX_CLASSES)])
        return tuple(names) if isinstance(names, list) else DATASETS[DEFAULT_DATASET].class_names

    @property
    def n_classes(self) -> int:
        """Number of classes (10)."""
        return len(self.class_names)

    def position_of_step(self, step: float) -> float:
        """The fractional snapshot index at training ``step`` (clamped to the run), as the window's timeline has it."""
        steps = self.steps.astype(np.float64)  # a recording may start after step 0: clamped to its first snapshot
        s = min(max(float(step), float(steps[0])), float(steps[-1])) if np.isfinite(float(step)) else float(steps[0])
        if len(steps) == 1:
            return 0.0
        i = min(max(int(np.searchsorted(steps, s, side="right")) - 1, 0), len(steps) - 2)
        span = steps[i + 1] - steps[i]
        return float(i + (s - steps[i]) / span) if span > 0 else float(i)

    def codes_at(self, step: float | None = None) -> np.ndarray:
        """The test codes at training ``step`` (default: the last), interpolated between snapshots as the window does.

        Parameters
        ----------
        step : float, optional
            A training step from 0 to :attr:`last_step`; between two snapshots the codes are blended
            linearly (:func:`latent3d.analysis.interpolate.codes_at`).

        Returns
        -------
        ndarray of float32, shape (N, 3)
            A new array (never a view of :attr:`codes`).

        Raises
        ------
        ValueError
            If ``step`` is not a number from 0 to the last step.
        """
        return np.array(codes_at(self.codes, self.position_of_step(self._step(step))), dtype=np.float32)

    def test_bce_at(self, step: float | None = None) -> np.ndarray:
        """Each test image's BCE at training ``step`` (default: the last), interpolated like :meth:`codes_at`.

        Returns
        -------
        ndarray of float32, shape (N,)
        """
        i, f = split_position(self.position_of_step(self._step(step)), self.n_snapshots - 1)
        bce = self.test_bce
        return np.array(bce[i] if f == 0.0 else bce[i] + np.float32(f) * (bce[i + 1] - bce[i]), dtype=np.float32)

    def decode(self, codes: np.ndarray, step: float | None = None) -> np.ndarray:
        """Images that the decoder of the snapshot nearest ``step`` (default: the last) makes of ``codes``.

        Parameters
        ----------
        codes : array_like, shape (K, 3) or (3,)
        step : float, optional

        Returns
        -------
        ndarray of float32, shape (K, 28, 28) or (28, 28)
            Pixel values in ``[0, 1]``.

        Raises
        ------
        ValueError
            Codes of another shape or not finite, a bad ``step``, or (:class:`latent3d.util.limits.LimitError`)
            more images than half the available memory holds; nothing is allocated then.
        """
        self.require("decoder")
        z = np.asarray(codes, dtype=np.float32)
        if z.shape[-1:] != (3,) or z.ndim not in (1, 2):
            raise ValueError(f"codes must have shape (K, 3) or (3,), not {z.shape}.")
        if not np.isfinite(z).all():
            bad = int(np.count_nonzero(~np.isfinite(z).all(axis=-1)))
            raise ValueError(f"codes must be finite numbers; {bad:,} of them hold NaN or infinity.")
        decoder = self.decoder(int(round(self.position_of_step(self._step(step)))))
        flat = z.reshape(-1, 3)
        pixels_per_image = int(np.prod(self.image_shape))
        check_decode(len(flat), pixels_per_image)
        pixels = np.empty((len(flat), pixels_per_image), np.float32)  # filled in chunks: small temporaries
        for a in range(0, len(flat), DECODE_CHUNK):
            pixels[a:a + DECODE_CHUNK] = decoder(flat[a:a + DECODE_CHUNK])
        return pixels.reshape(z.shape[:-1] + self.image_shape)

    def to_dataframe(self, step: float | None = None) -> Any:
        """The run's test codes as a pandas DataFrame in the long format of ``latent3d export``.

        Parameters
        ----------
        step : float, optional
            One position (interpolated between snapshots); default: every snapshot.

        Returns
        -------
        pandas.DataFrame
            Columns ``snapshot, step, epoch, index, label, class, x, y, z, bce``; one row per test
            image per snapshot.

        Raises
        ------
        ImportError
            One sentence naming ``pip install pandas`` when pandas is not installed.
        """
        from latent3d.runs.table import run_columns, to_dataframe

        return to_dataframe(run_columns(self, step))

    def _step(self, step: float | None) -> float:
        if step is None:
            return float(self.last_step)
        if isinstance(step, bool) or not isinstance(step, (int, float, np.integer, np.floating)) \
                or not 0 <= float(step) <= self.last_step:
            raise ValueError(f"step must be a number from 0 to {self.last_step} (the run's last step), not {step!r}.")
        return float(step)

    def _snapshot_index(self, snapshot: object) -> int:
        """``snapshot`` as a valid index, or the ValueError sentence every other index misuse gets (not a KeyError)."""
        if isinstance(snapshot, (bool, np.bool_)) or not isinstance(snapshot, (int, np.integer)) \
                or not 0 <= int(snapshot) < self.n_snapshots:
            shown = repr(snapshot) if len(repr(snapshot)) <= 40 else repr(snapshot)[:37] + "..."
            raise ValueError(f"snapshot must be a whole number from 0 to {self.n_snapshots - 1} (the run's snapshot "
                             f"indices), not {shown}.")
        return int(snapshot)

    def snapshot_of_epoch(self, epoch: int) -> int:
        """Index of the snapshot at the end of ``epoch`` (0 gives 0, the untrained model).

        Raises
        ------
        ValueError
            If ``epoch`` is outside 0..epochs (every schedule keeps every epoch end).
        """
        i = int(np.searchsorted(self.steps, epoch * self.steps_per_epoch))
        if not 0 <= epoch <= self.epochs or i >= len(self.steps) or self.steps[i] != epoch * self.steps_per_epoch:
            raise ValueError(f"Epoch {epoch} is outside 0-{self.epochs} of run {self.name}.")
        return i

    def decoder(self, snapshot: int) -> NumpyDecoder:
        """The decoder at snapshot index ``snapshot`` (0 = untrained), in numpy; it takes the 3-D codes drawn.

        Raises
        ------
        MissingCapability
            The run has no decoder (a recording made without ``decoder=``).
        ValueError
            If ``snapshot`` is not a whole number from 0 to ``n_snapshots - 1``.
        """
        self.require("decoder")
        snapshot = self._snapshot_index(snapshot)
        if snapshot in self._decoders:
            self._decoders[snapshot] = self._decoders.pop(snapshot)  # most recently used last
        else:
            layers = _layers(self._weights[snapshot], "decoder")
            if self.projection is not None:  # a D-dimensional decoder takes the drawn 3-D codes through the map
                layers = fold_into_first_layer(layers, self.projection)
            self._decoders[snapshot] = NumpyDecoder(layers)
            # bounded (as the weights are): a 10,000-snapshot run never holds them all
            while len(self._decoders) > getattr(self._weights, "cache_size", CACHED_DECODERS):
                del self._decoders[next(iter(self._decoders))]
        return self._decoders[snapshot]

    def encoder_layers(self, snapshot: int | None = None) -> list[Layer] | None:
        """Encoder ``(weight, bias)`` pairs at snapshot index ``snapshot`` (default: last), or None if not stored.

        A run without ``"encoders"`` in :attr:`capabilities` (a recording) gives None at every snapshot.

        Raises
        ------
        ValueError
            If ``snapshot`` is not a whole number from 0 to ``n_snapshots - 1``.
        """
        index = self.n_snapshots - 1 if snapshot is None else self._snapshot_index(snapshot)
        if "encoders" not in self.capabilities:
            return None
        w = self._weights[index]
        return _layers(w, "encoder") if any(k.startswith("encoder.") for k in w) else None


def _layers(weights: dict[str, np.ndarray], prefix: str) -> list[Layer]:
    idx = sorted({int(k.split(".")[1]) for k in weights if k.startswith(prefix + ".")})
    return [(weights[f"{prefix}.{i}.weight"], weights[f"{prefix}.{i}.bias"]) for i in idx]
