"""The one-pass reader and the validator agree on every input.

Requests are read and checked in one pass; only when the reader reports a
broken constraint does the validator walk the input to word the message. If
they ever disagreed, invalid input would be accepted silently. This checks
them against each other on generated inputs for every Kinesis operation.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import Shape
from hypothesis import given, settings
from hypothesis import strategies as st

from kinesis_mock.protocol.errors import ValidationException
from kinesis_mock.protocol.model import service_spec
from kinesis_mock.protocol.serialization import reader_for
from kinesis_mock.protocol.validation import validate

SPEC = service_spec("kinesis")


def _values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values for a shape, crowding the edges of its constraints."""
    meta = shape.metadata
    kind = shape.type_name
    low, high = meta.get("min", 0), meta.get("max", 20)
    sizes = st.sampled_from(sorted({0, max(low - 1, 0), low, min(high, 40), high + 1}))
    if kind == "structure":
        if depth > 3:
            return st.just({})
        members = {name: _values(member, depth + 1) for name, member in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return sizes.flatmap(
            lambda n: (
                st.lists(_values(shape.member, depth + 1), min_size=min(n, 3), max_size=min(n, 3))
                if n <= 40
                else st.just([])
            )
        )
    if kind == "map":
        return st.dictionaries(
            st.text(max_size=3) | st.text(min_size=129, max_size=130),
            _values(shape.value, depth + 1),
            max_size=3,
        )
    if kind == "string":
        if shape.enum:
            return st.sampled_from([*shape.enum, "NOT_AN_ENUM"])
        return sizes.flatmap(
            lambda n: st.sampled_from(["a" * min(n, 300), "1" * min(n, 300), "a b", "0", "01"])
        )
    if kind == "blob":
        return st.sampled_from(["", "YWJj", "eA=="])
    if kind in ("integer", "long"):
        return st.sampled_from([low - 1, low, high, high + 1, 0])
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.sampled_from([0, 1_700_000_000.5])
    return st.none()


@pytest.mark.parametrize("operation", SPEC.operation_names)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_reader_and_validator_agree(operation: str, data: st.DataObject) -> None:
    shape = SPEC.operation(operation).input_shape
    if shape is None:
        return
    document = data.draw(_values(shape))
    params, passes = reader_for(shape)(document)
    try:
        validate(params, shape)
    except ValidationException:
        valid = False
    else:
        valid = True
    assert passes == valid, (operation, document)
