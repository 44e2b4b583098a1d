"""The values of a view file read from its untrusted parsed JSON: every key checked, one sentence per failure."""

from __future__ import annotations

from typing import Any

from latent3d.config.choices import ALIGN_MODES, ALL_COLOUR_MODES, COMPARE_COLOUR_MODES, TIME_AXES
from latent3d.state.values import Camera, PathState
from latent3d.state.view.checker import Checker, describe
from latent3d.state.view.groups import GROUP_KEYS, parse_groups
from latent3d.state.view.layers import decoder_map_from_dict, own_images_from_list

__all__ = ["COLOR_MODES", "FORMAT_VERSION", "MAX_EPOCH", "MAX_RUN_CHARS", "N_CLASSES", "spec_fields"]

FORMAT_VERSION = 1
MAX_RUN_CHARS = 4096
MAX_EPOCH = 1e6  # far beyond any run; keeps epoch * steps_per_epoch an exact-enough float
COLOR_MODES = ALL_COLOUR_MODES  # the file's key is spelled "color"
N_CLASSES = 10
_REQUIRED = ("format_version", "run", "camera", "color", "hidden_classes", "selected")
_OPTIONAL = ("step", "epoch", "path", "probe", "train_overlay", "time_axis", "follow", "decoder_map",
             "own_images", "align", "compare", *GROUP_KEYS)


def spec_fields(d: object, source: str) -> dict[str, Any]:
    """Check an untrusted parsed JSON value and return the fields of the view it describes.

    Parameters
    ----------
    d : object
        The parsed JSON (from ``json_text.parse_json`` or ``json.loads``).
    source : str
        The file's name, used in messages.

    Returns
    -------
    dict
        The keyword arguments of :class:`~latent3d.state.view.spec.ViewSpec`.

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
    return {
        "run": run, "step": step, "epoch": epoch, "camera": camera, "color": color,
        "hidden_classes": tuple(sorted(classes)),
        "selected": None if d["selected"] is None else c.integer("selected", d["selected"]),
        "path": None if d.get("path") is None else _path(c, c.obj("path", d["path"])),
        "probe": None if d.get("probe") is None else c.vector("probe", d["probe"]),
        "train_overlay": c.boolean("train_overlay", d.get("train_overlay", False)),
        "time_axis": c.choice("time_axis", d.get("time_axis", "log"), TIME_AXES),
        "follow": c.boolean("follow", d.get("follow", False)),
        "grouping": parse_groups(c, d),
        "decoder_map": decoder_map_from_dict(c, d.get("decoder_map")),
        "own_images": own_images_from_list(c, d.get("own_images")),
        "align": c.choice("align", d.get("align", "none"), ALIGN_MODES), "compare": compare,
    }


def _camera(c: Checker, d: dict[str, Any]) -> Camera:
    c.keys(d, "camera", ("position", "focal_point", "view_up"), ("view_angle",))
    position = c.vector("camera.position", d["position"])
    focal = c.vector("camera.focal_point", d["focal_point"])
    up = c.vector("camera.view_up", d["view_up"])
    c.camera_geometry(position, focal, up)
    angle = c.number("camera.view_angle", d.get("view_angle", 30.0), 0.0, 180.0, open_ends=True)
    return Camera(position, focal, up, angle)


def _path(c: Checker, d: dict[str, Any]) -> PathState:
    c.keys(d, "path", ("a", "b"), ("t", "samples"))
    a, b = c.integer("path.a", d["a"]), c.integer("path.b", d["b"])
    if a == b:
        raise c.error("path.b", "must differ from 'path.a' (a path joins two test images)")
    t = c.number("path.t", d.get("t", 0.5), 0.0, 1.0)
    return PathState(a, b, t, c.integer("path.samples", d.get("samples", 10), 2, 40))
