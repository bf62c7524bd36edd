"""argparse parsers built from the command metadata: the top level, one
namespace's command list, and one command's parameters.

Only the parser that a command line reaches is built, from only the one
namespace file it names.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from typing import Any

from octo.cli import exits, metadata
from octo.cli.metadata import Command, Param
from octo.cli.values import AppendItems, Sources, choice, data, header, scalar

PROG = "octo"



def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


_positive.__name__ = "positive number"


def _jq(text: str) -> Any:
    from octo.cli.output import jq_filter

    try:
        return jq_filter(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?")


def api_root(host: str) -> str:
    """`--hostname`'s API root: api.github.com for github.com, else GHES's https://HOST/api/v3."""
    if not _HOST.fullmatch(host):
        raise argparse.ArgumentTypeError(f"{host!r} is not a host name (such as github.example.com)")
    return "https://api.github.com" if host.lower() == "github.com" else f"https://{host}/api/v3"

# Hand-written commands beside the generated namespaces: name -> (module with
# `main(top_args, rest, argv) -> exit status`, summary).
COMMANDS = {"api": ("octo.cli.api", "call any route, as gh api does: octo api repos/{owner}/{repo}"),
            "auth": ("octo.cli.login", "sign in (auth login), see who is signed in (auth status), sign out"),
            "graphql": ("octo.cli.graphql", "send a GraphQL query: graphql -F query=@q.graphql [--paginate]"),
            "webhooks": ("octo.cli.webhooks", "send a saved delivery to a local app, signed: webhooks replay FILE URL")}

# Options of octo itself, accepted before the namespace and after the command.
# Their dests start with "@", which no parameter's Python name can.
GLOBAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("-i", "--include"), {"action": "store_true", "dest": "@include",
                           "help": "print the status line and headers before the body"}),
    (("--paginate",), {"action": "store_true", "dest": "@paginate",
                       "help": "walk every page; print each item as one line of JSON"}),
    (("--dry-run",), {"action": "store_true", "dest": "@dry_run",
                      "help": "print the request that would be sent (token redacted); send nothing"}),
    (("--base-url",), {"metavar": "URL", "dest": "@base_url",
                       "help": "API root (default: $GITHUB_API_URL, else https://api.github.com)"}),
    (("--hostname",), {"metavar": "HOST", "dest": "@hostname", "type": api_root,
                       "help": "GitHub Enterprise Server host: the API root https://HOST/api/v3"}),
    (("--token-stdin",), {"action": "store_true", "dest": "@token_stdin",
                          "help": "read the token from stdin (default: $GITHUB_TOKEN, else $GH_TOKEN)"}),
    (("--timeout",), {"type": _positive, "metavar": "SECONDS", "dest": "@timeout",
                      "help": "connect and read timeout (default: 10 s connect, 30 s read)"}),
    (("-H", "--header"), {"action": "append", "type": header, "metavar": "'NAME: VALUE'", "dest": "@header",
                          "help": "send this header too (repeatable); it replaces octo's of the same name"}),
    (("-v", "--verbose"), {"action": "store_true", "dest": "@verbose",
                           "help": "log each request (method, URL, status, time) on stderr"}),
    (("-q", "--jq"), {"metavar": "EXPRESSION", "dest": "@jq", "type": _jq,
                 "help": "filter the JSON output with jq (each item with --paginate); strings print raw"}),
)
# Options that take a value, so splitting a command line skips their value.
VALUE_OPTIONS = frozenset({"--base-url", "--hostname", "--timeout", "-H", "--header", "-q", "--jq",
                           "--completion"})


def split(argv: list[str]) -> tuple[list[str], list[str]]:
    """The options before the namespace, and the namespace with what follows."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return argv[:i], argv[i + 1:]
        if not arg.startswith("-") or arg == "-":
            break
        i += 2 if arg in VALUE_OPTIONS else 1
    return argv[:i], argv[i:]


def _add_global_options(target: argparse._ActionsContainer, taken: set[str], command_level: bool) -> None:
    for flags, kwargs in GLOBAL_OPTIONS:
        free = [f for f in flags if f not in taken]
        if not free:
            continue  # a parameter of this command owns the name
        if command_level:
            kwargs = {**kwargs, "default": argparse.SUPPRESS}
        target.add_argument(*free, **kwargs)


def top_parser() -> argparse.ArgumentParser:
    counts = metadata.namespaces()
    width = max((len(n) for n in counts), default=0) + 2
    listing = "\n".join(f"  {name:<{width}}{n} command{'s' if n != 1 else ''}"
                        for name, n in counts.items())
    statuses = "\n".join(f"  {code:<5}{text}" for code, text in exits.MEANINGS)
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [options] NAMESPACE COMMAND [ARGS]",
        description="Call any GitHub REST API endpoint. The response's JSON goes to stdout "
                    "(pretty on a terminal, compact when piped); errors go to stderr.",
        epilog="commands:\n" + "".join(f"  {name:<{width}}{summary}\n" for name, (_, summary) in COMMANDS.items())
               + f"\nnamespaces ({sum(counts.values())} commands; {PROG} NAMESPACE --help lists them):\n"
               f"{listing}\n\nexit status:\n{statuses}\n\n"
               f'shell completion: eval "$({PROG} --completion bash)"  (or zsh)',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_global_options(parser, set(), command_level=False)
    parser.add_argument("--completion", choices=("bash", "zsh"),
                        help="print the completion script for a shell")
    parser.add_argument("--version", action="store_true", help="print octo's version")
    return parser


def namespace_help(name: str) -> str:
    commands = metadata.namespace(name)["commands"]
    width = min(max((len(c) for c in commands), default=0), 36) + 2
    lines = [f"usage: {PROG} {name} COMMAND [ARGS]  ({PROG} {name} COMMAND --help for its parameters)",
             "", "commands:"]
    for cname, c in commands.items():
        note = " (deprecated)" if c.get("deprecated") else ""
        pad = f"{cname:<{width}}" if len(cname) < width else cname + "\n" + " " * (width + 2)
        lines.append(f"  {pad}{c['summary']}{note}")
    return "\n".join(lines) + "\n"


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


_METAVARS = {"integer": "INT", "number": "NUMBER", "boolean": "true|false", "object": "JSON|@FILE",
             "array": "JSON|@FILE", "any": "JSON|TEXT|@FILE"}


def _type_metavar(param: Param) -> str:
    """What a value may be; `@FILE` shows exactly where a file is read."""
    kind = param["type"]
    if kind == "array":  # an item per use, or the whole list as JSON (or a file of it)
        return _METAVARS.get(param.get("items", "any"), "TEXT").removesuffix("|@FILE") + "|[JSON]|@FILE"
    return _METAVARS.get(kind, "TEXT")


def _option_kwargs(param: Param, sources: Sources) -> dict[str, Any]:
    nullable = param.get("nullable", False)
    kwargs: dict[str, Any] = {"dest": param["dest"], "help": param["help"],
                              "required": param.get("required", False),
                              "default": argparse.SUPPRESS}
    enum = param.get("enum")
    if param["type"] == "boolean":
        kwargs["action"] = argparse.BooleanOptionalAction
    elif param["type"] == "array":
        items = param.get("items", "any")
        kwargs.update(action=AppendItems, sources=sources, nullable=nullable,
                      item=scalar(items, sources), metavar=_type_metavar(param))
        kwargs["help"] += "; repeat for each item, or give a JSON array"
    elif enum is not None:
        kwargs.update(type=choice(enum, nullable), choices=[*enum, *([None] if nullable else [])])
        kwargs["metavar"] = "{" + ",".join(str(v) for v in enum) + "}"
        if len(kwargs["metavar"]) > 40:
            kwargs["metavar"] = "CHOICE"
    else:
        kwargs.update(type=scalar(param["type"], sources, nullable, param.get("flag")),
                      metavar=_type_metavar(param))
    return kwargs


def _usage(prog: str, cmd: Command) -> str:
    """The usage line: path parameters and required options; the rest is `[options]`."""
    words = [prog]
    for param in cmd.get("params", []):
        flag = param.get("flag")
        if flag is None:
            words.append(param["dest"].upper())
        elif param.get("required"):
            words.append(flag if param["type"] == "boolean" else f"{flag} {_type_metavar(param)}")
    body = cmd.get("data")
    if body is not None and body["required"]:
        words.append("--data TEXT|@FILE|-")
    return " ".join(words) + " [options]"


def command_parser(ns_name: str, cmd_name: str, cmd: Command, sources: Sources) -> argparse.ArgumentParser:
    notes = []
    if cmd.get("deprecated"):
        notes.append("deprecated")
    if cmd.get("paginated"):
        notes.append("paginated: --paginate walks every page")
    parser = argparse.ArgumentParser(
        prog=f"{PROG} {ns_name} {cmd_name}",
        usage=_usage(f"{PROG} {ns_name} {cmd_name}", cmd),
        description=f"{cmd['summary']}.\n\n  {cmd['route']}" + "".join(f"\n  ({n})" for n in notes)
                    + f"\n  docs: {cmd['docs']}",
        epilog=f"exit status and environment: {PROG} --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    params = cmd.get("params", [])
    path = parser.add_argument_group("path parameters")
    required = parser.add_argument_group("required parameters")
    optional = parser.add_argument_group("optional parameters")
    taken = {"-h", "--help"}
    for param in params:
        flag = param.get("flag")
        if flag is None:
            path.add_argument(param["dest"], metavar=param["dest"].upper(), help=param["help"],
                              type=scalar(param["type"], sources))
            continue
        group = required if param.get("required") else optional
        group.add_argument(flag, **_option_kwargs(param, sources))
        taken.update((flag, "--no-" + flag[2:]) if param["type"] == "boolean" else (flag,))
    body = cmd.get("data")
    if body is not None:
        group = required if body["required"] else optional
        group.add_argument("--data", dest="data", type=data(body["type"], sources),
                           metavar="TEXT|@FILE|-", required=body["required"], default=argparse.SUPPRESS,
                           help=f"the request body ({body['content_type']}): literal text, "
                                "@FILE, or - for stdin")
        taken.add("--data")
    media = cmd.get("media_types")
    if media:
        optional.add_argument("--media-type", dest="media_type", choices=media, default=argparse.SUPPRESS,
                              help="ask for another representation of the resource")
        taken.add("--media-type")
    _add_global_options(parser.add_argument_group(f"{PROG} options"), taken, command_level=True)
    return parser


def global_values(*namespaces: argparse.Namespace) -> dict[str, Any]:
    """The octo options, later namespaces overriding earlier ones; repeated
    options (`-H`) before the namespace and after the command add up."""
    merged: dict[str, Any] = {}
    for ns in namespaces:
        for key, value in vars(ns).items():
            if key.startswith("@"):
                earlier = merged.get(key[1:])
                merged[key[1:]] = earlier + value if isinstance(earlier, list) and isinstance(value, list) else value
    return merged


def arguments(ns: argparse.Namespace) -> dict[str, Any]:
    """The endpoint's arguments (by Python name) that the command line gave."""
    return {k: v for k, v in vars(ns).items() if not k.startswith("@")}


def options(parser: argparse.ArgumentParser, *namespaces: argparse.Namespace) -> dict[str, Any]:
    """The keywords of `execute.Options` that the octo options on a command line give;
    reads the token from stdin for --token-stdin."""
    given = global_values(*namespaces)
    if given.get("paginate") and given.get("include"):
        parser.error("--include cannot be combined with --paginate")
    if given.get("hostname") and given.get("base_url"):
        parser.error("--hostname and --base-url both name the API root; give one")
    token = None
    if given.get("token_stdin"):
        token = sys.stdin.readline().strip()
        if not token:
            parser.error("--token-stdin: stdin held no token")
    return {
        "include": given.get("include", False),
        "paginate": given.get("paginate", False),
        "dry_run": given.get("dry_run", False),
        "verbose": given.get("verbose", False),
        "base_url": given.get("base_url") or given.get("hostname"),
        "timeout": given.get("timeout"),
        "headers": dict(given.get("header") or ()),
        "token": token,
        "jq": given.get("jq"),
    }
