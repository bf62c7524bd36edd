"""The pinned OpenAPI description that Prism enforces, and lookups into it.

The contract suite reads it only where spec/ lacks the facts to build a valid
argument (nested object shapes, string formats and patterns); which
operation to read is found by the spec entry's operation_id.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from codegen import pinned
from codegen.openapi import Description as OpenAPIDocument
from codegen.spec import Endpoint

ROOT = Path(__file__).resolve().parents[2]
# `make openapi` puts the verified copy in .cache; a checkout beside shared/
# (a worktree of this workplace, a CI clone) can read the original directly.
CANDIDATES = (ROOT / pinned.TARGET, ROOT / pinned.SHARED)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class DescriptionMissing(Exception):
    pass


def find_description() -> Path:
    """The pinned description file, checked against its sha256."""
    for path in CANDIDATES:
        if path.is_file():
            digest = pinned.sha256(path)
            if digest != pinned.SHA256:
                raise DescriptionMissing(
                    f"{path} has sha256 {digest}, not the pinned {pinned.SHA256}; run `make openapi`"
                )
            return path
    raise DescriptionMissing(
        "GitHub's OpenAPI description is missing (looked in "
        + ", ".join(str(p) for p in CANDIDATES)
        + "); run `make openapi`"
    )


# The GitHubs the contract suite runs against: api.github.com, then the descriptions of
# the methods it lacks (GHEC's, GHES's newest), each under its own Prism.
DOTCOM, GHEC, GHES = "api.github.com", "ghec", "ghes-3.19"


def home(endpoint: Endpoint) -> str:
    """The description a method is checked against: api.github.com's if it is
    there, else GHEC's, else GHES's newest."""
    where = endpoint.targets
    return next(t for t in (DOTCOM, GHEC, GHES) if where is None or t in where)


def find_target(target: str) -> Path:
    """The pinned description of a target, checked against its sha256."""
    return find_description() if target == DOTCOM else find_edition(target)


def find_edition(target: str) -> Path:
    """The pinned description of another GitHub (`ghec`, `ghes-3.19`), checked against its sha256."""
    path = pinned.edition_path(ROOT, target)
    if not path.is_file():
        raise DescriptionMissing(f"{path} is missing; run `make openapi`")
    digest = pinned.sha256(path)
    if digest != pinned.EDITIONS[target]:
        raise DescriptionMissing(f"{path} has sha256 {digest}, not the pinned {pinned.EDITIONS[target]}; "
                                 "run `make openapi`")
    return path


class Description:
    """GitHub's OpenAPI description, indexed by operationId and by route."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self._document = OpenAPIDocument(self.doc)

    @cached_property
    def operations(self) -> dict[str, Operation]:
        found = {}
        for route, item in self.doc["paths"].items():
            shared = item.get("parameters", [])
            for method, raw in item.items():
                if method in HTTP_METHODS:
                    op = Operation(self, method.upper(), route, raw, shared)
                    found[op.operation_id] = op
        return found

    @cached_property
    def _by_route(self) -> dict[tuple[str, str], Operation]:
        return {(op.method, op.route): op for op in self.operations.values()}

    def operation_for(self, endpoint: Endpoint) -> Operation | None:
        """The operation an endpoint calls: by operation_id, else (hand-written
        entries) by method and route."""
        if endpoint.operation_id and endpoint.operation_id in self.operations:
            return self.operations[endpoint.operation_id]
        return self._by_route.get((endpoint.method, endpoint.path))

    def resolve(self, node: Any) -> Any:
        """Follow `$ref`s until a real node (the importer's resolution)."""
        return self._document.resolve(node)


class Operation:
    def __init__(self, description: Description, method: str, route: str, raw: dict[str, Any],
                 shared_params: list[Any]) -> None:
        self.description = description
        self.method = method
        self.route = route
        self.raw = raw
        self.operation_id: str = raw.get("operationId", f"{method} {route}")
        params: dict[tuple[str, str], dict[str, Any]] = {}
        for p in [*shared_params, *raw.get("parameters", [])]:
            p = description.resolve(p)
            params[(p["in"], p["name"])] = p
        self.parameters = params

    def parameter_schema(self, location: str, name: str) -> dict[str, Any] | None:
        p = self.parameters.get((location, name))
        if p is None:
            return None
        schema: dict[str, Any] = self.description.resolve(p.get("schema", {}))
        return schema

    def body_schema(self, content_type: str | None = None) -> dict[str, Any] | None:
        """The request body schema for a content type (JSON when not given)."""
        body = self.description.resolve(self.raw.get("requestBody"))
        if not body:
            return None
        content = body.get("content", {})
        for ctype, media in content.items():
            if content_type is None and "json" in ctype or ctype == content_type:
                schema: dict[str, Any] = self.description.resolve(media.get("schema", {}))
                return schema
        return None
