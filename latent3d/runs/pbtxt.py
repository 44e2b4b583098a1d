"""A reader of protobuf text format for TensorBoard's ``projector_config.pbtxt``: plain values only, no protobuf.

Enough of the text format for what ``SummaryWriter.add_embedding`` writes (and hand-edited
configs): ``name: value`` fields, ``name { ... }`` messages, strings in double or single quotes
with C escapes, numbers, identifiers, ``#`` comments. Every field maps to a list of its values
(a field may repeat). Untrusted: the size is capped by the caller, nesting is bounded, and
nothing is evaluated.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["PbtxtError", "parse_pbtxt"]

MAX_DEPTH = 16
_TOKEN = re.compile(r"""
    \s+ | \#[^\n]* |                                  # whitespace and comments: skipped
    (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*') |
    (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?) |
    (?P<name>[A-Za-z_][A-Za-z0-9_.]*) |
    (?P<punct>[{}:<>\[\],;])
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "?": "?"}

Message = dict[str, list[Any]]


class PbtxtError(ValueError):
    """The text is not protobuf text format; the message ends a sentence ("... at line 3")."""


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise PbtxtError(f"it holds {text[pos:pos + 20]!r}, which is no part of the text format, at line {line}")
        kind = m.lastgroup
        if kind is not None:
            out.append((kind, m.group(kind), line))
        line += m.group(0).count("\n")
        pos = m.end()
    return out


def _unquote(token: str, line: int) -> str:
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1:])
            assert digits is not None
            out.append(chr(int(digits.group(0), 8)))
            i += 1 + len(digits.group(0))
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:]):
            digits = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:])
            assert digits is not None
            out.append(chr(int(digits.group(0), 16)))
            i += 2 + len(digits.group(0))
        else:
            raise PbtxtError(f"a string holds the unknown escape \\{nxt} at line {line}")
    return "".join(out)


def parse_pbtxt(text: str) -> Message:
    """Parse protobuf text format into nested dicts: ``{"field": [value, ...]}``, messages as dicts.

    Parameters
    ----------
    text : str

    Returns
    -------
    dict of str to list
        Strings as ``str``, numbers as ``int`` or ``float``, enum names and ``true``/``false`` as ``str``.

    Raises
    ------
    PbtxtError
        Text that is not the text format (a stray token, an unclosed message, nesting deeper than 16).
    """
    tokens = _tokens(text)
    return _message(tokens, 0, 0, closing=None)[0]


def _message(tokens: list[tuple[str, str, int]], pos: int, depth: int, closing: str | None) -> tuple[Message, int]:
    if depth > MAX_DEPTH:
        raise PbtxtError(f"messages nest deeper than {MAX_DEPTH} levels at line {tokens[pos - 1][2]}")
    msg: Message = {}
    while pos < len(tokens):
        kind, value, line = tokens[pos]
        if kind == "punct" and value == closing:
            return msg, pos + 1
        if kind == "punct" and value in ",;":
            pos += 1
            continue
        if kind != "name":
            raise PbtxtError(f"a field name was expected, not {value[:20]!r}, at line {line}")
        pos += 1
        if pos < len(tokens) and tokens[pos][1] == ":":
            pos += 1
        if pos >= len(tokens):
            raise PbtxtError(f"field {value[:40]} has no value at line {line}")
        vkind, vtext, vline = tokens[pos]
        if vkind == "punct" and vtext in "{<":
            child, pos = _message(tokens, pos + 1, depth + 1, "}" if vtext == "{" else ">")
            msg.setdefault(value, []).append(child)
        elif vkind == "punct" and vtext == "[":
            pos += 1
            while pos < len(tokens) and tokens[pos][1] != "]":
                if tokens[pos][1] != ",":
                    msg.setdefault(value, []).append(_scalar(*tokens[pos]))
                pos += 1
            pos += 1
        else:
            msg.setdefault(value, []).append(_scalar(vkind, vtext, vline))
            pos += 1
    if closing is not None:
        raise PbtxtError("a message is not closed at the end of the text")
    return msg, pos


def _scalar(kind: str, text: str, line: int) -> Any:
    if kind == "string":
        return _unquote(text, line)
    if kind == "number":
        if len(text) > 40:
            raise PbtxtError(f"a number of {len(text):,} characters at line {line}")
        t = text.rstrip("fF")
        return int(t) if re.fullmatch(r"[-+]?\d+", t) else float(t)
    if kind == "name":
        return text
    raise PbtxtError(f"a value was expected, not {text!r}, at line {line}")
