"""The runs a view file names: found, loaded and checked against the spec, each failure one sentence."""

from __future__ import annotations

from pathlib import Path

from latent3d.runs import Run, RunError, load_run, resolve_run_path
from latent3d.state.time import timebase_of
from latent3d.state.view.checker import Checker, ViewFileError
from latent3d.state.view.spec import ViewSpec
from latent3d.state.viewer_model import ViewerModel

__all__ = ["check_spec", "load_view_compare", "load_view_run", "resolve_view_run", "spec_names_run"]


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
    probe = ViewerModel()
    probe.set_run(run)
    try:
        probe.compare.other = other
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
