"""The JSON and rest-json wire protocols: find the operation, parse the
request by shape, render results and errors the way each protocol does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from botocore.model import Shape

from . import eventstream, jsonlib
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


class Codec(Protocol):
    def operation(self, spec: ServiceSpec, request: Request) -> str: ...

    def parse(
        self, spec: ServiceSpec, operation: str, request: Request
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


def _format(spec: ServiceSpec, request: Request) -> _Format:
    if (request.header("Content-Type") or "").startswith(_CBOR):
        return _Format(_CBOR, _cbor_loads, _cbor_dumps, cbor_renderer_for)
    version = spec.model.metadata.get("jsonVersion", "1.0")
    return _Format(f"application/x-amz-json-{version}", jsonlib.loads, jsonlib.dumps, renderer_for)


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


_ACCEPTED_TYPES = ("application/x-amz-json-1.0", "application/x-amz-json-1.1", _CBOR)


def _xml_error(code: str, message: str) -> bytes:
    return f"<{code}>\n  <Message>{message}</Message>\n</{code}>\n".encode()


def _screen(request: Request) -> None:
    """What the service answers before routing a raw HTTP request: a GET, or
    a body type it cannot route, gets a 403 in XML (naming the missing
    signature if there is none); the legacy ``application/json`` gets the
    Coral envelope saying the operation is unknown."""
    content_type = (request.header("Content-Type") or "").split(";")[0].strip()
    if request.method == "POST" and content_type in _ACCEPTED_TYPES:
        return
    if request.method == "POST" and content_type == "application/json":
        body = (
            b'{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException",'
            b'"message":null},"Version":"1.0"}'
        )
        raise WireRefusal(Response(200, {"Content-Type": "application/json"}, body))
    if request.header("Authorization") is None:
        code, message = "MissingAuthenticationTokenException", "Missing Authentication Token"
    else:
        code = "AccessDeniedException"
        message = "Unable to determine service/operation name to be authorized"
    raise WireRefusal(Response(403, {"Content-Type": "application/xml"}, _xml_error(code, message)))


class JsonCodec:
    """``awsJson1.0`` / ``awsJson1.1``: POST /, ``X-Amz-Target`` names the operation."""

    def operation(self, spec: ServiceSpec, request: Request) -> str:
        if request.operation is not None:
            return request.operation
        _screen(request)
        target = request.header("X-Amz-Target") or ""
        name = spec.operation_for_target(target)
        if name is None:
            raise UnknownOperationException(None)
        return name

    def parse(
        self, spec: ServiceSpec, operation: str, request: Request
    ) -> tuple[dict[str, Any], bool]:
        document = _load_document(request.body, _format(spec, request).loads)
        shape = spec.operation(operation).input_shape
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

        headers = {"Content-Type": eventstream.CONTENT_TYPE, "x-amzn-RequestId": request_id}
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
            "x-amzn-ErrorType": error.code,
        }
        return Response(status, headers, body)


class RestJsonCodec:
    """``restJson1``: the method and URI name the operation; members travel in
    the path, query string, headers and a JSON body (or a raw payload)."""

    def operation(self, spec: ServiceSpec, request: Request) -> str:
        if request.operation is not None:
            return request.operation
        name = spec.operation_for_route(request.method, request.path, set(request.query))
        if name is None:
            raise UnknownOperationException(None)
        return name

    def parse(
        self, spec: ServiceSpec, operation: str, request: Request
    ) -> tuple[dict[str, Any], bool]:
        op = spec.operation(operation)
        shape = op.input_shape
        if shape is None:
            return {}, True
        params: dict[str, Any] = {}
        payload = shape.serialization.get("payload")
        body_members: dict[str, Shape] = {}
        route = next(r for r in spec.routes if r.operation == operation)
        match = route.pattern.fullmatch(request.path)
        labels = _uri_labels(op.http.get("requestUri", "/"))
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                if match is not None and wire_name in labels:
                    params[name] = unquote(match.group(labels.index(wire_name) + 1))
            elif location == "querystring":
                values = request.query.get(wire_name)
                if values:
                    params[name] = _from_text(
                        values if member.type_name == "list" else values[0], member
                    )
            elif location == "header":
                value = request.header(wire_name)
                if value is not None:
                    params[name] = _from_text(value, member)
            elif name == payload:
                if member.type_name in ("blob", "string"):
                    params[name] = request.body
                else:
                    params[name] = parse_value(_load_document(request.body), member)
            else:
                body_members[name] = member
        if body_members and payload is None:
            document = _load_document(request.body)
            for key, value in document.items():
                member = body_members.get(key)
                if member is not None and value is not None:
                    params[key] = parse_value(value, member)
        # Members arrive from several places here; the validator checks them all.
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


def _uri_labels(uri: str) -> list[str]:
    labels: list[str] = []
    for piece in uri.partition("?")[0].split("{")[1:]:
        labels.append(piece.split("}")[0].rstrip("+"))
    return labels


def _from_text(value: Any, shape: Shape) -> Any:
    """Convert a header or query-string value to the member's type."""
    kind = shape.type_name
    if kind == "list":
        return [_from_text(item, shape.member) for item in value]
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError as exc:
            raise SerializationException(
                f"class java.lang.String can not be converted to an {kind.capitalize()}"
            ) from exc
    if kind == "boolean":
        return value.lower() == "true"
    if kind == "timestamp":
        return parse_value(value, shape)
    return value


CODECS: dict[str, Codec] = {"json": JsonCodec(), "rest-json": RestJsonCodec()}
