"""MkDocs hook: the Reference section lists every generated page of docs/reference/.

The pages follow spec/ (one per namespace), so the nav is read from the folder rather
than kept by hand in mkdocs.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ENTRY = {"Reference": "reference/README.md"}


def on_config(config: Any) -> Any:
    folder = Path(config["docs_dir"]) / "reference"
    pages = [{"Overview": "reference/README.md"}] + [
        {f"octo.{page.stem}": f"reference/{page.name}"}
        for page in sorted(folder.glob("*.md")) if page.name != "README.md"
    ]
    nav = config["nav"]
    if ENTRY not in nav:
        raise PluginError(f"mkdocs.yml: the nav has no entry {ENTRY}")
    nav[nav.index(ENTRY)] = {"Reference": pages}
    return config
