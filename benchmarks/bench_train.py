"""Seconds per epoch of latent3d's training loop against a textbook DataLoader loop; prints JSON.

The loops train the same 784-256-128-64-3 model at batch 64, interleaved epoch by epoch
so that load on a shared machine hits them alike: latent3d as shipped (the step on ``torch.mm``,
the test set's evaluation on oneDNN), latent3d with every matmul on ``torch.mm``, latent3d with the
step's large layers on oneDNN too (what oneDNN brings where), and the textbook loop. Also measured in the
same run: the float32 speed of this model's own batch-64 matmuls, once with ``torch.mm``
alone and once with the faster of ``torch.mm`` and oneDNN per matmul, and from each the
FLOP-bound seconds per epoch. ``latent3d_over_floor`` uses the faster (stricter) one.

Snapshot recording: the same run also trains latent3d with the epoch-end schedule (``epochs``)
beside the default (``log``: ~20 extra snapshots inside epoch 1), both storing every snapshot
through a RunWriter as ``train`` does, interleaved epoch by epoch (alternating which goes first),
and reports the cost of the extra snapshots as a fraction of the whole training
(``snapshot_overhead_fraction``, target <= 0.05). ``--snapshots-only`` runs that comparison alone.

Threads: ``--threads-only`` trains latent3d with the automatic thread count (the governor ``train`` uses)
and with each fixed count from 1 to the number of cores, interleaved epoch by epoch, and reports the
automatic count's seconds per epoch over the best fixed count's (target <= 1.3). ``--background-load N``
runs N busy-looping processes beside whatever is measured (a machine busy with other work).

    python benchmarks/bench_train.py --data-dir ../shared/data [--epochs 20] [--snapshots-only]
    python benchmarks/bench_train.py --threads-only --background-load 6 --epochs 3 --max-train-images 6000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import torch
import torch.nn.functional as F
from _load import background_load, load_now
from torch import nn

from latent3d.config.train import TrainConfig
from latent3d.data import datasets as data
from latent3d.runs.writer import RunWriter
from latent3d.training import fast_step
from latent3d.training import loop as training
from latent3d.training.model import Autoencoder
from latent3d.util.threads import ThreadGovernor, available_cores

BATCH = 64
TRAIN, TEST = 60000, 10000


def layer_shapes(model: Autoencoder) -> list[tuple[int, int]]:
    return [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]


def flops_per_epoch(shapes: list[tuple[int, int]]) -> float:
    """Matmul FLOPs of one epoch: forward, weight gradients, input gradients (none for the
    first layer, whose input needs no gradient), plus encoding and decoding the test set."""
    weights = sum(i * o for i, o in shapes)
    first = shapes[0][0] * shapes[0][1]
    train = TRAIN * 2 * (3 * weights - first)
    evaluate = TEST * 2 * weights
    return float(train + evaluate)


def _matmul_ops(shapes: list[tuple[int, int]]) -> list[tuple[int, Callable[[], object], Callable[[], object] | None]]:
    """This model's batch-64 matmuls of one step (forward, weight and input gradients), each as
    ``(flops, torch.mm version, oneDNN version or None)``."""
    linear = fast_step.onednn_linear()
    ops: list[tuple[int, Callable[[], object], Callable[[], object] | None]] = []
    for k, (i, o) in enumerate(shapes):
        x, w, g = torch.rand(BATCH, i), torch.rand(o, i), torch.rand(BATCH, o)
        flops = 2 * BATCH * i * o
        triple = [
            (flops, lambda x=x, w=w: x @ w.t(),
             None if linear is None else lambda x=x, w=w: linear(x, w, None, "none", [], "")),
            (flops, lambda g=g, x=x: g.t() @ x,
             None if linear is None else lambda g=g, x=x: linear(g.t().contiguous(), x.t(), None, "none", [], "")),
            (flops, lambda g=g, w=w: g @ w,
             None if linear is None else lambda g=g, w=w: linear(g, w.t(), None, "none", [], "")),
        ]
        ops += triple if k else triple[:2]  # the first layer's input needs no gradient (as counted)
    return ops


def _rate(fns: list[Callable[[], object]], flop_round: int, seconds: float) -> float:
    for fn in fns * 5:
        fn()
    rounds, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for fn in fns:
            fn()
        rounds += 1
    return flop_round * rounds / (time.perf_counter() - start) / 1e9


def _faster(a: Callable[[], object], b: Callable[[], object] | None) -> Callable[[], object]:
    if b is None:
        return a
    best = {}
    for fn in (a, b, a, b):
        for _ in range(10):
            fn()
        start = time.perf_counter()
        for _ in range(40):
            fn()
        best[fn] = min(best.get(fn, float("inf")), time.perf_counter() - start)
    return a if best[a] <= best[b] else b


def matmul_gflops(ops: list[tuple[int, Callable[[], object], Callable[[], object] | None]],
                  seconds: float) -> tuple[float, float]:
    """GFLOP/s of this model's batch-64 matmuls: with ``torch.mm`` alone, and with the faster
    of ``torch.mm`` and oneDNN for each matmul (the machine's best, so the stricter floor)."""
    flop_round = sum(f for f, _, _ in ops)
    mm = _rate([a for _, a, _ in ops], flop_round, seconds / 2)
    best = _rate([_faster(a, b) for _, a, b in ops], flop_round, seconds / 2)
    return mm, best


def textbook_epochs(root: Path, epochs: int, seed: int, per_sample_transform: bool):
    """The loop a tutorial writes: DataLoader, nn.BCELoss on the sigmoid output, default init.

    With ``per_sample_transform`` the dataset is torchvision's with ``ToTensor()`` (PIL per
    image, as in the PyTorch tutorials); without, a ``TensorDataset`` of the same images
    in memory (the faster, fairer baseline, reported as the main one).
    """
    from torch.utils.data import DataLoader, TensorDataset
    from torchvision import datasets, transforms

    torch.manual_seed(seed)
    if per_sample_transform:
        ds = datasets.FashionMNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
        test = datasets.FashionMNIST(str(root), train=False, download=False, transform=transforms.ToTensor())
    else:
        def tensors(train: bool) -> TensorDataset:
            raw = datasets.FashionMNIST(str(root), train=train, download=False)
            return TensorDataset(raw.data.float().div(255).unsqueeze(1), raw.targets)

        ds, test = tensors(True), tensors(False)
    model = Autoencoder()
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()  # PyTorch's default initialisation, as a tutorial would leave it
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    loader = DataLoader(ds, batch_size=BATCH, shuffle=True)
    test_loader = DataLoader(test, batch_size=1000)
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        for x, _ in loader:
            x = x.view(x.size(0), -1)
            loss = loss_fn(model(x), x)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        total = 0.0
        with torch.no_grad():
            for x, _ in test_loader:
                x = x.view(x.size(0), -1)
                total += F.binary_cross_entropy(model(x), x, reduction="sum").item()
        yield time.perf_counter() - start, total / (TEST * 784)


def recorded_epochs(cfg: TrainConfig, arrays: training.TrainingData, folder: Path) -> Iterator[float]:
    """Train as ``train`` does (each snapshot stored through a RunWriter) and yield each epoch's wall seconds,
    from the end of the previous epoch's snapshot to the end of this one's, the snapshots inside it included.
    The untrained snapshot is taken before the first epoch is timed."""
    n_batches = -(-len(arrays.train_x) // cfg.batch_size)
    with RunWriter(folder / cfg.snapshots.replace(":", "-"), cfg, steps_per_epoch=n_batches) as writer:
        snaps = training.train(cfg, arrays, device="cpu")
        first = next(snaps)
        writer.add_snapshot(first.step, first.codes, first.test_bce, first.test_loss, first.weights,
                            step_losses=first.step_losses)
        while True:
            start = time.perf_counter()
            for r in snaps:
                writer.add_snapshot(r.step, r.codes, r.test_bce, r.test_loss, r.weights, step_losses=r.step_losses,
                                    train_loss=r.train_loss)
                if r.epoch_end:
                    break
            else:
                writer.abort()
                return
            yield time.perf_counter() - start


def snapshot_comparison(cfg: TrainConfig, arrays: training.TrainingData, epochs: int) -> dict[str, object]:
    """Seconds per epoch of the default schedule and of ``epochs``, interleaved in one process."""
    from latent3d.config.schedule import snapshot_steps

    n_batches = -(-len(arrays.train_x) // cfg.batch_size)
    log_cfg, end_cfg = dataclasses.replace(cfg, snapshots="log"), dataclasses.replace(cfg, snapshots="epochs")
    with tempfile.TemporaryDirectory() as tmp:
        loops = {"log": recorded_epochs(log_cfg, arrays, Path(tmp)),
                 "epochs": recorded_epochs(end_cfg, arrays, Path(tmp))}
        seconds: dict[str, list[float]] = {"log": [], "epochs": []}
        for e in range(epochs):
            for name in (("log", "epochs") if e % 2 == 0 else ("epochs", "log")):
                seconds[name].append(next(loops[name]))
        for loop in loops.values():
            loop.close()
    total_log, total_end = sum(seconds["log"]), sum(seconds["epochs"])
    return {
        "snapshots_log": len(snapshot_steps("log", n_batches, epochs)),
        "snapshots_epochs": epochs + 1,
        "log_s_per_epoch_median": round(statistics.median(seconds["log"]), 3),
        "epochs_s_per_epoch_median": round(statistics.median(seconds["epochs"]), 3),
        "log_s_per_epoch_mean": round(total_log / epochs, 3),
        "epochs_s_per_epoch_mean": round(total_end / epochs, 3),
        "log_first_epoch_s": round(seconds["log"][0], 3),
        "epochs_first_epoch_s": round(seconds["epochs"][0], 3),
        # The extra snapshots all fall in epoch 1: their cost is the difference of the totals, a fraction of
        # this run's training, and of a default 20-epoch training at this run's seconds per epoch.
        "snapshot_extra_s": round(total_log - total_end, 3),
        "snapshot_overhead_fraction": round((total_log - total_end) / total_end, 4),
        "snapshot_overhead_fraction_of_20_epochs": round((total_log - total_end) / (20 * total_end / epochs), 4),
        "log_s_per_epoch": [round(v, 3) for v in seconds["log"]],
        "epochs_s_per_epoch": [round(v, 3) for v in seconds["epochs"]],
    }


def thread_comparison(cfg: TrainConfig, arrays: training.TrainingData, epochs: int) -> dict[str, object]:
    """Seconds per epoch with the automatic thread count and with each fixed count, interleaved in one process."""
    cfg = dataclasses.replace(cfg, snapshots="epochs")
    cores = available_cores()
    governor = ThreadGovernor(torch.set_num_threads)
    names = ["auto", *map(str, range(1, cores + 1))]
    loops: dict[str, Iterator[training.Snapshot]] = {}
    for name in names:
        stop = (lambda: governor.update() < 0) if name == "auto" else (lambda: False)
        loops[name] = training.train(cfg, arrays, device="cpu", should_stop=stop)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # the untrained snapshot, untimed
        torch.set_num_threads(max(1, governor.current) if name == "auto" else int(name))
        next(loops[name])
    loads = []
    for e in range(epochs):
        loads.append(load_now())
        for name in names[e % len(names):] + names[: e % len(names)]:  # each goes first in turn
            # torch's count is per process: each loop's own before its epoch (the governor re-applies its choice)
            torch.set_num_threads(max(1, governor.current) if name == "auto" else int(name))
            start = time.perf_counter()
            next(loops[name])
            seconds[name].append(time.perf_counter() - start)
    for loop in loops.values():
        loop.close()
    med = {name: statistics.median(v) for name, v in seconds.items()}
    best = min(names[1:], key=lambda n: med[n])
    return {"cores": cores, "s_per_epoch_median": {n: round(v, 3) for n, v in med.items()},
            "best_fixed": int(best), "auto_over_best": round(med["auto"] / med[best], 3), "target": 1.3,
            "auto_record": governor.record(), "s_per_epoch": {n: [round(x, 3) for x in v] for n, v in seconds.items()},
            "load_before_each_round": loads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--with-transform-loop", action="store_true",
                        help="also time the torchvision ToTensor() per-image loop (slow)")
    parser.add_argument("--snapshots-only", action="store_true",
                        help="only the snapshot-recording comparison: default schedule (log) vs epochs")
    parser.add_argument("--skip-snapshots", action="store_true",
                        help="leave out the snapshot-recording comparison")
    parser.add_argument("--threads-only", action="store_true",
                        help="only the thread comparison: the automatic count against each fixed count")
    parser.add_argument("--background-load", type=int, default=0, metavar="N",
                        help="run N busy-looping processes beside the measurements")
    parser.add_argument("--max-train-images", type=int, default=None, help="train on the first N images only")
    args = parser.parse_args()
    with background_load(args.background_load) as hogs:
        result = measure(args)
    print(json.dumps({"background_load": len(hogs), "load_after": load_now(), **result}, indent=2))


def measure(args: argparse.Namespace) -> dict[str, object]:
    """Every figure the options ask for, as one JSON-ready dict."""
    root = data.resolve_data_dir(args.data_dir)
    shapes = layer_shapes(Autoencoder())

    cfg = TrainConfig(epochs=args.epochs, seed=args.seed, max_train_images=args.max_train_images)
    load_start = time.perf_counter()
    arrays = training.TrainingData.from_uint8(data.load_split(root, "train"), data.load_split(root, "test"), cfg)
    load_seconds = time.perf_counter() - load_start
    if args.threads_only:
        return {"epochs": args.epochs, "train_images": len(arrays.train_x), "torch": torch.__version__,
                "threads": thread_comparison(cfg, arrays, args.epochs)}
    snapshots = None if args.skip_snapshots else snapshot_comparison(cfg, arrays, args.epochs)
    if args.snapshots_only:
        return {"epochs": args.epochs, "threads": torch.get_num_threads(), "torch": torch.__version__,
                "snapshot_recording": snapshots}
    # Against the textbook loop and the FLOP floor: one snapshot per epoch, as the textbook loop evaluates once
    # per epoch (the cost of the default schedule's extra snapshots is the comparison above).
    cfg = dataclasses.replace(cfg, snapshots="epochs")
    ours = training.train(cfg, arrays, device="cpu")
    next(ours)  # epoch 0: the untrained snapshot
    ours_mm = training.train(cfg, arrays, device="cpu", onednn=False)  # every matmul on torch.mm
    next(ours_mm)
    ours_dnn = training.train(cfg, arrays, device="cpu", onednn=True)  # the step's large layers on oneDNN too
    next(ours_dnn)
    ops = _matmul_ops(shapes)
    book = textbook_epochs(root, args.epochs, args.seed, per_sample_transform=False)
    slow = (textbook_epochs(root, args.epochs, args.seed, per_sample_transform=True)
            if args.with_transform_loop else None)
    ours_s, mm_s, dnn_s, book_s, slow_s, gflops_mm, gflops_best = [], [], [], [], [], [], []
    ours_loss = mm_loss = book_loss = float("nan")
    for _ in range(args.epochs):
        mm_rate, best_rate = matmul_gflops(ops, seconds=1.0)  # sampled between epochs: same load as the loops
        gflops_mm.append(mm_rate)
        gflops_best.append(best_rate)
        start = time.perf_counter()
        r = next(ours)
        ours_s.append(time.perf_counter() - start)  # training + test encode/BCE, like the textbook epoch
        ours_loss = r.test_loss
        start = time.perf_counter()
        mm_loss = next(ours_mm).test_loss
        mm_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        next(ours_dnn)
        dnn_s.append(time.perf_counter() - start)
        s, book_loss = next(book)
        book_s.append(s)
        if slow is not None:
            slow_s.append(next(slow)[0])

    ours_med, mm_med, book_med = statistics.median(ours_s), statistics.median(mm_s), statistics.median(book_s)
    gflop = flops_per_epoch(shapes) / 1e9
    floor = gflop / statistics.median(gflops_best)
    floor_mm = gflop / statistics.median(gflops_mm)
    return {
        "epochs": args.epochs,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "latent3d_s_per_epoch_median": round(ours_med, 3),
        "latent3d_torch_mm_only_s_per_epoch_median": round(mm_med, 3),
        "latent3d_onednn_step_s_per_epoch_median": round(statistics.median(dnn_s), 3),
        "textbook_s_per_epoch_median": round(book_med, 3),
        "speedup_vs_textbook": round(book_med / ours_med, 2),
        "textbook_totensor_s_per_epoch_median": round(statistics.median(slow_s), 3) if slow_s else None,
        "latent3d_final_test_bce": round(ours_loss, 5),
        "latent3d_torch_mm_only_final_test_bce": round(mm_loss, 5),
        "textbook_final_test_bce": round(book_loss, 5),
        "gflop_per_epoch": round(gflop, 1),
        "matmul_gflops_batch64_best": round(statistics.median(gflops_best), 1),
        "matmul_gflops_batch64_torch_mm": round(statistics.median(gflops_mm), 1),
        "flop_floor_s_per_epoch": round(floor, 3),
        "flop_floor_torch_mm_s_per_epoch": round(floor_mm, 3),
        "latent3d_over_floor": round(ours_med / floor, 2),
        "latent3d_over_torch_mm_floor": round(ours_med / floor_mm, 2),
        # The machine's speed can switch mid-run: each epoch against the matmul sample taken just before it.
        "latent3d_over_floor_per_epoch_median": round(statistics.median(
            s * r / gflop for s, r in zip(ours_s, gflops_best)), 2),
        "latent3d_over_torch_mm_floor_per_epoch_median": round(statistics.median(
            s * r / gflop for s, r in zip(ours_s, gflops_mm)), 2),
        "dataset_load_s": round(load_seconds, 3),
        "matmul_gflops_best_samples": [round(v, 1) for v in gflops_best],
        "matmul_gflops_torch_mm_samples": [round(v, 1) for v in gflops_mm],
        "latent3d_s_per_epoch": [round(v, 3) for v in ours_s],
        "latent3d_torch_mm_only_s_per_epoch": [round(v, 3) for v in mm_s],
        "latent3d_onednn_step_s_per_epoch": [round(v, 3) for v in dnn_s],
        "textbook_s_per_epoch": [round(v, 3) for v in book_s],
        "snapshot_recording": snapshots,
    }


if __name__ == "__main__":
    main()
