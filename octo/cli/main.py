"""`octo NAMESPACE COMMAND [ARGS]`: route a command line to its parser, then
to the library. Nothing here imports `octo` until a request is to be made."""

from __future__ import annotations

import importlib
import os
import sys

from octo.cli import completion, exits, metadata
from octo.cli.parsing import (
    COMMANDS,
    PROG,
    arguments,
    command_parser,
    did_you_mean,
    namespace_help,
    options,
    split,
    top_parser,
)
from octo.cli.values import Sources
from octo.version import __version__


def main(argv: list[str] | None = None) -> int:
    """The `octo` command; returns the exit status."""
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse: --help, or a usage error
        return exc.code if isinstance(exc.code, int) else exits.USAGE
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return exits.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`octo ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exits.BROKEN_PIPE


def _usage(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return exits.USAGE


def _main(argv: list[str]) -> int:
    if argv[:1] == ["__complete"]:
        shell, words = (argv[1], argv[2:]) if len(argv) > 1 else ("bash", [])
        sys.stdout.write(completion.render(completion.candidates(words), shell))
        return 0
    head, tail = split(argv)
    top = top_parser()
    top_args = top.parse_args(head)
    if top_args.completion:
        sys.stdout.write(completion.SCRIPTS[top_args.completion])
        return 0
    if top_args.version:
        sys.stdout.write(f"{PROG} {__version__}\n")  # not the metadata: it has the distribution's name
        return 0
    if not tail:
        top.print_help(sys.stderr)
        return exits.USAGE

    ns_name, rest = tail[0], tail[1:]
    if ns_name in COMMANDS:
        status: int = importlib.import_module(COMMANDS[ns_name][0]).main(top_args, rest, argv)
        return status
    if ns_name not in metadata.namespaces():
        return _usage(f"unknown namespace {ns_name!r}" + did_you_mean(ns_name, list(metadata.namespaces())))
    space = metadata.namespace(ns_name)
    if not rest or rest[0] in ("-h", "--help"):
        (sys.stdout if rest else sys.stderr).write(namespace_help(ns_name))
        return 0 if rest else exits.USAGE
    cmd_name = rest[0]
    if cmd_name in space["aliases"]:
        new = space["aliases"][cmd_name]
        sys.stderr.write(f"{PROG}: warning: {ns_name} {cmd_name} is deprecated, use {ns_name} {new}\n")
        cmd_name = new
    command = space["commands"].get(cmd_name)
    if command is None:
        return _usage(f"{ns_name} has no command {cmd_name!r}" + did_you_mean(cmd_name, list(space["commands"])))

    # Claimed before parsing, so a `--data -` is refused rather than read as the token.
    sources = Sources("--token-stdin" if "--token-stdin" in argv else None)
    parser = command_parser(ns_name, cmd_name, command, sources)
    args = parser.parse_args(rest[1:])
    given = options(parser, top_args, args)
    if given["paginate"] and not command.get("paginated"):
        parser.error("--paginate: this endpoint is not paginated")

    from octo.cli.execute import Options, run  # imports octo and requests

    return run(space["namespace"], command, arguments(args), Options(**given))
