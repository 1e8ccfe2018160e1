"""Sequence numbers laid out like the service's (version 2).

A sequence number is the decimal form of 47 hex digits:

    2 | shard creation (9, epoch seconds) | shard index, low digit (1)
      | record index in the shard (16) | 00 | record time (9, epoch seconds)
      | shard index (8) | 2

so it is 56 digits long, increases with the record index within a shard, and
names the shard and the time it was written, which lets the mock recognise a
sequence number from another shard.
"""

from __future__ import annotations

from dataclasses import dataclass

_VERSION = 2
_MAX_INDEX = 1 << 63


@dataclass(frozen=True)
class SequenceParts:
    shard_created: int
    shard_index: int
    record_index: int
    record_time: int


def make_sequence_number(parts: SequenceParts) -> str:
    text = (
        f"2{parts.shard_created:09x}{parts.shard_index & 0xF:x}{parts.record_index:016x}"
        f"00{parts.record_time:09x}{parts.shard_index:08x}{_VERSION}"
    )
    return str(int(text, 16))


def parse_sequence_number(sequence_number: str) -> SequenceParts | None:
    """The parts of a version-2 sequence number, or ``None`` if it is not one."""
    if not sequence_number.isdigit():
        return None
    text = f"{int(sequence_number):x}"
    if len(text) != 47 or text[0] != "2" or text[-1] != str(_VERSION):
        return None
    record_index = int(text[11:27], 16)
    shard_index = int(text[38:46], 16)
    if record_index >= _MAX_INDEX or shard_index >= 1 << 31:
        return None
    return SequenceParts(
        shard_created=int(text[1:10], 16),
        shard_index=shard_index,
        record_index=record_index,
        record_time=int(text[29:38], 16),
    )
