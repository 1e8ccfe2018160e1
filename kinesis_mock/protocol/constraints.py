"""The rules a shape sets on a value, each worded once and tested once.

A shape's ``min``, ``max``, ``pattern`` and ``enum`` become :class:`Constraint`
objects: the service's text of the rule and a Python test of it. Every form
the service prints a rule in is made from these:

- a member's own violation, ``Value at 'x' failed to satisfy constraint:
  <rule>`` (validation.py), listed pattern, minimum, maximum, enum;
- a list's or map's element rules, at the collection: ``Member must satisfy
  constraint: [<rules>]`` for list elements, ``Map keys ...`` and ``Map value
  ...`` for a map's, listed maximum, minimum, pattern, enum;
- the one-pass reader's test (serialization.py), the conjunction of the tests,
  cheapest first;
- a rule a handler checks itself, such as a record over its stream's maximum
  size (``at_most``).

How the service prints a pattern and an enum:

- Patterns are printed as the service prints them. botocore's model wraps a
  pattern whose top level is an alternation as ``^(...)$``; the service's
  documentation and answers print it bare, ``0|([1-9]\\d{0,38})``. Only that
  wrapping is removed: other anchors are the service's own (ConsumerARN is
  documented as ``^(arn):aws.*...``).
- Enum values are listed in the service's order where it was recorded,
  otherwise in the model's.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from botocore.model import Shape

# google-re2 ships no type information: it is used as Any.
re2: Any
try:
    re2 = importlib.import_module("re2")
except ImportError:  # pragma: no cover - google-re2 is a dependency; re still answers
    re2 = None

# Per shape name, the order the service reports a structure's members or
# lists an enum's values in.
ReportOrder = Mapping[str, Sequence[str]]
NO_ORDER: ReportOrder = {}

# -- the texts -----------------------------------------------------------------

NOT_NULL = "Member must not be null"

# Whose rules a collection's violation lists.
LIST_ELEMENTS = "Member"
MAP_KEYS = "Map keys"
MAP_VALUES = "Map value"


def at_least(noun: str, limit: object) -> str:
    """A minimum; ``noun`` is ``length`` (strings, blobs, collections) or ``value``."""
    return f"Member must have {noun} greater than or equal to {limit}"


def at_most(noun: str, limit: object) -> str:
    """A maximum; ``noun`` is ``length`` (strings, blobs, collections) or ``value``."""
    return f"Member must have {noun} less than or equal to {limit}"


def matching(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {printed_pattern(pattern)}"


def one_of(values: Iterable[str]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(values)}]"


def elements_satisfy(whose: str, rules: Iterable[str]) -> str:
    """The element rules of a collection, as its one violation lists them."""
    return f"{whose} must satisfy constraint: [{', '.join(rules)}]"


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


# -- the tests -----------------------------------------------------------------

# Java regex classes some models use, in terms Python's re knows (\w is a
# little wider than \p{L}: it also takes digits and "_"). Only for patterns
# RE2 cannot compile.
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s", r"\p{M}": ""}

Matches = Callable[[str], bool]

# One character class (or \d, \w, or any character) under one quantifier,
# maybe anchored.
_ONE_CLASS = re.compile(r"\^?(?:\[(?:[^\]\\]|\\.)*\]|\\[dw]|\.)(?:[+*]|\{\d+(?:,\d*)?\})\$?")


@functools.cache
def model_pattern(pattern: str) -> Matches:
    """Whether a whole value matches a model's pattern (models are written for
    Java), in time linear in the value's length.

    Python's re backtracks: the ARN patterns' ``.*:\\d{12}:.*`` took seconds
    on a few thousand characters. RE2 does not; a pattern it cannot compile
    falls back to re. A pattern that is one character class repeated (a
    stream name's) cannot backtrack, and re answers it several times faster
    than a call into RE2; ASCII classes, as RE2 and Java read ``\\d`` and ``\\w``.
    """
    if _ONE_CLASS.fullmatch(pattern) and "\\p" not in pattern:
        try:
            one_class = re.compile(pattern, re.ASCII | re.DOTALL)
        except re.error:
            pass  # written for Java in a way re does not take: RE2 reads it
        else:
            return lambda text: one_class.fullmatch(text) is not None
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


class Constraint:
    """One rule of a shape: ``text``, the service's words for it, and
    ``term``, a Python expression over ``{v}`` (calling ``{bound}``, the
    object the rule tests with, if any) that is true when a value keeps it;
    ``None`` when every value does (a length of at least 0). ``limit`` is a
    minimum's or maximum's number."""

    def __init__(
        self, kind: str, text: str, term: str | None, bound: object = None, limit: object = None
    ) -> None:
        self.kind = kind
        self.text = text
        self.term = term
        self.bound = bound
        self.limit = limit

    def expression(self, var: str, namespace: dict[str, Any]) -> str | None:
        """The test of ``var``, binding what it calls in ``namespace``. The
        expression holds only numbers from the model and names bound there,
        so it is safe to compile."""
        if self.term is None:
            return None
        name = ""
        if self.bound is not None:
            name = f"_{self.kind}{len(namespace)}"
            namespace[name] = self.bound
        return self.term.format(v=var, bound=name)

    @functools.cached_property
    def holds(self) -> Callable[[Any], bool]:
        """The test on its own, compiled on first use (only to word a violation)."""
        return _predicate([self])


# The orders rules are listed in: a member's own violations, a collection's
# element rules, and the tests (cheapest first: a value far too long never
# reaches the pattern).
MEMBER_ORDER = ("pattern", "min", "max", "enum")
ELEMENT_ORDER = ("max", "min", "pattern", "enum")
_TEST_ORDER = ("min", "max", "pattern", "enum")

_SIZED = ("string", "blob", "list", "map")
_NUMBERS = ("integer", "long", "float", "double")


def constraints(shape: Shape, orders: ReportOrder = NO_ORDER) -> dict[str, Constraint]:
    """The rules ``shape`` sets, by kind (``min``, ``max``, ``pattern``, ``enum``)."""
    meta = shape.metadata
    kind = shape.type_name
    found: dict[str, Constraint] = {}
    sized = kind in _SIZED
    if sized or kind in _NUMBERS:
        noun, measured = ("length", "len({v})") if sized else ("value", "{v}")
        if "min" in meta:
            low = meta["min"]
            # Every length is at least 0.
            term = None if sized and low == 0 else f"{low!r} <= {measured}"
            found["min"] = Constraint("min", at_least(noun, low), term, limit=low)
        if "max" in meta:
            high = meta["max"]
            term = f"{measured} <= {high!r}"
            found["max"] = Constraint("max", at_most(noun, high), term, limit=high)
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern is not None:
            found["pattern"] = Constraint(
                "pattern", matching(pattern), "{bound}({v})", model_pattern(pattern)
            )
        if shape.enum:
            found["enum"] = Constraint(
                "enum",
                one_of(enum_values(shape, orders)),
                "{v} in {bound}",
                frozenset(shape.enum),
            )
    return found


def in_order(found: Mapping[str, Constraint], order: Sequence[str]) -> list[Constraint]:
    return [found[kind] for kind in order if kind in found]


def constraint_expression(shape: Shape, var: str, namespace: dict[str, Any]) -> str | None:
    """A Python expression, true when ``var`` breaks none of the shape's rules
    (``1 <= len(v) <= 128 and ...``), or ``None`` when the shape has none.
    Names it needs are added to ``namespace``."""
    return _conjunction(in_order(constraints(shape), _TEST_ORDER), var, namespace)


def _conjunction(rules: Iterable[Constraint], var: str, namespace: dict[str, Any]) -> str | None:
    terms: list[str] = []
    after_minimum = False
    for rule in rules:
        term = rule.expression(var, namespace)
        if term is None:
            continue
        if rule.kind == "max" and after_minimum:
            # "1 <= len(v)" and "len(v) <= 128" as one chain: measured once.
            terms[-1] += f" <= {rule.limit!r}"
        else:
            terms.append(term)
        after_minimum = rule.kind == "min"
    return " and ".join(terms) or None


def _predicate(rules: Iterable[Constraint]) -> Callable[[Any], bool]:
    namespace: dict[str, Any] = {}
    expression = _conjunction(rules, "v", namespace) or "True"
    predicate: Callable[[Any], bool] = eval(f"lambda v: {expression}", namespace)
    return predicate


def passes(shape: Shape) -> Callable[[Any], bool]:
    """One predicate that is true when a value breaks none of the shape's
    rules, so the usual case, a valid value, costs one call."""
    return _predicate(in_order(constraints(shape), _TEST_ORDER))
