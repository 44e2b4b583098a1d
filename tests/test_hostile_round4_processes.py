"""Round four (issue 29) in real processes: a dead X display, a full or closed stdout, Ctrl+C and SIGTERM early."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from latent3d.util.display import display_problem
from tests.conftest import make_fake_run
from tests.support.hostile_fixtures import REPO, one_sentence

SEED = 20261207
LINES = {signal.SIGINT: "latent3d: interrupted.\n", signal.SIGTERM: "latent3d: interrupted (SIGTERM).\n"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two runs sharing 120 test images (so they can be compared) and a small PNG."""
    root = tmp_path_factory.mktemp("r4p")
    make_fake_run(root / "run", epochs=2, n=120)
    make_fake_run(root / "run2", epochs=2, n=120)  # the same labels: comparable
    shape = np.zeros((40, 40), np.uint8)
    shape[10:30, 12:28] = 255
    Image.fromarray(shape).save(root / "img.png")
    return root


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    return env | {"PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"} | extra


# -- 4. A DISPLAY with no X server behind it ---------------------------------------------------------


def _dead_display() -> str:
    """A display number nothing serves: no socket, no lock file, no TCP listener."""
    for n in range(700, 900):
        if not any(Path(p).exists() for p in (f"/tmp/.X11-unix/X{n}", f"/tmp/.X{n}-lock")):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", 6000 + n)) != 0:
                    return f":{n}"
    pytest.skip("no free display number")


_SHOW_CHILD = """
import sys
import latent3d
try:
    latent3d.show(sys.argv[1])
except RuntimeError as exc:
    print("RuntimeError:", exc)
print("the interpreter is alive")
"""


def test_a_stale_display_is_one_sentence_for_view_and_a_runtime_error_for_show(folder: Path) -> None:
    display = _dead_display()
    for value in (display, "localhost:" + display[1:] + ".0"):  # a local socket, and an ssh-forwarded TCP one
        done = subprocess.run([sys.executable, str(REPO / "run.py"), "view", str(folder / "run")],
                              env=_env(DISPLAY=value), capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (done.returncode, done.stderr[-600:])
        one_sentence(done.stderr, "no display to open the viewer on", f"no X server answers at DISPLAY {value!r}")
    shown = subprocess.run([sys.executable, "-c", _SHOW_CHILD, str(folder / "run")], env=_env(DISPLAY=display),
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, (shown.returncode, shown.stderr[-600:])  # Qt's abort() killed it: -6
    assert shown.stdout.startswith("RuntimeError: No display to open the latent3d window on (no X server answers")
    assert shown.stdout.endswith("the interpreter is alive\n") and shown.stderr == ""


def test_an_x_server_that_never_answers_is_given_up_on_in_time() -> None:
    with socket.socket() as server:  # accepts the connection (the kernel does) but never sends the setup reply
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        if port <= 6000:
            pytest.skip("the free port is below X's range")
        problem = display_problem({"DISPLAY": f"127.0.0.1:{port - 6000}"}, timeout=1.0)
    assert problem == f"the X server at DISPLAY '127.0.0.1:{port - 6000}' did not answer within 1 s"


def test_a_working_display_and_other_platforms_pass_the_probe() -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display in this session")
    assert display_problem(dict(os.environ) | {"QT_QPA_PLATFORM": "xcb"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({}) == "DISPLAY is not set"


# -- 5. Standard output full or closed ------------------------------------------------------------------

STDOUT_CASES = {
    "encode": ["encode", "RUN", "IMG"], "encode --json": ["encode", "RUN", "IMG", "--json"],
    "info --compare": ["info", "RUN", "--compare", "RUN2"], "info --compare --json": ["info", "RUN", "--compare",
                                                                                      "RUN2", "--json"],
}


@pytest.mark.parametrize("case", list(STDOUT_CASES))
@pytest.mark.parametrize("stdout", ["/dev/full", "closed"])
def test_unwritable_stdout_is_one_sentence_and_exit_2(case: str, stdout: str, folder: Path) -> None:
    argv = [a.replace("RUN2", str(folder / "run2")).replace("RUN", str(folder / "run")).replace(
        "IMG", str(folder / "img.png")) for a in STDOUT_CASES[case]]
    command = [sys.executable, str(REPO / "run.py"), *argv]
    if stdout == "/dev/full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full here")
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, env=_env(), timeout=120)
        fragment = "the disk is full"
    else:  # the shell's >&-: descriptor 1 closed, so Python's sys.stdout is None
        done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *command], stderr=subprocess.PIPE, text=True,
                              env=_env(), timeout=120)
        fragment = "standard output is closed"
    assert done.returncode == 2, (done.returncode, done.stderr[-600:])
    one_sentence(done.stderr, "Could not write the output", fragment)


# -- 6. Ctrl+C and SIGTERM in the first instants --------------------------------------------------------

_SPY_CHILD = """
import runpy, signal, sys
real = signal.signal
def spy(signum, handler):
    if signum == signal.SIGTERM and not getattr(spy, "seen", False):
        spy.seen = True
        sys.stderr.write(f"first SIGTERM handler: numpy imported {'numpy' in sys.modules}\\n")
    return real(signum, handler)
signal.signal = spy
sys.path.insert(0, sys.argv[1])
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _caught(pid: int, signum: int) -> bool:
    """Whether ``pid`` has a handler for ``signum`` (Linux /proc: the SigCgt mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(mask >> (signum - 1) & 1)


def _commands(folder: Path, data_dir: Path) -> dict[str, list[str]]:
    return {"info": ["info", str(folder / "run")],
            "render": ["render", str(folder / "run"), "--out", str(folder / "o.png"), "--size", "64x64"],
            "encode": ["encode", str(folder / "run"), str(folder / "img.png")],
            "export": ["export", str(folder / "run"), "--out", str(folder / "o.csv")],
            "train": ["train", "--epochs", "1", "--max-train-images", "300", "--max-test-images", "100",
                      "--data-dir", str(data_dir), "--out", str(folder / "trained"), "--no-progress"]}


def test_the_signal_handler_is_installed_before_the_heavy_imports(folder: Path, data_dir: Path) -> None:
    for name, argv in _commands(folder, data_dir).items():
        done = subprocess.run([sys.executable, "-c", _SPY_CHILD, str(REPO), str(REPO / "run.py"), "--version"
                               if name == "train" else argv[0], *([] if name == "train" else argv[1:])],
                              env=_env(), capture_output=True, text=True, timeout=300)
        assert "first SIGTERM handler: numpy imported False" in done.stderr, (name, done.stderr[-600:])


def test_ctrl_c_and_sigterm_early_are_one_line_and_130_or_143(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    """From the moment the handler is installed (seen in /proc), a signal at a seeded delay within the first
    0.6 s (the imports of numpy, torch, pyvista) gives one line and 130/143, or the command has finished."""
    rng = random.Random(SEED)
    results = []
    for name, argv in _commands(folder, data_dir).items():
        for _ in range(4):
            delay, sig = rng.choice((0.0, 0.05, 0.15, 0.3, 0.6)), rng.choice((signal.SIGINT, signal.SIGTERM))
            proc = subprocess.Popen([sys.executable, str(REPO / "run.py"), *argv], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=_env(LATENT3D_RUNS_DIR=str(tmp_path)))
            deadline = time.monotonic() + 60
            while not _caught(proc.pid, signal.SIGTERM) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(delay)
            proc.send_signal(sig)
            _out, err = proc.communicate(timeout=300)
            results.append((name, delay, sig.name, proc.returncode, err))
            for leftover in ("trained", "o.png", "o.csv"):
                path = folder / leftover
                if path.is_dir():
                    import shutil

                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
    bad = [r for r in results if not ((r[3] == 128 + getattr(signal, r[2]) and r[4] == LINES[getattr(signal, r[2])])
                                      or (r[3] == 0 and r[4] == ""))]
    assert not bad, bad
    assert sum(r[3] != 0 for r in results) >= len(results) // 2  # most signals did land during the start-up
