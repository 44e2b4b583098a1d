"""Watch a variational autoencoder learn Fashion-MNIST, with its decoder: the window decodes any point you pick.

    python examples/vae.py --data-dir DATA --out runs/fashion-vae
    python run.py runs/fashion-vae

The embedding is the encoder's mean (3-D by default; ``--latent 8`` is shown through a PCA and the
decoder then decodes the 8-D point a drawn point stands for). The decoder must be dense layers
(Linear, ReLU between them, Sigmoid at the end) for the window to run it without torch.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from torch import nn

import latent3d

try:
    from examples._fashion import data_dir, load
except ImportError:  # run as a script: its own folder is on the path
    from _fashion import data_dir, load  # type: ignore[no-redef]


class VAE(nn.Module):
    """784-256 encoder to a mean and a log-variance; a dense decoder back to 784 pixels."""

    def __init__(self, latent: int = 3) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU())
        self.mean, self.log_var = nn.Linear(256, latent), nn.Linear(256, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.mean(h), self.log_var(h)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, log_var = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * log_var) if self.training else mu
        return self.decoder(z), mu, log_var


def reconstruction(outputs: tuple[torch.Tensor, ...], images: torch.Tensor) -> torch.Tensor:
    """Each image's mean binary cross-entropy per pixel (the per-sample loss the Recorder keeps)."""
    return nn.functional.binary_cross_entropy(outputs[0], images.flatten(1), reduction="none").mean(dim=1)


def train(root: Path, out: Path, *, epochs: int = 5, latent: int = 3, batch_size: int = 128,
          train_images: int | None = None, probe_images: int = 10_000, seed: int = 0) -> int:
    """Train the VAE and record it into ``out``; returns the snapshots taken."""
    torch.manual_seed(seed)
    data = load(root, train_images=train_images, probe_images=probe_images)
    x = data["x"]
    assert isinstance(x, torch.Tensor)
    model = VAE(latent)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    with latent3d.Recorder(out, inputs=data["probe"], labels=data["probe_labels"],
                           embed=lambda m, batch: m.encode(batch)[0], decoder=model.decoder,
                           images=data["probe_images"], class_names=data["class_names"],
                           loss_fn=reconstruction, targets=data["probe"], dataset_name="Fashion-MNIST",
                           steps_per_epoch=math.ceil(len(x) / batch_size), epochs=epochs) as rec:
        rec.step(model, 0)
        step = 0
        for _ in range(epochs):
            order = torch.randperm(len(x))
            for i in range(0, len(x), batch_size):
                batch = x[order[i:i + batch_size]]
                recon, mu, log_var = model(batch)
                kl = -0.5 * torch.mean(torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1)) / 784
                loss = nn.functional.binary_cross_entropy(recon, batch.flatten(1)) + kl
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                step += 1
                rec.step(model, step)
    return rec.snapshots


def main(argv: list[str] | None = None) -> int:
    """Command line of the example."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", help="folder holding FashionMNIST/raw (default $LATENT3D_DATA_DIR or ./data)")
    p.add_argument("--out", default="fashion-vae", help="run folder to write (default: fashion-vae in the runs folder)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--latent", type=int, default=3, help="width of the latent code (default 3)")
    p.add_argument("--train-images", type=int, help="train on the first N images only")
    p.add_argument("--probe-images", type=int, default=10_000, help="test images whose code is kept")
    args = p.parse_args(argv)
    snapshots = train(data_dir(args.data_dir), Path(args.out), epochs=args.epochs, latent=args.latent,
                      train_images=args.train_images, probe_images=args.probe_images)
    print(f"Recorded {snapshots} snapshots; open them with `python run.py {args.out}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
