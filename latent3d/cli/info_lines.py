"""The provenance lines of ``info`` (weights, dataset, versions) as readable text, whatever ``run.json`` holds."""

from __future__ import annotations

from typing import Any

__all__ = ["dataset_line", "versions_line", "weights_line"]

_SCALARS = (str, int, float, bool)


def _text(value: object, limit: int = 80) -> str:
    """A value from an untrusted ``run.json`` as short text: scalars as they are, anything else as a cut repr."""
    text = value if isinstance(value, str) else str(value) if isinstance(value, _SCALARS) else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _count(value: object) -> str | None:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else None


def weights_line(weights: Any) -> str:
    """``float16; encoder at every 5th snapshot and the last`` from ``{"dtype": ..., "encoder": ...}``."""
    if not isinstance(weights, dict):
        return _text(weights)
    parts = [_text(weights.get("dtype", "float32"))]
    encoder = weights.get("encoder")
    if encoder == "all":
        parts.append("encoder at every snapshot")
    elif encoder == "final":
        parts.append("encoder at the last snapshot only")
    elif isinstance(encoder, str) and encoder.startswith("every:") and encoder[6:].isdigit():
        parts.append(f"encoder at every {_ordinal(int(encoder[6:]))} snapshot and the last")
    elif encoder is not None:
        parts.append(f"encoder {_text(encoder)}")
    return "; ".join(parts)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def dataset_line(name: str, dataset: Any) -> str:
    """``Fashion-MNIST, 60,000 training and 10,000 test images; IDX files' SHA-256 5fb0...`` (``name`` as read)."""
    if not isinstance(dataset, dict):
        return name
    parts = [name]
    train, test = _count(dataset.get("train_images")), _count(dataset.get("test_images"))
    if train and test:
        parts[0] += f", {train} training and {test} test images"
    if dataset.get("sha256"):
        parts.append(f"IDX files' SHA-256 {_text(dataset['sha256'])}")
    if dataset.get("data_dir"):
        parts.append(f"read from {_text(dataset['data_dir'])}")
    return "; ".join(parts)


def versions_line(versions: Any) -> str:
    """``latent3d 0.1.0, torch 2.4.1, numpy 2.1.0, Python 3.11.7; Linux-6.1-x86_64`` from the versions record."""
    if not isinstance(versions, dict):
        return _text(versions)
    labels = {"python": "Python"}
    shown = [f"{labels.get(k, _text(k, 20))} {_text(v)}" for k, v in versions.items() if k != "platform"]
    if "platform" in versions:
        return "; ".join([", ".join(shown), _text(versions["platform"])]) if shown else _text(versions["platform"])
    return ", ".join(shown)
