"""On a machine without Xvfb or Qt's xcb libraries, pytest stops before any Qt test with one sentence."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import APT_LINE, HIDE_LIBS_ENV, REPO
from tests.support.side_by_side import side_by_side

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


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The three pytest runs below, two at a time (each is a separate process with its own environment)."""
    bare = tmp_path_factory.mktemp("guard") / "bin"  # a PATH with no Xvfb (the interpreter is called by its full path)
    bare.mkdir()
    return side_by_side({
        "no-xvfb": lambda: _pytest([QT_TEST], _env(PATH=str(bare), DISPLAY=None, QT_QPA_PLATFORM=None)),
        "lib-missing": lambda: _pytest([QT_TEST], _env(**{HIDE_LIBS_ENV: "libxcb-cursor.so.0,libxkbcommon-x11.so.0"})),
        "other-tests": lambda: _pytest(["tests/analysis/test_eta.py"], _env(PATH=str(bare), DISPLAY=None)),
    })


def test_without_xvfb_or_display(guarded: dict[str, subprocess.CompletedProcess[str]]) -> None:
    out = guarded["no-xvfb"]
    text = out.stdout + out.stderr
    assert out.returncode == pytest.ExitCode.USAGE_ERROR, text
    assert "The Qt tests cannot start because Xvfb is missing" in text and APT_LINE in text
    assert _no_qt_test_ran(text), text


def test_with_a_qt_library_missing(guarded: dict[str, subprocess.CompletedProcess[str]]) -> None:
    out = guarded["lib-missing"]
    text = out.stdout + out.stderr
    assert out.returncode == pytest.ExitCode.USAGE_ERROR, text
    assert "because libxcb-cursor.so.0, libxkbcommon-x11.so.0 are missing" in text and APT_LINE in text
    assert _no_qt_test_ran(text), text


def test_other_tests_still_run_without_xvfb(guarded: dict[str, subprocess.CompletedProcess[str]]) -> None:
    out = guarded["other-tests"]
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_sentence_names_the_readme_packages() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"sudo apt-get install ((?:[^\n\\]|\\\n)*)", readme)
    assert command is not None
    assert APT_LINE.split() == ["sudo", "apt-get", "install", *command.group(1).replace("\\", " ").split()]
