"""Stream tags through AddTagsToStream & co. and the resource-level tag APIs."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of

ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1, Tags={"team": "data"})
    return kinesis


def _tags(client: Any) -> dict[str, str]:
    listing = client.list_tags_for_stream(StreamName="s")
    return {tag["Key"]: tag.get("Value", "") for tag in listing["Tags"]}


def test_add_overwrites_and_adds(stream: Any) -> None:
    stream.add_tags_to_stream(StreamName="s", Tags={"team": "platform", "env": "prod"})
    assert _tags(stream) == {"team": "platform", "env": "prod"}


def test_remove_ignores_unknown_keys(stream: Any) -> None:
    stream.remove_tags_from_stream(StreamName="s", TagKeys=["team", "not-there"])
    assert _tags(stream) == {}


def test_list_is_sorted_and_pages(stream: Any) -> None:
    stream.add_tags_to_stream(StreamName="s", Tags={f"k{i}": str(i) for i in range(5)})
    page = stream.list_tags_for_stream(StreamName="s", Limit=2)
    assert [t["Key"] for t in page["Tags"]] == ["k0", "k1"]
    assert page["HasMoreTags"] is True
    rest = stream.list_tags_for_stream(StreamName="s", ExclusiveStartTagKey="k1")
    assert [t["Key"] for t in rest["Tags"]] == ["k2", "k3", "k4", "team"]
    assert rest["HasMoreTags"] is False


def test_at_most_50_tags_per_stream(stream: Any) -> None:
    stream.add_tags_to_stream(StreamName="s", Tags={f"k{i}": "v" for i in range(49)})
    with pytest.raises(ClientError) as excinfo:
        stream.add_tags_to_stream(StreamName="s", Tags={"one": "more", "and": "another"})
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        f"Failed to add tags to stream s under account {ACCOUNT} because a given stream "
        "cannot have more than 50 tags associated with it.",
        400,
    )
    # Nothing from the rejected call was stored.
    assert len(_tags(stream)) == 50
    assert "one" not in _tags(stream)


def test_invalid_characters(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        stream.add_tags_to_stream(StreamName="s", Tags={"bad;key": "v"})
    assert error_of(excinfo)[0] == "InvalidArgumentException"
    assert "bad;key" not in _tags(stream)


def test_tags_of_a_missing_stream(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.list_tags_for_stream(StreamName="ghost")


def test_resource_level_tagging(stream: Any) -> None:
    stream.tag_resource(ResourceARN=ARN, Tags={"env": "dev"})
    assert stream.list_tags_for_resource(ResourceARN=ARN)["Tags"] == [
        {"Key": "env", "Value": "dev"},
        {"Key": "team", "Value": "data"},
    ]
    stream.untag_resource(ResourceARN=ARN, TagKeys=["team"])
    assert _tags(stream) == {"env": "dev"}


def test_resource_tagging_of_a_missing_stream(stream: Any) -> None:
    with pytest.raises(stream.exceptions.ResourceNotFoundException):
        stream.list_tags_for_resource(
            ResourceARN=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/ghost"
        )
