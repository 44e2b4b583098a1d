"""Seconds to import a TensorBoard embedding log of 40 steps x 10,000 points x 64 numbers, and to open it; prints JSON.

The log is written first, as ``SummaryWriter.add_embedding`` writes it (its own ``tensors.tsv``
text, one ``metadata.tsv`` and one 28 x 28 ``sprite.png`` per step), so the import reads what a
training leaves; the writing is not timed. Timed: ``latent3d.import_tensorboard`` (read and check
every file, write the run with fsync) and ``load_run`` of the result (PCA of 64-D included);
``latent3d.import_tensorboard`` does both.
Target: the import within 10 s.

Each repeat imports twice, alternating: with pyarrow's CSV reader parsing ``tensors.tsv`` (the import
as shipped when pyarrow is installed) and with it switched off (numpy's text reader: the import
before pyarrow was used, and the import without the ``export`` extra), so both share the load.

    python benchmarks/bench_tensorboard_import.py [--steps 40] [--points 10000] [--dim 64] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

from latent3d.runs import load_run, tsv
from latent3d.runs.tensorboard import import_tensorboard

ARROW_ROWS = tsv._arrow_rows


def write_log(logdir: Path, steps: int, points: int, dim: int) -> None:
    """A log as a training leaves it: add_embedding at ``steps`` steps, labels and thumbnails each time."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, points).tolist()
    images = torch.as_tensor(rng.random((points, 1, 28, 28)), dtype=torch.float32)
    writer = SummaryWriter(str(logdir))
    for i, step in enumerate(np.unique(np.geomspace(1, 20_000, steps * 2).astype(int))[:steps]):
        mat = torch.as_tensor(rng.normal(size=(points, dim)) * (1 + i), dtype=torch.float32)
        writer.add_embedding(mat, metadata=labels, label_img=images, global_step=int(step), tag="features")
    writer.close()


def main() -> None:
    """Write the log, then import and open it ``--repeats`` times; print one JSON object."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--points", type=int, default=10_000)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    load = [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    imports: dict[str, list[float]] = {"pyarrow": [], "numpy": []}
    opens: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        logdir = Path(tmp) / "log"
        t = time.perf_counter()
        write_log(logdir, args.steps, args.points, args.dim)
        written = time.perf_counter() - t
        log_bytes = sum(f.stat().st_size for f in logdir.rglob("*") if f.is_file())
        tsv.parse_rows(b"1\n")  # pyarrow's import (once a process) is not the import's
        codes = {}
        for r in range(args.repeats):
            for parser in (("numpy", "pyarrow") if r % 2 else ("pyarrow", "numpy")):
                tsv._arrow_rows = ARROW_ROWS if parser == "pyarrow" else (lambda _data: None)  # type: ignore
                out = Path(tmp) / f"run-{r}-{parser}"
                t = time.perf_counter()
                import_tensorboard(logdir, out)  # latent3d.import_tensorboard is this, then load_run
                imports[parser].append(time.perf_counter() - t)
                t = time.perf_counter()
                run = load_run(out)
                opens.append(time.perf_counter() - t)
                assert run.raw_codes is not None and run.raw_codes.shape == (args.steps, args.points, args.dim)
                codes.setdefault(parser, np.array(run.raw_codes[-1]))
                shutil.rmtree(out)
        tsv._arrow_rows = ARROW_ROWS
        assert np.array_equal(codes["pyarrow"], codes["numpy"]), "the two parsers read different numbers"
    print(json.dumps({
        "steps": args.steps, "points": args.points, "dim": args.dim, "log_megabytes": round(log_bytes / 1e6, 1),
        "seconds_writing_log_with_tensorboard": round(written, 2),
        "seconds_import": [round(v, 2) for v in imports["pyarrow"]],
        "seconds_import_median": round(statistics.median(imports["pyarrow"]), 2),
        "seconds_import_numpy_parser": [round(v, 2) for v in imports["numpy"]],
        "seconds_import_numpy_parser_median": round(statistics.median(imports["numpy"]), 2),
        "seconds_open_run": [round(v, 2) for v in opens], "target_seconds_import": 10.0,
        "loadavg_before": load, "loadavg_after": [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]],
    }, indent=2))


if __name__ == "__main__":
    main()
