"""When each thing was learned: purity curves and events, learned-at per image, the data map; cached per run.

Everything here reads a run's codes, labels, steps and per-image BCE at every snapshot (numpy only).
:class:`LearningCache` keeps one :class:`LearningAnalysis` per run folder and, for a run that only grew
(a live training), computes the purity of the new snapshots only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from latent3d.analysis.purity import PURITY_K, LearningEvent, crossing_step, purity_curves
from latent3d.data.datasets import CLASS_NAMES


class Run(Protocol):
    """What the analysis reads of a run (``latent3d.runs.Run`` has it; analysis sits below runs)."""

    path: Any
    codes: np.ndarray
    labels: np.ndarray
    test_bce: np.ndarray
    steps: np.ndarray
    snapshot_test_loss: np.ndarray

__all__ = ["LEARNED_FRACTION", "LearningAnalysis", "LearningCache", "analyse", "hardest", "learned_at",
           "learned_colour_values", "learned_histogram", "learned_text", "learned_ticks", "learning_summary",
           "log_step"]

PARTIAL_FROM = 3  # more new snapshots than this: the quick part is shown before the purity is done
LEARNED_FRACTION = 0.10  # learned once the BCE is within 10 % of its total drop of the final BCE


def log_step(step: np.ndarray | float) -> np.ndarray:
    """``log10(1 + step)``: the log time axis (NaN stays NaN)."""
    return np.log10(1.0 + np.maximum(np.asarray(step, np.float64), 0.0))


def learned_at(test_bce: np.ndarray, fraction: float = LEARNED_FRACTION) -> np.ndarray:
    """The first snapshot at which each image's BCE is below its final BCE plus ``fraction`` of its total drop.

    Parameters
    ----------
    test_bce : ndarray, shape (S, N)
        Each image's BCE at each snapshot.
    fraction : float

    Returns
    -------
    ndarray of int64, shape (N,)
        A snapshot index, or -1 for an image never learned: its BCE did not drop from step 0 to the
        last snapshot (or is not finite there).
    """
    bce = np.asarray(test_bce, np.float64)
    first, final = bce[0], bce[-1]
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: an image that is never learned
        drop = first - final
        threshold = final + fraction * drop
        below = bce <= threshold[None, :]
        learned = np.isfinite(drop) & (drop > 0)
    return np.where(learned, below.argmax(axis=0), -1).astype(np.int64)


def learned_colour_values(test_bce: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The ``learned`` colour mode's value per image: ``log10(1 + learned-at step)``, NaN for never (float32)."""
    s = learned_at(test_bce)
    steps = np.asarray(steps, np.float64)
    return np.where(s >= 0, log_step(steps[np.maximum(s, 0)]), np.nan).astype(np.float32)


def learned_text(bce: np.ndarray, steps: np.ndarray) -> str:
    """``"learned at step 85"`` or ``"never learned"`` for one image's BCE series ``[S]`` (the image panel's line)."""
    s = int(learned_at(np.asarray(bce, np.float64)[:, None])[0])
    return "never learned" if s < 0 else f"learned at step {int(np.asarray(steps)[s]):,}"


def learned_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """Colour-bar ticks of the ``learned`` mode within ``lo .. hi`` (log-step values): at 0, 1, 10, 100 … steps."""
    ticks = [(float(log_step(s)), f"{s:,}") for s in (0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)]
    inside = [(v, text) for v, text in ticks if lo - 1e-9 <= v <= hi + 1e-9]
    if len(inside) >= 2:
        return inside
    return [(lo, f"{10 ** lo - 1:,.0f}"), *inside, (hi, f"{10 ** hi - 1:,.0f}")]  # a narrow range: its ends too


def hardest(test_bce: np.ndarray, snapshot: int, n: int = 20, exclude: np.ndarray | None = None) -> np.ndarray:
    """The ``n`` images with the highest BCE at ``snapshot`` (highest first), ``exclude`` (a boolean mask) left out."""
    bce = np.asarray(test_bce[snapshot], np.float64).copy()
    bce[~np.isfinite(bce)] = -np.inf
    if exclude is not None:
        bce[np.asarray(exclude, bool)] = -np.inf
    n = min(n, int(np.isfinite(bce).sum()))
    if n <= 0:
        return np.zeros(0, np.int64)
    top = np.argpartition(-bce, n - 1)[:n]
    return top[np.argsort(-bce[top], kind="stable")].astype(np.int64)


def learned_histogram(learned_steps: np.ndarray, labels: np.ndarray, edges: np.ndarray,
                      n_classes: int = 10) -> np.ndarray:
    """Counts ``[n_classes, len(edges) - 1]`` of learned-at steps per class in bins of ``log_step`` ``edges``.

    Images never learned (NaN) are left out (``LearningAnalysis.never`` counts them).
    """
    x = log_step(learned_steps)
    labels = np.asarray(labels, np.int64)
    ok = np.isfinite(x)
    return np.stack([np.histogram(x[ok & (labels == c)], bins=edges)[0] for c in range(n_classes)])


@dataclass
class LearningAnalysis:
    """What was learned when, for one run.

    Attributes
    ----------
    path : object
        The run folder it belongs to.
    steps : ndarray of int64, shape (S,)
    labels : ndarray of uint8, shape (N,)
    purity : ndarray of float64, shape (S, 10)
        kNN class purity of each class at each snapshot (NaN for a class without test images).
    purity_all : ndarray of float64, shape (S,)
        The same over all points.
    events : list of LearningEvent
        Each class's separation (classes that have one) and the loss's half drop, by step.
    learned : ndarray of int64, shape (N,)
        Learned-at snapshot of each image, -1 for never.
    mean_bce, std_bce, final_bce : ndarray of float32, shape (N,)
        The data map: each image's BCE averaged over snapshots, its standard deviation, its last value.
    """

    path: Any
    steps: np.ndarray
    labels: np.ndarray
    purity: np.ndarray
    purity_all: np.ndarray
    events: list[LearningEvent]
    learned: np.ndarray
    mean_bce: np.ndarray
    std_bce: np.ndarray
    final_bce: np.ndarray
    k: int = PURITY_K
    computed: int = field(default=0)  # snapshots whose purity this computation added (the rest were reused)
    seconds: float = field(default=0.0)  # how long this computation took (wall clock)
    partial: bool = field(default=False)  # the quick part only: purity still being computed, no events yet
    class_names: tuple[str, ...] = CLASS_NAMES  # the run's (its dataset's) class names

    @property
    def learned_steps(self) -> np.ndarray:
        """Learned-at of each image as a training step (float64, NaN for never)."""
        return np.where(self.learned >= 0, self.steps[np.maximum(self.learned, 0)], np.nan)

    @property
    def never(self) -> int:
        """How many images were never learned."""
        return int((self.learned < 0).sum())

    def event_of(self, cls: int) -> LearningEvent | None:
        """The separation event of class ``cls``, or None."""
        return next((e for e in self.events if e.kind == "class" and e.cls == cls), None)

    @property
    def loss_event(self) -> LearningEvent | None:
        """The loss's half-drop event, or None."""
        return next((e for e in self.events if e.kind == "loss"), None)


def _events(steps: np.ndarray, purity: np.ndarray, loss: np.ndarray,
            names: tuple[str, ...] = CLASS_NAMES) -> list[LearningEvent]:
    events = []
    for c in range(purity.shape[1]):
        hit = crossing_step(steps, purity[:, c])
        if hit is not None and purity[-1, c] > purity[0, c]:  # a class that mixes up is no separation
            events.append(LearningEvent("class", c, *hit, f"{names[c]} separates"))
    hit = crossing_step(steps, loss)
    if hit is not None and loss[-1] < loss[0]:
        events.append(LearningEvent("loss", None, *hit, "half the loss drop"))
    return sorted(events, key=lambda e: e.step)


def class_names_of(run: object) -> tuple[str, ...]:
    """The run's ten class names (``Run.class_names``, from its dataset), else Fashion-MNIST's."""
    names = getattr(run, "class_names", None)
    ok = isinstance(names, (tuple, list)) and len(names) == len(CLASS_NAMES) and all(isinstance(n, str) for n in names)
    return tuple(names) if ok else CLASS_NAMES  # type: ignore[arg-type]


def reusable(previous: LearningAnalysis | None, run: Run, k: int = PURITY_K) -> int:
    """How many leading snapshots of ``run`` already have their purity in ``previous`` (0: none)."""
    steps = np.asarray(run.steps)
    if (previous is not None and not previous.partial and previous.path == run.path and previous.k == k
            and len(previous.steps) <= len(steps) and np.array_equal(previous.steps, steps[:len(previous.steps)])
            and np.array_equal(previous.labels, run.labels)):
        return len(previous.steps)
    return 0


def analyse(run: Run, previous: LearningAnalysis | None = None, k: int = PURITY_K,
            purity: bool = True, stop: Callable[[], bool] | None = None) -> LearningAnalysis:
    """The learning analysis of ``run``, reusing the purity of ``previous`` where ``run`` only grew.

    Parameters
    ----------
    run : Run
    previous : LearningAnalysis, optional
        An earlier analysis of the same run folder: if its steps are a prefix of ``run``'s and its
        labels equal, only the new snapshots' purity is computed.
    k : int
        Neighbours of the purity.
    purity : bool
        False: the quick part only (learned-at, data map, in milliseconds); the purity still to
        compute is NaN, there are no events, and ``partial`` is True.
    stop : callable, optional
        Checked between snapshots of the purity: True raises :class:`~latent3d.analysis.purity.AnalysisStopped`.

    Returns
    -------
    LearningAnalysis
    """
    t0 = time.perf_counter()
    names = class_names_of(run)
    steps = np.asarray(run.steps, np.int64)
    labels = np.asarray(run.labels)
    start = reusable(previous, run, k)
    old_per, old_all = (previous.purity, previous.purity_all) if previous is not None and start else (
        np.zeros((0, 10)), np.zeros(0))
    if purity:
        new_per, new_all = purity_curves(run.codes, labels, k, start=start, stop=stop)
    else:
        new_per, new_all = np.full((len(steps) - start, 10), np.nan), np.full(len(steps) - start, np.nan)
    per_class = np.concatenate([old_per, new_per])
    purity_all = np.concatenate([old_all, new_all])
    bce = np.asarray(run.test_bce, np.float64)
    with np.errstate(invalid="ignore"):
        mean, std = bce.mean(axis=0), bce.std(axis=0)
    loss = np.asarray(run.snapshot_test_loss, np.float64)
    return LearningAnalysis(run.path, steps, labels, per_class, purity_all,
                            _events(steps, per_class, loss, names) if purity else [], learned_at(bce),
                            mean.astype(np.float32), std.astype(np.float32), bce[-1].astype(np.float32), k,
                            computed=len(steps) - start if purity else 0, seconds=time.perf_counter() - t0,
                            partial=not purity, class_names=names)


class LearningCache:
    """One analysis per run folder, kept in memory; a run that grew is analysed incrementally."""

    def __init__(self) -> None:
        self._by_path: dict[Any, LearningAnalysis] = {}

    def get(self, run: Run) -> LearningAnalysis | None:
        """The cached analysis of ``run`` if it is up to date (same steps), else None."""
        a = self._by_path.get(run.path)
        return a if a is not None and np.array_equal(a.steps, run.steps) else None

    def analyse(self, run: Run, on_partial: Callable[[LearningAnalysis], None] | None = None) -> LearningAnalysis:
        """The analysis of ``run``: cached, grown from the cached one, or computed.

        ``on_partial`` receives the quick part first when the purity of many snapshots is still to
        compute (a run just opened, not a live run's next snapshot).
        """
        for a in self.stages(run, quick=on_partial is not None):
            if a.partial and on_partial is not None:
                on_partial(a)
        return a

    def stages(self, run: Run, quick: bool = True, stop: Callable[[], bool] | None = None
               ) -> Iterator[LearningAnalysis]:
        """The analysis of ``run`` in stages, for a worker that hands each on: the whole analysis last.

        With ``quick``, the quick part (``partial``: learned-at and data map, no purity) comes first
        when the purity of many snapshots is still to compute (a run just opened, not a live run's
        next snapshot); the whole one is cached, grown from the cached one, or computed. ``stop`` is
        checked between snapshots (see :func:`analyse`).
        """
        a = self.get(run)
        if a is None:
            previous = self._by_path.get(run.path)
            if quick and len(run.steps) - reusable(previous, run) > PARTIAL_FROM:
                yield analyse(run, previous, purity=False)
            a = analyse(run, previous, stop=stop)
            self._by_path[run.path] = a
        yield a


def _number(x: float) -> float | None:
    return None if not math.isfinite(x) else round(float(x), 6)  # a mean of 10,000 tenths: 6 digits say it all


def learning_summary(a: LearningAnalysis) -> dict[str, Any]:
    """The JSON object of ``info RUN --learning --json``: per class purity and separation, loss half drop, learned-at.

    Numbers that do not exist (a class without images, no event) are ``null``.
    """
    learned_steps = a.learned_steps
    labels = np.asarray(a.labels, np.int64)
    classes = []
    for c, name in enumerate(a.class_names):
        event = a.event_of(c)
        mine = learned_steps[labels == c]
        done = mine[np.isfinite(mine)]
        classes.append({"class": c, "name": name, "separated_at_step": None if event is None else event.step,
                        "purity": [_number(v) for v in a.purity[:, c]],
                        "images": int(len(mine)), "never_learned": int(np.isnan(mine).sum()),
                        "median_learned_at_step": float(np.median(done)) if len(done) else None})
    loss = a.loss_event
    return {"k": a.k, "steps": [int(s) for s in a.steps], "purity_all": [_number(v) for v in a.purity_all],
            "loss_half_drop_step": None if loss is None else loss.step,
            "learned_at": {"fraction_of_drop": LEARNED_FRACTION, "never_learned": a.never,
                           "median_step": _median(learned_steps)},
            "classes": classes}


def _median(values: np.ndarray) -> float | None:
    done = values[np.isfinite(values)]
    return float(np.median(done)) if len(done) else None
