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
from .validation import constraint_expression

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
#
# A reader converts a JSON value and, in the same pass, tells whether it meets
# every constraint of its shape: ``read(value) -> (converted, passes)``. Only
# when something fails does the validator walk the input again to say what,
# in the service's words, so valid requests are checked once, inline.

Read = Callable[[Any], tuple[Any, bool]]


def _not_structure(value: Any) -> SerializationException:
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    return SerializationException("Expected null")


def _not_boolean(value: Any) -> SerializationException:
    if isinstance(value, str):
        return SerializationException(f"'{value.upper()}' can not be converted to an Boolean")
    return _mismatch(value, "Boolean")


_JAVA_NAMES = {"integer": "Integer", "long": "Long", "float": "Float", "double": "Double"}


def _scalar_code(shape: Shape, namespace: dict[str, Any]) -> list[str]:
    """Lines that convert ``v`` in place and clear ``ok`` if it breaks a rule."""
    kind = shape.type_name
    if kind == "string":
        lines = ["if type(v) is not str:", "    raise _mismatch(v, 'String')"]
    elif kind == "blob":
        lines = ["if type(v) is not str:", "    raise _mismatch(v, 'Blob')", "v = _decode_blob(v)"]
    elif kind in ("integer", "long"):
        java = _JAVA_NAMES[kind]
        lines = [
            "if type(v) is not int:",
            "    if type(v) is not float:",
            f"        raise _mismatch(v, {java!r})",
            "    v = int(v)",
        ]
    elif kind in ("float", "double"):
        java = _JAVA_NAMES[kind]
        lines = [
            "if type(v) is not float:",
            "    if type(v) is not int:",
            f"        raise _mismatch(v, {java!r})",
            "    v = float(v)",
        ]
    elif kind == "boolean":
        lines = ["if type(v) is not bool:", "    raise _not_boolean(v)"]
    elif kind == "timestamp":
        lines = ["v = _parse_timestamp(v)"]
    else:
        raise SerializationException(f"Unsupported shape type {kind}")
    expression = constraint_expression(shape, "v", namespace)
    if expression is not None:
        lines += [f"if not ({expression}):", "    ok = False"]
    return lines


def _namespace() -> dict[str, Any]:
    return {
        "_mismatch": _mismatch,
        "_not_structure": _not_structure,
        "_not_boolean": _not_boolean,
        "_decode_blob": decode_blob,
        "_parse_timestamp": _parse_timestamp,
    }


def _define(lines: list[str], namespace: dict[str, Any]) -> Read:
    # The generated source holds member names (repr-quoted), numbers and
    # names bound in ``namespace``; nothing from a request.
    exec("\n".join(lines), namespace)
    reader: Read = namespace["read"]
    return reader


_CONTAINERS = ("structure", "list", "map")


def _build_reader(compile_: _Compiler, shape: Shape) -> Read:
    kind = shape.type_name
    namespace = _namespace()
    if kind == "structure":
        lines = [
            "def read(value):",
            "    if type(value) is not dict:",
            "        raise _not_structure(value)",
            "    out = {}",
            "    ok = True",
            "    for key, v in value.items():",
            "        if v is None:",
            "            continue",
        ]
        for index, (name, member) in enumerate(shape.members.items()):
            lines.append(f"        {'if' if index == 0 else 'elif'} key == {name!r}:")
            if member.type_name in _CONTAINERS:
                namespace[f"_read{index}"] = compile_(member)
                body = [f"v, good = _read{index}(v)", "if not good:", "    ok = False"]
            else:
                body = _scalar_code(member, namespace)
            lines += [f"            {line}" for line in body]
            lines.append(f"            out[{name!r}] = v")
        required = shape.required_members
        if required:
            present = " and ".join(f"{name!r} in out" for name in required)
            lines += [f"    if not ({present}):", "        ok = False"]
        lines.append("    return out, ok")
        return _define(lines, namespace)
    if kind in ("list", "map"):
        own = constraint_expression(shape, "out", namespace) or "True"
        item_shape = shape.member if kind == "list" else shape.value
        namespace["_item"] = compile_(item_shape)
        if kind == "list":
            lines = [
                "def read(value):",
                "    if type(value) is not list:",
                "        if isinstance(value, dict):",
                "            raise _mismatch(value, 'List')",
                "        raise _expected('list')",
                "    out = []",
                "    ok = True",
                "    for item in value:",
                "        if item is None:",
                "            out.append(None)",
                "            continue",
                "        item, good = _item(item)",
                "        out.append(item)",
                "        if not good:",
                "            ok = False",
                f"    return out, ok and ({own})",
            ]
        else:
            key_rule = constraint_expression(shape.key, "key", namespace) or "True"
            lines = [
                "def read(value):",
                "    if type(value) is not dict:",
                "        if isinstance(value, list):",
                "            raise _mismatch(value, 'Map')",
                "        raise _expected('map')",
                "    out = {}",
                "    ok = True",
                "    for key, item in value.items():",
                "        if item is not None:",
                "            item, good = _item(item)",
                "            if not good:",
                "                ok = False",
                f"        if not ({key_rule}):",
                "            ok = False",
                "        out[key] = item",
                f"    return out, ok and ({own})",
            ]
        namespace["_expected"] = _expected
        return _define(lines, namespace)
    lines = ["def read(v):", "    ok = True"]
    lines += [f"    {line}" for line in _scalar_code(shape, namespace)]
    lines.append("    return v, ok")
    return _define(lines, namespace)


def _expected(what: str) -> SerializationException:
    return SerializationException(f"Expected {what} or null")


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


reader_for = _Compiler(_build_reader)


def parse_value(value: Any, shape: Shape) -> Any:
    """Check and convert one JSON value against its shape."""
    return reader_for(shape)(value)[0]


# -- output --------------------------------------------------------------------
#
# Rendering works in place: a handler's result is a fresh dict built for this
# response, so only the members whose wire form differs (blobs, timestamps,
# and containers holding them) are touched, and unset (None) members dropped.


def _identity(value: Any) -> Any:
    return value


def _drop_unset(value: Any) -> Any:
    """A structure whose members all travel as they are: only unset (None)
    members are dropped."""
    if None in value.values():
        for key in [key for key, item in value.items() if item is None]:
            del value[key]
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
        if not converting:
            return _drop_unset

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
        if render_member is _drop_unset:

            def render_plain_structures(value: Any) -> Any:
                for item in value:
                    if None in item.values():
                        _drop_unset(item)
                return value

            return render_plain_structures
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
