"""Window settings files that cannot be read as regular files are ignored with a warning, never waited on.

``QSettings("latent3d", "latent3d")`` reads its files when constructed: a FIFO there used to
hang the viewer forever before any window appeared. Kinds: a FIFO, a folder, a dangling link,
a link to a character device, a file over 1 MB, an unreadable file; at the application's file
and at the organisation-wide fallback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from latent3d.qt import settings_file

REPO = Path(__file__).resolve().parents[2]
KINDS: dict[str, tuple[Callable[[Path], object], str]] = {
    "fifo": (lambda p: os.mkfifo(p), "is a FIFO, not a regular file"),
    "folder": (lambda p: p.mkdir(), "is a folder, not a regular file"),
    "dangling-link": (lambda p: p.symlink_to(p.parent / "nowhere"), "is a link to nothing"),
    "link-to-dev-zero": (lambda p: p.symlink_to("/dev/zero"), "is a character device, not a regular file"),
    "over-1-MB": (lambda p: open(p, "wb").truncate(2 << 20), "is larger than 1 MB"),  # sparse
}


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty XDG config folder for this test; the system folders point at an empty one too."""
    home = tmp_path / "config"
    (home / "latent3d").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "system"))
    return home


def test_candidates_are_the_files_qsettings_reads(config_home: Path) -> None:
    found = settings_file.settings_candidates("latent3d", "latent3d")
    assert found[:2] == [config_home / "latent3d" / "latent3d.conf", config_home / "latent3d.conf"]


@pytest.mark.parametrize("where", ["latent3d/latent3d.conf", "latent3d.conf"])
@pytest.mark.parametrize("kind", KINDS)
def test_unusable_settings_file_is_named(kind: str, where: str, config_home: Path) -> None:
    path = config_home / where
    make, words = KINDS[kind]
    make(path)
    assert settings_file.settings_problem(settings_file.settings_candidates("latent3d", "latent3d")) == \
        f"{path} {words}"


def test_usable_or_missing_settings_are_used(config_home: Path) -> None:
    assert settings_file.settings_problem(settings_file.settings_candidates("latent3d", "latent3d")) is None
    (config_home / "latent3d" / "latent3d.conf").write_text("[General]\nlast_run=/x\n")
    s = settings_file.open_settings()
    assert Path(s.fileName()) == config_home / "latent3d" / "latent3d.conf" and s.value("last_run") == "/x"


def test_unreadable_settings_file_is_named(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = config_home / "latent3d" / "latent3d.conf"
    path.write_text("[General]\n")

    def denied(p: Path) -> object:  # root reads anything: the denial is simulated
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(settings_file, "open_regular", denied)
    assert settings_file.settings_problem([path]) == f"{path} cannot be read (permission denied)"


def test_ignored_settings_give_a_working_throwaway_store(config_home: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_file, "_THROWAWAY", {})
    (config_home / "latent3d" / "latent3d.conf").mkdir()
    s = settings_file.open_settings()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("latent3d: warning: ignoring the window settings because ")
    assert "is a folder, not a regular file; the window will not remember its layout this time." in err
    assert not Path(s.fileName()).is_relative_to(config_home)
    s.setValue("geometry", "x")
    s.sync()
    assert s.value("geometry") == "x" and (config_home / "latent3d" / "latent3d.conf").is_dir()
    again = settings_file.open_settings()  # the file dialogs and the Train dialog ask too: same store, no new line
    assert again.fileName() == s.fileName() and again.value("geometry") == "x" and capsys.readouterr().err == ""


def test_fifo_settings_do_not_hang_the_viewer_in_a_real_process(tmp_path: Path) -> None:
    """The default settings of the window, in a child with a FIFO as its settings file: a warning, no hang."""
    home = tmp_path / "config"
    (home / "latent3d").mkdir(parents=True)
    fifo = home / "latent3d" / "latent3d.conf"
    os.mkfifo(fifo)
    child = ("from PySide6.QtWidgets import QApplication; app = QApplication([]);"
             "from latent3d.qt.main_window import default_settings; s = default_settings();"
             "s.setValue('k', 1); s.sync(); print(s.value('k'))")
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "XDG_CONFIG_DIRS": str(tmp_path / "system"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env, timeout=60, cwd=REPO)
    assert r.returncode == 0 and r.stdout == "1\n", r.stderr
    assert f"ignoring the window settings because {fifo} is a FIFO, not a regular file" in r.stderr
    assert fifo.is_fifo()  # left as it was
