"""Ctrl+C, SIGTERM and SIGHUP at seeded random moments of real `train` and `render` processes.

Each victim prints one line (``latent3d: interrupted.`` or ``... (SIGTERM).``), exits 128 + the
signal (130, 143, 129), and leaves its folder exactly as it found it: no partial run folder, no
temporary movie, an earlier run and an earlier movie byte-identical. The victims of one command
run side by side to keep the wall time down; the moment of each signal is drawn from a seeded RNG
once the victim is inside the work (its partial folder or temporary file exists), or right after
start-up for one early victim.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import make_fake_run
from tests.support.hostile_fixtures import REPO, snapshot
from tests.support.scene_fixtures import make_run

SEED = 20261126
OLD = b"an earlier movie that must survive\n"
LINES = {signal.SIGINT: "latent3d: interrupted.", signal.SIGTERM: "latent3d: interrupted (SIGTERM).",
         signal.SIGHUP: "latent3d: interrupted (SIGHUP)."}


def _spawn(args: list[str], runs_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "LATENT3D_RUNS_DIR": str(runs_dir), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, str(REPO / "run.py"), *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_until(ready: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the victim exited ({proc.returncode}) before it was signalled: {proc.stderr.read()[-400:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("timed out waiting for the victim to start its work")
        time.sleep(0.02)


def _catches_term_and_hup(proc: subprocess.Popen[str]) -> bool:
    """Whether the victim has installed its TERM and HUP handlers yet (Linux /proc: the SigCgt mask)."""
    if not Path("/proc/self/status").exists():
        return True  # no way to tell here: the victim is signalled after the random delay alone
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return all(caught >> (s - 1) & 1 for s in (signal.SIGTERM, signal.SIGHUP))


def _finish(proc: subprocess.Popen[str], sig: int) -> None:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, (proc.returncode, err[-600:])
    assert "Traceback" not in err and err == LINES[sig] + "\n", repr(err[-600:])


def test_train_stops_cleanly_on_int_term_hup(data_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    victims: list[tuple[int, Path, dict[str, str], subprocess.Popen[str]]] = []
    for sig, early in ((signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGHUP, False),
                       (signal.SIGTERM, True)):
        runs = tmp_path / f"{signal.Signals(sig).name}{'-early' if early else ''}"
        make_fake_run(runs / "earlier", epochs=1, n=50)
        before = snapshot(runs)
        proc = _spawn(["train", "--epochs", "1000", "--max-train-images", "2000", "--max-test-images", "200",
                       "--data-dir", str(data_dir), "--out", "victim", "--no-progress", "--device", "cpu"], runs)
        if early:  # during start-up (importing torch, checking and loading the data), once main() handles signals
            _wait_until(lambda proc=proc: _catches_term_and_hup(proc), proc)
            time.sleep(rng.uniform(0.0, 0.5))
        else:  # inside training: the partial folder exists
            _wait_until(lambda runs=runs: any(p.name.startswith(".victim.partial-") for p in runs.iterdir()), proc)
            time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(sig)
        victims.append((sig, runs, before, proc))
    for sig, runs, before, proc in victims:
        _finish(proc, sig)
        assert snapshot(runs) == before  # no partial folder, no victim, the earlier run byte-identical


def test_render_stops_cleanly_on_int_term_hup(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    run = make_run(tmp_path / "r", n=300, epochs=2)
    victims: list[tuple[int, Path, dict[str, str], subprocess.Popen[str]]] = []
    for sig, suffix in ((signal.SIGINT, ".gif"), (signal.SIGTERM, ".mp4"), (signal.SIGHUP, ".gif")):
        folder = tmp_path / signal.Signals(sig).name
        folder.mkdir()
        (folder / f"m{suffix}").write_bytes(OLD)
        before = snapshot(folder)
        proc = _spawn(["render", str(run), "--movie", str(folder / f"m{suffix}"), "--size", "160x120",
                       "--frames-per-snapshot", "400"], tmp_path)
        _wait_until(lambda folder=folder: any(".tmp-" in p.name for p in folder.iterdir()), proc)
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(sig)
        victims.append((sig, folder, before, proc))
    for sig, folder, before, proc in victims:
        _finish(proc, sig)
        assert snapshot(folder) == before  # no temporary movie, the earlier one byte-identical
