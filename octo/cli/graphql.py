"""`octo graphql -F query=@file.graphql -F number=7 [--paginate] [--jq EXPR]`,
in the manner of `gh api graphql`: the answer's `data` as JSON on stdout;
GraphQL errors exit 1 with their messages on stderr."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from octo.cli import exits
from octo.cli.parsing import PROG, _add_global_options, global_values
from octo.cli.values import Sources

EPILOG = """\
-F key=value is typed: true, false, null and numbers become JSON values, @FILE
reads the file (@- stdin) as text; -f key=value is always a string. The
query is `query`; every other key is a variable. With --paginate the query
declares $cursor and asks for one connection's pageInfo { hasNextPage
endCursor }; each node is printed as a line of JSON."""


def parser(sources: Sources) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} graphql", description="Send a GraphQL query or mutation to GitHub.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("-F", "--field", action="append", default=[], metavar="KEY=VALUE",
                        type=lambda text: _field(text, sources, typed=True),
                        help="a variable (typed), or the query as query=@FILE")
    parser.add_argument("-f", "--raw-field", action="append", default=[], metavar="KEY=VALUE",
                        type=lambda text: _field(text, sources, typed=False), help="a string variable")
    parser.add_argument("--jq", metavar="EXPR", help="filter the output through jq (jq must be installed)")
    # -i and -H are the REST commands' (gh.graphql takes no headers of the caller's).
    _add_global_options(parser, {"-i", "--include", "-H", "--header"}, command_level=True)
    return parser


def _field(text: str, sources: Sources, typed: bool) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text[:40]!r}")
    if typed and value.startswith("@"):
        return key, sources.file(value, key)
    if typed and (value in ("true", "false", "null") or _is_number(value)):
        return key, json.loads(value)
    return key, value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def main(argv: list[str], top_args: argparse.Namespace) -> int:
    sources = Sources("--token-stdin" if "--token-stdin" in argv else None)
    cli = parser(sources)
    args = cli.parse_args(argv)
    options = global_values(top_args, args)
    variables = dict(args.field + args.raw_field)
    query = variables.pop("query", None)
    if not isinstance(query, str):
        cli.error("the query is missing: -F query=@FILE or -f query='{ viewer { login } }'")
    if args.jq and shutil.which("jq") is None:
        cli.error("--jq needs the jq program on the PATH")
    token = sys.stdin.readline().strip() if options.get("token_stdin") else None

    import octo  # here: `octo --help` stays fast
    from octo.cli import dryrun
    from octo.cli.execute import TOKEN_VARIABLES, _report_to_stderr, exit_status, fail
    from octo.cli.output import Writer, to_json
    from octo.graphql import Call

    out = Writer()
    settings: dict[str, Any] = {k: options[k] for k in ("base_url", "timeout") if options.get(k)}
    capture = None
    if options.get("dry_run"):
        settings["session"], capture = dryrun.capturing_session()
    with _report_to_stderr(options.get("verbose", False)):
        try:
            with octo.Octo.from_env(token, **settings) as gh:
                if capture is not None:  # the first request, as it would be sent
                    call = Call(gh.base_url, query, variables)
                    gh.request(call.operation, data=call.body)
                    secrets = [s for s in (token, *map(os.environ.get, TOKEN_VARIABLES)) if s]
                    lines: Iterator[str] = iter([to_json(dryrun.describe(capture.captured[0], secrets), out.pretty)])
                elif options.get("paginate"):
                    lines = (to_json(node, False) for node in octo.paginate.graphql(gh, query, variables))
                else:
                    lines = iter([to_json(gh.graphql(query, variables), out.pretty)])
                for line in lines:
                    out.text(_jq(args.jq, line, out.pretty) if args.jq else line + "\n")
        except octo.GraphQLError as exc:
            for error in exc.errors:
                fail(str(error))
            return exit_status(exc)
        except (octo.OctoError, ValueError, TypeError) as exc:
            fail(str(exc))
            return exit_status(exc)
    return exits.OK


def _jq(expression: str, text: str, pretty: bool) -> str:
    flags = ["-r"] if pretty else ["-r", "-c"]
    done = subprocess.run(["jq", *flags, expression], input=text, capture_output=True, text=True, timeout=60,
                          check=False)
    if done.returncode != 0:
        raise ValueError(f"--jq: {done.stderr.strip()}")
    return done.stdout
