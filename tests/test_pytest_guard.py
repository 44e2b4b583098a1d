"""On a machine without Xvfb or Qt's xcb libraries, pytest stops before any Qt test with one sentence."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import APT_LINE, HIDE_LIBS_ENV, REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt uses xcb on Linux only")

QT_TEST = "tests/qt/inspect/test_panels.py"


def _pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _no_qt_test_ran(out: str) -> bool:
    return not re.search(r"PASSED|FAILED|ERROR|SKIPPED|Fatal Python error", out)


def test_without_xvfb_or_display(tmp_path: Path) -> None:
    bare = tmp_path / "bin"  # a PATH with no Xvfb on it (the interpreter is called by its full path)
    bare.mkdir()
    out = _pytest([QT_TEST], _env(PATH=str(bare), DISPLAY=None, QT_QPA_PLATFORM=None))
    text = out.stdout + out.stderr
    assert out.returncode == pytest.ExitCode.USAGE_ERROR, text
    assert "The Qt tests cannot start because Xvfb is missing" in text and APT_LINE in text
    assert _no_qt_test_ran(text), text


def test_with_a_qt_library_missing() -> None:
    out = _pytest([QT_TEST], _env(**{HIDE_LIBS_ENV: "libxcb-cursor.so.0,libxkbcommon-x11.so.0"}))
    text = out.stdout + out.stderr
    assert out.returncode == pytest.ExitCode.USAGE_ERROR, text
    assert "because libxcb-cursor.so.0, libxkbcommon-x11.so.0 are missing" in text and APT_LINE in text
    assert _no_qt_test_ran(text), text


def test_other_tests_still_run_without_xvfb(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    out = _pytest(["tests/analysis/test_eta.py"], _env(PATH=str(tmp_path / "bin"), DISPLAY=None))
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_sentence_names_the_readme_packages() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"sudo apt-get install ((?:[^\n\\]|\\\n)*)", readme)
    assert command is not None
    assert APT_LINE.split() == ["sudo", "apt-get", "install", *command.group(1).replace("\\", " ").split()]
