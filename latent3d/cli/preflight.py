"""The checks made before a training now live in ``latent3d.job.preflight`` (the window's training makes them too)."""

from latent3d.job.preflight import (
    PARTIAL_RESERVE,
    PreflightError,
    check_data_dir,
    check_out,
    check_train,
    estimate_run_bytes,
)

__all__ = ["PARTIAL_RESERVE", "PreflightError", "check_data_dir", "check_out", "check_train", "estimate_run_bytes"]
