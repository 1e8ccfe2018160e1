"""Validation, serialization and error rendering, as the service answers them.

Violations are worded as today's service words them, "Value at '<path>'"
without the value (it printed the value until about 2020; see the notes in
kinesis_mock/protocol/validation.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, service_model, signed_request


def test_validation_error_for_a_pattern(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.create_stream(StreamName="a b", ShardCount=1)
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value at 'streamName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        400,
    )


def test_several_violations_in_one_message(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.create_stream(StreamName="", ShardCount=0)
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: "
        "Value at 'shardCount' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_length_and_range_maximums(raw_kinesis: Any) -> None:
    name = "a" * 129
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.describe_stream(StreamName=name, Limit=100000, ExclusiveStartShardId=name)
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: "
        "Value at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000; "
        "Value at 'exclusiveStartShardId' failed to satisfy constraint: "
        "Member must have length less than or equal to 128; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_list_streams_validation(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.list_streams(ExclusiveStartStreamName="", Limit=0)
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: "
        "Value at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value at 'exclusiveStartStreamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'exclusiveStartStreamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_missing_required_member(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.create_stream(ShardCount=1)
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value null at 'streamName' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_enum_violation_in_a_nested_structure(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.create_stream(StreamName="s", StreamModeDetails={"StreamMode": "FAST"})
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'streamModeDetails.streamMode' failed "
        "to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"
    )


def test_map_key_constraints_are_reported_at_the_map(raw_kinesis: Any) -> None:
    key = "k" * 129
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.create_stream(StreamName="s", ShardCount=1, Tags={key: "v"})
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value at 'tags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than "
        "or equal to 128, Member must have length greater than or equal to 1]"
    )


def test_a_rejected_request_stores_nothing(raw_kinesis: Any) -> None:
    with pytest.raises(ClientError):
        raw_kinesis.create_stream(StreamName="ok", ShardCount=0)
    assert raw_kinesis.list_streams()["StreamNames"] == []


def test_every_violation_is_counted(kinesis_mock: Any) -> None:
    body = {
        "StreamName": "",
        "ShardCount": 0,
        "MaxRecordSizeInKiB": 1,
        "WarmThroughputMiBps": -1,
        "Tags": {},
        "StreamModeDetails": {"StreamMode": "X"},
    }
    # Seven violations (StreamName breaks its length and its pattern), less
    # one for each member the installed model lacks (botocore 1.40 has no
    # WarmThroughputMiBps, and a member outside the model is ignored).
    members = service_model("kinesis").shape_for("CreateStreamInput").members
    violations = 7 - sum(name not in members for name in body)
    response = signed_request(json.dumps(body), "CreateStream")
    message = response.json()["message"]
    assert message.startswith(f"{violations} validation errors detected: ")
    assert message.count("failed to satisfy constraint") == violations


def test_wrong_json_type_is_a_serialization_exception(kinesis_mock: Any) -> None:
    response = signed_request(json.dumps({"StreamName": True, "ShardCount": 1}), "CreateStream")
    assert response.status_code == 400
    assert response.json() == {
        "__type": "SerializationException",
        "Message": "class java.lang.Boolean can not be converted to an String",
    }
    response = signed_request(json.dumps({"StreamName": "s", "ShardCount": "1"}), "CreateStream")
    assert response.json()["Message"] == (
        "class java.lang.String can not be converted to an Integer"
    )
    response = signed_request(json.dumps({"StreamName": ["s"]}), "CreateStream")
    assert response.json()["Message"] == "Start of list found where not expected"
    response = signed_request(json.dumps({"StreamName": "s", "Tags": "x"}), "CreateStream")
    assert response.json()["Message"] == "Expected map or null"
    assert kinesis_mock.streams() == {}


def test_unknown_target_is_an_unknown_operation(kinesis_mock: Any) -> None:
    response = signed_request("{}", "LaunchRockets")
    assert response.status_code == 400
    assert response.json() == {"__type": "UnknownOperationException"}
    response = signed_request("{}", None)
    assert response.json() == {"__type": "UnknownOperationException"}


def test_malformed_json_is_a_serialization_exception(kinesis_mock: Any) -> None:
    response = signed_request("hello", "ListStreams")
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"


def test_error_headers_and_body(kinesis_mock: Any) -> None:
    response = signed_request(json.dumps({"StreamName": "missing"}), "DescribeStream")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert len(response.headers["x-amzn-RequestId"]) == 36
    assert response.json() == {
        "__type": "ResourceNotFoundException",
        "message": "Stream missing under account 123456789012 not found.",
    }


def test_modeled_exceptions_can_be_caught_by_class(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as excinfo:
        kinesis.delete_stream(StreamName="missing")
    assert excinfo.value.response["ResponseMetadata"]["RequestId"]


def test_unimplemented_operation_names_itself(
    kinesis_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every modelled operation has a handler today; one that a botocore
    # upgrade adds before we do answers 501 naming itself, in process.
    import boto3

    from kinesis_mock.services.kinesisvideo.service import KINESIS_VIDEO_WEBRTC_STORAGE

    monkeypatch.delitem(KINESIS_VIDEO_WEBRTC_STORAGE.handlers, "JoinStorageSession")
    storage = boto3.client("kinesis-video-webrtc-storage", region_name="us-east-1")
    with pytest.raises(ClientError) as excinfo:
        storage.join_storage_session(channelArn="arn:aws:kinesisvideo:us-east-1:1:channel/c/1")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("NotImplemented", 501)
    assert "JoinStorageSession" in message and "kinesis-video-webrtc-storage" in message


def test_rest_json_operations_are_routed_by_method_and_uri(kinesis_mock: Any) -> None:
    # Kinesis Video speaks rest-json: the operation is found from the URI, so
    # the same empty body means different things at different paths.
    def post(path: str) -> Any:
        return signed_request(
            "{}",
            None,
            url=f"https://kinesisvideo.us-east-1.amazonaws.com/{path}",
            content_type="application/json",
            service="kinesisvideo",
        )

    listed = post("listSignalingChannels")
    assert (listed.status_code, listed.json()) == (200, {"ChannelInfoList": []})
    described = post("describeSignalingChannel")
    assert described.status_code == 400
    assert described.headers["x-amzn-ErrorType"].startswith("InvalidArgumentException")
    assert "ChannelName or ChannelARN" in described.json()["Message"]


def test_rest_json_inputs_all_travel_in_the_body() -> None:
    """The rest-json codec reads inputs from the JSON body only; a model
    that puts a member in the URI, query string, headers or a raw payload
    would need that reading written (and tested) first."""
    import botocore.session

    from kinesis_mock.services.catalog import SERVICES

    session = botocore.session.get_session()
    for name in SERVICES:
        model = session.get_service_model(name)
        if model.metadata["protocol"] != "rest-json":
            continue
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            assert shape is not None, f"{name}.{operation} has no input"
            assert "payload" not in shape.serialization, f"{name}.{operation}"
            located = [
                member
                for member, member_shape in shape.members.items()
                if member_shape.serialization.get("location")
            ]
            assert located == [], f"{name}.{operation}: {located}"
