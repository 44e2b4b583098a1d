"""What latent3d.Recorder adds to a training: the CNN example with and without it, and per snapshot; prints JSON.

Two measurements, both of ``examples/cnn_classifier.py``'s model, loop and Recorder call:

* ``end_to_end``: the example's model and loop trained twice in lockstep from the same weights on
  the same batches, one copy with the Recorder (each step of one, then the same step of the other,
  timed apart, which goes first alternating: a change in the machine's load falls on both), at the
  default (``log``) schedule.
  To fit a shared 2-core machine the data is scaled down by ``--scale`` on both sides:
  ``60,000 / scale`` training images and ``10,000 / scale`` probe images. The log schedule keeps
  the same snapshots whatever the epoch length (step 0, 20 steps through epoch 1, every epoch
  end), so the recorded work per trained image, and so the overhead fraction, is that of the
  full-size run; fixed costs per snapshot (files, fsync) weigh more at small scale, so the
  figure errs high.
* ``full_size``: one training step of batch 64 and one Recorder snapshot of the full 10,000 probe
  images, timed alternately on the real sizes; from them the overhead of the full run at 5, 10
  and 20 epochs: ``snapshots x snapshot_seconds / (epochs x 938 x step_seconds)``.

Target: overhead <= 0.05 of the training time at the default schedule with 10,000 probe images.

    python benchmarks/bench_recorder.py --data-dir ../shared/data [--epochs 20] [--scale 10]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from examples import cnn_classifier  # noqa: E402
from examples._fashion import load  # noqa: E402
from latent3d.config.schedule import snapshot_count  # noqa: E402
from latent3d.training.recorder import Recorder  # noqa: E402

FULL_TRAIN, FULL_PROBE, BATCH = 60_000, 10_000, 64


def _load() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def end_to_end(root: Path, epochs: int, scale: int) -> dict[str, object]:
    """The example's training twice in lockstep, one copy recorded: each step of one, then the same step of the other.

    Both models start from the same weights and see the same batches; the seconds of each are summed
    separately, so a change in the machine's load during the run falls on both alike.
    """
    train_images, probe_images = FULL_TRAIN // scale, FULL_PROBE // scale
    torch.manual_seed(0)
    data = load(root, train_images=train_images, probe_images=probe_images)
    x, y = data["x"], data["y"]
    assert isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)
    plain = cnn_classifier.SmallCNN()
    recorded = copy.deepcopy(plain)
    optimizers = [torch.optim.Adam(m.parameters(), lr=1e-3) for m in (plain, recorded)]
    spe = -(-len(x) // BATCH)
    seconds = [0.0, 0.0]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        rec = Recorder(Path(tmp) / "run", inputs=data["probe"], labels=data["probe_labels"], embed="features",
                       images=data["probe_images"], class_names=data["class_names"], steps_per_epoch=spe,
                       epochs=epochs, dataset_name="Fashion-MNIST", loss_fn=nn.CrossEntropyLoss(reduction="none"))
        rec.step(recorded, 0)
        seconds[1] += time.perf_counter() - t
        step = 0
        for _ in range(epochs):
            order = torch.randperm(len(x))
            for i in range(0, len(x), BATCH):
                batch = order[i:i + BATCH]
                step += 1
                for k in ((0, 1) if step % 2 else (1, 0)):  # which goes first alternates: no place is favoured
                    model, optimizer = (plain, recorded)[k], optimizers[k]
                    t = time.perf_counter()
                    loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    if k == 1:
                        rec.step(model, step)
                    seconds[k] += time.perf_counter() - t
        t = time.perf_counter()
        rec.close()
        seconds[1] += time.perf_counter() - t
        snapshots = rec.snapshots
    same = all(torch.equal(a, b) for a, b in zip(plain.state_dict().values(), recorded.state_dict().values()))
    return {"epochs": epochs, "train_images": train_images, "probe_images": probe_images, "snapshots": snapshots,
            "seconds_plain": round(seconds[0], 2), "seconds_recorded": round(seconds[1], 2),
            "overhead_fraction": round(seconds[1] / seconds[0] - 1, 4), "recorded_model_unchanged": same}


def full_size(root: Path, rounds: int) -> dict[str, object]:
    """One batch-64 step and one 10,000-image snapshot of the example's CNN, timed alternately."""
    torch.manual_seed(0)
    data = load(root, train_images=FULL_TRAIN, probe_images=FULL_PROBE)
    x, y = data["x"], data["y"]
    assert isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)
    model = cnn_classifier.SmallCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps, snaps = [], []
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(Path(tmp) / "r", inputs=data["probe"], labels=data["probe_labels"], embed="features",
                       images=data["probe_images"], class_names=data["class_names"], steps_per_epoch=1,
                       epochs=rounds + 1, schedule="epochs", loss_fn=nn.CrossEntropyLoss(reduction="none"))
        for r in range(rounds + 1):
            t = time.perf_counter()
            for i in range(50):
                batch = slice(((r * 50 + i) * BATCH) % FULL_TRAIN, ((r * 50 + i) * BATCH) % FULL_TRAIN + BATCH)
                loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            steps.append((time.perf_counter() - t) / 50)
            t = time.perf_counter()
            assert rec.step(model, r)
            snaps.append(time.perf_counter() - t)
        rec.close()
    step_s, snap_s = statistics.median(steps[1:]), statistics.median(snaps[1:])  # the first round warms up
    spe = -(-FULL_TRAIN // BATCH)
    overhead = {str(e): round(snapshot_count("log", spe, e) * snap_s / (e * spe * step_s), 4) for e in (5, 10, 20)}
    return {"step_seconds": round(step_s, 5), "snapshot_seconds": round(snap_s, 3),
            "snapshot_over_step": round(snap_s / step_s, 1), "overhead_fraction_by_epochs": overhead}


def main() -> None:
    """Run both measurements and print one JSON object."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=os.environ.get("LATENT3D_DATA_DIR", str(REPO.parent / "shared" / "data")))
    p.add_argument("--epochs", type=int, default=cnn_classifier.DEFAULT_EPOCHS)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--rounds", type=int, default=4, help="full-size step/snapshot alternations")
    p.add_argument("--skip-end-to-end", action="store_true")
    args = p.parse_args()
    root = Path(args.data_dir)
    out: dict[str, object] = {"torch_threads": torch.get_num_threads(), "loadavg_before": _load()}
    out["full_size"] = full_size(root, args.rounds)
    if not args.skip_end_to_end:
        out["end_to_end"] = end_to_end(root, args.epochs, args.scale)
    out["loadavg_after"] = _load()
    out["target_overhead_fraction"] = 0.05
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
