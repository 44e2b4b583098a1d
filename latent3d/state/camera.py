"""The camera pose as plain numbers: what the view reports, the state holds and a view file stores."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Camera", "Vec3"]

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Camera:
    """A perspective camera: where it is, what it looks at, which way is up, its vertical view angle (degrees)."""

    position: Vec3
    focal_point: Vec3
    view_up: Vec3
    view_angle: float = 30.0
