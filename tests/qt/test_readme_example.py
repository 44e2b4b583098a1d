"""docs/python-api.md's example runs as written: trains, exports, opens the window (closed by a timer)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLOSE_THE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
def close_windows():
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and type(w).__name__ == "MainWindow"]
    for w in shown:
        print("window closed", w.windowTitle())
        w.close()
    QTimer.singleShot(300, close_windows)
QTimer.singleShot(300, close_windows)
"""


def api_example() -> str:
    text = (REPO / "docs" / "python-api.md").read_text(encoding="utf-8")
    section = text.split("## Example", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_example_is_at_most_ten_lines() -> None:
    assert len(api_example().splitlines()) <= 10


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (pytest-xvfb gives one)")
def test_api_example_runs_as_written(data_dir: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    env = {**os.environ, "PYTHONPATH": str(REPO), "LATENT3D_DATA_DIR": str(data_dir),
           "LATENT3D_RUNS_DIR": str(tmp_path / "runs"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    r = subprocess.run([sys.executable, "-c", CLOSE_THE_WINDOW + api_example()], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.startswith("Fashion-MNIST [0 1 2 3 4] ('T-shirt/top', 'Trouser', 'Pullover')")
    assert "window closed" in r.stdout and "Ankle boot" in r.stdout
    df = pd.read_parquet(tmp_path / "quick-look.parquet")
    assert list(df.columns[-4:]) == ["x", "y", "z", "bce"] and len(df) % 10_000 == 0
    assert (tmp_path / "runs" / "quick-look" / "run.json").is_file()
