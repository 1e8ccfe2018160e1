"""The JSON and rest-json wire protocols: find the operation, parse the
request by shape, render results and errors the way each protocol does."""

from __future__ import annotations

import binascii
import itertools
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.model import Shape

from . import eventstream, jsonlib
from .auth import MISSING_TOKEN
from .errors import SerializationException, ServiceError, UnknownOperationException
from .model import ServiceSpec
from .serialization import (
    cbor_renderer_for,
    parse_value,
    reader_for,
    render_value,
    renderer_for,
)
from .wire import Request, Response, WireRefusal


@dataclass(frozen=True)
class Routed:
    """An operation found for a request, with what was read of the request
    before its signature is checked (the codec's own, opaque to callers)."""

    operation: str
    early: Any = None


class Codec(Protocol):
    def route(self, spec: ServiceSpec, request: Request) -> Routed:
        """Find the operation and read what the service reads before it
        looks at the signature; raises the service's answer to a request it
        cannot route."""
        ...

    def parse(
        self, spec: ServiceSpec, routed: Routed, request: Request
    ) -> tuple[dict[str, Any], bool]:
        """The operation's input, and whether it is known to meet every
        constraint (when not, the caller validates it)."""
        ...

    def render(
        self, spec: ServiceSpec, operation: str, result: Any, request_id: str, request: Request
    ) -> Response: ...

    def render_error(
        self, spec: ServiceSpec, error: ServiceError, request_id: str, request: Request
    ) -> Response: ...


def _error_parts(spec: ServiceSpec, error: ServiceError) -> tuple[int, str]:
    info = spec.errors.get(error.code)
    if info is None:
        return error.status, error.message_key or spec.message_key
    return info.status, info.message_key


@dataclass(frozen=True)
class _Format:
    """A body encoding of the JSON protocol: JSON, or CBOR (which the Java SDK
    and the KCL send by default); an answer uses the request's."""

    content_type: str
    loads: Callable[[bytes], Any]
    dumps: Callable[[Any], bytes]
    renderer: Callable[[Shape], Callable[[Any], Any]]


def _cbor_loads(body: bytes) -> Any:
    try:
        import cbor2
    except ImportError as exc:  # pragma: no cover - cbor2 comes with the server extra
        raise SerializationException("CBOR requests need kinesis-mock[server]") from exc
    try:
        return cbor2.loads(body)
    except cbor2.CBORDecodeError as exc:
        raise ValueError(str(exc)) from exc


def _cbor_dumps(document: Any) -> bytes:
    import cbor2

    encoded: bytes = cbor2.dumps(document, datetime_as_timestamp=True)
    return encoded


_CBOR = "application/x-amz-cbor-1.1"
_LEGACY_JSON = "application/json"


_CBOR_FORMAT = _Format(_CBOR, _cbor_loads, _cbor_dumps, cbor_renderer_for)
# The JSON format of each JSON protocol version, made once.
_JSON_FORMATS: dict[str, _Format] = {}


def _format(spec: ServiceSpec, request: Request) -> _Format:
    if request.media_type() == _CBOR:
        return _CBOR_FORMAT
    json_type = spec.json_type
    found = _JSON_FORMATS.get(json_type)
    if found is None:
        found = _JSON_FORMATS[json_type] = _Format(
            json_type, jsonlib.loads, jsonlib.dumps, renderer_for
        )
    return found


def _load_document(body: bytes, loads: Callable[[bytes], Any] = jsonlib.loads) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        document = loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationException("Start of structure or map found where not expected.") from exc
    if isinstance(document, list):
        raise SerializationException("Start of list found where not expected")
    if not isinstance(document, dict):
        raise SerializationException("Expected null")
    return document


# Request ids and x-amz-id-2 values need to differ, not to be secret: each
# is a random part drawn once per process (again in a forked child) and a
# counter, which costs a fraction of uuid4() and os.urandom() per answer and
# leaves the random module's shared generator to the tests.
_RANDOM = random.Random()
_COUNTER = itertools.count()  # from a random start, drawn with the prefixes
# A version-4 UUID: the version nibble 4 and the RFC 4122 variant bits 10;
# its last 48 bits are the counter.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)
_id_prefix = ""
_id_2_prefix = b""


def _draw_prefixes() -> None:
    global _id_prefix, _id_2_prefix, _COUNTER
    _RANDOM.seed()
    _COUNTER = itertools.count(_RANDOM.getrandbits(47))
    digits = "%032x" % (_RANDOM.getrandbits(128) & _UUID_CLEAR | _UUID_SET)
    _id_prefix = f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-"
    _id_2_prefix = _RANDOM.randbytes(66)


_draw_prefixes()
os.register_at_fork(after_in_child=_draw_prefixes)


def request_id() -> str:
    """A fresh ``x-amzn-RequestId``: a version-4 UUID, as the service sends
    (a process's ids share their first 80 bits and count in the rest)."""
    return f"{_id_prefix}{next(_COUNTER) & 0xFFFFFFFFFFFF:012x}"


def amz_id_2() -> str:
    """The ``x-amz-id-2`` header the service sends with every answer: 72
    random bytes in base64, as recorded (kinesalite's test/connection.js
    checks 64 to 80 bytes); the last 6 count, as in :func:`request_id`."""
    tail = (next(_COUNTER) & 0xFFFFFFFFFFFF).to_bytes(6, "big")
    return binascii.b2a_base64(_id_2_prefix + tail, newline=False).decode("ascii")


def _refusal(status: int, content_type: str | None, body: bytes) -> WireRefusal:
    headers = {"Content-Length": str(len(body)), "x-amz-id-2": amz_id_2()}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return WireRefusal(Response(status, headers, body))


def _type_only(code: str, content_type: str) -> WireRefusal:
    """A 400 whose body is only ``{"__type": code}``, in JSON or CBOR."""
    if content_type == _CBOR:
        # The recorded CBOR form: an indefinite-length map (written by hand,
        # so that this answer needs no CBOR library).
        body = b"\xbf" + _cbor_text("__type") + _cbor_text(code) + b"\xff"
    else:
        body = b'{"__type":"' + code.encode() + b'"}'
    refusal = _refusal(400, content_type, body)
    refusal.response.headers["x-amzn-ErrorType"] = code
    return refusal


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    head = bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])
    return head + data


def _coral(status: int, code: str) -> WireRefusal:
    """The legacy ``application/json`` answer: the Coral envelope, no message."""
    body = (
        b'{"Output":{"__type":"com.amazon.coral.service#' + code.encode() + b'"},"Version":"1.0"}'
    )
    return _refusal(status, _LEGACY_JSON, body)


def _xml_error(code: str, message: str | None = None) -> bytes:
    if message is None:
        return f"<{code}/>\n".encode()
    return f"<{code}>\n  <Message>{message}</Message>\n</{code}>\n".encode()


def _document_or_none(loads: Callable[[bytes], Any], body: bytes) -> Any:
    """The body decoded, when it is an object or a list (an operation's
    reader refuses a list later); otherwise None."""
    try:
        document = loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, (dict, list)) else None


def _decode_body(wire: _Format, body: bytes) -> Any:
    """The request's document; a body that is none gets a bare
    SerializationException (no message), as recorded."""
    document = _document_or_none(wire.loads, body)
    if document is None:
        raise SerializationException(None)
    return document


def _screen(spec: ServiceSpec, request: Request) -> Routed:
    """Route a raw HTTP request the way the service does before it checks
    the signature (kinesalite's test/connection.js recorded these answers
    from AWS). The order matters: method, empty body, content type, body,
    then the target."""
    target = request.header("X-Amz-Target") or ""
    operation = spec.operation_for_target(target)
    content_type = request.media_type()
    json_type = spec.json_type
    unsigned = request.header("Authorization") is None and "X-Amz-Algorithm" not in request.query
    if request.method != "POST":
        raise _xml_refusal(unsigned, names_operation=False)
    if not request.body:
        # Answered in JSON only to a JSON 1.1 request, in CBOR otherwise.
        code = "SerializationException" if operation else "UnknownOperationException"
        raise _type_only(code, json_type if content_type == json_type else _CBOR)
    if content_type not in (json_type, _CBOR, _LEGACY_JSON):
        service, _, rest = target.partition(".")
        raise _xml_refusal(unsigned, names_operation=bool(service and rest.split(".")[0]))
    if content_type == _LEGACY_JSON:
        if _document_or_none(jsonlib.loads, request.body) is None:
            raise _coral(400, "SerializationException")
        # Whatever the target, the legacy type goes no further.
        raise _coral(404, "UnknownOperationException")
    document = _decode_body(_format(spec, request), request.body)
    if operation is None:
        raise UnknownOperationException(None)
    return Routed(operation, document)


def _xml_refusal(unsigned: bool, names_operation: bool) -> WireRefusal:
    """The XML answer to a request that is not a JSON call: 403, or 404 when
    a signed one names some operation. A missing signature is named first,
    as the older recording (connection.js's request matrix) has it; the
    newer recordings of these answers are all of signed requests."""
    if unsigned:
        message = _xml_error("MissingAuthenticationTokenException", MISSING_TOKEN)
        return _refusal(403, None, message)
    if names_operation:
        return _refusal(404, None, _xml_error("UnknownOperationException"))
    message = _xml_error(
        "AccessDeniedException", "Unable to determine service/operation name to be authorized"
    )
    return _refusal(403, None, message)


class JsonCodec:
    """``awsJson1.0`` / ``awsJson1.1``: POST /, ``X-Amz-Target`` names the operation."""

    def route(self, spec: ServiceSpec, request: Request) -> Routed:
        if request.operation is None:
            return _screen(spec, request)
        # botocore named the operation and wrote the body: nothing to screen.
        if not request.body:
            return Routed(request.operation, {})
        return Routed(request.operation, _decode_body(_format(spec, request), request.body))

    def parse(
        self, spec: ServiceSpec, routed: Routed, request: Request
    ) -> tuple[dict[str, Any], bool]:
        document = routed.early
        if isinstance(document, list):
            raise SerializationException("Start of list found where not expected")
        shape = spec.operation(routed.operation).input_shape
        if shape is None:
            return {}, True
        params, passes = reader_for(shape)(document)
        return params, passes

    def render(
        self, spec: ServiceSpec, operation: str, result: Any, request_id: str, request: Request
    ) -> Response:
        wire = _format(spec, request)
        op = spec.operation(operation)
        if op.has_event_stream_output:
            return self._render_event_stream(spec, op, result, request_id, wire)
        shape = op.output_shape
        body = b""
        if shape is not None and result is not None:
            body = wire.dumps(wire.renderer(shape)(result))
        headers = {
            "Content-Type": wire.content_type,
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": request_id,
            "x-amz-id-2": amz_id_2(),
        }
        return Response(200, headers, body)

    def _render_event_stream(
        self, spec: ServiceSpec, op: Any, result: Any, request_id: str, wire: _Format
    ) -> Response:
        """The handler gives (event name, event) pairs lazily; each is framed
        as it is produced. A service error on the way ends the stream with an
        exception message, as the service does."""
        stream_shape = op.get_event_stream_output()
        member = next(
            name for name, shape in op.output_shape.members.items() if shape is stream_shape
        )

        def frames() -> Iterator[bytes]:
            yield eventstream.event("initial-response", wire.dumps({}), wire.content_type)
            try:
                for name, payload in result[member]:
                    shape = stream_shape.members[name]
                    body = wire.dumps(wire.renderer(shape)(payload))
                    yield eventstream.event(name, body, wire.content_type)
            except ServiceError as error:
                _, key = _error_parts(spec, error)
                yield eventstream.exception(
                    error.code, wire.dumps({key: error.message or error.code}), wire.content_type
                )

        headers = {
            "Content-Type": eventstream.CONTENT_TYPE,
            "x-amzn-RequestId": request_id,
            "x-amz-id-2": amz_id_2(),
        }
        return Response(200, headers, frames())

    def render_error(
        self, spec: ServiceSpec, error: ServiceError, request_id: str, request: Request
    ) -> Response:
        wire = _format(spec, request)
        status, key = _error_parts(spec, error)
        document: dict[str, Any] = {"__type": error.code}
        if error.message is not None:
            document[key] = error.message
        body = wire.dumps(document)
        headers = {
            "Content-Type": wire.content_type,
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": request_id,
            "x-amz-id-2": amz_id_2(),
            "x-amzn-ErrorType": error.code,
        }
        return Response(status, headers, body)


class RestJsonCodec:
    """``restJson1``: the method and URI name the operation; members travel in
    the path, query string, headers and a JSON body (or a raw payload)."""

    def route(self, spec: ServiceSpec, request: Request) -> Routed:
        name = request.operation or spec.operation_for_route(
            request.method, request.path, set(request.query)
        )
        if name is None:
            raise UnknownOperationException(None)
        # The members are read before the signature is checked, as before.
        return Routed(name, self._read(spec, name, request))

    def parse(
        self, spec: ServiceSpec, routed: Routed, request: Request
    ) -> tuple[dict[str, Any], bool]:
        params, passes = routed.early
        return params, passes

    def _read(
        self, spec: ServiceSpec, operation: str, request: Request
    ) -> tuple[dict[str, Any], bool]:
        op = spec.operation(operation)
        shape = op.input_shape
        if shape is None:
            return {}, True
        # Every input of the Kinesis Video models travels in the JSON body
        # (tests/test_protocol.py checks the models say so): a member in the
        # URI, query string, headers or a raw payload would need reading here.
        params: dict[str, Any] = {}
        document = _load_document(request.body)
        for key, value in document.items():
            member = shape.members.get(key)
            if member is not None and value is not None:
                params[key] = parse_value(value, member)
        # parse_value converts without checking; the validator checks them all.
        return params, False

    def render(
        self, spec: ServiceSpec, operation: str, result: Any, request_id: str, request: Request
    ) -> Response:
        op = spec.operation(operation)
        shape = op.output_shape
        headers = {"x-amzn-RequestId": request_id}
        body = b""
        if shape is not None and result is not None:
            payload = shape.serialization.get("payload")
            document: dict[str, Any] = {}
            for name, value in result.items():
                member = shape.members.get(name)
                if member is None or value is None:
                    continue
                location = member.serialization.get("location")
                if location == "header":
                    headers[member.serialization.get("name", name)] = str(
                        render_value(value, member)
                    )
                elif name == payload:
                    if member.type_name in ("blob", "string"):
                        body = value if isinstance(value, bytes) else str(value).encode()
                    else:
                        body = jsonlib.dumps(render_value(value, member))
                else:
                    document[name] = render_value(value, member)
            if payload is None:
                body = jsonlib.dumps(document)
                headers["Content-Type"] = "application/json"
        headers["Content-Length"] = str(len(body))
        return Response(op.http.get("responseCode", 200), headers, body)

    def render_error(
        self, spec: ServiceSpec, error: ServiceError, request_id: str, request: Request
    ) -> Response:
        status, key = _error_parts(spec, error)
        document: dict[str, Any] = {}
        if error.message is not None:
            document[key] = error.message
        body = jsonlib.dumps(document)
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": error.code,
        }
        return Response(status, headers, body)


CODECS: dict[str, Codec] = {"json": JsonCodec(), "rest-json": RestJsonCodec()}
