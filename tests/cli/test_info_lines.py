"""``info`` prints the weights, dataset and versions records as readable lines, never Python dict reprs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latent3d.cli.info_lines import dataset_line, versions_line, weights_line
from latent3d.cli.parser import main
from tests.conftest import make_fake_run


def _info_lines(run: str | Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["info", str(run)]) == 0
    out = capsys.readouterr().out
    return {line[:10].strip(): line[11:] for line in out.splitlines() if len(line) > 11 and line[:1].isupper()}


def test_the_shipped_run_reads_as_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _info_lines("fashion-mnist-default", capsys)
    assert lines["Weights"] == "float16; encoder at every 5th snapshot and the last"
    assert lines["Dataset"].startswith("Fashion-MNIST, 60,000 training and 10,000 test images; IDX files' SHA-256 ")
    assert lines["Versions"].startswith("latent3d ") and ", torch " in lines["Versions"]
    assert lines["Points"] == "10,000 test codes per snapshot, plus 60,000 train codes (final epoch)"
    for key in ("Weights", "Dataset", "Versions"):
        assert "{'" not in lines[key] and "': " not in lines[key], lines[key]


def test_hostile_records_stay_one_short_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run.json is untrusted: odd types and long text are shown cut, and nothing raises."""
    run = make_fake_run(tmp_path / "r", epochs=1, n=50)
    meta = json.loads((run / "run.json").read_text())
    meta["weights"]["encoder"] = ["x"] * 1000
    meta["versions"] = {"latent3d": "9" * 5000, "torch": {"nested": [1, 2]}, "platform": "Plan 9"}
    meta["dataset"] = {"name": "Fashion-MNIST", "sha256": 12, "train_images": None, "data_dir": ["a"]}
    (run / "run.json").write_text(json.dumps(meta))
    lines = _info_lines(run, capsys)
    assert all(len(lines[k]) < 400 for k in ("Weights", "Dataset", "Versions"))
    assert lines["Versions"].endswith("; Plan 9") and "..." in lines["Versions"]
    assert lines["Dataset"].startswith("Fashion-MNIST; IDX files' SHA-256 12")


@pytest.mark.parametrize(("weights", "line"), [
    ({"dtype": "float32", "encoder": "all"}, "float32; encoder at every snapshot"),
    ({"dtype": "float32", "encoder": "final"}, "float32; encoder at the last snapshot only"),
    ({"dtype": "float16", "encoder": "every:2"}, "float16; encoder at every 2nd snapshot and the last"),
    ({"dtype": "float16", "encoder": "every:11"}, "float16; encoder at every 11th snapshot and the last"),
    ({"dtype": "float32"}, "float32"),
])
def test_weights_line(weights: dict[str, str], line: str) -> None:
    assert weights_line(weights) == line


def test_dataset_and_versions_lines() -> None:
    assert dataset_line("MNIST", None) == "MNIST"
    assert dataset_line("MNIST", {"train_images": 10, "test_images": 5}) == "MNIST, 10 training and 5 test images"
    assert versions_line({"python": "3.12.1", "numpy": "2.0"}) == "Python 3.12.1, numpy 2.0"
    assert versions_line("1.0") == "1.0"
