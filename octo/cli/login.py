"""`octo auth login|status|logout`: sign in once (device flow, or a token on
stdin) and every later command finds the token; and where the CLI finds a
token: --token-stdin, GITHUB_TOKEN/GH_TOKEN, octo's stored token, the GitHub
CLI's, else none."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from octo.auth import tokenstore
from octo.cli import exits
from octo.cli.parsing import PROG, _add_global_options, options
from octo.core.redaction import Secret, conceal

if TYPE_CHECKING:
    from octo.cli.execute import Options
    from octo.cli.output import Writer

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


def api_root(base_url: str | None) -> str:
    from octo.client import DEFAULT_BASE_URL

    return base_url or os.environ.get("GITHUB_API_URL") or DEFAULT_BASE_URL


def gh_token(host: str) -> Secret | None:
    """The token the GitHub CLI keeps for `host`: `gh auth token` if gh is on
    the PATH, else the `oauth_token` of its hosts.yml."""
    if shutil.which("gh"):
        try:
            done = subprocess.run(["gh", "auth", "token", "--hostname", host], capture_output=True, text=True,
                                  timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        token = done.stdout.strip()
        return conceal(token) if done.returncode == 0 and token else None
    folder = os.environ.get("GH_CONFIG_DIR")
    if not folder:
        base = os.environ.get("XDG_CONFIG_HOME")
        folder = str(Path(base) / "gh") if base else str(Path.home() / ".config" / "gh")
    try:
        text = (Path(folder) / "hosts.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # hosts.yml: a top-level key per host, its settings indented below it.
    block = re.search(rf"^{re.escape(host)}:\s*\n((?:[ \t]+.*\n?)*)", text, re.M)
    found = re.search(r"^[ \t]+oauth_token:[ \t]*['\"]?([^'\"\s]+)", block.group(1), re.M) if block else None
    return conceal(found.group(1)) if found else None


def resolve_token(given: str | None, base_url: str) -> Secret | None:
    """The CLI's token, first found: --token-stdin, GITHUB_TOKEN, GH_TOKEN,
    what `octo auth login` stored for the host, what `gh auth login` stored."""
    if given:
        return conceal(given)
    for name in TOKEN_VARIABLES:
        if os.environ.get(name):
            return conceal(os.environ[name])
    host = tokenstore.host_of(base_url)
    return tokenstore.stored_token(host) or gh_token(host)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{PROG} auth", description="Sign in to GitHub, show who is signed in, "
                                "or sign out. The token goes to the system keyring, else to a file only you "
                                "can read.", allow_abbrev=False)
    commands = p.add_subparsers(dest="action", required=True, metavar="{login,status,logout}")
    login = commands.add_parser("login", help="sign in with the device flow, or a token from stdin",
                                description="Sign in: with the device flow of an OAuth app or GitHub App "
                                            "(--client-id), or with a token read from stdin (--with-token).")
    login.add_argument("-s", "--scopes", default="", metavar="SCOPES",
                       help="the scopes to ask for, comma-separated (repo,read:org)")
    login.add_argument("--with-token", action="store_true", help="read the token from stdin")
    login.add_argument("--client-id", default=os.environ.get("OCTO_CLIENT_ID"), metavar="ID",
                       help="the client ID of the OAuth app or GitHub App to sign in with "
                            "(default: $OCTO_CLIENT_ID)")
    status = commands.add_parser("status", help="who is signed in where, and where the token is kept")
    logout = commands.add_parser("logout", help="forget the stored token")
    for sub in (login, status, logout):
        _add_global_options(sub.add_argument_group(f"{PROG} options"), {"-h", "--help"}, command_level=True)
    return p


def main(top_args: argparse.Namespace, rest: list[str], argv: list[str]) -> int:
    p = parser()
    args = p.parse_args(rest)
    given = options(p, top_args, args)
    if given["dry_run"]:
        p.error("--dry-run: octo auth signs in and out for real; it has no dry run")
    base_url = api_root(given["base_url"])

    from octo.cli.execute import Options, guarded  # imports octo and requests

    opts = Options(**given)
    if args.action == "login":
        token = None
        if args.with_token:
            token = conceal(sys.stdin.readline().strip())
            if not token:
                p.error("--with-token: stdin held no token")
        elif not args.client_id:
            p.error("octo has no OAuth app of its own: pass --client-id (your OAuth app's or GitHub App's "
                    "client ID, or $OCTO_CLIENT_ID), or a token with --with-token")
        scopes = tuple(s for s in args.scopes.replace(" ", ",").split(",") if s)
        return guarded(opts, lambda out: _login(base_url, token, args.client_id, scopes, opts))
    if args.action == "logout":
        host = tokenstore.host_of(base_url)
        if not tokenstore.forget(host):
            sys.stderr.write(f"{PROG}: not signed in to {host}\n")
            return exits.ERROR_STATUS
        sys.stderr.write(f"{PROG}: signed out of {host}\n")
        return exits.OK
    problems: list[str] = []
    status = guarded(opts, lambda out: problems.extend(_status(base_url, given["base_url"] is not None, opts, out)))
    return status or (exits.ERROR_STATUS if problems else exits.OK)


def _login(base_url: str, token: Secret | None, client_id: str, scopes: tuple[str, ...], opts: Options) -> None:
    import octo

    if token is None:
        def show(user_code: str, verification_uri: str) -> None:
            sys.stderr.write(f"! First copy your one-time code: {user_code}\n"
                             f"  Then open {verification_uri} in a browser and enter it.\n")
            sys.stderr.flush()

        signed_in = octo.device_flow(client_id, on_code=show, scopes=scopes,
                                     web_url=tokenstore.web_url_of(base_url))
        token, scopes = signed_in.token, signed_in.scopes or scopes
    user, granted = _who(base_url, token, opts)
    tokenstore.store(base_url, token, user=user, scopes=granted or scopes)
    host = tokenstore.host_of(base_url)
    place = tokenstore.describe(tokenstore.read_index()[host])
    sys.stderr.write(f"{PROG}: signed in to {host} as {user}; the token is in {place}\n")


def _who(base_url: str, token: Secret, opts: Options) -> tuple[str, tuple[str, ...]]:
    """The login of the token's user, and the scopes GitHub says it has (a classic token's)."""
    import octo

    with octo.Octo(token, base_url=base_url, timeout=opts.timeout or octo.client.DEFAULT_TIMEOUT) as gh:
        answer = gh.users.get_authenticated()
    scopes = tuple(s.strip() for s in answer.headers.get("x-oauth-scopes", "").split(",") if s.strip())
    login = answer.data.get("login") if isinstance(answer.data, dict) else None
    return str(login or "?"), scopes


def _status(base_url: str, one_host: bool, opts: Options, out: Writer) -> list[str]:
    """Each host's user, scopes and token store on stdout (never the token); the hosts not signed in."""
    index = tokenstore.read_index()
    hosts = [tokenstore.host_of(base_url)] if one_host else sorted(index) or [tokenstore.host_of(base_url)]
    problems = []
    for host in hosts:
        entry = index.get(host)
        if entry is None:
            out.text(f"{host}\n  not signed in ({PROG} auth login)\n")
            problems.append(host)
            continue
        token = tokenstore.stored_token(host)
        lines = [host, f"  the token is in {tokenstore.describe(entry)}"]
        if token is None:
            lines.append("  but it cannot be read there now")
            problems.append(host)
        else:
            import octo

            try:
                user, scopes = _who(str(entry.get("base_url") or base_url), token, opts)
                lines.append(f"  signed in as {user}" + (f"; scopes: {', '.join(scopes)}" if scopes else ""))
            except octo.RequestError as exc:
                lines.append(f"  GitHub refused it ({exc.status}): sign in again with {PROG} auth login")
                problems.append(host)
        used = next((name for name in TOKEN_VARIABLES if os.environ.get(name)), None)
        if used:
            lines.append(f"  (${used} is set: commands use it instead)")
        out.text("\n".join(lines) + "\n")
    return problems
