"""Watch a small CNN classifier learn Fashion-MNIST: its 64-D penultimate layer, recorded with latent3d.Recorder.

    python examples/cnn_classifier.py --data-dir DATA --out runs/fashion-cnn
    python run.py runs/fashion-cnn        # the classes coming apart, step by step, in 3-D (PCA of 64-D)

A plain PyTorch loop: the only latent3d lines are the Recorder, ``rec.step(model, step)`` after each
optimiser step, and the ``with`` block that completes the run.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import torch
from torch import nn

import latent3d

try:
    from examples._fashion import data_dir, load
except ImportError:  # run as a script: its own folder is on the path
    from _fashion import data_dir, load  # type: ignore[no-redef]


DEFAULT_EPOCHS = 20  # as `latent3d train`: the log schedule's 20 snapshots in epoch 1 weigh less over 20 epochs


class SmallCNN(nn.Module):
    """Two convolutions, then a 64-D layer (the embedding we watch) and the 10-way classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU())
        self.classifier = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def train(root: Path, out: Path | None, *, epochs: int = DEFAULT_EPOCHS, batch_size: int = 64,
          train_images: int | None = None, probe_images: int = 10_000, seed: int = 0,
          record: bool = True) -> dict[str, float]:
    """Train the CNN, recording its embedding into ``out`` (``record=False``: the same training, unrecorded).

    Returns the wall time of the training loop (recording included) and the snapshots taken.
    """
    torch.manual_seed(seed)
    data = load(root, train_images=train_images, probe_images=probe_images)
    x, y = data["x"], data["y"]
    assert isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)
    model = SmallCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps_per_epoch = math.ceil(len(x) / batch_size)
    rec = latent3d.Recorder(out, inputs=data["probe"], labels=data["probe_labels"], embed="features",
                            images=data["probe_images"], class_names=data["class_names"],
                            steps_per_epoch=steps_per_epoch, epochs=epochs, dataset_name="Fashion-MNIST",
                            loss_fn=nn.CrossEntropyLoss(reduction="none")) if record else None
    start = time.perf_counter()
    step = 0
    if rec is not None:
        rec.step(model, 0)  # the untrained network
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch_size):
            batch = order[i:i + batch_size]
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if rec is not None:
                rec.step(model, step)
    if rec is not None:
        rec.close()
    return {"seconds": time.perf_counter() - start, "snapshots": rec.snapshots if rec is not None else 0}


def main(argv: list[str] | None = None) -> int:
    """Command line of the example."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", help="folder holding FashionMNIST/raw (default $LATENT3D_DATA_DIR or ./data)")
    p.add_argument("--out", default="fashion-cnn", help="run folder to write (default: fashion-cnn in the runs folder)")
    p.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    p.add_argument("--train-images", type=int, help="train on the first N images only")
    p.add_argument("--probe-images", type=int, default=10_000, help="test images whose embedding is kept")
    args = p.parse_args(argv)
    result = train(data_dir(args.data_dir), Path(args.out), epochs=args.epochs, train_images=args.train_images,
                   probe_images=args.probe_images)
    print(f"Recorded {result['snapshots']:.0f} snapshots in {result['seconds']:.1f} s; open them with "
          f"`python run.py {args.out}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
