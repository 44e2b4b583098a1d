"""View files: what the window shows as a small JSON file, read as untrusted input, written atomically.

``spec`` (the content), ``parse`` with ``checker``, ``json_text``, ``groups`` and ``layers`` (reading it,
key by key), ``file`` (load and save), ``runs`` (the runs it names, checked) and ``apply`` (to and from
the :class:`~latent3d.state.viewer_model.ViewerModel`). The format is in ``docs/view-format.md``.
"""

from latent3d.state.view.apply import apply_spec, spec_from_state
from latent3d.state.view.checker import ViewFileError
from latent3d.state.view.file import load_view, save_view
from latent3d.state.view.json_text import MAX_VIEW_BYTES
from latent3d.state.view.parse import COLOR_MODES, FORMAT_VERSION
from latent3d.state.view.runs import check_spec, load_view_compare, load_view_run, resolve_view_run, spec_names_run
from latent3d.state.view.spec import Camera, PathSpec, ViewSpec

__all__ = ["COLOR_MODES", "FORMAT_VERSION", "MAX_VIEW_BYTES", "Camera", "PathSpec", "ViewFileError", "ViewSpec",
           "apply_spec", "check_spec", "load_view", "load_view_compare", "load_view_run", "resolve_view_run",
           "save_view", "spec_from_state", "spec_names_run"]
