"""Every operation of botocore's installed models has a handler, and
README's table of supported operations is the one the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinesis_mock.operations import missing, readme_table
from kinesis_mock.services.catalog import SERVICES


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_operation_of_every_mocked_service_has_a_handler(service: str) -> None:
    # Fails as soon as a botocore upgrade brings an operation we do not answer;
    # a service added to the catalog is checked without touching this test.
    assert missing()[service] == []


def test_the_catalog_holds_kinesis_and_every_kinesis_video_client() -> None:
    assert set(SERVICES) == {
        "kinesis",
        "kinesisvideo",
        "kinesis-video-media",
        "kinesis-video-archived-media",
        "kinesis-video-signaling",
        "kinesis-video-webrtc-storage",
    }


def test_readme_lists_what_the_code_implements() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert readme_table() in readme, "run: python -m kinesis_mock.operations --readme"
