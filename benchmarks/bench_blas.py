"""The window's small numpy decodes and k-d tree queries with BLAS at its default threads and at one; prints JSON.

The viewer process never imports torch: its matrix products go through numpy's OpenBLAS, which
starts a thread per core for a product above a small size. On a busy machine a preempted BLAS
thread stalls the product it shares. This times what the window does per move or per click, with
OpenBLAS's default thread count and limited to one (threadpoolctl), alternating in one process,
``--background-load N`` busy-looping processes beside it:

- the decoder (``latent3d.analysis.decoder``, the bundled run's last snapshot) on 1 code (the image
  panel), 48 (a gallery page), 144 (a 12x12 decoder map) and 1,024 codes (a 32x32 map);
- the k-d tree query of the explore panel's neighbours (k = 10) of 1 and of 48 points.

    python benchmarks/bench_blas.py [--background-load 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _load import background_load, load_now
from _timing import median_ms

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"



def _median_ms(fn, repeats: int) -> float:  # noqa: ANN001
    return median_ms(fn, repeats, digits=6)


def cases() -> dict[str, Callable[[], object]]:
    """The operations timed, each a call without arguments."""
    from scipy.spatial import cKDTree

    from latent3d.runs import load_run

    run = load_run(BUNDLED)
    last = run.n_snapshots - 1
    decoder, codes = run.decoder(last), np.asarray(run.codes[last], np.float32)
    rng = np.random.default_rng(0)
    grid = {n: rng.uniform(codes.min(0), codes.max(0), (n, 3)).astype(np.float32) for n in (1, 48, 144, 1024)}
    tree = cKDTree(np.asarray(codes, np.float64))
    one, page = codes[:1].astype(np.float64), codes[:48].astype(np.float64)
    out: dict[str, Callable[[], object]] = {f"decode_{n}_ms": (lambda z=z: decoder(z)) for n, z in grid.items()}
    out["kdtree_query_1_k10_ms"] = lambda: tree.query(one, k=10)
    out["kdtree_query_48_k10_ms"] = lambda: tree.query(page, k=10)
    return out


def measure(rounds: int, repeats: int) -> dict[str, object]:
    """Median milliseconds per operation with BLAS unlimited and limited to one thread, alternating."""
    from threadpoolctl import threadpool_info, threadpool_limits

    ops = cases()
    got: dict[str, dict[str, list[float]]] = {"default": {k: [] for k in ops}, "one": {k: [] for k in ops}}
    for r in range(rounds):
        for mode in (("default", "one") if r % 2 == 0 else ("one", "default")):
            with threadpool_limits(1 if mode == "one" else None, user_api="blas"):
                for name, fn in ops.items():
                    for _ in range(3):
                        fn()  # warm
                    got[mode][name].append(_median_ms(fn, repeats))
    med = {mode: {k: round(statistics.median(v), 3) for k, v in rows.items()} for mode, rows in got.items()}
    return {"blas_default_threads": [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"],
            "median_ms": med,
            "one_over_default": {k: round(med["one"][k] / med["default"][k], 2) for k in ops},
            "worst_round_ms": {mode: {k: round(max(v), 3) for k, v in rows.items()} for mode, rows in got.items()}}


def main() -> None:
    """Print the figures as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--background-load", type=int, default=0, metavar="N")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    with background_load(args.background_load) as hogs:
        before = load_now()
        result = measure(args.rounds, args.repeats)
    print(json.dumps({"background_load": len(hogs), "load_before": before, **result}, indent=2))


if __name__ == "__main__":
    main()
