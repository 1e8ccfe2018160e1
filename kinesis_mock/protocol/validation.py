"""Constraint validation of parsed input against its shape.

The service reports constraint violations as one ``ValidationException``:
``N validation error(s) detected: `` followed by up to ten violations joined
with ``; ``. Paths use lower-camel member names; list elements of structures
are ``records.1.member.partitionKey``. Lists and maps of scalars are reported
once, at the collection, naming the element rules; a null list element at its
own path, as a missing member.

How a violation is worded, and why (decided here, once):

- A member that breaks a rule reads ``Value at '<path>' failed to satisfy
  constraint: <rule>``, without the value, for every kind of rule: length,
  pattern, range and enum. The one current Kinesis answer on record (a
  PutRecords record over the stream's maximum, awslabs/amazon-kinesis-producer
  #680, December 2025: "Value at 'records.1.member.data' failed to satisfy
  constraint: Member must have length less than or equal to 1048576") is
  worded so, as client code matching PutRecord's answer had been earlier; in
  2014-2020 (kinesalite's recordings, mhart/kinesalite test/*.js) the service
  printed the value, ``Value '<v>' at '<path>'``. No current Kinesis answer
  about a string, number or enum member was found, and other services differ:
  IAM leaves the value out for a pattern and an enum (March 2025), KMS and
  Cognito for sensitive members, while Lambda, CloudWatch Logs and
  EventBridge still print it in 2025-2026 (LocalStack's recorded snapshots,
  tests/aws/services/*). Each of those services words every kind alike, so
  the mock follows Kinesis's own current answer for all of them, and for the
  Kinesis Video APIs too (no answer of theirs was found).
- A missing or null member reads ``Value null at '<path>' failed to satisfy
  constraint: Member must not be null``: every recording, old and current
  (SNS October 2025, Lambda November 2025), prints ``null``.
- Order: the members of a structure (the request included) in the order the
  service reported them (``ServiceDefinition.report_order``, from kinesalite's
  recordings), the others after them in model order; within a member the
  pattern before the lengths, then the enum; a collection's own length before
  its elements. Enum values are listed in the service's order where it was
  recorded, otherwise in the model's.

The text of each rule, and how patterns are printed, are in constraints.py.
Each shape is compiled once into a checker (by the cache in shapes.py);
members without constraints cost nothing per request, and valid requests
never reach the checker (the reader in serialization.py tells them apart in
its one pass).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botocore.model import Shape

from .constraints import (
    ELEMENT_ORDER,
    LIST_ELEMENTS,
    MAP_KEYS,
    MAP_VALUES,
    MEMBER_ORDER,
    NO_ORDER,
    NOT_NULL,
    ReportOrder,
    at_most,
    constraints,
    elements_satisfy,
    in_order,
    passes,
)
from .errors import ValidationException
from .shapes import ShapeCache

MAX_REPORTED = 10

# check(value, path, errors) appends the violations of ``value`` at ``path``.
Check = Callable[[Any, str, list[str]], None]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def violation(path: str, rule: str) -> str:
    """The service's wording of a member at ``path`` that breaks ``rule``."""
    return f"Value at '{path}' failed to satisfy constraint: {rule}"


def missing_member(path: str) -> str:
    """The violation of a member that must be present and is not."""
    return f"Value null at '{path}' failed to satisfy constraint: {NOT_NULL}"


def too_long(path: str, limit: int) -> str:
    """The violation of a blob, string or list longer than ``limit``."""
    return violation(path, at_most("length", limit))


def _report(errors: list[str], text: str) -> None:
    if len(errors) < MAX_REPORTED:
        errors.append(text)


def _never_fails(value: Any, path: str, errors: list[str]) -> None:
    """The check of a shape that no value can break."""


class _Checks:
    """The compiled checks of shapes, for one service's report order (a shape
    within itself is checked at every depth, through shapes.py's forward)."""

    def __init__(self, orders: ReportOrder) -> None:
        self.orders = orders
        self._compiled: ShapeCache[Check] = ShapeCache(lambda _, shape: self._build(shape))

    def checker(self, shape: Shape) -> Check | None:
        """The compiled check of a shape, or ``None`` when it can never fail."""
        check = self._compiled(shape)
        return None if check is _never_fails else check

    def _build(self, shape: Shape) -> Check:
        kind = shape.type_name
        if kind == "structure":
            return self._structure_check(shape)
        rules = in_order(constraints(shape, self.orders), MEMBER_ORDER)
        elements: Check | None = None
        if kind == "list":
            elements = _null_elements(self._elements_check(shape.member, LIST_ELEMENTS))
        elif kind == "map":
            key_check = self._elements_check(shape.key, MAP_KEYS)
            value_check = self._elements_check(shape.value, MAP_VALUES)
            checks = [c for c in (key_check, value_check) if c is not None]
            if checks:

                def elements(value: Any, path: str, errors: list[str]) -> None:
                    for check in checks:
                        check(value, path, errors)

        if not rules and elements is None:
            return _never_fails
        valid = passes(shape)

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not valid(value):
                for rule in rules:
                    if not rule.holds(value):
                        _report(errors, violation(path, rule.text))
            if elements is not None:
                elements(value, path, errors)

        return check

    def _elements_check(self, element: Shape, whose: str) -> Check | None:
        if element.type_name in ("structure", "list", "map"):
            inner = self.checker(element)
            if inner is None:
                return None
            inner_check = inner

            def check_each(value: Any, path: str, errors: list[str]) -> None:
                items = value.items() if isinstance(value, dict) else enumerate(value, start=1)
                for label, item in items:
                    if item is not None:
                        inner_check(item, f"{path}.{label}.member", errors)

            return check_each
        rules = in_order(constraints(element, self.orders), ELEMENT_ORDER)
        if not rules:
            return None
        valid = passes(element)
        text = elements_satisfy(whose, [rule.text for rule in rules])
        by_key = whose == MAP_KEYS

        def check_scalars(value: Any, path: str, errors: list[str]) -> None:
            items = (
                value.keys() if by_key else (value.values() if isinstance(value, dict) else value)
            )
            for item in items:
                if item is not None and not valid(item):
                    _report(errors, violation(path, text))
                    return

        return check_scalars

    def _structure_check(self, shape: Shape) -> Check:
        members = shape.members
        required = set(shape.required_members)
        recorded = [name for name in self.orders.get(shape.name, ()) if name in members]
        names = recorded + [name for name in members if name not in recorded]
        plan: list[tuple[str, str, bool, Check | None]] = []
        for name in names:
            check = self.checker(members[name])
            if check is not None or name in required:
                plan.append((name, lower_first(name), name in required, check))
        if not plan:
            return _never_fails

        def check_structure(value: Any, path: str, errors: list[str]) -> None:
            prefix = f"{path}." if path else ""
            for name, lowered, is_required, member_check in plan:
                item = value.get(name)
                if item is None:
                    if is_required:
                        _report(errors, missing_member(prefix + lowered))
                elif member_check is not None:
                    member_check(item, prefix + lowered, errors)

        return check_structure


def _null_elements(each: Check | None) -> Check:
    """A list's null elements are violations at their own paths, as the
    service's Java validator words a missing member; then the element rules."""

    def check(value: Any, path: str, errors: list[str]) -> None:
        if None in value:
            for index, item in enumerate(value, start=1):
                if item is None:
                    _report(errors, missing_member(f"{path}.{index}.member"))
        if each is not None:
            each(value, path, errors)

    return check


_checks_lock = threading.Lock()
# The checks compiled for each report order, by its id (the order itself is
# kept to tell a reused id apart).
_checks: dict[int, tuple[ReportOrder, _Checks]] = {}


def _checks_for(orders: ReportOrder) -> _Checks:
    entry = _checks.get(id(orders))
    if entry is None or entry[0] is not orders:
        with _checks_lock:
            entry = _checks.get(id(orders))
            if entry is None or entry[0] is not orders:
                entry = _checks[id(orders)] = (orders, _Checks(orders))
    return entry[1]


def validate(
    params: Mapping[str, Any], shape: Shape | None, orders: ReportOrder | None = None
) -> None:
    """Raise the service's ``ValidationException`` if ``params`` break ``shape``.

    ``orders`` gives, per shape name, the order the service reports a
    structure's members or lists an enum's values in (others follow the model).
    """
    if shape is None:
        return
    check = _checks_for(NO_ORDER if orders is None else orders).checker(shape)
    if check is None:
        return
    errors: list[str] = []
    check(params, "", errors)
    if errors:
        raise validation_error(errors)


def validation_error(violations: Sequence[str]) -> ValidationException:
    """The service's ValidationException listing (at most ten) violations."""
    shown = list(violations)[:MAX_REPORTED]
    noun = "error" if len(shown) == 1 else "errors"
    return ValidationException(f"{len(shown)} validation {noun} detected: " + "; ".join(shown))
