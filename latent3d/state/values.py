"""Plain value types of a view (camera pose, A->B path): what the state holds and a view file stores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Camera", "PathState", "Vec3", "as_vec3"]

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Camera:
    """A perspective camera: where it is, what it looks at, which way is up, its vertical view angle (degrees)."""

    position: Vec3
    focal_point: Vec3
    view_up: Vec3
    view_angle: float = 30.0

    def same_pose(self, other: Camera, tol: float = 1e-9) -> bool:
        """Whether ``other`` is this pose up to rounding (``tol`` relative to the viewing distance)."""
        scale = max(1.0, float(np.linalg.norm(np.subtract(self.position, self.focal_point))))
        a = np.array([*self.position, *self.focal_point], np.float64)
        b = np.array([*other.position, *other.focal_point], np.float64)
        return (bool(np.all(np.abs(a - b) <= tol * scale))
                and bool(np.all(np.abs(np.subtract(self.view_up, other.view_up)) <= tol))
                and abs(self.view_angle - other.view_angle) <= tol)


@dataclass(frozen=True)
class PathState:
    """The A->B interpolation path: end indices, marker fraction ``t`` (0 = A, 1 = B), decoded samples."""

    a: int
    b: int
    t: float = 0.5
    samples: int = 10


def as_vec3(p: Sequence[float] | np.ndarray) -> Vec3:
    """The first three numbers of ``p`` (a tuple, list or array) as a tuple of floats."""
    return (float(p[0]), float(p[1]), float(p[2]))
