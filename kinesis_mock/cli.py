"""The ``kinesis-mock`` command: ``kinesis-mock serve``.

Every option can also come from the environment (``KINESIS_MOCK_HOST``,
``KINESIS_MOCK_PORT``, ...); a command-line option wins.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from . import server
from .registry import Registry
from .settings import Settings, option_type

ENV_PREFIX = "KINESIS_MOCK_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"{ENV_PREFIX}{name}", default)


def _optional(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """``kind``, or None for ``none`` (an option that allows it)."""

    def convert(text: str) -> Any:
        return None if text.strip().lower() in ("", "none") else kind(text)

    convert.__name__ = getattr(kind, "__name__", "value")  # argparse names it in errors
    return convert


def _boolean(text: str) -> bool:
    """A switch's value, as people write it in flags and environments."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise argparse.ArgumentTypeError(f"invalid bool value: {text!r} (true or false)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kinesis-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    serve.add_argument("--host", default=_env("HOST", server.DEFAULT_HOST))
    serve.add_argument("--port", type=int, default=_env("PORT", str(server.DEFAULT_PORT)))
    serve.add_argument("--certfile", default=_env("CERTFILE"), help="TLS certificate (PEM)")
    serve.add_argument("--keyfile", default=_env("KEYFILE"), help="TLS private key (PEM)")
    serve.add_argument(
        "--tls",
        action="store_true",
        default=_env("TLS", "") in ("1", "true", "yes"),
        help="serve HTTPS with a self-signed certificate made at start",
    )
    serve.add_argument(
        "--read-timeout",
        type=_optional(float),
        default=_env("READ_TIMEOUT", str(server.DEFAULT_READ_TIMEOUT)),
        metavar="SECONDS",
        help="seconds a client may pause while sending a request body before its "
        "connection is closed ('none': no limit; default %(default)s) "
        f"[env {ENV_PREFIX}READ_TIMEOUT]",
    )
    serve.add_argument(
        "--keep-alive-timeout",
        type=float,
        default=_env("KEEP_ALIVE_TIMEOUT", str(server.DEFAULT_KEEP_ALIVE_TIMEOUT)),
        metavar="SECONDS",
        help="seconds an idle connection stays open (default %(default)s) "
        f"[env {ENV_PREFIX}KEEP_ALIVE_TIMEOUT]",
    )
    serve.add_argument("--region", default=_env("REGION", "us-east-1"))
    serve.add_argument(
        "--stream",
        action="append",
        default=[s for s in (_env("STREAMS") or "").split(",") if s],
        metavar="NAME:SHARDS[:REGION]",
        help="a stream to create at start (repeatable)",
    )
    serve.add_argument(
        "--data-dir",
        default=_env("DATA_DIR"),
        metavar="DIR",
        help="keep the server's state in DIR (made if missing): a server started again on it, "
        "even after a crash, has every write it acknowledged (default: memory only) "
        f"[env {ENV_PREFIX}DATA_DIR]",
    )
    # The engine's options, one per Settings field, so none is forgotten:
    # stream_create_delay is --stream-create-delay and KINESIS_MOCK_STREAM_CREATE_DELAY.
    for option in fields(Settings):
        kind, optional = option_type(str(option.type))
        env = option.name.upper()
        flag = "--" + option.name.replace("_", "-")
        help_text = f"{option.metadata['help']} [env {ENV_PREFIX}{env}]"
        if kind is bool:
            # A switch: --throughput turns it on, --throughput false off (a
            # string default, from the environment, is parsed the same way).
            serve.add_argument(
                flag,
                dest=option.name,
                type=_boolean,
                nargs="?",
                const=True,
                default=_env(env),
                metavar="BOOL",
                help=help_text,
            )
            continue
        serve.add_argument(
            flag,
            dest=option.name,
            type=_optional(kind) if optional else kind,
            default=_env(env),
            metavar={float: "SECONDS", int: "N"}.get(kind, "TEXT"),
            help=help_text,
        )
    serve.add_argument("--log-level", default=_env("LOG_LEVEL", "WARNING"))
    serve.set_defaults(parser=serve)  # to report a bad value with the right usage
    return parser


def settings_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings options given on the command line or in the environment."""
    given = {option.name: getattr(args, option.name) for option in fields(Settings)}
    return {name: value for name, value in given.items() if value is not None}


def _create_stream(registry: Registry, name: str, shards: int, region: str) -> None:
    """Create a stream at start, through the engine itself."""
    from .services.kinesis import KINESIS

    with registry.open(KINESIS, registry.settings.default_account(), region) as backend:
        KINESIS.handlers["CreateStream"](backend, {"StreamName": name, "ShardCount": shards})


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    parser: argparse.ArgumentParser = args.parser
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(message)s")
    options = settings_options(args)
    try:
        handle = server.start(
            args.host,
            args.port,
            certfile=args.certfile,
            keyfile=args.keyfile,
            tls=args.tls,
            read_timeout=args.read_timeout,
            keep_alive_timeout=args.keep_alive_timeout,
            data_dir=args.data_dir,
            **options,
        )
    except (TypeError, ValueError) as error:  # a bad option value, checked before serving
        parser.error(str(error))
    except server.ServerStartError as error:
        print(error, file=sys.stderr, flush=True)
        sys.exit(1)
    except OSError as error:  # binding: the port is taken, the address is not ours...
        print(f"kinesis-mock: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        sys.exit(1)
    for spec in args.stream:
        name, shards, *region = spec.split(":")
        _create_stream(handle.registry, name, int(shards), region[0] if region else args.region)
    print(f"kinesis-mock serving on {handle.endpoint_url}", flush=True)
    if args.tls and not args.certfile:
        print(f"self-signed certificate: {handle.certfile}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    handle.stop()


if __name__ == "__main__":
    main()
