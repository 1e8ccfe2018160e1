"""Constraint validation of parsed input against its shape.

The service reports constraint violations as one ``ValidationException``:
``N validation error(s) detected: `` followed by up to ten violations joined
with ``; ``, each ``Value <v> at '<path>' failed to satisfy constraint: <rule>``.
Paths use lower-camel member names; list elements of structures are
``records.1.member.partitionKey``. Within a member the pattern is checked
before the lengths, and a collection's own length before its elements. Lists
and maps of scalars are reported once, at the collection, naming the element
rules; a null list element at its own path, as a missing member.

Each shape is compiled once into a checker; members without constraints cost
nothing per request.
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


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def format_value(value: Any, shape: Shape, package: str = "com.amazonaws") -> str:
    """The service's (Java ``toString``) spelling of a value in a message;
    ``package`` is the Java package of the service's request classes."""
    kind = shape.type_name
    if value is None:
        return "null"
    if kind == "blob":
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "list":
        return "[" + ", ".join(format_value(item, shape.member, package) for item in value) + "]"
    if kind == "map":
        return (
            "{"
            + ", ".join(
                f"{key}={format_value(item, shape.value, package)}" for key, item in value.items()
            )
            + "}"
        )
    if kind == "structure":
        # Coral request objects print with Java's default toString: class name
        # and identity hash, e.g. com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@1b6d3586
        return f"{package}.{shape.name}@{id(value) & 0xFFFFFFFF:x}"
    return str(value)


class Violations(list[str]):
    """The violations found so far, and how to spell values in them."""

    def __init__(self, package: str) -> None:
        super().__init__()
        self.package = package


def _report(errors: list[str], value: Any, shape: Shape, path: str, rule: str) -> None:
    if len(errors) >= MAX_REPORTED:
        return
    package = errors.package if isinstance(errors, Violations) else "com.amazonaws"
    shown = "null" if value is None else f"'{format_value(value, shape, package)}'"
    errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {rule}")


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


def _rules(shape: Shape) -> list[Rule]:
    """The scalar rules of a shape, in the order the service lists violations."""
    meta = shape.metadata
    kind = shape.type_name
    rules: list[Rule] = []
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern is not None:
            matches = model_pattern(pattern)
            text = f"Member must satisfy regular expression pattern: {pattern}"
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
        enum_text = f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"
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


def _element_rule_texts(shape: Shape) -> str:
    """Every rule of an element shape, as a collection-level message lists them."""
    meta = shape.metadata
    texts: list[str] = []
    noun = "value" if shape.type_name in ("integer", "long", "float", "double") else "length"
    if "max" in meta:
        texts.append(f"Member must have {noun} less than or equal to {meta['max']}")
    if "min" in meta:
        texts.append(f"Member must have {noun} greater than or equal to {meta['min']}")
    if "pattern" in meta:
        texts.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.type_name == "string" and shape.enum:
        texts.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    return ", ".join(texts)


_compiled: dict[Shape, Check | None] = {}
# Compiling is done under a lock, so no thread sees a half-built check.
_compile_lock = threading.RLock()


def _checker(shape: Shape) -> Check | None:
    """The compiled check of a shape, or ``None`` when it can never fail."""
    if shape in _compiled:
        return _compiled[shape]
    with _compile_lock:
        if shape in _compiled:
            return _compiled[shape]
        if shape in _building:
            return None
        _building.add(shape)
        try:
            built = _build(shape)
        finally:
            _building.discard(shape)
        _compiled[shape] = built
        return built


# Shapes being compiled: a shape that refers to itself is not checked again
# inside itself (botocore's models have no such Kinesis shapes).
_building: set[Shape] = set()


def _build(shape: Shape) -> Check | None:
    kind = shape.type_name
    if kind == "structure":
        return _structure_check(shape, None)
    rules = _rules(shape)
    elements: Check | None = None
    if kind == "list":
        elements = _null_elements(
            shape, _elements_check(shape, shape.member, "Member", by_key=False)
        )
    elif kind == "map":
        key_check = _elements_check(shape, shape.key, "Map keys", by_key=True)
        value_check = _elements_check(shape, shape.value, "Map value", by_key=False)
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
                    _report(errors, value, shape, path, broken)
        if elements is not None:
            elements(value, path, errors)

    return check


def _null_elements(collection: Shape, each: Check | None) -> Check:
    """A list's null elements are violations at their own paths, as the
    service's Java validator words a missing member; then the element rules."""
    element = collection.member

    def check(value: Any, path: str, errors: list[str]) -> None:
        if None in value:
            for index, item in enumerate(value, start=1):
                if item is None:
                    _report(errors, None, element, f"{path}.{index}.member", _NOT_NULL)
        if each is not None:
            each(value, path, errors)

    return check


def _elements_check(collection: Shape, element: Shape, noun: str, *, by_key: bool) -> Check | None:
    if element.type_name in ("structure", "list", "map"):
        inner = _checker(element)
        if inner is None:
            return None
        inner_check = inner

        def check_each(value: Any, path: str, errors: list[str]) -> None:
            items = value.items() if isinstance(value, dict) else enumerate(value, start=1)
            for label, item in items:
                if item is not None:
                    inner_check(item, f"{path}.{label}.member", errors)

        return check_each
    if not _rules(element):
        return None
    passes = _passes(element)
    text = f"{noun} must satisfy constraint: [{_element_rule_texts(element)}]"

    def check_scalars(value: Any, path: str, errors: list[str]) -> None:
        items = value.keys() if by_key else (value.values() if isinstance(value, dict) else value)
        for item in items:
            if item is not None and not passes(item):
                _report(errors, value, collection, path, text)
                return

    return check_scalars


def _structure_check(shape: Shape, order: Sequence[str] | None) -> Check | None:
    members = shape.members
    required = set(shape.required_members)
    names = list(members)
    if order:
        names = [n for n in order if n in members] + [n for n in names if n not in order]
    plan: list[tuple[str, str, Shape, bool, Check | None]] = []
    for name in names:
        member = members[name]
        check = _checker(member)
        if check is not None or name in required:
            plan.append((name, lower_first(name), member, name in required, check))
    if not plan:
        return None

    def check_structure(value: Any, path: str, errors: list[str]) -> None:
        prefix = f"{path}." if path else ""
        for name, lowered, member, is_required, member_check in plan:
            item = value.get(name)
            if item is None:
                if is_required:
                    _report(errors, None, member, prefix + lowered, _NOT_NULL)
            elif member_check is not None:
                member_check(item, prefix + lowered, errors)

    return check_structure


_top_level: dict[tuple[Shape, tuple[str, ...]], Check | None] = {}


def validate(
    params: Mapping[str, Any],
    shape: Shape | None,
    order: Sequence[str] | None = None,
    package: str = "com.amazonaws",
) -> None:
    """Raise the service's ``ValidationException`` if ``params`` break ``shape``.

    ``order`` lists top-level members in the order the service reports them;
    ``package`` is the Java package its request classes print with.
    """
    if shape is None:
        return
    key = (shape, tuple(order or ()))
    if key not in _top_level:
        with _compile_lock:
            if key not in _top_level:
                _top_level[key] = _structure_check(shape, order)
    check = _top_level[key]
    if check is None:
        return
    errors = Violations(package)
    check(params, "", errors)
    if errors:
        raise validation_error(errors)


def validation_error(violations: Sequence[str]) -> ValidationException:
    """The service's ValidationException listing (at most ten) violations."""
    shown = list(violations)[:MAX_REPORTED]
    noun = "error" if len(shown) == 1 else "errors"
    return ValidationException(f"{len(shown)} validation {noun} detected: " + "; ".join(shown))


def missing_member(path: str) -> str:
    """The violation of a member that must be present and is not."""
    return f"Value null at '{path}' failed to satisfy constraint: {_NOT_NULL}"
