"""JSON for request and response bodies.

Uses orjson when it is installed (``pip install kinesis-mock[fast]``): it
encodes large responses some twenty times faster than the standard library,
which matters for GetRecords pages and PutRecords batches. Without it, or for
the rare document orjson declines (integers beyond 64 bits), the standard
library does the same job.

Either way, only JSON is read: not ``NaN`` or ``Infinity`` (which the
standard library takes), not text with lone surrogates (``"\\ud800"``, which
no UTF-8 body can carry), and not documents nested too deeply to walk.
"""

from __future__ import annotations

import json
import re
from typing import Any

orjson: Any
try:  # optional accelerator
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None

# Rendered documents are fresh trees without cycles: skip the standard
# encoder's cycle bookkeeping, which costs a dict operation per container.
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode

# Where a lone surrogate could come from: an escape of either half.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


_decode = json.JSONDecoder(parse_constant=_not_json).decode


def loads(data: bytes | str) -> Any:
    """Parse a JSON document; raises ``ValueError`` when it is not one."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # the standard library decides (it also takes huge integers)
    # Decoded strictly: json.loads would let encoded surrogates through.
    text = data.decode(json.detect_encoding(data)) if isinstance(data, bytes) else data
    try:
        document = _decode(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text) is not None:
        _refuse_lone_surrogates(document)
    return document


def _refuse_lone_surrogates(document: Any) -> None:
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode()
            except UnicodeEncodeError:
                raise ValueError("a lone surrogate is not text") from None


def dumps(document: Any) -> bytes:
    """Compact JSON bytes of a document."""
    if orjson is not None:
        try:
            encoded: bytes = orjson.dumps(document)
            return encoded
        except TypeError:
            pass  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
    return _encode(document).encode()
