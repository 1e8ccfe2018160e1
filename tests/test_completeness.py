"""Every operation of botocore's installed models has a handler, and
README's table of supported operations is the one the code generates."""

from __future__ import annotations

from pathlib import Path

from kinesis_mock.operations import implemented, missing, readme_table

# Kinesis operations botocore 1.44 added (queues, channels, dead-letter
# records) that are still to be written (issue 4). An operation leaves this
# list when its handler lands; one botocore adds that is not here fails the
# test, so a botocore upgrade is noticed at once.
KINESIS_NOT_YET = {
    "AcknowledgeDeadLetterQueueRecords",
    "AcknowledgeQueueRecords",
    "CreateChannel",
    "CreateQueue",
    "DeleteChannel",
    "DeleteQueue",
    "DescribeChannel",
    "DescribeQueue",
    "ListChannels",
    "ListQueues",
    "ReceiveDeadLetterQueueRecords",
    "ReceiveQueueRecords",
    "RestoreDeadLetterQueueRecords",
    "UpdateChannel",
    "UpdateDeadLetterQueueRecordsVisibility",
    "UpdateQueue",
    "UpdateQueueRecordsVisibility",
}


def test_every_kinesis_operation_has_a_handler() -> None:
    assert set(missing()["kinesis"]) - KINESIS_NOT_YET == set()


def test_the_not_yet_list_holds_no_implemented_operation() -> None:
    assert KINESIS_NOT_YET & set(implemented()["kinesis"]) == set()


def test_readme_lists_what_the_code_implements() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert readme_table() in readme, "run: python -m kinesis_mock.operations --readme"
