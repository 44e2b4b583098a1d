"""latent3d.Recorder in a plain training loop: the schedule, the guest rules (modes, gradients, never raising)."""

from __future__ import annotations

import errno
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import latent3d
from latent3d.config.schedule import snapshot_steps
from latent3d.runs import load_run
from latent3d.runs.run import MissingCapability
from latent3d.training.recorder import Recorder, RecorderWarning

N, SPE, EPOCHS = 120, 12, 2


class Net(nn.Module):
    """A tiny classifier with a BatchNorm (to check modes) and a 16-D penultimate layer."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.BatchNorm1d(16), nn.ReLU())
        self.head = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def _data(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (N,), generator=g)
    x = torch.randn(N, 1, 8, 8, generator=g) * 0.5 + y.view(-1, 1, 1, 1).float()
    return x, y


def _train(model: nn.Module, rec: Recorder, x: torch.Tensor, y: torch.Tensor, epochs: int = EPOCHS) -> int:
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    rec.step(model, 0)
    step = 0
    for _ in range(epochs):
        for b in range(SPE):
            xb, yb = x[b * 10:(b + 1) * 10], y[b * 10:(b + 1) * 10]
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            rec.step(model, step)
    return step


def test_a_plain_loop_records_the_schedule_and_the_run_opens(tmp_path: Path) -> None:
    torch.manual_seed(0)
    x, y = _data()
    model = Net()
    with Recorder(tmp_path / "cnn", inputs=x, labels=y, embed="features", images=x, class_names=["a", "b", "c"],
                  steps_per_epoch=SPE, epochs=EPOCHS, loss_fn=nn.CrossEntropyLoss(reduction="none")) as rec:
        _train(model, rec, x, y)
    run = load_run(tmp_path / "cnn")
    assert run.kind == "recording" and run.meta["status"] == "complete"
    assert run.steps.tolist() == snapshot_steps("log", SPE, EPOCHS).tolist()
    assert run.raw_codes is not None and run.raw_codes.shape == (len(run.steps), N, 16)
    assert run.codes.shape == (len(run.steps), N, 3) and run.projection is not None
    assert run.capabilities == {"labels", "images", "losses"} and run.labels.tolist() == y.tolist()
    assert run.class_names[:3] == ("a", "b", "c") and run.images is not None and run.images.shape == (N, 8, 8)
    # The last snapshot is the model's embedding now, and the loss its cross-entropy per sample.
    model.eval()
    with torch.no_grad():
        want = model.features(x).numpy()
        ce = nn.functional.cross_entropy(model(x), y, reduction="none").numpy()
    np.testing.assert_allclose(run.raw_codes[-1], want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(run.test_bce[-1], ce, rtol=1e-5, atol=1e-6)
    assert run.snapshot_test_loss[-1] < run.snapshot_test_loss[0]  # it learned
    with pytest.raises(MissingCapability, match="was recorded without a decoder") as err:
        run.decoder(0)
    assert err.value.capability == "decoder" and run.encoder_layers(0) is None


def test_modes_and_gradients_are_the_users(tmp_path: Path) -> None:
    x, y = _data()
    model = Net()
    model.features[2].eval()  # a frozen BatchNorm inside a model in training mode stays frozen
    loss = nn.functional.cross_entropy(model(x[:10]), y[:10])
    loss.backward()
    grads = [p.grad.clone() for p in model.parameters()]
    running = model.features[2].running_mean.clone()
    rec = Recorder(tmp_path / "r", inputs=x, embed=lambda m, inp: m.features(inp), steps_per_epoch=SPE, epochs=1)
    assert rec.step(model, 0)
    assert model.training and not model.features[2].training and model.head.training
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), grads))
    assert torch.equal(model.features[2].running_mean, running)
    assert not rec.step(model, 5 * SPE + 1) and rec.snapshots == 1  # off the schedule: nothing


def test_every_snapshot_is_a_run_while_recording(tmp_path: Path) -> None:
    x, y = _data()
    model = Net()
    rec = Recorder(tmp_path / "live", inputs=x, labels=y, embed="features.3", steps_per_epoch=SPE, epochs=1,
                   schedule="every:4")
    assert not (tmp_path / "live").exists()
    for step in (0, 4, 8):
        assert rec.step(model, step)
        run = load_run(tmp_path / "live")  # the window's view of a training that is still running
        assert run.meta["status"] == "recording" and run.steps[-1] == step
    assert latent3d.runs.list_runs(tmp_path) == []  # the menu lists complete runs only
    assert rec.close() == tmp_path / "live"
    assert [r.name for r in latent3d.runs.list_runs(tmp_path)] == ["live"]


@pytest.mark.parametrize("problem, match", [
    ("nan", "holds NaN or infinite values"),
    ("shape", "the embedding of a batch of 50 inputs has shape"),
    ("disk", "writing the snapshot at step 4 failed \\(the disk is full\\)"),
    ("float16", "beyond float16's range"),
])
def test_a_problem_stops_the_recording_with_one_warning_and_training_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str, match: str) -> None:
    x, y = _data()
    model = Net()
    state = {"step": 0}

    def embed(m: nn.Module, inp: torch.Tensor) -> torch.Tensor:
        e = m.features(inp)
        if state["step"] >= 4 and problem == "nan":
            return e * float("nan")
        if state["step"] >= 4 and problem == "shape":
            return e[:-1]
        return e * (1e6 if problem == "float16" and state["step"] >= 4 else 1.0)

    rec = Recorder(tmp_path / "r", inputs=x, embed=embed, steps_per_epoch=SPE, epochs=1, schedule="every:4",
                   batch_size=50, float16=problem == "float16")
    if problem == "disk":
        import latent3d.runs.recording_writer as rw

        real = rw._replace_atomically

        def full(target: Path, data: object, *, sync: bool) -> None:
            if "step_0000004" in target.name:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(target, data, sync=sync)  # type: ignore[arg-type]

        monkeypatch.setattr(rw, "_replace_atomically", full)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(0, 13):
            state["step"] = step
            rec.step(model, step)  # never raises
    messages = [str(w.message) for w in caught if issubclass(w.category, RecorderWarning)]
    assert len(messages) == 1 and messages[0].count(". ") == 0, messages
    assert re.search(match, messages[0]), messages[0]
    assert "what was recorded so far (1 snapshot) stays in" in messages[0] and "the training goes on" in messages[0]
    rec.close()
    run = load_run(tmp_path / "r")  # what was recorded before the problem opens
    assert run.steps.tolist() == [0]


def test_rank_other_than_zero_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, _ = _data()
    monkeypatch.setattr(torch.distributed, "is_available", lambda: True)
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 1)
    rec = Recorder(tmp_path / "r", inputs=x, embed="features", steps_per_epoch=SPE, epochs=1)
    assert not rec.step(Net(), 0)
    assert rec.close() is None and not (tmp_path / "r").exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs, match", [
    ({"labels": torch.arange(N) % 11}, "labels must be from 0 to 9"),
    ({"labels": torch.zeros(N - 1)}, "labels holds 119 values for 120 inputs"),
    ({"labels": torch.zeros(N), "class_names": ["a"] * 11}, "class_names must name 1 to 10 classes"),
    ({"labels": torch.zeros(N), "class_names": ["a\x1b[2J"]}, "class_names item 0 holds the control character"),
    ({"labels": torch.zeros(N), "class_names": ["a", "a"]}, "class_names names a class twice"),
    ({"dataset_name": "x" * 50}, "dataset_name is 50 characters long"),
    ({"decoder": 3}, "decoder must be an nn.Module or a submodule name"),
    ({"loss_fn": nn.CrossEntropyLoss(reduction="none")}, "loss_fn needs targets= or labels="),
    ({"images": torch.zeros(N, 2, 8, 8)}, "images must be 120 images"),
    ({"images": torch.zeros(N, 300, 300)}, "thumbnails of at most 256 pixels"),
    ({"decoder": nn.Sequential(nn.Linear(16, 64), nn.Tanh())}, "decoder= must be dense layers"),
    ({"schedule": "sometimes"}, "is not one of epochs, log or every:N"),
    ({"steps_per_epoch": 0}, "steps_per_epoch must be a whole number of at least 1"),
])
def test_bad_arguments_are_one_sentence_before_training(tmp_path: Path, kwargs: dict, match: str) -> None:
    x, _ = _data()
    args = {"inputs": x, "embed": "features", "steps_per_epoch": SPE, "epochs": 1} | kwargs
    with pytest.raises(ValueError, match=match):
        Recorder(tmp_path / "r", **args)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    with pytest.raises(ValueError, match="already exists"):
        Recorder(tmp_path / "r", inputs=torch.zeros(3, 2), embed="x", steps_per_epoch=1, epochs=1)


class VAE(nn.Module):
    """A tiny VAE-like autoencoder whose decoder is dense (the window decodes it in numpy)."""

    def __init__(self, latent: int) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


@pytest.mark.parametrize("latent, half", [(3, False), (2, False), (6, False), (6, True)])
def test_a_recorded_decoder_decodes_the_drawn_codes(tmp_path: Path, latent: int, half: bool) -> None:
    torch.manual_seed(latent)
    x, _ = _data()
    images = torch.rand(N, 8, 8)
    model = VAE(latent)
    rec = Recorder(tmp_path / "vae", inputs=images, embed="encoder", images=images, decoder=model.decoder,
                   steps_per_epoch=SPE, epochs=1, schedule="epochs", float16=half)
    assert rec.step(model, 0)
    rec.close()
    run = load_run(tmp_path / "vae")
    assert "decoder" in run.capabilities and run.image_shape == (8, 8)
    codes = run.codes[0, :5]
    with torch.no_grad():
        if latent == 3:  # drawn as it is: the decoder of the code itself
            want = model.decoder(torch.as_tensor(codes)).numpy()
        else:  # the drawn code stands for the embedding point it projects back to
            a, c = run.projection.to_source()
            want = model.decoder(torch.as_tensor((codes.astype(np.float64) @ a.T + c).astype(np.float32))).numpy()
    np.testing.assert_allclose(run.decode(codes, 0).reshape(5, 64), want, atol=2e-3 if half else 1e-5)
    if latent == 2:  # a padded width loses nothing: the drawn code's decoding is the recorded point's
        with torch.no_grad():
            exact = model.decoder(model.encoder(images[:5])).numpy()
        np.testing.assert_allclose(run.decode(codes, 0).reshape(5, 64), exact, atol=1e-5)


def test_float16_halves_the_files_and_reads_back(tmp_path: Path) -> None:
    x, y = _data()
    model = Net()
    for name, half in (("f32", False), ("f16", True)):
        rec = Recorder(tmp_path / name, inputs=x, labels=y, embed="features", steps_per_epoch=SPE, epochs=1,
                       schedule="epochs", float16=half)
        rec.step(model, 0)
        rec.close()
    a, b = load_run(tmp_path / "f32"), load_run(tmp_path / "f16")
    assert b.raw_codes is not None and b.raw_codes.dtype == np.float16 and a.raw_codes is not None
    size = {n: (tmp_path / n / "embeddings" / "step_0000000.npy").stat().st_size for n in ("f32", "f16")}
    assert size["f16"] < 0.55 * size["f32"]
    np.testing.assert_allclose(b.raw_codes.astype(np.float32), a.raw_codes, rtol=2e-3, atol=2e-3)
