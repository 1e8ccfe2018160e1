"""Wire details the recorded service shows.

kinesalite's test suite recorded these answers from AWS (test/connection.js
for the request screening and signatures, the per-action files for the
rest); LocalStack's snapshots (tests/aws/services/kinesis) and the AWS CLI's
examples show today's service where it has changed since. Each test names
its source; where today's service differs from an older recording, today's
wins and the test says so.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import cbor2
import pytest
import requests
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, error_of, signed_request

from kinesis_mock import server

JSON = "application/x-amz-json-1.1"
CBOR = "application/x-amz-cbor-1.1"
LIST_STREAMS = "ListStreams"
IN_PROCESS_URL = "https://kinesis.us-east-1.amazonaws.com"

# An HTTP call: (method, path and query, headers, body, signed) -> response.
Send = Callable[..., requests.Response]


@pytest.fixture(params=["in process", "over the server"])
def send(request: pytest.FixtureRequest) -> Iterator[Send]:
    """Raw HTTP to Kinesis: through ``requests`` under the mock, or to a
    kinesis-mock server; signed with SigV4 when asked."""
    if request.param == "in process":
        request.getfixturevalue("kinesis_mock")
        yield _sender(IN_PROCESS_URL)
    else:
        with server.start(port=0) as handle:
            yield _sender(handle.endpoint_url)


def _sender(base: str) -> Send:
    def call(
        body: str = "",
        *,
        target: str | None = None,
        content_type: str | None = None,
        method: str = "POST",
        path: str = "/",
        headers: dict[str, str] | None = None,
        signed: bool = False,
    ) -> requests.Response:
        url = base + path
        if signed:
            signed_response: requests.Response = signed_request(
                body, target, url=url, content_type=content_type, method=method
            )
            return signed_response
        sent = dict(headers or {})
        if content_type is not None:
            sent["Content-Type"] = content_type
        if target is not None:
            sent["X-Amz-Target"] = f"Kinesis_20131202.{target}"
        return requests.request(method, url, data=body, headers=sent, timeout=5)

    return call


def _answer(response: requests.Response) -> tuple[int, str | None, Any]:
    """(status, content type, decoded body) of an answer, after checking the
    headers every answer carries (both request ids, the length)."""
    headers = response.headers
    assert len(headers["x-amzn-RequestId"]) == 36
    assert 64 <= len(base64.b64decode(headers["x-amz-id-2"], validate=True)) <= 80
    assert headers["Content-Length"] == str(len(response.content))
    content_type = headers.get("Content-Type")
    if content_type == CBOR:
        body: Any = cbor2.loads(response.content)
    elif content_type in (JSON, "application/json"):
        body = response.json()
    else:
        body = response.text
    return response.status_code, content_type, body


UNKNOWN = {"__type": "UnknownOperationException"}
SERIALIZATION = {"__type": "SerializationException"}
ACCESS_DENIED = (
    "<AccessDeniedException>\n"
    "  <Message>Unable to determine service/operation name to be authorized</Message>\n"
    "</AccessDeniedException>\n"
)


# -- 1. screening before auth: empty bodies are answered in CBOR unless JSON 1.1


@pytest.mark.parametrize("signed", [False, True])
def test_an_empty_post_is_an_unknown_operation_in_cbor(send: Send, signed: bool) -> None:
    # connection.js: "CBOR UnknownOperationException if POST with no auth" / "with no body".
    assert _answer(send(signed=signed)) == (400, CBOR, UNKNOWN)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-amz-json-1.0",  # JSON 1.0 is not Kinesis's: no longer read as 1.1
        "application/x-amz-json-1.1asdf",
        "application/json",
    ],
)
def test_an_empty_body_of_another_type_is_answered_in_cbor(send: Send, content_type: str) -> None:
    assert _answer(send(content_type=content_type, signed=True)) == (400, CBOR, UNKNOWN)


@pytest.mark.parametrize(
    "target",
    [
        "Whatever",
        "Kinesis_20131202.",
        "Kinesis_20131202.Whatever",
        "Whatever.Whatever",
        "Kinesis_20131202.ListStream",
    ],
)
def test_an_empty_body_with_an_unknown_target_is_an_unknown_operation(
    send: Send, target: str
) -> None:
    response = send(headers={"X-Amz-Target": target})
    assert _answer(response) == (400, CBOR, UNKNOWN)


def test_an_empty_body_naming_an_operation_is_a_serialization_exception(send: Send) -> None:
    # connection.js: "CBOR SerializationException if no Content-Type", and with
    # application/json; JSON only when the request was JSON 1.1. Until now the
    # mock read an empty body as {} and answered the call.
    assert _answer(send(target=LIST_STREAMS, signed=True)) == (400, CBOR, SERIALIZATION)
    legacy = send(target=LIST_STREAMS, content_type="application/json", signed=True)
    assert _answer(legacy) == (400, CBOR, SERIALIZATION)
    for signed in (True, False):
        json_11 = send(target=LIST_STREAMS, content_type=JSON, signed=signed)
        assert _answer(json_11) == (400, JSON, SERIALIZATION)


@pytest.mark.parametrize("signed", [False, True])
def test_json_without_a_target_is_an_unknown_operation_in_json(send: Send, signed: bool) -> None:
    assert _answer(send(content_type=JSON, signed=signed)) == (400, JSON, UNKNOWN)


# -- 1. screening before auth: bodies


def test_a_body_that_is_not_json_is_a_bare_serialization_exception(send: Send) -> None:
    response = send("hello", target=LIST_STREAMS, content_type=JSON)
    assert _answer(response) == (400, JSON, SERIALIZATION)
    assert response.content == b'{"__type":"SerializationException"}'
    for scalar in ("true", "null", "23"):
        assert _answer(send(scalar, target=LIST_STREAMS, content_type=JSON))[2] == SERIALIZATION


def test_a_cbor_body_that_is_not_cbor_is_a_serialization_exception_in_cbor(send: Send) -> None:
    response = send("\xff", target=LIST_STREAMS, content_type=CBOR, signed=True)
    assert _answer(response) == (400, CBOR, SERIALIZATION)


def test_a_json_body_with_an_unknown_target_is_an_unknown_operation(send: Send) -> None:
    response = send("{}", target="Nope", content_type=JSON, signed=True)
    assert _answer(response) == (400, JSON, UNKNOWN)


# (The recording also had leading spaces, which requests refuses to send.)
@pytest.mark.parametrize("content_type", ["application/json", "application/json     ;"])
def test_legacy_json_gets_the_coral_envelope_without_a_message(
    send: Send, content_type: str
) -> None:
    # connection.js ("Bring connection behaviour up to date with production",
    # 2019): 400 for a body that is not JSON, 404 for any JSON object.
    broken = send("hello", target=LIST_STREAMS, content_type=content_type)
    assert _answer(broken) == (
        400,
        "application/json",
        {"Output": {"__type": "com.amazon.coral.service#SerializationException"}, "Version": "1.0"},
    )
    valid = send("{}", target=LIST_STREAMS, content_type=content_type)
    assert _answer(valid) == (
        404,
        "application/json",
        {
            "Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
            "Version": "1.0",
        },
    )


def test_a_body_of_another_type_without_a_target_is_access_denied(send: Send) -> None:
    # connection.js: "AccessDeniedException if body and no Content-Type" (the
    # recording's client then sends a form type).
    form = "application/x-www-form-urlencoded; charset=utf-8"
    status, _, body = _answer(send("{}", content_type=form, signed=True))
    assert (status, body) == (403, ACCESS_DENIED)


def test_a_body_of_another_type_naming_an_operation_is_a_404_in_xml(send: Send) -> None:
    response = send(
        "{}", target=LIST_STREAMS, content_type="application/x-amz-json-1.0", signed=True
    )
    status, _, body = _answer(response)
    assert (status, body) == (404, "<UnknownOperationException/>\n")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_access_denied(send: Send, method: str) -> None:
    status, _, body = _answer(send(method=method, signed=True))
    assert (status, body) == (403, ACCESS_DENIED)


def test_unsigned_requests_of_other_kinds_miss_a_token_in_xml(send: Send) -> None:
    # The older recording (connection.js's request matrix) names the missing
    # signature first; the newer ones of these answers are all signed.
    missing = (
        "<MissingAuthenticationTokenException>\n"
        "  <Message>Missing Authentication Token</Message>\n"
        "</MissingAuthenticationTokenException>\n"
    )
    for response in (
        send(method="GET"),
        send("{}", target=LIST_STREAMS, content_type="text/plain"),
    ):
        status, _, body = _answer(response)
        assert (status, body) == (403, missing)


def test_xml_answers_carry_no_content_type() -> None:
    with server.start(port=0) as handle:
        response = signed_request("", None, url=handle.endpoint_url + "/", method="GET")
    assert response.status_code == 403
    assert "Content-Type" not in response.headers


# -- 1 and 3. then the signature: in the header, or in the query string


def _refused(response: requests.Response, code: str, message: str) -> None:
    assert _answer(response) == (400, JSON, {"__type": code, "message": message})


def _list_streams(send: Send, path: str = "/", **headers: str) -> requests.Response:
    return send("{}", target=LIST_STREAMS, content_type=JSON, path=path, headers=headers)


@pytest.mark.parametrize("content_type", [JSON, "application/x-amz-json-1.1   ;whatever"])
def test_a_valid_request_without_a_signature(send: Send, content_type: str) -> None:
    response = send("{}", target=LIST_STREAMS, content_type=content_type)
    _refused(response, "MissingAuthenticationTokenException", "Missing Authentication Token")


@pytest.mark.parametrize("path", ["/", "/?X-Amz-Algorith"])
def test_an_incomplete_authorization_header(send: Send, path: str) -> None:
    _refused(
        _list_streams(send, path, Authorization="X"),
        "IncompleteSignatureException",
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=X",
    )


@pytest.mark.parametrize(
    "header",
    [
        "AWS4- Signature=b Credential=a",
        "AWS4- Signature=b,Credential=a",
        "AWS4- Signature=b, Credential=a",
    ],
)
def test_authorization_parameters_are_split_at_commas_and_spaces(send: Send, header: str) -> None:
    _refused(
        _list_streams(send, Authorization=header, Date="a"),
        "IncompleteSignatureException",
        f"Authorization header requires 'SignedHeaders' parameter. Authorization={header}",
    )


def test_both_a_header_and_a_query_string_signature(send: Send) -> None:
    _refused(
        _list_streams(send, "/?X-Amz-Algorithm", Authorization="X"),
        "InvalidSignatureException",
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )


def test_a_presigned_request_names_every_missing_query_parameter(send: Send) -> None:
    _refused(
        _list_streams(send, "/?X-Amz-Algorithm"),
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Algorithm'. "
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "Re-examine the query-string parameters.",
    )
    _refused(
        _list_streams(
            send, "/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d"
        ),
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters.",
    )


def test_query_parameters_without_the_algorithm_are_no_signature(send: Send) -> None:
    _refused(
        _list_streams(
            send, "/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d"
        ),
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    )


def test_a_complete_presigned_request_is_answered(send: Send) -> None:
    query = (
        "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request"
        "&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
    )
    response = _list_streams(send, query)
    assert _answer(response)[:2] == (200, JSON)
    assert response.json()["StreamNames"] == []


# -- 2. x-amz-id-2 on every answer, in process too


def test_boto3_answers_carry_x_amz_id_2(kinesis: Any) -> None:
    headers = kinesis.list_streams()["ResponseMetadata"]["HTTPHeaders"]
    assert 64 <= len(base64.b64decode(headers["x-amz-id-2"])) <= 80
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as excinfo:
        kinesis.describe_stream(StreamName="missing")
    error_headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert 64 <= len(base64.b64decode(error_headers["x-amz-id-2"])) <= 80
    assert error_headers["x-amz-id-2"] != headers["x-amz-id-2"]


def test_a_json_body_is_read_after_the_signature_check(send: Send) -> None:
    # The body's members are converted after the signature is checked (the
    # recorded order): an unsigned call with a mistyped member is refused as
    # unsigned.
    response = send(json.dumps({"Limit": "x"}), target=LIST_STREAMS, content_type=JSON)
    assert _answer(response)[2]["__type"] == "MissingAuthenticationTokenException"


# -- 4. EncryptionType only for encrypted streams


def test_writes_and_reads_of_an_unencrypted_stream_carry_no_encryption_type(kinesis: Any) -> None:
    # kinesalite (2019) recorded EncryptionType NONE only in stream descriptions;
    # LocalStack's snapshots recorded from AWS show today's service leaving it
    # out of PutRecord and PutRecords answers (apigateway kinesis, 2024), of
    # GetRecords records (2022, 2024) and of SubscribeToShard events (2025).
    kinesis.create_stream(StreamName="plain", ShardCount=1)
    put = kinesis.put_record(StreamName="plain", Data=b"a", PartitionKey="k")
    batch = kinesis.put_records(StreamName="plain", Records=[{"Data": b"b", "PartitionKey": "k"}])
    assert "EncryptionType" not in put and "EncryptionType" not in batch
    iterator = kinesis.get_shard_iterator(
        StreamName="plain", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [sorted(record) for record in records] == [
        ["ApproximateArrivalTimestamp", "Data", "PartitionKey", "SequenceNumber"]
    ] * 2
    # The stream's own description still says NONE.
    summary = kinesis.describe_stream_summary(StreamName="plain")["StreamDescriptionSummary"]
    assert summary["EncryptionType"] == "NONE"


def test_writes_and_reads_of_an_encrypted_stream_name_kms(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="secret", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="secret", EncryptionType="KMS", KeyId="alias/k")
    put = kinesis.put_record(StreamName="secret", Data=b"a", PartitionKey="k")
    batch = kinesis.put_records(StreamName="secret", Records=[{"Data": b"b", "PartitionKey": "k"}])
    assert (put["EncryptionType"], batch["EncryptionType"]) == ("KMS", "KMS")
    iterator = kinesis.get_shard_iterator(
        StreamName="secret", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [record["EncryptionType"] for record in records] == ["KMS", "KMS"]


# -- 5. shard ids read as the service reads them, in every operation


def _refusal(call: Callable[..., Any], **params: Any) -> tuple[str, str, int]:
    """(code, message, status) of the error a boto3 call answers."""
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def _missing(message: str) -> tuple[str, str, int]:
    return ("ResourceNotFoundException", message, 400)


@pytest.fixture
def three_shards(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    return kinesis


def _open_shard_ids(client: Any) -> list[str]:
    shards = client.list_shards(StreamName="s")["Shards"]
    return [s["ShardId"] for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]


@pytest.mark.parametrize("short", ["shardId-1", "1", "x-1", "a-00000001"])
def test_merge_shards_reads_short_shard_ids(three_shards: Any, short: str) -> None:
    # kinesalite's mergeShards.js: "shardId-5", "2147483647", "<name>-2147483647",
    # "a-0000...", "-0000..." all name a shard by its number.
    three_shards.merge_shards(StreamName="s", ShardToMerge=short, AdjacentShardToMerge="shardId-2")
    assert _open_shard_ids(three_shards) == ["shardId-000000000000", "shardId-000000000003"]


@pytest.mark.parametrize("short", ["shardId-0", "0", "x-0", "-0"])
def test_split_shard_reads_short_shard_ids(three_shards: Any, short: str) -> None:
    three_shards.split_shard(StreamName="s", ShardToSplit=short, NewStartingHashKey="100")
    assert _open_shard_ids(three_shards) == [
        "shardId-000000000001",
        "shardId-000000000002",
        "shardId-000000000003",
        "shardId-000000000004",
    ]


def test_reshard_messages_name_the_canonical_shard_id(three_shards: Any) -> None:
    # mergeShards.js / splitShard.js: "known stream and raw shard ID does not exist".
    missing = _missing(
        f"Could not find shard shardId-000000000005 in stream s under account {ACCOUNT}."
    )
    split, merge = three_shards.split_shard, three_shards.merge_shards
    assert _refusal(split, StreamName="s", ShardToSplit="shardId-5", NewStartingHashKey="1") == (
        missing
    )
    assert _refusal(merge, StreamName="s", ShardToMerge="5", AdjacentShardToMerge="x-1") == missing
    assert _refusal(merge, StreamName="s", ShardToMerge="x-0", AdjacentShardToMerge="2")[1] == (
        "Shards shardId-000000000000 and shardId-000000000002 in stream s under account "
        f"{ACCOUNT} are not an adjacent pair of shards eligible for merging"
    )


@pytest.mark.parametrize("bad", ["2147483648", "shardId-002147483648", "ABKLFD8", "2.14E4"])
def test_an_unreadable_shard_id_is_refused_before_an_unknown_stream(kinesis: Any, bad: str) -> None:
    expected = _missing(f"Could not find shard {bad} in stream ghost under account {ACCOUNT}.")
    split, merge = kinesis.split_shard, kinesis.merge_shards
    stream = {"StreamName": "ghost"}
    assert _refusal(split, **stream, ShardToSplit=bad, NewStartingHashKey="1") == expected
    assert _refusal(merge, **stream, ShardToMerge=bad, AdjacentShardToMerge="x-0") == expected
    assert _refusal(merge, **stream, ShardToMerge="x-0", AdjacentShardToMerge=bad) == expected
    iterator = kinesis.get_shard_iterator
    assert _refusal(iterator, **stream, ShardId=bad, ShardIteratorType="LATEST") == expected


def test_a_readable_shard_id_of_an_unknown_stream_is_a_missing_stream(kinesis: Any) -> None:
    refusal = _refusal(
        kinesis.merge_shards,
        StreamName="ghost",
        ShardToMerge="2147483647",
        AdjacentShardToMerge="a-0",
    )
    assert refusal == _missing(f"Stream ghost under account {ACCOUNT} not found.")


# -- 11. no resharding of an on-demand stream


def test_on_demand_streams_refuse_resharding(kinesis: Any) -> None:
    # The message moto also answers; no kinesalite recording (on-demand came in 2021).
    kinesis.create_stream(StreamName="auto", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    refusal = (
        "ValidationException",
        f"Request is invalid. Stream auto under account {ACCOUNT} is in On-Demand mode.",
        400,
    )
    stream = {"StreamName": "auto"}
    scale = {"TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}
    assert _refusal(kinesis.update_shard_count, **stream, **scale) == refusal
    split = {"ShardToSplit": "shardId-0", "NewStartingHashKey": "1"}
    assert _refusal(kinesis.split_shard, **stream, **split) == refusal
    merge = {"ShardToMerge": "0", "AdjacentShardToMerge": "1"}
    assert _refusal(kinesis.merge_shards, **stream, **merge) == refusal
    summary = kinesis.describe_stream_summary(StreamName="auto")["StreamDescriptionSummary"]
    assert (summary["StreamStatus"], summary["OpenShardCount"]) == ("ACTIVE", 4)


# -- 6. characters tags may hold

INVALID_CHARACTERS = (
    "Some tags contain invalid characters. Valid characters: "
    "Unicode letters, digits, white space, _ . / = + - % @."
)
ALLOWED = "Unicode letters, white-spaces, '_',',','/','=','+','-','@'."


@pytest.mark.parametrize("text", ["abc\tdef", "abc\ndef", "abc:def", "abc;def", "abc,def"])
def test_tags_refuse_tab_newline_colon_and_punctuation(kinesis: Any, text: str) -> None:
    # kinesalite's addTagsToStream.js and removeTagsFromStream.js recorded
    # tab, newline, ";" and ",", in keys and in values; ":" is not among the
    # characters the message (and today's API reference) lists.
    kinesis.create_stream(StreamName="s", ShardCount=1, Tags={"kept": "v"})
    refused = ("InvalidArgumentException", INVALID_CHARACTERS, 400)
    add = kinesis.add_tags_to_stream
    assert _refusal(add, StreamName="s", Tags={text: "1"}) == refused
    assert _refusal(add, StreamName="s", Tags={"a": text}) == refused
    remove = kinesis.remove_tags_from_stream
    assert _refusal(remove, StreamName="s", TagKeys=["kept", text]) == refused
    assert kinesis.list_tags_for_stream(StreamName="s")["Tags"] == [{"Key": "kept", "Value": "v"}]


def test_a_percent_sign_is_refused_with_its_own_message(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    added = (
        "InvalidArgumentException",
        f"Failed to add tags to stream s under account {ACCOUNT} because some tags "
        f"contained illegal characters. The allowed characters are {ALLOWED}",
        400,
    )
    add = kinesis.add_tags_to_stream
    assert _refusal(add, StreamName="s", Tags={"abc%def": "1"}) == added
    assert _refusal(add, StreamName="s", Tags={"a": "abc%def"}) == added
    arn = kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    assert _refusal(kinesis.tag_resource, ResourceARN=arn, Tags={"a": "5%"}) == added
    removed = (
        "InvalidArgumentException",
        f"Failed to remove tags from stream s under account {ACCOUNT} because some tags "
        f"contained illegal characters. The allowed characters are {ALLOWED}",
        400,
    )
    remove = kinesis.remove_tags_from_stream
    assert _refusal(remove, StreamName="s", TagKeys=["abc%def"]) == removed
    assert _refusal(kinesis.untag_resource, ResourceARN=arn, TagKeys=["%"]) == removed


def test_tags_take_letters_digits_spaces_and_the_listed_symbols(kinesis: Any) -> None:
    tags = {"Ünïcödé 名前": "a b_c.d/e=f+g-h@i", "x\u00a0y": ""}
    kinesis.create_stream(StreamName="s", ShardCount=1, Tags=tags)
    listed = kinesis.list_tags_for_stream(StreamName="s")["Tags"]
    assert {tag["Key"]: tag["Value"] for tag in listed} == tags
    kinesis.remove_tags_from_stream(StreamName="s", TagKeys=list(tags))
    assert kinesis.list_tags_for_stream(StreamName="s")["Tags"] == []


# -- 7. sequence numbers a client sends, read as the service reads them


def _from_hex(digits: str) -> str:
    return str(int(digits, 16))


def _starting_at(client: Any, number: str) -> tuple[str, str, int]:
    return _refusal(
        client.get_shard_iterator,
        StreamName="s",
        ShardId="shardId-000000000000",
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=number,
    )


def _invalid(message: str) -> tuple[str, str, int]:
    return ("InvalidArgumentException", message, 400)


@pytest.mark.parametrize(
    ("number", "encodes"),
    [
        # getShardIterator.js: "shard mismatches simple sequence" (version 0:
        # a small number reads as if 2^124 were added).
        ("5", "shardId-000000000005"),
        ("12345", "shardId-000000012345"),
        # "8 near end of StartingSequenceNumber": a negative shard index.
        (_from_hex("20000000000000000000000000000000000000800000002"), "shardId--02147483648"),
        # Version 1 keeps its shard index in the same place.
        (_from_hex("2" + "0" * 37 + "00000003" + "1"), "shardId-000000000003"),
    ],
)
def test_a_sequence_number_of_another_shard(kinesis: Any, number: str, encodes: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    assert _starting_at(kinesis, number) == _invalid(
        f"Invalid StartingSequenceNumber. It encodes {encodes}, while it was used in a call "
        "to a shard with shardId-000000000000"
    )


@pytest.mark.parametrize(
    "number",
    [
        # getShardIterator.js: "sequence number with large date" (version 0).
        _from_hex("13bb2cc3d80000000000000000000000"),
        # "8 in index in StartingSequenceNumber" (version 2).
        _from_hex("20000000000800000000000000000000000000000000002"),
        # Version 3 does not exist.
        _from_hex("2" + "0" * 45 + "3"),
    ],
)
def test_a_sequence_number_the_service_cannot_read(kinesis: Any, number: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    assert _starting_at(kinesis, number) == _invalid(
        f"StartingSequenceNumber {number} used in GetShardIterator on shard "
        f"shardId-000000000000 in stream s under account {ACCOUNT} is invalid."
    )


@pytest.mark.parametrize("number", ["0", _from_hex("2" + "0" * 45 + "1")])
def test_an_old_version_of_this_shard_did_not_come_from_this_stream(
    kinesis: Any, number: str
) -> None:
    # Versions 0 and 1 name no record the mock wrote. For version 0 the
    # recording ("small (old?) sequence number") has a 500 InternalFailure;
    # the mock answers the version-1 refusal instead, on purpose: botocore
    # retries a 500 with back-off, and the mock keeps 500s for its own bugs.
    kinesis.create_stream(StreamName="s", ShardCount=1)
    assert _starting_at(kinesis, number) == _invalid(
        f"StartingSequenceNumber {number} used in GetShardIterator on shard "
        f"shardId-000000000000 in stream s under account {ACCOUNT} is invalid because it did "
        "not come from this stream."
    )


@pytest.mark.parametrize(
    "number",
    [
        "0",
        # putRecord.js: "should work with SequenceNumberForOrdering all 0 with version 1".
        _from_hex("2" + "0" * 45 + "1"),
        # ... "if 8 near end" (a negative shard index).
        _from_hex("20000000000000000000000000000000000000800000002"),
    ],
)
def test_old_versions_order_a_put(kinesis: Any, number: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    put = kinesis.put_record(
        StreamName="s", Data=b"d", PartitionKey="k", SequenceNumberForOrdering=number
    )
    assert put["ShardId"] == "shardId-000000000000"


# -- 8. shard iterators shaped like the service's


def _raw_iterator(client: Any, stream_name: str) -> bytes:
    client.create_stream(StreamName=stream_name, ShardCount=1)
    iterator = client.get_shard_iterator(
        StreamName=stream_name, ShardId="shard-0", ShardIteratorType="LATEST"
    )["ShardIterator"]
    raw = base64.b64decode(iterator, validate=True)
    assert base64.b64encode(raw).decode() == iterator  # canonical base64
    return raw


@pytest.mark.parametrize(
    ("name_length", "size"), [(1, 152), (13, 152), (14, 168), (29, 168), (30, 184), (128, 280)]
)
def test_iterators_are_the_services_binary_form(kinesis: Any, name_length: int, size: int) -> None:
    # getShardIterator.js / helpers.js: base64 of 00000000 00000001 and then
    # 152 bytes or more, in steps of 16 as the stream name grows (29 and 30
    # characters are the recorded boundary); getRecords.js refuses others.
    raw = _raw_iterator(kinesis, "n" * name_length)
    assert raw[:8] == bytes.fromhex("0000000000000001")
    assert len(raw) == size


def test_iterators_hide_the_position(kinesis: Any) -> None:
    raw = _raw_iterator(kinesis, "visible-name")
    assert b"visible-name" not in raw and b"shardId" not in raw


def test_changed_iterators_of_the_recorded_form_are_invalid(kinesis: Any) -> None:
    raw = bytearray(_raw_iterator(kinesis, "s"))
    for position in (7, 8, 30, len(raw) - 1):
        changed = raw.copy()
        changed[position] ^= 1
        refusal = _refusal(kinesis.get_records, ShardIterator=base64.b64encode(changed).decode())
        assert refusal == _invalid("Invalid ShardIterator.")
    shortened = base64.b64encode(raw[:-16]).decode()
    assert _refusal(kinesis.get_records, ShardIterator=shortened) == _invalid(
        "Invalid ShardIterator."
    )


# -- 12. MillisBehindLatest is 0 only at the tip


def test_millis_behind_latest_under_a_frozen_clock(kinesis_mock: Any) -> None:
    # "A value of zero indicates that record processing is caught up" (the
    # API reference): with records still to read it is not 0, even when the
    # clock has not moved since they arrived.
    client = boto3.client("kinesis", region_name="us-east-1")
    with freeze_time("2026-03-01 12:00:00"):
        client.create_stream(StreamName="s", ShardCount=1)
        client.put_records(
            StreamName="s", Records=[{"Data": b"d", "PartitionKey": "k"} for _ in range(3)]
        )
        iterator = client.get_shard_iterator(
            StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        first = client.get_records(ShardIterator=iterator, Limit=2)
        assert first["MillisBehindLatest"] == 1
        rest = client.get_records(ShardIterator=first["NextShardIterator"], Limit=2)
        assert (len(rest["Records"]), rest["MillisBehindLatest"]) == (1, 0)


# -- 13. RegisterStreamConsumer answers CREATING


def test_register_stream_consumer_answers_creating(kinesis: Any) -> None:
    # The AWS CLI's example (awscli/examples/kinesis/register-stream-consumer.rst)
    # and the developer guide's enhanced fan-out page show "ConsumerStatus":
    # "CREATING". With no creation delay (the default) the consumer is ACTIVE
    # by the next call.
    kinesis.create_stream(StreamName="s", ShardCount=1)
    arn = kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"]
    assert consumer["ConsumerStatus"] == "CREATING"
    described = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    assert described["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE"
