"""Every GitHub in one tree: a client told its target (api.github.com by its base
URL, GHE.com by `api.SUBDOMAIN.ghe.com`, GHES by `ghes=`) refuses, before any
I/O, a method that target does not have; a client told nothing sends them all."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from blocking import Offline
from conftest import SENTINEL
from server import Reply, ScriptedServer
from spec_data import namespaces
from test_every_endpoint import required_arguments

import octo
from octo.cli.main import main as cli_main


@pytest.fixture
def wire(client_kind: str) -> Iterator[Offline]:
    """Where the client's requests would go: recorded, none let out."""
    offline = Offline(client_kind)
    yield offline
    offline.close()


def test_a_ghes_only_method_works_on_a_ghes_client(server: ScriptedServer) -> None:
    server.queue(Reply(200, json=[{"id": 1, "name": "web", "events": ["user"]}]))
    gh = octo.Octo(SENTINEL, base_url=server.url + "/api/v3", ghes="3.17")
    answer = gh.enterprise_admin.list_global_webhooks(per_page=5)
    assert answer.data == [{"id": 1, "name": "web", "events": ["user"]}]
    assert (server.requests[0].method, server.requests[0].path) == ("GET", "/api/v3/admin/hooks?per_page=5")


def test_a_ghes_only_method_is_refused_on_an_api_github_com_client_before_io(wire: Offline) -> None:
    gh = octo.Octo(SENTINEL, session=wire.session)
    with pytest.raises(TypeError, match=r"enterprise_admin\.list_global_webhooks is not available on "
                                        r"api\.github\.com \(the client's target\); "
                                        r"it exists on GHES 3\.17, 3\.18, 3\.19"):
        gh.enterprise_admin.list_global_webhooks()
    assert wire.urls == []


def test_a_method_missing_from_ghes_3_17_is_refused_there_and_sent_on_3_19(server: ScriptedServer) -> None:
    old = octo.Octo(SENTINEL, base_url=server.url + "/api/v3", ghes="3.17")
    with pytest.raises(TypeError, match=r"orgs\.get_org_ruleset_history is not available on GHES 3\.17 .*"
                                        r"it exists on api\.github\.com, GitHub Enterprise Cloud, GHES 3\.19"):
        old.orgs.get_org_ruleset_history("o", 1)
    assert server.requests == []
    server.queue(Reply(200, json=[]))
    new = octo.Octo(SENTINEL, base_url=server.url + "/api/v3", ghes="3.19")
    assert new.orgs.get_org_ruleset_history("o", 1).data == []
    assert server.requests[0].path == "/api/v3/orgs/o/rulesets/1/history"


def test_a_client_told_nothing_sends_every_targets_methods(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json=[]), Reply(200, json={}))
    client.enterprise_admin.list_global_webhooks()  # GHES only
    client.billing.get_github_billing_usage_report_user("octocat")  # api.github.com only
    assert [r.path for r in server.requests] == ["/admin/hooks", "/users/octocat/settings/billing/usage"]


def test_a_ghec_only_method_is_on_a_default_client_and_says_so(wire: Offline) -> None:
    gh = octo.Octo(SENTINEL, session=wire.session, retries=0)
    with pytest.raises(octo.TransportError):
        gh.enterprise_admin.get_consumed_licenses("acme")
    assert wire.urls == ["https://api.github.com/enterprises/acme/consumed-licenses"]
    assert "GitHub Enterprise Cloud only" in (gh.enterprise_admin.get_consumed_licenses.__doc__ or "")


def test_a_data_residency_host_is_enterprise_cloud(wire: Offline) -> None:
    gh = octo.Octo(SENTINEL, base_url="https://api.acme.ghe.com", session=wire.session, retries=0)
    assert gh.uploads_url == "https://uploads.acme.ghe.com"
    with pytest.raises(TypeError, match=r"not available on GitHub Enterprise Cloud \(api\.acme\.ghe\.com\)"):
        gh.enterprise_admin.list_global_webhooks()
    with pytest.raises(TypeError, match=r"billing\.get_github_billing_usage_report_user is not available on "
                                        r"GitHub Enterprise Cloud"):
        gh.billing.get_github_billing_usage_report_user("octocat")  # api.github.com's own billing
    assert wire.urls == []
    with pytest.raises(octo.TransportError):
        gh.enterprise_admin.get_consumed_licenses("acme")
    assert wire.urls == ["https://api.acme.ghe.com/enterprises/acme/consumed-licenses"]


def test_manage_api_methods_go_to_the_management_host(server: ScriptedServer) -> None:
    gh = octo.Octo(SENTINEL, base_url="https://ghe.example.com/api/v3", ghes="3.19")
    assert gh.manage_url == "https://ghe.example.com:8443"
    server.queue(Reply(200, json=[{"hostname": "primary", "version": {"version": "3.19.0"}}]))
    gh = octo.Octo(SENTINEL, base_url="https://ghe.example.com/api/v3", ghes="3.19", manage_url=server.url)
    assert gh.enterprise_admin.get_version().data[0]["hostname"] == "primary"
    sent = server.requests[0]
    assert sent.path == "/manage/v1/version"
    assert sent.headers["authorization"] == f"Bearer {SENTINEL}"  # the appliance's own host is trusted


@pytest.mark.parametrize(("ghes", "message"), [
    ("3.16", r"ghes must be one of '3\.17', '3\.18', '3\.19' .*got '3\.16'; leave it out"),
    (3.18, r"ghes must be one of .*got 3\.18"),
])
def test_an_unknown_ghes_version_is_refused_naming_the_known_ones(ghes: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        octo.Octo(base_url="https://ghe.example.com/api/v3", ghes=ghes)


def test_ghes_with_an_api_github_com_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match=r"ghes='3\.18' is for a GitHub Enterprise Server, "
                                         r"but base_url is api\.github\.com"):
        octo.Octo(ghes="3.18")


def test_from_env_takes_the_ghes_version_and_manage_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3")
    monkeypatch.setenv("OCTO_GHES_VERSION", "3.17")
    monkeypatch.setenv("OCTO_GHES_MANAGE_URL", "https://admin.example.com:9443")
    gh = octo.Octo.from_env()
    assert (gh.ghes, gh.manage_url) == ("3.17", "https://admin.example.com:9443")
    with pytest.raises(TypeError, match="GHES 3.17"):
        gh.orgs.get_org_ruleset_history("o", 1)


@pytest.mark.sync_only("the CLI runs the sync client")
def test_the_cli_refuses_a_method_the_environments_ghes_lacks(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_API_URL", server.url + "/api/v3")
    monkeypatch.setenv("OCTO_GHES_VERSION", "3.17")
    code = cli_main(["orgs", "get-org-ruleset-history", "o", "1"])
    assert code == 2 and "not available on GHES 3.17" in capsys.readouterr().err
    assert server.requests == []


@pytest.mark.parametrize("target", ["api.github.com", "api.acme.ghe.com", "ghes-3.17", "ghes-3.18", "ghes-3.19"])
def test_every_method_is_refused_exactly_where_its_entry_says_it_is_not(target: str, wire: Offline) -> None:
    if target.startswith("ghes-"):
        gh = octo.Octo(SENTINEL, base_url="https://ghe.example.com/api/v3", ghes=target[5:],
                       session=wire.session, retries=0)
        keys = {target}
    else:
        gh = octo.Octo(SENTINEL, base_url=f"https://{target}", session=wire.session, retries=0)
        keys = {"api.github.com", "ghec"} if target == "api.github.com" else {"ghec"}
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for ns in namespaces():
            for e in ns.endpoints:
                expected = e.targets is None or bool(e.targets & keys)
                before = len(wire.urls)
                try:
                    getattr(getattr(gh, ns.name), e.name)(**required_arguments(e))
                except octo.TransportError:
                    pass
                except TypeError as exc:
                    assert "not available on" in str(exc), exc
                sent = len(wire.urls) > before
                if sent != expected:
                    wrong.append(f"{ns.name}.{e.name}: {'sent' if sent else 'refused'}")
    assert wrong == []
