"""What happens to calls that are not ours while a mock is active.

By default they pass through untouched (so moto, LocalStack or the real
service can answer them). A mock started with ``refuse_other_services=True``
seals the test instead: a call to any other AWS service, or a botocore call
to any endpoint off this machine, raises :class:`UnmockedServiceCall`.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from .loopback import is_loopback


class UnmockedServiceCall(RuntimeError):
    """A call to a service kinesis-mock does not mock, refused because the
    active mock was started with ``refuse_other_services=True``."""


class Depth:
    """How many active mocks hold a switch on; it is on while any does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.depth = 0

    def enter(self) -> int:
        with self._lock:
            self.depth += 1
            return self.depth

    def exit(self) -> int:
        with self._lock:
            self.depth -= 1
            return self.depth

    @property
    def active(self) -> bool:
        return self.depth > 0


# Mocks started with refuse_other_services=True.
SEAL = Depth()


def refuse_if_sealed(url: str, service: str | None, *, any_endpoint: bool) -> None:
    """Raise when sealed and ``url`` leaves the process for another AWS
    service. ``any_endpoint``: the caller is an AWS SDK, so any endpoint off
    this machine is an AWS service (raw HTTP counts only AWS hosts)."""
    if not SEAL.active:
        return
    host = urlsplit(url).hostname or ""
    if is_loopback(host):
        return
    # Not at import: ``kinesis_mock.UnmockedServiceCall`` loads none of the engine.
    from .recognise import signing_name_for_any_aws_host

    aws_service = signing_name_for_any_aws_host(host)
    if aws_service is None and not any_endpoint:
        return
    name = service or aws_service or host
    raise UnmockedServiceCall(
        f"kinesis-mock refused a call to {name} ({url}): this test is sealed "
        "(mock_kinesis(refuse_other_services=True)) and kinesis-mock mocks only "
        "Kinesis Data Streams and Kinesis Video Streams. Mock that service too "
        "(moto's mock_aws, for one) or leave refuse_other_services off."
    )
