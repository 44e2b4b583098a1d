"""What the ``train``, ``info`` and ``export`` subcommands do, kept apart from argument parsing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from latent3d.cli.info_lines import dataset_line, versions_line, weights_line
from latent3d.config.train import TrainConfig
from latent3d.data.catalog import DEFAULT_DATASET
from latent3d.job.preflight import check_train
from latent3d.runs import Run, load_run, new_run_name, resolve_run_path
from latent3d.runs.provenance import portable_command
from latent3d.training.session import SaveError, TrainJob, TrainStart, train_and_save
from latent3d.util.output import say

if TYPE_CHECKING:
    from latent3d.training.loop import Snapshot

__all__ = ["cmd_export", "cmd_info", "cmd_train", "run_summary", "train_with_progress"]


def _config_from_args(args: argparse.Namespace) -> TrainConfig:
    return TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                       max_train_images=args.max_train_images, max_test_images=args.max_test_images,
                       snapshots=args.snapshots)


def cmd_train(args: argparse.Namespace) -> int:
    """Train headless with a progress bar and save the run; returns the exit code."""
    config = _config_from_args(args)
    target = resolve_run_path(args.out or new_run_name())
    job = TrainJob(config, target, data_dir=Path(args.data_dir) if args.data_dir else None, device=args.device,
                   weights_dtype=args.weights_dtype, keep_encoder=args.keep_encoder,
                   command=portable_command(sys.argv[1:], target.name), note=args.note,
                   dataset=getattr(args, "dataset", DEFAULT_DATASET), threads=getattr(args, "threads", None))
    from latent3d.training.loop import TrainingDiverged

    try:
        path = train_with_progress(job, progress=not args.no_progress)
    except TrainingDiverged as exc:
        print(f"latent3d: {exc} No run was saved.", file=sys.stderr)
        return 1
    except SaveError as exc:  # the disk filled up or the folder went away: nothing was saved
        print(f"latent3d: error: {exc}", file=sys.stderr)
        return 2
    run = load_run(path)
    say(_printable(f"Saved run {run.name}: {run.epochs} epochs, final test BCE {run.test_loss[-1]:.4f}, in {path}"))
    return 0


def train_with_progress(job: TrainJob, *, progress: bool = True) -> Path:
    """Check, train and save ``job`` as ``train`` does, with a progress bar on stderr (the CLI's and the API's).

    Returns
    -------
    Path
        The complete run folder.

    Raises
    ------
    ValueError
        The request cannot succeed (:func:`latent3d.cli.preflight.check_train`) or the folder exists.
    latent3d.data.DataError, latent3d.training.loop.TrainingDiverged, latent3d.training.session.SaveError
        As :func:`latent3d.training.session.train_and_save`; no run folder is left behind.
    """
    config, target = job.config, job.target
    check_train(config, target, weights_dtype=job.weights_dtype, keep_encoder=job.keep_encoder)
    if target.exists():
        raise ValueError(f"{target} already exists; choose another --out name.")
    bar: Any = None
    n_batches = 0
    done_epochs = 0

    def on_start(start: TrainStart) -> None:
        nonlocal bar, n_batches
        n_batches = start.n_batches
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=config.epochs * n_batches, unit="batch", file=sys.stderr, dynamic_ncols=True)

    def on_batch(b: int, n: int, loss: float) -> None:
        if bar is not None:
            bar.update(done_epochs * n_batches + b - bar.n)
            bar.set_postfix_str(f"loss {loss:.4f}")

    def on_snapshot(r: Snapshot) -> None:
        nonlocal done_epochs
        done_epochs = r.step // r.steps_per_epoch
        if r.step and bar is not None:
            bar.update(r.step - bar.n)
            bar.set_description(f"epoch {r.epoch:.2f}/{config.epochs} test BCE {r.test_loss:.4f}")

    try:
        path = train_and_save(job, on_start=on_start, on_batch=on_batch, on_snapshot=on_snapshot)
    finally:
        if bar is not None:
            bar.close()
    assert path is not None  # nothing asks the CLI to stop
    return path


def run_summary(run: Run) -> dict[str, Any]:
    """The JSON object ``info --json`` prints."""
    meta = run.meta
    return {
        "name": run.name,
        "path": str(run.path),
        "created": meta.get("created"),
        "epochs": run.epochs,
        "steps_per_epoch": run.steps_per_epoch,
        "snapshots": [{"step": int(s), "epoch": float(e), "test_loss": float(v)}
                      for s, e, v in zip(run.steps, run.snapshot_epochs, run.snapshot_test_loss)],
        "num_points": int(run.codes.shape[1]),
        "train_loss": run.train_loss,
        "test_loss": run.test_loss,
        "initial_test_loss": meta.get("initial_test_loss"),
        "config": run.config.to_dict(),
        "kind": run.kind,
        "capabilities": sorted(run.capabilities),
        "embedding_dim": run.embedding_dim,
        "projection": None if run.projection is None else {
            "kind": run.projection.kind, "explained": [float(v) for v in run.projection.explained],
            "note": run.projection.describe()},
        "weights": meta.get("weights"),
        "train_codes": run.train_codes is not None,
        "dataset": meta.get("dataset"),
        "class_names": list(run.class_names),
        "versions": meta.get("versions"),
        "device": meta.get("device"),
        "command": meta.get("command"),
        "seconds_per_epoch": meta.get("seconds_per_epoch"),
        "threads": meta.get("threads"),
        "note": meta.get("note"),
    }


def _threads_text(record: Any) -> str:
    """``info``'s line on a run's CPU threads (``run.json`` is untrusted: anything odd is shown as is)."""
    if not isinstance(record, dict):
        return "not recorded" if record is None else str(record)[:200]
    used = record.get("used")
    changes = [u for u in used if isinstance(u, list) and len(u) == 2] if isinstance(used, list) else []
    counts = ", ".join(f"{u[1]} from step {u[0]}" for u in changes[:6]) + (" ..." if len(changes) > 6 else "")
    return (f"{record.get('asked')} on {record.get('cores')} cores, other load {record.get('load_at_start')} "
            f"at the start: {counts or 'none'}")[:300]


def _snapshot_table(snapshots: list[dict[str, Any]], steps_per_epoch: int, head: int = 6, tail: int = 4) -> list[str]:
    """Lines of the snapshot table of ``info``: all rows, or the first and last few of a long one."""
    lines = [f"{len(snapshots)} snapshots, {steps_per_epoch} steps per epoch", "    step     epoch  test BCE"]
    rows = [f"{r['step']:8d}  {r['epoch']:8.3f}  {r['test_loss']:8.4f}" for r in snapshots]
    if len(rows) > head + tail + 1:
        rows = [*rows[:head], f"{'...':>8}  ({len(rows) - head - tail} more)", *rows[-tail:]]
    return lines + rows


def _printable(text: str) -> str:
    """Text from a run folder with control characters escaped, so a hostile run.json cannot drive the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _learning(run: Run) -> dict[str, Any]:
    from latent3d.analysis.learning import analyse, learning_summary  # scipy only when asked

    return learning_summary(analyse(run))


def _learning_table(s: dict[str, Any]) -> list[str]:
    """Lines of ``info --learning``: each class's separation step, final purity and median learned-at."""
    def num(v: float | None) -> str:
        return "never" if v is None else f"{v:,.0f}"

    half = s["loss_half_drop_step"]
    lines = [f"Learning   kNN purity (k = {s['k']}); half the loss drop at step {num(half)}; "
             f"{s['learned_at']['never_learned']} images never learned",
             "class         separated at  final purity  median learned at  never"]
    for c in s["classes"]:
        final = c["purity"][-1] if c["purity"] else None
        lines.append(f"{c['name']:<12}  {num(c['separated_at_step']):>12}  "
                     f"{'-' if final is None else f'{final:.3f}':>12}  {num(c['median_learned_at_step']):>17}  "
                     f"{c['never_learned']:>5}")
    return lines


def cmd_info(args: argparse.Namespace) -> int:
    """Print a run's config, per-epoch losses and provenance; returns the exit code."""
    if getattr(args, "compare", None):
        from latent3d.cli.compare_info import cmd_compare_info

        return cmd_compare_info(args)
    run = load_run(resolve_run_path(args.run))
    s = run_summary(run)
    learning = _learning(run) if getattr(args, "learning", False) else None
    if learning is not None:
        s["learning"] = learning
    if args.json:
        say(json.dumps(s, indent=2))
        return 0
    if run.kind == "recording":
        lines = _recording_lines(run, s)
        if learning is not None:
            lines += ["", *_learning_table(learning)]
        say("\n".join(_printable(line) for line in lines))
        return 0
    c = s["config"]
    lines = [
        f"Run        {s['name']}  ({s['path']})",
        f"Created    {s['created']}",
        f"Model      {c['model']['input_dim']}-{'-'.join(map(str, c['model']['hidden']))}-{c['model']['code_dim']}",
        f"Training   {s['epochs']} epochs, batch {c['batch_size']}, lr {c['lr']:g}, seed {c['seed']}",
        f"Points     {s['num_points']:,} test codes per snapshot"
        + (f", plus {len(run.train_codes):,} train codes (final epoch)" if run.train_codes is not None else ""),
        f"Weights    {weights_line(s['weights'])}",
        f"Dataset    {dataset_line(run.dataset, s['dataset'])}",
        f"Classes    {', '.join(run.class_names)}",
        f"Versions   {versions_line(s['versions'])}",
        f"Device     {s['device']}",
        f"Threads    {_threads_text(s['threads'])}",
        f"Command    {s['command']}",
    ]
    if s["note"]:
        lines.append(f"Note       {s['note']}")
    lines.append("")
    lines.append("epoch  train BCE  test BCE")
    lines.append(f"{0:5d}  {'-':>9}  {s['initial_test_loss'] or float('nan'):8.4f}")
    for e, (a, b) in enumerate(zip(s["train_loss"], s["test_loss"]), start=1):
        lines.append(f"{e:5d}  {a:9.4f}  {b:8.4f}")
    lines += ["", *_snapshot_table(s["snapshots"], s["steps_per_epoch"])]
    if learning is not None:
        lines += ["", *_learning_table(learning)]
    say("\n".join(_printable(line) for line in lines))
    return 0


def _recording_lines(run: Run, s: dict[str, Any]) -> list[str]:
    """The ``info`` text of a recording: what was recorded, how it is shown, what it has, its snapshots."""
    shown = run.projection.describe() if run.projection is not None else "3-D, drawn as it is"
    planned = f"{run.config.epochs} epoch{'' if run.config.epochs == 1 else 's'} planned"
    missing = [f"  {run.why_not(c)}" for c in ("decoder", "images", "labels", "losses") if run.why_not(c)]
    lines = [
        f"Run        {s['name']}  ({s['path']})",
        f"Created    {s['created']}  ({run.meta.get('status')})",
        f"Recording  {run.embedding_dim}-D embedding of {s['num_points']:,} inputs, from {run.meta.get('source')}; "
        f"{run.steps_per_epoch} steps per epoch, {planned}",
        f"Shown as   {shown}",
        f"Has        {', '.join(sorted(run.capabilities)) or 'codes only'}",
        *missing,
        f"Dataset    {run.dataset}",
        f"Classes    {', '.join(run.class_names)}",
        f"Versions   {versions_line(s['versions'])}",
        f"Command    {s['command']}",
    ]
    if s["note"]:
        lines.append(f"Note       {s['note']}")
    table = _snapshot_table(s["snapshots"], s["steps_per_epoch"])
    table[1] = table[1].replace("test BCE", "    loss")
    if "losses" not in run.capabilities:
        table = [line if i < 2 else line[:18] for i, line in enumerate(table)]
        table[1] = table[1][:18]
    return [*lines, "", *table]


def cmd_export(args: argparse.Namespace) -> int:
    """Write a run's codes (every snapshot, or one ``--step``) to a CSV or Parquet file; returns the exit code."""
    from latent3d.runs.export import check_export_target, write_rows
    from latent3d.runs.table import run_columns

    out = Path(args.out).expanduser()
    check_export_target(out)  # before loading: a wrong suffix or place costs nothing
    run = load_run(resolve_run_path(args.run))
    table = run_columns(run, args.step, train_codes=args.train_codes, raw=getattr(args, "raw", False))
    write_rows(table, out)
    say(_printable(f"Wrote {table.n_rows:,} rows of run {run.name} to {out}"))
    return 0
