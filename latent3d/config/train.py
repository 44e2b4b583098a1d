"""Typed, frozen configuration of the model and of one training run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from latent3d.config.schedule import DEFAULT_SCHEDULE, check_snapshot_count, parse_schedule

__all__ = ["ConfigError", "ModelConfig", "TrainConfig"]


class ConfigError(ValueError):
    """A configuration value is out of range or of the wrong type."""


MAX_WIDTH = 1 << 16  # wider layers are no autoencoder of this tool's, and would only exhaust memory
FULL_TRAIN_IMAGES = 60_000  # Fashion-MNIST's training split: the steps per epoch of a config without a subset limit
MAX_SEED = 2**32 - 1  # torch and numpy take seeds modulo 2**32: a larger one would silently repeat a smaller one
MAX_EPOCHS = 100_000  # the most epochs a run folder may record (the reader refuses more)
MAX_IMAGES = 2**31 - 1  # image caps beyond this are no dataset of this tool's, and overflow step arithmetic


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int_in(v: object, lo: int, hi: int) -> bool:
    return _is_int(v) and lo <= v <= hi  # type: ignore[operator]


def _from_mapping(cls: type, data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"{what} must be a JSON object, got {type(data).__name__}.")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{what} has unknown keys: {', '.join(unknown)}.")
    return dict(data)


@dataclass(frozen=True)
class ModelConfig:
    """Layer widths of the dense autoencoder.

    Parameters
    ----------
    input_dim : int
        Pixels per image (28 x 28 = 784).
    hidden : tuple of int
        Widths of the encoder's hidden layers; the decoder mirrors them.
    code_dim : int
        Size of the latent code (3, so it can be drawn).
    """

    input_dim: int = 784
    hidden: tuple[int, ...] = (256, 128, 64)
    code_dim: int = 3

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, (list, tuple)):
            raise ConfigError("Hidden layer widths must be a list of integers.")
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if not all(_is_int(w) and 0 < w <= MAX_WIDTH for w in (self.input_dim, *self.hidden, self.code_dim)):
            raise ConfigError(f"All layer widths must be whole numbers from 1 to {MAX_WIDTH}.")

    @property
    def decoder_widths(self) -> tuple[int, ...]:
        """Widths from code to output, e.g. (3, 64, 128, 256, 784)."""
        return (self.code_dim, *reversed(self.hidden), self.input_dim)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, data: Any) -> ModelConfig:
        """Build from a dict as written by :meth:`to_dict`; raise ConfigError if malformed."""
        d = _from_mapping(cls, data, "Model config")
        try:
            return cls(**d)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Model config is invalid: {exc}") from None


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run; the defaults are the reference configuration.

    Parameters
    ----------
    epochs : int
        Passes over the 60,000 training images.
    batch_size : int
        Images per optimisation step.
    lr : float
        Adam learning rate.
    seed : int
        Seed of initialisation and shuffling (same seed, same numbers on one machine).
    adam_eps : float
        Adam epsilon; 1e-7 as in Keras, which lands the reference loss.
    max_train_images : int or None
        Use only the first N training images (tests and quick looks); None for all.
    max_test_images : int or None
        Use only the first N test images; None for all 10,000.
    snapshots : str
        When to take snapshots (:mod:`latent3d.config.schedule`): ``"log"`` (default: step 0, about 20
        steps evenly in log(step) through epoch 1, then every epoch end), ``"epochs"`` or ``"every:N"``.
    """

    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 0
    adam_eps: float = 1e-7
    max_train_images: int | None = None
    max_test_images: int | None = None
    model: ModelConfig = field(default_factory=ModelConfig)
    snapshots: str = DEFAULT_SCHEDULE

    def __post_init__(self) -> None:
        checks = [
            (_int_in(self.epochs, 1, MAX_EPOCHS), f"epochs must be an integer from 1 to {MAX_EPOCHS:,}"),
            (_is_int(self.batch_size) and self.batch_size >= 1, "batch size must be an integer of at least 1"),
            (isinstance(self.lr, (int, float)) and not isinstance(self.lr, bool) and 0 < self.lr < 10,
             "learning rate must be a number above 0 (and below 10)"),
            (_int_in(self.seed, 0, MAX_SEED), f"seed must be an integer from 0 to {MAX_SEED} (2**32 - 1)"),
            (isinstance(self.adam_eps, (int, float)) and self.adam_eps > 0, "Adam epsilon must be positive"),
            (self.max_train_images is None or _int_in(self.max_train_images, 1, MAX_IMAGES),
             f"max_train_images must be an integer from 1 to {MAX_IMAGES:,} or null"),
            (self.max_test_images is None or _int_in(self.max_test_images, 1, MAX_IMAGES),
             f"max_test_images must be an integer from 1 to {MAX_IMAGES:,} or null"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message[0].upper() + message[1:] + ".")
        try:
            parse_schedule(self.snapshots)
            check_snapshot_count(self.snapshots, self.steps_per_epoch(), self.epochs)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    def steps_per_epoch(self, train_images: int | None = None) -> int:
        """Optimisation steps in one epoch over ``train_images`` (default: the full split, or the subset limit)."""
        n = train_images if train_images is not None else min(self.max_train_images or FULL_TRAIN_IMAGES,
                                                               FULL_TRAIN_IMAGES)
        return -(-n // self.batch_size)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the model config nested under ``model``)."""
        d = asdict(self)
        d["model"] = self.model.to_dict()
        return d

    @classmethod
    def from_dict(cls, data: Any) -> TrainConfig:
        """Build from a dict as written by :meth:`to_dict`; raise ConfigError if malformed."""
        d = _from_mapping(cls, data, "Training config")
        d["model"] = ModelConfig.from_dict(d.get("model", {}))
        d.setdefault("snapshots", "epochs")  # written before snapshot schedules (run format 1): epoch ends only
        try:
            return cls(**d)
        except TypeError as exc:
            raise ConfigError(f"Training config is invalid: {exc}") from None
