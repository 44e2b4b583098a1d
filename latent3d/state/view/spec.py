"""A view file's content: what the window shows (run, position, camera, colours, picks, groups, layers).

The format is documented in ``docs/view-format.md``; it is read by ``parse`` (every key checked) and
written by ``file``. Nothing here imports Qt, VTK or torch, so the CLI and tests use it headless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from latent3d.state.own_values import DecoderMapState, OwnImage
from latent3d.state.values import Camera, PathState, Vec3
from latent3d.state.view.checker import Checker
from latent3d.state.view.groups import GroupSpec
from latent3d.state.view.layers import decoder_map_to_dict, own_images_to_list
from latent3d.state.view.parse import FORMAT_VERSION, spec_fields

PathSpec = PathState  # the file's name for the path: the same value type as the state's

__all__ = ["Camera", "PathSpec", "ViewSpec"]


@dataclass(frozen=True)
class ViewSpec:
    """Everything a view file holds. ``camera`` may be None in code but is required in a file.

    Attributes
    ----------
    run : str
        Run name under the runs folder, or a path to a run folder.
    step, epoch : int or None, float or None
        Timeline position; at least one is set in a file, and ``step`` wins when both are.
    camera : Camera or None
    color : {"class", "error", "movement", "learned"}
    hidden_classes : tuple of int
        Sorted, unique class indices 0-9 that are hidden.
    selected : int or None
        Index of the selected test image.
    path : PathSpec or None
    probe : tuple of 3 floats or None
        Free-roam probe position; None means free roam is off.
    train_overlay : bool
    time_axis : {"log", "linear"}
    follow : bool
        Whether the camera frames the snapshot shown (its direction from ``camera``).
    grouping : GroupSpec
        The keys ``groups``, ``group_shown``, ``group_mode`` and ``trails`` (see ``state.view.groups``).
    decoder_map : DecoderMapState or None
    own_images : tuple of OwnImage
    align : {"none", "final", "previous"}
        How the snapshots are aligned (``none``: the raw codes).
    compare : str or None
        The second run compared with (a run name or path, like ``run``), or None.
    """

    run: str
    step: int | None
    epoch: float | None
    camera: Camera | None
    color: str = "class"
    hidden_classes: tuple[int, ...] = ()
    selected: int | None = None
    path: PathSpec | None = None
    probe: Vec3 | None = None
    train_overlay: bool = False
    time_axis: str = "log"
    follow: bool = False
    grouping: GroupSpec = field(default_factory=GroupSpec)
    decoder_map: DecoderMapState | None = None
    own_images: tuple[OwnImage, ...] = ()
    align: str = "none"
    compare: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this view (plain Python values; numpy scalars become floats and ints).

        Returns
        -------
        dict
            Keys in the documented order; ``step``/``epoch`` left out when None, ``camera``
            left out when None (so that ``from_dict`` names it as missing).
        """
        d: dict[str, Any] = {"format_version": FORMAT_VERSION, "run": self.run}
        if self.step is not None:
            d["step"] = _plain(self.step)
        if self.epoch is not None:
            d["epoch"] = _plain(self.epoch)
        if self.camera is not None:
            c = self.camera
            d["camera"] = {"position": _vec(c.position), "focal_point": _vec(c.focal_point),
                           "view_up": _vec(c.view_up), "view_angle": _plain(c.view_angle)}
        d["color"] = self.color
        d["hidden_classes"] = sorted(_plain(k) for k in self.hidden_classes)
        d["selected"] = _plain(self.selected)
        p = self.path
        d["path"] = None if p is None else {"a": _plain(p.a), "b": _plain(p.b), "t": _plain(p.t),
                                            "samples": _plain(p.samples)}
        d["probe"] = None if self.probe is None else _vec(self.probe)
        d["train_overlay"] = self.train_overlay
        d["time_axis"] = self.time_axis
        d["follow"] = self.follow
        d.update(self.grouping.to_dict())
        if self.decoder_map is not None:
            d["decoder_map"] = decoder_map_to_dict(self.decoder_map)
        if self.own_images:
            d["own_images"] = own_images_to_list(self.own_images)
        d["align"] = self.align
        d["compare"] = self.compare
        return d

    @classmethod
    def from_dict(cls, d: object, source: str) -> ViewSpec:
        """The view an untrusted parsed JSON value describes, checked by :func:`~latent3d.state.view.parse.spec_fields`.

        Raises ``ViewFileError`` (one sentence naming ``source`` and the offending key).
        """
        return cls(**spec_fields(d, source))

    def timeline_step(self, steps_per_epoch: int) -> int:
        """The timeline position as a training step: ``step`` if set, else ``round(epoch * steps_per_epoch)``."""
        if self.step is not None:
            return self.step
        assert self.epoch is not None, "a ViewSpec without step or epoch has no timeline position"
        return round(self.epoch * steps_per_epoch)

    def check_against(self, n_points: int, last_step: int, steps_per_epoch: int, source: str) -> None:
        """Refuse indices and a timeline position outside a loaded run.

        Parameters
        ----------
        n_points : int
            Number of test images in the run.
        last_step : int
            The run's last training step (its timeline ends there).
        steps_per_epoch : int
            Training steps in one epoch, to check ``epoch`` when ``step`` is not given.
        source : str
            The file's name, used in messages.

        Raises
        ------
        ViewFileError
            One sentence naming ``source`` and the key that is out of range.
        """
        c = Checker(source)
        indices = [("selected", self.selected)]
        if self.path is not None:
            indices += [("path.a", self.path.a), ("path.b", self.path.b)]
        for key, index in indices:
            if index is not None and not 0 <= index < n_points:
                raise c.error(key, f"is {index} but the run has {n_points} test images (0 to {n_points - 1})")
        self.grouping.check_against(n_points, c)
        if self.step is not None:  # step is authoritative: a stale epoch beside it is not checked
            if self.step > last_step:
                raise c.error("step", f"is {self.step} but the run ends at step {last_step}")
        elif self.epoch is not None and self.timeline_step(steps_per_epoch) > last_step:  # as it opens: rounded
            raise c.error("epoch", f"is {self.epoch:g} but the run ends at epoch {last_step / steps_per_epoch:g}")


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python value JSON writes; anything else unchanged (checked later)."""
    item = getattr(v, "item", None)
    return item() if not isinstance(v, (bool, int, float, str)) and v is not None and callable(item) else v


def _vec(v: Any) -> list[Any]:
    return [_plain(x) for x in v]
