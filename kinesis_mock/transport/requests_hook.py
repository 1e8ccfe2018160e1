"""``requests`` transport: code that signs and sends raw HTTP requests to
Kinesis endpoints is answered through the ``responses`` library.

Whether a request is ours is decided from its method, URL and headers (see
:mod:`.recognise`) before anything reads it: a request that is not ours goes
on, body untouched, to whatever ``requests`` would have sent it with when the
mock started (the network, or another mock such as moto's).
"""

from __future__ import annotations

import re
from typing import Any

import requests.adapters
import responses

from ..pipeline import handle
from .convert import to_request
from .recognise import Recognised, recognise
from .seal import refuse_if_sealed


class _KinesisRequestsMock(responses.RequestsMock):
    """Answers our requests; hands every other one on before ``responses``
    looks at it (``responses`` reads file-like bodies of every request)."""

    def __init__(self, send_on: Any) -> None:
        super().__init__(assert_all_requests_are_fired=False)
        self._send_on = send_on
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            self.add_callback(method, re.compile(".*"), callback=_callback)

    def _on_request(self, adapter: Any, request: Any, **kwargs: Any) -> Any:
        recognised = recognise(request.url, request.headers)
        if recognised is None:
            refuse_if_sealed(request.url, None, any_endpoint=False)
            return self._send_on(adapter, request, **kwargs)
        request.kinesis_mock_service = recognised
        return super()._on_request(adapter, request, **kwargs)


def _callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    recognised: Recognised = request.kinesis_mock_service
    plain = to_request(request.method, request.url, request.headers, request.body)
    plain.verify_signature = True
    plain.signing_name = recognised.signing_name
    response = handle(recognised.service, plain)
    return response.status, response.headers, response.content()


_active: _KinesisRequestsMock | None = None


def start() -> None:
    """Intercept raw ``requests`` calls (once: a second start does nothing)."""
    global _active
    if _active is not None:
        return
    # Whatever sends requests now (the network, or a mock started before
    # ours, such as moto's) gets every request that is not ours.
    mock = _KinesisRequestsMock(send_on=requests.adapters.HTTPAdapter.send)
    mock.start()
    _active = mock


def stop() -> None:
    global _active
    if _active is not None:
        _active.stop(allow_assert=False)
        _active = None


def answer_if_ours(adapter: Any, request: Any, **kwargs: Any) -> Any:
    """Our answer to a request another ``responses`` mock (moto's) caught
    first, or ``None`` when it is not ours or no mock of ours is active."""
    mock = _active
    if mock is None or recognise(request.url, request.headers) is None:
        return None
    return mock._on_request(adapter, request, **kwargs)
