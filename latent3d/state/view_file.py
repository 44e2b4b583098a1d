"""View files: what the window shows, as a small JSON file read as untrusted input and written atomically.

The format is documented in ``docs/view-format.md``; the checks of single values live in
``view_checks``. Nothing here imports Qt, VTK or torch, so the CLI and tests use it headless.
"""

from __future__ import annotations

import errno
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from latent3d.config.choices import ALIGN_MODES, ALL_COLOUR_MODES, COMPARE_COLOUR_MODES, TIME_AXES
from latent3d.state.group_view import GROUP_KEYS, GroupSpec, parse_groups
from latent3d.state.own_values import (
    DecoderMapState,
    OwnImage,
    decoder_map_from_dict,
    decoder_map_to_dict,
    own_images_from_list,
    own_images_to_list,
)
from latent3d.state.values import Camera, PathState, Vec3
from latent3d.state.view_checks import MAX_VIEW_BYTES, Checker, ViewFileError, describe, parse_json, read_text
from latent3d.util.fileio import OutputError, atomic_path

PathSpec = PathState  # the file's name for the path: the same value type as the state's

__all__ = ["COLOR_MODES", "FORMAT_VERSION", "MAX_VIEW_BYTES", "TIME_AXES", "Camera", "PathSpec", "ViewFileError",
           "ViewSpec", "load_view", "save_view"]

FORMAT_VERSION = 1
MAX_RUN_CHARS = 4096
MAX_EPOCH = 1e6  # far beyond any run; keeps epoch * steps_per_epoch an exact-enough float
COLOR_MODES = ALL_COLOUR_MODES  # the file's key is spelled "color"
N_CLASSES = 10
_REQUIRED = ("format_version", "run", "camera", "color", "hidden_classes", "selected")
_OPTIONAL = ("step", "epoch", "path", "probe", "train_overlay", "time_axis", "follow", "decoder_map",
             "own_images", "align", "compare", *GROUP_KEYS)

_NUMBER_LIST = re.compile(r"\[\n\s*([-+0-9.eE,\s]*?)\n\s*\]")


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
        The keys ``groups``, ``group_shown``, ``group_mode`` and ``trails`` (see ``state.group_view``).
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
        """Check an untrusted parsed JSON value and build the view it describes.

        Parameters
        ----------
        d : object
            The parsed JSON (from ``view_checks.parse_json`` or ``json.loads``).
        source : str
            The file's name, used in messages.

        Returns
        -------
        ViewSpec

        Raises
        ------
        ViewFileError
            One sentence naming ``source`` and the offending key.
        """
        c = Checker(source)
        if not isinstance(d, dict):
            raise c.error(None, f"must hold a JSON object at the top level, not {describe(d)}")
        if "format_version" not in d:
            raise c.error("format_version", f"is missing; a view file starts with \"format_version\": {FORMAT_VERSION}")
        version = d["format_version"]
        if isinstance(version, bool) or not isinstance(version, int) or version != FORMAT_VERSION:
            raise c.error("format_version", f"must be {FORMAT_VERSION} (the version this latent3d reads), "
                                            f"not {describe(version)}")
        c.keys(d, "", _REQUIRED, _OPTIONAL)
        run = c.text("run", d["run"], MAX_RUN_CHARS)
        # null is accepted as "not given" for step and epoch, like the other optional keys
        step = None if d.get("step") is None else c.integer("step", d["step"])
        epoch = None if d.get("epoch") is None else c.number("epoch", d["epoch"], 0.0, MAX_EPOCH)
        if step is None and epoch is None:
            raise c.error("step", "or 'epoch' must be given (the timeline position)")
        camera = _camera(c, c.obj("camera", d["camera"]))
        color = c.choice("color", d["color"], COLOR_MODES)
        hidden = d["hidden_classes"]
        if not isinstance(hidden, list):
            raise c.error("hidden_classes", f"must be a list of class indices 0 to {N_CLASSES - 1}, "
                                            f"not {describe(hidden)}")
        if len(hidden) > N_CLASSES:
            raise c.error("hidden_classes", f"lists {len(hidden)} classes, but there are only {N_CLASSES}")
        classes = [c.integer(f"hidden_classes[{i}]", k, 0, N_CLASSES - 1) for i, k in enumerate(hidden)]
        if len(set(classes)) != len(classes):
            raise c.error("hidden_classes", "lists a class twice; list each hidden class once")
        compare = None if d.get("compare") is None else c.text("compare", d["compare"], MAX_RUN_CHARS)
        if color in COMPARE_COLOUR_MODES and compare is None:
            raise c.error("color", f"is {color!r}, which compares two runs, but 'compare' names no second run")
        return cls(
            run=run, step=step, epoch=epoch, camera=camera, color=color, hidden_classes=tuple(sorted(classes)),
            selected=None if d["selected"] is None else c.integer("selected", d["selected"]),
            path=None if d.get("path") is None else _path(c, c.obj("path", d["path"])),
            probe=None if d.get("probe") is None else c.vector("probe", d["probe"]),
            train_overlay=c.boolean("train_overlay", d.get("train_overlay", False)),
            time_axis=c.choice("time_axis", d.get("time_axis", "log"), TIME_AXES),
            follow=c.boolean("follow", d.get("follow", False)),
            grouping=parse_groups(c, d),
            decoder_map=decoder_map_from_dict(c, d.get("decoder_map")),
            own_images=own_images_from_list(c, d.get("own_images")),
            align=c.choice("align", d.get("align", "none"), ALIGN_MODES), compare=compare,
        )

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


def load_view(path: str | os.PathLike[str]) -> ViewSpec:
    """Read a view file as untrusted input.

    Parameters
    ----------
    path : str or PathLike
        The view file.

    Returns
    -------
    ViewSpec
        Checked for types and ranges; indices and the timeline position are checked against
        the run later, by ``ViewSpec.check_against``, once the run is loaded.

    Raises
    ------
    ViewFileError
        One sentence naming the file (and the key, where one is at fault): a missing file, a
        folder, FIFO or device, over 1 MB, not UTF-8, not JSON, nested too deep, a duplicate or
        unknown key, a wrong type, a non-finite or huge number, a value out of range.
    """
    source = os.fspath(path)
    return ViewSpec.from_dict(parse_json(read_text(source), source), source)


def save_view(spec: ViewSpec, path: str | os.PathLike[str]) -> None:
    """Write a view file atomically: a temporary sibling, flushed and fsynced, then renamed into place.

    Parameters
    ----------
    spec : ViewSpec
        The view; it must have a camera and a timeline position.
    path : str or PathLike
        The file to write; an existing file there is replaced only once the new one is complete.

    Raises
    ------
    ViewFileError
        One sentence naming the file: the spec would not load back (checked before anything
        is written), the folder is missing, permission is denied, the disk is full... On any
        failure the old file is untouched and no temporary file is left.
    """
    source = os.fspath(path)
    data = spec.to_dict()
    ViewSpec.from_dict(data, source)  # never write a file that load_view would refuse
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    # Vectors on one line each; a newline right after "[" never occurs inside a JSON string.
    text = _NUMBER_LIST.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    payload = (text + "\n").encode("utf-8")
    target = Path(source)
    c = Checker(source)
    if target.is_dir():
        raise c.error(None, "is a folder; choose a file name for the view")
    if not target.parent.is_dir():
        raise c.error(None, f"cannot be written: the folder {target.parent} does not exist")
    try:
        with atomic_path(target, what="View file") as tmp:
            tmp.write_bytes(payload)
    except OutputError as exc:
        if exc.os_error is None:  # refused before writing (a name too long...): fileio's sentence names the file
            raise ViewFileError(str(exc)) from None
        raise c.error(None, f"cannot be written ({_why(exc.os_error)})") from None


def _why(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied; choose another folder"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full; free some space or choose another disk"
    return exc.strerror or type(exc).__name__


def _camera(c: Checker, d: dict[str, Any]) -> Camera:
    c.keys(d, "camera", ("position", "focal_point", "view_up"), ("view_angle",))
    position = c.vector("camera.position", d["position"])
    focal = c.vector("camera.focal_point", d["focal_point"])
    up = c.vector("camera.view_up", d["view_up"])
    c.camera_geometry(position, focal, up)
    angle = c.number("camera.view_angle", d.get("view_angle", 30.0), 0.0, 180.0, open_ends=True)
    return Camera(position, focal, up, angle)


def _path(c: Checker, d: dict[str, Any]) -> PathSpec:
    c.keys(d, "path", ("a", "b"), ("t", "samples"))
    a, b = c.integer("path.a", d["a"]), c.integer("path.b", d["b"])
    if a == b:
        raise c.error("path.b", "must differ from 'path.a' (a path joins two test images)")
    t = c.number("path.t", d.get("t", 0.5), 0.0, 1.0)
    return PathSpec(a, b, t, c.integer("path.samples", d.get("samples", 10), 2, 40))


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python value JSON writes; anything else unchanged (checked later)."""
    item = getattr(v, "item", None)
    return item() if not isinstance(v, (bool, int, float, str)) and v is not None and callable(item) else v


def _vec(v: Any) -> list[Any]:
    return [_plain(x) for x in v]
