"""Helpers of the hostile-input corpus: one-sentence checks, folder snapshots, a tmpfs, no root bypass."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def one_sentence(err: str, *fragments: str) -> str:
    """Assert ``err`` is exactly one ``latent3d: ...`` line ending in a full stop, holding ``fragments``."""
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and err.endswith(".\n"), repr(err)
    assert err.startswith("latent3d: "), repr(err)
    for f in fragments:
        assert f in err, f"{f!r} not in {err!r}"
    return err.strip()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (hidden ones included) with a digest of its bytes: to prove nothing changed."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink() or not p.exists():
            out[rel] = "link"
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = "special"
    return out


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` for the block (skips the test where mounting is not allowed)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount_read_only(where: Path) -> None:
    """Make a tmpfs mounted by :func:`tmpfs` read-only (even root cannot write to it then)."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)


def fill(folder: Path) -> None:
    """Write a filler file in ``folder`` until its file system is full."""
    with open(folder / "filler", "wb", buffering=0) as f:
        chunk = bytes(4096)
        try:
            while f.write(chunk):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc


def without_root_bypass() -> list[str]:
    """A command prefix under which file permissions apply to this process, or skip.

    As root, permissions are bypassed (CAP_DAC_OVERRIDE); ``setpriv`` drops that capability from
    the bounding set, so a ``chmod 000`` file really cannot be read by the child.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is needed to test permissions as root")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
