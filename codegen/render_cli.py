"""Render the `octo` command line's metadata: octo/rest/_cli/<namespace>.json.

The CLI is a second rendering of spec/: one JSON file per namespace, read by
`octo.cli` without importing any generated module, so `octo repos get --help` loads
only what it shows. Parameter help reuses the docstring facts (`describe`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from codegen.names import kebab
from codegen.render import COMMAND, _environment, describe
from codegen.spec import Endpoint, Namespace, Param

CLI_DIR = "octo/rest/_cli"
INDEX = f"{CLI_DIR}/_index.json"
# Per-command options the CLI itself defines; a parameter never takes them.
_TAKEN = frozenset({"help", "data", "media-type"})


def option_names(params: list[Param]) -> dict[str, str]:
    """`--flag` of each non-path parameter by Python name, unique per command.

    The flag is the Python name in kebab case without the `_` added for
    keywords (`async_` -> `--async`); a clash gets the location appended.
    """
    taken = set(_TAKEN)
    flags = {}
    for p in params:
        base = kebab(p.python_name.strip("_")).lower() or kebab(p.python_name)
        flag, n = base, 1
        if flag in taken:
            flag = f"{base}-{p.location}"
        while flag in taken:
            n += 1
            flag = f"{base}-{p.location}-{n}"
        taken.add(flag)
        flags[p.python_name] = "--" + flag
    return flags


def _param(p: Param, flag: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"dest": p.python_name}
    if flag is not None:
        entry["flag"] = flag
    entry["type"] = p.type
    if p.items:
        entry["items"] = p.items
    if p.required and flag is not None:
        entry["required"] = True
    if p.nullable:
        entry["nullable"] = True
    if p.enum is not None:
        entry["enum"] = list(p.enum)
    # The docstring's facts, with null spelled as a command line user types it.
    entry["help"] = describe(replace(p, nullable=False)) + ("; null sends JSON null" if p.nullable else "")
    return entry


def command(e: Endpoint) -> dict[str, Any]:
    """What the CLI needs to parse, document and call one endpoint."""
    others = [p for p in e.params if p.location != "path"]
    others.sort(key=lambda p: not p.required)  # the Python method's order
    flags = option_names(others)
    out: dict[str, Any] = {
        "method": e.name,
        "route": f"{e.method} {e.path}",
        "summary": e.summary,
        "docs": e.docs_url,
    }
    if e.deprecated:
        out["deprecated"] = True
    if e.paginated:
        out["paginated"] = True
        if e.list_key:
            out["list_key"] = e.list_key
    if e.body is not None:
        out["data"] = {
            "content_type": e.body.content_type,
            "type": e.body.type,
            "required": e.body.required and not e.params_in("body"),
        }
    if e.media_types:
        out["media_types"] = list(e.media_types)
    out["params"] = [_param(p, None) for p in e.path_params] + [
        _param(p, flags[p.python_name]) for p in others
    ]
    return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_cli(namespaces: list[Namespace]) -> dict[str, str]:
    """Every CLI metadata file, by path relative to the project root."""
    env = _environment()
    env.filters["json"] = _json
    template = env.get_template("cli_namespace.json.j2")
    files = {}
    for ns in namespaces:
        commands = sorted((kebab(e.name), command(e)) for e in ns.endpoints)
        aliases = sorted((kebab(a), kebab(e.name)) for e in ns.endpoints for a in e.aliases)
        files[f"{CLI_DIR}/{ns.name}.json"] = template.render(
            ns=ns, commands=commands, aliases=aliases, command=COMMAND
        )
    index = {kebab(ns.name): len(ns.endpoints) for ns in namespaces}
    files[INDEX] = env.get_template("cli_index.json.j2").render(
        namespaces=sorted(index.items()), command=COMMAND
    )
    return files
