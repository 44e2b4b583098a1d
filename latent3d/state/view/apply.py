"""Between the viewer model and view files: what the window shows, as a ViewSpec, and a ViewSpec shown."""

from __future__ import annotations

import numpy as np

from latent3d.runs import Run, resolve_run_path
from latent3d.state.time import timebase_of
from latent3d.state.view.checker import ViewFileError
from latent3d.state.view.groups import GroupSpec
from latent3d.state.view.spec import ViewSpec
from latent3d.state.viewer_model import ViewerModel

__all__ = ["apply_spec", "spec_from_state"]


def _run_reference(run: Run) -> str:
    """The run's name when it lies in the runs folder (portable between machines), else its absolute path."""
    try:
        if resolve_run_path(run.name).resolve() == run.path.resolve():
            return run.name
    except OSError:
        pass
    return str(run.path.resolve())


def spec_from_state(model: ViewerModel) -> ViewSpec:
    """What ``model`` shows, as a :class:`ViewSpec` (the position stored as a step and as an epoch)."""
    time, pick, display, layers, compare = model.time, model.pick, model.display, model.layers, model.compare
    run = time.run
    if run is None:
        raise ViewFileError("There is no run to save a view of; open a run first.")
    return ViewSpec(
        run=_run_reference(run), step=int(round(time.step)), epoch=round(time.epoch, 6), camera=model.camera.camera,
        color=display.color, hidden_classes=tuple(sorted(display.hidden_classes)), selected=pick.selected,
        path=pick.path, probe=pick.probe,
        train_overlay=display.train_overlay, time_axis=time.time_axis, follow=time.follow,
        decoder_map=layers.decoder_map, own_images=layers.own_images, align=compare.align,
        compare=None if compare.other is None else _run_reference(compare.other),
        grouping=GroupSpec(**model.groups.values()))


def apply_spec(model: ViewerModel, spec: ViewSpec, compare: Run | None = None) -> None:
    """Show ``spec`` in ``model`` (whose run must already be the spec's, checked with ``check_spec``).

    ``compare`` is the run of the spec's ``compare`` key, loaded with ``load_view_compare``.
    """
    time, pick, display, layers, groups = model.time, model.pick, model.display, model.layers, model.groups
    run = time.run
    if run is None:
        raise ValueError("Set the model's run before applying a view.")
    time.follow = False  # the view's camera first; following it (its direction kept) comes last
    display.hidden_classes = frozenset(spec.hidden_classes)  # before the selection: a hidden point cannot be selected
    pick.selected = spec.selected
    model.compare.other = compare  # before the colour: a comparison colour needs it
    model.compare.align = spec.align
    display.color = spec.color
    time.time_axis = spec.time_axis
    display.train_overlay = spec.train_overlay
    time.seek_step(spec.timeline_step(timebase_of(run).steps_per_epoch))
    pick.path = spec.path
    pick.probe = spec.probe
    layers.decoder_map = spec.decoder_map
    layers.own_images = spec.own_images
    if spec.camera is not None:
        model.camera.camera = spec.camera
    time.follow = spec.follow
    g = spec.grouping  # the groups first: group_shown and trails name them
    groups.groups = {name: np.asarray(indices, np.int64) for name, indices in g.groups.items()}
    groups.shown, groups.mode, groups.trails = g.group_shown, g.group_mode, g.trails
