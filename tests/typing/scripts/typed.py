"""What a type checker knows about answers, pages and payloads (checked, never run)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, assert_type

import octo

if TYPE_CHECKING:
    from octo.graphql import Data
    from octo.types import (
        FullRepository,
        Issue,
        IssueSearchResultItem,
        PullRequest,
        WebhookIssues,
        WebhookIssuesOpened,
        WebhookPush,
    )

gh = octo.Octo()

repo = gh.repos.get("octocat", "hello-world")
assert_type(repo, octo.Response[FullRepository])
assert_type(repo.data["full_name"], str)
assert_type(repo.data["description"], str | None)
assert_type(octo.repos.get("octocat", "hello-world").data["owner"]["login"], str)  # the module-level client

for issue in octo.paginate(gh.issues.list_for_repo, "octocat", "hello-world", state="all"):
    assert_type(issue, Issue)
    assert_type(issue["number"], int)
assert_type(list(octo.paginate(gh.issues.list_for_repo, "o", "r", max_items=50)), list[Issue])
assert_type(list(itertools.islice(octo.paginate(gh.issues.list_for_repo, "o", "r"), 50)), list[Issue])

results = octo.paginate(gh.search.issues_and_pull_requests, q="is:open")  # a wrapped list, unwrapped
assert_type(results.total_count, int | None)
assert_type(next(results), IssueSearchResultItem)
for page in octo.paginate.pages(gh.issues.list_for_repo, "o", "r"):
    assert_type(page.data, list[Issue])

assert_type(gh.repos.create_dispatch_event("o", "r", event_type="e").data, None)  # 204
assert_type(gh.pulls.get("o", "r", 7).data, PullRequest)
assert_type(gh.pulls.get("o", "r", 7, media_type="diff").data, str)
assert_type(gh.repos.get_content("o", "r", "README.md", media_type="raw").data, Any)

payload = octo.webhooks.parse("issues", b"{}")
if payload["action"] == "opened":
    assert_type(payload, WebhookIssuesOpened)
assert_type(octo.webhooks.parse("push", "{}")["ref"], str)

gh.repos.update_branch_protection(
    "o", "r", "main",
    required_status_checks={"strict": True, "contexts": ["ci"]},
    enforce_admins=None, required_pull_request_reviews=None, restrictions=None,
)

data = gh.graphql("{ viewer { login } }", variables={"n": 1}, owner="o")
assert_type(data, Data)
assert_type(data.response, octo.Response[Any])
for node in octo.paginate.graphql(gh, "query($cursor: String) { x }"):
    assert_type(node, Any)
for data in octo.paginate.graphql_pages(gh, "query($cursor: String) { x }", owner="o"):
    assert_type(data, Data)

wh = octo.Webhooks("secret", app=octo.AppAuth(1, "key"))


@wh.on("issues.opened")
def opened(event: WebhookIssuesOpened) -> None:
    print(event["issue"]["number"])


@wh.on("issues")
def any_issue_event(event: WebhookIssues, gh: octo.Octo) -> None:
    gh.issues.create_comment("o", "r", event["issue"]["number"], body="seen")


@wh.on("push")
async def pushed(event: WebhookPush) -> None:
    assert_type(event["ref"], str)


wh.on("*")(lambda event: print(event))
