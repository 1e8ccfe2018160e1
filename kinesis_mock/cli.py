"""The ``kinesis-mock`` command: ``kinesis-mock serve``.

Every option of ``serve`` is defined once, in :data:`OPTIONS`: the server's
own (where it listens, TLS, timeouts, streams made at start, logging) and
one per field of :class:`~kinesis_mock.settings.Settings`. Each is a flag
(``--keep-alive-timeout``) and an environment variable
(``KINESIS_MOCK_KEEP_ALIVE_TIMEOUT``); a flag wins over the environment.

A mistake is reported in one line, never a traceback: a bad value (a flag's
or a variable's, named) exits with status 2, a server that cannot start
(the port is taken, the server extra is not installed...) with status 1.

The README's two option tables are made from the same definitions
(:func:`options_markdown`, :func:`mock_options_markdown`); after changing an
option, rewrite them with::

    python -m kinesis_mock.cli --readme [README.md]
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import importlib.metadata
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, server
from .protocol.auth import DEFAULT_REGION
from .registry import Registry
from .settings import ACCOUNT_ENV, MOCK_SWITCHES, Settings, check_option, option_type

ENV_PREFIX = "KINESIS_MOCK_"
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
# What the server extra brings that serving imports.
_SERVER_MODULES = ("hypercorn", "cbor2", "cryptography")


@dataclass(frozen=True)
class Option:
    """One option of ``kinesis-mock serve``: the flag ``--NAME`` (``_`` as
    ``-``) and the variable ``KINESIS_MOCK_NAME``, both read by ``parse``.

    ``parse`` turns a flag's or a variable's text into the value, or raises
    ArgumentTypeError saying what is wrong. A ``switch`` is a bool option
    (``--tls`` alone turns it on, ``--tls false`` off); a ``repeatable`` one
    collects a value per flag, and its variable holds a comma-separated list.
    A ``setting`` is a field of Settings, handed to the engine as it is.
    """

    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    metavar: str | None = None
    switch: bool = False
    repeatable: bool = False
    setting: bool = False
    # The variable's name after the prefix, when it is not NAME.
    variable: str | None = None
    # The default in words, where the value does not say it (None: the
    # service's limit); the README section the in-process table links to.
    default_text: str | None = None
    see: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return ENV_PREFIX + (self.variable or self.name.upper())

    @property
    def shown_default(self) -> str:
        """The default as --help and the README show it: in words, or the value."""
        return self.default_text if self.default_text is not None else _shown(self.default)


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- parsing a value: each says what is wrong with it ----------------------------


def _error(message: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(message)


def _boolean(text: str) -> bool:
    """A switch's value, as people write it in flags and environments."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise _error(f"invalid bool value: {text!r} (true or false)")


def _text(text: str) -> str:
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise _error(f"invalid port {text!r} (a whole number from 0 to 65535; 0 picks a free one)")
    return port


def _file(text: str) -> str:
    if not os.path.exists(text):
        raise _error(f"no such file: {text!r}")
    if os.path.isdir(text):
        raise _error(f"{text!r} is a directory, not a file")
    return text


def _timeout(name: str, *, optional: bool) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        if optional and text.strip().lower() in ("", "none"):
            return None
        try:
            value = float(text)
        except ValueError:
            raise _error(f"invalid float value: {text!r}") from None
        try:
            server._check_timeout(name, value, optional=optional)
        except (TypeError, ValueError) as error:
            raise _error(str(error)) from None
        return value

    return parse


def _directory(text: str) -> str:
    if os.path.exists(text) and not os.path.isdir(text):
        raise _error(f"{text!r} is not a directory")
    return text


def _log_level(text: str) -> str:
    if text.strip().lower() not in LOG_LEVELS:
        raise _error(f"invalid log level {text!r} (one of {', '.join(LOG_LEVELS)})")
    return text.strip().lower()


STREAM_SPEC = "NAME:SHARDS[:REGION]"
# StreamName as the service's model constrains it.
_STREAM_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,128}")


@dataclass(frozen=True)
class StreamSpec:
    """A stream to create at start; ``region`` None is ``--region``'s."""

    name: str
    shards: int
    region: str | None = None


def _stream(text: str) -> StreamSpec:
    def wrong(what: str) -> argparse.ArgumentTypeError:
        return _error(f"invalid stream {text!r}: {what}; expected {STREAM_SPEC}, e.g. orders:2")

    parts = text.split(":")
    if len(parts) < 2:
        raise wrong("no shard count")
    if len(parts) > 3:
        raise wrong("too many ':'")
    name, shards, *region = parts
    if not _STREAM_NAME.fullmatch(name):
        raise wrong("NAME must be 1 to 128 letters, digits, '_', '.' or '-'")
    if not shards.isdigit() or int(shards) < 1:
        raise wrong(f"SHARDS must be a whole number of 1 or more, not {shards!r}")
    if region and not region[0]:
        raise wrong("REGION is empty")
    return StreamSpec(name, int(shards), region[0] if region else None)


def _setting(name: str, annotation: str) -> Callable[[str], Any]:
    """The parser of a Settings field's value, checked as Settings checks it."""
    kind, optional = option_type(annotation)

    def parse(text: str) -> Any:
        if optional and text.strip().lower() in ("", "none"):
            return None
        if kind is bool:
            return _boolean(text)
        try:
            value = kind(text)
        except ValueError:
            raise _error(f"invalid {kind.__name__} value: {text!r}") from None
        try:
            check_option(name, annotation, value)
        except (TypeError, ValueError) as error:
            raise _error(str(error)) from None
        return value

    return parse


# -- the options -------------------------------------------------------------------

SERVER_OPTIONS: tuple[Option, ...] = (
    Option(
        "host",
        _text,
        server.DEFAULT_HOST,
        "address to listen on; any but loopback (0.0.0.0: every interface) is warned "
        "about, since the mock answers anyone who reaches it",
        metavar="ADDRESS",
    ),
    Option(
        "port",
        _port,
        server.DEFAULT_PORT,
        "port to listen on; 0 picks a free one",
        metavar="PORT",
    ),
    Option(
        "certfile",
        _file,
        None,
        "serve HTTPS with this certificate, a PEM file that may hold the key too",
        metavar="PEM",
    ),
    Option(
        "keyfile",
        _file,
        None,
        "the private key (PEM) of --certfile's certificate",
        metavar="PEM",
    ),
    Option(
        "tls",
        _boolean,
        False,
        "serve HTTPS with a self-signed certificate made at start, whose path is printed "
        "and which is deleted at stop",
        switch=True,
    ),
    Option(
        "read_timeout",
        _timeout("read_timeout", optional=True),
        server.DEFAULT_READ_TIMEOUT,
        "seconds a client may pause while sending a request body before its connection "
        "is closed; none: no limit",
        metavar="SECONDS",
    ),
    Option(
        "keep_alive_timeout",
        _timeout("keep_alive_timeout", optional=False),
        server.DEFAULT_KEEP_ALIVE_TIMEOUT,
        "seconds an idle connection stays open",
        metavar="SECONDS",
    ),
    Option(
        "admin_anywhere",
        _boolean,
        False,
        "answer the admin API (/_kinesis_mock/...) from any client, not only this "
        "machine's (a container reached through a mapped port)",
        switch=True,
    ),
    Option(
        "region",
        _text,
        DEFAULT_REGION,
        "region of the streams --stream makes without one",
        metavar="REGION",
    ),
    Option(
        "stream",
        _stream,
        [],
        "a stream to create, ACTIVE, at start; repeatable, and the variable takes a "
        "comma-separated list",
        metavar=STREAM_SPEC,
        repeatable=True,
        variable="STREAMS",
    ),
    Option(
        "data_dir",
        _directory,
        None,
        "keep the server's state in this directory (made if missing): a server started "
        "again on it, even after a kill -9, has every write it acknowledged; none: memory only",
        metavar="DIR",
    ),
    Option(
        "log_level",
        _log_level,
        "warning",
        "the least severe messages logged: debug, info (a line per request), warning, "
        "error or critical",
        metavar="LEVEL",
    ),
)


def _setting_option(field: Any) -> Option:
    kind, _ = option_type(str(field.type))
    default = None if field.default is MISSING else field.default
    return Option(
        field.name,
        _setting(field.name, str(field.type)),
        default,
        field.metadata["help"],
        default_text=field.metadata.get("default"),
        metavar=None if kind is bool else {float: "SECONDS", int: "N"}.get(kind, "TEXT"),
        switch=kind is bool,
        setting=True,
        see=field.metadata.get("see"),
    )


# The engine's options, one per Settings field, so none is forgotten:
# stream_create_delay is --stream-create-delay and KINESIS_MOCK_STREAM_CREATE_DELAY.
SETTINGS_OPTIONS: tuple[Option, ...] = tuple(_setting_option(field) for field in fields(Settings))

OPTIONS: tuple[Option, ...] = SERVER_OPTIONS + SETTINGS_OPTIONS


def _help(option: Option) -> str:
    """The sentence, its default and its variable, as --help shows them."""
    text = f"{option.help} (default: {option.shown_default}; env {option.env})"
    return text.replace("%", "%%")


class _ServeParser(argparse.ArgumentParser):
    """``serve``'s parser: what no flag gave comes from the environment
    (a bad variable is reported by name), or else is the default."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[Any, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        for option in OPTIONS:
            if not hasattr(parsed, option.name):
                setattr(parsed, option.name, self._from_environment(option))
        return parsed, extras

    def _from_environment(self, option: Option) -> Any:
        text = os.environ.get(option.env, "").strip()
        if not text:
            # A setting nobody gave is left to Settings (see settings_options).
            if option.repeatable:
                return list(option.default)  # a list of its own, not the definition's
            return None if option.setting else option.default
        try:
            if option.repeatable:
                return [option.parse(item.strip()) for item in text.split(",") if item.strip()]
            return option.parse(text)
        except argparse.ArgumentTypeError as error:
            # One line: the usage says nothing about the environment.
            self.exit(2, f"{self.prog}: error: environment variable {option.env}: {error}\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinesis-mock",
        description="Amazon Kinesis Data Streams and Kinesis Video Streams, mocked.",
    )
    version = f"kinesis-mock {__version__}"
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ServeParser)
    serve = commands.add_parser(
        "serve",
        help="serve the mock over HTTP",
        usage="%(prog)s [OPTION ...]   (--help lists them)",
        description="Serve the mock over HTTP. Each option can also be set in the "
        "environment variable named with it; a flag wins over the environment.",
    )
    serve.add_argument("--version", action="version", version=version)
    groups = {
        False: serve.add_argument_group("server options"),
        True: serve.add_argument_group(
            "engine options", "the options of mock_kinesis() (kinesis_mock.Settings)"
        ),
    }
    for option in OPTIONS:
        group = groups[option.setting]
        common: dict[str, Any] = {
            "dest": option.name,
            "type": option.parse,
            "default": argparse.SUPPRESS,  # then the environment's, or the default
            "help": _help(option),
        }
        if option.switch:
            group.add_argument(option.flag, nargs="?", const=True, metavar="BOOL", **common)
        elif option.repeatable:
            group.add_argument(option.flag, action="append", metavar=option.metavar, **common)
        else:
            group.add_argument(option.flag, metavar=option.metavar, **common)
    serve.set_defaults(parser=serve)  # to report a bad value with the right usage
    return parser


def settings_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings options given on the command line or in the environment."""
    given = {option.name: getattr(args, option.name) for option in SETTINGS_OPTIONS}
    return {name: value for name, value in given.items() if value is not None}


# -- the README's option tables ------------------------------------------------------

README_COMMAND = "python -m kinesis_mock.cli --readme"


def _usage(option: Option) -> str:
    """``--port PORT``, ``--tls [BOOL]``: the flag as it is written."""
    flag = option.flag + (f" {option.metavar}" if option.metavar else "")
    return flag + (" [BOOL]" if option.switch else "")


def options_markdown() -> str:
    """``kinesis-mock serve``'s options as a Markdown table, for the README."""
    rows = ["| Flag | Variable | Default | What it does |", "| --- | --- | --- | --- |"]
    for option in OPTIONS:
        default = option.default_text or f"`{option.shown_default}`"
        rows.append(f"| `{_usage(option)}` | `{option.env}` | {default} | {option.help} |")
    return "\n".join(rows) + "\n"


def _python(value: Any) -> str:
    """A default as it is written in Python: ``0``, ``50``, ``False``."""
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    return f"`{value!r}`"


def _see(meaning: str, section: str | None) -> str:
    """The meaning, linking to the README section that says more."""
    if section is None:
        return meaning
    anchor = re.sub(r"[^a-z0-9 -]", "", section.lower()).replace(" ", "-")
    return f"{meaning} (see [{section}](#{anchor}))"


def mock_options_markdown() -> str:
    """The options of ``mock_kinesis()`` (and ``km.settings``) as a Markdown
    table, with the flag and variable of each that ``serve`` has, for the README."""
    none = "—"
    rows = [
        "| Option | Default | Meaning | `serve` flag | Variable |",
        "| --- | --- | --- | --- | --- |",
    ]
    for option in SETTINGS_OPTIONS:
        default = _python(option.default)
        if option.env == ACCOUNT_ENV:  # the one variable read in process too
            default += f": `{ACCOUNT_ENV}`, else {option.shown_default}"
        elif option.default_text is not None:  # None: the service's limit...
            default += f": {option.default_text}"
        meaning = _see(option.help, option.see)
        rows.append(
            f"| `{option.name}` | {default} | {meaning} | `{_usage(option)}` | `{option.env}` |"
        )
    for switch in MOCK_SWITCHES:
        meaning = _see(switch.help, switch.see)
        rows.append(
            f"| `{switch.name}` | {_python(switch.default)} | {meaning} | {none} | {none} |"
        )
    switches = " and ".join(f"`{switch.name}`" for switch in MOCK_SWITCHES)
    notes = (
        f"{switches} are given to `mock_kinesis(...)` only; the others are also fields of "
        "`km.settings`. The flags and variables are those of `kinesis-mock serve`; in "
        f"process, only `{ACCOUNT_ENV}` is read."
    )
    return "\n".join(rows) + "\n\n" + notes + "\n"


# Each table by its markers in the README: <!-- NAME --> and <!-- /NAME -->.
README_TABLES: dict[str, Callable[[], str]] = {
    "serve-options": options_markdown,
    "mock-options": mock_options_markdown,
}


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name} -->\n", f"<!-- /{name} -->"


def readme_table(text: str, name: str) -> str | None:
    """What the README ``text`` shows between the markers of table ``name``."""
    start, end = _markers(name)
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0]


def rewrite_readme(path: Path) -> None:
    """Make each option table in the README at ``path`` what its generator makes."""
    text = path.read_text(encoding="utf-8")
    for name, generate in README_TABLES.items():
        shown = readme_table(text, name)
        if shown is not None:
            start, _ = _markers(name)
            text = text.replace(start + shown, start + generate(), 1)
    path.write_text(text, encoding="utf-8")


# -- running -------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    """Report a server that cannot run, in one line, and exit with status 1."""
    print(f"kinesis-mock: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def server_extra() -> str:
    """The command that installs the server extra: its packages as the
    installed metadata lists them, which works whether kinesis-mock came from
    PyPI, a clone or a path (``kinesis-mock[server]`` needs an index that has it)."""
    try:
        requirements = importlib.metadata.requires("kinesis-mock") or []
    except importlib.metadata.PackageNotFoundError:
        requirements = []
    packages = [
        requirement.partition(";")[0].strip()
        for requirement in requirements
        if requirement.partition(";")[2].replace("'", '"').strip() == 'extra == "server"'
    ]
    if not packages:
        return "pip install 'kinesis-mock[server]'"
    return "pip install " + " ".join(f"'{package}'" for package in packages)


def _missing_server_module() -> str | None:
    """The first module of the server extra that cannot be imported."""
    for name in _SERVER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            return name
    return None


def _listen_error(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is in use; pass --port 0 for a free one"
    where = f"cannot listen on {host}:{port}"
    if isinstance(error, socket.gaierror):
        return f"{where}: unknown host {host!r}"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{where}: {host} is not an address of this machine"
    if error.errno == errno.EACCES and 0 < port < 1024:
        return f"{where}: permission denied (ports below 1024 need privileges; use another)"
    return f"{where}: {error.strerror or error}"


def _create_stream(registry: Registry, name: str, shards: int, region: str) -> bool:
    """Create a stream at start, through the engine itself; False when a
    data directory already holds it (a restart with the same flags keeps it
    as it is)."""
    from .services.kinesis import KINESIS

    with registry.open(KINESIS, registry.settings.default_account(), region) as backend:
        if registry.store is not None and name in backend.streams:
            return False
        KINESIS.handlers["CreateStream"](backend, {"StreamName": name, "ShardCount": shards})
    return True


def main(argv: Sequence[str] | None = None) -> None:
    try:
        _main(argv)
    except KeyboardInterrupt:  # before the server was up: nothing to stop
        sys.exit(130)


def _main(argv: Sequence[str] | None) -> None:
    args = _parser().parse_args(argv)
    parser: argparse.ArgumentParser = args.parser
    if args.keyfile is not None and args.certfile is None:
        parser.error("argument --keyfile: needs --certfile")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(message)s")
    missing = _missing_server_module()
    if missing is not None:
        _fail(f"serving needs the server extra (no module named {missing!r}): {server_extra()}")
    try:
        handle = server.start(
            args.host,
            args.port,
            certfile=args.certfile,
            keyfile=args.keyfile,
            tls=args.tls,
            read_timeout=args.read_timeout,
            keep_alive_timeout=args.keep_alive_timeout,
            admin_anywhere=args.admin_anywhere,
            data_dir=args.data_dir,
            **settings_options(args),
        )
    except (TypeError, ValueError) as error:  # a bad option value, checked before serving
        parser.error(str(error))
    except server.ServerStartError as error:
        _fail(str(error).removeprefix("kinesis-mock: "))
    except ModuleNotFoundError as error:
        _fail(f"serving needs the server extra (no module named {error.name!r}): {server_extra()}")
    except OSError as error:  # binding: the port is taken, the address is not ours...
        _fail(_listen_error(args.host, args.port, error))
    try:
        _create_streams(handle, args.stream, args.region)
    except _StreamRefused as refused:
        handle.stop()
        parser.error(str(refused))
    # What is loaded by now lives as long as the server: the collector need
    # not walk it again in every full collection (this process is the
    # server's own; a server started in a test's process leaves gc alone).
    gc.freeze()
    print(f"kinesis-mock serving on {handle.endpoint_url}", flush=True)
    if args.tls and not args.certfile:
        print(f"self-signed certificate: {handle.certfile}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    handle.stop()


class _StreamRefused(Exception):
    pass


def _create_streams(handle: server.ServerHandle, specs: list[StreamSpec], region: str) -> None:
    from .protocol.errors import ServiceError

    for spec in specs:
        try:
            _create_stream(handle.registry, spec.name, spec.shards, spec.region or region)
        except ServiceError as error:
            raise _StreamRefused(
                f"argument --stream: cannot create stream {spec.name!r}: {error.code}: {error}"
            ) from None


if __name__ == "__main__":
    if sys.argv[1:2] == ["--readme"]:  # python -m kinesis_mock.cli --readme [README.md]
        rewrite_readme(Path(sys.argv[2] if len(sys.argv) > 2 else "README.md"))
    else:
        main()
