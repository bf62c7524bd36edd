"""`gh.graphql`, `octo.paginate.graphql` and `octo.graphql_check`, against a
loopback server that executes GitHub's pinned GraphQL schema."""

from __future__ import annotations

import pickle
import re
import traceback
from collections.abc import Iterator

import pytest
from conftest import SENTINEL, FakeClock
from graphql_server import GraphQLServer, cursor
from server import Reply, ScriptedServer

import octo
from octo.core.buckets import guess_resource
from octo.graphql import endpoint, parse

ISSUES = """
query Issues($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 3, after: $cursor) {
      nodes { number title }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
ISSUES_BACKWARD = """
query($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(last: 3, before: $cursor) {
      nodes { number }
      pageInfo { hasPreviousPage startCursor }
    }
  }
}
"""
ADD_STAR = "mutation($id: ID!) { addStar(input: {starrableId: $id}) { starrable { id } } }"


@pytest.fixture
def gql() -> Iterator[GraphQLServer]:
    with GraphQLServer() as s:
        yield s


@pytest.fixture
def gh(gql: GraphQLServer) -> Iterator[octo.Octo]:
    with octo.Octo(SENTINEL, base_url=gql.url) as c:
        yield c


def test_a_query_returns_its_data_with_the_response_at_hand(gql: GraphQLServer, gh: octo.Octo) -> None:
    data = gh.graphql(ISSUES, owner="octocat", name="hello-world")
    assert data["repository"]["issues"]["nodes"] == [
        {"number": 1, "title": "title-0"}, {"number": 2, "title": "title-1"}, {"number": 3, "title": "title-2"}]
    assert data.response.rate_limit.resource == "graphql" and data.response.rate_limit.remaining == 4999
    sent = gql.requests[0]
    assert (sent.method, sent.route) == ("POST", "/graphql")
    assert sent.headers["authorization"] == f"Bearer {SENTINEL}"
    assert sent.json() == {"query": ISSUES, "variables": {"owner": "octocat", "name": "hello-world"}}


def test_variables_named_like_the_methods_own_keywords_go_through_the_mapping(
        gql: GraphQLServer, gh: octo.Octo) -> None:
    query = ('query($query: String!, $variables: String = "is:closed") {'
             " a: search(query: $query, type: ISSUE, first: 1) { issueCount }"
             " b: search(query: $variables, type: ISSUE, first: 1) { issueCount } }")
    gh.graphql(query, query="is:open")
    assert gql.requests[-1].json()["variables"] == {"query": "is:open"}
    gh.graphql(query, {"variables": "x"}, query="y")
    assert gql.requests[-1].json()["variables"] == {"variables": "x", "query": "y"}
    with pytest.raises(TypeError, match=r"\['query'\] given both"):
        gh.graphql(query, {"query": "a"}, query="b")


def test_a_mutation_runs_once(gql: GraphQLServer, gh: octo.Octo) -> None:
    assert gh.graphql(ADD_STAR, id="R_1") == {"addStar": {"starrable": {"id": "ID_0"}}}
    assert gql.mutations == ["addStar"]


def test_an_error_answer_raises_with_every_error_and_the_partial_data(gh: octo.Octo) -> None:
    query = 'query { repository(owner: "octocat", name: "missing") { name } viewer { login } }'
    with pytest.raises(octo.GraphQLError) as info:
        gh.graphql(query)
    error = info.value
    assert isinstance(error, octo.NotFoundError)  # what a REST caller already catches
    assert error.data == {"repository": None, "viewer": {"login": "login-0"}}
    [item] = error.errors
    assert (item.type, item.path, item.locations) == ("NOT_FOUND", ("repository",), ((1, 9),))
    assert "Could not resolve to a Repository with the name 'octocat/missing'" in str(error)
    assert error.response.status == 200


def test_hooks_see_a_graphql_call_as_the_post_it_is(gql: GraphQLServer, gh: octo.Octo) -> None:
    seen: list[object] = []
    gh.hook.before(lambda request: seen.append((request.method, request.url)))
    gh.hook.after(lambda response, request: seen.append(type(response).__name__))
    gh.hook.wrap(lambda send, request: seen.append("wrap") or send(request))
    data = gh.graphql("{ viewer { login } }")
    assert data == {"viewer": {"login": "login-0"}} and data.response.status == 200
    assert seen == ["wrap", ("POST", gql.url + "/graphql"), "Response"]


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_value_json_cannot_carry_is_refused_before_sending(
        server: ScriptedServer, client: octo.Octo, value: float) -> None:
    with pytest.raises(ValueError, match=r"graphql query: the body cannot be sent as JSON \(NaN or infinity\)"):
        client.graphql("query($n: Float) { viewer { login } }", n=value)
    with pytest.raises(ValueError, match="POST /markdown: the body cannot be sent as JSON"):
        client.request("POST /markdown", body={"text": [value]})
    assert server.requests == []


def test_an_invalid_query_is_a_graphql_error_naming_the_field(gh: octo.Octo) -> None:
    with pytest.raises(octo.GraphQLError, match="Cannot query field 'nme' on type 'Repository'") as info:
        gh.graphql('query { repository(owner: "o", name: "r") { nme } }')
    assert not isinstance(info.value, octo.NotFoundError) and info.value.data is None


@pytest.mark.parametrize(("kind", "expected"), [
    ("FORBIDDEN", octo.ForbiddenError), ("INSUFFICIENT_SCOPES", octo.ForbiddenError),
    ("RATE_LIMITED", octo.PrimaryRateLimitError), ("SOMETHING_NEW", octo.GraphQLError)])
def test_error_types_map_to_the_rest_error_classes(server: ScriptedServer, client: octo.Octo, kind: str,
                                                   expected: type[Exception]) -> None:
    server.queue(Reply(200, json={"data": None, "errors": [{"type": kind, "message": "no"}]}))
    with pytest.raises(expected) as info:
        client.graphql("{ viewer { login } }")
    assert isinstance(info.value, octo.GraphQLError)
    assert kind == "SOMETHING_NEW" or type(info.value) is not octo.GraphQLError


@pytest.mark.parametrize("answer", [[1, 2], {"something": "else"}, {"data": "text"}])
def test_an_answer_that_is_no_graphql_answer_is_an_invalid_response(
        server: ScriptedServer, client: octo.Octo, answer: object) -> None:
    server.queue(Reply(200, json=answer))
    with pytest.raises(octo.InvalidResponseError, match="GraphQL answer"):
        client.graphql("{ viewer { login } }")


def test_three_pages_forward(gql: GraphQLServer, gh: octo.Octo) -> None:
    numbers = [n["number"] for n in octo.paginate.graphql(gh, ISSUES, owner="o", name="r")]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    sent = [body.get("variables", {}).get("cursor") for body in gql.bodies()]
    assert sent == [None, cursor(2), cursor(5)]


def test_three_pages_backward(gql: GraphQLServer, gh: octo.Octo) -> None:
    pages = list(octo.paginate.graphql_pages(gh, ISSUES_BACKWARD, owner="o", name="r"))
    assert [[n["number"] for n in p["repository"]["issues"]["nodes"]] for p in pages] == [
        [5, 6, 7], [2, 3, 4], [1]]
    assert pages[0].response.status == 200
    assert [b["variables"].get("cursor") for b in gql.bodies()] == [None, cursor(4), cursor(1)]


def test_a_walk_can_start_from_a_given_cursor(gql: GraphQLServer, gh: octo.Octo) -> None:
    numbers = [n["number"] for n in octo.paginate.graphql(gh, ISSUES, owner="o", name="r", cursor=cursor(3))]
    assert numbers == [5, 6, 7]


def test_a_query_without_cursor_is_refused_before_sending(gql: GraphQLServer, gh: octo.Octo) -> None:
    with pytest.raises(ValueError, match=r"declare \$cursor"):
        octo.paginate.graphql(gh, "{ viewer { login } }")
    assert gql.requests == []


@pytest.mark.parametrize(("query", "found"), [
    ("query($cursor: String) { viewer { repositories(first: 2, after: $cursor) { nodes { name } } } }",
     "it has 0"),
    ("query($cursor: String) { viewer { a: repositories(first: 2, after: $cursor) "
     "{ pageInfo { hasNextPage endCursor } } b: starredRepositories(first: 2) "
     "{ pageInfo { hasNextPage endCursor } } } }", "it has 2 (at data.viewer.a, data.viewer.b)"),
])
def test_an_answer_without_exactly_one_connection_is_an_error(gh: octo.Octo, query: str, found: str) -> None:
    with pytest.raises(octo.OctoError, match=r"exactly one connection .*" + found.replace("(", r"\(")
                       .replace(")", r"\)")):
        list(octo.paginate.graphql(gh, query))


def test_a_cursor_that_does_not_advance_stops_with_an_error() -> None:
    with GraphQLServer(stuck=True) as gql, octo.Octo(SENTINEL, base_url=gql.url) as gh:
        walked = []
        with pytest.raises(octo.OctoError, match="endCursor does not advance"):
            for node in octo.paginate.graphql(gh, ISSUES, owner="o", name="r"):
                walked.append(node["number"])
        assert walked == [1, 2, 3] and len(gql.requests) == 2  # the repeated page is not yielded


def test_a_next_page_without_a_cursor_stops_with_an_error(server: ScriptedServer, client: octo.Octo) -> None:
    info = {"hasNextPage": True, "endCursor": None}
    server.queue(Reply(200, json={"data": {"viewer": {"repositories": {"nodes": [], "pageInfo": info}}}}))
    query = "query($cursor: String) { viewer { repositories(first: 2, after: $cursor) { nodes { name } " \
            "pageInfo { hasNextPage endCursor } } } }"
    with pytest.raises(octo.OctoError, match=r"data.viewer.repositories.pageInfo.endCursor is None, though "
                                             "hasNextPage is true"):
        list(octo.paginate.graphql(client, query))
    assert len(server.requests) == 1


def test_a_mutation_whose_connection_broke_is_not_sent_again(fake_clock: FakeClock) -> None:
    # The server ran it, then the connection broke: sending it again would star twice.
    with GraphQLServer(faults=["reset-after"]) as gql, octo.Octo(SENTINEL, base_url=gql.url) as gh:
        with pytest.raises(octo.TransportError):
            gh.graphql(ADD_STAR, id="R_1")
        assert gql.mutations == ["addStar"] and len(gql.requests) == 1 and fake_clock.sleeps == []


def test_a_query_whose_connection_broke_is_sent_again(fake_clock: FakeClock) -> None:
    with GraphQLServer(faults=["reset", "reset-after"]) as gql, octo.Octo(SENTINEL, base_url=gql.url) as gh:
        assert gh.graphql("{ viewer { login } }") == {"viewer": {"login": "login-0"}}
        assert len(gql.requests) == 3 and len(fake_clock.sleeps) == 2


def test_a_query_answered_502_is_retried_and_a_mutation_is_not(gql: GraphQLServer, gh: octo.Octo) -> None:
    gql.queue(Reply(502))
    assert gh.graphql("{ viewer { login } }")["viewer"]["login"] == "login-0"
    gql.queue(Reply(502))
    with pytest.raises(octo.ServerError):
        gh.graphql(ADD_STAR, id="R_1")
    assert gql.mutations == [] and len(gql.requests) == 3


def test_a_used_up_graphql_bucket_holds_back_graphql_but_not_rest(
        server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock) -> None:
    reset = int(fake_clock.now) + 5000
    server.queue(Reply(200, json={"data": None, "errors": [{"type": "RATE_LIMITED", "message": "limit"}]},
                       headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset),
                                "x-ratelimit-resource": "graphql"}))
    with pytest.raises(octo.PrimaryRateLimitError) as first:
        client.graphql("{ viewer { login } }")
    assert first.value.reset == reset
    with pytest.raises(octo.PrimaryRateLimitError, match="not sent; rate limit 'graphql' used up"):
        client.graphql("{ viewer { login } }")
    client.request("GET /user")  # the core bucket is another one
    assert [r.route for r in server.requests] == ["/graphql", "/user"]


def test_the_endpoint_of_github_and_of_enterprise_server() -> None:
    assert endpoint("https://api.github.com") == "https://api.github.com/graphql"
    assert endpoint("https://ghe.example/api/v3") == "https://ghe.example/api/graphql"
    # Counted against the graphql bucket before any answer names it, on either.
    assert guess_resource("/graphql") == guess_resource("https://ghe.example/api/graphql") == "graphql"
    with GraphQLServer() as gql, octo.Octo(SENTINEL, base_url=gql.url + "/api/v3") as gh:
        gh.graphql("{ viewer { login } }")
        assert gql.requests[0].route == "/api/graphql"
        assert gql.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"


@pytest.mark.parametrize(("document", "kind"), [
    ("{ viewer { login } }", "query"),
    ("# mutation { x }\nquery Q($a: In = {mutation: 1}) @d { a(s: \"mutation {\") }", "query"),
    ('mutation M { addStar(input: {starrableId: """ query { x } """}) { clientMutationId } }', "mutation"),
    ("fragment F on User { login } mutation { a { ...F } }", "mutation"),
])
def test_the_operation_type_is_parsed_not_guessed(document: str, kind: str) -> None:
    assert parse(document).kind == kind


@pytest.mark.parametrize(("document", "message"), [
    ("query A { a } query B { b }", "2 operations"),
    ("subscription { a }", "subscription cannot be sent"),
    ("{ a ", "ends inside a definition"),
    ("type X { a: Int }", "expected an operation"),
    ("{ a } }", "expected an operation or a fragment, got '}'"),
    ("{ a ) }", "unbalanced"),
    ("{\n a ^ }", r"unexpected character '\^' on line 2"),
])
def test_a_document_octo_cannot_send_is_refused_before_sending(
        server: ScriptedServer, client: octo.Octo, document: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        client.graphql(document)
    assert server.requests == []


def test_secrets_never_appear_in_graphql_errors(gh: octo.Octo) -> None:
    with pytest.raises(octo.GraphQLError) as info:
        gh.graphql('query { repository(owner: "o", name: "missing") { name } }')
    error = info.value
    shown = [str(error), repr(error), repr(error.request), "".join(traceback.format_exception(error)),
             repr(pickle.loads(pickle.dumps(error)).__dict__)]
    assert error.request is not None and error.request.headers["Authorization"] == "[redacted]"
    assert not [text for text in shown if SENTINEL in text]


class TestCheck:
    def test_a_valid_query_has_no_problems(self) -> None:
        assert octo.graphql_check(ISSUES) == []
        assert octo.graphql_check(ISSUES, {"owner": "o", "name": "r"}) == []

    def test_an_unknown_field(self) -> None:
        [problem] = octo.graphql_check('{ repository(owner: "o", name: "r") { nme } }')
        assert problem == "Cannot query field 'nme' on type 'Repository'. Did you mean 'name'? (line 1, column 39)"

    def test_a_wrong_argument_type(self) -> None:
        [problem] = octo.graphql_check('{ repository(owner: "o", name: 7) { name } }')
        assert "String cannot represent a non string value: 7" in problem

    def test_a_missing_required_variable(self) -> None:
        [problem] = octo.graphql_check(ISSUES, {"owner": "o"})
        # graphql-core 3.2 and 3.3 word it differently
        assert re.match(r"Variable '\$name' .*'String!'.* (was not )?provided", problem), problem

    def test_a_syntax_error(self) -> None:
        [problem] = octo.graphql_check("{ viewer { login }")
        assert problem.startswith("Syntax Error: Expected Name, found <EOF>.")
