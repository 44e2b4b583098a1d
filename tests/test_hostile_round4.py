"""Round four of hostile inputs (issue 29): outputs inside a run folder, empty paths, API misuse, late signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import latent3d
from latent3d import runs
from latent3d.cli.parser import main
from latent3d.util import fileio
from tests.conftest import make_fake_run
from tests.support.hostile_fixtures import REPO, one_sentence, snapshot
from tests.support.side_by_side import side_by_side

CAMERA = {"position": [4.0, 4.0, 4.0], "focal_point": [0.0, 0.0, 0.0], "view_up": [0.0, 0.0, 1.0]}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid 2-epoch run of 40 points (it keeps every encoder)."""
    return make_fake_run(tmp_path_factory.mktemp("r4") / "run", epochs=2, n=40)


def _view(folder: Path, run: Path, **keys: object) -> Path:
    path = folder / "view.json"
    body = {"format_version": 1, "run": str(run), "step": 0, "camera": CAMERA, "color": "class",
            "hidden_classes": [], "selected": None, "groups": {"g": [1, 2, 3, 4, 5]}} | keys
    path.write_text(json.dumps(body))
    return path


# -- 1. No output inside a run folder ------------------------------------------------------------

WRITERS = {
    "group npy over codes.npy": lambda run, v: ["export", "--view", str(v), "--group", "g", "--out",
                                                str(run / "codes.npy")],
    "group npy over labels.npy": lambda run, v: ["export", "--view", str(v), "--group", "g", "--out",
                                                 str(run / "labels.npy")],
    "group npy over steps.npy": lambda run, v: ["export", "--view", str(v), "--group", "g", "--out",
                                                str(run / "steps.npy")],
    "group csv": lambda run, v: ["export", "--view", str(v), "--group", "g", "--out", str(run / "g.csv")],
    "export csv": lambda run, v: ["export", str(run), "--out", str(run / "codes.csv")],
    "render png": lambda run, v: ["render", str(run), "--out", str(run / "x.png"), "--size", "64x64"],
    "render png in weights/": lambda run, v: ["render", str(run), "--out", str(run / "weights" / "x.png"),
                                              "--size", "64x64"],
    "movie gif": lambda run, v: ["render", str(run), "--movie", str(run / "m.gif"), "--size", "64x64"],
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_command_writes_inside_a_run_folder(writer: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    run = make_fake_run(tmp_path / "run", epochs=1, n=30)
    view = _view(tmp_path, run)
    before = snapshot(run)
    assert main(WRITERS[writer](run, view)) == 2
    captured = capsys.readouterr()
    one_sentence(captured.err, "inside the run folder", str(run.resolve()))
    assert snapshot(run) == before
    runs.load_run(run)  # still opens


def test_a_link_to_a_run_folder_and_a_damaged_run_are_run_folders(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run = make_fake_run(tmp_path / "run", epochs=1, n=30)
    (tmp_path / "link").symlink_to(run)
    before = snapshot(run)
    assert main(["export", str(run), "--out", str(tmp_path / "link" / "codes.csv")]) == 2
    one_sentence(capsys.readouterr().err, "inside the run folder", str(run.resolve()))
    (tmp_path / "out.csv").symlink_to(run / "codes.npy")  # a link whose target is a run file
    assert main(["export", str(run), "--out", str(tmp_path / "out.csv")]) == 2
    one_sentence(capsys.readouterr().err, "inside the run folder")
    assert snapshot(run) == before
    damaged = make_fake_run(tmp_path / "damaged", epochs=1, n=30)
    (damaged / "run.json").unlink()  # codes.npy and labels.npy are enough to recognise it
    with pytest.raises(fileio.OutputError, match="inside the run folder"):
        fileio.check_target(damaged / "x.png", what="Image")
    (tmp_path / ".r.partial-0123abcd").mkdir()  # a training's folder, before its first file
    with pytest.raises(fileio.OutputError, match="inside the run folder"):
        fileio.check_target(tmp_path / ".r.partial-0123abcd" / "x.png")


def test_the_shipped_run_and_a_wheel_copy_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    shipped = REPO / "checkpoints" / "fashion-mnist-default"
    if not (shipped / "run.json").exists():
        pytest.skip("the shipped run is not in this checkout")
    before = snapshot(shipped)
    for name in ("x.png", "codes.npy", "run.json"):
        with pytest.raises(fileio.OutputError, match="inside the run folder"):
            with fileio.atomic_path(shipped / name, what="Image") as tmp:
                tmp.write_bytes(b"not a run file")
    wheel = tmp_path / "site-packages" / "latent3d" / "_bundled" / "fashion-mnist-default"
    wheel.mkdir(parents=True)
    (wheel / "run.json").write_text("{}")
    with pytest.raises(fileio.OutputError, match="inside the run folder"):
        fileio.check_target(wheel / "x.csv", what="Export file")
    assert snapshot(shipped) == before


def test_the_api_export_refuses_a_run_folder(run_dir: Path) -> None:
    before = snapshot(run_dir)
    with pytest.raises(ValueError, match="inside the run folder"):
        latent3d.export(run_dir, run_dir / "codes.csv")
    assert snapshot(run_dir) == before


def test_outputs_beside_a_run_are_still_written(run_dir: Path, tmp_path: Path) -> None:
    view = _view(tmp_path, run_dir)
    assert main(["export", "--view", str(view), "--group", "g", "--out", str(tmp_path / "codes.npy")]) == 0
    assert np.load(tmp_path / "codes.npy").tolist() == [1, 2, 3, 4, 5]


# -- 3, 7, 12. The API: decoding in bounded memory, index misuse, NaN codes ------------------------

_DECODE_CHILD = """
import resource, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from latent3d.runs import load_run
run = load_run(sys.argv[2])
size = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + int(float(sys.argv[4]) * 2**30), resource.RLIM_INFINITY))
try:
    pixels = run.decode(np.zeros((int(sys.argv[3]), 3), np.float32))
except ValueError as exc:
    print("ValueError:", exc)
else:
    print("decoded", pixels.shape, float(pixels.mean()))
"""


def test_decoding_two_million_codes_is_one_sentence_and_200k_fit_where_they_did_not(run_dir: Path) -> None:
    """Under ``ulimit -v``: 2,000,000 codes (6.3 GB of images) are refused before any allocation, and
    200,000 (630 MB) are decoded in chunks within 2 GB, where the old whole-array decode needed about 3 GB."""
    def child(count: int, room_gb: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _DECODE_CHILD, str(REPO), str(run_dir), str(count), str(room_gb)],
                              capture_output=True, text=True, timeout=300)

    both = side_by_side({"refused": lambda: child(2_000_000, 3.0), "fits": lambda: child(200_000, 2.0)})
    refused, fits = both["refused"], both["fits"]  # two processes, each under its own limit, side by side
    assert refused.returncode == 0 and "Traceback" not in refused.stderr, refused.stderr[-800:]
    assert refused.stdout.startswith("ValueError: Decoding 2,000,000 codes"), refused.stdout
    assert "available" in refused.stdout and refused.stdout.count("\n") == 1
    assert fits.returncode == 0 and "Traceback" not in fits.stderr, fits.stderr[-800:]
    assert fits.stdout.startswith("decoded (200000, 28, 28)"), fits.stdout


@pytest.mark.parametrize("call", ["decoder(999)", "decoder(-1)", "decoder(True)", "decoder(1.0)",
                                  "encoder_layers(999)", "encoder_layers(-1)"])
def test_a_snapshot_index_out_of_range_is_a_value_error_sentence(run_dir: Path, call: str) -> None:
    run = latent3d.load_run(run_dir)
    name, arg = call.rstrip(")").split("(")
    with pytest.raises(ValueError) as err:
        getattr(run, name)(eval(arg))  # noqa: S307 - the literal is the test's own
    assert f"snapshot must be a whole number from 0 to {run.n_snapshots - 1}" in str(err.value)
    assert run.decoder(np.int64(1)) is run.decoder(1)  # numpy indices, as the window passes them, still work


def test_nan_codes_are_named_as_such_not_as_a_shape(run_dir: Path) -> None:
    run = latent3d.load_run(run_dir)
    with pytest.raises(ValueError) as err:
        run.decode(np.array([[np.nan, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    assert "NaN or infinity" in str(err.value) and "shape" not in str(err.value)


# -- 8. A signal that arrives just after the rename ------------------------------------------------


@pytest.mark.parametrize("kind", ["export csv", "group npy"])
def test_sigterm_just_after_the_rename_reports_success(kind: str, run_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("codes.csv" if kind == "export csv" else "g.npy")
    out.write_text("an earlier file\n")
    real_replace = os.replace

    def replace_then_signal(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_replace(src, dst)
        os.kill(os.getpid(), signal.SIGTERM)  # delivered at once, right after the rename

    monkeypatch.setattr(fileio.os, "replace", replace_then_signal)
    argv = (["export", str(run_dir), "--out", str(out)] if kind == "export csv" else
            ["export", "--view", str(_view(tmp_path, run_dir)), "--group", "g", "--out", str(out)])
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.lower().startswith("wrote"), captured
    if kind == "export csv":
        assert out.read_text().count("\n") == 1 + 3 * 40  # header and every row of every snapshot
    else:
        assert np.load(out).tolist() == [1, 2, 3, 4, 5]


# -- 9. Levels are decided by dtype ----------------------------------------------------------------


def test_a_dim_uint8_image_is_dim_not_a_float_image(tmp_path: Path) -> None:
    from latent3d.data.image_file import convert_array, read_image_file

    shape = np.zeros((40, 40), np.uint8)
    shape[10:30, 12:28] = 1  # the brightest level is 1/255
    Image.fromarray(shape).save(tmp_path / "dim.png")
    Image.fromarray(shape * 255).save(tmp_path / "bright.png")
    dim, bright = read_image_file(tmp_path / "dim.png"), read_image_file(tmp_path / "bright.png")
    assert dim.max() <= 1 and bright.max() == 255
    assert convert_array(shape).max() <= 1 and convert_array(shape.astype(np.float32)).max() == 255


# -- 10, 11, 12. Empty paths, the camera conflict, wording ------------------------------------------

EMPTY = {
    "info --compare": (["info", "RUN", "--compare", ""], "--compare is empty"),
    "render --compare": (["render", "RUN", "--compare", "", "--out", "OUT/x.png", "--size", "64x64"],
                         "--compare is empty"),
    "render --view": (["render", "--view", "", "--out", "OUT/x.png", "--size", "64x64"], "--view is empty"),
    "info RUN": (["info", ""], "RUN is empty"),
    "encode IMAGE": (["encode", "RUN", ""], "IMAGE is empty"),
    "export --out": (["export", "RUN", "--out", ""], "--out is empty"),
    "view --data-dir": (["view", "RUN", "--data-dir", ""], "--data-dir is empty"),
    "train --out": (["train", "--epochs", "1", "--out", ""], "--out is empty"),
}


@pytest.mark.parametrize("case", list(EMPTY))
def test_an_empty_path_is_one_sentence(case: str, run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv, fragment = EMPTY[case]
    if argv[0] == "view":  # never a window: it would wait for a person to close it
        monkeypatch.setattr("latent3d.qt.app.run_viewer", lambda *a, **k: pytest.fail("a window was opened"))
    argv = [a.replace("RUN", str(run_dir)).replace("OUT", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = one_sentence(capsys.readouterr().err, fragment)
    assert " . " not in err and not any(tmp_path.iterdir())


def test_the_api_refuses_empty_paths(run_dir: Path, tmp_path: Path) -> None:
    for call in (lambda: latent3d.load_run(""), lambda: latent3d.export(run_dir, ""),
                 lambda: latent3d.export("", tmp_path / "x.csv"), lambda: latent3d.show(view="")):
        with pytest.raises(ValueError, match="is an empty path"):
            call()


def test_follow_and_fit_each_frame_are_refused_together(run_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    movie = tmp_path / "m.gif"
    assert main(["render", str(run_dir), "--follow", "--fit-each-frame", "--movie", str(movie), "--size", "64x64"]) == 2
    one_sentence(capsys.readouterr().err, "--follow", "--fit-each-frame")
    view = _view(tmp_path, run_dir, follow=True)
    assert main(["render", "--view", str(view), "--fit-each-frame", "--movie", str(movie), "--size", "64x64"]) == 2
    one_sentence(capsys.readouterr().err, "'follow'", "--fit-each-frame")
    assert not movie.exists()


@pytest.mark.parametrize("argv,fragment", [
    (["export", "RUN", "--out", "OUT/.csv"], "Export file name .csv is a suffix alone"),
    (["export", "--view", "VIEW", "--group", "g", "--out", "OUT/.npy"], "Group file name .npy is a suffix alone"),
    (["render", "RUN", "--out", "OUT/.png", "--size", "64x64"], "Image name .png is a suffix alone"),
    (["render", "RUN", "--movie", "OUT/.gif", "--size", "64x64"], "Movie name .gif is a suffix alone"),
])
def test_a_name_that_is_only_a_suffix_is_named_as_such(argv: list[str], fragment: str, run_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    view = _view(tmp_path, run_dir)
    argv = [a.replace("RUN", str(run_dir)).replace("OUT", str(tmp_path)).replace("VIEW", str(view)) for a in argv]
    assert main(argv) == 2
    err = one_sentence(capsys.readouterr().err, fragment)
    assert "must end in" not in err


def test_a_partial_mnist_folder_names_the_missing_file_and_downloads_nothing(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torchvision")
    import torchvision.datasets

    from latent3d.data.datasets import DataError
    from latent3d.training.download import download

    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    present = ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    for name in present:
        (raw / name).write_bytes(b"\0" * 16)
    monkeypatch.setattr(torchvision.datasets, "MNIST", lambda *a, **k: pytest.fail("a download was started"))
    with pytest.raises(DataError) as err:
        download(tmp_path, "mnist")
    text = str(err.value)
    assert "train-labels-idx1-ubyte is missing" in text and not any(name in text for name in present)
