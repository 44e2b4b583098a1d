"""The row writer of ``export``: a :class:`~latent3d.runs.table.RowTable` to CSV or Parquet, atomically.

The suffix picks the format. CSV needs nothing beyond numpy; Parquet needs pyarrow (the optional
extra ``latent3d[export]``). Either is written to a hidden sibling and renamed over the target only
when complete (:func:`latent3d.util.fileio.atomic_path`): a refused or failed export leaves an
existing file as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from latent3d.runs.table import RowTable
from latent3d.util.fileio import atomic_path, check_suffix, check_target

__all__ = ["FORMATS", "check_export_target", "csv_cell", "write_rows"]

FORMATS = {".csv": "CSV", ".parquet": "Parquet"}
_FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would run such a cell as a formula


def check_export_target(path: Path) -> str:
    """The format of ``path`` (``.csv`` or ``.parquet``), with its folder checked, before any work is done.

    Raises
    ------
    ValueError
        One sentence: another suffix, Parquet without pyarrow, or a place that cannot be written
        (:class:`latent3d.util.fileio.OutputError`).
    """
    suffix = check_suffix(Path(path), tuple(FORMATS), f"Export file {Path(path).name[:60]} must end in .csv or "
                          ".parquet (the suffix picks the format).", what="Export file")
    if suffix == ".parquet":
        _pyarrow()
    check_target(Path(path), what="Export file")
    return suffix


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ValueError("Writing Parquet needs pyarrow, which is not installed: `pip install latent3d[export]` "
                         "(or `pip install pyarrow`), or export to a .csv file.") from None
    return pyarrow


def csv_cell(text: str) -> str:
    """``text`` as one CSV cell: quoted when it holds a comma, quote or edge space; a leading ``= + - @`` defused."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if any(c in text for c in ',"') or text != text.strip():
        text = '"' + text.replace('"', '""') + '"'
    return text


def _strings(values: np.ndarray) -> list[str]:
    """Shortest round-trip text of each number (float32 stays float32-exact); NaN as an empty cell."""
    text = values.astype(str)
    if values.dtype.kind == "f":
        text[np.isnan(values)] = ""
    return list(text.tolist())


def _write_csv(table: RowTable, f: Any) -> None:
    f.write(",".join(table.column_names) + "\n")
    names = [csv_cell(n) for n in table.class_names]
    image_cols = [f"{i},{lab},{names[lab]}" for i, lab in zip(table.index.tolist(), table.labels.tolist())]
    whole = table.whole_steps
    for b in range(len(table.snapshots)):
        step = int(table.steps[b]) if whole else repr(float(table.steps[b]))
        prefix = f"{int(table.snapshots[b])},{step},{float(table.epochs[b])!r},"
        xyz = table.codes[b]
        lines = zip(image_cols, _strings(xyz[:, 0]), _strings(xyz[:, 1]), _strings(xyz[:, 2]), _strings(table.bce[b]))
        if table.raw is None:
            f.write("".join(f"{prefix}{c},{x},{y},{z},{e}\n" for c, x, y, z, e in lines))
            continue
        raw = [",".join(row) for row in np.asarray(table.raw[b], np.float32).astype(str).tolist()]
        f.write("".join(f"{prefix}{c},{x},{y},{z},{e},{r}\n" for (c, x, y, z, e), r in zip(lines, raw)))


def _write_parquet(table: RowTable, path: Path) -> None:
    pa = _pyarrow()
    cols = table.columns()
    arrays = {k: pa.array(v) for k, v in cols.items() if k != "class"}
    arrays["class"] = pa.DictionaryArray.from_arrays(pa.array(cols["class"].astype(np.int8)),
                                                     pa.array(list(table.class_names)))
    pa.parquet.write_table(pa.table({k: arrays[k] for k in table.column_names}), str(path))


def write_rows(table: RowTable, path: Path) -> Path:
    """Write ``table`` to ``path`` (``.csv`` or ``.parquet``) atomically.

    Parameters
    ----------
    table : RowTable
        From :func:`latent3d.runs.table.run_columns`.
    path : Path
        The file to create or replace.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        One sentence (see :func:`check_export_target`, :func:`latent3d.util.fileio.atomic_path`); the
        file at ``path``, if any, is unchanged.
    """
    path = Path(path)
    suffix = check_export_target(path)
    with atomic_path(path, what="Export file") as tmp:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                _write_csv(table, f)
        else:
            _write_parquet(table, tmp)
    return path
