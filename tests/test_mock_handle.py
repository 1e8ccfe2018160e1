"""The handle as a newcomer meets it: ``help(km)`` explains every public
method and property, and a name it cannot find is an error that says where
it looked and what it found there."""

from __future__ import annotations

import inspect
import pydoc
from typing import Any

import boto3
import pytest

import kinesis_mock
from kinesis_mock import KinesisMock, mock_kinesis
from kinesis_mock.server import ServerHandle


def _public(cls: type) -> dict[str, Any]:
    """The public methods and properties ``cls`` defines."""
    kinds = (property, staticmethod, classmethod)
    return {
        name: member
        for name, member in vars(cls).items()
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, kinds))
    }


@pytest.mark.parametrize("cls", [KinesisMock, ServerHandle])
def test_every_public_method_and_property_has_a_docstring(cls: type) -> None:
    members = _public(cls)
    assert len(members) > 5  # the filter found them
    undocumented = sorted(name for name, member in members.items() if not inspect.getdoc(member))
    assert undocumented == [], f"{cls.__name__}: no docstring for {undocumented}"
    # help() shows them: each one's first line is in the rendered page.
    page = pydoc.plain(pydoc.render_doc(cls))
    for name, member in members.items():
        first = (inspect.getdoc(member) or "").splitlines()[0]
        assert first in page, f"help({cls.__name__}) does not show {name}'s docstring"


def test_help_on_a_handle_explains_the_class_and_its_options() -> None:
    with mock_kinesis() as km:
        page = pydoc.plain(pydoc.render_doc(km))
    assert "What the handle offers" in page
    assert "The options of ``mock_kinesis()``" in page  # __init__, not object's
    assert "Decorate ``target``" in page  # __call__
    assert "An active (or activatable) mock" in pydoc.plain(
        pydoc.render_doc(kinesis_mock.KinesisMock)
    )


def _missing(call: Any) -> str:
    with pytest.raises(KeyError) as excinfo:
        call()
    message: str = excinfo.value.args[0]
    return message


def test_a_missing_stream_names_the_account_region_and_streams_there() -> None:
    with mock_kinesis() as km:
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        assert _missing(lambda: km.records("s")) == (
            "no stream 's' in account 123456789012, region us-east-1 (no streams there)"
        )
        for name in ("b", "a"):
            kinesis.create_stream(StreamName=name, ShardCount=1)
        assert _missing(lambda: km.records("s")) == (
            "no stream 's' in account 123456789012, region us-east-1 (streams there: a, b)"
        )
        assert _missing(lambda: km.enforce_throughput("s", region="eu-west-1")) == (
            "no stream 's' in account 123456789012, region eu-west-1 (no streams there)"
        )
        # Short, however many there are.
        for n in range(8):
            kinesis.create_stream(StreamName=f"more-{n}", ShardCount=1)
        message = _missing(lambda: km.records("s", account_id="111122223333"))
        assert message.startswith("no stream 's' in account 111122223333, region us-east-1")
        message = _missing(lambda: km.records("s"))
        assert message.endswith("(streams there: a, b, more-0, more-1, more-2 and 5 more)")


def test_missing_video_streams_and_channels_are_named_with_what_is_there() -> None:
    with mock_kinesis() as km:
        video = boto3.client("kinesisvideo", region_name="eu-west-1")
        video.create_stream(StreamName="cam")
        video.create_signaling_channel(ChannelName="door")
        assert _missing(lambda: km.put_media("cma", b"x", region="eu-west-1")) == (
            "no video stream 'cma' in account 123456789012, region eu-west-1 "
            "(video streams there: cam)"
        )
        assert _missing(lambda: km.connect_master("dor", "answer", region="eu-west-1")) == (
            "no signaling channel 'dor' in account 123456789012, region eu-west-1 "
            "(signaling channels there: door)"
        )


def test_a_servers_handle_says_where_it_looked(kinesis_server: Any) -> None:
    state = kinesis_server.state
    assert _missing(lambda: state.records("s", region="ap-south-1")) == (
        "no stream 's' in account 123456789012, region ap-south-1 (no streams there)"
    )
