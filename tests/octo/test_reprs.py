"""The repr of each public object says what it is and what a developer looks
for, never a secret, and works on a half-built one (a refusing __init__ leaves
one in a traceback's locals)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from conftest import SENTINEL
from keys import APP_KEY_PEM

import octo
from octo.auth.oauth import OAuthToken, UserTokenState
from octo.client import Octo
from octo.graphql import parse
from octo.pagination import GraphQLWalk, paginate
from octo.transfer import UploadBody
from octo.webhooks.router import Delivery

WALK = ("query($cursor: String) { viewer { repositories(first: 10, after: $cursor) "
        "{ nodes { name } pageInfo { hasNextPage endCursor } } } }")


def test_reprs_show_what_an_object_is_and_hide_its_secrets() -> None:
    gh = Octo(SENTINEL)  # not octo.Octo: the [async] runs put a blocking front there
    shown = {
        repr(octo.Webhooks(SENTINEL)): "Webhooks(secrets=1, handlers=0, app=False)",
        repr(Delivery("d-1", "issues", "opened", {}, 42)): "Delivery(id='d-1', event='issues', action='opened')",
        repr(paginate): "<octo.paginate>",
        repr(paginate.graphql(gh, WALK)): "<octo.paginate.graphql>",
        repr(paginate.graphql_pages(gh, WALK)): "<octo.paginate.graphql_pages>",
        repr(UploadBody(b"12345")): "<UploadBody data (5 bytes)>",
        repr(octo.MemoryCache()): "<MemoryCache 0 entries, 0 bytes>",
        repr(OAuthToken(SENTINEL, scopes=("repo",), expires_at=1800000000.4)):
            "<OAuthToken scopes=['repo'] expires_at=1800000000>",
        repr(OAuthToken(SENTINEL)): "<OAuthToken scopes=[]>",
        repr(UserTokenState("Iv1.app", SENTINEL, refresh_token=SENTINEL)): "<UserTokenState Iv1.app generation 0>",
        repr(octo.UserAuth("Iv1.app", SENTINEL, refresh_token=SENTINEL)): "<UserAuth Iv1.app>",
        repr(parse("query($owner: String!, $name: String!) { viewer { login } }")):
            "Document(query, variables=['name', 'owner'])",
    }
    for got, want in shown.items():
        assert got == want
        assert SENTINEL not in got


def test_a_webhooks_repr_counts_its_handlers_and_says_whether_it_has_an_app() -> None:
    wh = octo.Webhooks([SENTINEL, "another"], app=octo.AppAuth(1, APP_KEY_PEM))
    wh.on("issues")(lambda payload: None)
    wh.on("push")(lambda payload: None)
    assert repr(wh) == "Webhooks(secrets=2, handlers=2, app=True)"


@pytest.mark.parametrize(("cls", "want"), [
    (octo.Webhooks, "Webhooks(secrets=0, handlers=0, app=False)"),
    (Delivery, "Delivery(id=None, event=None, action=None)"),
    (UploadBody, "<UploadBody data (None bytes)>"),
    (octo.MemoryCache, "<MemoryCache 0 entries, 0 bytes>"),
    (OAuthToken, "<OAuthToken scopes=[]>"),
    (GraphQLWalk, "<octo.paginate.graphql>"),
    (UserTokenState, "<UserTokenState ? generation ?>"),
    (octo.UserAuth, "<UserAuth ?>"),
])
def test_a_half_built_object_still_has_a_repr(cls: Any, want: str) -> None:
    assert repr(cls.__new__(cls)) == want


def test_an_upload_bodys_repr_names_its_file(tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"abc")
    assert repr(UploadBody(path)) == "<UploadBody notes.txt (3 bytes)>"
    assert repr(UploadBody(io.BytesIO(b"abcd"))).endswith("(4 bytes)>")
