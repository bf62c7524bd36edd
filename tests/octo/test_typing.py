"""A type checker sees every generated method: it flags a missing required
argument and an unknown method, on a client and on the module-level namespaces."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from mypy import api

SNIPPET = '''\
import octo

gh = octo.Octo()
gh.repos.create_dispatch_event(owner="o", repo="r", event_type="e")
gh.repos.create_dispatch_event(owner="o", repo="r")
gh.repos.no_such_method()
octo.repos.create_dispatch_event(owner="o", repo="r", event_type="e")
octo.repos.create_dispatch_event(owner="o", repo="r")
octo.repos.no_such_method()
gh.issues.list_for_repo("o", "r", state="stale")
octo.markdown.render_raw(data="# hi")
'''


def test_mypy_flags_missing_arguments_and_unknown_methods(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    # The cache keeps repeated runs fast; octo is found from the project root.
    out, err, status = api.run([str(snippet), "--strict", "--no-error-summary",
                                "--cache-dir", str(ROOT / ".mypy_cache" / "typing-test"),
                                "--config-file", str(ROOT / "pyproject.toml")])
    assert status == 1, err
    errors = {int(m[1]): m[2] for m in re.finditer(r"snippet\.py:(\d+): error: (.*)", out)}
    missing = 'Missing named argument "event_type" for "create_dispatch_event" of "Repos"'
    unknown = '"Repos" has no attribute "no_such_method"'
    assert errors.keys() == {5, 6, 8, 9, 10}, out
    assert errors[5].startswith(missing) and errors[8].startswith(missing)
    assert errors[6].startswith(unknown) and errors[9].startswith(unknown)
    # list_for_repo has one signature per media type: mypy names the overloads.
    assert errors[10].startswith('No overload variant of "list_for_repo" of "Issues" matches')
