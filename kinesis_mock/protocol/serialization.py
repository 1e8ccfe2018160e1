"""Shape-driven conversion between JSON documents and Python values.

Input: JSON values are checked against their shapes with the type errors the
service answers (``SerializationException`` with Coral's texts), blobs are
base64-decoded and timestamps become aware datetimes. Members the shape does
not know, and nulls, are dropped, as the service does.

Output: Python values are rendered by shape: bytes to base64, datetimes and
epoch floats to epoch seconds, ``None`` members left out.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape

from .errors import SerializationException

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


def parse_value(value: Any, shape: Shape) -> Any:
    """Check and convert one JSON value against its shape."""
    kind = shape.type_name
    if kind == "structure":
        if isinstance(value, list):
            raise SerializationException("Start of list found where not expected")
        if not isinstance(value, dict):
            raise SerializationException("Expected null")
        return parse_structure(value, shape)
    if kind == "list":
        if isinstance(value, dict):
            raise SerializationException("Start of structure or map found where not expected.")
        if not isinstance(value, list):
            raise SerializationException("Expected list or null")
        member = shape.member
        return [None if item is None else parse_value(item, member) for item in value]
    if kind == "map":
        if isinstance(value, list):
            raise SerializationException("Start of list found where not expected")
        if not isinstance(value, dict):
            raise SerializationException("Expected map or null")
        value_shape = shape.value
        return {
            key: None if item is None else parse_value(item, value_shape)
            for key, item in value.items()
        }
    if kind == "string":
        if not isinstance(value, str):
            raise _mismatch(value, "String")
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _mismatch(value, kind.capitalize())
        return int(value)
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _mismatch(value, kind.capitalize())
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            raise SerializationException(f"'{value.upper()}' can not be converted to an Boolean")
        raise _mismatch(value, "Boolean")
    if kind == "blob":
        if not isinstance(value, str):
            raise _mismatch(value, "Blob")
        return _parse_blob(value)
    if kind == "timestamp":
        return _parse_timestamp(value)
    raise SerializationException(f"Unsupported shape type {kind}")


def parse_structure(document: dict[str, Any], shape: Shape) -> dict[str, Any]:
    members = shape.members
    parsed: dict[str, Any] = {}
    for key, value in document.items():
        member = members.get(key)
        if member is None or value is None:
            continue
        parsed[key] = parse_value(value, member)
    return parsed


def _parse_blob(text: str) -> bytes:
    prefix = f"'{text}' can not be converted to a Blob: "
    if len(text) % 4:
        raise SerializationException(
            prefix + "Base64 encoded length is expected a multiple of 4 bytes "
            f"but found: {len(text)}"
        )
    bad = _BASE64_CHARS.search(text)
    if bad:
        raise SerializationException(prefix + f"Invalid Base64 character: '{bad.group(0)[0]}'")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise SerializationException(prefix + "Invalid Base64 encoding") from error
    if base64.b64encode(data).decode("ascii") != text:
        # The service's own spelling of "detected".
        raise SerializationException(prefix + "Invalid last non-pad Base64 character dectected")
    return data


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


def render_value(value: Any, shape: Shape) -> Any:
    """Render one Python value as the JSON the service sends for its shape."""
    kind = shape.type_name
    if kind == "structure":
        return render_structure(value, shape)
    if kind == "list":
        member = shape.member
        return [render_value(item, member) for item in value]
    if kind == "map":
        value_shape = shape.value
        return {key: render_value(item, value_shape) for key, item in value.items()}
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "timestamp":
        if isinstance(value, datetime):
            return value.timestamp()
        return float(value)
    return value


def render_structure(value: dict[str, Any], shape: Shape) -> dict[str, Any]:
    members = shape.members
    rendered: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        member = members.get(key)
        if member is None:
            continue
        rendered[key] = render_value(item, member)
    return rendered
