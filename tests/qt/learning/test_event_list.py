"""Issue 32 defect 4: the learning events as a list that seeks, and a class already apart at step 0 said so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latent3d.analysis.learning import analyse
from latent3d.qt.learning.event_list import EventList, apart_at_start, event_row
from latent3d.runs import load_run
from latent3d.state.viewer_model import ViewerModel

BUNDLED = Path(__file__).resolve().parents[3] / "checkpoints" / "fashion-mnist-default"


def test_the_list_shows_each_event_in_step_order_and_a_click_seeks(qtbot, synthetic_run: Path) -> None:  # noqa: ANN001
    model = ViewerModel()
    run = load_run(synthetic_run)
    model.set_run(run)
    events = EventList(model.learning, model.time)
    qtbot.addWidget(events)
    assert events.count() == 1 and "when the learning analysis is done" in events.item(0).text()
    a = analyse(run)
    assert a.events  # the synthetic run's classes spread apart
    model.learning.result = a
    assert events.count() == len(a.events)
    steps = [e.step for e in events.events]
    assert steps == sorted(steps)
    last = events.events[-1]
    assert events.item(events.count() - 1).text().startswith(f"step {last.step:,.0f} · epoch")
    model.time.position = 0.0
    events.itemClicked.emit(events.item(events.count() - 1))
    assert model.time.step == pytest.approx(last.step)
    events.close_list()


def test_the_bundled_runs_early_separations_are_marked_as_apart_at_initialisation() -> None:
    """"Sneaker separates at step 2": its kNN purity was already 0.41 (4x chance) before any training."""
    if not (BUNDLED / "run.json").is_file():
        pytest.skip("the bundled run is not present")
    run = load_run(BUNDLED)
    a = analyse(run)
    sneaker = a.event_of(7)
    assert sneaker is not None and sneaker.step < 5
    assert apart_at_start(a, 7) and "already apart at initialisation" in event_row(a, sneaker, run.steps_per_epoch)
    late = [e for e in a.events if e.cls is not None and e.step > 50]  # Bag, Dress, Shirt: learned by training
    assert late and not any(apart_at_start(a, e.cls) for e in late)
    assert np.all(a.purity[0] < 0.5)
