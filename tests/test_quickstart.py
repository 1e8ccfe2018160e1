"""examples/quickstart.py runs, and prints what README's "Set-up" says it
does: four records, shard by shard, sequence numbers whole and increasing
within each shard."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"


def test_the_quickstart_shows_each_shards_records_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runpy.run_path(str(QUICKSTART), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "stored: 4 records in 2 shards"
    by_shard: dict[str, list[str]] = {}
    for line in lines[:-1]:
        if line.startswith("shardId-"):
            shard = line.split(":")[0]
            assert line.endswith("in order: True")
            by_shard[shard] = []
        else:
            by_shard[shard].append(line.split()[-1])
    assert sorted(by_shard) == ["shardId-000000000000", "shardId-000000000001"]
    numbers = [number for shard_numbers in by_shard.values() for number in shard_numbers]
    assert len(numbers) == 4
    for shard_numbers in by_shard.values():
        # Whole and aligned: as text, in the order printed, they sort as numbers do.
        assert all(len(number) == 56 and number.isdigit() for number in shard_numbers)
        assert shard_numbers == sorted(shard_numbers, key=int)
    rows = [line for line in lines if line.startswith("  ")]
    assert len({line.rindex(" ") for line in rows}) == 1  # one column
