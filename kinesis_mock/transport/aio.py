"""aiobotocore's side of the botocore transport: the engine's answer in the
shape aiobotocore reads (an ``AioAWSResponse`` over an aiohttp-like body)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class _Content:
    """The part of aiohttp's ``StreamReader`` aiobotocore reads bodies with;
    an event stream's messages are produced as they are read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._eof = False

    def _fill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._buffer += chunk
                return True
        self._eof = True
        return False

    def at_eof(self) -> bool:
        return self._eof and not self._buffer

    async def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            while self._fill():
                pass
            data, self._buffer = self._buffer, b""
            return data
        if not self._buffer:
            self._fill()
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while self._buffer or self._fill():
            data, self._buffer = self._buffer, b""
            yield data, True


class _Raw:
    """The part of aiohttp's ``ClientResponse`` aiobotocore uses."""

    def __init__(self, url: str, body: Any) -> None:
        self.url = url
        self.content = _Content(body.stream())
        self._body = body

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        self._body.close()

    def release(self) -> None:
        self._body.close()


def to_aio_response(response: AWSResponse) -> Any:
    """The same answer as aiobotocore's ``AioAWSResponse``."""
    from aiobotocore.awsrequest import AioAWSResponse

    return AioAWSResponse(
        response.url, response.status_code, response.headers, _Raw(response.url, response.raw)
    )
