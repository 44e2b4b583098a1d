"""The run folder: layout, untrusted reader and listing (``store``), validation, atomic writer, the live run."""

from latent3d.runs.capabilities import MissingCapability
from latent3d.runs.store import (
    FORMAT_VERSION,
    Run,
    RunError,
    RunSummary,
    default_runs_dir,
    list_runs,
    load_run,
    new_run_name,
    newest_run,
    read_meta,
    resolve_run_path,
)

__all__ = ["FORMAT_VERSION", "MissingCapability", "Run", "RunError", "RunSummary", "default_runs_dir", "list_runs",
           "load_run", "new_run_name", "newest_run", "read_meta", "resolve_run_path"]
