"""``python -m kinesis_mock serve``: the same as the ``kinesis-mock`` command."""

from .cli import main

main()
