"""The service's rules for stream tags, shared by every tagging operation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ...protocol.errors import InvalidArgumentException

MAX_TAGS_PER_STREAM = 50

# Unicode letters, digits, spaces and _ . / = + - @ %: not tab, newline or
# any other control character, nor ":" (kinesalite's addTagsToStream.js and
# removeTagsFromStream.js recorded tab and newline refused; ":" is outside
# the characters the message lists, as in today's API reference).
_VALID = re.compile(r"(?:[\w./=+\-@%]|[^\S\x00-\x1f\x85\u2028\u2029])*")


def check_tag_characters(
    texts: Iterable[str | None], stream_name: str, account: str, removing: bool = False
) -> None:
    """Refuse tag keys or values with characters the service refuses. "%",
    though the first message lists it, is refused with a second one."""
    given = [text for text in texts if text]
    if not all(_VALID.fullmatch(text) for text in given):
        raise InvalidArgumentException(
            "Some tags contain invalid characters. Valid characters: "
            "Unicode letters, digits, white space, _ . / = + - % @."
        )
    if any("%" in text for text in given):
        action = "remove tags from" if removing else "add tags to"
        raise InvalidArgumentException(
            f"Failed to {action} stream {stream_name} under account {account} because some "
            "tags contained illegal characters. The allowed characters are Unicode letters, "
            "white-spaces, '_',',','/','=','+','-','@'."
        )


def check_tag_count(stream_name: str, account: str, count: int) -> None:
    if count > MAX_TAGS_PER_STREAM:
        raise InvalidArgumentException(
            f"Failed to add tags to stream {stream_name} under account {account} because a "
            f"given stream cannot have more than {MAX_TAGS_PER_STREAM} tags associated with it."
        )


def check_new_tags(name: str, account: str, tags: Mapping[str, str | None]) -> None:
    """The tags a resource is created with: their characters, then their number."""
    check_tag_characters([*tags, *tags.values()], name, account)
    check_tag_count(name, account, len(tags))
