"""Constraint validation of parsed input against its shape.

The service reports constraint violations as one ``ValidationException``:
``N validation error(s) detected: `` followed by up to ten violations joined
with ``; ``, each ``Value <v> at '<path>' failed to satisfy constraint: <rule>``.
Paths use lower-camel member names; list elements of structures are
``records.1.member.partitionKey``. Within a member the pattern is checked
before the lengths, and a collection's own length before its elements. Lists and maps
of scalars are reported once, at the collection, naming the element rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.model import Shape

from .errors import ValidationException

MAX_REPORTED = 10


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


def format_value(value: Any, shape: Shape) -> str:
    """The service's (Java ``toString``) spelling of a value in a message."""
    kind = shape.type_name
    if value is None:
        return "null"
    if kind == "blob":
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "list":
        return "[" + ", ".join(format_value(item, shape.member) for item in value) + "]"
    if kind == "map":
        return (
            "{"
            + ", ".join(f"{key}={format_value(item, shape.value)}" for key, item in value.items())
            + "}"
        )
    if kind == "structure":
        # Coral value objects print as Name(member=value, ...).
        fields = ", ".join(
            f"{lower_first(name)}={format_value(value.get(name), member)}"
            for name, member in shape.members.items()
        )
        return f"{shape.name}({fields})"
    if kind == "timestamp":
        return str(value)
    return str(value)


def _scalar_rules(value: Any, shape: Shape) -> list[str]:
    """The rules a scalar value breaks, in the order the service lists them."""
    meta = shape.metadata
    kind = shape.type_name
    broken: list[str] = []
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern is not None and not _compiled(pattern).fullmatch(value):
            broken.append(f"Member must satisfy regular expression pattern: {pattern}")
        if "min" in meta and len(value) < meta["min"]:
            broken.append(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            broken.append(f"Member must have length less than or equal to {meta['max']}")
        enum = shape.enum
        if enum and value not in enum:
            broken.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    elif kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            broken.append(f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            broken.append(f"Member must have value less than or equal to {meta['max']}")
    elif kind in ("blob", "list", "map"):
        if "min" in meta and len(value) < meta["min"]:
            broken.append(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            broken.append(f"Member must have length less than or equal to {meta['max']}")
    return broken


def _all_rules(shape: Shape) -> list[str]:
    """Every rule of an element shape, as listed in a collection-level message."""
    meta = shape.metadata
    rules: list[str] = []
    noun = "value" if shape.type_name in ("integer", "long", "float", "double") else "length"
    if "max" in meta:
        rules.append(f"Member must have {noun} less than or equal to {meta['max']}")
    if "min" in meta:
        rules.append(f"Member must have {noun} greater than or equal to {meta['min']}")
    if "pattern" in meta:
        rules.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.type_name == "string" and shape.enum:
        rules.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    return rules


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, value: Any, shape: Shape, path: str, rule: str) -> None:
        if len(self.errors) >= MAX_REPORTED:
            return
        shown = format_value(value, shape)
        if value is not None:
            shown = f"'{shown}'"
        self.errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {rule}")

    def structure(
        self,
        value: Mapping[str, Any],
        shape: Shape,
        prefix: str,
        order: Sequence[str] | None = None,
    ) -> None:
        members = shape.members
        required = set(shape.required_members)
        names = list(members)
        if order:
            names = [n for n in order if n in members] + [n for n in names if n not in order]
        for name in names:
            member = members[name]
            path = prefix + lower_first(name)
            item = value.get(name)
            if item is None:
                if name in required:
                    self.add(None, member, path, "Member must not be null")
                continue
            self.member(item, member, path)

    def member(self, value: Any, shape: Shape, path: str) -> None:
        kind = shape.type_name
        if kind == "structure":
            self.structure(value, shape, path + ".")
            return
        for rule in _scalar_rules(value, shape):
            self.add(value, shape, path, rule)
        if kind == "list":
            self._elements(value, shape, shape.member, path, enumerate(value, start=1), "Member")
        elif kind == "map":
            self._elements(value, shape, shape.key, path, ((k, k) for k in value), "Map keys")
            self._elements(value, shape, shape.value, path, value.items(), "Map value")

    def _elements(
        self,
        collection: Any,
        collection_shape: Shape,
        element_shape: Shape,
        path: str,
        items: Any,
        noun: str,
    ) -> None:
        if element_shape.type_name in ("structure", "list", "map"):
            for label, item in items:
                if item is None:
                    continue
                self.member(item, element_shape, f"{path}.{label}.member")
            return
        for _label, item in items:
            if item is not None and _scalar_rules(item, element_shape):
                rules = ", ".join(_all_rules(element_shape))
                self.add(
                    collection,
                    collection_shape,
                    path,
                    f"{noun} must satisfy constraint: [{rules}]",
                )
                return


def validate(
    params: Mapping[str, Any], shape: Shape | None, order: Sequence[str] | None = None
) -> None:
    """Raise the service's ``ValidationException`` if ``params`` break ``shape``."""
    if shape is None:
        return
    collector = _Collector()
    collector.structure(params, shape, "", order)
    errors = collector.errors
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise ValidationException(f"{len(errors)} validation {noun} detected: " + "; ".join(errors))
