"""Checks of an untrusted view file's values: typed getters whose every failure is one ViewFileError sentence."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

__all__ = ["MAX_COORD", "MAX_INT", "Checker", "HugeInt", "NonFinite", "ViewFileError", "describe", "one_line"]

MAX_INT = 2**53  # the largest integer every JSON reader (JavaScript included) holds exactly
MAX_COORD = 1e6  # far beyond any code, small enough that camera arithmetic cannot overflow
_MIN_LENGTH = 1e-9  # shorter camera vectors are zero to VTK's arithmetic
_MIN_SIN = 1e-3  # view_up at least ~0.06 degrees away from the viewing direction


class ViewFileError(ValueError):
    """A view file is missing, unreadable or malformed; the message is one sentence naming the file and the key."""


class NonFinite:
    """A NaN/Infinity literal or a float literal that overflows (``1e400``), kept so its key can be named."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal


class HugeInt:
    """An integer literal too long to be a valid value anywhere in a view file."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def one_line(text: str, limit: int = 300) -> str:
    """``text`` with control characters escaped and cut in the middle past ``limit``, so a message stays one line."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return text if len(text) <= limit else text[: limit // 2] + "..." + text[-limit // 2:]


def describe(v: object) -> str:
    """A short, one-line description of a parsed JSON value for the end of a message."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "the string " + one_line(repr(v), 40)
    if isinstance(v, (int, float)):
        return one_line(repr(v), 40)
    if isinstance(v, HugeInt):
        return f"an integer of {v.digits} digits"
    if isinstance(v, NonFinite):
        return one_line(v.literal, 40)
    if isinstance(v, list):  # a short list is shown, so "[NaN, 0, 0]" says which element is wrong
        shown = "[" + ", ".join("[...]" if isinstance(x, list) else "{...}" if isinstance(x, dict)
                                else describe(x).removeprefix("the string ") for x in v) + "]"
        return shown if len(v) <= 4 and len(shown) <= 80 else f"a list of {len(v)} items"
    return "an object" if isinstance(v, dict) else type(v).__name__


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= MAX_INT


class Checker:
    """Typed getters for one file's values; each raises ViewFileError naming ``source`` and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, key: str | None, what: str) -> ViewFileError:
        """``View file SOURCE: 'KEY' WHAT.``, or ``View file SOURCE WHAT.`` when ``key`` is None, as one line."""
        where = f": '{one_line(key, 80)}' " if key else " "
        return ViewFileError(f"View file {one_line(self.source)}{where}{what}.")

    def keys(self, obj: dict[str, Any], prefix: str, required: Collection[str], optional: Collection[str]) -> None:
        """Refuse unknown keys (naming them) and missing required keys of the object at ``prefix``."""
        unknown = [k for k in obj if k not in required and k not in optional]
        if unknown:
            names = ", ".join(one_line(repr(k), 40) for k in unknown[:3]) + (" ..." if len(unknown) > 3 else "")
            where = f" in '{prefix}'" if prefix else ""
            raise self.error(None, f"has unknown key{'s' if len(unknown) > 1 else ''} {names}{where}; "
                                   "remove it or check its spelling")
        for k in required:
            if k not in obj:
                raise self.error(f"{prefix}.{k}" if prefix else k, "is missing")

    def obj(self, key: str, v: object) -> dict[str, Any]:
        """A JSON object."""
        if not isinstance(v, dict):
            raise self.error(key, f"must be an object, not {describe(v)}")
        return v

    def integer(self, key: str, v: object, lo: int = 0, hi: int = MAX_INT) -> int:
        """A JSON integer (not a bool, not ``5.0``) in ``[lo, hi]``."""
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            span = f"an integer from {lo} to {hi}" if hi < MAX_INT else f"an integer from {lo} to 2**53"
            raise self.error(key, f"must be {span}, not {describe(v)}")
        return v

    def number(self, key: str, v: object, lo: float, hi: float, *, open_ends: bool = False) -> float:
        """A finite JSON number in ``[lo, hi]`` (``(lo, hi)`` with ``open_ends``); integers over 2**53 refused."""
        inside = _is_number(v) and (lo < v < hi if open_ends else lo <= v <= hi)  # type: ignore[operator]
        if not inside:
            span = f"between {lo:.15g} and {hi:.15g}" + (" (exclusive)" if open_ends else "")
            raise self.error(key, f"must be a finite number {span}, not {describe(v)}")
        return float(v)  # type: ignore[arg-type]

    def vector(self, key: str, v: object) -> tuple[float, float, float]:
        """Three finite numbers, each within ±MAX_COORD."""
        if not (isinstance(v, list) and len(v) == 3 and all(_is_number(x) and abs(x) <= MAX_COORD for x in v)):
            raise self.error(key, f"must be 3 finite numbers, each within ±{MAX_COORD:.0f}, not {describe(v)}")
        return float(v[0]), float(v[1]), float(v[2])

    def choice(self, key: str, v: object, options: Collection[str]) -> str:
        """One of ``options``."""
        if not isinstance(v, str) or v not in options:
            listed = ", ".join(f'"{o}"' for o in options)
            raise self.error(key, f"must be one of {listed}, not {describe(v)}")
        return v

    def boolean(self, key: str, v: object) -> bool:
        """A JSON ``true`` or ``false``."""
        if not isinstance(v, bool):
            raise self.error(key, f"must be true or false, not {describe(v)}")
        return v

    def text(self, key: str, v: object, max_chars: int) -> str:
        """A non-empty string of at most ``max_chars`` characters, without control characters or lone surrogates."""
        if not isinstance(v, str) or not 0 < len(v) <= max_chars:
            raise self.error(key, f"must be a non-empty string of at most {max_chars} characters, not {describe(v)}")
        if any(ord(c) < 32 or 127 <= ord(c) < 160 or 0xD800 <= ord(c) < 0xE000 for c in v):
            raise self.error(key, "contains a control character or an invalid code point; write it as plain text")
        return v

    def camera_geometry(self, position: tuple[float, ...], focal: tuple[float, ...], up: tuple[float, ...]) -> None:
        """Refuse a camera VTK cannot orient: position on the focal point, view_up zero or along the view."""
        d = [p - f for p, f in zip(position, focal)]
        nd, nu = math.hypot(*d), math.hypot(*up)
        if nd < _MIN_LENGTH:
            raise self.error("camera.position", "must differ from 'camera.focal_point'")
        if nu < _MIN_LENGTH:
            raise self.error("camera.view_up", "must not be the zero vector")
        cross = (d[1] * up[2] - d[2] * up[1], d[2] * up[0] - d[0] * up[2], d[0] * up[1] - d[1] * up[0])
        if math.hypot(*cross) <= _MIN_SIN * nd * nu:
            raise self.error("camera.view_up", "must not be parallel to the viewing direction")
