"""Final test BCE of the default training over several seeds; prints JSON.

One seed's final loss moves by a few 1e-4 with the seed and with the rounding of the
matmul kernels, so a single number cannot say whether a change helped. This trains the
default config (20 epochs, batch 64, Adam 1e-3) once per seed and reports each seed's final
test BCE, the median, min and max. ``--init torch`` re-initialises the layers the PyTorch
way (instead of Keras' Glorot-uniform and zero biases) for comparison.

    python benchmarks/bench_bce.py --data-dir ../shared/data [--seeds 0,1,2,3,4,5] [--epochs 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from torch import nn

from latent3d.config.train import TrainConfig
from latent3d.data import datasets as data
from latent3d.training import loop as training


def final_test_bce(arrays: training.TrainingData, seed: int, epochs: int, init: str) -> float:
    cfg = TrainConfig(epochs=epochs, seed=seed)
    model = training.build_model(cfg)
    if init == "torch":
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.reset_parameters()
    results = list(training.train(cfg, arrays, device="cpu", model=model))
    return results[-1].test_loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", default="0,1,2,3,4,5")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--init", choices=("keras", "torch"), default="keras")
    args = parser.parse_args()
    root = data.resolve_data_dir(args.data_dir)
    seeds = [int(s) for s in args.seeds.split(",")]
    start = time.perf_counter()
    splits = data.load_split(root, "train"), data.load_split(root, "test")
    arrays = training.TrainingData.from_uint8(*splits, TrainConfig())  # the whole dataset, once for all seeds
    bce = {seed: final_test_bce(arrays, seed, args.epochs, args.init) for seed in seeds}
    values = list(bce.values())
    print(json.dumps({
        "epochs": args.epochs,
        "init": args.init,
        "final_test_bce": {str(k): round(v, 5) for k, v in bce.items()},
        "median": round(statistics.median(values), 5),
        "min": round(min(values), 5),
        "max": round(max(values), 5),
        "seeds_at_or_below_0.302": sum(v <= 0.302 for v in values),
        "wall_s": round(time.perf_counter() - start, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
