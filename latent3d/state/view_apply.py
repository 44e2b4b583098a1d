"""Between view files and the viewer state: capture a state as a ViewSpec, check a spec against its run, apply it."""

from __future__ import annotations

from pathlib import Path

from latent3d.runs import Run, RunError, load_run, resolve_run_path
from latent3d.state.group_view import GroupSpec
from latent3d.state.view_checks import Checker
from latent3d.state.view_file import ViewFileError, ViewSpec
from latent3d.state.viewer_state import ViewerState, timebase_of

__all__ = ["apply_spec", "check_spec", "load_view_compare", "load_view_run", "resolve_view_run", "spec_from_state",
           "spec_names_run"]


def _run_reference(run: Run) -> str:
    """The run's name when it lies in the runs folder (portable between machines), else its absolute path."""
    try:
        if resolve_run_path(run.name).resolve() == run.path.resolve():
            return run.name
    except OSError:
        pass
    return str(run.path.resolve())


def spec_from_state(state: ViewerState) -> ViewSpec:
    """What ``state`` shows, as a :class:`ViewSpec` (the position stored as a step and as an epoch)."""
    run = state.run
    if run is None:
        raise ViewFileError("There is no run to save a view of; open a run first.")
    path = state.path
    return ViewSpec(
        run=_run_reference(run), step=int(round(state.step)), epoch=round(state.epoch, 6), camera=state.camera,
        color=state.color, hidden_classes=tuple(sorted(state.hidden_classes)), selected=state.selected,
        path=path, probe=state.probe,
        train_overlay=state.train_overlay, time_axis=state.time_axis, follow=state.follow,
        decoder_map=state.decoder_map, own_images=state.own_images, align=state.align,
        compare=None if state.compare is None else _run_reference(state.compare),
        grouping=GroupSpec(**state.group_values()))


def resolve_view_run(spec: ViewSpec, source: Path, name: str | None = None) -> Path:
    """The run folder a view file names (``name``, default ``spec.run``): a run name or path, else beside the file.

    Raises
    ------
    ViewFileError
        The name cannot be a path here (a name over 255 bytes, a link loop, a folder that cannot be entered).
    """
    name = spec.run if name is None else name
    try:
        direct = resolve_run_path(name)
        if direct.is_dir():
            return direct
        beside = Path(source).parent / name
        return beside if beside.is_dir() else direct
    except (OSError, RuntimeError, ValueError) as exc:  # ENAMETOOLONG, ELOOP (RuntimeError from resolve), NUL
        raise _unusable_run(source, exc) from None


def _unusable_run(source: Path, exc: BaseException) -> ViewFileError:
    why = (exc.strerror if isinstance(exc, OSError) else None) or str(exc).strip() or type(exc).__name__
    return Checker(str(source)).error("run", f"cannot be opened as a run folder ({why}); name a run or a folder")


def spec_names_run(spec: ViewSpec, run: Run, source: Path | None = None) -> bool:
    """Whether ``spec`` names ``run`` (so the window need not load it again)."""
    try:
        target = resolve_view_run(spec, source) if source is not None else resolve_run_path(spec.run)
        return target.resolve() == run.path.resolve()
    except (OSError, RuntimeError, ViewFileError):  # a link loop makes resolve() raise RuntimeError
        return False


def load_view_run(spec: ViewSpec, source: Path) -> Run:
    """Load the run a view file names; a missing or broken run is a :class:`ViewFileError` naming the key."""
    try:
        return load_run(resolve_view_run(spec, source))
    except RunError as exc:
        raise ViewFileError(f"View file {source}: 'run' names a run that cannot be opened: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise _unusable_run(source, exc) from None


def load_view_compare(spec: ViewSpec, source: Path, run: Run) -> Run | None:
    """The second run a view file compares with (None if it names none), checked against ``run``.

    Raises
    ------
    ViewFileError
        One sentence naming the key ``compare``: the run cannot be opened or shares too few test images.
    """
    if spec.compare is None:
        return None
    try:
        other = load_run(resolve_view_run(spec, source, spec.compare))
    except RunError as exc:
        raise ViewFileError(f"View file {source}: 'compare' names a run that cannot be opened: {exc}") from None
    probe = ViewerState()
    probe.set_run(run)
    try:
        probe.set_compare(other)
    except ValueError as exc:
        raise ViewFileError(f"View file {source}: 'compare' cannot be shown: {exc}") from None
    return other


def check_spec(spec: ViewSpec, run: Run, source: Path) -> None:
    """Refuse, with one sentence naming the file and key, a spec that does not fit ``run``."""
    time = timebase_of(run)
    spec.check_against(len(run.labels), time.last_step, time.steps_per_epoch, str(source))
    if spec.train_overlay and run.train_codes is None:
        raise ViewFileError(f"View file {source}: 'train_overlay' is true but run {run.name} stores no training codes.")
    if spec.selected is not None and int(run.labels[spec.selected]) in spec.hidden_classes:  # checked whole, first
        raise Checker(str(source)).error("selected", f"is test image {spec.selected}, of class "
                                         f"{int(run.labels[spec.selected])}, which 'hidden_classes' hides; "
                                         "a hidden point cannot be selected")


def apply_spec(state: ViewerState, spec: ViewSpec, compare: Run | None = None) -> None:
    """Show ``spec`` in ``state`` (whose run must already be the spec's, checked with :func:`check_spec`).

    ``compare`` is the run of the spec's ``compare`` key, loaded with :func:`load_view_compare`.
    """
    run = state.run
    if run is None:
        raise ValueError("Set the state's run before applying a view.")
    state.follow = False  # the view's camera first; following it (its direction kept) comes last
    state.hidden_classes = spec.hidden_classes  # before the selection: a hidden point cannot be selected
    state.selected = spec.selected
    state.set_compare(compare)  # before the colour: a comparison colour needs it
    state.align = spec.align
    state.color = spec.color
    state.time_axis = spec.time_axis
    state.train_overlay = spec.train_overlay
    state.seek_step(spec.timeline_step(timebase_of(run).steps_per_epoch))
    state.path = spec.path
    state.probe = spec.probe
    state.decoder_map = spec.decoder_map
    state.own_images = spec.own_images
    if spec.camera is not None:
        state.camera = spec.camera
    state.follow = spec.follow
    g = spec.grouping  # the groups first: group_shown and trails name them
    state.groups = g.groups
    state.group_shown, state.group_mode, state.trails = g.group_shown, g.group_mode, g.trails
