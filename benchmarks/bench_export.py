"""Export and API speed: `import latent3d` in a fresh interpreter, the bundled run to Parquet and CSV; prints JSON.

Each figure is the median of ``--repeats`` runs in this one process (the import in child
processes), so ratios between them hold on a busy machine. Targets (issue 24): import
<= 0.2 s, 40 x 10,000 rows to Parquet <= 2 s, to CSV <= 5 s.

    python benchmarks/bench_export.py [--run fashion-mnist-default] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from latent3d.api import load_run
from latent3d.runs.export import write_rows
from latent3d.runs.table import run_columns

IMPORT_CODE = ("import time; t = time.perf_counter(); import latent3d; dt = time.perf_counter() - t; import sys; "
               "print(dt, int(any(m in sys.modules for m in ('torch', 'PySide6', 'vtkmodules'))))")


def _import_seconds() -> tuple[float, bool]:
    out = subprocess.run([sys.executable, "-c", IMPORT_CODE], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1] == "1"


def _timed(fn: object, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn()`` (CPU time holds on a machine shared with other work)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="fashion-mnist-default")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    imports = [_import_seconds() for _ in range(max(args.repeats, 5))]
    t = time.perf_counter()
    run = load_run(args.run)
    load_s = time.perf_counter() - t
    table = run_columns(run)
    with tempfile.TemporaryDirectory() as tmp:
        out = {suffix: Path(tmp) / f"x{suffix}" for suffix in (".parquet", ".csv")}
        seconds = {s: _timed(lambda s=s: write_rows(run_columns(run), out[s]), args.repeats) for s in out}
        sizes = {s: out[s].stat().st_size for s in out}
    print(json.dumps({
        "run": run.name, "rows": table.n_rows,
        "import_latent3d_s": round(statistics.median(i[0] for i in imports), 4),
        "import_loads_torch_or_qt": any(i[1] for i in imports),
        "load_run_s": round(load_s, 3),
        "export_parquet_s": round(seconds[".parquet"][0], 3), "export_csv_s": round(seconds[".csv"][0], 3),
        "export_parquet_cpu_s": round(seconds[".parquet"][1], 3), "export_csv_cpu_s": round(seconds[".csv"][1], 3),
        "parquet_bytes": sizes[".parquet"], "csv_bytes": sizes[".csv"],
        "repeats": args.repeats,
    }, indent=2))


if __name__ == "__main__":
    main()
