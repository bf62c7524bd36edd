"""Build a namespace class from hand-made spec YAML, through the real
generator, for tests that need endpoints spec/ does not (yet) have.

The module is never registered under octo.rest, so nothing here can clash
with what the importer writes into spec/.
"""

from __future__ import annotations

import functools
import tempfile
import textwrap
import types
from pathlib import Path
from typing import Any

from blocking import BlockingNamespace, BlockingOcto

from codegen.render import render_all
from codegen.spec import load_file
from octo.client import Octo
from octo.core.namespace import Namespace


def namespace(client: Octo, spec_yaml: str) -> Any:
    """An instance of the namespace `spec_yaml` declares, bound to `client`
    (for the async client behind its blocking front, bound to the async client)."""
    cls = _generate(textwrap.dedent(spec_yaml))
    if isinstance(client, BlockingOcto):
        return BlockingNamespace(cls(client.client))
    return cls(client)


@functools.cache
def _generate(text: str) -> type[Namespace]:
    name = text.split("namespace:", 1)[1].split()[0]
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{name}.yaml"
        file.write_text(text, encoding="utf-8")
        source = render_all([load_file(file)])[f"octo/rest/{name}.py"]
    module = types.ModuleType(f"octo_test_generated_{name}")
    exec(compile(source, f"<generated {name}>", "exec"), module.__dict__)
    cls: type[Namespace] = module.NAMESPACE
    return cls


SEARCH = """
namespace: search
endpoints:
  - name: issues_and_pull_requests
    method: GET
    path: /search/issues
    summary: Search issues and pull requests
    docs_url: https://docs.github.com/rest/search/search#search-issues-and-pull-requests
    paginated: true
    list_key: items
    parameters:
      - {name: q, in: query, type: string, required: true}
      - {name: per_page, in: query, type: integer}
      - {name: page, in: query, type: integer}
"""

PULLS = """
namespace: pulls
endpoints:
  - name: get
    method: GET
    path: /repos/{owner}/{repo}/pulls/{pull_number}
    summary: Get a pull request
    docs_url: https://docs.github.com/rest/pulls/pulls#get-a-pull-request
    media_types: [diff, patch]
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: pull_number, in: path, type: integer, required: true}
"""

REPOS = """
namespace: repos
endpoints:
  - name: download_tarball_archive
    method: GET
    path: /repos/{owner}/{repo}/tarball/{ref}
    summary: Download a repository archive (tar)
    docs_url: https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: ref, in: path, type: string, required: true, multi_segment: true}
  - name: upload_release_asset
    method: POST
    path: /repos/{owner}/{repo}/releases/{release_id}/assets
    summary: Upload a release asset
    docs_url: https://docs.github.com/rest/releases/assets#upload-a-release-asset
    host: uploads
    body: {content_type: application/octet-stream, type: binary, required: false}
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: release_id, in: path, type: integer, required: true}
      - {name: name, in: query, type: string, required: true}
      - {name: label, in: query, type: string}
"""
