"""Numbers in every field, generated: every run.json leaf and every numeric option x hostile values.

Values: an integer of 400 digits (JSON has no limit; no float holds it), ``1e309`` (parses as
infinity), ``-0``, ``NaN`` as a literal and as a string, 2**64. For run.json: loading raises only
``RunError`` or succeeds, listing never raises and still shows the good run beside, `info` and
`info --json` exit 0 or 2 with one line, and a run that loads can still be planned as a movie. For
the command line: a usage error, one sentence and exit 2, or the command goes ahead (a stub stands
in for the work); never a traceback.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from latent3d import runs
from latent3d.cli import commands
from latent3d.cli.parser import main
from latent3d.runs import RunError
from tests.support.hostile_fixtures import one_sentence
from tests.support.make_bad_runs import make_good_run

JSON_VALUES = {"int-10^400": str(10**400), "1e309": "1e309", "-0": "-0", "NaN": "NaN", "NaN-string": '"NaN"',
               "2^64": str(2**64)}
PROVENANCE = {"dataset": {"name": "Fashion-MNIST", "data_dir": "/data", "sha256": "ab", "train_images": 30,
                          "test_images": 40},
              "versions": {"latent3d": "1", "torch": "2"}, "device": "cpu", "command": "latent3d train",
              "note": "n", "seconds_per_epoch": [0.5, 0.5], "wall_seconds": 1.5}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid run whose run.json also holds the provenance `train` writes."""
    run = make_good_run(tmp_path_factory.mktemp("numbers") / "good")
    meta = json.loads((run / "run.json").read_text()) | PROVENANCE
    (run / "run.json").write_text(json.dumps(meta))
    return run


def _good_meta() -> dict[str, Any]:
    return json.loads(json.dumps({"format_version": 1, "status": "", "created": "", "epochs": 0, "train_loss": [0, 0],
                                  "test_loss": [0, 0], "initial_test_loss": 0,
                                  "weights": {"dtype": "", "encoder": ""},
                                  "config": {"epochs": 0, "batch_size": 0, "lr": 0, "seed": 0, "adam_eps": 0,
                                             "max_train_images": 0, "max_test_images": 0,
                                             "model": {"input_dim": 0, "hidden": [0, 0], "code_dim": 0}}}
                                 | PROVENANCE))


LEAVES = list(_leaves(_good_meta()))


def _with_raw(meta: dict[str, Any], path: tuple[Any, ...], raw: str) -> str:
    node = meta
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "@@RAW@@"
    return json.dumps(meta).replace('"@@RAW@@"', raw)


@pytest.mark.parametrize("leaf", LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_every_run_json_leaf_with_every_hostile_number(leaf: tuple[Any, ...], good: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from latent3d.scene.offscreen.render import movie_frame_count

    case = tmp_path / "runs" / "case"
    shutil.copytree(good, case)
    shutil.copytree(good, tmp_path / "runs" / "beside")
    original = json.loads((good / "run.json").read_text())
    for name, raw in JSON_VALUES.items():
        (case / "run.json").write_text(_with_raw(json.loads(json.dumps(original)), leaf, raw))
        try:
            run = runs.load_run(case)
        except RunError:
            run = None
        listed = [r.name for r in runs.list_runs(tmp_path / "runs")]
        assert "beside" in listed, name
        for argv in (["info", str(case)], ["info", str(case), "--json"]):
            code = main(argv)
            out, err = capsys.readouterr()
            assert code == (0 if run is not None else 2), (name, err)
            if code:
                one_sentence(err)
            else:
                assert err == "" and out
        if run is not None:  # a run that opens can be planned as a movie without overflowing
            assert movie_frame_count(run, "linear", 4, 10) >= 2 and movie_frame_count(run, "log", 4, 10) >= 1


CLI_VALUES = ["9" * 400, "9" * 5000, "1e309", "-0", "NaN", "nan", "inf", "-1", str(2**64), "0"]
TRAIN_OPTIONS = ["--epochs", "--batch-size", "--lr", "--seed", "--max-train-images", "--max-test-images"]
RENDER_OPTIONS = {"--epoch": "--out", "--step": "--out", "--fps": "--movie", "--frames-per-snapshot": "--movie",
                  "--frames-per-epoch": "--movie"}
SIZES = ["99999999999999999999x10", "1e309x10", "-0x10", "NaNxNaN", "0x0", "16x" + "9" * 400, "16x" + "9" * 5000,
         "\u00b2x\u00b2"]


def _one_outcome(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``main(argv)``; return the error sentence. Any exit but 2, or a traceback, fails the test."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: usage, then one sentence
        assert exc.code == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.startswith("usage: ")
        return err.strip().splitlines()[-1]
    assert code == 2
    return one_sentence(capsys.readouterr().err)


@pytest.mark.parametrize("option", TRAIN_OPTIONS)
def test_every_train_number_option(option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    def stub(*_a: object, **_k: object) -> None:
        raise commands.SaveError("stub reached.")

    monkeypatch.setattr(commands, "train_and_save", stub)
    for value in CLI_VALUES:
        sentence = _one_outcome(["train", f"{option}={value}", "--out", str(tmp_path / "r")], capsys)
        assert sentence.endswith(".") and len(sentence) < 400, sentence
    assert not (tmp_path / "r").exists()


@pytest.fixture(scope="module")
def render_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.scene_fixtures import make_run

    return make_run(tmp_path_factory.mktemp("render-numbers") / "r", n=50, epochs=2)


@pytest.mark.parametrize("option", [*RENDER_OPTIONS, "--size"])
def test_every_render_number_option(option: str, render_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from latent3d.scene.offscreen import render

    def stub(*_a: object, **_k: object) -> None:
        raise ValueError("stub reached.")

    monkeypatch.setattr(render, "OffscreenRenderer", stub)
    output = RENDER_OPTIONS.get(option, "--out")
    target = tmp_path / ("x.png" if output == "--out" else "x.gif")
    for value in SIZES if option == "--size" else CLI_VALUES:
        sentence = _one_outcome(["render", str(render_run), output, str(target), f"{option}={value}"], capsys)
        assert sentence.endswith(".") and len(sentence) < 400, sentence
    assert sorted(p.name for p in tmp_path.iterdir()) == []
