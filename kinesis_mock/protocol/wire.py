"""The plain request and response every transport converts to and from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """What arrived, independent of how it arrived.

    ``operation`` is set when the transport already knows the operation (the
    botocore hook learns it from botocore itself); otherwise the protocol
    layer finds it from the target header or the method and URI.
    """

    method: str
    path: str
    # Any mapping; values may be str or (as botocore sometimes has them) bytes.
    headers: Mapping[str, Any]
    body: bytes
    query: Mapping[str, list[str]] = field(default_factory=dict)
    operation: str | None = None
    # Whether to refuse requests without a well-formed SigV4 signature, as the
    # service does (botocore always signs, so only raw HTTP needs the check).
    verify_signature: bool = False
    # The signing name the service requires of a credential scope, when the
    # transport knows it (a raw request signed for another service is refused).
    signing_name: str | None = None
    # The media type, once read (see media_type()).
    _media_type: str | None = field(default=None, init=False, repr=False, compare=False)
    # The SigV4 credential scope, once read (auth.credential_scope): the
    # transport, the signature check and the pipeline each ask for it.
    _scope: Any = field(default=None, init=False, repr=False, compare=False)

    def media_type(self) -> str:
        """The Content-Type without parameters or spaces (the service reads
        ``  application/x-amz-json-1.1 ;x`` as JSON 1.1); read once."""
        found = self._media_type
        if found is None:
            found = self._media_type = (self.header("Content-Type") or "").split(";")[0].strip()
        return found

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        value = self.headers.get(name)
        if value is None:
            lowered = name.lower()
            for key, candidate in self.headers.items():
                if key.lower() == lowered:
                    value = candidate
                    break
            else:
                return None
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    # An event stream's body is produced lazily, message by message.
    body: bytes | Iterator[bytes]

    def content(self) -> bytes:
        """The whole body (drains an event stream)."""
        if isinstance(self.body, bytes):
            return self.body
        return b"".join(self.body)


class WireRefusal(Exception):
    """A request refused before it reaches any operation, answered with a
    ready-made response (the service's XML for unroutable requests)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response
