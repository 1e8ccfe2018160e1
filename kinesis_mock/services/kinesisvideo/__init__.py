"""Amazon Kinesis Video Streams: the control plane and the clients around it.

Every Kinesis Video client is intercepted so that no call leaves the process;
operations without a handler answer ``NotImplemented`` naming the operation.
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
