"""The engine's answer as both botocore and aiobotocore read it.

botocore reads ``response.content`` as bytes and the body through urllib3's
``stream()``/``read()``; aiobotocore awaits ``response.content`` and reads
the body through aiohttp's ``response.content`` reader. The hook cannot tell
which client asked (both register the same before-send handler), so one
response serves both.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class AwaitableBytes(bytes):
    """Bytes that awaiting gives back unchanged (aiobotocore awaits content)."""

    def __await__(self) -> Generator[Any, None, bytes]:
        return self
        yield  # pragma: no cover - makes this a generator


class AsyncContent:
    """The part of aiohttp's ``StreamReader`` aiobotocore reads bodies with;
    an event stream's messages are produced as they are read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._eof = False

    async def _ready(self) -> None:
        """Wait, without blocking the event loop, until the next chunk can be
        produced at once (a caught-up subscription waits for records). The
        wait is in real time, in a thread: freezegun may have frozen the
        loop's clock."""
        ready = getattr(self._chunks, "ready", None)
        if ready is None:
            return
        seconds: float = getattr(self._chunks, "poll_seconds", 0.05)
        while not ready():
            await asyncio.to_thread(threading.Event().wait, seconds)

    def _fill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._buffer += chunk
                return True
        self._eof = True
        return False

    def at_eof(self) -> bool:
        return self._eof and not self._buffer

    async def _fill_async(self) -> bool:
        if self._eof:
            return False
        await self._ready()
        return self._fill()

    async def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            while await self._fill_async():
                pass
            data, self._buffer = self._buffer, b""
            return data
        if not self._buffer:
            await self._fill_async()
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while self._buffer or await self._fill_async():
            data, self._buffer = self._buffer, b""
            yield data, True


class DualResponse(AWSResponse):  # type: ignore[misc]  # botocore is untyped
    """An ``AWSResponse`` whose content botocore reads and aiobotocore awaits."""

    @property
    def content(self) -> bytes:
        content: bytes | None = getattr(self, "_content", None)
        if content is None:
            whole = getattr(self.raw, "whole", None)
            content = AwaitableBytes(whole if whole is not None else b"".join(self.raw.stream()))
            self._content = content
        return content
