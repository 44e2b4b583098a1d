"""After keep_freed_memory(), training steps stop page-faulting their fresh buffers in again."""

import os
import subprocess
import sys

import pytest

from latent3d.training import allocator

# Runs in a fresh interpreter so that no earlier test has tuned malloc already.
STEPS = """
import resource, sys, torch
from latent3d.training import allocator
from latent3d.training.fast_step import FastStep
from latent3d.training.model import Autoencoder
applied = allocator.keep_freed_memory() if sys.argv[1] == "tuned" else None
torch.manual_seed(0)
step = FastStep(Autoencoder(), lr=1e-3, eps=1e-7)
x = torch.rand(4096, 784)
for i in range(50):
    step(x[(i % 64) * 64: (i % 64 + 1) * 64])
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(200):
    step(x[(i % 64) * 64: (i % 64 + 1) * 64])
print(applied, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 200)
"""


def _faults_per_step(mode: str) -> tuple[str, float]:
    out = subprocess.run([sys.executable, "-c", STEPS, mode], capture_output=True, text=True, check=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=120).stdout.split()
    return out[0], float(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt thresholds are glibc's")
def test_tuned_steps_do_not_page_fault() -> None:
    applied, tuned = _faults_per_step("tuned")
    if applied != "True":
        pytest.skip("this C library refuses mallopt thresholds (not glibc)")
    print(f"minor page faults per step, tuned: {tuned:.2f}")
    # A few stray faults may remain (0-0.25 measured). The default heap used to fault 50-150 times a
    # step with the oneDNN step; since the step runs on torch.mm it faults under once a step too
    # (0-0.17 measured), so there is no longer a difference to assert.
    assert tuned < 5.0


def test_safe_to_call_again() -> None:
    first = allocator.keep_freed_memory()
    assert allocator.keep_freed_memory() == first
