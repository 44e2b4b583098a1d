"""Recording folders (format 3) read as untrusted input, their capabilities, export and info; older runs unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import latent3d
from latent3d.runs import RunError, load_run
from latent3d.runs.recording_writer import RecordingWriter
from latent3d.runs.run import ALL_CAPABILITIES, MissingCapability
from tests.conftest import make_fake_run

REPO = Path(__file__).resolve().parents[2]
N, D = 40, 5


def make_recording(target: Path, *, dim: int = D, steps: tuple[int, ...] = (0, 2, 5, 10), losses: bool = True,
                   labels: bool = True, images: bool = True, decoder: bool = False, dtype: str = "float32",
                   complete: bool = True) -> Path:
    """A small valid recording from random numbers, through the real writer."""
    rng = np.random.default_rng(0)
    meta = {"steps_per_epoch": 5, "epochs": 2, "points": N, "dim": dim, "dtype": dtype, "schedule": "log",
            "losses": losses, "labels": labels, "images": {"shape": [4, 4]} if images else None,
            "decoder": {"widths": [dim, 8, 16], "image_shape": [4, 4]} if decoder else None,
            "dataset": {"name": "toy", "class_names": ["a", "b", "c"]} if labels else None, "source": "recorder"}
    w = RecordingWriter(target, meta, labels=rng.integers(0, 3, N).astype(np.uint8) if labels else None,
                        images=rng.integers(0, 256, (N, 4, 4)).astype(np.uint8) if images else None, sync=False)
    for step in steps:
        dec = {"decoder.0.weight": rng.normal(size=(8, dim)), "decoder.0.bias": rng.normal(size=8),
               "decoder.1.weight": rng.normal(size=(16, 8)), "decoder.1.bias": rng.normal(size=16)}
        w.add_snapshot(step, rng.normal(size=(N, dim)).astype(dtype),
                       rng.random(N).astype(np.float32) if losses else None, dec if decoder else None)
    if complete:
        w.finish()
    return target


def test_capabilities_and_reasons(tmp_path: Path) -> None:
    bare = load_run(make_recording(tmp_path / "bare", losses=False, labels=False, images=False))
    assert bare.kind == "recording" and bare.capabilities == frozenset()
    assert bare.why_not("labels") == ("Run bare holds no labels, so every point is one class (the Recorder's labels= "
                                      "keeps them).")
    assert bare.class_names[0] == "(no labels)" and len(bare.class_names) == 10 and (bare.labels == 0).all()
    assert (bare.test_bce == 0).all() and bare.images is None and bare.step_loss is None
    for method in (lambda: bare.decoder(0), lambda: bare.decode(np.zeros(3))):
        with pytest.raises(MissingCapability) as err:
            method()
        assert err.value.capability == "decoder" and isinstance(err.value, RunError)
    full = load_run(make_recording(tmp_path / "full", decoder=True))
    assert full.capabilities == {"decoder", "images", "labels", "losses"} and full.why_not("decoder") is None
    assert full.decode(full.codes[-1, :2]).shape == (2, 4, 4)
    auto = load_run(make_fake_run(tmp_path / "auto"))
    assert auto.kind == "autoencoder" and auto.capabilities == ALL_CAPABILITIES and auto.raw_codes is None
    assert all(auto.why_not(c) is None for c in ALL_CAPABILITIES) and auto.embedding_dim == 3
    with pytest.raises(ValueError, match="unknown capability"):
        auto.why_not("wings")


def test_three_dimensional_recordings_are_drawn_as_they_are(tmp_path: Path) -> None:
    run = load_run(make_recording(tmp_path / "r3", dim=3, dtype="float16"))
    assert run.projection is None and run.codes.dtype == np.float32
    np.testing.assert_array_equal(run.codes, run.raw_codes.astype(np.float32))


def test_steps_after_zero_position_on_the_first_snapshot(tmp_path: Path) -> None:
    run = load_run(make_recording(tmp_path / "late", steps=(100, 200, 400)))
    assert run.position_of_step(0) == 0.0 and run.position_of_step(300) == pytest.approx(1.5)
    np.testing.assert_array_equal(run.codes_at(50), run.codes[0])


def _edit(rel: str, change: Callable[[Any], Any]) -> Callable[[Path], None]:
    def apply(run: Path) -> None:
        meta = json.loads((run / "run.json").read_text())
        change(meta) if rel == "meta" else None
        (run / "run.json").write_text(json.dumps(meta))
    return apply


def _meta(key: str, value: Any) -> Callable[[Path], None]:
    def change(meta: dict[str, Any]) -> None:
        node = meta
        *path, last = key.split(".")
        for k in path:
            node = node[int(k)] if isinstance(node, list) else node[k]
        if value is KeyError:
            del node[last]
        else:
            node[int(last) if isinstance(node, list) else last] = value
    return _edit("meta", change)


def _array(rel: str, arr: np.ndarray) -> Callable[[Path], None]:
    return lambda run: np.save(run / rel, arr, allow_pickle=arr.dtype.hasobject)  # a pickle payload, to be refused


def _link(rel: str) -> Callable[[Path], None]:
    def apply(run: Path) -> None:
        (run / rel).unlink()
        os.symlink("/etc/hostname", run / rel)
    return apply


HOSTILE = [
    ("kind-missing", _meta("kind", KeyError), r"format 3 runs must be of kind \"recording\""),
    ("status-other", _meta("status", "done"), r"'status' must be \"recording\" or \"complete\""),
    ("source-other", _meta("source", "wandb"), r"'source' must be \"recorder\" or \"tensorboard\""),
    ("dim-zero", _meta("dim", 0), r"'dim' must be a whole number from 1"),
    ("points-string", _meta("points", "40"), r"'points' must be a whole number"),
    ("dtype-int8", _meta("dtype", "int8"), r"'dtype' must be \"float32\" or \"float16\""),
    ("schedule-bad", _meta("schedule", "often"), r"'schedule' must be epochs, log, every:N or null"),
    ("losses-string", _meta("losses", "yes"), r"'losses' must be true or false"),
    ("snapshots-empty", _meta("snapshots", []), r"'snapshots' must be a list of 1 to"),
    ("steps-backwards", _meta("snapshots.1.step", 0), r"snapshot steps must increase strictly"),
    ("loss-nan", _meta("snapshots.0.loss", "NaN"), r"snapshot 0 has loss 'NaN'; it must be a finite number"),
    ("step-missing-file", _meta("snapshots.1.step", 1), r"embeddings/step_0000001\.npy is missing"),
    ("images-side", _meta("images", {"shape": [4, 400]}), r"'images' must be null or"),
    ("decoder-widths", _meta("decoder", {"widths": [5, 8, 15], "image_shape": [4, 4]}), r"the decoder maps 5 numbers"),
    ("class-names-11", _meta("dataset.class_names", [str(i) for i in range(11)]), r"list of 1 to 10 names"),
    ("class-name-control", _meta("dataset.class_names", ["a\x1b[2J", "b", "c"]), r"control character"),
    ("labels-beyond-names", _meta("dataset.class_names", ["a", "b"]), r"holds label 2, but the run names 2 classes"),
    ("embedding-nan", _array("embeddings/step_0000010.npy", np.full((N, D), np.nan, np.float32)),
     r"step_0000010\.npy contains NaN"),  # the last snapshot: read at open (a middle one: see the next test)
    ("projected-nan", _array("projected.npy", np.full((4, N, 3), np.nan, np.float32)), r"projected\.npy contains NaN"),
    ("projected-shape", _array("projected.npy", np.zeros((3, N, 3), np.float32)), r"has shape 3x40x3, expected 4x40x3"),
    ("embedding-width", _array("embeddings/step_0000005.npy", np.zeros((N, D + 1), np.float32)),
     r"has shape 40x6, expected 40x5"),
    ("embedding-rows", _array("embeddings/step_0000000.npy", np.zeros((N - 1, D), np.float32)),
     r"has shape 39x5, expected 40x5"),
    ("embedding-dtype", _array("embeddings/step_0000000.npy", np.zeros((N, D), np.float64)),
     r"has dtype float64, expected float32"),
    ("embedding-object", _array("embeddings/step_0000000.npy", np.array([None] * N, dtype=object)),
     r"holds Python objects"),
    ("loss-inf", _array("losses/step_0000002.npy", np.full(N, np.inf, np.float32)), r"contains NaN or infinite"),
    ("labels-rows", _array("labels.npy", np.zeros(N + 1, np.uint8)), r"labels\.npy has shape 41, expected 40"),
    ("images-shape", _array("images.npy", np.zeros((N, 4, 5), np.uint8)), r"has shape 40x4x5, expected 40x4x4"),
    ("embedding-link", _link("embeddings/step_0000000.npy"), r"is a link or points outside the run folder"),
]


@pytest.mark.parametrize("name, damage, match", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_recordings_are_refused_with_one_sentence(tmp_path: Path, name: str, damage: Callable[[Path], None],
                                                          match: str) -> None:
    run = make_recording(tmp_path / name)
    damage(run)
    with pytest.raises(RunError, match=match) as err:
        load_run(run)
    assert "\n" not in str(err.value)


def test_a_wide_recording_opens_from_its_stored_projection_and_reads_the_embedding_when_asked(tmp_path: Path) -> None:
    path = make_recording(tmp_path / "r")
    stored = load_run(path)
    (path / "projected.npy").unlink()  # as a recording written before the file existed: projected on open
    computed = load_run(path)
    np.testing.assert_array_equal(stored.codes, computed.codes)
    assert stored.projection is not None and stored.projection.describe() == computed.projection.describe()
    np.testing.assert_array_equal(np.asarray(stored.raw_codes), computed.raw_codes)
    assert stored.raw_codes.shape == computed.raw_codes.shape and stored.embedding_dim == D
    np.testing.assert_array_equal(stored.raw_codes[2, 7], computed.raw_codes[2, 7])


def test_a_stored_projection_that_disagrees_is_not_drawn(tmp_path: Path) -> None:
    path = make_recording(tmp_path / "r")
    honest = load_run(path).codes
    np.save(path / "projected.npy", np.zeros((4, N, 3), np.float32))  # finite, the right shape, but not the data's
    np.testing.assert_array_equal(load_run(path).codes, honest)


def test_a_damaged_middle_snapshot_is_refused_when_its_embedding_is_read(tmp_path: Path) -> None:
    path = make_recording(tmp_path / "r")
    np.save(path / "embeddings/step_0000005.npy", np.full((N, D), np.nan, np.float32))
    run = load_run(path)  # drawn from the stored projection, which is whole
    with pytest.raises(RunError, match=r"step_0000005\.npy contains NaN") as err:
        np.asarray(run.raw_codes)
    assert "\n" not in str(err.value)
    out = tmp_path / "raw.csv"
    proc = subprocess.run([sys.executable, str(REPO / "run.py"), "export", str(path), "--raw", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "step_0000005.npy contains NaN" in proc.stderr and not out.exists()


def test_a_recording_too_large_for_memory_is_refused_before_reading(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import latent3d.runs.memory as memory

    run = make_recording(tmp_path / "big")
    monkeypatch.setattr(memory, "available_memory", lambda: 10_000)
    with pytest.raises(RunError, match=r"needs about .* of memory to open \(4 snapshots\), more than the 10 kB"):
        load_run(run)


def test_an_older_latent3d_refuses_a_recording_by_its_version(tmp_path: Path) -> None:
    from latent3d.runs.validation import check_meta

    run = make_recording(tmp_path / "r")
    meta = json.loads((run / "run.json").read_text())
    with pytest.raises(RunError, match="has format_version 3; this latent3d reads 1 or 2"):
        check_meta(run / "run.json", run, meta, (1, 2))  # what format-2 latent3d ran first


def test_export_writes_projected_and_raw_columns(tmp_path: Path) -> None:
    run = load_run(make_recording(tmp_path / "r"))
    out = latent3d.export(run, tmp_path / "all.csv", raw=True)
    lines = out.read_text().splitlines()
    assert lines[0] == "snapshot,step,epoch,index,label,class,x,y,z,loss,e0,e1,e2,e3,e4"
    assert len(lines) == 1 + 4 * N
    row = lines[1 + 3 * N + 7].split(",")  # the last snapshot, point 7
    np.testing.assert_allclose([float(v) for v in row[6:9]], run.codes[3, 7], rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in row[10:]], run.raw_codes[3, 7], rtol=1e-6)
    assert row[5] == run.class_names[run.labels[7]]
    plain = latent3d.export(run, tmp_path / "xyz.csv").read_text().splitlines()[0]
    assert plain == "snapshot,step,epoch,index,label,class,x,y,z,loss"
    no_loss = load_run(make_recording(tmp_path / "nl", losses=False))
    assert latent3d.export(no_loss, tmp_path / "nl.csv", step=5).read_text().splitlines()[1].split(",")[9] == ""
    with pytest.raises(ValueError, match="--raw is for a recording"):
        latent3d.export(load_run(make_fake_run(tmp_path / "auto")), tmp_path / "a.csv", raw=True)
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.read_parquet(latent3d.export(run, tmp_path / "r.parquet", raw=True, step=2))
    assert list(frame.columns)[-6:] == ["loss", "e0", "e1", "e2", "e3", "e4"] and len(frame) == N
    np.testing.assert_allclose(frame[["e0", "e1", "e2", "e3", "e4"]].to_numpy(), run.raw_codes[1], rtol=1e-6)


def test_info_describes_a_recording(tmp_path: Path) -> None:
    make_recording(tmp_path / "r", decoder=False)
    r = subprocess.run([sys.executable, "run.py", "info", str(tmp_path / "r")], capture_output=True, text=True,
                       cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Recording  5-D embedding of 40 inputs, from recorder; 5 steps per epoch, 2 epochs planned" in r.stdout
    assert "Shown as   PCA of 5-D, " in r.stdout and "was recorded without a decoder" in r.stdout
    j = subprocess.run([sys.executable, "run.py", "info", "--json", str(tmp_path / "r")], capture_output=True,
                       text=True, cwd=REPO, timeout=120)
    s = json.loads(j.stdout)
    assert s["kind"] == "recording" and s["embedding_dim"] == 5 and s["capabilities"] == ["images", "labels", "losses"]
    assert s["projection"]["note"].startswith("PCA of 5-D")


def test_a_partial_recording_leaves_no_visible_folder(tmp_path: Path) -> None:
    w = RecordingWriter(tmp_path / "r", {"steps_per_epoch": 1, "epochs": 1, "points": 2, "dim": 3, "dtype": "float32",
                                         "schedule": None, "losses": False, "labels": False, "images": None,
                                         "decoder": None, "source": "recorder"}, sync=False)
    assert [p.name.startswith(".r.partial-") for p in tmp_path.iterdir()] == [True]
    assert w.finish() is None and list(tmp_path.iterdir()) == []
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_the_window_warm_up_skips_a_missing_decoder(tmp_path: Path) -> None:
    from latent3d.analysis.warmup import warm_up

    run = load_run(make_recording(tmp_path / "r", decoder=False))
    warm_up(run, None, 1)  # the window's first-click warm-up: no decoder to build, no error
    with_decoder = load_run(make_recording(tmp_path / "d", decoder=True))
    warm_up(with_decoder, None, 1)
    assert 1 in with_decoder._decoders
