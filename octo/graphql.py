"""What a GraphQL call decides, without doing any I/O.

`Call` turns a query and its variables into the request to send (endpoint,
body, whether it may be sent again) and reads the answer into the `data`
object or a `GraphQLError`; `Walk` is the state of one cursor walk. Both are
driven by `Octo.graphql` and `octo.paginate.graphql`, which do the sending.

The operation's type comes from parsing the document: a query is a read,
retried like a GET; a mutation is a write, never sent again once it may have
arrived. GitHub's GraphQL documentation:
https://docs.github.com/graphql/guides/forming-calls-with-graphql
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from octo.core.errors import (
    ForbiddenError,
    InvalidResponseError,
    NotFoundError,
    OctoError,
    PrimaryRateLimitError,
    RequestError,
)
from octo.core.operation import Operation
from octo.core.redaction import redact_url

if TYPE_CHECKING:
    from octo.core.response import Response

# The GraphQL tokens octo needs to tell operations apart (the spec's lexical grammar):
# ignored text, block strings, strings, names, punctuators, numbers.
_TOKEN = (r'(?P<skip>[\s,\ufeff]+|#[^\n\r]*)|(?P<block>"""(?:\\"""|(?!""").)*""")'
          r'|(?P<string>"(?:\\.|[^"\\\n\r])*")|(?P<name>[_A-Za-z][_0-9A-Za-z]*)'
          r'|(?P<punct>\.\.\.|[!$&():=@\[\]{}|])|(?P<number>-?[0-9][0-9.eE+\-]*)')
_OPERATIONS = ("query", "mutation", "subscription")
_OPEN, _CLOSE = "{([", "})]"


class Document:
    """What octo reads from a GraphQL document: its one operation's type
    (`query` or `mutation`) and the variables it declares."""

    # A plain class, not a NamedTuple: building one of those costs `import octo` ~0.15 ms.
    __slots__ = ("kind", "variables")

    def __init__(self, kind: str, variables: frozenset[str]) -> None:
        self.kind = kind
        self.variables = variables

    def __repr__(self) -> str:
        return f"Document({getattr(self, 'kind', '?')}, variables={sorted(getattr(self, 'variables', ()))})"


@functools.lru_cache(maxsize=256)
def parse(query: str) -> Document:
    """The operation of `query`; ValueError naming what is wrong if the
    document is not one query or mutation (fragments beside it are fine)."""
    if not isinstance(query, str):
        raise TypeError(f"a GraphQL query must be a str, got {type(query).__name__}")
    operations: list[Document] = []
    depth = 0
    expecting = True  # at depth 0, between definitions
    kind: str | None = None  # of the definition being read; None for a fragment
    header = False  # in the operation's part before its selection set
    declared: set[str] = set()
    tokens = [(m.lastgroup, m.group()) for m in _tokens(query) if m.lastgroup not in ("skip", None)]
    for i, (group, text) in enumerate(tokens):
        if depth == 0 and expecting:
            if text == "{":
                kind, header, declared = "query", False, set()
            elif group == "name" and text in (*_OPERATIONS, "fragment"):
                kind, header, declared = (None if text == "fragment" else text), True, set()
                expecting = False
                continue
            else:
                raise ValueError(f"GraphQL document: expected an operation or a fragment, got {text[:40]!r}")
            expecting = False
        if group != "punct":
            continue
        if header and depth == 1 and text == "$" and i + 2 < len(tokens) and tokens[i + 2][1] == ":":
            declared.add(tokens[i + 1][1])
        if text in _OPEN:
            if depth == 0 and text == "{":
                header = False
            depth += 1
        elif text in _CLOSE:
            depth -= 1
            if depth < 0:
                raise ValueError(f"GraphQL document: unbalanced {text!r}")
            if depth == 0 and text == "}":
                expecting = True
                if kind is not None:
                    operations.append(Document(kind, frozenset(declared)))
    if depth or not expecting:
        raise ValueError("GraphQL document: it ends inside a definition (a missing '}' or ')')")
    if len(operations) != 1:
        raise ValueError(f"GraphQL document: it has {len(operations)} operations; send exactly one")
    if operations[0].kind == "subscription":
        raise ValueError("GraphQL document: a subscription cannot be sent over HTTP; GitHub serves "
                         "queries and mutations")
    return operations[0]


def _tokens(query: str) -> list[re.Match[str]]:
    pattern = _token_pattern()
    found, at = [], 0
    while at < len(query):
        match = pattern.match(query, at)
        if match is None:
            line = query.count("\n", 0, at) + 1
            raise ValueError(f"GraphQL document: unexpected character {query[at]!r} on line {line}")
        found.append(match)
        at = match.end()
    return found


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    return re.compile(_TOKEN, re.DOTALL)  # compiled on first use, not at `import octo`


def endpoint(base_url: str) -> str:
    """The GraphQL endpoint for a REST base URL: https://api.github.com/graphql;
    GitHub Enterprise Server's https://HOST/api/graphql for https://HOST/api/v3."""
    if base_url.endswith("/api/v3"):
        return base_url[: -len("/v3")] + "/graphql"
    return base_url + "/graphql"


@functools.lru_cache(maxsize=64)
def _operation(url: str, kind: str) -> Operation:
    return Operation("POST", url, name=f"graphql {kind}", json_body=True, idempotent=kind == "query")


class Call:
    """One GraphQL request: `operation` (POST to the endpoint; idempotent
    for a query) and `body` to send, and `read` for its answer.

    `variables` and keyword `more` are merged; a name given in both is a
    TypeError (a variable named like a keyword of the method, such as
    `variables`, goes in the mapping).
    """

    __slots__ = ("document", "operation", "body")

    def __init__(self, base_url: str, query: str, variables: Mapping[str, Any] | None = None,
                 more: Mapping[str, Any] | None = None) -> None:
        self.document = parse(query)
        values = merge(variables, more)
        self.operation = _operation(endpoint(base_url), self.document.kind)
        self.body: dict[str, Any] = {"query": query, "variables": values} if values else {"query": query}

    def read(self, response: Response) -> Data:
        """The answer's `data`; a `GraphQLError` (of the REST class a caller
        would catch for its error types) if it has `errors`."""
        answer = response.data
        where = f"{response.method} {redact_url(response.url)}"
        if not isinstance(answer, dict) or not ("data" in answer or "errors" in answer):
            raise InvalidResponseError(f"{where}: a GraphQL answer must be a JSON object with data or errors",
                                       status=response.status, request_id=response.request_id, body=b"",
                                       response=response, rate_limit=response.rate_limit,
                                       request=response.request)
        data = answer.get("data")
        errors = answer.get("errors")
        if errors:
            items = [ErrorItem.of(e) for e in (errors if isinstance(errors, list) else [errors])]
            raise error_class(items)(response, items, data, self.document.kind)
        if not isinstance(data, dict):
            raise InvalidResponseError(f"{where}: a GraphQL answer without errors must have a data object",
                                       status=response.status, request_id=response.request_id, body=b"",
                                       response=response, rate_limit=response.rate_limit,
                                       request=response.request)
        return Data(data, response)


def merge(variables: Mapping[str, Any] | None, more: Mapping[str, Any] | None) -> dict[str, Any]:
    """`variables=` and keyword variables as one dict; a name in both is a TypeError."""
    if variables is not None and not isinstance(variables, Mapping):
        raise TypeError(f"variables must be a mapping of names to values, got {type(variables).__name__}")
    values = dict(variables or ())
    if more:
        both = values.keys() & more.keys()
        if both:
            raise TypeError(f"GraphQL variable(s) {sorted(both)} given both in variables= and as keywords")
        values.update(more)
    for name in values:
        if not isinstance(name, str):
            raise TypeError(f"a GraphQL variable name must be a str, got {type(name).__name__}")
    return values


class Data(dict[str, Any]):
    """A GraphQL answer's `data` object, a dict; `response` is the `Response`
    it came in (headers, `rate_limit`: the `graphql` bucket's points)."""

    __slots__ = ("response",)

    def __init__(self, data: Mapping[str, Any], response: Response) -> None:
        super().__init__(data)
        self.response = response

    def __reduce__(self) -> tuple[Any, ...]:
        return (Data, (dict(self), self.response))


class ErrorItem(NamedTuple):
    """One entry of a GraphQL answer's `errors`: GitHub's `type` (`NOT_FOUND`,
    ...; None if absent), the `message`, the `path` into `data` and the
    `locations` (line, column) in the query."""

    type: str | None
    message: str
    path: tuple[str | int, ...] | None
    locations: tuple[tuple[int, int], ...] | None

    @classmethod
    def of(cls, entry: Any) -> ErrorItem:
        """An entry as it came, whatever its shape; what is malformed is None."""
        if not isinstance(entry, dict):
            return cls(None, str(entry)[:200], None, None)
        kind = entry.get("type")
        message = entry.get("message")
        path = entry.get("path")
        locations = entry.get("locations")
        return cls(
            kind if isinstance(kind, str) else None,
            message if isinstance(message, str) else "(no message)",
            tuple(path) if isinstance(path, list) and all(isinstance(p, (str, int)) for p in path) else None,
            tuple((loc["line"], loc["column"]) for loc in locations)
            if isinstance(locations, list) and all(
                isinstance(loc, dict) and isinstance(loc.get("line"), int) and isinstance(loc.get("column"), int)
                for loc in locations) else None,
        )

    def __str__(self) -> str:
        where = f" (at {'.'.join(map(str, self.path))})" if self.path else ""
        return f"{self.type or 'ERROR'}: {self.message}{where}"


class GraphQLError(RequestError):
    """A GraphQL answer with `errors`: every one in `errors` (`ErrorItem`s),
    whatever data came with them in `data` (None if none), the answer in
    `response`. `NOT_FOUND`, `FORBIDDEN`/`INSUFFICIENT_SCOPES` and
    `RATE_LIMITED` answers are also `NotFoundError`, `ForbiddenError` and
    `PrimaryRateLimitError`."""

    errors: list[ErrorItem]

    def __init__(self, response: Response, errors: list[ErrorItem], data: Any, kind: str = "query") -> None:
        self.data = data
        self.kind = kind
        super().__init__(response, errors[0].message if errors else "", None, list(errors))

    def _describe(self, response: Response) -> str:
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f"; and {len(self.errors) - 5} more" if len(self.errors) > 5 else ""
        text = (f"GraphQL {getattr(self, 'kind', 'query')} answered with {len(self.errors)} error(s): "
                f"{shown[:2000]}{more} ({response.method} {redact_url(response.url)})")
        if response.request_id:
            text += f"; request id {response.request_id}"
        return text


class GraphQLNotFoundError(GraphQLError, NotFoundError):
    """A GraphQL answer whose errors are all `NOT_FOUND`."""


class GraphQLForbiddenError(GraphQLError, ForbiddenError):
    """A GraphQL answer whose errors are all `FORBIDDEN` or `INSUFFICIENT_SCOPES`."""


class GraphQLRateLimitError(GraphQLError, PrimaryRateLimitError):
    """A GraphQL answer with a `RATE_LIMITED` error: the `graphql` bucket's
    points are used up until `reset`."""


_BY_TYPE: dict[str, type[GraphQLError]] = {
    "NOT_FOUND": GraphQLNotFoundError,
    "FORBIDDEN": GraphQLForbiddenError,
    "INSUFFICIENT_SCOPES": GraphQLForbiddenError,
}


def error_class(errors: list[ErrorItem]) -> type[GraphQLError]:
    """RATE_LIMITED anywhere wins; else the class all the errors' types
    share; else plain `GraphQLError`."""
    if any(e.type == "RATE_LIMITED" for e in errors):
        return GraphQLRateLimitError
    classes = {_BY_TYPE.get(e.type or "", GraphQLError) for e in errors}
    return classes.pop() if len(classes) == 1 else GraphQLError


# -- cursor pagination -----------------------------------------------------------

CURSOR = "cursor"


class Walk:
    """One cursor walk, in the manner of Octokit's paginate-graphql.

    The query declares `$cursor` and passes it to the one connection it
    walks, whose `pageInfo` has `hasNextPage` and `endCursor` (forward) or
    `hasPreviousPage` and `startCursor` (backward). `variables()` is what the
    next request sends (None when the walk is over); `receive(data)` takes
    its answer. An answer with no or several `pageInfo`, or a cursor that
    does not advance, is an error.
    """

    def __init__(self, query: str, variables: Mapping[str, Any]) -> None:
        if CURSOR not in parse(query).variables:
            raise ValueError("octo.paginate.graphql: the query must declare $cursor and pass it to the "
                             "connection it walks (after: $cursor, or before: $cursor)")
        self._variables = dict(variables)
        self._seen: set[Any] = {self._variables.get(CURSOR)}
        self._done = False
        self.connection: dict[str, Any] = {}

    def variables(self) -> dict[str, Any] | None:
        return None if self._done else self._variables

    def receive(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Take one page's data (returned as it is) and find the next cursor."""
        path, self.connection = _connection(data)
        info = self.connection["pageInfo"]
        forward = "hasNextPage" in info
        more, cursor_name = ("hasNextPage", "endCursor") if forward else ("hasPreviousPage", "startCursor")
        if more not in info or cursor_name not in info:
            raise OctoError(f"octo.paginate.graphql: {path}.pageInfo must have hasNextPage and endCursor, "
                            "or hasPreviousPage and startCursor")
        if not info[more]:
            self._done = True
            return data
        cursor = info[cursor_name]
        if not isinstance(cursor, str) or cursor in self._seen:
            self._done = True
            problem = (f"is {cursor!r}, though {more} is true" if not isinstance(cursor, str)
                       else f"does not advance ({cursor[:80]!r} again)")
            raise OctoError(f"octo.paginate.graphql: {path}.pageInfo.{cursor_name} {problem}; stopping")
        self._seen.add(cursor)
        self._variables = {**self._variables, CURSOR: cursor}
        return data

    def nodes(self) -> list[Any]:
        """The items of the page last received: its `nodes`, else its `edges`."""
        for key in ("nodes", "edges"):
            items = self.connection.get(key)
            if isinstance(items, list):
                return items
        raise OctoError("octo.paginate.graphql: the connection has no nodes or edges list; ask for one, "
                        "or use octo.paginate.graphql_pages for each page's data")


def _connection(data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The one object with a `pageInfo` object in `data`, and its path."""
    found: list[tuple[str, dict[str, Any]]] = []
    todo: list[tuple[str, Any]] = [("data", data)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, dict):
            if isinstance(value.get("pageInfo"), dict):
                found.append((path, value))
            todo.extend((f"{path}.{k}", v) for k, v in value.items() if k != "pageInfo")
        elif isinstance(value, list):
            todo.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    if len(found) != 1:
        where = f" (at {', '.join(sorted(p for p, _ in found)[:5])})" if found else ""
        raise OctoError(f"octo.paginate.graphql: the answer must have exactly one connection with "
                        f"pageInfo {{ hasNextPage endCursor }}; it has {len(found)}{where}")
    return found[0]


# -- offline checks against the pinned schema ----------------------------------------

SCHEMA_VARIABLE = "OCTO_GRAPHQL_SCHEMA"
# Where `make openapi` pins the schema, in a checkout (relative to the package).
_PINNED = ("..", ".cache", "graphql", "schema.json")


def graphql_check(query: str, variables: Mapping[str, Any] | None = None, *,
                  schema: str | os.PathLike[str] | None = None) -> list[str]:
    """What is wrong with `query` against GitHub's GraphQL schema, offline:
    unknown fields, wrong argument types and, when `variables` is given, a
    required variable missing or of the wrong type. Empty when it is valid.

    `schema` is a path to the schema as introspection JSON (`schema.json` of
    the npm package @octokit/graphql-schema); by default `$OCTO_GRAPHQL_SCHEMA`,
    else the copy `make openapi` pins in a checkout. Needs graphql-core
    (`pip install 'octo-github[graphql]'`).
    """
    try:
        import graphql as core
        from graphql.execution.values import get_variable_values
    except ImportError:
        raise ImportError("octo.graphql_check needs graphql-core: pip install 'octo-github[graphql]'") from None
    pinned = Path(__file__).resolve().parent.joinpath(*_PINNED).resolve()
    built = load_schema(Path(schema or os.environ.get(SCHEMA_VARIABLE) or pinned))
    try:
        document = core.parse(query)
    except core.GraphQLError as exc:
        return [_problem(exc)]
    problems = [_problem(e) for e in core.validate(built, document)]
    if variables is not None and not problems:
        for definition in document.definitions:
            if isinstance(definition, core.OperationDefinitionNode):
                coerced = get_variable_values(built, definition.variable_definitions or (), dict(variables))
                if isinstance(coerced, list):
                    problems += [_problem(e) for e in coerced]
    return problems


def _problem(error: Any) -> str:
    where = "".join(f" (line {loc.line}, column {loc.column})" for loc in (error.locations or ())[:1])
    return f"{error.message}{where}"


@functools.lru_cache(maxsize=4)
def load_schema(path: Path) -> Any:
    """The graphql-core schema built from introspection JSON at `path`."""
    import json

    import graphql as core

    if not path.exists():
        raise FileNotFoundError(f"no GraphQL schema at {path}: pass schema=, set ${SCHEMA_VARIABLE}, or run "
                                "`make openapi` (npm pack @octokit/graphql-schema)")
    introspection = json.loads(path.read_text(encoding="utf-8"))
    # GitHub's schema breaks a rule graphql-core enforces (an implementation deprecating a field
    # its interface does not), which does not affect checking or executing queries.
    return core.build_client_schema(introspection.get("data", introspection), assume_valid=True)
