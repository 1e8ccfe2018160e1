"""Shape-driven conversion between JSON documents and Python values.

Input: JSON values are checked against their shapes with the type errors the
service answers (``SerializationException`` with Coral's texts), blobs are
base64-decoded and timestamps become aware datetimes. Members the shape does
not know, and nulls, are dropped, as the service does.

Output: Python values are rendered by shape: bytes to base64, datetimes and
epoch floats to epoch seconds, ``None`` members left out.

Every mocked call goes through here, so each shape is compiled once into a
small closure (:func:`parser_for`, :func:`renderer_for`) instead of being
interpreted on every request.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape

from .errors import SerializationException

Convert = Callable[[Any], Any]

_NUMBER_CLASS = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber"
_BASE64_CHARS = re.compile(r"[^a-zA-Z0-9+/=]|=[^=]")


def _article(type_name: str) -> str:
    # Coral writes "an Integer", "an String", "an Boolean" but "a Blob".
    return "a" if type_name == "Blob" else "an"


def _mismatch(value: Any, type_name: str) -> SerializationException:
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    if isinstance(value, bool):
        java = "class java.lang.Boolean"
    elif isinstance(value, (int, float)):
        java = _NUMBER_CLASS
    else:
        java = "class java.lang.String"
    return SerializationException(
        f"{java} can not be converted to {_article(type_name)} {type_name}"
    )


class _Compiler:
    """Compiles shapes into converters, once per shape (recursive shapes included)."""

    def __init__(self, build: Callable[[_Compiler, Shape], Convert]) -> None:
        self._build = build
        self._done: dict[Shape, Convert] = {}

    def __call__(self, shape: Shape) -> Convert:
        done = self._done.get(shape)
        if done is not None:
            return done
        cell: list[Convert] = []
        # A shape that refers to itself calls through the cell until it is built.
        self._done[shape] = lambda value: cell[0](value)
        built = self._build(self, shape)
        cell.append(built)
        self._done[shape] = built
        return built


# -- input ---------------------------------------------------------------------


def _build_parser(compile_: _Compiler, shape: Shape) -> Convert:
    kind = shape.type_name
    if kind == "structure":
        members = {name: compile_(member) for name, member in shape.members.items()}

        def parse_structure(value: Any) -> Any:
            if type(value) is not dict:
                if isinstance(value, list):
                    raise SerializationException("Start of list found where not expected")
                raise SerializationException("Expected null")
            parsed = {}
            for key, item in value.items():
                parse = members.get(key)
                if parse is not None and item is not None:
                    parsed[key] = parse(item)
            return parsed

        return parse_structure
    if kind == "list":
        parse_member = compile_(shape.member)

        def parse_list(value: Any) -> Any:
            if type(value) is not list:
                if isinstance(value, dict):
                    raise SerializationException(
                        "Start of structure or map found where not expected."
                    )
                raise SerializationException("Expected list or null")
            return [None if item is None else parse_member(item) for item in value]

        return parse_list
    if kind == "map":
        parse_item = compile_(shape.value)

        def parse_map(value: Any) -> Any:
            if type(value) is not dict:
                if isinstance(value, list):
                    raise SerializationException("Start of list found where not expected")
                raise SerializationException("Expected map or null")
            return {k: None if v is None else parse_item(v) for k, v in value.items()}

        return parse_map
    if kind == "string":

        def parse_string(value: Any) -> Any:
            if type(value) is str:
                return value
            raise _mismatch(value, "String")

        return parse_string
    if kind in ("integer", "long"):
        java_type = kind.capitalize()

        def parse_integer(value: Any) -> Any:
            if type(value) is int:
                return value
            if type(value) is float:
                return int(value)
            raise _mismatch(value, java_type)

        return parse_integer
    if kind in ("float", "double"):
        java_type = kind.capitalize()

        def parse_float(value: Any) -> Any:
            if type(value) in (int, float):
                return float(value)
            raise _mismatch(value, java_type)

        return parse_float
    if kind == "boolean":

        def parse_boolean(value: Any) -> Any:
            if type(value) is bool:
                return value
            if isinstance(value, str):
                raise SerializationException(
                    f"'{value.upper()}' can not be converted to an Boolean"
                )
            raise _mismatch(value, "Boolean")

        return parse_boolean
    if kind == "blob":

        def parse_blob(value: Any) -> Any:
            if type(value) is not str:
                raise _mismatch(value, "Blob")
            return decode_blob(value)

        return parse_blob
    if kind == "timestamp":
        return _parse_timestamp
    raise SerializationException(f"Unsupported shape type {kind}")


if sys.version_info >= (3, 11):

    def _strict_b64decode(text: str) -> bytes:
        return binascii.a2b_base64(text, strict_mode=True)

else:  # pragma: no cover - Python 3.10 has no strict_mode

    def _strict_b64decode(text: str) -> bytes:
        return base64.b64decode(text, validate=True)


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Before one "=", the last character carries 2 unused bits; before "==", 4.
_UNUSED_BITS_CLEAR = {
    1: frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b11 == 0),
    2: frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b1111 == 0),
}


def decode_blob(text: str) -> bytes:
    """Decode a base64 member, with the service's errors for bad encodings.

    Only canonical encodings pass: the service also rejects a last character
    whose unused bits are set.
    """
    try:
        data = _strict_b64decode(text)
    except (binascii.Error, ValueError):
        pass
    else:
        if text[-1:] != "=":
            return data
        padding = 2 if text[-2:-1] == "=" else 1
        if text[-padding - 1] in _UNUSED_BITS_CLEAR[padding]:
            return data
    prefix = f"'{text}' can not be converted to a Blob: "
    if len(text) % 4:
        raise SerializationException(
            prefix + "Base64 encoded length is expected a multiple of 4 bytes "
            f"but found: {len(text)}"
        )
    bad = _BASE64_CHARS.search(text)
    if bad:
        raise SerializationException(prefix + f"Invalid Base64 character: '{bad.group(0)[0]}'")
    # The service's own spelling of "detected".
    raise SerializationException(prefix + "Invalid last non-pad Base64 character dectected")


def _parse_timestamp(value: Any) -> datetime:
    if isinstance(value, bool):
        raise _mismatch(value, "Date")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return datetime.fromtimestamp(float(value), tz=timezone.utc)
            except ValueError as error:
                raise _mismatch(value, "Date") from error
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise _mismatch(value, "Date")


parser_for = _Compiler(_build_parser)


def parse_value(value: Any, shape: Shape) -> Any:
    """Check and convert one JSON value against its shape."""
    return parser_for(shape)(value)


# -- output --------------------------------------------------------------------
#
# Rendering works in place: a handler's result is a fresh dict built for this
# response, so only the members whose wire form differs (blobs, timestamps,
# and containers holding them) are touched, and unset (None) members dropped.


def _identity(value: Any) -> Any:
    return value


def _render_blob(value: Any) -> str:
    return binascii.b2a_base64(value, newline=False).decode("ascii")


def _render_timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def _build_renderer(compile_: _Compiler, shape: Shape) -> Convert:
    kind = shape.type_name
    if kind == "structure":
        converting = [
            (name, render)
            for name, member in shape.members.items()
            if (render := compile_(member)) is not _identity
        ]

        def render_structure(value: Any) -> Any:
            for key, render in converting:
                item = value.get(key)
                if item is not None:
                    value[key] = render(item)
            if None in value.values():
                for key in [key for key, item in value.items() if item is None]:
                    del value[key]
            return value

        return render_structure
    if kind == "list":
        render_member = compile_(shape.member)
        if render_member is _identity:
            return _identity
        if shape.member.type_name == "structure":

            def render_structures(value: Any) -> Any:
                for item in value:
                    render_member(item)
                return value

            return render_structures
        return lambda value: [render_member(item) for item in value]
    if kind == "map":
        render_item = compile_(shape.value)
        if render_item is _identity:
            return _identity
        return lambda value: {key: render_item(item) for key, item in value.items()}
    if kind == "blob":
        return _render_blob
    if kind == "timestamp":
        return _render_timestamp
    return _identity


renderer_for = _Compiler(_build_renderer)


def render_value(value: Any, shape: Shape) -> Any:
    """Render one Python value (in place where it can) as the JSON the service
    sends for its shape."""
    return renderer_for(shape)(value)
