"""Run one parsed command through the library: the generated method does the
checking and the request building; this module picks the client, the output
and the exit status."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any

import octo
from octo_cli import dryrun, paging
from octo_cli.metadata import Command
from octo_cli.output import Progress, Writer, to_json
from octo_cli.values import FileArg

EXIT_ERROR_STATUS = 1
EXIT_USAGE = 2
EXIT_TRANSPORT = 3
EXIT_NOT_FOUND = 4
EXIT_RATE_LIMITED = 5
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


@dataclass
class Options:
    include: bool = False
    paginate: bool = False
    dry_run: bool = False
    base_url: str | None = None
    timeout: float | None = None
    token: str | None = None  # from --token-stdin; else the environment


def fail(message: str) -> None:
    sys.stderr.write(f"octo: {message}\n")
    sys.stderr.flush()


def _warn(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    fail(f"warning: {message}")


def run(namespace: str, command: Command, arguments: dict[str, Any], options: Options) -> int:
    """Call the endpoint; returns the exit status."""
    kwargs: dict[str, Any] = {}
    if options.base_url:
        kwargs["base_url"] = options.base_url
    if options.timeout:
        kwargs["timeout"] = options.timeout
    capture = None
    if options.dry_run:
        kwargs["session"], capture = dryrun.capturing_session()
    out = Writer()
    with warnings.catch_warnings(), contextlib.ExitStack() as files:
        warnings.simplefilter("always", DeprecationWarning)
        warnings.showwarning = _warn
        for name, value in arguments.items():
            if isinstance(value, FileArg):
                arguments[name] = files.enter_context(value.path.open("rb"))
        try:
            client = octo.Octo.from_env(options.token, **kwargs)
            method = getattr(getattr(client, namespace), command["method"])
            if capture is not None:
                method(**arguments)
                secrets = [s for s in (options.token, *map(os.environ.get, TOKEN_VARIABLES)) if s]
                for request in capture.captured:
                    out.text(to_json(dryrun.describe(request, secrets), out.pretty) + "\n")
            elif options.paginate:
                progress = Progress()
                try:
                    out.lines(progress.track(
                        paging.walk(client, method, arguments, command.get("list_key"))))
                finally:
                    progress.done()
            else:
                response = method(**arguments)
                if options.include:
                    out.head(response.status, response.headers)
                out.data(response.data)
        except octo.RequestError as exc:
            if options.include:
                out.head(exc.status, exc.response.headers)
                out.data(exc.response.data)
            fail(str(exc))
            if isinstance(exc, octo.RateLimitError):
                return EXIT_RATE_LIMITED
            return EXIT_NOT_FOUND if exc.status == 404 else EXIT_ERROR_STATUS
        except octo.OctoError as exc:
            fail(str(exc))
            return EXIT_TRANSPORT
        except (ValueError, TypeError) as exc:  # the library's checks, before any I/O
            fail(f"error: {exc}")
            return EXIT_USAGE
    return 0
