"""Output targets, generated: every writer x every bad place -> one sentence, exit 2, no partial file, old file intact.

Writers: ``render --out`` (PNG), ``render --movie`` (GIF, MP4), the window's screenshot writer and
:func:`latent3d.util.fileio.atomic_path` itself. Places: a missing folder, a file where the folder should
be, a folder or FIFO where the file should be, a 300-byte name, a 5,000-byte path, a full file
system (a real 256 kB tmpfs, and a simulated ENOSPC where mounting is not allowed), a read-only
file system, no permission (a real one in a child without root's bypass, and a simulated EACCES),
and an encoder that dies mid-movie. An earlier file at the target must survive byte for byte.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("pyvista")
imageio = pytest.importorskip("imageio.v2")

from latent3d.cli.parser import main  # noqa: E402
from latent3d.util import fileio  # noqa: E402
from tests.support.hostile_fixtures import (  # noqa: E402
    REPO,
    fill,
    one_sentence,
    remount_read_only,
    snapshot,
    tmpfs,
    without_root_bypass,  # noqa: E402
)
from tests.support.scene_fixtures import make_run  # noqa: E402

OLD = b"an earlier file that must survive\n"
SUFFIXES = {"png": ".png", "gif": ".gif", "mp4": ".mp4"}


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("targets") / "r", n=120, epochs=1)


def _render(run: Path, kind: str, target: Path, *extra: str) -> list[str]:
    option = "--out" if kind == "png" else "--movie"
    frames = [] if kind == "png" else ["--frames-per-snapshot", "2"]  # an image refuses movie options (issue 19)
    return ["render", str(run), option, str(target), "--size", "64x48", *frames, *extra]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return one_sentence(err, *fragments)


# -- places that are refused before anything is rendered ------------------------------------------

def _missing_folder(tmp: Path, suffix: str) -> tuple[Path, str]:
    return tmp / "nope" / f"x{suffix}", "does not exist"


def _file_as_folder(tmp: Path, suffix: str) -> tuple[Path, str]:
    (tmp / "afile").write_bytes(OLD)
    return tmp / "afile" / f"x{suffix}", "is a regular file, not a folder"


def _folder_at_target(tmp: Path, suffix: str) -> tuple[Path, str]:
    (tmp / f"x{suffix}").mkdir()
    return tmp / f"x{suffix}", "is a folder; give a file name"


def _fifo_at_target(tmp: Path, suffix: str) -> tuple[Path, str]:
    os.mkfifo(tmp / f"x{suffix}")
    return tmp / f"x{suffix}", "is a FIFO; give a file name"


def _name_300(tmp: Path, suffix: str) -> tuple[Path, str]:
    return tmp / ("n" * (300 - len(suffix)) + suffix), "is 300 bytes long; this file system takes at most 255"


def _path_5000(tmp: Path, suffix: str) -> tuple[Path, str]:
    return tmp.joinpath(*["d" * 200] * 25) / f"x{suffix}", "bytes long; the file system takes at most"


PLACES = {"missing-folder": _missing_folder, "file-as-folder": _file_as_folder, "folder-at-target": _folder_at_target,
          "fifo-at-target": _fifo_at_target, "name-300": _name_300, "path-5000": _path_5000}


@pytest.mark.parametrize("kind", SUFFIXES)
@pytest.mark.parametrize("place", PLACES)
def test_bad_place_is_one_sentence_before_rendering(run_path: Path, tmp_path: Path, kind: str, place: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target, fragment = PLACES[place](tmp_path, SUFFIXES[kind])
    before = snapshot(tmp_path)
    _refused(_render(run_path, kind, target), capsys, fragment)
    assert snapshot(tmp_path) == before  # nothing written, nothing removed


# -- places that fail while writing: the old file survives, no temporary file is left ---------------

@pytest.mark.parametrize("kind", SUFFIXES)
def test_full_disk_keeps_the_old_file(run_path: Path, tmp_path: Path, kind: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "small") as disk:
        target = disk / f"x{SUFFIXES[kind]}"
        target.write_bytes(OLD)
        fill(disk)
        before = snapshot(disk)
        _refused(_render(run_path, kind, target), capsys, f"Could not write {target} (the disk is full)",
                 "an earlier file of that name is unchanged")
        assert snapshot(disk) == before


@pytest.mark.parametrize("kind", SUFFIXES)
def test_read_only_file_system_keeps_the_old_file(run_path: Path, tmp_path: Path, kind: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "ro") as disk:
        target = disk / f"x{SUFFIXES[kind]}"
        target.write_bytes(OLD)
        remount_read_only(disk)
        _refused(_render(run_path, kind, target), capsys, "(the file system is read-only)")
        assert os.listdir(disk) == [target.name] and target.read_bytes() == OLD


@pytest.mark.parametrize("kind", SUFFIXES)
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
def test_simulated_write_failure_keeps_the_old_file(run_path: Path, tmp_path: Path, kind: str, code: int,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Where no tmpfs can be mounted: the OS error arrives as the finished file is committed."""
    target = tmp_path / f"x{SUFFIXES[kind]}"
    target.write_bytes(OLD)

    def failing_fsync(path: Path) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(fileio, "fsync_path", failing_fsync)
    reason = fileio.describe_os_error(OSError(code, ""))
    _refused(_render(run_path, kind, target), capsys, f"Could not write {target} ({reason})")
    assert os.listdir(tmp_path) == [target.name] and target.read_bytes() == OLD


def test_permission_denied_in_a_real_process(run_path: Path, tmp_path: Path) -> None:
    """A folder the user may not write to (root's bypass dropped): refused before rendering, old file intact."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "x.png").write_bytes(OLD)
    folder.chmod(0o555)
    r = subprocess.run([*without_root_bypass(), sys.executable, str(REPO / "run.py"), "render", str(run_path),
                        "--out", str(folder / "x.png"), "--size", "64x48"],
                       capture_output=True, text=True, timeout=120, cwd=REPO)
    folder.chmod(0o755)
    assert r.returncode == 2 and r.stdout == ""
    one_sentence(r.stderr, "(permission denied); choose a folder you can write to")
    assert os.listdir(folder) == ["x.png"] and (folder / "x.png").read_bytes() == OLD


def test_encoder_dying_mid_movie_keeps_the_old_file(run_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """ffmpeg quitting (what an absurd frame rate did) is a broken pipe: one sentence, no partial movie."""
    import imageio.v2 as iio

    real = iio.get_writer

    def dying_writer(*args: object, **kwargs: object) -> object:
        writer = real(*args, **kwargs)  # type: ignore[arg-type]
        calls = [0]
        append = writer.append_data

        def append_data(frame: np.ndarray) -> None:
            calls[0] += 1
            if calls[0] == 2:
                raise OSError(errno.EPIPE, "Broken pipe")
            append(frame)

        writer.append_data = append_data  # type: ignore[method-assign]
        return writer

    monkeypatch.setattr(iio, "get_writer", dying_writer)
    target = tmp_path / "m.mp4"
    target.write_bytes(OLD)
    _refused(_render(run_path, "mp4", target), capsys, "(the encoder stopped early: broken pipe)")
    assert os.listdir(tmp_path) == ["m.mp4"] and target.read_bytes() == OLD


def test_a_good_render_replaces_the_old_file_keeping_its_mode(run_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "x.png"
    target.write_bytes(OLD)
    target.chmod(0o640)
    assert main(_render(run_path, "png", target)) == 0
    assert imageio.imread(target).shape[:2] == (48, 64)
    assert os.listdir(tmp_path) == ["x.png"] and (target.stat().st_mode & 0o777) == 0o640


# -- the window's screenshot writer and the atomic writer itself -------------------------------------

def test_screenshot_onto_a_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    import pyvista as pv

    from latent3d.qt.canvas.export import save_screenshot

    plotter = pv.Plotter(off_screen=True, window_size=[64, 48])
    try:
        view = SimpleNamespace(window_size=(64, 48), ren_win=plotter.ren_win)
        with tmpfs(tmp_path / "small") as disk:
            target = disk / "s.png"
            target.write_bytes(OLD)
            fill(disk)
            with pytest.raises(fileio.OutputError, match=r"\(the disk is full\); free some space"):
                save_screenshot(view, target, 2)  # type: ignore[arg-type]
            assert sorted(os.listdir(disk)) == ["filler", "s.png"] and target.read_bytes() == OLD
            (disk / "filler").unlink()
            assert save_screenshot(view, target, 2) == (128, 96)  # type: ignore[arg-type]
            assert sorted(os.listdir(disk)) == ["s.png"]
    finally:
        plotter.close()


def test_atomic_path_cleans_up_on_interrupt(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt):
        with fileio.atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["x.bin"] and target.read_bytes() == OLD


def test_temporary_sibling_fits_a_name_of_255_bytes(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 251 + ".png")
    with fileio.atomic_path(target) as tmp:
        assert tmp.suffix == ".png" and tmp.name.startswith(".") and len(tmp.name) <= 255
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and os.listdir(tmp_path) == [target.name]


def test_interrupt_while_ffmpeg_starts_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal that lands inside subprocess.Popen, after ffmpeg is exec'd, orphans it: it must not write the file.

    (Seen with SIGTERM at a random moment: the orphan created the temporary file after it was deleted.)
    """
    import subprocess as sp
    import time

    from latent3d.scene.offscreen.render import write_movie

    real = sp.Popen._execute_child

    def exec_then_interrupt(self: sp.Popen[bytes], args: list[str], *rest: object, **kwargs: object) -> None:
        real(self, args, *rest, **kwargs)  # type: ignore[arg-type]
        if any(".tmp-" in str(a) for a in args):  # the encoder, not imageio's probe of ffmpeg itself
            raise KeyboardInterrupt

    monkeypatch.setattr(sp.Popen, "_execute_child", exec_then_interrupt)
    target = tmp_path / "m.mp4"
    target.write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt):
        write_movie((np.full((48, 64, 3), i * 40, np.uint8) for i in range(3)), target, 10)
    monkeypatch.undo()
    time.sleep(1.0)  # an orphaned encoder creates its output within milliseconds of starting
    assert os.listdir(tmp_path) == ["m.mp4"] and target.read_bytes() == OLD
