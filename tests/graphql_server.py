"""A loopback GraphQL server that executes GitHub's pinned schema.

graphql-core runs each request against the schema `make openapi` pins
(`codegen.pinned.GRAPHQL_TARGET`), with generated values: a string field
answers `<field>-<n>`, an Int `n + 1`, a list two items, an interface or a
union its first type. Every connection has `total` items and honours
`first`/`after`/`last`/`before` as GitHub's do, so a cursor walk is real.

    with GraphQLServer() as server:
        gh = octo.Octo(SENTINEL, base_url=server.url)
        gh.graphql("{ viewer { login } }")
        assert server.mutations == []

A repository named `missing` is NOT_FOUND (its field is null, with an error
of that type, as GitHub answers). `faults` scripts the first requests:
"reset" resets the connection before executing, "reset-after" executes and
then resets (a write that arrived, whose answer was lost). `stuck` makes
every connection answer its first page, whatever the cursor.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import graphql as core
from conftest import ROOT
from server import Recorded, Reply, ScriptedServer

from codegen import pinned
from octo.graphql import load_schema

SCHEMA_PATH = ROOT / pinned.GRAPHQL_TARGET
RATE_HEADERS = {"x-ratelimit-resource": "graphql", "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4999", "x-ratelimit-used": "1", "x-ratelimit-reset": "1800003600"}


def schema() -> core.GraphQLSchema:
    assert SCHEMA_PATH.exists(), "run `make openapi` first (it pins the GraphQL schema)"
    assert pinned.sha256(SCHEMA_PATH) == pinned.GRAPHQL_SHA256, "run `make openapi` again"
    built: core.GraphQLSchema = load_schema(SCHEMA_PATH)
    return built


def cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _index(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(base64.b64decode(value).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError) as exc:
        raise core.GraphQLError(f"`{value}` does not appear to be a valid cursor.") from exc


class MockGitHub:
    def __init__(self, total: int = 7, faults: list[str] | None = None, stuck: bool = False) -> None:
        self.schema = schema()
        self.total = total
        self.faults = list(faults or ())
        self.stuck = stuck
        self.mutations: list[str] = []  # mutation fields executed, in order
        self.executed = 0

    def handle(self, request: Recorded) -> Reply:
        if request.method != "POST" or request.route not in ("/graphql", "/api/graphql"):
            return Reply(404, json={"message": "Not Found"})
        fault = self.faults.pop(0) if self.faults else None
        if fault == "reset":
            return Reply(fault="reset")
        answer = self.execute(request.json())
        if fault == "reset-after":
            return Reply(fault="reset")
        return Reply(200, json=answer, headers=dict(RATE_HEADERS))

    def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        self.executed += 1
        try:
            document = core.parse(body["query"])
        except core.GraphQLError as exc:
            return {"errors": [_github_error(exc)]}
        problems = core.validate(self.schema, document)
        if problems:
            return {"errors": [_github_error(e) for e in problems]}
        result = core.execute(self.schema, document, variable_values=body.get("variables"),
                              field_resolver=self._resolve, type_resolver=self._type_of)
        assert isinstance(result, core.ExecutionResult)  # no resolver here is async
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [_github_error(e) for e in result.errors]
        return answer

    def _type_of(self, value: Any, info: core.GraphQLResolveInfo, abstract: core.GraphQLAbstractType) -> str:
        return self.schema.get_possible_types(abstract)[0].name

    def _resolve(self, source: Any, info: core.GraphQLResolveInfo, **args: Any) -> Any:
        if isinstance(source, dict) and info.field_name in source:
            return source[info.field_name]
        if info.parent_type is self.schema.mutation_type:
            self.mutations.append(info.field_name)
        if info.field_name == "repository" and args.get("name") == "missing":
            raise core.GraphQLError(f"Could not resolve to a Repository with the name "
                                    f"'{args.get('owner')}/missing'.", extensions={"type": "NOT_FOUND"})
        index = source.get("_index", 0) if isinstance(source, dict) else 0
        return self._value(info.return_type, info.field_name, index, args)

    def _value(self, kind: Any, field: str, index: int, args: dict[str, Any]) -> Any:
        kind = core.get_nullable_type(kind)
        if isinstance(kind, core.GraphQLList):
            return [self._value(kind.of_type, field, i, {}) for i in range(2)]
        if isinstance(kind, core.GraphQLEnumType):
            return next(iter(kind.values.values())).value
        if isinstance(kind, (core.GraphQLObjectType, core.GraphQLInterfaceType, core.GraphQLUnionType)):
            fields = getattr(kind, "fields", {})
            if "pageInfo" in fields and ("nodes" in fields or "edges" in fields):
                return self._connection(args)
            return {"_index": index}
        return _scalar(kind.name, field, index, self.total)

    def _connection(self, args: dict[str, Any]) -> dict[str, Any]:
        first, last = args.get("first"), args.get("last")
        if first is None and last is None:
            raise core.GraphQLError("You must provide a `first` or `last` value to properly paginate.")
        start, end = 0, self.total
        if not self.stuck:
            after, before = _index(args.get("after")), _index(args.get("before"))
            if after is not None:
                start = after + 1
            if before is not None:
                end = min(end, before)
        indexes = list(range(start, max(start, end)))
        if first is not None:
            indexes = indexes[:first]
        if last is not None:
            indexes = indexes[-last:] if last else []
        nodes = [{"_index": i} for i in indexes]
        return {
            "totalCount": self.total,
            "nodes": nodes,
            "edges": [{"cursor": cursor(n["_index"]), "node": n} for n in nodes],
            "pageInfo": {
                "hasNextPage": bool(indexes) and indexes[-1] < self.total - 1,
                "hasPreviousPage": bool(indexes) and indexes[0] > 0,
                "startCursor": cursor(indexes[0]) if indexes else None,
                "endCursor": cursor(indexes[-1]) if indexes else None,
            },
        }


def _scalar(name: str, field: str, index: int, total: int) -> Any:
    if name == "Int":
        return total if field == "totalCount" else index + 1
    if name == "Float":
        return index + 0.5
    if name == "Boolean":
        return index % 2 == 1
    if name == "ID":
        return f"ID_{index}"
    if name in ("DateTime", "PreciseDateTime", "GitTimestamp"):
        return "2026-12-01T12:00:00Z"
    if name == "URI":
        return f"https://github.com/mock/{field}/{index}"
    return f"{field}-{index}"


def _github_error(error: core.GraphQLError) -> dict[str, Any]:
    """graphql-core's error in the shape GitHub sends: its `type` at the top."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = formatted.pop("extensions", None) or {}
    if "type" in extensions:
        formatted["type"] = extensions["type"]
    return formatted


class GraphQLServer(ScriptedServer):
    """A ScriptedServer whose handler is a `MockGitHub` (`mock`)."""

    def __init__(self, **options: Any) -> None:
        self.mock = MockGitHub(**options)
        super().__init__(self.mock.handle)

    @property
    def mutations(self) -> list[str]:
        return self.mock.mutations

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.requests]
