"""The token `octo auth login` stored, per host: in the system keyring where
one is available (the `keyring` package), else in a file readable by its
owner only. `Octo.from_env` and the CLI read it; a plain `Octo(...)` never does.

The index, `hosts.json` under the platform's config folder (`~/.config/octo`,
or `$XDG_CONFIG_HOME/octo`; `~/Library/Application Support/octo`; `%APPDATA%\\octo`),
says for each host who signed in and where the token is; it holds the token
itself only when no keyring was available. A process that finds no index
never imports keyring.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from octo.core.redaction import Secret, conceal
from octo.dirs import config_dir, private_folder

SERVICE = "octo"  # the keyring's service name is "octo:HOST"
KEYRING = "keyring"
FILE = "file"


def index_path() -> Path:
    return config_dir() / "hosts.json"


def host_of(base_url: str) -> str:
    """The host a token is stored under: github.com for api.github.com, HOST
    for a GHES root https://HOST/api/v3, else the URL's host[:port]."""
    netloc = urlsplit(base_url).netloc.lower()
    return "github.com" if netloc == "api.github.com" else netloc


def web_url_of(base_url: str) -> str:
    """Where a user signs in for an API root: https://github.com, https://HOST for GHES."""
    parts = urlsplit(base_url)
    if parts.netloc.lower() == "api.github.com":
        return "https://github.com"
    return f"{parts.scheme}://{parts.netloc}"


def read_index() -> dict[str, dict[str, Any]]:
    try:
        value = json.loads(index_path().read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    return {host: entry for host, entry in value.items() if isinstance(entry, dict)}


def _write_index(index: dict[str, dict[str, Any]]) -> None:
    folder = private_folder(config_dir())
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".hosts-")  # mode 0600 from the start
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(index, out, indent=2)
    os.replace(temporary, index_path())


def _keyring() -> Any | None:
    """The keyring module if a real backend is there (not keyring's 'fail' one), else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def store(base_url: str, token: str, *, user: str | None = None, scopes: tuple[str, ...] = ()) -> str:
    """Store `token` for the host of `base_url`; returns where (KEYRING or FILE)."""
    token = conceal(token)
    host = host_of(base_url)
    entry: dict[str, Any] = {"base_url": base_url, "user": user, "scopes": list(scopes)}
    where = FILE
    ring = _keyring()
    if ring is not None:
        try:
            ring.set_password(f"{SERVICE}:{host}", "token", token)
            where = KEYRING
        except Exception:  # a locked or broken keyring: the file is the fallback
            where = FILE
    if where == FILE:
        entry["token"] = token
    entry["store"] = where
    index = read_index()
    index[host] = entry
    _write_index(index)
    return where


def stored_token(host: str) -> Secret | None:
    """The token stored for `host`, or None."""
    entry = read_index().get(host)
    if entry is None:
        return None
    if entry.get("store") == FILE:
        token = entry.get("token")
        return conceal(token) if isinstance(token, str) and token else None
    ring = _keyring()
    if ring is None:
        return None
    try:
        token = ring.get_password(f"{SERVICE}:{host}", "token")
    except Exception:  # an unreadable keyring is no token
        return None
    return conceal(token) if token else None


def forget(host: str) -> bool:
    """Remove what is stored for `host`; whether there was anything."""
    index = read_index()
    entry = index.pop(host, None)
    if entry is None:
        return False
    if entry.get("store") == KEYRING:
        ring = _keyring()
        if ring is not None:
            try:
                ring.delete_password(f"{SERVICE}:{host}", "token")
            except Exception:  # already gone
                pass
    _write_index(index)
    return True


def describe(entry: dict[str, Any]) -> str:
    """Where an index entry's token is, for `octo auth status`."""
    if entry.get("store") == KEYRING:
        ring = _keyring()
        name = type(ring.get_keyring()).__name__ if ring is not None else "not available now"
        return f"the system keyring ({name})"
    return f"the file {index_path()} (mode 0600)"
