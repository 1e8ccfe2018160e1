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
- Patterns are printed as the service prints them. botocore's model wraps a
  pattern whose top level is an alternation as ``^(...)$``; the service's
  documentation and answers print it bare, ``0|([1-9]\\d{0,38})``. Only that
  wrapping is removed: other anchors are the service's own (ConsumerARN is
  documented as ``^(arn):aws.*...``).
- Order: the members of a structure (the request included) in the order the
  service reported them (``ServiceDefinition.report_order``, from kinesalite's
  recordings), the others after them in model order; within a member the
  pattern before the lengths, then the enum; a collection's own length before
  its elements. Enum values are listed in the service's order where it was
  recorded, otherwise in the model's.

Each shape is compiled once into a checker; members without constraints cost
nothing per request, and valid requests never reach the checker (the reader
in serialization.py tells them apart in its one pass).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botocore.model import Shape

from .errors import ValidationException

# google-re2 ships no type information: it is used as Any.
re2: Any
try:
    re2 = importlib.import_module("re2")
except ImportError:  # pragma: no cover - google-re2 is a dependency; re still answers
    re2 = None


MAX_REPORTED = 10
_NOT_NULL = "Member must not be null"

# check(value, path, errors) appends the violations of ``value`` at ``path``.
Check = Callable[[Any, str, list[str]], None]
# A scalar rule: the violated rule's text, or None.
Rule = Callable[[Any], str | None]
# Per shape name, the order the service reports a structure's members or
# lists an enum's values in.
ReportOrder = Mapping[str, Sequence[str]]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def violation(path: str, rule: str) -> str:
    """The service's wording of a member at ``path`` that breaks ``rule``."""
    return f"Value at '{path}' failed to satisfy constraint: {rule}"


def missing_member(path: str) -> str:
    """The violation of a member that must be present and is not."""
    return f"Value null at '{path}' failed to satisfy constraint: {_NOT_NULL}"


def too_long(path: str, limit: int) -> str:
    """The violation of a blob, string or list longer than ``limit``."""
    return violation(path, f"Member must have length less than or equal to {limit}")


def _report(errors: list[str], text: str) -> None:
    if len(errors) < MAX_REPORTED:
        errors.append(text)


def printed_pattern(pattern: str) -> str:
    """A model pattern as the service prints it: without the ``^(...)$``
    botocore's model wraps a top-level alternation in (see the module notes)."""
    if not (pattern.startswith("^(") and pattern.endswith(")$")):
        return pattern
    group = pattern[1:-1]
    depth = 0
    in_class = escaped = alternation = False
    for index, char in enumerate(group):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and index != len(group) - 1:
                return pattern  # the first group ends before the pattern does
        elif char == "|" and depth == 1:
            alternation = True
    return group[1:-1] if alternation and depth == 0 else pattern


def enum_values(shape: Shape, orders: ReportOrder) -> list[str]:
    """An enum's values in the order the service lists them: as recorded,
    then any the recording predates, in model order."""
    model = list(shape.enum)
    recorded = [value for value in orders.get(shape.name, ()) if value in model]
    return recorded + [value for value in model if value not in recorded]


# Java regex classes some models use, in terms Python's re knows (\w is a
# little wider than \p{L}: it also takes digits and "_"). Only for patterns
# RE2 cannot compile.
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s", r"\p{M}": ""}

Matches = Callable[[str], bool]


def model_pattern(pattern: str) -> Matches:
    """Whether a whole value matches a model's pattern (models are written for
    Java), in time linear in the value's length.

    Python's re backtracks: the ARN patterns' ``.*:\\d{12}:.*`` took seconds
    on a few thousand characters. RE2 does not; a pattern it cannot compile
    falls back to re.
    """
    if re2 is not None:
        options = re2.Options()
        options.dot_nl = True
        options.log_errors = False
        try:
            regex = re2.compile(pattern, options)
            whole = re2.Set.FullMatchSet(options)
            whole.Add(pattern)
            whole.Compile()
        except re2.error:
            pass
        else:
            # The set (a DFA, no captures) answers a match fastest; a miss is
            # confirmed by the full engine, which falls back to its NFA where
            # the DFA runs out of memory instead of answering "no".
            match_set, fullmatch = whole.Match, regex.fullmatch

            def matches(text: str) -> bool:
                return match_set(text) is not None or fullmatch(text) is not None

            return matches
    try:
        compiled = re.compile(pattern, re.DOTALL)
    except re.error:
        for java, python in _JAVA_CLASSES.items():
            pattern = pattern.replace(java, python)
        compiled = re.compile(pattern, re.DOTALL)
    return lambda text: compiled.fullmatch(text) is not None


def _pattern_text(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {printed_pattern(pattern)}"


def _enum_text(shape: Shape, orders: ReportOrder) -> str:
    return f"Member must satisfy enum value set: [{', '.join(enum_values(shape, orders))}]"


def _rules(shape: Shape, orders: ReportOrder) -> list[Rule]:
    """The scalar rules of a shape, in the order the service lists violations."""
    meta = shape.metadata
    kind = shape.type_name
    rules: list[Rule] = []
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern is not None:
            matches = model_pattern(pattern)
            text = _pattern_text(pattern)
            rules.append(lambda v: None if matches(v) else text)
    sized = kind in ("string", "blob", "list", "map")
    noun = "length" if sized else "value"
    if sized or kind in ("integer", "long", "float", "double"):
        measure: Callable[[Any], Any] = len if sized else (lambda v: v)
        if "min" in meta:
            low = meta["min"]
            low_text = f"Member must have {noun} greater than or equal to {low}"
            rules.append(lambda v: low_text if measure(v) < low else None)
        if "max" in meta:
            high = meta["max"]
            high_text = f"Member must have {noun} less than or equal to {high}"
            rules.append(lambda v: high_text if measure(v) > high else None)
    if kind == "string" and shape.enum:
        allowed = frozenset(shape.enum)
        enum_text = _enum_text(shape, orders)
        rules.append(lambda v: None if v in allowed else enum_text)
    return rules


def constraint_expression(shape: Shape, var: str, namespace: dict[str, Any]) -> str | None:
    """A Python expression, true when ``var`` breaks none of the shape's rules
    (``1 <= len(v) <= 128 and ...``), or ``None`` when the shape has none.

    Names it needs are added to ``namespace``. The expression holds only
    numbers from the model and those names, so it is safe to compile.
    """
    meta = shape.metadata
    kind = shape.type_name
    terms: list[str] = []
    sized = kind in ("string", "blob", "list", "map")
    measured = f"len({var})" if sized else var
    low = meta.get("min")
    if sized and low == 0:
        low = None  # every length is at least 0
    high = meta.get("max")
    # Lengths first: a value far too long never reaches the pattern here.
    if low is not None and high is not None:
        terms.append(f"{low!r} <= {measured} <= {high!r}")
    elif low is not None:
        terms.append(f"{measured} >= {low!r}")
    elif high is not None:
        terms.append(f"{measured} <= {high!r}")
    if kind == "string" and meta.get("pattern") is not None:
        name = f"_match{len(namespace)}"
        namespace[name] = model_pattern(meta["pattern"])
        terms.append(f"{name}({var})")
    if kind == "string" and shape.enum:
        name = f"_allowed{len(namespace)}"
        namespace[name] = frozenset(shape.enum)
        terms.append(f"{var} in {name}")
    return " and ".join(terms) or None


def _passes(shape: Shape) -> Callable[[Any], bool]:
    """One predicate that is true when a value breaks none of the shape's rules,
    so the usual case, a valid value, costs one call."""
    namespace: dict[str, Any] = {}
    expression = constraint_expression(shape, "v", namespace) or "True"
    predicate: Callable[[Any], bool] = eval(f"lambda v: {expression}", namespace)
    return predicate


def _element_rule_texts(shape: Shape, orders: ReportOrder) -> str:
    """Every rule of an element shape, as a collection-level message lists them."""
    meta = shape.metadata
    texts: list[str] = []
    noun = "value" if shape.type_name in ("integer", "long", "float", "double") else "length"
    if "max" in meta:
        texts.append(f"Member must have {noun} less than or equal to {meta['max']}")
    if "min" in meta:
        texts.append(f"Member must have {noun} greater than or equal to {meta['min']}")
    if "pattern" in meta:
        texts.append(_pattern_text(meta["pattern"]))
    if shape.type_name == "string" and shape.enum:
        texts.append(_enum_text(shape, orders))
    return ", ".join(texts)


class _Checks:
    """The compiled checks of shapes, for one service's report order.

    Compiling is done under a lock, so no thread sees a half-built check.
    """

    def __init__(self, orders: ReportOrder) -> None:
        self.orders = orders
        self._compiled: dict[Shape, Check | None] = {}
        # Shapes being compiled: a shape that refers to itself is not checked
        # again inside itself (botocore's models have no such Kinesis shapes).
        self._building: set[Shape] = set()

    def checker(self, shape: Shape) -> Check | None:
        """The compiled check of a shape, or ``None`` when it can never fail."""
        if shape in self._compiled:
            return self._compiled[shape]
        with _compile_lock:
            if shape in self._compiled:
                return self._compiled[shape]
            if shape in self._building:
                return None
            self._building.add(shape)
            try:
                built = self._build(shape)
            finally:
                self._building.discard(shape)
            self._compiled[shape] = built
            return built

    def _build(self, shape: Shape) -> Check | None:
        kind = shape.type_name
        if kind == "structure":
            return self._structure_check(shape)
        rules = _rules(shape, self.orders)
        elements: Check | None = None
        if kind == "list":
            elements = _null_elements(self._elements_check(shape.member, "Member", by_key=False))
        elif kind == "map":
            key_check = self._elements_check(shape.key, "Map keys", by_key=True)
            value_check = self._elements_check(shape.value, "Map value", by_key=False)
            checks = [c for c in (key_check, value_check) if c is not None]
            if checks:

                def elements(value: Any, path: str, errors: list[str]) -> None:
                    for check in checks:
                        check(value, path, errors)

        if not rules and elements is None:
            return None
        passes = _passes(shape)

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not passes(value):
                for rule in rules:
                    broken = rule(value)
                    if broken is not None:
                        _report(errors, violation(path, broken))
            if elements is not None:
                elements(value, path, errors)

        return check

    def _elements_check(self, element: Shape, noun: str, *, by_key: bool) -> Check | None:
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
        if not _rules(element, self.orders):
            return None
        passes = _passes(element)
        text = f"{noun} must satisfy constraint: [{_element_rule_texts(element, self.orders)}]"

        def check_scalars(value: Any, path: str, errors: list[str]) -> None:
            items = (
                value.keys() if by_key else (value.values() if isinstance(value, dict) else value)
            )
            for item in items:
                if item is not None and not passes(item):
                    _report(errors, violation(path, text))
                    return

        return check_scalars

    def _structure_check(self, shape: Shape) -> Check | None:
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
            return None

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


_compile_lock = threading.RLock()
_NO_ORDER: ReportOrder = {}
# The checks compiled for each report order, by its id (the order itself is
# kept to tell a reused id apart).
_checks: dict[int, tuple[ReportOrder, _Checks]] = {}


def _checks_for(orders: ReportOrder) -> _Checks:
    entry = _checks.get(id(orders))
    if entry is None or entry[0] is not orders:
        with _compile_lock:
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
    check = _checks_for(_NO_ORDER if orders is None else orders).checker(shape)
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
