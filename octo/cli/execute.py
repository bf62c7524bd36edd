"""Run one parsed command through the library: the generated method does the
checking and the request building; this module picks the client, the output
and the exit status."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

import octo
from octo.cli import dryrun, exits
from octo.cli.login import TOKEN_VARIABLES, api_root, resolve_token
from octo.cli.metadata import Command
from octo.cli.output import Filter, Progress, Writer, to_json
from octo.cli.values import FileArg
from octo.drivers import transport


@dataclass
class Options:
    include: bool = False
    paginate: bool = False
    dry_run: bool = False
    verbose: bool = False
    base_url: str | None = None
    timeout: float | None = None
    headers: dict[str, str] | None = None  # -H/--header
    token: str | None = None  # from --token-stdin; else the environment
    jq: Filter | None = None  # --jq
    cache: float | None = None  # octo api --cache: seconds


def fail(message: str) -> None:
    # A server's message may hold what no encoding can write (a lone surrogate from a
    # JSON escape): written escaped, whatever stream stderr is.
    sys.stderr.write(f"octo: {message}\n".encode("utf-8", "backslashreplace").decode("utf-8"))
    sys.stderr.flush()


def run(namespace: str, command: Command, arguments: dict[str, Any], options: Options) -> int:
    """Call the endpoint and write its answer; returns the exit status."""
    with contextlib.ExitStack() as files:
        for name, value in arguments.items():
            if isinstance(value, FileArg):
                arguments[name] = files.enter_context(value.path.open("rb"))
        return guarded(options, lambda out: _call(namespace, command["method"], arguments, options, out))


def guarded(options: Options, call: Callable[[Writer], None]) -> int:
    """Run `call` with stdout, and turn what it raises into a message and an exit status."""
    out = Writer(jq=options.jq)
    with _report_to_stderr(options.verbose):
        try:
            call(out)
        except octo.RequestError as exc:
            answer = exc.response
            if options.include:
                out.head(answer.status, answer.headers)
                try:
                    out.data(answer.data)
                except ValueError:  # a --jq that does not fit the error's body
                    pass
                except octo.OctoError as unprintable:  # said, but the status is still the answer's
                    fail(str(unprintable))
            for message in map(str, exc.errors) if isinstance(exc, octo.GraphQLError) else [str(exc)]:
                fail(message)  # a GraphQL answer's errors one per line, as gh api prints them
            return exit_status(exc)
        except octo.OctoError as exc:
            fail(str(exc))
            return exit_status(exc)
        except (ValueError, TypeError) as exc:  # the library's checks, before any I/O; a --jq error
            fail(f"error: {exc}")
            return exit_status(exc)
    return exits.OK


def exit_status(exc: Exception) -> int:
    """The exit status for an error the library raised (`exits.MEANINGS`)."""
    if isinstance(exc, octo.RateLimitError):
        return exits.RATE_LIMITED
    if isinstance(exc, octo.NotFoundError) and not isinstance(exc, octo.GraphQLError):
        return exits.NOT_FOUND
    if isinstance(exc, octo.RequestError | octo.OAuthError):  # OAuthError: a sign-in refused or denied
        return exits.ERROR_STATUS
    if isinstance(exc, octo.OctoError):
        return exits.TRANSPORT
    return exits.USAGE  # ValueError, TypeError: the library's checks, before any I/O


def client(options: Options) -> tuple[octo.Octo, dryrun.CaptureAdapter | None]:
    """The client a command line asks for, and the adapter that keeps the requests of a --dry-run."""
    kwargs: dict[str, Any] = {}
    if options.base_url:
        kwargs["base_url"] = options.base_url
    if options.timeout:
        kwargs["timeout"] = options.timeout
    capture = None
    if options.dry_run:
        kwargs["session"], capture = dryrun.capturing_session()
    elif options.cache:
        from octo.cli import diskcache

        kwargs["session"] = session = requests.Session()
        transport.mount(session, transport.DEFAULT_MAX_CONNECTIONS, own=True)
        diskcache.mount(session, options.cache)
    token = resolve_token(options.token, api_root(options.base_url))
    return octo.Octo.from_env(token, **kwargs), capture


def show_dry_run(capture: dryrun.CaptureAdapter, options: Options, out: Writer) -> None:
    secrets = [s for s in (options.token, *map(os.environ.get, TOKEN_VARIABLES)) if s]
    for request in capture.captured:
        out.text(to_json(dryrun.describe(request, secrets), out.pretty) + "\n")


def _call(namespace: str, method_name: str, arguments: dict[str, Any], options: Options, out: Writer) -> None:
    gh, capture = client(options)
    method = getattr(getattr(gh, namespace), method_name)
    if options.headers:
        arguments = {**arguments, "headers": options.headers}
    if capture is not None:
        method(**arguments)
        show_dry_run(capture, options, out)
    elif options.paginate:
        progress = Progress()
        items = octo.paginate(method, **arguments)
        try:
            out.lines(progress.track(items))
        finally:
            items.close()
            progress.done()
    else:
        response = method(**arguments)
        if options.include:
            out.head(response.status, response.headers)
        out.data(response.data)


class _StderrHandler(logging.Handler):
    """The library's log lines (retry waits; each request with --verbose) on
    whatever `sys.stderr` is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        fail(f"{record.levelname.lower()}: {self.format(record)}")


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    fail(f"warning: {message}")


@contextlib.contextmanager
def _report_to_stderr(verbose: bool) -> Iterator[None]:
    """Deprecation warnings and the `octo` logger as `octo: warning: ...` lines."""
    logger = logging.getLogger("octo")
    handler, level = _StderrHandler(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("always", DeprecationWarning)
        warnings.showwarning = _show_warning
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
