"""Hostile and broken run folders: one RunError sentence each, `info`/`view` exit 2, and no payload ever runs.

The corpus is built at test time by ``tests/support/make_bad_runs.py``; the window side
(error dialog, current run kept) is in ``tests/qt/test_hostile_runs_qt.py``.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from latent3d import runs
from latent3d.cli.parser import main
from tests.support.make_bad_runs import _CASES, MARKER_NAME, BadRun, build_corpus, object_array_npy, pickle_payload

REPO = Path(__file__).resolve().parents[2]
CASE_NAMES = [name for name, *_ in _CASES]
# `run.py view` with the modal dialog replaced by a line on stderr, so a real process can be checked end to end.
VIEW_CHILD = r"""
import runpy, sys
from PySide6.QtWidgets import QMessageBox
def critical(parent, title, text, *args, **kwargs):
    print("DIALOG " + title + ": " + text, file=sys.stderr)
    return QMessageBox.StandardButton.Ok
QMessageBox.critical = critical
def exec_(box):  # latent3d.qt.widgets.dialogs' plain-text boxes
    return critical(box.parent(), box.windowTitle(), box.text())
QMessageBox.exec = exec_
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
# Real `run.py` processes cost ~0.3 s each on two cores: one per kind of hostility, every payload kind included.
PROCESS_CASES = [
    "pickle-as-codes.npy", "object-array-as-labels.npy", "pickle-as-step_0000001.safetensors", "pickle-as-run.json",
    "torch-checkpoint-as-step_0000004.safetensors", "npy-header-with-code", "npz-with-object-array-as-codes.npy",
    "safetensors-declares-40-GB", "npy-declares-4-TB", "json-nested-200000-deep", "json-config-hidden-infinity",
    "json-initial-loss-list", "weights-folder-links-outside", "codes.npy-is-a-fifo", "missing-run.json",
    "json-test-loss-int-10^309",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadRun]:
    """Every bad run, by name, built once for this module."""
    _good, cases = build_corpus(tmp_path_factory.mktemp("bad-runs"))
    return {c.name: c for c in cases}


@pytest.fixture(autouse=True)
def no_payload_ran(corpus: dict[str, BadRun]):  # noqa: ANN201
    """After every test: the file a payload would create does not exist."""
    marker = next(iter(corpus.values())).path.parent / MARKER_NAME
    yield
    assert not marker.exists(), "code from a hostile run folder ran"


def _one_sentence(text: str, case: BadRun) -> None:
    assert re.search(case.expect, text), f"{case.name}: {text!r} does not match /{case.expect}/"
    assert "\n" not in text.strip() and "Traceback" not in text
    assert text.strip().endswith(".") or text.strip().endswith(")")


def test_good_run_of_the_corpus_loads(corpus: dict[str, BadRun]) -> None:
    good = next(iter(corpus.values())).path.parent / "good"
    run = runs.load_run(good)
    assert run.epochs == 2 and run.encoder_layers(0) is None and run.encoder_layers() is not None


def test_payloads_are_live(tmp_path: Path) -> None:
    """The control: loaded the unsafe way, the corpus's payloads do run (so their absence above means something)."""
    marker = tmp_path / "ran"
    pickle.loads(pickle_payload(marker))
    assert marker.exists()
    marker.unlink()
    (tmp_path / "a.npy").write_bytes(object_array_npy(marker))
    np.load(tmp_path / "a.npy", allow_pickle=True)
    assert marker.exists()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_load_run_refuses_with_one_sentence(name: str, corpus: dict[str, BadRun]) -> None:
    case = corpus[name]
    with pytest.raises(runs.RunError) as exc:
        runs.load_run(case.path)
    _one_sentence(str(exc.value), case)
    assert str(case.path) in str(exc.value)  # the sentence names the run or the file


@pytest.mark.parametrize("name", CASE_NAMES)
def test_info_exits_2_with_one_line(name: str, corpus: dict[str, BadRun], capsys: pytest.CaptureFixture[str]) -> None:
    case = corpus[name]
    assert main(["info", str(case.path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("latent3d: error: ") and err.count("\n") == 1
    _one_sentence(err, case)


def test_listing_survives_the_corpus(corpus: dict[str, BadRun]) -> None:
    """Listing reads only run.json: it never raises, and skips every folder whose run.json is refused."""
    root = next(iter(corpus.values())).path.parent
    listed = {r.name for r in runs.list_runs(root)}
    assert "good" in listed
    for name in ("missing-run.json", "json-status-writing", "json-nested-200000-deep", "run.json-links-to-etc-passwd",
                 "pickle-as-run.json", "json-epochs-as-list", "json-initial-loss-list"):
        assert name not in listed


def _process(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=60,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


@pytest.fixture(scope="module")
def processes(corpus: dict[str, BadRun]) -> dict[tuple[str, str], subprocess.CompletedProcess[str]]:
    """`run.py info BAD` and `run.py view BAD` as real processes, two at a time."""
    jobs = {(cmd, name): ([sys.executable, str(REPO / "run.py"), "info", str(corpus[name].path)] if cmd == "info"
                          else [sys.executable, "-c", VIEW_CHILD, str(REPO / "run.py"), "view", str(corpus[name].path)])
            for name in PROCESS_CASES for cmd in ("info", "view")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(_process, jobs.values())))


@pytest.mark.parametrize("name", PROCESS_CASES)
def test_run_py_info_process(name: str, corpus: dict[str, BadRun], processes) -> None:  # noqa: ANN001
    r = processes["info", name]
    assert r.returncode == 2, r.stderr
    assert r.stdout == "" and r.stderr.count("\n") == 1
    _one_sentence(r.stderr, corpus[name])


@pytest.mark.parametrize("name", PROCESS_CASES)
def test_run_py_view_process(name: str, corpus: dict[str, BadRun], processes) -> None:  # noqa: ANN001
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display for the viewer")
    r = processes["view", name]
    assert r.returncode == 2, r.stderr
    dialogs = [line for line in r.stderr.splitlines() if line.startswith("DIALOG ")]
    assert len(dialogs) == 1 and "Traceback" not in r.stderr, r.stderr
    _one_sentence(dialogs[0].split(": ", 1)[1], corpus[name])


def test_process_cases_exist() -> None:
    assert set(PROCESS_CASES) <= set(CASE_NAMES)


def test_unreadable_files_give_one_sentence(corpus: dict[str, BadRun], monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O error (disk, permissions, a file vanishing mid-load) is named, not raised raw."""
    good = next(iter(corpus.values())).path.parent / "good"

    def eio(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error", str(good / "codes.npy"))

    monkeypatch.setattr(np, "fromfile", eio)
    with pytest.raises(runs.RunError, match=r"codes\.npy cannot be read \(Input/output error\)\.$"):
        runs.load_run(good)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(runs.RunError, match=r"run\.json cannot be read \(Permission denied\)\.$"):
        runs.read_meta(good)
    assert runs.list_runs(good.parent) == []


def test_newest_run_skips_a_run_with_a_huge_integer_loss(corpus: dict[str, BadRun], tmp_path: Path) -> None:
    """An integer >= 10^309 as a loss (json keeps it an int; float() overflows) once crashed the viewer's start-up."""
    import shutil

    shutil.copytree(corpus["json-test-loss-int-10^309"].path.parent / "good", tmp_path / "good")
    shutil.copytree(corpus["json-test-loss-int-10^309"].path, tmp_path / "newer-but-bad")
    meta = (tmp_path / "newer-but-bad" / "run.json").read_text()
    (tmp_path / "newer-but-bad" / "run.json").write_text(meta.replace('"created": "', '"created": "9'))
    assert [r.name for r in runs.list_runs(tmp_path)] == ["good"]
    assert runs.newest_run(tmp_path) == tmp_path / "good"


def test_unreadable_weights_file_in_a_real_process(corpus: dict[str, BadRun], tmp_path: Path) -> None:
    """safetensors called a file it may not read "No such file"; the loader reads it itself and says why."""
    import shutil

    from tests.support.hostile_fixtures import without_root_bypass

    run = tmp_path / "run"
    shutil.copytree(next(iter(corpus.values())).path.parent / "good", run)
    weights = sorted((run / "weights").iterdir())[1]  # a snapshot after step 0
    weights.chmod(0o000)
    r = subprocess.run([*without_root_bypass(), sys.executable, str(REPO / "run.py"), "info", str(run)],
                       capture_output=True, text=True, cwd=REPO, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"latent3d: error: {weights} cannot be read (Permission denied).\n"
