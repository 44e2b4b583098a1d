"""Bad command lines: unknown commands, bad numbers, missing or file run paths -> usage, one sentence, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from latent3d.cli.parser import main

REPO = Path(__file__).resolve().parents[2]


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``main(argv)``, expect exit 2, and return the error sentence after checking the usage line."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and "Traceback" not in err
    assert lines[0].startswith("usage: latent3d"), err
    sentence = lines[-1]
    assert sentence.startswith("latent3d") and ": error: " in sentence and sentence.endswith("."), err
    assert all(line.startswith(("usage:", " ")) for line in lines[:-1]), err  # usage (maybe wrapped), then one line
    return sentence


@pytest.mark.parametrize("argv, fragment", [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["trian"], "invalid choice: 'trian'"),
    (["--frobnicate"], "Unrecognized arguments: --frobnicate"),
    (["train", "--epoch", "3", "--bogus"], "Unrecognized arguments: --bogus"),
    (["info"], "The following arguments are required: run"),
    (["train", "--epochs", "-1"], "-1 must be at least 1"),
    (["train", "--epochs", "0"], "0 must be at least 1"),
    (["train", "--epochs", "abc"], "'abc' is not a whole number"),
    (["train", "--epochs", "1.5"], "'1.5' is not a whole number"),
    (["train", "--batch-size", "0"], "0 must be at least 1"),
    (["train", "--batch-size", "-64"], "-64 must be at least 1"),
    (["train", "--lr", "0"], "0 must be above 0"),
    (["train", "--lr", "-0.1"], "-0.1 must be above 0"),
    (["train", "--lr", "nan"], "nan must be above 0"),
    (["train", "--lr", "inf"], "inf must be above 0"),
    (["train", "--lr", "fast"], "'fast' is not a number"),
    (["train", "--seed", "-3"], "-3 must be 0 or more"),
    (["train", "--max-train-images", "0"], "0 must be at least 1"),
    (["train", "--device", "tpu"], "invalid choice: 'tpu'"),
])
def test_bad_arguments(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert fragment in _usage_error(argv, capsys)


@pytest.mark.parametrize("command", ["info", "view", "render"])
def test_run_path_that_does_not_exist(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sentence = _usage_error([command, str(tmp_path / "nope")], capsys)
    assert sentence == f"latent3d {command}: error: Run {tmp_path / 'nope'} does not exist."


@pytest.mark.parametrize("command", ["info", "view", "render"])
def test_run_path_that_is_a_file(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "run.json"
    f.write_text("{}")
    sentence = _usage_error([command, str(f)], capsys)
    assert sentence == f"latent3d {command}: error: Run {f} is a file, not a run folder."


def test_bare_run_name_missing_from_runs_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert "does not exist" in _usage_error(["info", "no-such-run"], capsys)


def test_path_climbing_out_is_just_a_folder_without_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``../../etc``-style paths are plain folders: refused as not a run, in one sentence, exit 2."""
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    assert main(["info", str(deep / ".." / ".." / "etc")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("is not a complete run: run.json is missing.\n")


def test_real_process_prints_usage_and_exits_2(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(REPO / "run.py"), "train", "--batch-size", "0"], capture_output=True,
                       text=True, cwd=REPO, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("usage: latent3d train") and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "latent3d train: error: Argument --batch-size: 0 must be at least 1."


@pytest.mark.parametrize("name", ["x" * 5000, "/" + "x" * 5000])
def test_run_name_too_long_for_the_filesystem(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _usage_error(["info", name], capsys).endswith("cannot be used (File name too long).")


def test_info_escapes_terminal_control_characters(tmp_path, capsys) -> None:  # noqa: ANN001
    import json as _json

    from latent3d.cli.parser import main as _main
    from tests.conftest import make_fake_run

    run = make_fake_run(tmp_path / "r")
    meta = _json.loads((run / "run.json").read_text())
    meta["note"] = "hello \x1b]0;pwned\x07\x1b[2J\x9b31m world"
    (run / "run.json").write_text(_json.dumps(meta))
    assert _main(["info", str(run)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "hello \\x1b]0;pwned\\x07" in out


def test_run_name_as_first_argument_opens_the_viewer(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``run.py fashion-mnist-default`` is ``run.py view fashion-mnist-default`` (README: ``run.py [view] [RUN]``)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux")
    monkeypatch.setenv("LATENT3D_RUNS_DIR", str(REPO / "checkpoints"))
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main(["fashion-mnist-default"]) == 2  # reached the viewer, which finds no display here
    assert "no display to open the viewer on" in capsys.readouterr().err


def test_missing_run_path_as_first_argument_is_the_viewers_error(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sentence = _usage_error([str(tmp_path / "nope")], capsys)
    assert sentence == f"latent3d view: error: Run {tmp_path / 'nope'} does not exist."
