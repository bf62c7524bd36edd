"""`octo graphql -F query=@file.graphql -F number=7 [--paginate] [--jq EXPR]`,
in the manner of `gh api graphql`: the answer's `data` as JSON on stdout;
GraphQL errors exit 1 with their messages on stderr."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from octo.cli.fields import json_scalar
from octo.cli.parsing import PROG, _add_global_options, options
from octo.cli.values import Sources

if TYPE_CHECKING:
    from octo.cli.execute import Options
    from octo.cli.output import Writer

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
    # -i and -H are the REST commands' (gh.graphql takes no headers of the caller's).
    _add_global_options(parser, {"-i", "--include", "-H", "--header"}, command_level=True)
    return parser


def _field(text: str, sources: Sources, typed: bool) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text[:40]!r}")
    if typed and value.startswith("@"):
        return key, sources.file(value, key)
    if typed:
        found, scalar = json_scalar(value)
        if found:
            return key, scalar
    return key, value


def main(top_args: argparse.Namespace, rest: list[str], argv: list[str]) -> int:
    sources = Sources("--token-stdin" if "--token-stdin" in argv else None)
    cli = parser(sources)
    args = cli.parse_args(rest)
    given = options(cli, top_args, args)
    variables = dict(args.field + args.raw_field)
    query = variables.pop("query", None)
    if not isinstance(query, str):
        cli.error("the query is missing: -F query=@FILE or -f query='{ viewer { login } }'")

    from octo.cli.execute import Options, guarded

    opts = Options(**given)
    return guarded(opts, lambda out: _send(query, variables, opts, out))


def _send(query: str, variables: dict[str, Any], opts: Options, out: Writer) -> None:
    """The query through the client every command uses (token order, --hostname, --dry-run)."""
    import octo  # here: `octo --help` stays fast
    from octo.cli.execute import client, show_dry_run
    from octo.graphql import Call

    gh, capture = client(opts)
    with gh:
        if capture is not None:  # the first request, as it would be sent
            call = Call(gh.base_url, query, variables)
            gh.request(call.operation, data=call.body)
            show_dry_run(capture, opts, out)
        elif opts.paginate:
            out.lines(octo.paginate.graphql(gh, query, variables))
        else:
            out.data(gh.graphql(query, variables))


