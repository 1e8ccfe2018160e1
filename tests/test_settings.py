"""The options of ``mock_kinesis()`` and ``km.settings``: a mistyped name
fails where it was written, and the definitions stay in step with the
signature they document."""

from __future__ import annotations

import copy
import inspect
import pickle
from dataclasses import fields, replace

import pytest

from kinesis_mock import KinesisMock, Settings, mock_kinesis
from kinesis_mock.settings import MOCK_SWITCHES


def test_a_mistyped_option_on_km_settings_raises_naming_the_close_one() -> None:
    with mock_kinesis() as km:
        with pytest.raises(AttributeError) as excinfo:
            km.settings.stream_create_dealy = 5
        assert str(excinfo.value) == (
            "Settings has no option 'stream_create_dealy' (did you mean 'stream_create_delay'?)"
        )
        assert not hasattr(km.settings, "stream_create_dealy")  # nothing stored
        assert km.settings.stream_create_delay == 0


def test_a_name_close_to_none_lists_the_options() -> None:
    with pytest.raises(AttributeError, match=r"no option 'colour' \(options: account_id, "):
        Settings().colour = "blue"


def test_known_options_are_still_checked_and_set() -> None:
    settings = Settings()
    settings.stream_create_delay = 5
    with pytest.raises(TypeError, match="stream_create_delay must be a number"):
        settings.stream_create_delay = "5"  # type: ignore[assignment]
    assert settings.stream_create_delay == 5


def test_settings_pickle_copy_and_replace() -> None:
    settings = Settings(stream_create_delay=3, shard_limit=7, account_id="111122223333")
    for twin in (
        pickle.loads(pickle.dumps(settings)),
        copy.copy(settings),
        copy.deepcopy(settings),
    ):
        assert twin == settings
        twin.stream_delete_delay = 2  # still checked, still settable
        with pytest.raises(AttributeError, match="did you mean 'shard_limit'"):
            twin.shard_limt = 1
    assert replace(settings, throughput=True).throughput is True
    with pytest.raises(ValueError, match="zero or more"):
        replace(settings, shard_limit=-1)


def test_a_mistyped_mock_kinesis_option_names_the_close_one() -> None:
    with pytest.raises(TypeError, match=r"'intercept_request' \(did you mean 'intercept_requests'"):
        mock_kinesis(intercept_request=False)
    with pytest.raises(TypeError, match=r"'shardlimit' \(did you mean 'shard_limit'\?\)"):
        mock_kinesis(shardlimit=3)


def test_the_switches_are_kinesis_mocks_parameters() -> None:
    # The table of options in the README is made from MOCK_SWITCHES and the
    # Settings fields: together, exactly what KinesisMock takes.
    parameters = inspect.signature(KinesisMock).parameters
    switches = {switch.name: switch.default for switch in MOCK_SWITCHES}
    named = {
        name: parameter.default
        for name, parameter in parameters.items()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    }
    assert named == switches
    assert not set(switches) & {option.name for option in fields(Settings)}
