"""The service's rules for stream tags, shared by every tagging operation."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...protocol.errors import InvalidArgumentException

MAX_TAGS_PER_STREAM = 50

# Unicode letters, digits, white space and _ . : / = + - @ %
_VALID = re.compile(r"[\w\s.:/=+\-@%]*")


def check_tag_characters(tags: Mapping[str, str | None]) -> None:
    for key, value in tags.items():
        if not _VALID.fullmatch(key) or (value and not _VALID.fullmatch(value)):
            raise InvalidArgumentException(
                "Some tags contain invalid characters. Valid characters: "
                "Unicode letters, digits, white space, _ . / = + - % @."
            )


def check_tag_count(stream_name: str, account: str, count: int) -> None:
    if count > MAX_TAGS_PER_STREAM:
        raise InvalidArgumentException(
            f"Failed to add tags to stream {stream_name} under account {account} because a "
            f"given stream cannot have more than {MAX_TAGS_PER_STREAM} tags associated with it."
        )
