"""The "Bad input" table of reliability.md, row by row: what the caller
gets wrong is refused before any I/O, and no value can change the route."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
import requests
from conftest import SENTINEL
from hypothesis import example, given, settings
from hypothesis import strategies as st
from server import ScriptedServer

import octo
from octo.core.operation import Operation

GET_REPO = Operation("GET", "/repos/{owner}/{repo}/pulls")
GET_REF = Operation("GET", "/repos/{owner}/{repo}/git/ref/{ref}", multi_segment=frozenset({"ref"}))


def wire_segments(route: str) -> list[str]:
    """The path segments as requests puts them on the wire (it re-quotes and
    normalises dot segments), decoded."""
    prepared = requests.Request("GET", "https://api.github.com" + route).prepare()
    assert prepared.url is not None
    return [unquote(s, errors="strict") for s in urlsplit(prepared.url).path.split("/")[1:]]


def is_sendable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate has no URL form
        return False
    return True


@pytest.mark.parametrize(("value", "encoded"), [
    ("a/b", "a%2Fb"), ("?x", "%3Fx"), ("#x", "%23x"), ("%", "%25"), ("ü", "%C3%BC"),
    ("../x", "..%2Fx"), ("{repo}", "%7Brepo%7D"), ("a b", "a%20b"),
])
def test_path_values_are_percent_encoded_into_one_segment(
    server: ScriptedServer, client: octo.Octo, value: str, encoded: str
) -> None:
    client.repos.get("octocat", value)
    (request,) = server.requests
    assert request.path == f"/repos/octocat/{encoded}"
    assert [unquote(s) for s in request.route.split("/")[1:]] == ["repos", "octocat", value]
    assert request.query == {}


@settings(max_examples=200, deadline=None)
@given(st.text())
@example("a/b")
@example("?x")
@example("#x")
@example("%")
@example("ü")
@example("%2F")
@example("...")
@example("\ud800")
@example("a\x00b")
def test_any_string_as_a_path_value_keeps_the_segment_count_and_decodes_back(value: str) -> None:
    values = {"owner": "octocat", "repo": value}
    if value in ("", ".", "..") or not is_sendable(value):
        with pytest.raises(ValueError):
            GET_REPO.render_path(values)
        return
    rendered = GET_REPO.render_path(values)
    assert re.fullmatch(r"[A-Za-z0-9_.~%/-]+", rendered), rendered  # what is not unreserved is quoted
    assert wire_segments(rendered) == ["repos", "octocat", value, "pulls"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="/"), min_size=1)
                .filter(lambda s: s not in (".", "..")), min_size=1, max_size=4))
def test_any_multi_segment_value_keeps_its_slashes_and_decodes_back(segments: list[str]) -> None:
    ref = "/".join(segments)
    values = {"owner": "o", "repo": "r", "ref": ref}
    if not is_sendable(ref):
        with pytest.raises(ValueError):
            GET_REF.render_path(values)
        return
    assert wire_segments(GET_REF.render_path(values)) == ["repos", "o", "r", "git", "ref", *segments]


@pytest.mark.parametrize("value", ["", ".", ".."])
@pytest.mark.parametrize("argument", ["owner", "repo"])
def test_dot_dot_dot_and_empty_path_values_are_a_value_error_before_io(
    server: ScriptedServer, client: octo.Octo, value: str, argument: str
) -> None:
    with pytest.raises(ValueError, match=argument):
        client.repos.get(**{"owner": "o", "repo": "r", argument: value})
    assert server.requests == []


def test_multi_segment_parameters_keep_slashes_encode_the_rest_and_refuse_dot_segments(
    server: ScriptedServer, client: octo.Octo
) -> None:
    client.repos.get_content("o", "r", "docs/a b#c?d%.md")
    client.request(GET_REF, path={"owner": "o", "repo": "r", "ref": "heads/feature/ü?"})
    assert [r.path for r in server.requests] == [
        "/repos/o/r/contents/docs/a%20b%23c%3Fd%25.md",
        "/repos/o/r/git/ref/heads/feature/%C3%BC%3F",
    ]
    for bad in ("docs/../secrets", "./x", "x/.", "a//b", "/abs", "trailing/"):
        with pytest.raises(ValueError, match="path"):
            client.repos.get_content("o", "r", bad)
    with pytest.raises(ValueError, match="ref"):
        client.request(GET_REF, path={"owner": "o", "repo": "r", "ref": "heads/../../admin"})
    assert len(server.requests) == 2


def test_a_wholly_empty_multi_segment_value_at_the_end_lists_the_collection(
    server: ScriptedServer, client: octo.Octo
) -> None:
    # Octokit: getContent({owner, repo, path: ""}) lists the root; matching-refs/ every ref.
    assert client.repos.get_content("o", "r", "").status == 200
    client.git.list_matching_refs("o", "r", "")
    client.request(GET_REF, path={"owner": "o", "repo": "r", "ref": ""})
    assert [r.path for r in server.requests] == [
        "/repos/o/r/contents/", "/repos/o/r/git/matching-refs/", "/repos/o/r/git/ref/"]
    # Only a wholly empty value, only at the end, only where the value may span segments.
    inner = Operation("GET", "/repos/{owner}/{repo}/branches/{branch}/protection",
                      multi_segment=frozenset({"branch"}))
    for op, values in [
        (inner, {"owner": "o", "repo": "r", "branch": ""}),
        (GET_REPO, {"owner": "o", "repo": ""}),
        (Operation("GET", "/repos/{owner}/{repo}/contents/{path}"), {"owner": "o", "repo": "r", "path": ""}),
    ]:
        with pytest.raises(ValueError, match="branch|repo|path"):
            client.request(op, path=values)
    assert len(server.requests) == 3


@pytest.mark.parametrize("bad", [
    SENTINEL + "\r\nX-Injected: 1", SENTINEL + "\n", "\r" + SENTINEL, SENTINEL + "\x00",
    SENTINEL + "\x7f", SENTINEL + "\t", SENTINEL + " x", SENTINEL + "é",
])
def test_a_token_with_control_characters_is_a_value_error_that_does_not_show_it(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError) as info:
        octo.Octo(bad)
    assert SENTINEL not in str(info.value) and SENTINEL not in repr(info.value)
    if "\x00" not in bad:  # the environment cannot hold a NUL
        monkeypatch.setenv("GITHUB_TOKEN", bad)
        with pytest.raises(ValueError) as info:
            octo.configure()
        assert SENTINEL not in str(info.value)


def test_a_missing_or_unknown_argument_is_a_type_error_before_io(
    server: ScriptedServer, client: octo.Octo
) -> None:
    with pytest.raises(TypeError, match="event_type"):
        client.repos.create_dispatch_event("o", "r")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="repo"):
        client.repos.get("o")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="colour"):
        client.repos.get("o", "r", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="repo"):
        client.request("GET /repos/{owner}/{repo}", path={"owner": "o"})
    with pytest.raises(TypeError, match="colour"):
        client.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r", "colour": 1})
    with pytest.raises(TypeError, match="owner"):
        client.request("GET /repos/{owner}/{repo}")
    assert server.requests == []


def test_a_body_field_over_a_documented_limit_is_refused_before_io_naming_the_field(
    server: ScriptedServer, client: octo.Octo
) -> None:
    with pytest.raises(ValueError, match="event_type") as info:
        client.repos.create_dispatch_event("o", "r", event_type="x" * 101)
    assert "100" in str(info.value)
    with pytest.raises(ValueError, match="client_payload"):
        client.repos.create_dispatch_event("o", "r", event_type="e",
                                           client_payload={str(i): i for i in range(11)})
    with pytest.raises(ValueError, match="state"):
        client.issues.list_for_repo("o", "r", state="stale")  # type: ignore[arg-type]  # an enum
    assert server.requests == []
    # Where the spec gives no limit, GitHub decides.
    client.repos.create_dispatch_event("o", "r", event_type="x" * 100)
    client.issues.create("o", "r", title="t" * 10_000)
    assert len(server.requests) == 2


def test_path_values_go_by_name_whatever_the_order_of_the_mapping() -> None:
    assert GET_REPO.render_path({"repo": "r", "owner": "o"}) == GET_REPO.render_path({"owner": "o", "repo": "r"})
    assert GET_REPO.render_path({"repo": 7, "owner": "a b"}) == "/repos/a%20b/7/pulls"
    with pytest.raises(TypeError, match="missing path parameter 'repo'"):
        GET_REPO.render_path({"owner": "o", "name": "r"})


@pytest.mark.parametrize("timeout", [float("inf"), (10, float("inf")), (10, 30, float("inf")), float("nan"),
                                     (0, 30), -1])
def test_a_timeout_that_is_no_limit_or_no_number_is_a_value_error_before_io(
    server: ScriptedServer, client: octo.Octo, timeout: object
) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        octo.Octo(base_url=server.url, timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        client.repos.get("o", "r", timeout=timeout)  # type: ignore[arg-type]
    assert server.requests == []
