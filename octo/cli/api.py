"""`octo api PATH`: any route, spec'd or not, as `gh api` takes it.

Fields become the JSON body, or the query of a GET; `--input` sends a whole
body; `{owner}`, `{repo}` and `{branch}` come from the git repository here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlencode

from octo.cli.diskcache import duration
from octo.cli.fields import FieldError, Fields
from octo.cli.parsing import PROG, _add_global_options, options
from octo.cli.placeholders import PlaceholderError, Repository
from octo.cli.values import Sources

if TYPE_CHECKING:  # these import octo and requests, which `--help` does without
    from octo import Octo, Response
    from octo.cli.execute import Options
    from octo.cli.output import Writer

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
PER_PAGE = 100  # what --paginate asks for unless the path or a field says otherwise


def parser(sources: Sources) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{PROG} api",
        usage=f"{PROG} api PATH [-X METHOD] [-f KEY=VALUE]... [-F KEY=VALUE]... [--input FILE|-] [options]",
        description="Call any route of the REST API, as `gh api` does: octo api repos/{owner}/{repo}/issues "
                    "-f title=Bug. Fields are the JSON body, or the query of a GET; {owner}, {repo} and "
                    "{branch} come from the git repository in the working directory ($GH_REPO wins).",
        epilog=f"exit status and environment: {PROG} --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    p.add_argument("path", metavar="PATH", help="a route (repos/{owner}/{repo}), with a query if you like, "
                                                 "or a whole URL")
    p.add_argument("-X", "--method", type=str.upper, choices=_METHODS, metavar="METHOD",
                   help="the HTTP method (default: GET, or POST when fields or --input are given)")
    p.add_argument("-f", "--raw-field", action="append", default=[], metavar="KEY=VALUE",
                   help="a text field (repeatable); nested keys: a[b]=1, x[]=1")
    p.add_argument("-F", "--field", action="append", default=[], metavar="KEY=VALUE",
                   help="a typed field: true, false, null and numbers as JSON, @FILE (@- stdin) as the "
                        "file's text, placeholders filled; -F 'x[]' is an empty array")
    p.add_argument("--input", metavar="FILE|-", help="the request body from a file (- for stdin), sent as "
                                                     "it is; the fields then go to the query")
    p.add_argument("--slurp", action="store_true",
                   help="with --paginate: print one JSON array of every page's data")
    p.add_argument("--cache", type=duration, metavar="DURATION",
                   help="serve a read from the disk cache while its answer is younger than this (90s, 5m, 1h)")
    _add_global_options(p.add_argument_group(f"{PROG} options"), {"-h", "--help"}, command_level=True)
    return p


def main(top_args: argparse.Namespace, rest: list[str], argv: list[str]) -> int:
    sources = Sources("--token-stdin" if "--token-stdin" in argv else None)
    p = parser(sources)
    args = p.parse_args(rest)
    given = options(p, top_args, args)
    if args.slurp and not given["paginate"]:
        p.error("--slurp needs --paginate")
    repository = Repository()
    fields = Fields()
    try:
        path = repository.fill(args.path, encode=True)
        for text in args.raw_field:
            fields.add(text, raw=True, sources=sources, repository=repository)
        for text in args.field:
            fields.add(text, raw=False, sources=sources, repository=repository)
    except (FieldError, PlaceholderError, argparse.ArgumentTypeError) as exc:
        p.error(str(exc))
    method = args.method or ("POST" if fields.pairs or fields.body or args.input else "GET")
    if given["paginate"] and method != "GET":
        p.error("--paginate follows the pages of a GET only")
    body: Any = None
    if args.input is not None:
        body = _input(args.input, sources, p)
    if not path.startswith(("/", "https://", "http://")):
        path = "/" + path
    query = fields.query() if method == "GET" or body is not None else []
    if given["paginate"] and "per_page" not in path.partition("?")[2] and "per_page" not in dict(query):
        query.append(("per_page", str(PER_PAGE)))
    if query:
        path += ("&" if "?" in path else "?") + urlencode(query)
    json_body = fields.body if method != "GET" and body is None and (fields.body or fields.pairs) else None

    from octo.cli.execute import Options, guarded

    opts = Options(**given, cache=args.cache)
    try:
        return guarded(opts, lambda out: _call(method, path, json_body, body, opts, args.slurp, out))
    finally:
        if body is not None and body is not sys.stdin.buffer:
            body.close()


def _input(name: str, sources: Sources, p: argparse.ArgumentParser) -> IO[bytes]:
    if name == "-":
        if sources.stdin_used_by is not None:
            p.error(f"--input -: stdin already feeds {sources.stdin_used_by}; it can feed only one value")
        sources.stdin_used_by = "--input"  # read as the body is sent, never held whole
        return sys.stdin.buffer
    try:
        return open(name, "rb")  # closed by main once sent
    except OSError as exc:
        p.error(f"--input: cannot read {name}: {exc.strerror}")


def _call(method: str, path: str, json_body: Any, body: IO[bytes] | None, opts: Options, slurp: bool,
          out: Writer) -> None:
    from octo.cli.execute import client, show_dry_run
    from octo.core.operation import Operation

    gh, capture = client(opts)
    headers = dict(opts.headers or {})
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["data"] = body
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json; charset=utf-8"  # as gh api sends --input
    elif json_body is not None:
        kwargs["body"] = json_body
    op = Operation(method, path, content_type="application/octet-stream" if body is not None else None)
    response = gh.request(op, headers=headers, **kwargs)
    if capture is not None:
        show_dry_run(capture, opts, out)
        return
    if not opts.paginate:
        if opts.include:
            out.head(response.status, response.headers)
        out.data(response.data)
    elif slurp:
        out.data([page.data for page in _pages(gh, response, headers)])
    else:
        out.lines(_items(_pages(gh, response, headers)))


def _pages(gh: Octo, first: Response, headers: dict[str, str]) -> Iterator[Response]:
    from octo.core.operation import Operation
    from octo.pagination import next_link

    page = first
    while True:
        yield page
        url = next_link(page)
        if url is None:
            return
        page = gh.request(Operation("GET", url), headers=headers)


def _items(pages: Iterator[Response]) -> Iterator[Any]:
    """The items of pages that are lists; a page that is an object as it is."""
    for page in pages:
        if isinstance(page.data, list):
            yield from page.data
        else:
            yield page.data
