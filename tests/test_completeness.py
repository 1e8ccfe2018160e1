"""Every operation of botocore's installed models has a handler, and
README's table of supported operations is the one the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinesis_mock.operations import missing, readme_table


def test_every_kinesis_operation_has_a_handler() -> None:
    # Fails as soon as a botocore upgrade brings an operation we do not answer.
    assert missing()["kinesis"] == []


@pytest.mark.parametrize(
    "service",
    [
        "kinesisvideo",
        "kinesis-video-media",
        "kinesis-video-archived-media",
        "kinesis-video-signaling",
        "kinesis-video-webrtc-storage",
    ],
)
def test_every_kinesis_video_operation_has_a_handler(service: str) -> None:
    assert missing()[service] == []


def test_readme_lists_what_the_code_implements() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert readme_table() in readme, "run: python -m kinesis_mock.operations --readme"
