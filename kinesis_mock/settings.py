"""What a test can tune about the mocked services: the options of
``mock_kinesis()``, each defined and documented here once.

:class:`Settings` holds those an active mock keeps (``km.settings``; a
server's flags and variables), :data:`MOCK_SWITCHES` the two that only choose
how the in-process mock meets calls. ``kinesis_mock.cli`` builds ``serve``'s
options and the README's option tables from them.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_ACCOUNT_ID = "123456789012"
ACCOUNT_ENV = "KINESIS_MOCK_ACCOUNT_ID"

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
# The value types a field's annotation allows, by annotation. ints are fine
# where seconds are expected; bool is never a number here, and only a bool
# is a bool (1 or "yes" would hide a typo).
_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "float": ((int, float), "a number (int or float)"),
    "int": ((int,), "an int"),
    "str": ((str,), "a str"),
    "bool": ((bool,), "a bool"),
}
_KINDS: dict[str, type] = {"float": float, "int": int, "str": str, "bool": bool}


@dataclass
class Settings:
    """Delays are seconds on the mock's clock; zero means the change is immediate.

    ``account_id`` is the account of requests whose access key is not a
    12-digit number; when ``None``, ``KINESIS_MOCK_ACCOUNT_ID`` or
    ``123456789012``. ``throughput`` turns on the service's throughput
    limits for every stream (``km.enforce_throughput`` for one stream).

    Every field is checked when it is set, at construction or later: a value
    of the wrong type is a TypeError, a negative delay or limit a ValueError,
    and a name that is no field an AttributeError naming the closest one
    (``km.settings.stream_create_dealy = 5``), so a typo fails where it was
    made rather than deep inside a request or not at all.
    """

    # Each field is documented here, once, in its metadata: "help" is the
    # meaning ``kinesis-mock serve --help`` and both option tables of the
    # README show, "default" the default in words where the value does not
    # say it, "see" the README section the in-process table links to. The
    # CLI makes a flag and a variable of every field (cli.SETTINGS_OPTIONS);
    # ``python -m kinesis_mock.cli --readme`` rewrites the README's tables.
    account_id: str | None = field(
        default=None,
        metadata={
            "help": "account of requests whose access key is not 12 digits",
            "default": DEFAULT_ACCOUNT_ID,
            "see": "Accounts, regions and credentials",
        },
    )
    stream_create_delay: float = field(
        default=0.0, metadata={"help": "seconds a new stream stays CREATING"}
    )
    stream_delete_delay: float = field(
        default=0.0, metadata={"help": "seconds a deleted stream stays DELETING"}
    )
    stream_update_delay: float = field(
        default=0.0,
        metadata={
            "help": "seconds a stream stays UPDATING after an asynchronous change "
            "(encryption, capacity mode, resharding)"
        },
    )
    consumer_create_delay: float = field(
        default=0.0, metadata={"help": "seconds a new consumer stays CREATING"}
    )
    consumer_delete_delay: float = field(
        default=0.0, metadata={"help": "seconds a deregistered consumer stays DELETING"}
    )
    subscription_wait_seconds: float = field(
        default=0.0,
        metadata={
            "help": "real seconds a caught-up SubscribeToShard event stream waits for more "
            "records before it ends (0: it ends as soon as it has caught up); with throughput "
            "enforced, also how long a throttled one waits for a stopped clock to move"
        },
    )
    shard_limit: int | None = field(
        default=None,
        metadata={
            "help": "open shards an account may have in one region",
            "default": "the service's, 20000 in us-east-1, us-west-2 and eu-west-1, 1000 elsewhere",
        },
    )
    on_demand_stream_limit: int = field(
        default=50, metadata={"help": "on-demand streams an account may have in one region"}
    )
    throughput: bool = field(
        default=False,
        metadata={
            "help": "enforce the service's throughput limits on the mock's clock: per shard "
            "1 MiB/s or 1,000 records/s of writes, 5 GetRecords/s and 2 MiB/s of reads, "
            "2 MiB/s per enhanced fan-out consumer; on-demand streams' write capacity",
            "see": "Throughput limits",
        },
    )

    def __setattr__(self, name: str, value: Any) -> None:
        annotation = _ANNOTATIONS.get(name)
        if annotation is None:
            # Stored silently, a typo would leave the real option unchanged.
            raise AttributeError(
                f"Settings has no option {name!r}{did_you_mean(name, _ANNOTATIONS)}"
            )
        check_option(name, annotation, value)
        super().__setattr__(name, value)

    def default_account(self) -> str:
        if self.account_id is not None:
            return self.account_id
        return os.environ.get(ACCOUNT_ENV) or DEFAULT_ACCOUNT_ID

    def shard_limit_for(self, region: str) -> int:
        if self.shard_limit is not None:
            return self.shard_limit
        return 20_000 if region in ("us-east-1", "us-west-2", "eu-west-1") else 1_000


# Field name -> its annotation as written ("float", "int | None", ...).
_ANNOTATIONS: dict[str, str] = {option.name: str(option.type) for option in fields(Settings)}


@dataclass(frozen=True)
class Switch:
    """An option of ``mock_kinesis()`` that is no field of Settings: how the
    in-process mock meets calls. A server has no use for it (no flag, no
    variable), and ``km.settings`` does not hold it."""

    name: str
    default: bool
    help: str
    see: str | None = None  # the README section the option table links to


# mock_kinesis()'s options besides the Settings fields: the parameters of
# KinesisMock (tests/test_settings.py keeps the two in step) and keywords of
# the pytest marker.
MOCK_SWITCHES: tuple[Switch, ...] = (
    Switch(
        "intercept_requests",
        True,
        "also answer raw requests-library calls to Kinesis and Kinesis Video",
        see="How calls are answered",
    ),
    Switch(
        "refuse_other_services",
        False,
        "seal the test: a call to any other AWS service that no mock answers raises "
        "UnmockedServiceCall",
        see="Guarantees",
    ),
)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``name``, or
    the known names when none is close."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (options: {', '.join(known)})"


def option_type(annotation: str) -> tuple[type, bool]:
    """The type an annotation names (``float`` for ``float | None``) and
    whether it allows None."""
    parts = [part.strip() for part in annotation.split("|")]
    optional = "None" in parts
    (name,) = [part for part in parts if part != "None"]
    return _KINDS[name], optional


def check_option(name: str, annotation: str, value: Any) -> None:
    """Refuse ``value`` for the option ``name`` unless its annotation allows it."""
    kind, optional = option_type(annotation)
    allowed, expected = _TYPES[kind.__name__]
    if optional:
        expected += " or None"
    if value is None:
        if optional:
            return
        raise TypeError(f"kinesis-mock option {name} must be {expected}, not None")
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, allowed):
        raise TypeError(
            f"kinesis-mock option {name} must be {expected}, not {type(value).__name__} ({value!r})"
        )
    if kind is not bool and isinstance(value, (int, float)) and (math.isnan(value) or value < 0):
        raise ValueError(f"kinesis-mock option {name} must be zero or more, not {value!r}")
    if name == "account_id" and isinstance(value, str) and not _ACCOUNT_ID.fullmatch(value):
        raise ValueError(f"kinesis-mock option account_id must be 12 digits, not {value!r}")
