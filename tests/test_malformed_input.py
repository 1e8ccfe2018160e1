"""Malformed input gets the service's 4xx answer, never a 500 or a stall,
and the records already stored stay as they were.

Where the real service's answer is not known, each test name says what the
mock answers and a comment says why.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from helpers import ACCOUNT, REGION, signed_request

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/sentinel"
RESOURCE_ARN_PATTERN = r"arn:aws.*:kinesis:.*:\d{12}:.*(stream|channel|queue)/\S+"


class Sentinel:
    """A stream holding one known record, read back through the API."""

    NAME = "sentinel"

    def __init__(self, kinesis: Any) -> None:
        self.kinesis = kinesis
        kinesis.create_stream(StreamName=self.NAME, ShardCount=1)
        put = kinesis.put_record(StreamName=self.NAME, Data=b"kept \x00\xff", PartitionKey="pk")
        self.sequence_number = put["SequenceNumber"]

    def assert_intact(self) -> None:
        iterator = self.kinesis.get_shard_iterator(
            StreamName=self.NAME, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = self.kinesis.get_records(ShardIterator=iterator)["Records"]
        assert [(r["SequenceNumber"], r["PartitionKey"], r["Data"]) for r in records] == [
            (self.sequence_number, "pk", b"kept \x00\xff")
        ]
        summary = self.kinesis.describe_stream_summary(StreamName=self.NAME)
        assert summary["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"
        assert summary["StreamDescriptionSummary"]["OpenShardCount"] == 1


@pytest.fixture
def sentinel(kinesis: Any) -> Sentinel:
    return Sentinel(kinesis)


def _answer(body: str | bytes, target: str) -> tuple[int, dict[str, Any]]:
    response = signed_request(body, target)
    return response.status_code, response.json()


def _violation(value: str, path: str, rule: str) -> str:
    return f"Value '{value}' at '{path}' failed to satisfy constraint: {rule}"


# -- no request stalls the engine ---------------------------------------------


def test_huge_arns_are_refused_at_once_with_the_pattern_listed_first(sentinel: Sentinel) -> None:
    # Python's backtracking re took 22.8 s on an 11,510-character ResourceARN
    # (the model's pattern has three ".*") and minutes on these; lengths are
    # now checked first and patterns matched in linear time.
    matching = "arn:aws" + ":kinesis:123456789012:stream/" * 3_600  # matches the pattern
    failing = matching + " "  # fails it only at the very end
    started = time.monotonic()
    status, body = _answer(json.dumps({"ResourceARN": matching}), "ListTagsForResource")
    assert (status, body["__type"]) == (400, "ValidationException")
    assert body["message"] == "1 validation error detected: " + _violation(
        matching, "resourceARN", "Member must have length less than or equal to 2048"
    )
    status, body = _answer(json.dumps({"ResourceARN": failing}), "ListTagsForResource")
    assert body["message"] == "2 validation errors detected: " + "; ".join(
        [
            _violation(
                failing,
                "resourceARN",
                f"Member must satisfy regular expression pattern: {RESOURCE_ARN_PATTERN}",
            ),
            _violation(
                failing, "resourceARN", "Member must have length less than or equal to 2048"
            ),
        ]
    )
    for target, member in [
        ("DescribeStreamSummary", "StreamARN"),
        ("DescribeStreamConsumer", "ConsumerARN"),
        ("GetResourcePolicy", "ResourceARN"),
    ]:
        status, body = _answer(json.dumps({member: failing}), target)
        assert (status, body["__type"]) == (400, "ValidationException")
    # The one clock in this suite: a stall bound, generous by two orders of magnitude.
    assert time.monotonic() - started < 2
    sentinel.assert_intact()


def test_a_pattern_re2_cannot_compile_is_matched_by_re() -> None:
    from kinesis_mock.protocol.validation import model_pattern

    # A lookahead (Java has them; RE2 does not).
    matches = model_pattern(r"(?!x)[a-z]+")
    assert matches("abc")
    assert not matches("xabc")
    assert not matches("abc\n")
