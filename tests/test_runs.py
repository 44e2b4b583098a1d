"""Run folders: round trip, float16/final-encoder layout, atomic visibility, listing."""

from pathlib import Path

import numpy as np
import pytest

from latent3d import runs
from latent3d.config import TrainConfig
from latent3d.runs import writer as run_writer
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
    with run_writer.RunWriter(tmp_path / "half", cfg, weights_dtype="float16", keep_encoder="final") as w:
        for e in (0, 1):
            w.add_epoch(e, fake.codes[e], fake.test_bce[e], 0.5, None if e == 0 else 0.4, fake._weights[e])
        w.finish(labels=fake.labels)
    half = runs.load_run(tmp_path / "half")
    assert half.encoder_layers(0) is None
    assert half.encoder_layers(1) is not None
    np.testing.assert_allclose(half.decoder(1)(fake.codes[1][:5]), fake.decoder(1)(fake.codes[1][:5]), atol=2e-3)
    assert weights  # the source run is untouched


def test_partial_folder_is_invisible(tmp_path: Path) -> None:
    w = run_writer.RunWriter(tmp_path / "r", TrainConfig(epochs=1))
    assert not (tmp_path / "r").exists()
    assert runs.list_runs(tmp_path) == []
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_exception_inside_writer_removes_partial(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), run_writer.RunWriter(tmp_path / "r", TrainConfig(epochs=1)):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_existing_target(fake_run: Path) -> None:
    with pytest.raises(runs.RunError, match="already exists"):
        run_writer.RunWriter(fake_run, TrainConfig())


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


# Refusals of hostile and broken folders (pickles, object arrays, bad shapes, NaN, links, bad JSON,
# missing files) are tested over the whole corpus of tests/fixtures/make_bad_runs.py in test_hostile_runs.py.
