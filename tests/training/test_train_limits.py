"""`train` refuses what can never be saved before it starts, and a full disk mid-run is one sentence.

Seeds beyond 2**32 - 1, epochs past what a run folder can store or the disk can hold, --out names
too long once the partial folder's suffix is added, --data-dir paths that cannot be used (in
`train` and `view`), a full disk while a weights file is written, and control characters in the
"Saved run" line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from latent3d.cli import commands
from latent3d.cli.parser import build_parser, main
from latent3d.config.train import MAX_SEED, ConfigError, TrainConfig
from latent3d.job import preflight
from latent3d.runs.writer import RunWriter
from latent3d.util.fileio import describe_os_error
from tests.support.hostile_fixtures import REPO, one_sentence, snapshot, tmpfs, without_root_bypass

TINY = ["--epochs", "1", "--max-train-images", "500", "--max-test-images", "100", "--device", "cpu", "--no-progress"]


@pytest.fixture
def never_trains(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if `train` gets as far as loading data and training."""
    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("training started although the request should have been refused first")

    monkeypatch.setattr(commands, "train_and_save", forbidden)


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("usage: ")
    return err.strip().splitlines()[-1]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return one_sentence(err, *fragments)


# -- seeds ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [str(2**32), str(2**64), "9" * 400])
def test_seed_past_2_to_the_32_is_refused_naming_seed(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    sentence = _usage_error(["train", "--seed", seed], capsys)
    assert sentence.startswith("latent3d train: error: Argument --seed: ")
    assert "must be at most 4294967295 (torch and numpy take seeds modulo 2**32)." in sentence
    assert len(sentence) < 200  # a 400-digit seed is not echoed whole


def test_seed_range_is_the_same_for_the_cli_and_run_json() -> None:
    assert build_parser().parse_args(["train", "--seed", str(MAX_SEED)]).seed == MAX_SEED == 2**32 - 1
    assert TrainConfig(seed=MAX_SEED).seed == MAX_SEED
    for bad in (MAX_SEED + 1, -1, 10**400, True, 1.0):
        with pytest.raises(ConfigError, match=r"^Seed must be an integer from 0 to 4294967295"):
            TrainConfig(seed=bad)  # type: ignore[arg-type]


# -- epochs and size --------------------------------------------------------------------------------

def test_epochs_past_the_run_folder_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert "must be at most 100000 (the most a run folder records)" in _usage_error(["train", "--epochs", "100001"],
                                                                                     capsys)
    assert "is not a whole number" in _usage_error(["train", "--epochs", "1e12"], capsys)


def test_epochs_past_what_codes_file_can_hold(never_trains: None, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _refused(["train", "--epochs", "9000", "--out", str(tmp_path / "r")], capsys,
             "--epochs 9,000 keeps 9,020 snapshots, more than a run of 10,000 test images can store",
             "holds 8,947 snapshots")
    assert os.listdir(tmp_path) == []


def test_run_larger_than_the_free_space_is_refused(never_trains: None, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "small", "1m") as disk:
        _refused(["train", "--epochs", "20", "--out", str(disk / "r")], capsys,
                 "The run would take about", "on disk but only 1.0 MB is free", "train fewer --epochs")
        assert os.listdir(disk) == []


def test_estimate_follows_the_storage_options() -> None:
    c = TrainConfig(epochs=10, max_test_images=100, max_train_images=500, snapshots="epochs")
    full = preflight.estimate_run_bytes(c)
    small = preflight.estimate_run_bytes(c, weights_dtype="float16", keep_encoder="final")
    assert 10 * 1.9e6 < full < 11 * 2.1e6  # ~1.95 MB of float32 weights per snapshot, both halves
    # the default schedule also keeps the log-spaced steps of epoch 1 (8 steps per epoch here: 18 snapshots)
    logged = preflight.estimate_run_bytes(TrainConfig(epochs=10, max_test_images=100, max_train_images=500))
    assert 18 * 1.9e6 < logged < 19 * 2.1e6
    assert small < full / 3.5
    with pytest.raises(preflight.PreflightError, match=r"only 1\.0 MB is free"):
        preflight.check_train(c, Path("/nonexistent/r"), free=1_000_000)


def test_full_disk_while_writing_weights_is_one_sentence(data_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The preflight is told nothing about free space, so the real ENOSPC comes from safetensors mid-run."""
    monkeypatch.setattr(preflight, "free_disk", lambda path: None)
    with tmpfs(tmp_path / "small", "1m") as disk:
        _refused(["train", *TINY, "--data-dir", str(data_dir), "--out", str(disk / "r")], capsys,
                 f"latent3d: error: Could not save the run to {disk / 'r'} (the disk is full); no run was saved.")
        assert os.listdir(disk) == []  # the partial folder is gone


def test_safetensors_error_text_is_read_as_an_os_error() -> None:
    from safetensors import SafetensorError

    assert describe_os_error(SafetensorError("Error while serializing: I/O error: No space left on device "
                                             "(os error 28)")) == "the disk is full"


# -- --out names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("length", [224, 240, 250, 300])
def test_out_name_too_long_with_the_partial_suffix(length: int, never_trains: None, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _refused(["train", "--out", str(tmp_path / ("n" * length))], capsys,
             f"--out name is {length} bytes long; a run name may have at most 223")


def test_partial_suffix_fits_the_reserve(tmp_path: Path) -> None:
    name = "n" * (255 - preflight.PARTIAL_RESERVE)
    preflight.check_out(tmp_path / name)  # the longest accepted name...
    w = RunWriter(tmp_path / name, TrainConfig(), steps_per_epoch=938)  # ...really gets its partial folder
    try:
        assert len(w.tmp.name) - len(name) <= preflight.PARTIAL_RESERVE and w.tmp.is_dir()
    finally:
        w.abort()


@pytest.mark.parametrize("make, fragment", [
    (lambda t: t.joinpath(*["d" * 200] * 21) / "r", "--out is a path of"),
    (lambda t: (t / "f").write_text("x") and t / "f" / "r", "is a file, not a folder"),
])
def test_out_path_refused(make, fragment: str, never_trains: None, tmp_path: Path,  # noqa: ANN001
                          capsys: pytest.CaptureFixture[str]) -> None:
    _refused(["train", "--out", str(make(tmp_path))], capsys, fragment)


def test_saved_line_escapes_control_characters(data_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", *TINY, "--data-dir", str(data_dir), "--out", str(tmp_path / "ok\x1b[2Jx\x07")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Saved run ok\\x1b[2Jx\\x07: 1 epochs" in out


# -- --data-dir paths, in train and view --------------------------------------------------------------

@pytest.mark.parametrize("command", ["train", "view"])
@pytest.mark.parametrize("make, fragment", [
    (lambda t: t / ("d" * 300), "--data-dir has a folder or file name of 300 bytes"),
    (lambda t: t.joinpath(*["d" * 200] * 21), "--data-dir is a path of"),
    (lambda t: (t / "f").write_text("x") and t / "f", "is a regular file, not a folder"),
    (lambda t: (t / "f").write_text("x") and t / "f" / "data", "a part of the path is a file, not a folder"),
])
def test_data_dir_path_refused(command: str, make, fragment: str, never_trains: None,  # noqa: ANN001
                               tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--out", str(tmp_path / "r")] if command == "train" else []
    _refused([command, "--data-dir", str(make(tmp_path)), *extra], capsys, fragment)


def test_data_dir_from_the_environment_too_long(never_trains: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Without --data-dir the environment's folder is used: its path errors are one sentence too."""
    from latent3d.training import session

    monkeypatch.setenv("LATENT3D_DATA_DIR", str(tmp_path / ("d" * 300)))
    monkeypatch.setattr(commands, "train_and_save", session.train_and_save)  # a download would say "Could not"
    _refused(["train", "--out", str(tmp_path / "r"), "--epochs", "1"], capsys, "Cannot use the data folder",
             "(the name is too long for the file system)")


@pytest.mark.parametrize("command", ["train", "view"])
def test_unreadable_data_folder_in_a_real_process(command: str, tmp_path: Path) -> None:
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    raw.chmod(0o000)
    before = snapshot(tmp_path / "data")
    extra = ["--out", str(tmp_path / "r")] if command == "train" else []
    try:
        r = subprocess.run([*without_root_bypass(), sys.executable, str(REPO / "run.py"), command,
                            "--data-dir", str(tmp_path / "data"), *extra],
                           capture_output=True, text=True, timeout=120, cwd=REPO)
    finally:
        raw.chmod(0o755)
    assert r.returncode == 2 and r.stdout == ""
    one_sentence(r.stderr, f"--data-dir: cannot read {raw} (permission denied)")
    assert snapshot(tmp_path / "data") == before and not (tmp_path / "r").exists()
