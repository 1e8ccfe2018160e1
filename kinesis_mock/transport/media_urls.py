"""The HLS and DASH session URLs a server hands out, answered as a media
player reads them: plain GETs whose session token is the credential (nothing
is signed), for playlists, manifests and fragments. Every other request goes
to the engine."""

from __future__ import annotations

import uuid

from ..pipeline import handle
from ..protocol.codecs import CODECS
from ..protocol.errors import ServiceError, SessionTokenInvalid
from ..protocol.model import service_spec
from ..protocol.wire import Request, Response
from ..registry import Registry
from ..services.base import ServiceDefinition
from ..services.kinesisvideo.service import KINESIS_VIDEO_ARCHIVED_MEDIA
from ..services.kinesisvideo.sessions import SESSION_PATHS, read_session, session_home


def answer(service: ServiceDefinition, request: Request, registry: Registry) -> Response:
    """The server's answer to ``request``: a session resource for a GET of
    a session URL, otherwise the engine's answer for ``service``."""
    if request.method != "GET" or request.path not in SESSION_PATHS:
        return handle(service, request, registry)
    archived = KINESIS_VIDEO_ARCHIVED_MEDIA
    request_id = str(uuid.uuid4())
    token = (request.query.get("SessionToken") or [""])[0]
    home = session_home(token)
    try:
        # Only state that exists: a made-up token creates no account or region.
        if home is None or home not in registry.backends(archived.state_name):
            raise SessionTokenInvalid()
        with registry.open(archived, *home) as backend:
            content_type, body = read_session(backend, request.path, token, request.query)
    except ServiceError as error:
        spec = service_spec(archived.name)
        return CODECS[spec.protocol].render_error(spec, error, request_id, request)
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "x-amzn-RequestId": request_id,
    }
    return Response(200, headers, body)
