"""Shapes are compiled once, recursive ones included (protocol/shapes.py).

No served model (kinesis, kinesisvideo, kinesis-video-*) has a recursive
shape, so a small model is built here: a tree whose nodes hold a list of
nodes and a map of nodes. botocore resolves every reference to a new
``Shape`` object, so the recursion is found by definition, not by identity.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.model import ServiceModel, Shape

from kinesis_mock.protocol.errors import ValidationException
from kinesis_mock.protocol.serialization import (
    cbor_renderer_for,
    parse_value,
    reader_for,
    render_value,
)
from kinesis_mock.protocol.shapes import ShapeCache
from kinesis_mock.protocol.validation import validate

_TREE = {
    "metadata": {
        "apiVersion": "2020-01-01",
        "endpointPrefix": "tree",
        "jsonVersion": "1.1",
        "protocol": "json",
        "serviceId": "Tree",
        "signatureVersion": "v4",
        "targetPrefix": "Tree_20200101",
    },
    "operations": {
        "PutTree": {
            "name": "PutTree",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "Node"},
            "output": {"shape": "Node"},
        }
    },
    "shapes": {
        "Node": {
            "type": "structure",
            "required": ["Name"],
            "members": {
                "Name": {"shape": "Name"},
                "Data": {"shape": "Data"},
                "Born": {"shape": "Born"},
                # A member trait: botocore copies the definition at each level.
                "Children": {"shape": "Nodes", "documentation": "<p>Its children.</p>"},
                "Named": {"shape": "NodesByName"},
            },
        },
        "Nodes": {"type": "list", "member": {"shape": "Node"}, "max": 2},
        "NodesByName": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Node"}},
        "Name": {"type": "string", "min": 1, "max": 3, "pattern": "[a-z]+"},
        "Data": {"type": "blob"},
        "Born": {"type": "timestamp"},
    },
}


@pytest.fixture
def node() -> Shape:
    shape: Shape = ServiceModel(_TREE, "tree").operation_model("PutTree").input_shape
    return shape


def test_botocore_resolves_each_level_afresh(node: Shape) -> None:
    child = node.members["Children"].member
    assert child is not node
    assert child.members["Children"] is not node.members["Children"]


def test_a_recursive_shape_is_read_at_every_depth(node: Shape) -> None:
    document = {
        "Name": "a",
        "Data": "eA==",
        "Children": [{"Name": "b", "Children": [{"Name": "c", "Data": "eQ==", "Unknown": 1}]}],
        "Named": {"d": {"Name": "d", "Born": 0}},
    }
    assert parse_value(document, node) == {
        "Name": "a",
        "Data": b"x",
        "Children": [{"Name": "b", "Children": [{"Name": "c", "Data": b"y"}]}],
        "Named": {"d": {"Name": "d", "Born": datetime(1970, 1, 1, tzinfo=timezone.utc)}},
    }


@pytest.mark.parametrize(
    "document",
    [
        {"Name": "a", "Children": [{"Name": "b", "Children": [{"Name": "toolong"}]}]},
        {"Name": "a", "Children": [{"Name": "b", "Children": [{}]}]},
        {"Name": "a", "Named": {"d": {"Name": "d", "Named": {"EE": {"Name": "e"}}}}},
        {"Name": "a", "Children": [{"Name": "b", "Children": [{"Name": "c"}] * 3}]},
    ],
)
def test_the_reader_finds_a_broken_rule_at_any_depth(node: Shape, document: Any) -> None:
    assert reader_for(node)(document)[1] is False


def test_validation_words_a_violation_at_any_depth(node: Shape) -> None:
    params = {
        "Name": "a",
        "Children": [{"Name": "b", "Children": [{"Name": "toolong"}, {"Data": b""}]}],
        "Named": {"d": {"Name": "d", "Named": {"EE": {"Name": "E"}}}},
    }
    with pytest.raises(ValidationException) as excinfo:
        validate(params, node)
    assert excinfo.value.message == (
        "4 validation errors detected: "
        "Value at 'children.1.member.children.1.member.name' failed to satisfy constraint: "
        "Member must have length less than or equal to 3; "
        "Value null at 'children.1.member.children.2.member.name' failed to satisfy "
        "constraint: Member must not be null; "
        "Value at 'named.d.member.named' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must have length less than or equal to 3, "
        "Member must have length greater than or equal to 1, "
        "Member must satisfy regular expression pattern: [a-z]+]; "
        "Value at 'named.d.member.named.EE.member.name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-z]+"
    )


def test_valid_recursive_input_passes_both(node: Shape) -> None:
    document = {"Name": "a", "Children": [{"Name": "b", "Children": [{"Name": "c"}]}]}
    params, passes = reader_for(node)(document)
    assert passes is True
    validate(params, node)


def test_a_recursive_shape_is_rendered_at_every_depth(node: Shape) -> None:
    born = datetime(2020, 1, 1, tzinfo=timezone.utc)
    value = {
        "Name": "a",
        "Data": None,
        "Children": [{"Name": "b", "Children": [{"Name": "c", "Data": b"y", "Born": born}]}],
        "Named": {"d": {"Name": "d", "Data": b"x"}},
    }
    assert render_value(value, node) == {
        "Name": "a",
        "Children": [
            {"Name": "b", "Children": [{"Name": "c", "Data": "eQ==", "Born": 1577836800.0}]}
        ],
        "Named": {"d": {"Name": "d", "Data": "eA=="}},
    }
    deep = {"Name": "a", "Children": [{"Name": "b", "Children": [{"Name": "c", "Born": 0.0}]}]}
    assert cbor_renderer_for(node)(deep) == {
        "Name": "a",
        "Children": [
            {
                "Name": "b",
                "Children": [{"Name": "c", "Born": datetime(1970, 1, 1, tzinfo=timezone.utc)}],
            }
        ],
    }


def test_each_shape_is_compiled_once(node: Shape) -> None:
    built: list[str] = []

    def build(cache: ShapeCache[Any], shape: Shape) -> Any:
        built.append(shape.name)
        if shape.type_name == "structure":
            for member in shape.members.values():
                cache(member)
        elif shape.type_name == "list":
            cache(shape.member)
        elif shape.type_name == "map":
            cache(shape.key)
            cache(shape.value)
        return lambda value: value

    cache: ShapeCache[Any] = ShapeCache(build)
    compiled = cache(node)
    assert sorted(built) == ["Born", "Data", "Name", "Node", "Nodes", "NodesByName"]
    # The same shape, resolved again by botocore, is not compiled again.
    assert cache(node.members["Children"].member) is compiled
    assert len(built) == 6
    # Another model's shape of the same name is its own.
    assert cache(ServiceModel(_TREE, "tree").shape_for("Node")) is not compiled
    assert len(built) == 12
