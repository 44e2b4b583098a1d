"""SIGKILL `run.py train` at seeded moments, the final save included: earlier runs survive, no partial run is listed.

To hit the save window every time, the child runs ``run.py`` under a bootstrap that wraps a
public function the save goes through (``safetensors.numpy.save_file``, ``numpy.save``,
``Path.write_text``, ``os.fsync``, ``os.rename``) so that at the chosen call it writes a
"ready" file and sleeps: the test then kills it there. Other victims are killed after a
seeded random delay, wherever they happen to be.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from latent3d import runs
from tests.conftest import make_fake_run

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = r"""
import os, pathlib, runpy, sys, time
point, ready = os.environ["KILL_POINT"], os.environ["KILL_READY"]
kind, _, arg = point.partition(":")

def pause():
    pathlib.Path(ready).write_text(point)
    time.sleep(300)

def wrap(owner, name, when, before=False):
    real = getattr(owner, name)
    def wrapper(*a, **k):
        if before and when(*a):
            pause()
        out = real(*a, **k)
        if not before and when(*a):
            pause()
        return out
    setattr(owner, name, wrapper)

if kind == "weights":      # after step N's weights file is written
    import safetensors.numpy as st
    wrap(st, "save_file", lambda t, path, *r: path.endswith(f"step_{int(arg):07d}.safetensors"))
elif kind == "npy":        # after one array file of the final save is written
    import numpy
    wrap(numpy, "save", lambda path, *r: str(path).endswith(arg))
elif kind == "half-npy":   # in the middle of writing an array file: a torn file on disk
    import numpy
    real_save = numpy.save
    def torn(path, arr, *a, **k):
        if str(path).endswith(arg):
            blob = numpy.ascontiguousarray(arr).tobytes()
            with open(path, "wb") as f:
                f.write(blob[: len(blob) // 2])
                f.flush()
            pause()
        return real_save(path, arr, *a, **k)
    numpy.save = torn
elif kind == "meta":       # after run.json is written, before anything is fsynced
    wrap(pathlib.Path, "write_text", lambda self, *r: self.name == "run.json")
elif kind == "fsync":      # after the Nth fsync of the final save
    calls = [0]
    def count(*a):
        calls[0] += 1
        return calls[0] == int(arg)
    wrap(os, "fsync", count)
elif kind == "rename":     # just before the atomic rename into place
    wrap(os, "rename", lambda src, dst, *r: ".partial-" in str(src), before=True)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
# Deterministic points, in the order training reaches them; `train` uses float32 weights and keeps the
# encoder of every snapshot, so snapshot files are written as training goes and the final save starts after.
# 600 images at batch 64 are 10 steps per epoch: step 10 ends the first epoch.
POINTS = ["weights:10", "half-npy:codes.npy", "npy:labels.npy", "meta", "fsync:3", "rename"]
# What the partial folder holds (present, absent) at each point: proof the kill landed where intended.
AT_POINT = {"weights:10": ("weights/step_0000010.safetensors", "codes.npy"),
            "half-npy:codes.npy": ("codes.npy", "labels.npy"), "npy:labels.npy": ("labels.npy", "run.json"),
            "meta": ("run.json", None), "fsync:3": ("run.json", None), "rename": ("run.json", None)}
RANDOM_KILLS = 2
SEED = 20240607


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def _spawn(name: str, point: str | None, runs_dir: Path, data_dir: Path, epochs: int) -> subprocess.Popen[bytes]:
    args = ["train", "--epochs", str(epochs), "--max-train-images", "600", "--max-test-images", "200",
            "--data-dir", str(data_dir), "--out", name, "--no-progress", "--device", "cpu", "--seed", "1"]
    env = {**os.environ, "LATENT3D_RUNS_DIR": str(runs_dir), "PYTHONDONTWRITEBYTECODE": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if point is None:
        cmd = [sys.executable, str(REPO / "run.py"), *args]
    else:
        env |= {"KILL_POINT": point, "KILL_READY": str(runs_dir.parent / f"{name}.ready")}
        cmd = [sys.executable, "-c", BOOTSTRAP, str(REPO / "run.py"), *args]
    return subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            err = proc.stderr.read().decode()[-500:] if proc.stderr else ""
            pytest.fail(f"the victim exited ({proc.returncode}) before {path.name}: {err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {path.name}")
        time.sleep(0.02)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_at_seeded_moments_loses_nothing(data_dir: Path, tmp_path: Path) -> None:
    runs_dir = tmp_path / "runs"
    earlier = [make_fake_run(runs_dir / f"earlier-{i}", epochs=1, n=100, seed=i) for i in range(2)]
    digests = {p.name: _tree_digest(p) for p in earlier}
    rng = random.Random(SEED)
    victims: dict[str, str] = {}  # name -> where it was killed

    # Two at a time (the machine may have two cores): each waits at its point, then dies there.
    for first, second in zip(POINTS[0::2], POINTS[1::2]):
        batch = {f"victim-{p.replace(':', '-')}": p for p in (first, second)}
        procs = {name: _spawn(name, point, runs_dir, data_dir, epochs=2) for name, point in batch.items()}
        for name, proc in procs.items():
            _wait_for(runs_dir.parent / f"{name}.ready", proc)
            partial = [p for p in runs_dir.iterdir() if p.name.startswith(f".{name}.partial-")]
            assert len(partial) == 1, f"{name}: the partial folder is missing at its kill point"
            present, absent = AT_POINT[batch[name]]
            assert (partial[0] / present).is_file() and not (absent and (partial[0] / absent).exists()), name
            _kill(proc)
            victims[name] = batch[name]

    # Random moments: wherever training is after a seeded delay once the partial folder exists.
    # One at a time and long enough (100 small epochs) to be still training after the longest
    # delay: two started together let the second finish while the first was being killed.
    for name in (f"victim-random-{i}" for i in range(RANDOM_KILLS)):
        proc = _spawn(name, None, runs_dir, data_dir, epochs=100)
        deadline = time.monotonic() + 120
        while not any(p.name.startswith(f".{name}.partial-") for p in runs_dir.iterdir()):
            assert proc.poll() is None and time.monotonic() < deadline, f"{name} never started writing"
            time.sleep(0.02)
        delay = rng.uniform(0.05, 1.0)
        time.sleep(delay)
        _kill(proc)
        victims[name] = f"random, {delay:.2f} s into writing"

    listed = [r.name for r in runs.list_runs(runs_dir)]
    for name, where in victims.items():
        target = runs_dir / name
        if target.exists():  # only possible if it finished before the kill: then it must be whole
            assert "random" in where, f"{name} killed at {where} left a folder named like a run"
            runs.load_run(target)
        else:
            assert name not in listed, f"{name} killed at {where} is listed"
    assert sorted(listed) == sorted([p.name for p in earlier] + [n for n in victims if (runs_dir / n).exists()])
    assert all(n.startswith("earlier") or (runs_dir / n).is_dir() for n in listed)
    for p in earlier:
        assert runs.load_run(p).epochs == 1
        assert _tree_digest(p) == digests[p.name], f"{p.name} changed"
    leftovers = [p.name for p in runs_dir.iterdir() if p.name.startswith(".")]
    assert len(leftovers) >= len(POINTS)  # the dot-folders stay (safe to delete) but are never listed

    # A partial folder opened by hand is refused, or (killed only at the rename) is itself complete.
    for p in runs_dir.iterdir():
        if p.name.startswith("."):
            try:
                runs.load_run(p)
            except runs.RunError as exc:
                assert "\n" not in str(exc)
