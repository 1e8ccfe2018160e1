"""Run kinesis-mock as an HTTP server, for clients that are not in-process
Python (the AWS CLI, other SDKs, the Kinesis Client Library).

    handle = kinesis_mock.server.start(port=0)
    client = boto3.client("kinesis", endpoint_url=handle.endpoint_url)
    ...
    handle.stop()

Needs the ``server`` extra (``pip install "kinesis-mock[server]"``), which
brings hypercorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shutil
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .registry import Registry
from .settings import Settings, check_option
from .transport.loopback import is_loopback

if TYPE_CHECKING:
    from .admin_client import AdminClient
    from .mock import KinesisMock
    from .transport.server import ServerApp

log = logging.getLogger("kinesis_mock.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4567
# Seconds a client may pause in the middle of sending a request body.
DEFAULT_READ_TIMEOUT = 30.0
# Seconds an idle connection (no request in flight) stays open.
DEFAULT_KEEP_ALIVE_TIMEOUT = 5.0


class ServerStartError(RuntimeError):
    """The server could not start (a certificate it cannot use...). A port
    it cannot listen on is the OSError binding raises."""


class ServerStopError(RuntimeError):
    """The server's thread was still running after ``stop()`` cut its connections."""


@dataclass
class ServerHandle:
    """A running server (what :func:`start` returns): where it listens, its
    state, and how to stop it.

    ``endpoint_url`` is what clients are given (``host``, ``port`` and
    ``scheme`` make it up); with TLS, ``certfile`` is the certificate they can
    verify it with. ``state`` is a :class:`~kinesis_mock.KinesisMock` handle
    on the server's own state (``streams()``, ``records()``, ``settings``...),
    ``summary()`` and ``reset()`` what the admin API answers and does, and
    ``admin`` a client of that API over HTTP. ``stop()``, or leaving a
    ``with`` block, stops it.
    """

    host: str
    port: int
    scheme: str
    certfile: str | None
    # This server's own state (a mock_kinesis() in the same process has another).
    registry: Registry = field(repr=False)
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _stopped: asyncio.Event = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _app: ServerApp = field(repr=False)
    # The directory of a certificate made at start, removed at stop.
    _temporary: str | None = field(default=None, repr=False)

    @property
    def state(self) -> KinesisMock:
        """A handle on this server's state, as ``mock_kinesis()`` gives for
        the in-process mock (``streams()``, ``records()``, ``put_media()``...)."""
        from .mock import KinesisMock

        return KinesisMock._inspecting(self.registry)

    def streams(self, region: str | None = None, account_id: str | None = None) -> dict[str, Any]:
        """The server's Kinesis streams in an account and region, by name
        (``StreamInfo``, as ``km.streams()`` gives)."""
        return self.state.streams(region=region, account_id=account_id)

    def summary(
        self, account_id: str | None = None, region: str | None = None
    ) -> list[dict[str, Any]]:
        """Per account and region: streams, shards and record counts (what
        ``GET /_kinesis_mock/state`` answers)."""
        from .summary import summarize

        return summarize(self.registry, account_id, region)

    def reset(self, account_id: str | None = None, region: str | None = None) -> None:
        """Forget everything the server holds (as ``POST /_kinesis_mock/reset``
        does), or only one account's and/or region's state."""
        if account_id is None and region is None:
            self.registry.reset(self.registry.settings)
        else:
            self.registry.forget(account_id, region)

    @property
    def admin(self) -> AdminClient:
        """A client of this server's admin API over HTTP, as another process
        would use it (:class:`kinesis_mock.admin_client.AdminClient`)."""
        from .admin_client import AdminClient

        return AdminClient(self.endpoint_url, cafile=self.certfile)

    @property
    def endpoint_url(self) -> str:
        """The URL clients are given, ``http://127.0.0.1:4567`` (``https``
        with TLS; an IPv6 host in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6, as URLs write it
        return f"{self.scheme}://{host}:{self.port}"

    def stop(self) -> None:
        """Stop serving (the state stays readable through ``registry``;
        with a data directory, which is closed, all but the records and
        media: a server started on it again has them). Open event streams
        end; a certificate made at start is deleted."""
        from .transport.recognise import LOCAL_SERVERS

        LOCAL_SERVERS.discard(self.endpoint_url.partition("://")[2])
        if self._thread.is_alive():
            self._app.close()
            # A loop already closed means the thread is ending on its own.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(timeout=_GRACE_SECONDS)
        if self._thread.is_alive():
            # A TLS connection the client keeps open (a pooled keep-alive)
            # would hold the shutdown for asyncio's 30 s SSL close: cut the
            # connections still open after the grace period.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(_abort_connections, self._loop)
            self._thread.join(timeout=_ABORT_SECONDS)
        _remove(self._temporary)
        self._temporary = None
        # A data directory is closed, so that another server can open it.
        self.registry.close()
        if self._thread.is_alive():
            # Said, not hidden: a server thread left running holds its port
            # and state, and the next test would meet it.
            raise ServerStopError(
                f"the kinesis-mock server at {self.endpoint_url} did not stop within "
                f"{_GRACE_SECONDS + _ABORT_SECONDS:g} s"
            )

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


# Seconds in-flight requests get to finish when a server stops, and the
# thread then gets to end once the connections still open are cut.
_GRACE_SECONDS = 1.0
_ABORT_SECONDS = 10.0


def _abort_connections(loop: asyncio.AbstractEventLoop) -> None:
    # The selector loop's registry of open transports (private, but the only
    # handle on connections hypercorn accepted).
    for transport in list(getattr(loop, "_transports", {}).values()):
        if transport is not None:
            transport.abort()


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def start(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    certfile: str | None = None,
    keyfile: str | None = None,
    tls: bool = False,
    read_timeout: float | None = DEFAULT_READ_TIMEOUT,
    keep_alive_timeout: float = DEFAULT_KEEP_ALIVE_TIMEOUT,
    admin_anywhere: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    **settings: Any,
) -> ServerHandle:
    """Serve the engine on ``host:port`` (0 picks a free port) in a background
    thread; returns when the server accepts connections. TLS uses
    ``certfile``/``keyfile``, or with ``tls=True`` a self-signed certificate
    made at start (and deleted at stop).

    ``read_timeout``: seconds a client may pause in the middle of sending a
    request body before its connection is closed (None: no limit);
    ``keep_alive_timeout``: seconds an idle connection stays open;
    ``admin_anywhere``: answer the admin API (``/_kinesis_mock/``) from any
    client, not only this machine's (a container reached through a mapped
    port); ``data_dir``: a directory (made if missing) where the server
    keeps its state, so that a server started again on it, even after a
    crash, has every write it acknowledged (None: memory only). Other
    options are the fields of :class:`~kinesis_mock.settings.Settings`,
    checked here. Raises :class:`ServerStartError` when it cannot serve."""
    from hypercorn.asyncio import serve

    from .transport import h2_graceful, http1
    from .transport.server import make_app

    known = {f.name for f in fields(Settings)}
    unknown = set(settings) - known
    if unknown:
        raise TypeError(f"unknown server options: {', '.join(sorted(unknown))}")
    options = Settings(**settings)
    _check_timeout("read_timeout", read_timeout, optional=True)
    _check_timeout("keep_alive_timeout", keep_alive_timeout, optional=False)
    if not is_loopback(host):
        log.warning(
            "kinesis-mock is listening on %s, beyond this machine: it answers "
            "unauthenticated requests from the network",
            host,
        )
    temporary = None
    if certfile is not None:
        check_certificate(certfile, keyfile)
    elif tls:
        certfile, keyfile = self_signed_certificate(host)
        temporary = str(Path(certfile).parent)
    try:
        registry = _registry(options, data_dir)
    except BaseException:
        _remove(temporary)
        raise
    app = make_app(registry, read_timeout=read_timeout, admin_anywhere=admin_anywhere)
    try:
        sock = _listening_socket(host, port)
    except OSError:
        registry.close()
        _remove(temporary)
        raise
    bound_port = sock.getsockname()[1]
    h2_graceful.install()
    config = h2_graceful.GracefulConfig()
    fd = sock.detach()
    config.bind = [f"fd://{fd}"]
    if certfile is None and http1.install():
        # Kinesis calls over plain HTTP/1.1 are answered without hypercorn's
        # per-request cost; it serves everything else.
        http1.register(fd, app, keep_alive_timeout=keep_alive_timeout, read_timeout=read_timeout)
    config.accesslog = None
    config.errorlog = None
    config.keep_alive_timeout = keep_alive_timeout
    # stop() waits this long for open connections before cutting them
    # (hypercorn waits 3 s by default, even for a client that went away).
    config.graceful_timeout = _GRACE_SECONDS
    if certfile is not None:
        config.certfile = certfile
        config.keyfile = keyfile
        if read_timeout is not None:
            config.ssl_handshake_timeout = read_timeout
    loop = asyncio.new_event_loop()
    stopped = asyncio.Event()
    ready = threading.Event()
    failure: list[BaseException] = []

    async def run() -> None:
        loop.call_soon(ready.set)
        await serve(app, config, shutdown_trigger=stopped.wait)  # type: ignore[arg-type]

    def quiet_cancellations(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # Connections cut by stop() end in CancelledError; nothing went wrong.
        if not isinstance(context.get("exception"), asyncio.CancelledError):
            loop.default_exception_handler(context)

    def thread_main() -> None:
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(quiet_cancellations)
        try:
            loop.run_until_complete(run())
        except BaseException as error:  # reported to the caller of start()
            failure.append(error)
            ready.set()
        finally:
            http1.unregister(fd)
            loop.close()

    thread = threading.Thread(target=thread_main, name="kinesis-mock-server", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    handle = ServerHandle(
        host=host,
        port=bound_port,
        scheme="https" if certfile else "http",
        certfile=certfile,
        registry=registry,
        _loop=loop,
        _stopped=stopped,
        _thread=thread,
        _app=app,
        _temporary=temporary,
    )
    registry.endpoint_url = handle.endpoint_url  # the data endpoints Kinesis Video hands out
    try:
        _wait_until_accepting(host, bound_port, lambda: failure[0] if failure else None)
    except BaseException:
        handle.stop()
        raise
    # A client in this process given this URL reaches this server, even
    # inside a mock_kinesis() (which would otherwise answer it itself).
    from .transport.recognise import LOCAL_SERVERS

    LOCAL_SERVERS.add(handle.endpoint_url.partition("://")[2])
    return handle


def _registry(settings: Settings, data_dir: str | os.PathLike[str] | None) -> Registry:
    """The server's state: in memory, or kept in ``data_dir``."""
    if data_dir is None:
        return Registry(settings)
    import sqlite3

    from .storage import StoreError, open_registry

    try:
        return open_registry(data_dir, settings)
    except (StoreError, OSError, sqlite3.Error) as error:
        raise ServerStartError(
            f"kinesis-mock: cannot use the data directory {os.fspath(data_dir)}: {error}"
        ) from error


def _check_timeout(name: str, value: Any, *, optional: bool) -> None:
    check_option(name, "float | None" if optional else "float", value)
    if value == 0:
        raise ValueError(f"kinesis-mock option {name} must be more than zero")


def check_certificate(certfile: str, keyfile: str | None) -> None:
    """Load the certificate and key as the server will, so that a missing
    file, a file that is not PEM or a key that does not match is reported
    now, by name, rather than as a server that never answers."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        key = f" with key {keyfile}" if keyfile else ""
        raise ServerStartError(
            f"kinesis-mock: cannot use certificate {certfile}{key}: {error}"
        ) from error


def _remove(directory: str | None) -> None:
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def _wait_until_accepting(host: str, port: int, failed: Callable[[], BaseException | None]) -> None:
    for _ in range(200):
        error = failed()
        if error is not None:
            raise ServerStartError(f"kinesis-mock: the server did not start: {error}") from error
        try:
            with socket.create_connection((host, port), timeout=0.1):
                return
        except OSError:
            threading.Event().wait(0.02)
    raise ServerStartError(f"kinesis-mock: the server did not start on {host}:{port}")


def self_signed_certificate(host: str) -> tuple[str, str]:
    """A certificate and key for ``host`` (and localhost), made now and valid
    for a year, in a temporary directory; returns their paths."""
    import datetime
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kinesis-mock")])
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        names.append(x509.DNSName(host))
    if host != "127.0.0.1":
        names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = Path(tempfile.mkdtemp(prefix="kinesis-mock-tls-"))
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(certfile), str(keyfile)
