"""The Recorder inside Lightning's and Hugging Face's training loops (each test skipped when its library is absent)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from latent3d.config.schedule import snapshot_steps
from latent3d.runs import load_run

N, BATCH, EPOCHS = 60, 10, 2


def _data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 3, (N,), generator=g)
    return torch.randn(N, 8, generator=g) + y[:, None].float(), y


def test_lightning_callback_records_every_scheduled_step(tmp_path: Path) -> None:
    pl = pytest.importorskip("lightning.pytorch")
    from latent3d.training.lightning import RecorderCallback

    class Module(pl.LightningModule):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(nn.Linear(8, 5), nn.ReLU())
            self.head = nn.Linear(5, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.features(x))

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, y = batch
            return nn.functional.cross_entropy(self(x), y)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=0.1)

    x, y = _data()
    callback = RecorderCallback(tmp_path / "pl", inputs=x, labels=y, embed="features",
                                loss_fn=nn.CrossEntropyLoss(reduction="none"))
    trainer = pl.Trainer(max_epochs=EPOCHS, callbacks=[callback], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's advice about workers and small datasets
        trainer.fit(Module(), DataLoader(TensorDataset(x, y), batch_size=BATCH))
    run = load_run(tmp_path / "pl")
    assert run.meta["status"] == "complete" and run.steps_per_epoch == N // BATCH
    assert run.steps.tolist() == snapshot_steps("log", N // BATCH, EPOCHS).tolist()
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (N, 5) and "losses" in run.capabilities


def test_hugging_face_callback_records_every_scheduled_step(tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    from latent3d.training.huggingface import RecorderCallback

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(nn.Linear(8, 4), nn.ReLU())
            self.head = nn.Linear(4, 3)

        def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
            logits = self.head(self.features(x))
            out = {"logits": logits}
            if labels is not None:
                out["loss"] = nn.functional.cross_entropy(logits, labels)
            return out

    x, y = _data()
    args = transformers.TrainingArguments(output_dir=str(tmp_path / "hf-out"), num_train_epochs=EPOCHS,
                                          per_device_train_batch_size=BATCH, report_to=[], save_strategy="no",
                                          logging_strategy="no", use_cpu=True, disable_tqdm=True,
                                          learning_rate=0.05)
    callback = RecorderCallback(tmp_path / "hf", inputs=x, labels=y, embed=lambda m, inp: m.features(inp))
    trainer = transformers.Trainer(model=Model(), args=args, callbacks=[callback],
                                   train_dataset=[{"x": x[i], "labels": y[i]} for i in range(N)])
    trainer.train()
    run = load_run(tmp_path / "hf")
    assert run.meta["status"] == "complete" and run.steps_per_epoch == N // BATCH
    assert run.steps.tolist() == snapshot_steps("log", N // BATCH, EPOCHS).tolist()
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (N, 4)
