"""Sequence numbers laid out like the service's (version 2).

A sequence number is the decimal form of 47 hex digits:

    2 | shard creation (9, epoch seconds) | shard index, low digit (1)
      | record index in the shard (16) | 00 | record time (9, epoch seconds)
      | shard index (8) | 2

so it is 56 digits long, increases with the record index within a shard, and
names the shard and the time it was written, which lets the mock recognise a
sequence number from another shard.

A number a client sends is read as the service reads it (kinesalite recorded
this): besides version 2, the older versions 1 (47 hex digits ending in 1)
and 0 (below 2^129; a smaller number reads as if 2^124 were added, so "5"
names shard 5), and a version-2 shard index from 2^31 up is negative.
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
    # Only version 2 comes from the mock; 0 and 1 parse, but name no record.
    version: int = _VERSION


# Bit offsets of the fields (four bits per hex digit, counted from the right).
_CREATED_SHIFT = 148
_NIBBLE_SHIFT = 144
INDEX_SHIFT = 80
TIME_SHIFT = 36
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


# Where each version lives among the numbers (the service's own bounds).
_V0_OFFSET = 1 << 124
_V0_END = 1 << 129
_V2_START = 1 << 185
_V2_END = 3 << 184
# Shard creation times (epoch seconds) from here on are refused.
_MAX_CREATED = 16_025_175_000


def parse_sequence_number(sequence_number: str) -> SequenceParts | None:
    """The parts of a sequence number, or ``None`` if the service would
    refuse it as invalid."""
    if not sequence_number.isdigit() or not sequence_number.isascii():
        return None
    value = int(sequence_number)
    if value < _V0_OFFSET:
        value += _V0_OFFSET
    text = f"{value:x}"
    if value < _V0_END:
        created = int(text[1:10], 16)
        if created >= _MAX_CREATED:
            return None
        return SequenceParts(created, int(text[28:32], 16), 0, 0, version=0)
    if not _V2_START < value < _V2_END:
        return None
    version = int(text[-1], 16)
    if version == 1:
        return SequenceParts(
            shard_created=int(text[1:10], 16),
            shard_index=int(text[38:46], 16),
            record_index=int(text[36:38], 16),
            record_time=int(text[13:22], 16),
            version=1,
        )
    if version != _VERSION:
        return None
    created = int(text[1:10], 16)
    record_index = int(text[11:27], 16)
    shard_index = int(text[38:46], 16)
    if record_index >= _MAX_INDEX or created >= _MAX_CREATED:
        return None
    if shard_index >= 1 << 31:
        shard_index -= 1 << 32  # read as a signed 32-bit number
    return SequenceParts(
        shard_created=created,
        shard_index=shard_index,
        record_index=record_index,
        record_time=int(text[29:38], 16),
    )
