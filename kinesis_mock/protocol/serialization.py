"""Shape-driven conversion between JSON documents and Python values.

Input: JSON values are checked against their shapes with the type errors the
service answers (``SerializationException`` with Coral's texts), blobs are
base64-decoded and timestamps become aware datetimes. Members the shape does
not know, and nulls, are dropped, as the service does.

Output: Python values are rendered by shape: bytes to base64, datetimes and
epoch floats to epoch seconds, ``None`` members left out.

Every mocked call goes through here, so each shape is compiled once into a
small closure (:data:`reader_for`, :data:`renderer_for`, by the cache in
shapes.py) instead of being interpreted on every request.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape

from .constraints import constraint_expression
from .errors import SerializationException
from .shapes import ShapeCache

Convert = Callable[[Any], Any]

_NUMBER_CLASS = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber"
_BASE64_CHARS = re.compile(r"[^a-zA-Z0-9+/=]|=[^=]")


def _article(type_name: str) -> str:
    # Coral writes "an Integer", "an String", "an Boolean" but "a Blob".
    return "a" if type_name == "Blob" else "an"


def _java_class(value: Any) -> str:
    """The class Coral read a JSON scalar as."""
    if isinstance(value, bool):
        return "class java.lang.Boolean"
    if isinstance(value, (int, float)):
        return _NUMBER_CLASS
    return "class java.lang.String"


def _mismatch(value: Any, type_name: str) -> SerializationException:
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    return SerializationException(
        f"{_java_class(value)} can not be converted to {_article(type_name)} {type_name}"
    )


def _not_a_date(value: Any) -> SerializationException:
    """The service's answer to a timestamp it cannot read (kinesalite's
    recordings: "class java.lang.String can not be converted to milliseconds
    since epoch"; numbers it cannot hold get the same words)."""
    if isinstance(value, (list, dict)):
        return _mismatch(value, "Date")
    return SerializationException(
        f"{_java_class(value)} can not be converted to milliseconds since epoch"
    )


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


# The integers a JSON body can carry: Python reads and prints at most 4,300 digits.
_INT_BOUND = 10**4300

_JAVA_NAMES = {"integer": "Integer", "long": "Long", "float": "Float", "double": "Double"}


def _scalar_code(shape: Shape, namespace: dict[str, Any]) -> list[str]:
    """Lines that convert ``v`` in place and clear ``ok`` if it breaks a rule."""
    kind = shape.type_name
    if kind == "string":
        lines = ["if type(v) is not str:", "    raise _mismatch(v, 'String')"]
    elif kind == "blob":
        lines = [
            "if type(v) is str:",
            "    try:",
            "        decoded = _a2b(v, strict_mode=True)",
            "    except _DecodeErrors:",
            "        raise _blob_error(v) from None",
            # Canonical encodings only: unused bits before the padding are clear.
            "    if v[-1:] == '=':",
            "        if v[-2:-1] == '=':",
            "            if v[-3] not in _clear_before_two:",
            "                raise _blob_error(v)",
            "        elif v[-2] not in _clear_before_one:",
            "            raise _blob_error(v)",
            "    v = decoded",
            "elif type(v) is not bytes:",  # a CBOR byte string is already bytes
            "    raise _mismatch(v, 'Blob')",
        ]
    elif kind in ("integer", "long"):
        java = _JAVA_NAMES[kind]
        lines = [
            "if type(v) is not int:",
            "    if type(v) is not float:",
            f"        raise _mismatch(v, {java!r})",
            "    try:",
            "        v = int(v)",
            "    except (ValueError, OverflowError):",  # NaN and the infinities
            f"        raise _mismatch(v, {java!r}) from None",
            # A CBOR bignum may be longer than JSON (or str()) allows.
            "elif not -_INT_BOUND < v < _INT_BOUND:",
            f"    raise _mismatch(v, {java!r})",
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
        lines = ["v = _read_timestamp(v)"]
    else:
        raise SerializationException(f"Unsupported shape type {kind}")
    expression = constraint_expression(shape, "v", namespace)
    if expression is not None:
        lines += [f"if not ({expression}):", "    ok = False"]
    return lines


def _namespace() -> dict[str, Any]:
    return {
        "_expected": _expected,
        "_mismatch": _mismatch,
        "_not_structure": _not_structure,
        "_not_boolean": _not_boolean,
        "_a2b": _a2b,
        "_DecodeErrors": (binascii.Error, ValueError),
        "_blob_error": _blob_error,
        "_clear_before_one": _UNUSED_BITS_CLEAR[1],
        "_clear_before_two": _UNUSED_BITS_CLEAR[2],
        "_keep_only": _keep_only,
        "_read_timestamp": _read_timestamp,
        "_INT_BOUND": _INT_BOUND,
    }


def _define(lines: list[str], namespace: dict[str, Any]) -> Read:
    # The generated source holds member names (repr-quoted), numbers and
    # names bound in ``namespace``; nothing from a request.
    exec("\n".join(lines), namespace)
    reader: Read = namespace["read"]
    return reader


_CONTAINERS = ("structure", "list", "map")


def _structure_read_code(
    compile_: ShapeCache[Read], shape: Shape, source: str, target: str, namespace: dict[str, Any]
) -> list[str]:
    """Lines that read the structure in ``source`` into ``target``, clearing
    ``ok`` when a member breaks a rule.

    The document was parsed for this request alone, so it is converted in
    place: members are looked up by name, converted where their wire form
    differs, and unknown or null members dropped only when there are any.
    """
    known = f"_known{len(namespace)}"
    namespace[known] = frozenset(shape.members)
    lines = [
        f"if type({source}) is not dict:",
        f"    raise _not_structure({source})",
        "present = 0",
    ]
    for name, member in shape.members.items():
        lines += [f"v = {source}.get({name!r})", "if v is not None:", "    present += 1"]
        if member.type_name in _CONTAINERS:
            reader = f"_read_{len(namespace)}"
            namespace[reader] = compile_(member)
            body = [f"v, good = {reader}(v)", "if not good:", "    ok = False"]
        else:
            body = _scalar_code(member, namespace)
        converts = member.type_name not in ("string", "boolean")
        lines += [f"    {line}" for line in body]
        if converts:
            lines.append(f"    {source}[{name!r}] = v")
    lines += [
        f"if len({source}) != present:",
        f"    _keep_only({source}, {known})",
        f"{target} = {source}",
    ]
    required = shape.required_members
    if required:
        present = " and ".join(f"{name!r} in {target}" for name in required)
        lines += [f"if not ({present}):", "    ok = False"]
    return lines


def _keep_only(document: dict[str, Any], known: frozenset[str]) -> None:
    """Drop the members a shape does not know, and null ones, as the service does."""
    for key in [k for k, v in document.items() if v is None or k not in known]:
        del document[key]


def _build_reader(compile_: ShapeCache[Read], shape: Shape) -> Read:
    kind = shape.type_name
    namespace = _namespace()
    if kind == "structure":
        code = _structure_read_code(compile_, shape, "value", "out", namespace)
        lines = [
            "def read(value):",
            "    ok = True",
            *(f"    {line}" for line in code),
            "    return out, ok",
        ]
        return _define(lines, namespace)
    if kind == "list":
        own = constraint_expression(shape, "out", namespace) or "True"
        member = shape.member
        # A structure's code is inlined in the loop (no call per element) and
        # converts it in place, so the list is its own result.
        in_place = member.type_name == "structure"
        if in_place:
            element = _structure_read_code(compile_, member, "item", "entry", namespace)
        else:
            namespace["_item"] = compile_(member)
            element = ["entry, good = _item(item)", "if not good:", "    ok = False"]
        lines = [
            "def read(value):",
            "    if type(value) is not list:",
            "        if isinstance(value, dict):",
            "            raise _mismatch(value, 'List')",
            "        raise _expected('list')",
            "    out = value" if in_place else "    out = []",
            "    ok = True",
            "    for item in value:",
            "        if item is None:",  # the validator names the element
            *([] if in_place else ["            out.append(None)"]),
            "            ok = False",
            "            continue",
            *(f"        {line}" for line in element),
            *([] if in_place else ["        out.append(entry)"]),
            f"    return out, ok and ({own})",
        ]
        return _define(lines, namespace)
    if kind == "map":
        own = constraint_expression(shape, "out", namespace) or "True"
        namespace["_item"] = compile_(shape.value)
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
            "        if type(key) is not str:",  # CBOR maps may have other keys
            "            raise _mismatch(key, 'String')",
            "        if item is not None:",
            "            item, good = _item(item)",
            "            if not good:",
            "                ok = False",
            f"        if not ({key_rule}):",
            "            ok = False",
            "        out[key] = item",
            f"    return out, ok and ({own})",
        ]
        return _define(lines, namespace)
    lines = ["def read(v):", "    ok = True"]
    lines += [f"    {line}" for line in _scalar_code(shape, namespace)]
    lines.append("    return v, ok")
    return _define(lines, namespace)


def _expected(what: str) -> SerializationException:
    return SerializationException(f"Expected {what} or null")


if sys.version_info >= (3, 11):
    _a2b = binascii.a2b_base64
else:  # pragma: no cover - Python 3.10's a2b_base64 has no strict_mode

    def _a2b(text: str, strict_mode: bool = False) -> bytes:
        return base64.b64decode(text, validate=True)


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Before one "=", the last character carries 2 unused bits; before "==", 4.
_UNUSED_BITS_CLEAR = {
    1: frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b11 == 0),
    2: frozenset(c for i, c in enumerate(_ALPHABET) if i & 0b1111 == 0),
}


def _blob_error(text: str) -> SerializationException:
    prefix = f"'{text}' can not be converted to a Blob: "
    if len(text) % 4:
        return SerializationException(
            prefix + "Base64 encoded length is expected a multiple of 4 bytes "
            f"but found: {len(text)}"
        )
    bad = _BASE64_CHARS.search(text)
    if bad:
        return SerializationException(prefix + f"Invalid Base64 character: '{bad.group(0)[0]}'")
    # The service's own spelling of "detected".
    return SerializationException(prefix + "Invalid last non-pad Base64 character dectected")


def _read_timestamp(value: Any) -> datetime:
    """A timestamp in a JSON or CBOR document: epoch seconds, or a CBOR tag-1
    datetime. The service reads no text here: "23" was refused as a
    java.lang.String (kinesalite's recordings)."""
    if type(value) is float or type(value) is int:
        return _from_epoch(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    raise _not_a_date(value)


def _from_epoch(seconds: float) -> datetime:
    # Beyond the years 1-9999 (or NaN) is not a date the engine can hold: the
    # service's own reading of such numbers is not known, so they are refused
    # as values it cannot read.
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _not_a_date(seconds) from None


reader_for: ShapeCache[Read] = ShapeCache(_build_reader)


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


# How blobs and timestamps are written, per wire format: JSON carries base64
# text and epoch seconds; CBOR carries byte strings and tag-1 timestamps.
_WIRE_CONVERSIONS: dict[str, dict[str, str | None]] = {
    "json": {
        "blob": "_b2a(v, newline=False).decode('ascii')",
        "timestamp": "_render_timestamp(v)",
    },
    "cbor": {"blob": None, "timestamp": "_as_datetime(v)"},
}
# A value that is written as it is needs no conversion (a handler's epoch
# seconds, for JSON): the test that says so, per wire format and kind.
_ALREADY_WRITTEN: dict[str, dict[str, str]] = {"json": {"timestamp": "type(v) is float"}}


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value), tz=timezone.utc)


def _structure_render_code(
    compile_: ShapeCache[Convert],
    shape: Shape,
    var: str,
    namespace: dict[str, Any],
    wire: str,
    drop_unset: bool = True,
) -> list[str] | None:
    """Lines that render the structure held in ``var`` in place, or ``None``
    when all its members travel as they are (only unset ones are dropped).
    Without ``drop_unset``, the caller drops unset members itself."""
    lines: list[str] = []
    for index, (name, member) in enumerate(shape.members.items()):
        kind = member.type_name
        if kind in ("blob", "timestamp"):
            convert = _WIRE_CONVERSIONS[wire][kind]
            if convert is None:
                continue
        else:
            render = compile_(member)
            if render is _identity:
                continue
            namespace[f"_render{index}"] = render
            convert = f"_render{index}(v)"
        written = _ALREADY_WRITTEN.get(wire, {}).get(kind)
        lines += [
            f"v = {var}.get({name!r})",
            "if v is not None" + (f" and not ({written}):" if written else ":"),
            f"    {var}[{name!r}] = {convert}",
        ]
    if not lines:
        return None
    if not drop_unset:
        return lines
    return [*lines, f"if None in {var}.values():", f"    _drop_unset({var})"]


def _renderer_builder(wire: str) -> Callable[[ShapeCache[Convert], Shape], Convert]:
    def build(compile_: ShapeCache[Convert], shape: Shape) -> Convert:
        return _build_renderer(compile_, shape, wire)

    return build


def _build_renderer(compile_: ShapeCache[Convert], shape: Shape, wire: str) -> Convert:
    kind = shape.type_name
    namespace: dict[str, Any] = {
        "_b2a": binascii.b2a_base64,
        "_render_timestamp": _render_timestamp,
        "_as_datetime": _as_datetime,
        "_drop_unset": _drop_unset,
    }
    if kind == "structure":
        code = _structure_render_code(compile_, shape, "value", namespace, wire)
        if code is None:
            return _drop_unset
        lines = ["def render(value):", *(f"    {line}" for line in code), "    return value"]
        return _define_renderer(lines, namespace)
    if kind == "list":
        member = shape.member
        if member.type_name == "structure":
            # The element code is inlined in the loop (no call per element);
            # unset members are looked for across the whole list in one
            # pass after it, and stripped only if there are any.
            namespace["_chain"] = itertools.chain.from_iterable
            code = _structure_render_code(
                compile_, member, "item", namespace, wire, drop_unset=False
            )
            loop = ["    for item in value:", *(f"        {line}" for line in code)] if code else []
            lines = [
                "def render(value):",
                *loop,
                "    if None in _chain(map(dict.values, value)):",
                "        for item in value:",
                "            _drop_unset(item)",
                "    return value",
            ]
            return _define_renderer(lines, namespace)
        render_member = compile_(member)
        if render_member is _identity:
            return _identity
        return lambda value: [render_member(item) for item in value]
    if kind == "map":
        render_item = compile_(shape.value)
        if render_item is _identity:
            return _identity
        return lambda value: {key: render_item(item) for key, item in value.items()}
    if kind == "blob":
        return _render_blob if wire == "json" else _identity
    if kind == "timestamp":
        return _render_timestamp if wire == "json" else _as_datetime
    return _identity


def _define_renderer(lines: list[str], namespace: dict[str, Any]) -> Convert:
    # Generated from member names (repr-quoted) and names bound in ``namespace``.
    exec("\n".join(lines), namespace)
    render: Convert = namespace["render"]
    return render


renderer_for: ShapeCache[Convert] = ShapeCache(_renderer_builder("json"))
cbor_renderer_for: ShapeCache[Convert] = ShapeCache(_renderer_builder("cbor"))


def render_value(value: Any, shape: Shape) -> Any:
    """Render one Python value (in place where it can) as the JSON the service
    sends for its shape."""
    return renderer_for(shape)(value)
