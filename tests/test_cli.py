"""``kinesis-mock serve`` as a person runs it: every option from one
definition (a flag, a variable, a default and a sentence in --help), and a
mistake reported in one line, never a traceback."""

from __future__ import annotations

import inspect
import logging
import os
import re
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import kinesis_mock
from kinesis_mock import cli, server
from kinesis_mock.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def _examples(tmp_path: Path) -> dict[str, tuple[str, Any]]:
    """For each option: a valid text, and what it parses to."""
    pem = tmp_path / "cert.pem"
    pem.write_text("")
    return {
        "host": ("0.0.0.0", "0.0.0.0"),
        "port": ("8080", 8080),
        "certfile": (str(pem), str(pem)),
        "keyfile": (str(pem), str(pem)),
        "tls": ("true", True),
        "read_timeout": ("none", None),
        "keep_alive_timeout": ("2.5", 2.5),
        "admin_anywhere": ("yes", True),
        "region": ("eu-west-1", "eu-west-1"),
        "stream": ("orders:2", [cli.StreamSpec("orders", 2)]),
        "data_dir": (str(tmp_path / "data"), str(tmp_path / "data")),
        "log_level": ("INFO", "info"),
        "account_id": ("111122223333", "111122223333"),
        "stream_create_delay": ("1.5", 1.5),
        "stream_delete_delay": ("1.5", 1.5),
        "stream_update_delay": ("1.5", 1.5),
        "consumer_create_delay": ("1.5", 1.5),
        "consumer_delete_delay": ("1.5", 1.5),
        "subscription_wait_seconds": ("1.5", 1.5),
        "shard_limit": ("7", 7),
        "on_demand_stream_limit": ("7", 7),
        "throughput": ("true", True),
    }


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(cli.ENV_PREFIX):
            monkeypatch.delenv(name)


# -- one definition -------------------------------------------------------------


def _serve_parser() -> Any:
    parser = cli._parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    return commands.choices["serve"]  # type: ignore[index]


def test_every_option_comes_from_its_definition() -> None:
    flags = {
        flag
        for action in _serve_parser()._actions
        for flag in action.option_strings
        if flag not in ("-h", "--help", "--version")
    }
    assert flags == {option.flag for option in cli.OPTIONS}
    # Every Settings field is an option, and so is every option of server.start.
    assert [o.name for o in cli.SETTINGS_OPTIONS] == [f.name for f in fields(Settings)]
    for option, field in zip(cli.SETTINGS_OPTIONS, fields(Settings), strict=True):
        assert option.setting and option.default == field.default and option.help
    parameters = inspect.signature(server.start).parameters
    started = {name for name, p in parameters.items() if p.kind is not p.VAR_KEYWORD}
    assert started <= {o.name for o in cli.SERVER_OPTIONS}
    names = [option.name for option in cli.OPTIONS]
    envs = [option.env for option in cli.OPTIONS]
    assert len(set(names)) == len(names) and len(set(envs)) == len(envs)
    assert all(env.startswith("KINESIS_MOCK_") for env in envs)


def test_every_option_has_a_flag_and_a_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_environment: None
) -> None:
    examples = _examples(tmp_path)
    assert set(examples) == {option.name for option in cli.OPTIONS}, "add an example"
    defaults = cli._parser().parse_args(["serve"])
    for option in cli.OPTIONS:
        text, value = examples[option.name]
        if option.setting:  # left to Settings unless given
            assert getattr(defaults, option.name) is None
        else:
            assert getattr(defaults, option.name) == option.default, option.name
        args = cli._parser().parse_args(["serve", option.flag, text])
        assert getattr(args, option.name) == value, option.flag
        monkeypatch.setenv(option.env, text)
        args = cli._parser().parse_args(["serve"])
        assert getattr(args, option.name) == value, option.env
        monkeypatch.delenv(option.env)


def test_a_flag_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, clean_environment: None
) -> None:
    monkeypatch.setenv("KINESIS_MOCK_PORT", "5000")
    monkeypatch.setenv("KINESIS_MOCK_STREAMS", "a:1, b:2:eu-west-1")
    monkeypatch.setenv("KINESIS_MOCK_TLS", "yes")
    args = cli._parser().parse_args(["serve"])
    assert (args.port, args.tls) == (5000, True)
    assert args.stream == [cli.StreamSpec("a", 1), cli.StreamSpec("b", 2, "eu-west-1")]
    args = cli._parser().parse_args(["serve", "--port", "6000", "--stream", "c:3", "--tls", "no"])
    assert (args.port, args.stream, args.tls) == (6000, [cli.StreamSpec("c", 3)], False)
    # A switch alone turns it on; an empty variable is as good as none.
    monkeypatch.setenv("KINESIS_MOCK_TLS", "")
    assert cli._parser().parse_args(["serve"]).tls is False
    assert cli._parser().parse_args(["serve", "--tls"]).tls is True


def test_help_shows_each_option_with_its_default_its_variable_and_a_sentence(
    capsys: pytest.CaptureFixture[str], clean_environment: None
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["serve", "--help"])
    assert excinfo.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for option in cli.OPTIONS:
        usage = option.flag + (" [BOOL]" if option.switch else f" {option.metavar}")
        match = re.search(re.escape(usage) + r" (.*?) \(default: (.*?); env (\S+)\)", shown)
        assert match is not None, option.flag
        sentence, default, env = match.groups()
        assert sentence == option.help, option.flag
        assert env == option.env
        assert default == option.shown_default, option.flag
    assert "(default: 4567; env KINESIS_MOCK_PORT)" in shown
    assert "(default: 123456789012; env KINESIS_MOCK_ACCOUNT_ID)" in shown


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--version"], ["serve", "--version"]):
        with pytest.raises(SystemExit) as excinfo:
            cli.main(argv)
        assert excinfo.value.code == 0
        assert capsys.readouterr().out == f"kinesis-mock {kinesis_mock.__version__}\n"


def test_the_options_table_for_the_readme() -> None:
    table = cli.options_markdown()
    assert table.count("\n") == len(cli.OPTIONS) + 2
    assert "| `--port PORT` | `KINESIS_MOCK_PORT` | `4567` | port to listen on" in table
    assert "| `--throughput [BOOL]` | `KINESIS_MOCK_THROUGHPUT` | `false` |" in table
    assert "| `--shard-limit N` | `KINESIS_MOCK_SHARD_LIMIT` | the service's, 20000 in" in table


@pytest.mark.parametrize("name", sorted(cli.README_TABLES))
def test_the_readme_shows_each_options_table_as_generated(name: str) -> None:
    shown = cli.readme_table(README.read_text(encoding="utf-8"), name)
    assert shown is not None, f"README has no <!-- {name} --> table"
    assert shown == cli.README_TABLES[name](), f"README's {name} table: run {cli.README_COMMAND}"


def test_the_in_process_options_table() -> None:
    table = cli.mock_options_markdown()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    names = [row.split("`")[1] for row in rows]
    # Every option of mock_kinesis(), each once: the Settings fields, then the switches.
    assert names == [field.name for field in fields(Settings)] + [
        "intercept_requests",
        "refuse_other_services",
    ]
    assert (
        "| `stream_create_delay` | `0` | seconds a new stream stays CREATING "
        "| `--stream-create-delay SECONDS` | `KINESIS_MOCK_STREAM_CREATE_DELAY` |"
    ) in table
    assert "| `shard_limit` | `None`: the service's, 20000 in" in table
    # The one variable read in process as well as by serve.
    assert "| `account_id` | `None`: `KINESIS_MOCK_ACCOUNT_ID`, else 123456789012 |" in table
    assert "| `throughput` | `False` | enforce" in table
    assert "(see [Throughput limits](#throughput-limits)) | `--throughput [BOOL]` |" in table
    assert "| `intercept_requests` | `True` | also answer" in table
    assert table.count("| — | — |") == 2  # the switches have no flag and no variable


def test_the_options_tables_link_to_sections_the_readme_has() -> None:
    text = README.read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("## ") or line.startswith("### ")
    }
    links = re.findall(r"\]\(#([a-z0-9-]+)\)", cli.mock_options_markdown())
    assert len(links) >= 4
    assert set(links) <= headings


def test_the_readme_command_rewrites_the_tables(tmp_path: Path) -> None:
    stale = README.read_text(encoding="utf-8")
    for name in cli.README_TABLES:
        shown = cli.readme_table(stale, name)
        assert shown is not None
        stale = stale.replace(shown, "| stale |\n")
    readme = tmp_path / "README.md"
    readme.write_text(stale, encoding="utf-8")
    command = [sys.executable, "-m", "kinesis_mock.cli", "--readme", str(readme)]
    assert cli.README_COMMAND.split()[1:] == command[1:4]
    subprocess.run(command, check=True, timeout=60)
    assert readme.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


# -- mistakes, each in one line ----------------------------------------------------


def _serve(*argv: str, env: dict[str, str] | None = None, code: str = "") -> tuple[int, str]:
    """Run ``python -m kinesis_mock serve ARGV`` (after ``code``, when given)
    to its end; its exit status and what it said on stderr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(cli.ENV_PREFIX)}
    environment.update(env or {})
    if code:
        runner = code + "\nimport runpy; runpy.run_module('kinesis_mock', run_name='__main__')"
        command = [sys.executable, "-c", runner, "serve", *argv]
    else:
        command = [sys.executable, "-m", "kinesis_mock", "serve", *argv]
    done = subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=30, check=False
    )
    assert done.returncode == 0 or done.stdout == ""
    return done.returncode, done.stderr


def _one_line(stderr: str) -> str:
    """The one line of a report (after argparse's usage line, if any)."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    if lines and lines[0].startswith("usage: "):
        assert lines[0] == "usage: kinesis-mock serve [OPTION ...]   (--help lists them)"
        lines = lines[1:]
    assert len(lines) == 1, stderr
    return lines[0]


def _main(
    *argv: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, **env: str
) -> tuple[int, str]:
    """``main()`` in this process (what ``python -m kinesis_mock`` runs, a
    second sooner): its exit status and what it said on stderr."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["serve", *argv])
    out, stderr = capsys.readouterr()
    assert out == ""
    assert isinstance(excinfo.value.code, int)
    return excinfo.value.code, stderr


USAGE = "kinesis-mock serve: error: "
SPEC = "; expected NAME:SHARDS[:REGION], e.g. orders:2"


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--port", "abc"], {}, "argument --port: invalid port 'abc' (a whole number from 0 to "),
        (["--port", "65536"], {}, "argument --port: invalid port '65536' (a whole number from 0"),
        (["--port=-1"], {}, "argument --port: invalid port '-1'"),
        (["--stream", "orders"], {}, f"invalid stream 'orders': no shard count{SPEC}"),
        (
            ["--stream", "orders:two"],
            {},
            f"invalid stream 'orders:two': SHARDS must be a whole number of 1 or more, "
            f"not 'two'{SPEC}",
        ),
        (["--stream", "orders:0"], {}, "SHARDS must be a whole number of 1 or more, not '0'"),
        (
            ["--stream", "my/orders:1"],
            {},
            "invalid stream 'my/orders:1': NAME must be 1 to 128 letters, digits, '_', '.' or '-'",
        ),
        (["--stream", "o:1:eu-west-1:x"], {}, "invalid stream 'o:1:eu-west-1:x': too many ':'"),
        (["--stream", "o:1:"], {}, "invalid stream 'o:1:': REGION is empty"),
        (
            ["--log-level", "loud"],
            {},
            "argument --log-level: invalid log level 'loud' (one of debug, info, warning, "
            "error, critical)",
        ),
        (["--throughput", "maybe"], {}, "invalid bool value: 'maybe' (true or false)"),
        (["--shard-limit", "-1"], {}, "kinesis-mock option shard_limit must be zero or more"),
        (["--read-timeout", "0"], {}, "kinesis-mock option read_timeout must be more than zero"),
        (["--account-id", "42"], {}, "account_id must be 12 digits, not '42'"),
        (["--certfile", "/no/such/cert.pem"], {}, "argument --certfile: no such file: '/no/such"),
        (["--keyfile", __file__], {}, "argument --keyfile: needs --certfile"),
        (
            [],
            {"KINESIS_MOCK_PORT": "http"},
            "environment variable KINESIS_MOCK_PORT: invalid port 'http'",
        ),
        (
            [],
            {"KINESIS_MOCK_STREAMS": "a:1,b"},
            f"environment variable KINESIS_MOCK_STREAMS: invalid stream 'b': no shard count{SPEC}",
        ),
        (
            [],
            {"KINESIS_MOCK_STREAM_CREATE_DELAY": "soon"},
            "environment variable KINESIS_MOCK_STREAM_CREATE_DELAY: invalid float value: 'soon'",
        ),
        (
            [],
            {"KINESIS_MOCK_LOG_LEVEL": "verbose"},
            "environment variable KINESIS_MOCK_LOG_LEVEL: invalid log level 'verbose'",
        ),
        (
            ["--port", "0", "--stream", "o:1", "--stream", "o:2"],
            {},
            "argument --stream: cannot create stream 'o': ResourceInUseException: Stream o "
            "under account 123456789012 already exists.",
        ),
    ],
)
def test_a_usage_error_is_one_line_and_status_2(
    argv: list[str],
    env: dict[str, str],
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clean_environment: None,
) -> None:
    # In this process, through the same main() that ``python -m kinesis_mock``
    # runs (a second each saved): an exception that escapes main() fails the
    # test as a traceback would, and the exit status and stderr are the
    # process's. The test below runs two of them as a real command.
    status, stderr = _main(*argv, capsys=capsys, monkeypatch=monkeypatch, **env)
    line = _one_line(stderr)
    assert status == 2, stderr
    assert line.startswith(USAGE) and says in line, line


def test_a_usage_error_from_the_command_line_is_one_line_and_status_2() -> None:
    for argv, env, says in [
        (["--port", "abc"], {}, "argument --port: invalid port 'abc' (a whole number from 0 to "),
        ([], {"KINESIS_MOCK_PORT": "http"}, "variable KINESIS_MOCK_PORT: invalid port 'http'"),
    ]:
        status, stderr = _serve(*argv, env=env)
        line = _one_line(stderr)
        assert status == 2, stderr
        assert line.startswith(USAGE) and says in line, line


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_in_use_is_one_line_and_status_1(
    taken_port: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    clean_environment: None,
) -> None:
    # As a command (the flag), and through main() here (the variable).
    status, stderr = _serve("--port", str(taken_port))
    assert (status, _one_line(stderr)) == (
        1,
        f"kinesis-mock: port {taken_port} is in use; pass --port 0 for a free one",
    )
    status, stderr = _main(
        capsys=capsys, monkeypatch=monkeypatch, KINESIS_MOCK_PORT=str(taken_port)
    )
    assert (status, _one_line(stderr)) == (
        1,
        f"kinesis-mock: port {taken_port} is in use; pass --port 0 for a free one",
    )


def test_a_certificate_it_cannot_use_is_one_line_and_status_1(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    clean_environment: None,
) -> None:
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("not a certificate\n")
    status, stderr = _main(
        "--port", "0", "--certfile", str(not_pem), capsys=capsys, monkeypatch=monkeypatch
    )
    assert status == 1
    assert _one_line(stderr).startswith(f"kinesis-mock: cannot use certificate {not_pem}: ")


# A finder first in line that refuses a module, as a Python without it would.
_WITHOUT = """
import sys
class _Without:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == {module!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _Without())
"""


@pytest.mark.parametrize("module", ["hypercorn", "cbor2"])
def test_without_the_server_extra_it_says_what_to_install(module: str) -> None:
    status, stderr = _serve("--port", "0", code=textwrap.dedent(_WITHOUT.format(module=module)))
    assert (status, _one_line(stderr)) == (
        1,
        f"kinesis-mock: serving needs the server extra (no module named {module!r}): "
        "pip install 'hypercorn>=0.16' 'cbor2>=5.4' 'cryptography>=41'",
    )
    # --help and --version need no extra.
    status, _ = _serve("--help", code=textwrap.dedent(_WITHOUT.format(module=module)))
    assert status == 0


# -- serving -----------------------------------------------------------------------


def test_serve_makes_its_streams_and_logs_each_call_with_its_error_code() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(cli.ENV_PREFIX)}
    environment["KINESIS_MOCK_STREAMS"] = "orders:2"
    process = subprocess.Popen(
        [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0", "--log-level", "info"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("kinesis-mock serving on http://127.0.0.1:")
        client = boto3.client(
            "kinesis",
            region_name="us-east-1",
            endpoint_url=line.rsplit(" ", 1)[1].strip(),
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="x",
        )
        assert client.list_streams()["StreamNames"] == ["orders"]
        with pytest.raises(ClientError):
            client.describe_stream(StreamName="missing")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in stderr
    logged = [line.split(" ", 2)[2] for line in stderr.splitlines()]  # after the time
    assert logged == [
        "POST / Kinesis_20131202.ListStreams -> 200",
        "POST / Kinesis_20131202.DescribeStream -> 400 ResourceNotFoundException",
    ]


def test_a_rest_json_call_is_logged_with_its_error_code(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kinesis_mock.server")
    with server.start(port=0) as handle:
        video = boto3.client(
            "kinesisvideo",
            region_name="us-east-1",
            endpoint_url=handle.endpoint_url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="x",
        )
        video.list_streams()
        with pytest.raises(ClientError):
            video.describe_stream(StreamName="missing")
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("POST")] == [
        "POST /listStreams -> 200",
        "POST /describeStream -> 404 ResourceNotFoundException",
    ]
