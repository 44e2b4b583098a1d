"""``latent3d.show`` in a child process: from a script it blocks until the window closes; where a Qt event loop
already runs (a running QApplication, IPython after ``%gui qt``) it returns the window at once. One QApplication."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.scene_fixtures import make_run
from tests.support.side_by_side import side_by_side

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (pytest-xvfb gives one)")

CLOSER = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
events = []
def close_windows():
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and type(w).__name__ == "MainWindow"]
    for w in shown:
        events.append("closed")
        w.close()
    if not shown:
        QTimer.singleShot(200, close_windows)
"""

SCRIPTS = {
    "script-blocks": CLOSER + """
import latent3d
app = QApplication([])
for _ in range(2):  # twice: the one QApplication is reused
    QTimer.singleShot(300, close_windows)
    window = latent3d.show(RUN)
    events.append("returned")
    assert QApplication.instance() is app and not window.isVisible()
print(" ".join(events))
""",
    "running-loop-returns": CLOSER + """
import latent3d
app = QApplication([])
def inside_the_loop():
    window = latent3d.show(RUN)
    events.append("returned-visible" if window.isVisible() else "returned-hidden")
    QTimer.singleShot(300, close_windows)
    QTimer.singleShot(600, app.quit)
QTimer.singleShot(0, inside_the_loop)
app.exec()
events.append("loop-ended")
print(" ".join(events))
""",
    "ipython-gui-qt-returns": CLOSER + """
import sys, types
shell = types.SimpleNamespace(active_eventloop="qt6")
sys.modules["IPython"] = types.SimpleNamespace(get_ipython=lambda: shell)  # what `%gui qt` leaves behind
import latent3d
window = latent3d.show(RUN)
events.append("returned-visible" if window.isVisible() else "returned-hidden")
window.close()
print(" ".join(events))
""",
    "view-file": CLOSER + """
import json, latent3d
app = QApplication([])
with open("v.json", "w") as f:
    camera = {"position": [1.5, -2.0, 3.25], "focal_point": [0.0, 0.0, 0.0], "view_up": [0.0, 0.0, 1.0],
              "view_angle": 30.0}
    json.dump({"format_version": 1, "run": RUN, "epoch": 1.5, "camera": camera, "selected": 3,
               "hidden_classes": [1], "color": "error"}, f)
window = latent3d.show(view="v.json", block=False)
events.append(f"selected={window.model.pick.selected} hidden={sorted(window.model.display.hidden_classes)}")
window.close()
print(" ".join(events))
""",
}
EXPECTED = {"view-file": "selected=3 hidden=[1]", "script-blocks": "closed returned closed returned",
            "running-loop-returns": "returned-visible closed loop-ended",
            "ipython-gui-qt-returns": "returned-visible"}


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("show") / "r", n=200, epochs=2)


def run_child(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "LATENT3D_RUNS_DIR": str(tmp_path / "runs")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def shown(run_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each script's child process, each in its own folder, run two at a time (one core each)."""
    def job(case: str) -> Callable[[], subprocess.CompletedProcess[str]]:
        folder = tmp_path_factory.mktemp(case)
        return lambda: run_child(f"RUN = {str(run_path)!r}\n" + textwrap.dedent(SCRIPTS[case]), folder)

    return side_by_side({case: job(case) for case in SCRIPTS})


@pytest.mark.parametrize("case", SCRIPTS)
def test_show(case: str, shown: dict[str, subprocess.CompletedProcess[str]]) -> None:
    r = shown[case]
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == EXPECTED[case]


def test_bad_run_and_both_arguments_are_one_sentence(run_path: Path, tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import latent3d
        cases = (((str({str(tmp_path / 'nothing')!r}),), {{}}), (({str(run_path)!r},), {{"view": "v.json"}}))
        for args, kwargs in cases:
            try:
                latent3d.show(*args, **kwargs)
            except ValueError as exc:
                print("ValueError:", exc)
            except Exception as exc:
                print(type(exc).__name__ + ":", exc)
        import sys
        print("qt loaded" if "PySide6" in sys.modules else "no qt")
        """)
    r = run_child(code, tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("RunError: No run at") and lines[0].endswith("the folder does not exist.")
    assert lines[1] == "ValueError: Give either a run or view=FILE (the view file names its run), not both."
    assert lines[2] == "no qt"
