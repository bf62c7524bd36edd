"""Replays of the cassettes recorded against Prism (`make cassettes`), and
the guarantee that no cassette holds a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from server import Reply, ScriptedServer

import octo
from codegen.spec import load_spec
from contract.cassettes import CASSETTES, EXAMPLES, PLACEHOLDER_TOKEN, call, find_secrets, recorder
from contract.conftest import Targets
from contract.openapi import ROOT, home

NAMESPACES = load_spec(ROOT / "spec")
ENDPOINTS = {(ns.name, e.name): e for ns in NAMESPACES for e in ns.endpoints}
RECORDED = sorted(CASSETTES.glob("*/*.yaml"))
NEVER_USED = "http://127.0.0.1:9"  # replay answers from the cassette; nothing listens here


def _text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", RECORDED, ids=[f"{p.parent.name}.{p.stem}" for p in RECORDED])
def test_cassette_replays(path: Path, targets: Targets) -> None:
    key = (path.parent.name, path.stem)
    assert key in ENDPOINTS, f"{path.relative_to(ROOT)}: spec/ has no {'.'.join(key)}; run `make cassettes`"
    description = targets.description(home(ENDPOINTS[key]))
    recorded = yaml.safe_load(_text_of(path))["interactions"][0]["response"]
    with octo.Octo(PLACEHOLDER_TOKEN, base_url=NEVER_USED) as client, \
            recorder("none").use_cassette(str(path.relative_to(CASSETTES))) as cassette:
        response = call(client, key[0], ENDPOINTS[key], description)
    assert cassette.all_played, f"{path.relative_to(ROOT)}: octo's request differs; run `make cassettes`"
    assert response.status == recorded["status"]["code"]
    body = recorded["body"]["string"]
    if body and "json" in str(recorded["headers"].get("Content-type", recorded["headers"].get("content-type"))):
        assert response.data == json.loads(body)


def test_every_namespace_and_the_dispatch_example_have_a_cassette() -> None:
    recorded = {(p.parent.name, p.stem) for p in RECORDED}
    missing = sorted(ns.name for ns in NAMESPACES if not any(k[0] == ns.name for k in recorded))
    missing += [".".join(k) for k in EXAMPLES if k not in recorded]
    assert not missing, f"no cassette for {', '.join(missing)}: run `make cassettes`"


@pytest.mark.parametrize("path", RECORDED, ids=[f"{p.parent.name}.{p.stem}" for p in RECORDED])
def test_cassette_holds_no_secret(path: Path) -> None:
    text = _text_of(path)
    assert not find_secrets(text), f"{path.relative_to(ROOT)} holds a {find_secrets(text)}"
    for interaction in yaml.safe_load(text)["interactions"]:
        sent = {name.lower() for name in interaction["request"]["headers"]}
        assert "authorization" not in sent, f"{path.relative_to(ROOT)} records the Authorization header"


# Built at run time, so this file itself holds nothing a secret scanner flags.
PLANTED = {
    "classic token": "gh" + "p_" + "A1b2C3d4" * 5,
    "OAuth token": "gh" + "o_" + "A1b2C3d4" * 5,
    "user-to-server token": "gh" + "u_" + "A1b2C3d4" * 5,
    "installation token": "gh" + "s_" + "A1b2C3d4" * 5,
    "refresh token": "gh" + "r_" + "A1b2C3d4" * 5,
    "fine-grained token": "github" + "_pat_" + "11AB2CD3E4_" + "x9" * 20,
    "JWT": "ey" + "JhbGciOiJSUzI1NiJ9.ey" + "JpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl",
    "private key": "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
}


@pytest.mark.parametrize("secret", PLANTED.values(), ids=PLANTED.keys())
def test_the_scan_finds_every_kind_of_secret(secret: str) -> None:
    assert find_secrets(f"body: {json.dumps({'value': secret})}")


def test_recording_drops_the_token_and_scrubs_secrets_in_answers(tmp_path: Path) -> None:
    token = PLANTED["classic token"]
    answer = {"token": PLANTED["installation token"], "pem": PLANTED["private key"], "jwt": PLANTED["JWT"]}
    with ScriptedServer(lambda request: Reply(201, json=answer)) as server, \
            octo.Octo(token, base_url=server.url) as client, \
            recorder("all", tmp_path).use_cassette("x.yaml"):
        response = client.repos.create_dispatch_event("octocat", "hello-world", event_type="e")
    assert response.data == answer  # the caller still sees the real answer
    assert server.requests[0].headers["authorization"] == f"Bearer {token}"
    text = (tmp_path / "x.yaml").read_text(encoding="utf-8")
    assert find_secrets(text) == []
    assert token not in text
    assert "prism.invalid" in text and server.url not in text
