"""A reader of tab-separated decimal numbers (TensorBoard's ``tensors.tsv``), checked as untrusted text.

Only digits, ``. + - e E``, tabs and line ends may appear (NaN, infinity and words are named
with their row); every row must hold the same count of numbers (the first row that differs is
named); then numpy's C reader (``np.fromstring`` in text mode, which never evaluates anything)
parses the whole file at once, and a token it cannot read (``1.2.3``) is caught by the count.

When pyarrow is installed (the ``export`` extra), its CSV reader parses the numbers instead, after
the same character check, about four times faster (a step of 10,000 x 64 numbers: 0.14 s against
0.45-0.85 s); whatever it does not read cleanly (a ragged row, an empty one, a malformed
number) goes the numpy way, which names the row.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["TsvError", "parse_rows"]

_TAB, _NL, _CR, _DOT, _MINUS, _PLUS = 9, 10, 13, 46, 45, 43


class TsvError(ValueError):
    """The text is not rows of decimal numbers; the message is the end of a sentence ("row 3 has ...")."""


# Character classes: 0 separator, 1 part of a number, 2 anything else.
_CLASS = np.full(256, 2, np.uint8)
_CLASS[[_TAB, _NL, _CR]] = 0
_CLASS[48:58] = 1
_CLASS[[_DOT, _MINUS, _PLUS, 101, 69]] = 1


def parse_rows(data: bytes) -> tuple[np.ndarray, int]:
    """The numbers of ``data`` as float64 ``[R, C]``: one row per line, tab-separated.

    Parameters
    ----------
    data : bytes
        ASCII text; ``\\n`` or ``\\r\\n`` line ends; a last line end is optional.

    Returns
    -------
    values : ndarray of float64, shape (R, C)
    rows : int
        ``R``.

    Raises
    ------
    TsvError
        A character that is no part of a number, a malformed number, NaN or infinity, an empty
        row, or rows of different lengths (the first such row is named, counted from 1).
    """
    b = np.frombuffer(data, np.uint8)
    if len(b) == 0:
        raise TsvError("it holds no numbers")
    # One counting pass says whether any byte is no part of a number (found and named below if so).
    clean = not np.bincount(b, minlength=256)[_CLASS == 2].any()
    if clean:
        fast = _arrow_rows(data)
        if fast is not None and np.isfinite(fast).all():
            return fast, len(fast)
    if b[-1] != _NL:
        b = np.append(b, np.uint8(_NL))
    nl = b == _NL
    cls = _CLASS[b]
    if not clean:  # letters: NaN, inf or text, named with their row
        _refuse_text(b, int(np.argmax(cls == 2)), nl)
    sep = cls == 0
    starts = np.flatnonzero(~sep[1:] & sep[:-1]) + 1
    if not sep[0]:
        starts = np.concatenate(([0], starts))
    _check_rows(nl, starts)
    rows = int(nl.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy warns, in some versions, where it should refuse
        try:
            values = np.fromstring(bytes(b).decode("ascii"), dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            values = np.zeros(0)
    if len(values) != len(starts):  # a token such as "1.2.3" or "1-2" stops numpy's reader early
        raise TsvError("it holds a value that is not a decimal number (digits, a point, an exponent)")
    if not np.isfinite(values).all():
        t = int(np.argmin(np.isfinite(values)))
        raise TsvError(f"row {t // (len(starts) // rows) + 1} holds a number beyond the range of a float")
    return values.reshape(rows, len(starts) // rows), rows


def _arrow_rows(data: bytes) -> np.ndarray | None:
    """The rows by pyarrow's CSV reader (tab-separated, no header, no quoting), or None: not installed, or the
    text is not rows of one length of numbers that it reads cleanly (the numpy path then says what is wrong)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pc
    except ImportError:
        return None
    try:
        table = pc.read_csv(
            pa.py_buffer(data), read_options=pc.ReadOptions(autogenerate_column_names=True),
            parse_options=pc.ParseOptions(delimiter="\t", quote_char=False, ignore_empty_lines=False),
            convert_options=pc.ConvertOptions(null_values=[], strings_can_be_null=False,
                                              quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows == 0 or any(not pa.types.is_floating(c.type) and not pa.types.is_integer(c.type)
                                  for c in table.columns) or any(c.null_count for c in table.columns):
        return None
    return np.column_stack([c.to_numpy().astype(np.float64, copy=False) for c in table.columns])


def _token(b: np.ndarray, start: int, end: int) -> str:
    return bytes(b[start:min(end, start + 30)]).decode("ascii", "replace")


def _check_rows(nl: np.ndarray, starts: np.ndarray) -> None:
    """Every line holds the same number of tokens, at least one (line ends are ``\\n``, a last one added)."""
    line_ends = np.flatnonzero(nl)
    per_line = np.diff(np.searchsorted(starts, line_ends, side="left"), prepend=0)
    if len(per_line) == 0 or per_line[0] == 0 or (per_line != per_line[0]).any():
        row = int(np.argmax(per_line != per_line[0])) if len(per_line) and per_line[0] else 0
        got = int(per_line[row]) if len(per_line) else 0
        raise TsvError(f"row {row + 1} holds {got} numbers" + (f" where row 1 holds {int(per_line[0])}" if row else ""))


def _refuse_text(b: np.ndarray, at: int, nl: np.ndarray) -> None:
    line_start = int(np.flatnonzero(nl[:at])[-1]) + 1 if nl[:at].any() else 0
    row = int(nl[:at].sum()) + 1
    seps = np.flatnonzero((b[line_start:] == _TAB) | (b[line_start:] == _NL) | (b[line_start:] == _CR))
    lo = line_start + int(seps[seps <= at - line_start][-1]) + 1 if (seps <= at - line_start).any() else line_start
    hi = line_start + int(seps[seps > at - line_start][0]) if (seps > at - line_start).any() else len(b)
    token = _token(b, lo, hi)
    if token.strip().lstrip("+-").lower() in ("nan", "inf", "infinity"):
        raise TsvError(f"row {row} holds {token!r}: NaN and infinite values cannot be drawn")
    raise TsvError(f"row {row} holds {token!r}, which is not a decimal number")
