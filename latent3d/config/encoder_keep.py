"""Which snapshots keep the encoder in a run folder: ``all``, ``final`` or ``every:K`` (every K-th and the last)."""

from __future__ import annotations

import re

__all__ = ["KEEP_ENCODER_CHOICES", "keeps_encoder", "parse_keep_encoder"]

KEEP_ENCODER_CHOICES = "all|final|every:K"
_EVERY = re.compile(r"every:([0-9]{1,6})")


def parse_keep_encoder(text: object) -> int:
    """The snapshot stride of a ``--keep-encoder`` value: 1 for ``all``, 0 for ``final``, K for ``every:K``.

    Parameters
    ----------
    text : str
        ``"all"``, ``"final"`` or ``"every:K"`` with K a whole number of at least 1.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For any other value, with one sentence saying what is accepted.
    """
    if text == "all":
        return 1
    if text == "final":
        return 0
    m = _EVERY.fullmatch(text) if isinstance(text, str) else None
    if m is None or int(m.group(1)) < 1:
        raise ValueError(f"the encoder choice must be all, final or every:K with K of at least 1, not {text!r}.")
    return int(m.group(1))


def keeps_encoder(keep: str, index: int, last: bool) -> bool:
    """Whether snapshot number ``index`` (0 first) keeps its encoder under ``keep``; the last one always does."""
    stride = parse_keep_encoder(keep)
    return last or (stride > 0 and index % stride == 0)
