"""The public API: ``import latent3d`` stays light; ``train``, ``load_run``, ``export``, Run accessors on small runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import latent3d
from latent3d.analysis.interpolate import codes_at
from latent3d.runs import RunError
from latent3d.state.timeline import Timebase
from tests.support.scene_fixtures import make_run

REPO = Path(__file__).resolve().parents[1]
SMALL = {"max_train_images": 500, "max_test_images": 100, "progress": False, "device": "cpu"}


def test_import_is_light() -> None:
    code = ("import sys, latent3d; heavy = ('torch', 'torchvision', 'PySide6', 'vtk', 'vtkmodules', 'pyvista', "
            "'pandas', 'pyarrow'); print(sorted(m for m in heavy if m in sys.modules), latent3d.__all__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert out.strip() == ("[] ['Recorder', '__version__', 'export', 'import_tensorboard', 'load_run', 'show', "
                           "'train']")


def test_train_returns_the_saved_run(data_dir: Path, tmp_path: Path) -> None:
    run = latent3d.train(1, data_dir=data_dir, out=tmp_path / "r", seed=3, snapshots="epochs", **SMALL)
    assert run.path == tmp_path / "r" and run.epochs == 1 and run.codes.shape == (2, 100, 3)
    assert run.config.seed == 3 and run.meta["dataset"]["id"] == "fashion-mnist"
    assert run.meta["command"].startswith("latent3d.train(epochs=1")
    again = latent3d.load_run(tmp_path / "r")
    np.testing.assert_array_equal(again.codes, run.codes)


def test_a_name_goes_to_the_runs_folder(data_dir: Path, _isolated_runs_dir: Path) -> None:
    latent3d.train(1, data_dir=data_dir, out="by-name", snapshots="epochs", **SMALL)
    assert (_isolated_runs_dir / "by-name" / "run.json").is_file()
    assert latent3d.load_run("by-name").name == "by-name"


@pytest.mark.parametrize("kwargs, fragment", [
    ({"epochs": 0}, "Epochs must be an integer from 1"),
    ({"lr": -1.0}, "Learning rate must be a number above 0"),
    ({"dataset": "cifar10"}, "Unknown dataset 'cifar10'"),
    ({"device": "tpu"}, "device must be 'cpu', 'cuda' or 'auto'"),
    ({"snapshots": "sometimes"}, "sometimes"),
])
def test_bad_values_raise_one_sentence_and_create_nothing(kwargs: dict[str, object], fragment: str,
                                                          tmp_path: Path) -> None:
    args = {"epochs": 1, "out": tmp_path / "r", "data_dir": tmp_path, **kwargs}
    with pytest.raises(ValueError, match=fragment) as exc:
        latent3d.train(**args)  # type: ignore[arg-type]
    assert "\n" not in str(exc.value) and str(exc.value).endswith(".")
    assert list(tmp_path.iterdir()) == []


def test_existing_out_and_a_file_as_data_dir_are_refused(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    with pytest.raises(ValueError, match="already exists"):
        latent3d.train(1, out=tmp_path / "r", data_dir=tmp_path, progress=False)
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="data_dir .* is a regular file, not a folder"):
        latent3d.train(1, out=tmp_path / "s", data_dir=tmp_path / "f", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", "r"]


def test_load_run_refuses_with_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="does not exist"):
        latent3d.load_run(tmp_path / "nothing")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> latent3d.api.Run:
    return latent3d.load_run(make_run(tmp_path_factory.mktemp("api") / "r", n=80, epochs=3))


def test_accessors_at_snapshots_and_between(run: latent3d.api.Run) -> None:
    assert run.steps.dtype == np.int64 and run.labels.shape == (80,) and len(run.class_names) == run.n_classes == 10
    for i, step in enumerate(run.steps):
        np.testing.assert_array_equal(run.codes_at(int(step)), run.codes[i])
        np.testing.assert_array_equal(run.test_bce_at(int(step)), run.test_bce[i])
    step = (run.steps[1] + run.steps[2]) / 2
    u = Timebase(run.steps, run.steps_per_epoch).at_step(step)  # the window's timeline position for that step
    np.testing.assert_array_equal(run.codes_at(step), codes_at(run.codes, u))
    np.testing.assert_allclose(run.test_bce_at(step), (run.test_bce[1] + run.test_bce[2]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(run.codes_at(), run.codes[-1])
    out = run.codes_at(0)
    out += 1  # a copy: the run's own codes never change
    assert not np.array_equal(out, run.codes[0])


def test_decode_uses_the_nearest_snapshots_decoder(run: latent3d.api.Run) -> None:
    z = run.codes[2, :5]
    near = (run.steps[2] * 3 + run.steps[1]) / 4  # nearer snapshot 2 than 1
    images = run.decode(z, near)
    assert images.shape == (5, 28, 28) and images.dtype == np.float32
    np.testing.assert_array_equal(images.reshape(5, 784), run.decoder(2)(z))
    assert run.decode(z[0]).shape == (28, 28)


@pytest.mark.parametrize("call, fragment", [
    (lambda r: r.codes_at(-1), "step must be a number from 0 to"),
    (lambda r: r.codes_at(10**9), "step must be a number from 0 to"),
    (lambda r: r.test_bce_at(float("nan")), "step must be a number"),
    (lambda r: r.codes_at("3"), "step must be a number"),
    (lambda r: r.decode(np.zeros((4, 2))), "codes must have shape (K, 3) or (3,), not (4, 2)"),
    (lambda r: r.decode(np.full(3, np.inf)), "codes must be finite numbers"),
])
def test_bad_arguments_raise_value_error(run: latent3d.api.Run, call: object, fragment: str) -> None:
    with pytest.raises(ValueError) as exc:
        call(run)  # type: ignore[operator]
    assert fragment in str(exc.value)


def test_export_from_python(run: latent3d.api.Run, tmp_path: Path) -> None:
    path = latent3d.export(run, tmp_path / "x.csv", step=float(run.steps[1]))
    assert path.read_text().count("\n") == 81
    with pytest.raises(ValueError, match="must end in .csv or .parquet"):
        latent3d.export(run.path, tmp_path / "x.json")
    assert json.loads((run.path / "run.json").read_text())["format_version"] == 2


def test_train_stays_callable_beside_the_training_package() -> None:
    code = ("import latent3d.training.session, latent3d, inspect; from latent3d.training import loop; "
            "print(callable(latent3d.train), latent3d.training.session.__name__, "
            "list(inspect.signature(latent3d.train).parameters)[:2])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert out.strip() == "True latent3d.training.session ['epochs', 'dataset']"
