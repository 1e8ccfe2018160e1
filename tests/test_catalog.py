"""The catalog finds every served service from what its model says: the name
its requests are signed for, its endpoint prefix, its X-Amz-Target prefix,
its service id and its operations' URIs. Nothing else names a service."""

from __future__ import annotations

import re

import pytest

from kinesis_mock.protocol.model import service_spec
from kinesis_mock.services.catalog import (
    SERVICES,
    service_for_event_id,
    service_for_path,
    service_for_signing_name,
    signing_name_for_endpoint_prefix,
    signing_name_for_target,
    signing_name_of,
)
from kinesis_mock.services.kinesis import KINESIS
from kinesis_mock.services.kinesisvideo import KINESIS_VIDEO
from kinesis_mock.transport.recognise import signing_name_for_host


def _paths(name: str) -> list[str]:
    """A path of each of the service's operations (its URI, labels filled in)."""
    spec = service_spec(name)
    uris = (spec.operation(op).http.get("requestUri", "/") for op in spec.operation_names)
    return [re.sub(r"\{[^}]+\}", "x", uri.partition("?")[0]) for uri in uris]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_the_signing_name_lookup_covers_every_served_model(name: str) -> None:
    service = SERVICES[name]
    model = service_spec(name).model
    assert signing_name_of(service) == model.signing_name
    for path in _paths(name):
        assert service_for_signing_name(model.signing_name, path) is service, path
    assert signing_name_for_endpoint_prefix(model.endpoint_prefix) == model.signing_name
    host = f"{model.endpoint_prefix}.eu-west-1.amazonaws.com"
    assert signing_name_for_host(host) == model.signing_name
    assert service_for_event_id(model.service_id.hyphenize()) is service


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_target_prefix_names_its_service(name: str) -> None:
    model = service_spec(name).model
    prefix = model.metadata.get("targetPrefix")
    if prefix is None:
        pytest.skip(f"{name} is not addressed by X-Amz-Target")
    operation = model.operation_names[0]
    assert signing_name_for_target(f"{prefix}.{operation}") == model.signing_name


def test_the_servers_fast_path_takes_the_calls_answered_in_one_response() -> None:
    # Every Kinesis call but SubscribeToShard (an event stream, left to hypercorn).
    from kinesis_mock.services.catalog import answers_in_one_response

    spec = service_spec("kinesis")
    taken = {
        name for name in spec.operation_names if answers_in_one_response(f"Kinesis_20131202.{name}")
    }
    assert taken == set(spec.operation_names) - {"SubscribeToShard"}
    assert not answers_in_one_response("Kinesis_20131202.NoSuchCall")
    assert not answers_in_one_response("Other_1.ListShards")


def test_signals_naming_no_service_of_ours() -> None:
    assert service_for_signing_name("sqs", "/") is None
    assert service_for_signing_name(None, "/") is None
    assert signing_name_for_endpoint_prefix("sqs") is None
    assert signing_name_for_endpoint_prefix(None) is None
    assert signing_name_for_target("AmazonSQS.SendMessage") is None
    assert signing_name_for_target("Kinesis_20131202") is None  # no operation
    assert signing_name_for_host("sqs.us-east-1.amazonaws.com") is None


def test_a_path_that_is_no_operation_of_a_shared_signing_name_goes_to_the_first_listed() -> None:
    # Every Kinesis Video client signs as "kinesisvideo": the control plane
    # answers an unknown path (with its unknown-operation error).
    assert service_for_signing_name("kinesisvideo", "/noSuchOperation") is KINESIS_VIDEO


def test_paths_find_their_service_across_the_catalog() -> None:
    assert service_for_path("/") is KINESIS
    assert service_for_path("") is KINESIS
    assert service_for_path("/getMedia") is SERVICES["kinesis-video-media"]
    assert service_for_path("/noSuchOperation") is None
