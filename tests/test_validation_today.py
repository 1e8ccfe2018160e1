"""ValidationException texts as the service answers them today.

The wording follows the one current Kinesis answer on record,
awslabs/amazon-kinesis-producer#680 (December 2025): "Value at '<path>'",
without the value, for every kind of rule. The 2014-2020 recordings
(mhart/kinesalite test/*.js) printed the value ("Value '' at 'streamName'");
where they differ, today's service wins, and the 2020 wording appears here
only in comments. The evidence for each kind is listed in
kinesis_mock/protocol/validation.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of, service_model, signed_request


def _message(body: dict[str, Any], target: str) -> str:
    response = signed_request(json.dumps(body), target)
    assert response.status_code == 400
    assert response.json()["__type"] == "ValidationException"
    message: str = response.json()["message"]
    return message


# -- every kind of rule, without the value --------------------------------------


def test_a_length_is_reported_without_the_value(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_record(StreamName="s", Data=b"d", PartitionKey="k" * 257)
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: "
        "Member must have length less than or equal to 256",
        400,
    )


def test_a_pattern_is_reported_without_the_value(raw_kinesis: Any) -> None:
    # 2020: "Value 'a b' at 'streamName' ..."; today: no value.
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.describe_stream_summary(StreamName="a b")
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )


def test_a_range_is_reported_without_the_value(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.list_streams(Limit=0)
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_an_enum_is_reported_without_the_value_and_in_the_services_order(
    raw_kinesis: Any,
) -> None:
    # The service lists ShardIteratorType's values in its own order (kinesalite's
    # getShardIterator.js recording), not the model's (AT_SEQUENCE_NUMBER, ...).
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.get_shard_iterator(
            StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="FIRST"
        )
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'shardIteratorType' failed to satisfy "
        "constraint: Member must satisfy enum value set: "
        "[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"
    )


def test_a_missing_member_still_reads_value_null(raw_kinesis: Any) -> None:
    # Every recording, old and current, prints null for a missing member.
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.get_shard_iterator(StreamName="s", ShardId="shardId-000000000000")
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_a_collection_is_reported_without_its_elements(kinesis_mock: Any) -> None:
    # 2020: "Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310, ...]'";
    # today no value, so identical requests are always answered alike.
    body = {"StreamName": "s", "Records": [{"Data": "", "PartitionKey": "k"}] * 501}
    expected = (
        "1 validation error detected: Value at 'records' failed to satisfy constraint: "
        "Member must have length less than or equal to 500"
    )
    assert _message(body, "PutRecords") == expected
    assert _message(body, "PutRecords") == expected


# -- patterns as the service prints them ----------------------------------------


def test_patterns_are_printed_without_the_models_anchors(kinesis_mock: Any) -> None:
    # botocore's model has ^(0|([1-9]\d{0,38}))$; the service prints the
    # pattern bare, as its documentation and the recordings show.
    body = {
        "StreamName": "s",
        "PartitionKey": "k",
        "Data": "",
        "ExplicitHashKey": "01",
        "SequenceNumberForOrdering": "x",
    }
    assert _message(body, "PutRecord") == (
        "2 validation errors detected: "
        "Value at 'sequenceNumberForOrdering' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); "
        "Value at 'explicitHashKey' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"
    )


def test_other_anchors_are_the_services_own(kinesis_mock: Any) -> None:
    # The service documents ConsumerARN's pattern with its leading ^.
    assert _message({"ConsumerARN": "x"}, "DescribeStreamConsumer") == (
        "1 validation error detected: Value at 'consumerARN' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: "
        "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/"
        "[a-zA-Z0-9_.-]+:[0-9]+"
    )


# -- several violations come in the service's order ------------------------------


def test_put_record_violations_come_in_the_services_order(kinesis_mock: Any) -> None:
    # kinesalite's putRecord.js recording, worded as today's service words it.
    body = {
        "StreamName": "",
        "PartitionKey": "",
        "Data": "",
        "ExplicitHashKey": "",
        "SequenceNumberForOrdering": "",
    }
    assert _message(body, "PutRecord") == (
        "5 validation errors detected: "
        "Value at 'sequenceNumberForOrdering' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); "
        "Value at 'partitionKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value at 'explicitHashKey' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_a_records_members_come_in_the_services_order(kinesis_mock: Any) -> None:
    # kinesalite's putRecords.js recording: partitionKey before explicitHashKey
    # (the model lists ExplicitHashKey first).
    body = {
        "StreamName": "",
        "Records": [{"PartitionKey": "", "Data": "", "ExplicitHashKey": ""}],
    }
    assert _message(body, "PutRecords") == (
        "4 validation errors detected: "
        "Value at 'records.1.member.partitionKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value at 'records.1.member.explicitHashKey' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


@pytest.mark.parametrize(
    ("target", "body", "paths"),
    [
        # kinesalite's splitShard.js, mergeShards.js, getRecords.js,
        # addTagsToStream.js and listTagsForStream.js recordings.
        (
            "SplitShard",
            {"StreamName": "", "ShardToSplit": "", "NewStartingHashKey": ""},
            ["newStartingHashKey", "streamName", "streamName", "shardToSplit", "shardToSplit"],
        ),
        (
            "MergeShards",
            {"StreamName": "", "ShardToMerge": "", "AdjacentShardToMerge": ""},
            [
                "shardToMerge",
                "shardToMerge",
                "adjacentShardToMerge",
                "adjacentShardToMerge",
                "streamName",
                "streamName",
            ],
        ),
        ("GetRecords", {"ShardIterator": "", "Limit": 0}, ["limit", "shardIterator"]),
        ("AddTagsToStream", {"StreamName": "", "Tags": {}}, ["tags", "streamName", "streamName"]),
        (
            "ListTagsForStream",
            {"StreamName": "", "ExclusiveStartTagKey": "", "Limit": 0},
            ["limit", "exclusiveStartTagKey", "streamName", "streamName"],
        ),
    ],
)
def test_members_come_in_the_recorded_order(
    kinesis_mock: Any, target: str, body: dict[str, Any], paths: list[str]
) -> None:
    message = _message(body, target)
    reported = [part.split("'")[1] for part in message.split(": ", 1)[1].split("; ")]
    assert reported == paths


# -- a record over the stream's maximum record size -----------------------------

MIB = 1024 * 1024


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    return kinesis


def test_put_records_refuses_a_large_record_as_the_service_did_in_december_2025(
    stream: Any, kinesis_mock: Any
) -> None:
    # awslabs/amazon-kinesis-producer#680 quotes this answer word for word
    # (without its final period, which belongs to the SDK's rendering).
    with pytest.raises(stream.exceptions.ValidationException) as excinfo:
        stream.put_records(StreamName="s", Records=[{"Data": b"x" * MIB, "PartitionKey": "k"}])
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value at 'records.1.member.data' failed to satisfy "
        "constraint: Member must have length less than or equal to 1048576",
        400,
    )
    assert kinesis_mock.records("s") == []


def test_put_record_names_the_data_member(stream: Any) -> None:
    with pytest.raises(stream.exceptions.ValidationException) as excinfo:
        stream.put_record(StreamName="s", Data=b"x" * (MIB + 1), PartitionKey="k")
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'data' failed to satisfy constraint: "
        "Member must have length less than or equal to 1048576"
    )


def test_the_partition_key_counts_toward_the_record_size(stream: Any) -> None:
    # The documented limit is data plus partition key. How the service words
    # a record whose data alone fits is not on record: the mock answers it
    # like one whose data does not.
    stream.put_record(StreamName="s", Data=b"x" * (MIB - 2), PartitionKey="kk")
    with pytest.raises(stream.exceptions.ValidationException) as excinfo:
        stream.put_record(StreamName="s", Data=b"x" * (MIB - 2), PartitionKey="kkk")
    assert "Value at 'data' failed to satisfy constraint" in error_of(excinfo)[1]


def test_the_stream_maximum_is_named_when_it_was_raised(stream: Any) -> None:
    arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
    stream.update_max_record_size(StreamARN=arn, MaxRecordSizeInKiB=2048)
    stream.put_record(StreamName="s", Data=b"x" * (2 * MIB - 1), PartitionKey="k")
    with pytest.raises(stream.exceptions.ValidationException) as excinfo:
        stream.put_records(
            StreamName="s",
            Records=[
                {"Data": b"small", "PartitionKey": "k"},
                {"Data": b"x" * (2 * MIB), "PartitionKey": "k"},
            ],
        )
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'records.2.member.data' failed to satisfy "
        "constraint: Member must have length less than or equal to 2097152"
    )


def test_record_violations_come_together_record_by_record(raw_kinesis: Any) -> None:
    # Within a record the service reports partitionKey before data (its
    # order for PutRecordsRequestEntry); records come in request order.
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_records(
            StreamName="s",
            Records=[
                {"Data": b"x" * (MIB + 1)},
                {"Data": b"fine", "PartitionKey": "k"},
                {"Data": b"x" * (MIB + 1), "PartitionKey": "k"},
            ],
        )
    missing_key = (
        "Value null at 'records.1.member.partitionKey' failed to satisfy constraint: "
        "Member must not be null"
    )
    if (
        "PartitionKey"
        in service_model("kinesis").shape_for("PutRecordsRequestEntry").required_members
    ):
        # Models before AUTO distribution (botocore 1.40) require the key: a
        # model violation, answered alone before the stream's record size.
        assert error_of(excinfo)[1] == "1 validation error detected: " + missing_key
        return
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: " + missing_key + "; "
        "Value at 'records.1.member.data' failed to satisfy constraint: "
        "Member must have length less than or equal to 1048576; "
        "Value at 'records.3.member.data' failed to satisfy constraint: "
        "Member must have length less than or equal to 1048576"
    )


def test_the_request_is_checked_before_the_stream(raw_kinesis: Any) -> None:
    # The model's rules are checked first: a request that breaks them is
    # answered with those alone, before the stream's maximum is looked at.
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_records(
            StreamName="s",
            Records=[{"Data": b"x" * (MIB + 1), "PartitionKey": ""}],
        )
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'records.1.member.partitionKey' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1"
    )


# -- SequenceNumberForOrdering takes what the service takes ----------------------


def _recorded(hex_digits: str) -> str:
    """A kinesalite putRecord.js value (written there in hex) as sent."""
    return str(int(hex_digits, 16))


@pytest.mark.parametrize(
    "ordering",
    [
        "0",
        "123",
        _recorded("20000000000000000000000000000000000000000000002"),  # version 2, all 0
        _recorded("20000000000000000000000000000000000000000000001"),  # version 1, all 0
        _recorded("20000000000000000000000000000000000000800000002"),  # 8 near the end
    ],
)
def test_sequence_numbers_for_ordering_the_service_takes(stream: Any, ordering: str) -> None:
    result = stream.put_record(
        StreamName="s", Data=b"d", PartitionKey="k", SequenceNumberForOrdering=ordering
    )
    assert result["ShardId"] == "shardId-000000000000"


@pytest.mark.parametrize(
    "ordering",
    [
        _recorded("20000000000000000000000000000000000000000000000"),  # version 0
        _recorded("20000000000000000000000000000000000000000000004"),  # version 4
        _recorded("20000000000000000000000000000000000000000000003"),  # version 3
        _recorded("30000000000000000000000000000000000000000000001"),  # begins with 3
        _recorded("1ffffffffff7fffffffffffffff000000000007fffffff2"),  # begins with 1
        _recorded("20000000000800000000000000000000000000000000002"),  # 8 in the index
        _recorded("13bb2cc3d80000000000000000000000"),  # a shard from the year 2477
        _recorded("2ffffffffff7fffffffffffffff000000000007fffffff2"),  # all f
        str(2**200),  # too long for any version
    ],
)
def test_sequence_numbers_for_ordering_the_service_refuses(stream: Any, ordering: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        stream.put_record(
            StreamName="s", Data=b"d", PartitionKey="k", SequenceNumberForOrdering=ordering
        )
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        f"ExclusiveMinimumSequenceNumber {ordering} used in PutRecord on stream s under "
        f"account {ACCOUNT} is invalid.",
        400,
    )


def test_a_sequence_number_for_ordering_from_the_future_is_refused(stream: Any) -> None:
    issued = int(stream.put_record(StreamName="s", Data=b"d", PartitionKey="k")["SequenceNumber"])
    digits = f"{issued:x}"
    # The record time (hex digits 29-37) a day ahead.
    later = digits[:29] + f"{int(digits[29:38], 16) + 86_400:09x}" + digits[38:]
    with pytest.raises(ClientError) as excinfo:
        stream.put_record(
            StreamName="s",
            Data=b"d",
            PartitionKey="k",
            SequenceNumberForOrdering=str(int(later, 16)),
        )
    assert error_of(excinfo)[0] == "InvalidArgumentException"
    stream.put_record(
        StreamName="s", Data=b"d", PartitionKey="k", SequenceNumberForOrdering=str(issued)
    )


# -- timestamps the service cannot read ------------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        # kinesalite's recordings (test/helpers.js, assertType "Timestamp").
        ("23", "class java.lang.String can not be converted to milliseconds since epoch"),
        (True, "class java.lang.Boolean can not be converted to milliseconds since epoch"),
        ([], "Start of list found where not expected"),
        ({}, "Start of structure or map found where not expected."),
        # Text the mock once read as a date; the service reads no text here.
        (
            "2026-01-01T00:00:00Z",
            "class java.lang.String can not be converted to milliseconds since epoch",
        ),
    ],
)
def test_a_timestamp_that_cannot_be_read(kinesis_mock: Any, timestamp: Any, message: str) -> None:
    body = {
        "StreamName": "s",
        "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": timestamp,
    }
    response = signed_request(json.dumps(body), "GetShardIterator")
    assert (response.status_code, response.json()) == (
        400,
        {"__type": "SerializationException", "Message": message},
    )


def test_epoch_seconds_are_read(stream: Any) -> None:
    body = {
        "StreamName": "s",
        "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": 1_700_000_000.5,
    }
    response = signed_request(json.dumps(body), "GetShardIterator")
    assert response.status_code == 200
    assert response.json()["ShardIterator"]
