"""`octo graphql`, against the loopback server that executes GitHub's schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SENTINEL
from graphql_server import GraphQLServer

from cli.helpers import Run

QUERY = """query($owner: String!, $name: String!, $cursor: String, $size: Int!) {
  repository(owner: $owner, name: $name) {
    issues(first: $size, after: $cursor) { nodes { number } pageInfo { hasNextPage endCursor } }
  }
}
"""


@pytest.fixture
def gql(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphQLServer]:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    with GraphQLServer() as s:
        yield s


@pytest.fixture
def query_file(tmp_path: Path) -> Path:
    path = tmp_path / "issues.graphql"
    path.write_text(QUERY)
    return path


def test_a_query_from_a_file_with_typed_fields(run: Run, gql: GraphQLServer, query_file: Path) -> None:
    result = run("--base-url", gql.url, "graphql", "-F", f"query=@{query_file}", "-F", "size=2",
                 "-f", "owner=octocat", "-F", "name=hello")
    assert (result.code, result.err) == (0, "")
    assert json.loads(result.out) == {"repository": {"issues": {
        "nodes": [{"number": 1}, {"number": 2}], "pageInfo": {"hasNextPage": True, "endCursor": "Y3Vyc29yOnYyOjE="}}}}
    assert gql.bodies()[0]["variables"] == {"size": 2, "owner": "octocat", "name": "hello"}


def test_paginate_prints_every_node_as_a_line(run: Run, gql: GraphQLServer, query_file: Path) -> None:
    result = run("graphql", "--base-url", gql.url, "-F", f"query=@{query_file}", "-F", "size=3",
                 "-f", "owner=o", "-f", "name=r", "--paginate")
    assert result.code == 0, result.err
    assert [json.loads(line)["number"] for line in result.out.splitlines()] == [1, 2, 3, 4, 5, 6, 7]
    assert len(gql.requests) == 3


def test_jq_filters_the_output(run: Run, gql: GraphQLServer, query_file: Path) -> None:
    result = run("graphql", "--base-url", gql.url, "-F", f"query=@{query_file}", "-F", "size=3",
                 "-f", "owner=o", "-f", "name=r", "--jq", ".repository.issues.nodes[].number")
    assert (result.code, result.out) == (0, "1\n2\n3\n")


def test_graphql_errors_exit_1_with_the_messages_on_stderr(run: Run, gql: GraphQLServer) -> None:
    result = run("graphql", "--base-url", gql.url,
                 "-f", 'query={ repository(owner: "o", name: "missing") { name } viewer { nme } }')
    assert result.code == 1 and result.out == ""
    assert result.err == "octo: ERROR: Cannot query field 'nme' on type 'User'. Did you mean 'name'?\n"
    result = run("graphql", "--base-url", gql.url, "-f", 'query={ repository(owner: "o", name: "missing") { id } }')
    assert result.code == 1
    assert result.err == ("octo: NOT_FOUND: Could not resolve to a Repository with the name 'o/missing'. "
                          "(at repository)\n")
    assert SENTINEL not in result.err


def test_a_missing_query_or_a_bad_field_is_a_usage_error(run: Run, gql: GraphQLServer) -> None:
    result = run("graphql", "--base-url", gql.url, "-F", "number=7")
    assert result.code == 2 and "the query is missing" in result.err
    assert run("graphql", "-F", "number").code == 2
    result = run("graphql", "--base-url", gql.url, "-f", "query=query A { a } query B { b }")
    assert result.code == 2 and "2 operations" in result.err
    assert gql.requests == []


def test_dry_run_prints_the_request_and_sends_nothing(run: Run, gql: GraphQLServer) -> None:
    result = run("--dry-run", "graphql", "--base-url", gql.url + "/api/v3", "-f", "query={ viewer { login } }",
                 "-F", "n=7")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert (shown["method"], shown["url"]) == ("POST", gql.url + "/api/graphql")
    assert shown["body"] == {"query": "{ viewer { login } }", "variables": {"n": 7}}
    assert SENTINEL not in result.out and gql.requests == []


def test_typed_fields_are_typed_as_octo_api_types_them(run: Run, gql: GraphQLServer, query_file: Path) -> None:
    # JSON's literals and numbers only: what Python's float() also reads (1_000, +5, 007, " 7") stays text.
    result = run("graphql", "--base-url", gql.url, "-F", f"query=@{query_file}", "-F", "size=2", "-f", "owner=o",
                 "-F", "name=r", "-F", "a=1_000", "-F", "b=+5", "-F", "c=007", "-F", "d= 7", "-F", "e=1.5e2",
                 "-F", "f=null", "-F", "g=false")
    assert result.code == 0, result.err
    assert gql.bodies()[0]["variables"] == {"size": 2, "owner": "o", "name": "r", "a": "1_000", "b": "+5",
                                            "c": "007", "d": " 7", "e": 150.0, "f": None, "g": False}
