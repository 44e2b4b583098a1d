"""MNIST and KMNIST beside Fashion-MNIST: trained end to end from IDX files in torchvision's layout, their names
recorded in run.json and shown by ``info``; missing files offline; class names of a stranger's run.json refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latent3d.cli.parser import main
from latent3d.data import datasets as data
from latent3d.data.catalog import DATASETS, dataset_info
from latent3d.runs import RunError, load_run
from tests.support.hostile_fixtures import one_sentence
from tests.support.idx_fixtures import SHOWN, dataset_root
from tests.support.scene_fixtures import make_run


@pytest.mark.parametrize("key", ["mnist", "kmnist"])
def test_trains_end_to_end_and_records_its_names(key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = dataset_root(tmp_path / "data", key)
    out = tmp_path / f"{key}-run"
    assert main(["train", "--dataset", key, "--data-dir", str(root), "--out", str(out), "--epochs", "1",
                 "--max-train-images", str(SHOWN), "--max-test-images", "100", "--snapshots", "epochs",
                 "--no-progress", "--device", "cpu"]) == 0
    run = load_run(out)
    info = DATASETS[key]
    assert run.dataset == info.title and run.class_names == info.class_names and run.n_classes == 10
    assert run.meta["dataset"]["id"] == key and run.meta["dataset"]["data_dir"] is None  # outside the home
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"Dataset    {info.title}, " in text and f"Classes    {', '.join(info.class_names)}" in text
    assert main(["info", "--json", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["class_names"] == list(info.class_names)


@pytest.mark.parametrize("key", ["mnist", "kmnist"])
def test_missing_files_offline_name_dataset_folder_and_files(key: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import torchvision.datasets

    title, cls = dataset_info(key).title, dataset_info(key).torchvision_class
    calls: list[str] = []

    def offline(*args: object, **kwargs: object) -> None:
        calls.append(cls)
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets, cls, offline)
    assert main(["train", "--dataset", key, "--data-dir", str(tmp_path), "--out", str(tmp_path / "r"),
                 "--epochs", "1", "--no-progress"]) == 2
    raw = tmp_path / dataset_info(key).folder / "raw"
    one_sentence(capsys.readouterr().err, f"Could not download {title} into {raw}", "t10k-labels-idx1-ubyte",
                 f"put the four {title} IDX files")
    assert calls == [cls] and not (tmp_path / "r").exists()


def test_reading_names_the_dataset(tmp_path: Path) -> None:
    raw = tmp_path / "KMNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-images-idx3-ubyte").write_bytes(b"\x1f\x8b\x08\x00" + bytes(40))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"")
    with pytest.raises(data.DataError, match=r"is not a KMNIST IDX file"):
        data.load_split(tmp_path, "test", "kmnist")


def test_unknown_dataset_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--dataset", "cifar10"])
    assert "invalid choice: 'cifar10'" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"Unknown dataset 'cifar10'; choose one of fashion-mnist, mnist, kmnist"):
        dataset_info("cifar10")


def test_runs_without_class_names_are_fashion_mnist(tmp_path: Path) -> None:
    path = make_run(tmp_path / "r", n=50, epochs=1)
    meta = json.loads((path / "run.json").read_text())
    meta.pop("dataset", None)
    (path / "run.json").write_text(json.dumps(meta))
    run = load_run(path)
    assert run.dataset == "Fashion-MNIST" and run.class_names == DATASETS["fashion-mnist"].class_names


HOSTILE = [
    ("nine", [str(i) for i in range(9)], "must be a list of 10 names (labels are 0-9), not 9 items"),
    ("a-string", "0123456789", "must be a list of 10 names (labels are 0-9), not a str"),
    ("a-number", [str(i) for i in range(9)] + [7], "item 9 is a int, not a string"),
    ("too-long", ["x" * 41] + [str(i) for i in range(9)], "item 0 is 41 characters long (at most 40)"),
    ("escape", ["\x1b[31mred"] + [str(i) for i in range(9)], "item 0 holds the control character U+001B"),
    ("newline", ["a\nb"] + [str(i) for i in range(9)], "U+000A"),
    ("bidi", ["\u202egnp.exe"] + [str(i) for i in range(9)], "U+202E"),
    ("blank", ["   "] + [str(i) for i in range(9)], "item 0 is blank"),
    ("twice", ["a", "a"] + [str(i) for i in range(8)], "names a class twice"),
]


@pytest.mark.parametrize("case, names, fragment", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_class_names_are_one_sentence(case: str, names: object, fragment: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = make_run(tmp_path / "r", n=50, epochs=1)
    meta = json.loads((path / "run.json").read_text())
    meta["dataset"] = {**(meta.get("dataset") or {}), "class_names": names}
    (path / "run.json").write_text(json.dumps(meta))
    with pytest.raises(RunError, match="'dataset.class_names'") as exc:
        load_run(path)
    assert fragment in str(exc.value) and "\n" not in str(exc.value) and "\x1b" not in str(exc.value)
    assert main(["info", str(path)]) == 2
    one_sentence(capsys.readouterr().err, fragment)


def test_hostile_dataset_name_is_refused(tmp_path: Path) -> None:
    path = make_run(tmp_path / "r", n=50, epochs=1)
    meta = json.loads((path / "run.json").read_text())
    meta["dataset"] = {"name": "MNIST\x07" + "x" * 5000}
    (path / "run.json").write_text(json.dumps(meta))
    with pytest.raises(RunError, match=r"'dataset.name' is 5,006 characters long"):
        load_run(path)
