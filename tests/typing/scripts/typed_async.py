"""What a type checker knows about `AsyncOcto`'s answers and pages: the same as
for `Octo` (tests/typing/scripts/typed.py), awaited (checked, never run)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, assert_type

import octo

if TYPE_CHECKING:
    from octo.types import FullRepository, Issue, IssueSearchResultItem, PullRequest


async def main() -> None:
    async with octo.AsyncOcto() as gh:
        repo = await gh.repos.get("octocat", "hello-world")
        assert_type(repo, octo.Response[FullRepository])
        assert_type(repo.data["description"], str | None)

        async for issue in octo.paginate(gh.issues.list_for_repo, "octocat", "hello-world", state="all"):
            assert_type(issue, Issue)
        results = octo.paginate(gh.search.issues_and_pull_requests, q="is:open", max_items=10)
        assert_type(await anext(results), IssueSearchResultItem)
        async for page in octo.paginate.pages(gh.issues.list_for_repo, "o", "r"):
            assert_type(page.data, list[Issue])

        assert_type((await gh.repos.create_dispatch_event("o", "r", event_type="e")).data, None)
        assert_type((await gh.pulls.get("o", "r", 7)).data, PullRequest)
        assert_type((await gh.pulls.get("o", "r", 7, media_type="diff")).data, str)
        assert_type((await gh.repos.get_content("o", "r", "README.md", media_type="raw")).data, Any)
        assert_type(await gh.request("GET /rate_limit"), octo.Response[Any])
