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


# Bit offsets of the fields (four bits per hex digit, counted from the right).
_CREATED_SHIFT = 148
_NIBBLE_SHIFT = 144
_INDEX_SHIFT = 80
_TIME_SHIFT = 36
_SHARD_SHIFT = 4


def shard_sequence_base(shard_created: int, shard_index: int) -> int:
    """The fields every sequence number of one shard shares, as an integer."""
    return (
        (2 << 184)
        | (shard_created << _CREATED_SHIFT)
        | ((shard_index & 0xF) << _NIBBLE_SHIFT)
        | (shard_index << _SHARD_SHIFT)
        | _VERSION
    )


def make_sequence_number(parts: SequenceParts) -> str:
    base = shard_sequence_base(parts.shard_created, parts.shard_index)
    return str(base | (parts.record_index << _INDEX_SHIFT) | (parts.record_time << _TIME_SHIFT))


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
