"""The window's process limits numpy's BLAS to one thread, unless the user chose a count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE = """
import json, os
import numpy
from threadpoolctl import threadpool_info
from latent3d.qt.app import one_blas_thread
done = one_blas_thread()
print(json.dumps([done, os.environ.get("OPENBLAS_NUM_THREADS"),
                  [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]]))
"""


def _run(extra: dict[str, str]) -> list[object]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                              "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=REPO,
                         env={**env, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen", **extra}).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_one_blas_thread_in_the_window_process() -> None:
    done, variable, counts = _run({})
    assert done is True and variable == "1"
    assert counts and all(n == 1 for n in counts)  # numpy's OpenBLAS, already loaded, limited at once


def test_a_count_the_user_set_is_left_alone() -> None:
    done, variable, counts = _run({"OPENBLAS_NUM_THREADS": "2"})
    assert done is False and variable == "2" and counts and all(n == 2 for n in counts)
