"""Amazon Kinesis Video Streams: the control plane and the clients around it.

Every Kinesis Video client is intercepted so that no call leaves the process;
operations without a handler answer ``NotImplemented`` naming the operation.

Handler modules register operations (channels, edge_agent, image_delivery,
media, media_storage, sessions, signaling, streams, tagging) and import only
the domain modules (backend, fragments, endpoints, images, service) and
``protocol/errors.py``, never each other: what two handlers share belongs in
a domain module. ``lint-imports`` checks it (pyproject.toml).
"""

# Importing the handler modules registers their operations.
from . import channels as _channels  # noqa: F401
from . import edge_agent as _edge_agent  # noqa: F401
from . import image_delivery as _image_delivery  # noqa: F401
from . import media as _media  # noqa: F401
from . import media_storage as _media_storage  # noqa: F401
from . import sessions as _sessions  # noqa: F401
from . import signaling as _signaling  # noqa: F401
from . import streams as _streams  # noqa: F401
from . import tagging as _tagging  # noqa: F401
from .service import KINESIS_VIDEO, KINESIS_VIDEO_SERVICES

__all__ = ["KINESIS_VIDEO", "KINESIS_VIDEO_SERVICES"]
