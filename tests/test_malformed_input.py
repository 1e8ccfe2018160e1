"""Malformed input gets the service's 4xx answer, never a 500 or a stall,
and the records already stored stay as they were.

Where the real service's answer is not known, each test name says what the
mock answers and a comment says why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import ACCOUNT, REGION, Sentinel, model_has, service_model, signed_request

from kinesis_mock.protocol import jsonlib

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/sentinel"
# The installed model's: channels and queues widened it after botocore 1.40.
RESOURCE_ARN_PATTERN = (
    service_model("kinesis").shape_for("ListTagsForResourceInput").members["ResourceARN"]
).metadata["pattern"]


@pytest.fixture
def sentinel(kinesis: Any) -> Sentinel:
    return Sentinel(kinesis)


@pytest.fixture(params=["orjson", "stdlib"])
def json_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Both JSON readers: orjson, and the standard library it falls back to."""
    if request.param == "stdlib":
        monkeypatch.setattr(jsonlib, "orjson", None)
    yield


def _answer(body: str | bytes, target: str) -> tuple[int, dict[str, Any]]:
    response = signed_request(body, target)
    return response.status_code, response.json()


def _video_answer(uri: str, body: str) -> tuple[int, dict[str, Any]]:
    """A raw request to a Kinesis Video API (rest-json: the URI names the operation)."""
    response = signed_request(
        body,
        None,
        url=f"https://kinesisvideo.{REGION}.amazonaws.com{uri}",
        service="kinesisvideo",
        content_type="application/json",
    )
    return response.status_code, {"code": response.headers["x-amzn-ErrorType"], **response.json()}


def _violation(path: str, rule: str) -> str:
    # Worded as today's service words a violation: without the value.
    return f"Value at '{path}' failed to satisfy constraint: {rule}"


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
        "resourceARN", "Member must have length less than or equal to 2048"
    )
    status, body = _answer(json.dumps({"ResourceARN": failing}), "ListTagsForResource")
    assert body["message"] == "2 validation errors detected: " + "; ".join(
        [
            _violation(
                "resourceARN",
                f"Member must satisfy regular expression pattern: {RESOURCE_ARN_PATTERN}",
            ),
            _violation("resourceARN", "Member must have length less than or equal to 2048"),
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


def test_a_huge_authorization_header_is_read_at_once(sentinel: Sentinel) -> None:
    # The credential scope used to be found by a regex search, quadratic on
    # "Credential=" repeated: 100,000 characters took seconds per read.
    import requests

    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "Kinesis_20131202.ListStreams",
        "X-Amz-Date": "20260101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 " + "Credential=" * 9_000 + ", Signature=x",
    }
    response = requests.post(
        f"https://kinesis.{REGION}.amazonaws.com/", data=b"{}", headers=headers, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["__type"] == "IncompleteSignatureException"
    sentinel.assert_intact()


# -- no input gets a 500 ---------------------------------------------------------


def test_lone_surrogate_is_a_serialization_exception(
    json_reader: None, raw_kinesis: Any, sentinel: Sentinel
) -> None:
    # JSON may escape half a surrogate pair ("\ud800", which hypothesis'
    # st.text() draws), but no UTF-8 text holds one: the document is not
    # text, answered as any unreadable body is, and not retried by boto3.
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_record(StreamName=Sentinel.NAME, Data=b"x", PartitionKey="\ud800")
    error = excinfo.value.response
    assert error["Error"]["Code"] == "SerializationException"
    assert error["ResponseMetadata"]["RetryAttempts"] == 0
    for body in [
        b'{"StreamName":"sentinel","Data":"AA==","PartitionKey":"a\\udfff"}',
        b'{"StreamName":"sentinel","Data":"AA==","PartitionKey":"\xed\xa0\x80"}',
        b'{"StreamName":"sentinel","Data":"AA==","PartitionKey":"k","\\ud800":1}',
    ]:
        status, answer = _answer(body, "PutRecord")
        assert (status, answer["__type"]) == (400, "SerializationException")
    # A whole pair is one character, and escaped backslashes are no surrogate.
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    key = r"\ud83d\ude00\\udc00"
    status, answer = _answer(
        f'{{"StreamName":"s","Data":"AA==","PartitionKey":"{key}"}}', "PutRecord"
    )
    assert status == 200, answer
    iterator = raw_kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = raw_kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [r["PartitionKey"] for r in records] == ["\U0001f600\\udc00"]
    sentinel.assert_intact()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_not_json(
    json_reader: None, literal: str, sentinel: Sentinel
) -> None:
    status, answer = _answer(f'{{"StreamName":"x","ShardCount":{literal}}}', "CreateStream")
    assert (status, answer["__type"]) == (400, "SerializationException")
    status, answer = _answer(f'{{"StreamName":"sentinel","Limit":{literal}}}', "ListShards")
    assert (status, answer["__type"]) == (400, "SerializationException")
    sentinel.assert_intact()


def test_a_number_beyond_a_double_is_not_an_integer(json_reader: None, sentinel: Sentinel) -> None:
    # 1e400 is JSON, but is infinite as a double (the standard library reads it so).
    status, answer = _answer('{"StreamName":"x","ShardCount":1e400}', "CreateStream")
    assert (status, answer["__type"]) == (400, "SerializationException")
    sentinel.assert_intact()


@pytest.mark.parametrize(
    ("timestamp", "java"),
    [
        (1e20, "com.amazon.coral.value.json.numbers.TruncatingBigNumber"),
        (-1e20, "com.amazon.coral.value.json.numbers.TruncatingBigNumber"),
        (253402300800, "com.amazon.coral.value.json.numbers.TruncatingBigNumber"),  # year 10000
        ("9999999999999999", "java.lang.String"),
        ("inf", "java.lang.String"),
        ("nan", "java.lang.String"),
    ],
)
def test_timestamp_outside_years_1_to_9999_is_a_serialization_exception(
    timestamp: Any, java: str, sentinel: Sentinel
) -> None:
    # How the service reads such numbers is not known; a date the engine
    # cannot hold is refused in the words the service refuses a timestamp it
    # cannot read with (it reads no text: see test_validation_today.py).
    body = {
        "StreamName": Sentinel.NAME,
        "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": timestamp,
    }
    assert _answer(json.dumps(body), "GetShardIterator") == (
        400,
        {
            "__type": "SerializationException",
            "Message": f"class {java} can not be converted to milliseconds since epoch",
        },
    )
    body = {
        "StreamName": "cam",
        "FragmentSelector": {
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {"StartTimestamp": timestamp, "EndTimestamp": 0},
        },
    }
    status, answer = _video_answer("/listFragments", json.dumps(body))
    assert (status, answer["code"]) == (400, "SerializationException")
    sentinel.assert_intact()


def test_null_list_elements_are_validation_errors_at_the_element(sentinel: Sentinel) -> None:
    # Chosen: a null element breaks "Member must not be null" at its own path,
    # as the service's Java validator words a missing member
    # (the elements of scalar lists included).
    record = {"Data": "AA==", "PartitionKey": "k"}
    cases = [
        ("PutRecords", {"StreamName": "sentinel", "Records": [record, None]}, "records.2.member"),
        ("RemoveTagsFromStream", {"StreamName": "sentinel", "TagKeys": [None]}, "tagKeys.1.member"),
        ("UntagResource", {"ResourceARN": STREAM_ARN, "TagKeys": ["a", None]}, "tagKeys.2.member"),
        ("ListChannels", {"StreamFilter": [None]}, "streamFilter.1.member"),
        (
            "EnableEnhancedMonitoring",
            {"StreamName": "sentinel", "ShardLevelMetrics": [None]},
            "shardLevelMetrics.1.member",
        ),
    ]
    for target, body, path in cases:
        if not model_has("kinesis", target):
            continue  # ListChannels: not in botocore 1.40's model
        assert _answer(json.dumps(body), target) == (
            400,
            {
                "__type": "ValidationException",
                "message": f"1 validation error detected: Value null at '{path}' failed to "
                "satisfy constraint: Member must not be null",
            },
        ), target
    video_cases = [
        (
            "/TagResource",
            {
                "ResourceARN": "arn:aws:kinesisvideo:us-east-1:123456789012:channel/c/1",
                "Tags": [None],
            },
            "tags.1.member",
        ),
        ("/untagStream", {"StreamName": "cam", "TagKeyList": [None]}, "tagKeyList.1.member"),
        (
            "/getMediaForFragmentList",
            {"StreamName": "cam", "Fragments": [None]},
            "fragments.1.member",
        ),
    ]
    for uri, body, path in video_cases:
        status, answer = _video_answer(uri, json.dumps(body))
        assert (status, answer["code"]) == (400, "ValidationException"), uri
        assert answer["Message"].endswith(
            f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ), uri
    sentinel.assert_intact()


DEPTH = 100_000


def test_documents_nested_past_any_reader_are_serialization_exceptions(
    json_reader: None, sentinel: Sentinel
) -> None:
    for body in [
        "[" * DEPTH + "]" * DEPTH,
        '{"StreamName":"sentinel","Limit":' + '{"a":' * DEPTH + "1" + "}" * (DEPTH + 1),
        '{"StreamName":"sentinel","Unknown":' + "[" * DEPTH + "]" * DEPTH + "}",
    ]:
        status, answer = _answer(body, "ListShards")
        assert (status, answer["__type"]) == (400, "SerializationException")
    status, answer = _video_answer("/listStreams", '{"a":' * DEPTH + "1" + "}" * DEPTH)
    assert (status, answer["code"]) == (400, "SerializationException")
    sentinel.assert_intact()


@pytest.mark.parametrize(
    "policy",
    [
        '{"a":' + "[" * DEPTH + "]" * DEPTH + "}",
        '{"Version": NaN}',
        "[" * DEPTH,
    ],
    ids=["nested", "nan", "unclosed"],
)
def test_resource_policy_that_is_no_json_document_is_an_invalid_argument(
    policy: str, sentinel: Sentinel
) -> None:
    body = json.dumps({"ResourceARN": STREAM_ARN, "Policy": policy})
    assert _answer(body, "PutResourcePolicy") == (
        400,
        {
            "__type": "InvalidArgumentException",
            "message": "The resource policy is not a valid JSON document.",
        },
    )
    assert sentinel.kinesis.get_resource_policy(ResourceARN=STREAM_ARN)["Policy"] == "{}"
    sentinel.assert_intact()


def _cbor_answer(document: Any, target: str) -> tuple[int, dict[str, Any]]:
    cbor2 = pytest.importorskip("cbor2")
    response = signed_request(
        cbor2.dumps(document), target, content_type="application/x-amz-cbor-1.1"
    )
    return response.status_code, cbor2.loads(response.content)


def test_cbor_map_keys_that_are_not_text_are_serialization_exceptions(
    sentinel: Sentinel,
) -> None:
    # A tag map's keys must be text; a structure ignores members it does not
    # know, as it does any unknown name.
    for key in [1, b"k"]:
        status, answer = _cbor_answer(
            {"StreamName": "sentinel", "Tags": {key: "v"}}, "AddTagsToStream"
        )
        assert (status, answer["__type"]) == (400, "SerializationException"), key
    cbor2 = pytest.importorskip("cbor2")
    document = {1: 2, b"x": 3, "StreamName": "s", "ShardCount": 1}
    response = signed_request(
        cbor2.dumps(document), "CreateStream", content_type="application/x-amz-cbor-1.1"
    )
    assert response.status_code == 200
    assert sentinel.kinesis.list_tags_for_stream(StreamName="sentinel")["Tags"] == []
    sentinel.assert_intact()


def test_cbor_numbers_no_integer_holds_are_serialization_exceptions(sentinel: Sentinel) -> None:
    # NaN and the infinities, and bignums longer than any JSON number can be
    # (4,300 digits): Python would not even print them in a message.
    for target, member in [("CreateStream", "ShardCount"), ("ListStreams", "Limit")]:
        for value in [float("nan"), float("inf"), 10**5000, -(10**5000)]:
            document = {"StreamName": "x", member: value}
            assert _cbor_answer(document, target) == (
                400,
                {
                    "__type": "SerializationException",
                    "Message": "class com.amazon.coral.value.json.numbers.TruncatingBigNumber "
                    "can not be converted to an Integer",
                },
            ), (target, value)
    sentinel.assert_intact()


def test_a_pattern_re2_cannot_compile_is_matched_by_re() -> None:
    from kinesis_mock.protocol.constraints import model_pattern

    # A lookahead (Java has them; RE2 does not).
    matches = model_pattern(r"(?!x)[a-z]+")
    assert matches("abc")
    assert not matches("xabc")
    assert not matches("abc\n")


def test_a_one_class_pattern_reads_classes_as_ascii_and_matches_whole_values() -> None:
    # One class under one quantifier goes to re (faster than a call into
    # RE2): its \\d and \\w must stay ASCII, as RE2 and Java read them, and
    # the whole value must match (a trailing newline too).
    from kinesis_mock.protocol.constraints import model_pattern

    twelve_digits = model_pattern(r"\d{12}")
    assert twelve_digits("123456789012")
    assert not twelve_digits("١٢٣٤٥٦٧٨٩٠١٢")  # Arabic-Indic digits
    assert not twelve_digits("123456789012\n")
    stream_name = model_pattern(r"[a-zA-Z0-9_.-]+")
    assert stream_name("my-stream_1.0")
    assert not stream_name("é")
    assert not stream_name("ok\n")
    anchored = model_pattern(r"^[a-z0-9]+$")
    assert anchored("abc1")
    assert not anchored("abc\n")
    assert model_pattern(".+")("any\nthing")  # the models' "." takes a newline


def test_a_stream_name_outside_its_pattern_is_refused_through_boto3(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.ClientError) as caught:
        kinesis.create_stream(StreamName="naïve", ShardCount=1)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" in str(caught.value)
    assert kinesis.list_streams()["StreamNames"] == []


# -- handler bugs the fuzz test found -------------------------------------------


def test_list_queues_filters_by_a_list_of_streams(kinesis: Any) -> None:
    # StreamFilter is a list (QueueStreamFilterList); the handler read it as
    # one filter and answered InternalFailure.
    if "ListQueues" not in kinesis.meta.service_model.operation_names:
        pytest.skip("this botocore's kinesis model has no queues (they came in 1.44)")
    for name in ("a", "b"):
        kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        kinesis.create_queue(
            QueueName=f"q{name}",
            StreamConfigurationList=[
                {"StreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"}
            ],
        )
    listed = kinesis.list_queues(
        StreamFilter=[{"StreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/b"}]
    )
    assert [q["QueueName"] for q in listed["QueueSummaries"]] == ["qb"]
