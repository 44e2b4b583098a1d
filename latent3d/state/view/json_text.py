"""An untrusted view file's text and JSON: a regular UTF-8 file under 1 MB, parsed without surprises."""

from __future__ import annotations

import json
import math
import os
from typing import Any

from latent3d.state.view.checker import Checker, HugeInt, NonFinite, one_line
from latent3d.util.fileio import FileKindError, open_regular

__all__ = ["MAX_DEPTH", "MAX_VIEW_BYTES", "parse_json", "read_text"]

MAX_VIEW_BYTES = 1 << 20  # a view file is under 1 kB; anything near 1 MB is not one
MAX_DEPTH = 32  # a valid view file nests 3 levels deep
_MAX_INT_DIGITS = 20  # longer integer literals are marked huge before Python converts them


def read_text(source: str) -> str:
    """The text of a view file, refusing anything but a regular UTF-8 file of at most MAX_VIEW_BYTES.

    The file is checked with ``os.stat`` before it is opened, and opened non-blocking and checked
    again, so a FIFO (or a file swapped for one) never blocks the reader.
    """
    c = Checker(source)
    try:
        with open_regular(source) as f:  # stat first, then open non-blocking and check again: a FIFO never blocks
            size = os.fstat(f.fileno()).st_size
            raw = f.read(MAX_VIEW_BYTES + 1) if size <= MAX_VIEW_BYTES else b""
    except FileKindError as exc:
        if exc.kind == "a link to nothing":
            raise c.error(None, "is a link to a file that does not exist; choose the file it meant") from None
        if exc.kind == "a folder":
            raise c.error(None, "is a folder, not a view file; choose a .json file") from None
        raise c.error(None, "is not a regular file (a FIFO, device or socket); choose a .json file") from None
    except (FileNotFoundError, NotADirectoryError):
        raise c.error(None, "does not exist; check the path") from None
    except ValueError:  # an embedded NUL in the path
        raise c.error(None, "is not a usable path (it contains a NUL character)") from None
    except OSError as exc:  # permission on a parent folder, a link loop, a name too long
        raise c.error(None, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if size > MAX_VIEW_BYTES or len(raw) > MAX_VIEW_BYTES:
        raise c.error(None, f"is larger than {MAX_VIEW_BYTES >> 20} MB, far too large for a view file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise c.error(None, f"is not UTF-8 text (invalid byte at offset {exc.start}); a view file is JSON") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark some Windows editors add
    if not text.strip():
        raise c.error(None, "is empty; a view file holds one JSON object")
    return text


def parse_json(text: str, source: str) -> Any:
    """Parse untrusted JSON into plain values: duplicate keys refused, non-finite and huge numbers marked."""
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise Checker(source).error(k, "appears twice in one object; keep only one")
            out[k] = v
        return out

    def number(s: str) -> float | NonFinite:
        f = float(s)
        return f if math.isfinite(f) else NonFinite(one_line(s, 40))

    def integer(s: str) -> int | HugeInt:
        # Python refuses (or slowly converts) thousands of digits; no valid value needs more than 16.
        return int(s) if len(s) <= _MAX_INT_DIGITS else HugeInt(len(s.lstrip("-")))

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=NonFinite, parse_float=number,
                          parse_int=integer)
    except RecursionError:
        raise Checker(source).error(None, f"is nested deeper than {MAX_DEPTH} levels; it is not a view file") from None
    except json.JSONDecodeError as exc:
        raise Checker(source).error(None, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                                          "fix it in a text editor or save the view again") from None
    too_deep = _deepest(data)
    if too_deep is not None:
        raise Checker(source).error(too_deep or None, f"is nested deeper than {MAX_DEPTH} levels")
    return data


def _deepest(data: Any) -> str | None:
    """The top-level key holding a value nested deeper than MAX_DEPTH ("" if the top level is not an object)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, key = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            return key
        items = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((v, depth + 1, key or (k if depth == 1 and isinstance(k, str) else ""))
                     for k, v in items if isinstance(v, (dict, list)))
    return None
