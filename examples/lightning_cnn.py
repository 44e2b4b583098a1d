"""Watch a Lightning module learn Fashion-MNIST: latent3d's RecorderCallback in ``Trainer(callbacks=[...])``.

    pip install latent3d[lightning]
    python examples/lightning_cnn.py --data-dir DATA --out runs/lightning-cnn
    python run.py runs/lightning-cnn
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

try:
    import lightning.pytorch as pl
except ImportError:
    raise SystemExit("This example needs Lightning: pip install latent3d[lightning]") from None

from latent3d.training.lightning import RecorderCallback

try:
    from examples._fashion import data_dir, load
    from examples.cnn_classifier import SmallCNN
except ImportError:  # run as a script: its own folder is on the path
    from _fashion import data_dir, load  # type: ignore[no-redef]
    from cnn_classifier import SmallCNN  # type: ignore[no-redef]


class Classifier(pl.LightningModule):
    """The example CNN as a LightningModule."""

    def __init__(self) -> None:
        super().__init__()
        self.net = SmallCNN()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=1e-3)


def main(argv: list[str] | None = None) -> int:
    """Command line of the example."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", help="folder holding FashionMNIST/raw (default $LATENT3D_DATA_DIR or ./data)")
    p.add_argument("--out", default="lightning-cnn", help="run folder to write (default: in the runs folder)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--train-images", type=int, help="train on the first N images only")
    p.add_argument("--probe-images", type=int, default=10_000)
    args = p.parse_args(argv)
    torch.manual_seed(0)
    data = load(data_dir(args.data_dir), train_images=args.train_images, probe_images=args.probe_images)
    callback = RecorderCallback(Path(args.out), inputs=data["probe"], labels=data["probe_labels"],
                                embed="net.features", images=data["probe_images"], class_names=data["class_names"],
                                loss_fn=nn.CrossEntropyLoss(reduction="none"), dataset_name="Fashion-MNIST")
    trainer = pl.Trainer(max_epochs=args.epochs, callbacks=[callback], logger=False, enable_checkpointing=False,
                         enable_model_summary=False, accelerator="auto", devices=1)
    loader = DataLoader(TensorDataset(data["x"], data["y"]), batch_size=64, shuffle=True)
    trainer.fit(Classifier(), loader)
    print(f"Recorded {callback.recorder.snapshots if callback.recorder else 0} snapshots; open them with "
          f"`python run.py {args.out}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
