"""run.json records the command and the data folder portably: no temporary or build folder of the training machine."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from latent3d.cli.parser import build_parser, main
from latent3d.runs import load_run
from latent3d.runs.provenance import portable_command, portable_dir

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "checkpoints" / "fashion-mnist-default"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def test_portable_dir(home: Path, tmp_path: Path) -> None:
    assert portable_dir(home / "data" / "fm") == "~/data/fm"
    assert portable_dir(home) == "~"
    assert portable_dir(tmp_path / "build" / "data") is None  # outside the home: means nothing elsewhere


@pytest.mark.parametrize("argv", [
    ["train", "--out", "/tmp/build-1/fashion-mnist-default", "--epochs", "2"],
    ["train", "--out=/tmp/build-1/fashion-mnist-default", "--epochs", "2"],
    ["train", "--ou", "../x/fashion-mnist-default", "--epochs", "2"],  # argparse's abbreviation
])
def test_out_is_the_run_name(argv: list[str], home: Path) -> None:
    assert portable_command(argv, "fashion-mnist-default") == "latent3d train --out fashion-mnist-default --epochs 2"


def test_data_dir_inside_the_home_is_kept_outside_left_out(home: Path, tmp_path: Path) -> None:
    inside = portable_command(["train", "--data-dir", str(home / "d"), "--seed", "3"], "r")
    assert inside == "latent3d train --data-dir '~/d' --seed 3"
    outside = portable_command(["train", f"--data-dir={tmp_path / 'build' / 'd'}", "--seed", "3"], "r")
    assert outside == "latent3d train --seed 3"


def test_the_command_is_quoted_and_parses_back(home: Path) -> None:
    """A note with spaces and quotes stays one argument; the recorded command repeats the same training."""
    argv = ["train", "--out", "/tmp/b/r", "--note", "it's \"quoted\"; two words", "--lr", "0.002"]
    command = portable_command(argv, "r")
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.out, args.note, args.lr) == ("r", "it's \"quoted\"; two words", 0.002)


def test_train_records_no_machine_path(data_dir: Path, tmp_path: Path, home: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build" / "small"
    argv = ["train", "--data-dir", str(data_dir), "--out", str(out), "--epochs", "1", "--max-train-images", "128",
            "--max-test-images", "100", "--snapshots", "epochs", "--no-progress", "--device", "cpu"]
    monkeypatch.setattr(sys, "argv", ["latent3d", *argv])  # what the command records, as from a shell
    assert main(argv) == 0
    meta = json.loads((out / "run.json").read_text())
    assert str(tmp_path) not in meta["command"] and str(data_dir) not in meta["command"]
    assert meta["command"].startswith("latent3d train --out small --epochs 1 ")
    assert meta["dataset"]["data_dir"] is None  # the data folder lies outside this test's home


def test_the_shipped_run_records_no_build_folder() -> None:
    meta = json.loads((SHIPPED / "run.json").read_text(encoding="utf-8"))
    words = shlex.split(meta["command"])
    assert words[:3] == ["latent3d", "train", "--out"] and words[3] == "fashion-mnist-default"
    assert "--data-dir" not in words and not any(w.startswith(("/", "..")) for w in words)
    assert meta["dataset"]["data_dir"] is None
    assert shlex.split(meta["command"])[-1] == meta["note"]  # the note is one argument of the command
    args = build_parser().parse_args(words[1:])
    assert (args.weights_dtype, args.keep_encoder, args.epochs, args.seed) == ("float16", "every:5", 20, 0)
    assert load_run(SHIPPED).epochs == 20  # still a valid run
