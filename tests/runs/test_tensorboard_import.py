"""TensorBoard embedding logs written by torch.utils.tensorboard, imported as runs; every log file untrusted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

import latent3d
from latent3d.cli.parser import main
from latent3d.runs import RunError, load_run
from latent3d.runs.tensorboard import import_tensorboard

tensorboard = pytest.importorskip("torch.utils.tensorboard", reason="pip install tensorboard (the test extra)")

REPO = Path(__file__).resolve().parents[2]
N, D, STEPS = 30, 6, (0, 5, 20, 100)
CLASSES = ["shirt", "shoe", "bag"]


def write_log(logdir: Path, *, tags: tuple[str, ...] = ("features",), sprite: bool = True,
              steps: tuple[int, ...] = STEPS) -> dict[int, np.ndarray]:
    """What a training that called add_embedding at several steps leaves behind; returns the matrices."""
    rng = np.random.default_rng(0)
    labels = [CLASSES[i % 3] for i in range(N)]
    images = torch.as_tensor(rng.random((N, 1, 7, 7)), dtype=torch.float32)
    mats = {}
    w = tensorboard.SummaryWriter(str(logdir))
    for step in steps:
        mats[step] = rng.normal(size=(N, D)).astype(np.float32) * (1 + step)
        for tag in tags:
            w.add_embedding(torch.as_tensor(mats[step]), metadata=labels, label_img=images if sprite else None,
                            global_step=step, tag=tag)
    w.close()
    mats[-1] = images.numpy()
    return mats


def test_a_log_of_several_steps_becomes_one_run(tmp_path: Path) -> None:
    mats = write_log(tmp_path / "log")
    run = latent3d.import_tensorboard(tmp_path / "log", tmp_path / "run")
    assert run.kind == "recording" and run.meta["source"] == "tensorboard" and run.steps.tolist() == list(STEPS)
    assert run.raw_codes is not None
    for i, step in enumerate(STEPS):
        np.testing.assert_array_equal(run.raw_codes[i], mats[step])  # float32 exactly, through the text
    assert run.class_names[:3] == ("bag", "shirt", "shoe") and [run.class_names[k] for k in run.labels[:3]] == [
        "shirt", "shoe", "bag"]
    assert run.images is not None and run.images.shape == (N, 7, 7)
    want = np.uint8(np.clip(mats[-1][:, 0] * 255, 0, 255))  # what the sprite holds (TensorBoard truncates)
    np.testing.assert_array_equal(run.images, want)
    assert run.capabilities == {"labels", "images"} and run.projection is not None
    assert run.epochs == 1 and run.steps_per_epoch == 100  # the whole log is one epoch unless told


def test_the_cli_imports_and_a_tag_is_chosen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_log(tmp_path / "log", tags=("a", "b"), sprite=False)
    assert main(["import-tensorboard", str(tmp_path / "log"), "--out", str(tmp_path / "r")]) == 2
    assert "holds embeddings of 2 tags (a, b); choose one with --tag" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
    assert main(["import-tensorboard", str(tmp_path / "log"), "--out", str(tmp_path / "r"), "--tag", "b",
                 "--steps-per-epoch", "10"]) == 0
    assert "Imported 4 steps of 30 points (PCA of 6-D" in capsys.readouterr().out
    run = load_run(tmp_path / "r")
    assert run.steps_per_epoch == 10 and run.epochs == 10 and "images" not in run.capabilities
    assert main(["import-tensorboard", str(tmp_path / "log"), "--out", str(tmp_path / "r"), "--tag", "b"]) == 2
    assert "already exists" in capsys.readouterr().err


def _rewrite(rel: str, edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(log: Path) -> None:
        p = log / rel
        p.write_bytes(edit(p.read_bytes()))
    return apply


def _sprite(size: tuple[int, int]) -> Callable[[Path], None]:
    def apply(log: Path) -> None:
        from PIL import Image

        Image.new("RGB", size).save(log / "00020/features/sprite.png")
    return apply


def _config_path(old: str, new: str) -> Callable[[Path], None]:
    return _rewrite("projector_config.pbtxt", lambda b: b.replace(old.encode(), new.encode(), 1))


HOSTILE = [
    ("ragged-row", _rewrite("00005/features/tensors.tsv", lambda b: b.replace(b"\n", b"\t1.0\n", 1)),
     r"tensors\.tsv is not a table of numbers: row 2 holds 6 numbers where row 1 holds 7\.$"),
    ("nan", _rewrite("00005/features/tensors.tsv", lambda b: b"nan" + b[b.index(b"\t"):]),
     r"row 1 holds 'nan': NaN and infinite values cannot be drawn"),
    ("word", _rewrite("00020/features/tensors.tsv", lambda b: b"one" + b[b.index(b"\t"):]),
     r"row 1 holds 'one', which is not a decimal number"),
    ("bad-number", _rewrite("00020/features/tensors.tsv", lambda b: b"1.2.3" + b[b.index(b"\t"):]),
     r"a value that is not a decimal number"),
    ("fewer-points", _rewrite("00100/features/tensors.tsv", lambda b: b[:b.rindex(b"\n", 0, len(b) - 1) + 1]),
     r"holds 29 points of 6 numbers, but step 0 holds 30 of 6"),
    ("metadata-count", _rewrite("00000/features/metadata.tsv", lambda b: b + b"bag\n"),
     r"metadata\.tsv holds 31 lines for 30 points"),
    ("metadata-differs", _rewrite("00020/features/metadata.tsv", lambda b: b"bag" + b[b.index(b"\n"):]),
     r"labels the points differently from step 0"),
    ("sprite-size", _sprite((41, 42)), r"sprite\.png is a PNG of 41x42 pixels; the sprite of 30 images of 7x7 is a PNG "
                                       r"of 42x42"),
    ("sprite-garbage", _rewrite("00100/features/sprite.png", lambda b: b"not a png"), r"is not a readable PNG"),
    ("config-garbage", _rewrite("projector_config.pbtxt", lambda b: b + b"embeddings {"),
     r"projector_config\.pbtxt is not a projector config \(a message is not closed"),
    ("config-name", _config_path('tensor_name: "features:00005"', 'tensor_name: "features"'),
     r"embedding 2 is named 'features', not TAG:STEP"),
    ("config-twice", _config_path('tensor_name: "features:00005"', 'tensor_name: "features:00000"'),
     r"lists step 0 of tag features twice"),
    ("path-outside", _config_path('tensor_path: "00005/features/tensors.tsv"', 'tensor_path: "../../etc/passwd"'),
     r"is a link or points outside the log folder"),
    ("path-absolute", _config_path('tensor_path: "00005/features/tensors.tsv"', 'tensor_path: "/etc/passwd"'),
     r"names the tensor '/etc/passwd', which is not a path inside the log"),
    ("tensor-missing", lambda log: (log / "00020/features/tensors.tsv").unlink(), r"cannot be read \(no such file"),
    ("tensor-fifo", lambda log: ((log / "00020/features/tensors.tsv").unlink(),
                                 os.mkfifo(log / "00020/features/tensors.tsv")), r"it is a FIFO, not a regular file"),
    ("sprite-dims", _config_path("single_image_dim: 7", "single_image_dim: 700"),
     r"needs an image_path and two single_image_dim values from 1 to 256"),
]


@pytest.mark.parametrize("name, damage, match", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_logs_are_one_sentence_exit_2_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  name: str, damage: Callable[[Path], None],
                                                                  match: str) -> None:
    write_log(tmp_path / "log")
    damage(tmp_path / "log")
    assert main(["import-tensorboard", str(tmp_path / "log"), "--out", str(tmp_path / "runs" / "r")]) == 2
    err = capsys.readouterr().err
    assert re.search(match, err), err
    assert err.startswith("latent3d: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or list((tmp_path / "runs").iterdir()) == []


def test_a_folder_without_a_log(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="holds no projector_config.pbtxt: no embeddings were written there"):
        import_tensorboard(tmp_path, tmp_path / "r")


def test_view_logdir_opens_its_cached_import(tmp_path: Path) -> None:
    write_log(tmp_path / "log", sprite=False)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["LATENT3D_CACHE_DIR"] = str(tmp_path / "cache")
    r = subprocess.run([sys.executable, "run.py", str(tmp_path / "log")], capture_output=True, text=True, cwd=REPO,
                       env=env, timeout=120)
    # No display here: the window cannot open, but the log was imported first, into the cache.
    assert r.returncode == 2 and "no display to open the viewer on" in r.stderr, r.stderr
    cached = list((tmp_path / "cache" / "tensorboard").iterdir())
    assert len(cached) == 1 and f"imported into {cached[0]}" in r.stderr
    assert load_run(cached[0]).steps.tolist() == list(STEPS)
    from latent3d.cli.tensorboard import resolve_log

    os.environ["LATENT3D_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        assert resolve_log(tmp_path / "log", None) == cached[0]  # reused while the log is unchanged
    finally:
        del os.environ["LATENT3D_CACHE_DIR"]


def test_metadata_columns_and_too_many_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    w = tensorboard.SummaryWriter(str(tmp_path / "cols"))
    rows = [[f"id{i}", CLASSES[i % 3]] for i in range(N)]
    for step in (0, 10):
        w.add_embedding(torch.as_tensor(rng.normal(size=(N, 4)), dtype=torch.float32), metadata=rows,
                        metadata_header=["name", "label"], global_step=step)
        w.add_embedding(torch.as_tensor(rng.normal(size=(N, 4)), dtype=torch.float32),
                        metadata=[str(i) for i in range(N)], global_step=step, tag="many")
    w.close()
    run = latent3d.import_tensorboard(tmp_path / "cols", tmp_path / "r", tag="default")
    assert [run.class_names[k] for k in run.labels[:3]] == CLASSES  # the column named label, not the first
    many = latent3d.import_tensorboard(tmp_path / "cols", tmp_path / "m", tag="many")
    assert "labels" not in many.capabilities
    assert many.meta["note"] == "metadata.tsv holds 30 distinct labels; the window colours 10"
