"""Shell completion for bash and zsh.

`octo --completion bash` prints a small script whose function asks
`octo __complete SHELL WORD...` for candidates, so completion always matches
the installed spec and reads only the namespace being completed.
"""

from __future__ import annotations

from octo.cli import metadata
from octo.cli.parsing import COMMANDS, GLOBAL_OPTIONS, VALUE_OPTIONS, split

BASH = """\
# bash completion for octo. Install: eval "$(octo --completion bash)"  (e.g. in ~/.bashrc)
_octo_complete() {
    local IFS=$'\\n'
    COMPREPLY=($(octo __complete bash "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _octo_complete octo
"""

ZSH = """\
#compdef octo
# zsh completion for octo. Install: eval "$(octo --completion zsh)"  (in ~/.zshrc, after compinit)
_octo() {
    local -a candidates
    candidates=("${(@f)$(octo __complete zsh "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ -n "${candidates[*]}" ]]; then
        _describe -t octo 'octo' candidates
    else
        _files
    fi
}
compdef _octo octo
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH}
TOP_LEVEL_ONLY = (("--completion", "print the completion script for a shell"),
                  ("--version", "print octo's version"), ("--help", "show help"))


def candidates(words: list[str]) -> list[tuple[str, str]]:
    """(value, description) pairs for the last word, given the words before it
    (everything after `octo`)."""
    if not words:
        words = [""]
    current, before = words[-1], words[:-1]
    if before and before[-1] in VALUE_OPTIONS:
        return [(s, "") for s in ("bash", "zsh")] if before[-1] == "--completion" else []
    _, tail = split(before)
    if not tail:  # completing the namespace, or an option before it
        if current.startswith("-"):
            options = [(f, o[1]["help"]) for o in GLOBAL_OPTIONS for f in o[0] if f.startswith("--")]
            return _matching(options + list(TOP_LEVEL_ONLY), current)
        commands = [(n, summary) for n, (_, summary) in COMMANDS.items()]
        return _matching(commands + [(n, f"{c} commands") for n, c in metadata.namespaces().items()], current)
    try:
        space = metadata.namespace(tail[0])
    except KeyError:
        return []
    if len(tail) == 1:  # completing the command
        return _matching([(n, c["summary"]) for n, c in space["commands"].items()], current)
    command = space["commands"].get(space["aliases"].get(tail[1], tail[1]))
    if command is None:
        return []
    flags: dict[str, tuple[str, list[str] | None]] = {}
    for param in command.get("params", []):
        flag = param.get("flag")
        if flag is None:
            continue
        enum = param.get("enum")
        flags[flag] = (param["help"], [str(v) for v in enum] if enum is not None else None)
        if param["type"] == "boolean":
            flags[flag] = (param["help"], None)
            flags["--no-" + flag[2:]] = ("", None)
    if "data" in command:
        flags["--data"] = ("the request body: text, @FILE or -", None)
    if "media_types" in command:
        flags["--media-type"] = ("another representation", command["media_types"])
    previous = tail[-1] if len(tail) > 2 else ""
    if previous in flags:
        choices = flags[previous][1]
        if choices is not None:
            return _matching([(c, "") for c in choices], current)
        if not previous.startswith("--no-") and _takes_value(command, previous):
            return []  # free text, or a file for @FILE: the shell's default
    if current.startswith("-"):
        globals_ = [(f, o[1]["help"]) for o in GLOBAL_OPTIONS for f in o[0]
                    if f.startswith("--") and f not in flags]
        return _matching([(f, h) for f, (h, _) in flags.items()] + globals_, current)
    return []


def _takes_value(command: metadata.Command, flag: str) -> bool:
    for param in command.get("params", []):
        if param.get("flag") == flag:
            return param["type"] != "boolean"
    return True


def _matching(pairs: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    return [(v, d) for v, d in pairs if v.startswith(prefix)]


def render(pairs: list[tuple[str, str]], shell: str) -> str:
    if shell == "zsh":  # _describe reads "value:description"
        return "".join(f"{v.replace(':', chr(92) + ':')}:{d}\n" if d else v.replace(":", "\\:") + "\n"
                       for v, d in pairs)
    return "".join(f"{v}\n" for v, _ in pairs)
