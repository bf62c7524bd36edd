"""Where the CLI keeps its files: the platform's cache and config folders
(XDG on Linux and BSDs, ~/Library on macOS, %LOCALAPPDATA%/%APPDATA% on Windows)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _base(xdg: str, fallback: str, mac: str, windows: str) -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get(windows) or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / mac
    value = os.environ.get(xdg)
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback  # XDG: relative is ignored


def cache_dir() -> Path:
    return _base("XDG_CACHE_HOME", ".cache", "Caches", "LOCALAPPDATA") / "octo"


def config_dir() -> Path:
    return _base("XDG_CONFIG_HOME", ".config", "Application Support", "APPDATA") / "octo"


def private_folder(path: Path) -> Path:
    """`path`, made if need be, readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
