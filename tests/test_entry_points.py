"""The ways a test turns the mock on: decorator, async, class, context, fixture."""

from __future__ import annotations

import asyncio
import os
import unittest
from typing import Any

import boto3
import pytest
from helpers import REGION

from kinesis_mock import KinesisMock, mock_kinesis


def _names() -> list[str]:
    names: list[str] = boto3.client("kinesis", region_name=REGION).list_streams()["StreamNames"]
    return names


def _create(name: str) -> None:
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName=name, ShardCount=1)


def test_bare_decorator() -> None:
    @mock_kinesis
    def body(x: int) -> list[str]:
        _create(f"s{x}")
        return _names()

    assert body(1) == ["s1"]
    # Each call starts from nothing.
    assert body(2) == ["s2"]
    assert body.__name__ == "body"


def test_decorator_with_options() -> None:
    @mock_kinesis(account_id="222233334444")
    def body() -> str:
        _create("s")
        client = boto3.client("kinesis", region_name=REGION)
        return str(
            client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
        )

    assert ":222233334444:" in body()


def test_async_function() -> None:
    @mock_kinesis
    async def body() -> list[str]:
        await asyncio.sleep(0)
        _create("async-stream")
        return _names()

    assert asyncio.run(body()) == ["async-stream"]


def test_context_manager_returns_a_handle() -> None:
    with mock_kinesis() as km:
        assert isinstance(km, KinesisMock)
        _create("ctx")
        assert list(km.streams()) == ["ctx"]
        info = km.streams()["ctx"]
        assert info.status == "ACTIVE"
        assert info.shard_ids == ("shardId-000000000000",)


def test_state_resets_when_the_mock_ends() -> None:
    with mock_kinesis():
        _create("first")
    with mock_kinesis():
        assert _names() == []


def test_nested_mocks_share_state_until_the_outermost_ends() -> None:
    with mock_kinesis() as outer:
        _create("outer")
        with mock_kinesis() as inner:
            assert _names() == ["outer"]
            _create("inner")
        # Leaving the inner mock kept everything.
        assert _names() == ["inner", "outer"]
        assert set(inner.streams()) == set(outer.streams()) == {"inner", "outer"}
    with mock_kinesis():
        assert _names() == []


def test_inner_mock_options_apply_while_it_is_active() -> None:
    with mock_kinesis() as outer:
        with mock_kinesis(shard_limit=1):
            assert outer.settings.shard_limit == 1
        assert outer.settings.shard_limit is None


def test_reentering_the_same_mock() -> None:
    mock = mock_kinesis()
    with mock:
        _create("a")
        with mock:
            assert _names() == ["a"]
        assert _names() == ["a"]
    with mock:
        assert _names() == []


def test_handle_reset_forgets_streams(kinesis_mock: KinesisMock) -> None:
    _create("a")
    kinesis_mock.reset()
    assert _names() == []


def test_pytest_fixture_gives_the_handle(kinesis_mock: KinesisMock) -> None:
    _create("from-fixture")
    assert list(kinesis_mock.streams()) == ["from-fixture"]


def test_fixture_state_from_another_test_is_gone(kinesis_mock: KinesisMock) -> None:
    assert _names() == []


def test_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="stream_create_dleay"):
        mock_kinesis(stream_create_dleay=1)


@mock_kinesis
class TestUnittestClass(unittest.TestCase):
    def setUp(self) -> None:
        _create("from-setup")

    def test_sees_what_setup_created(self) -> None:
        self.assertEqual(_names(), ["from-setup"])
        _create("from-test")

    def test_starts_from_setup_only(self) -> None:
        # The stream created by the other test is gone.
        self.assertEqual(_names(), ["from-setup"])

    def tearDown(self) -> None:
        # tearDown still runs under the mock.
        self.assertIn("from-setup", _names())


@mock_kinesis
class TestPlainClass:
    def test_each_method_is_mocked(self) -> None:
        _create("plain")
        assert _names() == ["plain"]

    def test_and_isolated(self) -> None:
        assert _names() == []


def test_mock_is_off_after_the_class_tests() -> None:
    from kinesis_mock.transport.botocore_hook import SWITCH

    assert not SWITCH.active


class TestCredentials:
    def test_fake_credentials_when_none_are_set(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=REGION)
            client.create_stream(StreamName="s", ShardCount=1)
            credentials = client._request_signer._credentials
            assert credentials.access_key == "KINESISMOCKACCESSKEY"
        assert "AWS_ACCESS_KEY_ID" not in os.environ

    def test_real_credentials_are_not_used_and_are_restored(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
    ) -> None:
        credentials_file = tmp_path / "credentials"
        credentials_file.write_text(
            "[default]\naws_access_key_id = AKIAREALREALREAL\naws_secret_access_key = real\n"
            "[work]\naws_access_key_id = AKIAWORKWORKWORK\naws_secret_access_key = work\n"
        )
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVENVENVENV")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
        monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
        monkeypatch.setenv("AWS_PROFILE", "work")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=REGION)
            credentials = client._request_signer._credentials
            assert credentials.access_key == "KINESISMOCKACCESSKEY"
            assert credentials.token is None
            assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAENVENVENVENV"
        assert os.environ["AWS_SESSION_TOKEN"] == "env-token"
        assert os.environ["AWS_PROFILE"] == "work"
        assert os.environ["AWS_SHARED_CREDENTIALS_FILE"] == str(credentials_file)

    def test_default_session_cached_credentials_are_not_used(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALCACHEDKEY0")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real")
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        before = boto3.DEFAULT_SESSION.get_credentials().access_key
        assert before == "AKIAREALCACHEDKEY0"
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=REGION)
            assert client._request_signer._credentials.access_key == "KINESISMOCKACCESSKEY"
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "AKIAREALCACHEDKEY0"

    def test_a_twelve_digit_key_in_the_environment_is_kept(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "999988887777")
        with mock_kinesis() as km:
            _create("mine")
            assert list(km.streams(account_id="999988887777")) == ["mine"]

    def test_region_defaults_when_none_is_configured(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
        monkeypatch.delenv("AWS_REGION", raising=False)
        with mock_kinesis() as km:
            boto3.client("kinesis").create_stream(StreamName="s", ShardCount=1)
            assert list(km.streams(region="us-east-1")) == ["s"]
        assert "AWS_DEFAULT_REGION" not in os.environ


def test_every_public_name_resolves() -> None:
    """The package's names load on first use; each one the package lists is there."""
    import kinesis_mock

    for name in kinesis_mock.__all__:
        assert getattr(kinesis_mock, name) is not None, name
    assert kinesis_mock.mock_kinesisvideo is kinesis_mock.mock_kinesis
    assert set(kinesis_mock.__all__) <= set(dir(kinesis_mock))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kinesis_mock.nope  # noqa: B018
