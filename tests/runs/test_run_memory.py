"""Runs at the caps open within bounded memory (issue 19, item 2): lazy weights, a bounded cache, a memory refusal.

The memory cases run in a child under ``RLIMIT_AS``, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from latent3d import runs
from latent3d.runs import memory as run_memory
from latent3d.runs.memory import CACHED_SNAPSHOTS
from tests.support.big_runs import make_long_run

REPO = Path(__file__).resolve().parents[2]
LIMIT_BYTES = 1536 << 20  # the 2,000 snapshots' weights alone are 3.7 GB: the old loader cannot fit


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 snapshots of 20 codes whose weights files are hard links of one (7 MB on disk)."""
    return make_long_run(tmp_path_factory.mktemp("long") / "long-run", 2000)


def _limited(code: str) -> subprocess.CompletedProcess[str]:
    prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))\n"
    env = {"PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=120, cwd=REPO)


def test_info_of_a_long_run_fits_under_a_memory_limit(long_run: Path) -> None:
    done = _limited(f"from latent3d.cli.parser import main; raise SystemExit(main(['info', {str(long_run)!r}]))")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2000 snapshots" in done.stdout


def test_every_decoder_of_a_long_run_fits_under_a_memory_limit(long_run: Path) -> None:
    done = _limited(f"""
        from latent3d.runs import load_run
        run = load_run({str(long_run)!r})
        for i in range(run.n_snapshots):
            run.decoder(i)(run.codes[i, :2])
        print(run._weights.cached, len(run._decoders))
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    cached, decoders = map(int, done.stdout.split())
    assert 1 <= cached <= CACHED_SNAPSHOTS and 1 <= decoders <= CACHED_SNAPSHOTS


def test_weights_are_read_on_first_use(long_run: Path) -> None:
    run = runs.load_run(long_run)
    assert run._weights.cached == 0  # type: ignore[attr-defined]
    layers = run.encoder_layers()
    assert layers is not None and run._weights.cached == 1  # type: ignore[attr-defined]
    assert run.encoder_layers(0) is not None  # every snapshot of this run keeps its encoder


def test_a_run_larger_than_the_memory_is_one_sentence(long_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_memory, "available_memory", lambda: 1_000_000)
    with pytest.raises(runs.RunError) as err:
        runs.load_run(long_run)
    text = str(err.value)
    assert "needs about" in text and "2,000 snapshots" in text and "1.0 MB available" in text
    assert "\n" not in text and text.endswith(".")


def test_the_estimate_counts_the_arrays_twice_and_a_bounded_cache(long_run: Path) -> None:
    arrays = (long_run / "codes.npy").stat().st_size + (long_run / "test_bce.npy").stat().st_size
    need = run_memory.open_memory_bytes(long_run, 1000)
    assert 2 * arrays <= need <= 2 * arrays + 2 * CACHED_SNAPSHOTS * 1000 + 200_000
