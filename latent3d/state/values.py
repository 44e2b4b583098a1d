"""Plain value types of a view (camera pose, A->B path): what the state holds and a view file stores."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Camera", "PathState", "Vec3"]

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Camera:
    """A perspective camera: where it is, what it looks at, which way is up, its vertical view angle (degrees)."""

    position: Vec3
    focal_point: Vec3
    view_up: Vec3
    view_angle: float = 30.0


@dataclass(frozen=True)
class PathState:
    """The A->B interpolation path: end indices, marker fraction ``t`` (0 = A, 1 = B), decoded samples."""

    a: int
    b: int
    t: float = 0.5
    samples: int = 10
