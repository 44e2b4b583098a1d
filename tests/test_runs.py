"""Run folders: round trip, atomic visibility, and refusal of anything unsafe or malformed."""

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from latent3d import runs
from latent3d.config import TrainConfig
from tests.conftest import make_fake_run


def test_round_trip(fake_run: Path) -> None:
    run = runs.load_run(fake_run)
    assert run.epochs == 2
    assert run.codes.shape == (3, 500, 3) and run.codes.dtype == np.float32
    assert run.test_bce.shape == (3, 500)
    assert run.labels.dtype == np.uint8
    assert run.config == TrainConfig(epochs=2)
    assert len(run.train_loss) == len(run.test_loss) == 2
    assert run.decoder(1)(np.zeros((2, 3), np.float32)).shape == (2, 784)
    assert run.encoder_layers() is not None
    # Codes survive the trip bit for bit.
    again = make_fake_run(fake_run.parent / "again")
    np.testing.assert_array_equal(runs.load_run(again).codes, run.codes)


def test_float16_final_encoder_layout(tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=1)
    fake = runs.load_run(make_fake_run(tmp_path / "src", epochs=1))
    weights = {**{k: v for k, v in fake._weights[1].items()}}
    with runs.RunWriter(tmp_path / "half", cfg, weights_dtype="float16", keep_encoder="final") as w:
        for e in (0, 1):
            w.add_epoch(e, fake.codes[e], fake.test_bce[e], 0.5, None if e == 0 else 0.4, fake._weights[e])
        w.finish(labels=fake.labels)
    half = runs.load_run(tmp_path / "half")
    assert half.encoder_layers(0) is None
    assert half.encoder_layers(1) is not None
    np.testing.assert_allclose(half.decoder(1)(fake.codes[1][:5]), fake.decoder(1)(fake.codes[1][:5]), atol=2e-3)
    assert weights  # the source run is untouched


def test_partial_folder_is_invisible(tmp_path: Path) -> None:
    w = runs.RunWriter(tmp_path / "r", TrainConfig(epochs=1))
    assert not (tmp_path / "r").exists()
    assert runs.list_runs(tmp_path) == []
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_exception_inside_writer_removes_partial(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), runs.RunWriter(tmp_path / "r", TrainConfig(epochs=1)):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_existing_target(fake_run: Path) -> None:
    with pytest.raises(runs.RunError, match="already exists"):
        runs.RunWriter(fake_run, TrainConfig())


def test_list_and_newest(tmp_path: Path) -> None:
    a = make_fake_run(tmp_path / "a")
    (tmp_path / ".b.partial-1234").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "run.json").write_text("{")
    listed = runs.list_runs(tmp_path)
    assert [r.name for r in listed] == ["a"]
    assert runs.newest_run(tmp_path) == a


def test_resolve_run_path(tmp_path: Path) -> None:
    assert runs.resolve_run_path("abc", tmp_path) == tmp_path / "abc"
    assert runs.resolve_run_path(str(tmp_path / "x")) == tmp_path / "x"


# --- refusals: each gives one sentence naming the problem -----------------------------------

class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, ("touch PWNED",))


def _broken_copy(fake_run: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "broken"
    shutil.copytree(fake_run, dst)
    return dst


def test_refuses_pickle_in_codes(fake_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = _broken_copy(fake_run, tmp_path)
    (run / "codes.npy").write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(runs.RunError, match="codes.npy is not a plain numpy array file"):
        runs.load_run(run)
    assert not (tmp_path / "PWNED").exists()


def test_refuses_object_array(fake_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = _broken_copy(fake_run, tmp_path)
    np.save(run / "labels.npy", np.array([_Payload()], dtype=object), allow_pickle=True)
    with pytest.raises(runs.RunError, match="labels.npy is not a plain numpy array file"):
        runs.load_run(run)
    assert not (tmp_path / "PWNED").exists()


def test_refuses_pickle_as_weights(fake_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = _broken_copy(fake_run, tmp_path)
    (run / "weights" / "epoch_001.safetensors").write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(runs.RunError, match="epoch_001.safetensors is not a valid safetensors file"):
        runs.load_run(run)
    assert not (tmp_path / "PWNED").exists()


def test_refuses_wrong_shape(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    np.save(run / "codes.npy", np.zeros((3, 500, 2), np.float32))
    with pytest.raises(runs.RunError, match=r"codes.npy has shape 3x500x2, expected 3x500x3"):
        runs.load_run(run)


def test_refuses_wrong_dtype(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    np.save(run / "codes.npy", np.zeros((3, 500, 3), np.float64))
    with pytest.raises(runs.RunError, match="codes.npy has dtype float64, expected float32"):
        runs.load_run(run)


def test_refuses_nan(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    codes = np.load(run / "codes.npy")
    codes[1, 7, 0] = np.nan
    np.save(run / "codes.npy", codes)
    with pytest.raises(runs.RunError, match="codes.npy contains NaN or infinite values"):
        runs.load_run(run)


def test_refuses_bad_json_and_incomplete(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    meta = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**meta, "status": "running"}))
    with pytest.raises(runs.RunError, match="is not a complete run"):
        runs.load_run(run)
    (run / "run.json").write_text("[1, 2")
    with pytest.raises(runs.RunError, match="run.json is not valid JSON"):
        runs.load_run(run)


def test_refuses_symlink_outside(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    outside = tmp_path / "outside.npy"
    shutil.move(run / "labels.npy", outside)
    (run / "labels.npy").symlink_to(outside)
    with pytest.raises(runs.RunError, match="labels.npy is a link or points outside the run folder"):
        runs.load_run(run)


def test_refuses_missing_file_and_non_folder(fake_run: Path, tmp_path: Path) -> None:
    run = _broken_copy(fake_run, tmp_path)
    (run / "weights" / "epoch_002.safetensors").unlink()
    with pytest.raises(runs.RunError, match="epoch_002.safetensors is missing"):
        runs.load_run(run)
    with pytest.raises(runs.RunError, match="is a file, not a run folder"):
        runs.load_run(run / "run.json")
    with pytest.raises(runs.RunError, match="does not exist"):
        runs.load_run(tmp_path / "nope")
