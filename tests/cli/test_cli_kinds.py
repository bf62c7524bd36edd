"""Each kind of parameter, parsed from a command line and shown by --dry-run
as the request the library would send."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SENTINEL

from cli.helpers import Result, Run

pytestmark = pytest.mark.usefixtures("kinds")

BASE = ["--dry-run", "clitest", "kinds", "octocat", "7", "docs/a b.md", "--title", "hi"]


def dry(run: Run, *extra: str) -> dict[str, Any]:
    result = run(*BASE, *extra)
    assert result.code == 0, result.err
    (request,) = result.json_lines()
    assert isinstance(request, dict)
    return request


def query(request: dict[str, Any]) -> str:
    return str(request["url"]).partition("?")[2]


def test_path_parameters_are_positional_and_encoded(run: Run) -> None:
    request = dry(run)
    assert request["method"] == "POST"
    assert request["url"] == "https://api.github.com/things/octocat/7/docs/a%20b.md"
    assert request["body"] == {"title": "hi"}


def test_integer_path_parameter_rejects_text(run: Run) -> None:
    result = run("--dry-run", "clitest", "kinds", "octocat", "seven", "p", "--title", "hi")
    assert result.code == 2
    assert "NUMBER: invalid integer value: 'seven'" in result.err
    assert result.out == ""


def test_query_integer_number_boolean_enum(run: Run) -> None:
    request = dry(run, "--per-page", "50", "--ratio", "0.5", "--draft", "--state", "closed")
    assert query(request) == "per_page=50&ratio=0.5&draft=true&state=closed"
    assert query(dry(run, "--no-draft")) == "draft=false"


@pytest.mark.parametrize(("args", "message"), [
    (["--per-page", "x"], "argument --per-page: invalid integer value: 'x'"),
    (["--per-page", "101"], "per_page: must be at most 100, got 101"),
    (["--state", "merged"], "argument --state: invalid choice: 'merged' (choose from 'open', 'closed')"),
    (["--title", "far too long for ten"], "title: must be at most 10 characters, got 20"),
    (["--config", "[1]"], "argument --config: must be a JSON object"),
    (["--config", "{oops"], "argument --config: the object is not valid JSON"),
    (["--ids", "x"], "argument --ids: invalid integer value: 'x'"),
    (["--nope"], "unrecognized arguments: --nope"),
])
def test_bad_values_are_usage_errors_before_io(run: Run, args: list[str], message: str) -> None:
    result = run(*BASE, *args)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_missing_required_option_is_a_usage_error(run: Run) -> None:
    result = run("--dry-run", "clitest", "kinds", "octocat", "7", "p")
    assert result.code == 2
    assert "the following arguments are required: --title" in result.err


def test_body_boolean_object_any_and_null(run: Run) -> None:
    request = dry(run, "--private", "--config", '{"a": {"b": [1]}}', "--value", "42", "--milestone", "null")
    assert request["body"] == {"title": "hi", "private": True, "config": {"a": {"b": [1]}},
                               "value": 42, "milestone": None}
    assert dry(run, "--value", "plain text", "--no-private")["body"] == \
        {"title": "hi", "value": "plain text", "private": False}


def test_object_from_a_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"from": "file"}')
    assert dry(run, "--config", f"@{tmp_path / 'config.json'}")["body"]["config"] == {"from": "file"}
    result = run(*BASE, "--config", f"@{tmp_path / 'missing.json'}")
    assert result.code == 2 and "cannot read" in result.err


def test_arrays_repeat_or_take_json(run: Run) -> None:
    body = dry(run, "--names", "a", "--names", "[b]", "--ids", "1", "--ids", "2")["body"]
    assert body == {"title": "hi", "names": ["a", "[b]"], "ids": [1, 2]}
    assert dry(run, "--names", "[]")["body"]["names"] == []
    assert dry(run, "--names", '["x", "y"]', "--names", "z")["body"]["names"] == ["x", "y", "z"]


def test_keyword_and_clashing_names_and_headers(run: Run) -> None:
    # `async` is a Python keyword (async_ in Python; --async here); this command's own
    # `include` parameter takes --include, so octo's stays reachable as -i.
    request = dry(run, "--async", "--include", "all", "--x-trace", "t1")
    assert request["body"] == {"title": "hi", "async": True, "include": "all"}
    assert request["headers"]["X-Trace"] == "t1"


def test_deprecated_alias_still_works_and_warns(run: Run) -> None:
    result = run("--dry-run", "clitest", "old-kinds", "o", "1", "p", "--title", "t")
    assert result.code == 0
    assert "clitest old-kinds is deprecated, use clitest kinds" in result.err


def test_media_type_choice(run: Run) -> None:
    result = run("--dry-run", "clitest", "raw", "x", "--media-type", "diff")
    assert json.loads(result.out)["headers"]["Accept"] == "application/vnd.github.diff"
    assert run("--dry-run", "clitest", "raw", "x", "--media-type", "html").code == 2


def test_binary_data_from_file_is_not_read_for_a_dry_run(run: Run, tmp_path: Path) -> None:
    asset = tmp_path / "asset.bin"
    asset.write_bytes(b"\x00\xff" * 10)
    result = run("--dry-run", "clitest", "upload", "--name", "asset.bin", "--data", f"@{asset}")
    request = json.loads(result.out)
    assert request["url"] == "https://uploads.github.com/upload?name=asset.bin"
    assert request["headers"]["Content-Type"] == "application/octet-stream"
    assert request["body"].startswith("<file ") and request["body"].endswith("asset.bin, 20 bytes>")
    assert run("--dry-run", "clitest", "upload", "--name", "x").code == 2  # --data is required


def test_json_data_from_stdin(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"any": ["json"]}'))
    result = run("--dry-run", "clitest", "send-json", "--data", "-")
    assert json.loads(result.out)["body"] == {"any": ["json"]}


def test_stdin_feeds_only_one_value(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SENTINEL + "\n"))
    result: Result = run("--dry-run", "--token-stdin", "clitest", "send-json", "--data", "-")
    assert result.code == 2
    assert "stdin already feeds --token-stdin" in result.err
    assert SENTINEL not in result.out + result.err


def test_dry_run_redacts_the_token_and_sends_nothing(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    result = run(*BASE, "--value", SENTINEL)
    request = json.loads(result.out)
    assert request["headers"]["Authorization"] == "Bearer <redacted>"
    assert request["body"]["value"] == "<redacted>"
    assert SENTINEL not in result.out + result.err


def test_command_help_shows_types_required_flags_and_docs(run: Run) -> None:
    result = run("clitest", "kinds", "--help")
    assert result.code == 0
    out = result.out
    assert out.startswith("usage: octo clitest kinds OWNER NUMBER PATH --title TEXT [options]")
    assert "POST /things/{owner}/{number}/{path}" in out
    assert "docs: https://docs.github.com/rest/clitest#kinds" in out
    assert "--per-page INT" in out and "integer; optional; range ..100" in out
    assert "--draft, --no-draft" in out
    assert "--state {open,closed}" in out
    assert "--milestone INT" in out and "null sends JSON null" in out
    assert "--names TEXT" in out and "repeat for each item" in out


def body_of(run: Run, *argv: str) -> Any:
    result = run("--dry-run", "clitest", *argv)
    assert result.code == 0, result.err
    return json.loads(result.out)["body"]


def binary_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_data_is_read_as_the_body_type_needs(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "body.json").write_text('{"from": "file", "text": "naïve"}', encoding="utf-8")
    (tmp_path / "body.md").write_text("# from a file ✅\n", encoding="utf-8")
    assert body_of(run, "send-json", "--data", f"@{tmp_path / 'body.json'}") == {"from": "file", "text": "naïve"}
    assert body_of(run, "send-json", "--data", '{"a": [1]}') == {"a": [1]}
    assert body_of(run, "send-text", "--data", "# not JSON") == "# not JSON"
    assert body_of(run, "send-text", "--data", f"@{tmp_path / 'body.md'}") == "# from a file ✅\n"
    # Bytes typed or piped in have no file name to show.
    assert body_of(run, "upload", "--name", "a", "--data", "as typed") == "<8 bytes>"
    binary_stdin(monkeypatch, b"\x00\xff\xfe raw")
    assert body_of(run, "upload", "--name", "a", "--data", "-") == "<7 bytes>"
    monkeypatch.setattr(sys, "stdin", io.StringIO("# from stdin"))
    assert body_of(run, "send-text", "--data", "-") == "# from stdin"


@pytest.mark.parametrize(("argv", "message"), [
    (["send-json", "--data", "{bad"], "--data is not valid JSON"),
    (["upload", "--name", "a", "--data", "@no/such.bin"], "no/such.bin is not a readable file"),
    (["send-text", "--data", "@no/such.md"], "cannot read no/such.md"),
    (["send-json", "--data", "[]", "--tags", "@no/such.json"], "cannot read no/such.json"),
])
def test_bad_data_is_a_usage_error_naming_it(run: Run, argv: list[str], message: str) -> None:
    result = run("--dry-run", "clitest", *argv)
    assert result.code == 2 and message in result.err, result.err


@pytest.mark.parametrize("argv", [["send-json", "--data", "-"], ["send-json", "--data", "@-"],
                                  ["upload", "--name", "a", "--data", "-"]])
def test_stdin_feeds_the_first_option_that_asks(run: Run, monkeypatch: pytest.MonkeyPatch,
                                                argv: list[str]) -> None:
    binary_stdin(monkeypatch, b'{"a": 1}')
    result = run("--dry-run", "clitest", *argv, "--tags", "@-")
    assert result.code == 2 and "stdin already feeds --data" in result.err
    monkeypatch.setattr(sys, "stdin", io.StringIO('["x", "y"]'))
    result = run("--dry-run", "clitest", "send-json", "--tags", "@-", "--data", "-")
    assert result.code == 2 and "stdin already feeds tags" in result.err


def test_array_items_from_a_file_or_stdin(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "names.json").write_text('["a", "ü"]', encoding="utf-8")
    (tmp_path / "object.json").write_text('{"a": 1}')
    (tmp_path / "broken.json").write_text("[1,")
    assert dry(run, "--names", f"@{tmp_path / 'names.json'}")["body"]["names"] == ["a", "ü"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("[3, 4]"))
    assert dry(run, "--ids", "@-")["body"]["ids"] == [3, 4]
    for bad, message in ((f"@{tmp_path / 'object.json'}", "must be a JSON array"),
                         (f"@{tmp_path / 'broken.json'}", "the file is not valid JSON"),
                         ("x", "invalid integer value: 'x'")):
        result = run(*BASE, "--ids", bad)
        assert result.code == 2 and f"argument --ids: {message}" in result.err, result.err


def test_a_nullable_array_takes_null_or_items(run: Run) -> None:
    assert dry(run, "--labels", "null")["body"]["labels"] is None
    assert dry(run, "--labels", "a", "--labels", "b")["body"]["labels"] == ["a", "b"]
    assert dry(run, "--labels", "NULL")["body"]["labels"] == ["NULL"]  # only null itself means null


def test_at_file_is_read_only_where_the_option_says_so(run: Run, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("q.json").write_text('{"from": "file"}')
    result = run(*BASE[:-1], "@q.json", "--value", "@q.json", "--config", "@q.json", "--include", "@octocat hi")
    assert result.code == 0, result.err
    body = json.loads(result.out)["body"]
    # Text is sent as typed, even when it names a file; JSON values read the file.
    assert body == {"title": "@q.json", "value": {"from": "file"}, "config": {"from": "file"},
                    "include": "@octocat hi"}
    assert result.err == ("octo: warning: --title takes text, so '@q.json' is sent as it is; "
                          "for the file's text: --title \"$(cat q.json)\"\n")
    out = run("clitest", "kinds", "--help").out
    assert "--title TEXT" in out
    assert "--value JSON|TEXT|@FILE" in out
    assert "--config JSON|@FILE" in out
    assert "--names TEXT|[JSON]|@FILE" in out and "--ids INT|[JSON]|@FILE" in out
