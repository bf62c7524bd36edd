"""What travels with an error is as clean as its message: the whole
__cause__/__context__ chain (a suppressed context too), every exception's
attributes, and the locals of every frame of every traceback in it, which is
what error trackers (Sentry and the like) capture and show. Each case plants
SENTINEL (as a token, a key, a password or a URL signature) and looks for it
in all of that. Also here: the bad input that must be refused without
echoing a secret (base URLs, headers, tokens, keys)."""

from __future__ import annotations

import base64
import importlib
import inspect
import pkgutil
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from conftest import SENTINEL
from cryptography.hazmat.primitives.asymmetric import rsa
from keys import APP_KEY
from server import Reply, ScriptedServer

import octo
from octo.client import check_token

APP_ID = 123456
RATE_LIMITED = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000",
                "x-ratelimit-resource": "core"}
# Module globals, not locals: a test's own frames must not hold the secret.
BAD_PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{SENTINEL}\n-----END RSA PRIVATE KEY-----\n"
SIGNED = f"/blob?X-Amz-Expires=300&X-Amz-Signature={SENTINEL}"
TESTS = str(Path(__file__).resolve().parent.parent)


def chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and every exception behind it, through __cause__ and
    __context__, whether or not `raise ... from None` hid the context."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo += [exc.__cause__, exc.__context__]


def everything_about(error: BaseException, *, frame_locals: bool = True) -> str:
    """All an error tracker can read from `error`: str, repr and attributes
    of each exception in its chain, each traceback, and (by default) the
    locals of every frame in them, as TracebackException(capture_locals=True)
    shows them. The frames of these tests are left out: they hold what the
    tests plant; so are a mutation tester's."""
    texts = []
    for exc in chain(error):
        texts += [str(exc), repr(exc), repr(getattr(exc, "__dict__", {}))]
        texts += traceback.TracebackException(type(exc), exc, exc.__traceback__).format()
        # As error trackers do; it also fails if any local's repr raises.
        traceback.TracebackException(type(exc), exc, exc.__traceback__, capture_locals=True)
        if frame_locals:
            for frame, _ in traceback.walk_tb(exc.__traceback__):
                # `make mutation` wraps each function in mutmut's own, which holds every call's arguments.
                if not frame.f_code.co_filename.startswith(TESTS) and "/mutmut/" not in frame.f_code.co_filename:
                    texts += [f"{name} = {value!r}" for name, value in frame.f_locals.items()]
    return "".join(texts)


def caught(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as error:  # every failure, whatever its type
        return error
    raise AssertionError("no error")


def assert_clean(error: BaseException, *secrets: str) -> None:
    text = everything_about(error)
    for secret in (SENTINEL, *secrets):
        assert secret not in text


@pytest.fixture
def gone() -> str:
    """The URL of a port where nothing listens any more."""
    server = ScriptedServer()
    server.__enter__()
    server.__exit__()
    return server.url


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return APP_KEY


# -- row 9: the chain and its frames ------------------------------------------

def test_the_chain_walker_sees_a_suppressed_context_and_foreign_frames() -> None:
    # The walker itself: `from None` hides the context from a printed
    # traceback, not from a tool that reads __context__; and the locals of
    # a frame outside the tests (here base64's) are read.
    def suppressed() -> None:
        try:
            raise KeyError(SENTINEL)
        except KeyError:
            raise ValueError("clean message") from None

    error = caught(suppressed)
    assert SENTINEL not in "".join(traceback.format_exception(error))
    assert SENTINEL in everything_about(error)
    error = caught(lambda: base64.b64decode(SENTINEL + "!", validate=True))
    assert SENTINEL not in everything_about(error, frame_locals=False)
    assert SENTINEL in everything_about(error)


def failing_calls(server: ScriptedServer, gone: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """Each way an ordinary call with the SENTINEL token fails, the server scripted for it."""
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)

    def slow_body() -> Iterator[bytes]:
        yield b'{"a": '
        time.sleep(0.5)  # longer than the read timeout below
        yield b"1}"

    cases: list[tuple[str, Reply | None, Callable[[], object]]] = [
        ("refused", None, lambda: octo.Octo(SENTINEL, base_url=gone, retries=0).repos.get("o", "r")),
        ("refused POST", None,
         lambda: octo.Octo(SENTINEL, base_url=gone, retries=0).issues.create("o", "r", title="t")),
        ("reset", Reply(fault="reset"), lambda: client.issues.create("o", "r", title="t")),
        ("timeout", Reply(200, json={}, delay=0.5),
         lambda: client.issues.create("o", "r", title="t", timeout=0.1)),
        ("cut short", Reply(201, json={"a": "b" * 99}, fault="truncate"),
         lambda: client.issues.create("o", "r", title="t")),
        ("stalls inside the body", Reply(200, stream=slow_body(), length=8,
                                         headers={"content-type": "application/json"}),
         lambda: client.repos.get("o", "r", timeout=0.1)),
        ("404", Reply(404, json={"message": "Not Found"}), lambda: client.repos.get("o", "r")),
    ]
    for name, reply, call in cases:
        if reply is not None:
            server.queue(reply)
        yield name, call


def test_no_failed_call_carries_the_token_in_its_chain_or_frames(server: ScriptedServer, gone: str) -> None:
    # A connection refused left requests' exception as the context, and its
    # frames hold the request as sent: "Authorization: Bearer <token>".
    kinds = set()
    for name, call in failing_calls(server, gone):
        error = caught(call)
        kinds.add(type(error))
        assert isinstance(error, octo.OctoError), (name, error)
        assert list(chain(error)) == [error], name
        text = everything_about(error)
        assert SENTINEL not in text, name
    assert {octo.TransportError, octo.InvalidResponseError, octo.NotFoundError} <= kinds


def test_a_malformed_answer_does_not_carry_the_parsers_exception(server: ScriptedServer,
                                                                  client: octo.Octo) -> None:
    # The error quotes the first KiB; the JSON parser's exception, left as
    # its context, held the whole body (`doc`).
    server.queue(Reply(200, body='{"a": "' + "x" * 2000 + SENTINEL, headers={"content-type": "application/json"}))
    error = caught(lambda: client.repos.get("o", "r"))
    assert isinstance(error, octo.InvalidResponseError)
    assert "malformed JSON" in str(error) and len(error.body) == 1024
    assert list(chain(error)) == [error]
    assert SENTINEL not in everything_about(error, frame_locals=False)


@pytest.fixture
def storage() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


def test_a_failed_storage_download_keeps_the_signature_out(
    server: ScriptedServer, storage: ScriptedServer, tmp_path: Path
) -> None:
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    server.queue(Reply(302, headers={"location": storage.url + SIGNED}))
    storage.queue(Reply(200, body=b"PK" * 5000, fault="truncate", headers={"content-type": "application/zip"}))
    error = caught(lambda: octo.download(client.repos.download_zipball_archive, "o", "r", "main",
                                         to=tmp_path / "r.zip"))
    assert isinstance(error, octo.TransportError) and "download failed" in str(error)
    assert storage.requests[0].query["X-Amz-Signature"] == [SENTINEL]  # it was sent
    assert_clean(error)
    assert not list(tmp_path.iterdir())


def test_a_storage_error_after_a_redirect_keeps_the_signature_out(
    server: ScriptedServer, storage: ScriptedServer
) -> None:
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    server.queue(Reply(302, headers={"location": storage.url + SIGNED}))
    storage.queue(Reply(403, body="<Error>Request has expired</Error>", headers={"content-type": "application/xml"}))
    error = caught(lambda: client.repos.download_zipball_archive("o", "r", "main"))
    assert isinstance(error, octo.ForbiddenError)
    assert "X-Amz-Signature=[redacted]" in str(error)
    assert_clean(error)


def test_a_refused_redirect_to_a_signed_url_keeps_the_signature_out(server: ScriptedServer) -> None:
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    server.queue(Reply(302, headers={"location": "http://storage.example" + SIGNED}))
    error = caught(lambda: client.issues.create("o", "r", title="t"))
    assert isinstance(error, octo.RedirectError)
    assert_clean(error)


def test_a_userinfo_storage_url_is_not_shown_when_its_download_fails(
    server: ScriptedServer, storage: ScriptedServer, tmp_path: Path
) -> None:
    client = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    host = storage.url.removeprefix("http://")
    server.queue(Reply(302, headers={"location": f"http://user:{SENTINEL}@{host}/blob"}))
    storage.queue(Reply(200, body=b"PK" * 5000, fault="truncate", headers={"content-type": "application/zip"}))
    error = caught(lambda: octo.download(client.repos.download_zipball_archive, "o", "r", "main",
                                         to=tmp_path / "r.zip"))
    assert isinstance(error, octo.TransportError)
    assert f"http://[redacted]@{host}/blob" in str(error)
    assert_clean(error)


class TestInstallationTokenAnswers:
    """A token mint whose answer is unusable: the token must not travel
    with the error, through its message, its context or its frames."""

    @pytest.fixture
    def app(self, server: ScriptedServer, key: rsa.RSAPrivateKey) -> octo.Octo:
        return octo.Octo(auth=octo.AppAuth(APP_ID, key, 42), base_url=server.url)

    def fail(self, server: ScriptedServer, app: octo.Octo, reply: Reply) -> BaseException:
        server.queue(reply)
        error = caught(lambda: app.repos.get("o", "r"))
        mint = server.requests[-1]
        assert mint.route == "/app/installations/42/access_tokens"
        assert_clean(error, mint.headers["authorization"].removeprefix("Bearer "))  # nor the JWT
        return error

    def test_malformed(self, server: ScriptedServer, app: octo.Octo) -> None:
        error = self.fail(server, app, Reply(201, body='{"token": "ghs_' + SENTINEL + '", "expires_at": "20',
                                             headers={"content-type": "application/json"}))
        assert isinstance(error, octo.OctoError) and "malformed" in str(error)

    def test_cut_short(self, server: ScriptedServer, app: octo.Octo) -> None:
        reply = Reply(201, json={"token": f"ghs_{SENTINEL}", "padding": "x" * 200}, fault="truncate")
        assert SENTINEL in reply.payload()[: len(reply.payload()) // 2].decode()  # what does arrive
        error = self.fail(server, app, reply)
        assert isinstance(error, octo.OctoError) and "malformed" in str(error)

    def test_malformed_when_a_revoked_token_is_replaced(self, server: ScriptedServer, app: octo.Octo) -> None:
        server.queue(Reply(201, json={"token": f"ghs_{SENTINEL}_1"}), Reply(200, json={}))
        app.repos.get("o", "r")
        server.requests.clear()
        for token in app._auth._state.tokens.values():
            token.minted_at -= 60  # an old token: a 401 means it was revoked, so a new one is minted
        server.queue(Reply(401, json={"message": "Bad credentials"}))
        error = self.fail(server, app, Reply(201, body='{"token": "ghs_' + SENTINEL + '_2", "expires_at": "20',
                                             headers={"content-type": "application/json"}))
        assert "malformed" in str(error)

    def test_a_token_that_cannot_be_sent(self, server: ScriptedServer, app: octo.Octo) -> None:
        # A broken answer is an OctoError (not the ValueError of a caller's bad token).
        error = self.fail(server, app, Reply(201, json={"token": f"ghs_{SENTINEL}\r\nX: y"}))
        assert isinstance(error, octo.OctoError) and "no usable token" in str(error)


# -- row 10: secrets in the locals of a refusing constructor -------------------

def test_a_refused_token_is_no_plain_local(monkeypatch: pytest.MonkeyPatch) -> None:
    for call in (lambda: octo.Octo(SENTINEL + "\n"),
                 lambda: octo.Octo(SENTINEL.encode()),
                 lambda: octo.Octo(SENTINEL, base_url="ftp://ghe.example.com"),
                 lambda: octo.Octo.from_env(SENTINEL + " x"),
                 lambda: octo.configure(SENTINEL + "\x00"),
                 lambda: check_token(SENTINEL + "\t")):
        error = caught(call)
        assert isinstance(error, (ValueError, TypeError))
        assert_clean(error)
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL + "\n")
    for call in (octo.Octo.from_env, octo.configure, lambda: octo.repos):
        error = caught(call)
        assert isinstance(error, ValueError) and "token" in str(error)
        assert_clean(error)


def test_a_refused_private_key_is_no_plain_local() -> None:
    for call in (lambda: octo.AppAuth(APP_ID, BAD_PEM),
                 lambda: octo.AppAuth(APP_ID, BAD_PEM.encode()),
                 lambda: octo.AppAuth(APP_ID, BAD_PEM.replace("\n", "\\n")),
                 lambda: octo.AppAuth(APP_ID, BAD_PEM + "\ud800")):
        error = caught(call)
        assert isinstance(error, ValueError) and "not a PEM private key" in str(error), error
        assert list(chain(error)) == [error]  # not the parser's exception either
        assert_clean(error)
    for call in (lambda: octo.AppAuth("", BAD_PEM), lambda: octo.AppAuth(APP_ID, BAD_PEM, installation_id=-1)):
        error = caught(call)
        assert isinstance(error, TypeError)
        assert_clean(error)


def octo_classes_with_a_repr() -> Iterator[type]:
    root = Path(octo.__file__).parent
    names = ["octo", *(m.name for m in pkgutil.walk_packages(octo.__path__, "octo.")
                       if not m.name.startswith(("octo.rest", "octo.__main__")))]
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            # unwrap: under `make mutation` each method is wrapped in mutmut's own.
            method = cls.__dict__.get("__repr__")
            code = getattr(inspect.unwrap(method) if callable(method) else method, "__code__", None)
            if cls.__module__ == name and code is not None and code.co_filename.startswith(str(root)):
                yield cls


def test_every_repr_works_on_a_half_built_object() -> None:
    # A constructor that refuses its arguments leaves `self` half built in its
    # frame; a repr that raises there breaks TracebackException(capture_locals=True).
    classes = list(octo_classes_with_a_repr())
    # Octo's repr is its base's, which AsyncOcto shares; the paginators', their base's.
    assert {octo.client.BaseClient, octo.AppAuth, octo.pagination._Items, octo.MemoryCache} <= set(classes)
    for cls in classes:
        half_built = cls.__new__(cls)  # type: ignore[call-overload]
        assert isinstance(repr(half_built), str), cls


def test_a_refusing_constructor_can_be_reported_with_its_locals(key: rsa.RSAPrivateKey) -> None:
    for call in (lambda: octo.Octo(SENTINEL, base_url="ftp://x"), lambda: octo.Octo(retries=-1),
                 lambda: octo.Octo(timeout=0), lambda: octo.AppAuth(APP_ID, key, installation_id=0),
                 lambda: octo.upload("https://uploads.example/x", 12)):  # type: ignore[arg-type]
        error = caught(call)
        assert isinstance(error, (ValueError, TypeError))
        assert_clean(error)


def test_a_webhook_secret_is_no_plain_local_when_the_body_is_refused() -> None:
    for call in (lambda: octo.webhooks.verify(SENTINEL, "text, not bytes", "sha256=" + "0" * 64),
                 lambda: octo.webhooks.signature(SENTINEL.encode(), 12)):  # type: ignore[arg-type]
        error = caught(call)
        assert isinstance(error, TypeError) and "body" in str(error)
        assert_clean(error)


# -- row 7: base URL shapes ------------------------------------------------------

BAD_BASE_URLS = [
    ("https://ghe.example.com/api/v3?x=1", "query"),
    (f"https://ghe.example.com/api/v3?access_token={SENTINEL}", "query"),
    ("https://ghe.example.com/api/v3#top", "fragment"),
    (f"https://user:{SENTINEL}@ghe.example.com/api/v3", "user name or password"),
    (f"https://{SENTINEL}@ghe.example.com", "user name or password"),
    (f"https://user:pa/{SENTINEL}@ghe.example.com", "user name or password"),
    ("https://ghe.example.com/api/v3\n", "whitespace or control"),
    ("https://ghe.example.com /api/v3", "whitespace or control"),
    ("https://ghe.example.com/api\x00/v3", "whitespace or control"),
    ("https://ghe.example.com/api\u200b/v3", "whitespace or control"),
    ("ftp://ghe.example.com", "http:// or https://"),
    ("ghe.example.com/api/v3", "http:// or https://"),
    ("https://", "no host"),
    ("https://:443/api/v3", "no host"),
    ("https://ghe.example.com:99999", "port"),
    ("https://ghe.example.com:x", "port"),
    ("https://ghe..example.com/api/v3", "host name"),
    ("https://" + "a" * 64 + ".example.com", "host name"),
]


@pytest.mark.parametrize("option", ["base_url", "uploads_url"])
@pytest.mark.parametrize(("url", "problem"), BAD_BASE_URLS)
def test_a_base_url_of_the_wrong_shape_is_refused_without_echoing_a_secret(
    option: str, url: str, problem: str
) -> None:
    with pytest.raises(ValueError) as info:
        octo.Octo(**{option: url})  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"{option} ") and problem in message, message
    if "@" not in url:  # without a password, the URL is shown up to its query or fragment
        assert message.endswith(repr(url.partition("?")[0].partition("#")[0])), message
    # The password of a refused URL is the caller's own argument: only the
    # message, the exceptions and their attributes are checked here.
    assert SENTINEL not in everything_about(info.value, frame_locals=False)


@pytest.mark.parametrize(("url", "problem"), [*BAD_BASE_URLS[:4], BAD_BASE_URLS[6], BAD_BASE_URLS[10]])
def test_a_github_api_url_of_the_wrong_shape_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", url)
    for call in (octo.Octo.from_env, octo.configure, lambda: octo.repos):
        error = caught(call)
        assert isinstance(error, ValueError) and str(error).startswith("GITHUB_API_URL ")
        assert problem in str(error)
        assert_clean(error)  # from the environment: not even a local holds it


def test_a_base_url_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="base_url must be a str"):
        octo.Octo(base_url=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "kept"), [
    ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3"),
    ("HTTPS://GHE.example.com:8443/api/v3", "HTTPS://GHE.example.com:8443/api/v3"),
    ("http://[::1]:8080", "http://[::1]:8080"),
])
def test_base_urls_of_the_right_shape_are_kept(url: str, kept: str) -> None:
    assert octo.Octo(base_url=url).base_url == kept


def test_a_good_base_url_from_the_environment_is_used(server: ScriptedServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", server.url + "/api/v3/")
    octo.repos.get("o", "r")
    assert server.requests[0].path == "/api/v3/repos/o/r"


# -- row 8: every message built from a URL is redacted -------------------------

def test_a_held_back_call_does_not_show_the_url_that_used_the_bucket_up(
    server: ScriptedServer, client: octo.Octo
) -> None:
    server.queue(Reply(403, json={"message": "API rate limit exceeded"}, headers=RATE_LIMITED))
    first = caught(lambda: client.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                                          query={"key": SENTINEL}))
    assert isinstance(first, octo.PrimaryRateLimitError)
    error = caught(lambda: client.repos.get("o", "r"))
    assert isinstance(error, octo.PrimaryRateLimitError) and "not sent" in str(error)
    assert len(server.requests) == 1
    assert "key=[redacted]" in str(error)
    assert SENTINEL not in everything_about(error, frame_locals=False)


def test_a_repeated_next_link_is_not_shown_with_its_credential(server: ScriptedServer,
                                                                client: octo.Octo) -> None:
    link = {"link": f'<{server.url}/repositories/1/issues?page=2&access_token={SENTINEL}>; rel="next"'}
    server.queue(Reply(200, json=[1], headers=link), Reply(200, json=[2], headers=link))
    error = caught(lambda: list(octo.paginate(client.issues.list_for_repo, "o", "r")))
    assert isinstance(error, octo.OctoError) and "repeats" in str(error)
    assert "access_token=[redacted]" in str(error)
    assert_clean(error)


def test_an_app_without_installation_does_not_show_an_uploads_url_query(
    server: ScriptedServer, key: rsa.RSAPrivateKey
) -> None:
    app = octo.Octo(auth=octo.AppAuth(APP_ID, key), base_url="https://ghe.example.com/api/v3",
                    uploads_url=server.url)
    error = caught(lambda: app.request(f"POST {server.url}/assets?name=a&signature={SENTINEL}"))
    assert isinstance(error, ValueError) and "for_installation" in str(error)
    assert not server.requests
    assert SENTINEL not in everything_about(error, frame_locals=False)


def test_an_absolute_route_with_a_credential_is_not_shown_in_argument_errors(client: octo.Octo) -> None:
    route = f"POST https://uploads.example/assets?token={SENTINEL}"
    error = caught(lambda: client.request(route, body={"a": 1}, data=b"x"))
    assert isinstance(error, TypeError) and "not both" in str(error)
    assert SENTINEL not in everything_about(error, frame_locals=False)
    error = caught(lambda: client.request(f"https://x/?sig={SENTINEL}"))
    assert isinstance(error, ValueError) and "route must look like" in str(error)
    assert SENTINEL not in everything_about(error, frame_locals=False)


# -- row 11: header values --------------------------------------------------------

@pytest.mark.parametrize("value", [
    f"Bearer {SENTINEL}\r\nX-Injected: 1", f"Bearer {SENTINEL}\n", f"Bearer {SENTINEL}\r",
    f"Bearer {SENTINEL}\x00", f"Bearer {SENTINEL}\x7f", f"Bearer {SENTINEL}\x85", f" Bearer {SENTINEL}",
    f"Bearer {SENTINEL}\u20ac", f"Bearer {SENTINEL}".encode() + b"\r\n",
])
def test_a_header_value_with_a_line_break_or_control_character_is_refused_before_io(
    server: ScriptedServer, client: octo.Octo, value: str | bytes
) -> None:
    error = caught(lambda: client.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                                          headers={"Authorization": value}))
    assert isinstance(error, ValueError) and "'Authorization'" in str(error), error
    assert not server.requests
    assert_clean(error)


@pytest.mark.parametrize(("name", "shown"), [
    ("X-Bad Name", "'X-Bad..."), ("Authorization: Bearer x", "'Authorization..."), ("X\r\nY", "'X..."),
    ("", "''"), ("Ünicode", "'..."),
])
def test_a_header_name_that_is_not_a_token_is_refused_showing_only_its_valid_start(
    server: ScriptedServer, client: octo.Octo, name: str, shown: str
) -> None:
    with pytest.raises(ValueError, match="header name") as info:
        client.request("GET /x", headers={name: "v"})
    assert shown in str(info.value)
    assert "Bearer" not in str(info.value)
    assert not server.requests


def test_a_header_value_that_is_not_text_is_a_type_error_naming_the_header(client: octo.Octo) -> None:
    with pytest.raises(TypeError, match="'X-Count'"):
        client.request("GET /x", headers={"X-Count": 5})  # type: ignore[dict-item]


def test_good_header_values_are_sent_as_given(server: ScriptedServer, client: octo.Octo,
                                             client_kind: str) -> None:
    client.request("GET /x", headers={"If-None-Match": 'W/"a b"', "X-Tab": "a\tb", "X-Latin": "café",
                                      "X-Bytes": b"raw", "X-Trailing": "v ", "Accept": None})
    sent = server.requests[0].headers
    assert (sent["if-none-match"], sent["x-tab"], sent["x-bytes"]) == ('W/"a b"', "a\tb", "raw")
    # http.client writes header values as Latin-1, aiohttp as UTF-8.
    wire = "latin-1" if client_kind == "sync" else "utf-8"
    assert sent["x-latin"].encode("latin-1") == "café".encode(wire)
    assert "accept" not in sent


@pytest.mark.parametrize("option", ["user_agent", "api_version"])
@pytest.mark.parametrize("value", ["octo\r\nX-Injected: 1", "octo\n", "octo\x00", " octo"])
def test_user_agent_and_api_version_with_control_characters_are_refused(option: str, value: str) -> None:
    with pytest.raises(ValueError) as info:
        octo.Octo(**{option: value})  # type: ignore[arg-type]
    assert str(info.value).startswith(option) and "X-Injected" not in str(info.value)


def test_user_agent_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="user_agent"):
        octo.Octo(user_agent=b"octo")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Proxy-Authorization", "Cookie", "X-Api-Key"])
def test_a_credential_passed_in_headers_stays_out_of_errors_and_frames(
    server: ScriptedServer, name: str, gone: str
) -> None:
    server.queue(Reply(404, json={"message": "Not Found"}))
    anonymous = octo.Octo(base_url=server.url, retries=0)
    error = caught(lambda: anonymous.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                                             headers={name: f"token {SENTINEL}"}))
    assert isinstance(error, octo.NotFoundError)
    assert server.requests[0].headers[name.lower()] == f"token {SENTINEL}"  # sent as given
    assert error.request is not None and error.request.headers[name] == "[redacted]"
    assert_clean(error)
    error = caught(lambda: octo.Octo(base_url=gone, retries=0).request("GET /x", headers={name: SENTINEL}))
    assert isinstance(error, octo.TransportError)
    assert_clean(error)


CREDENTIAL = {"Authorization": f"token {SENTINEL}"}
# Every way a caller hands `headers=` to a generated method: directly, through
# paginate, a deprecated alias, a renamed parameter, a download.
CALLS_WITH_HEADERS: dict[str, Callable[[octo.Octo, Path], object]] = {
    "method": lambda gh, _: gh.repos.get("o", "r", headers=CREDENTIAL),
    "paginate": lambda gh, _: list(octo.paginate(gh.repos.list_for_org, "o", headers=CREDENTIAL)),
    "alias": lambda gh, _: gh.actions.get_repo_permissions("o", "r", headers=CREDENTIAL),
    "renamed": lambda gh, _: gh.code_scanning.get_alert("o", "r", alert_id=1, headers=CREDENTIAL),
    "download": lambda gh, tmp: octo.download(gh.repos.download_tarball_archive, "o", "r", "main",
                                              to=tmp / "a.tar", headers=CREDENTIAL),
}


@pytest.mark.parametrize("call", CALLS_WITH_HEADERS.values(), ids=CALLS_WITH_HEADERS.keys())
def test_a_credential_passed_in_headers_to_a_method_is_no_plain_local_of_its_frames(
    server: ScriptedServer, call: Callable[[octo.Octo, Path], object], tmp_path: Path
) -> None:
    server.queue(Reply(404, json={"message": "Not Found"}))
    deprecated = call in (CALLS_WITH_HEADERS["alias"], CALLS_WITH_HEADERS["renamed"])
    with pytest.warns(DeprecationWarning) if deprecated else nullcontext():
        error = caught(lambda: call(octo.Octo(base_url=server.url, retries=0), tmp_path))
    assert isinstance(error, octo.NotFoundError)
    assert server.requests[0].headers["authorization"] == f"token {SENTINEL}"  # sent as given
    assert_clean(error)


def test_an_invalid_header_via_download_accept_is_refused(server: ScriptedServer, client: octo.Octo,
                                                          tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'Accept'"):
        octo.download(f"{server.url}/assets/1", to=tmp_path / "a", accept="x\r\ny", client=client)
    assert not server.requests
