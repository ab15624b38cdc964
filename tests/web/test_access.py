"""Who gets an app process: the token off loopback, the process limit."""

from __future__ import annotations

import http.client
import re
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.web.browser import app_processes, new_context, open_tab, running_server

TOKEN = "s3cret-token-for-the-browser-tests"


def get(url: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


WEBSOCKET = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def printed_link(server_state: Path, url: str) -> str:
    """The link `serve` printed (it carries the token when one is needed)."""
    printed = server_state.parent / f"serve-{urlsplit(url).port}.log"
    for _ in range(100):
        found = re.search(r"serving at (\S+)", printed.read_text())
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"serve printed no link:\n{printed.read_text()}")


def test_without_the_token_every_request_is_refused_and_no_app_starts(server_state: Path,
                                                                      ) -> None:
    with running_server(server_state, "--host", "0.0.0.0", "--token", TOKEN) as (url, server):
        assert get(url, "/").status == 403
        assert get(url, "/?token=wrong-guess-of-the-token").status == 403
        assert get(url, "/ws?width=80&height=24", WEBSOCKET).status == 403
        cookie = {"Cookie": "spine_assist_token=not-it; spine_assist_session=" + "a" * 24}
        assert get(url, "/ws?width=80&height=24", {**WEBSOCKET, **cookie}).status == 403
        assert get(url, "/static/js/textual.js").status == 403
        time.sleep(0.5)
        assert app_processes(server) == []
        assert not (server_state / "browsers").exists()


def test_the_token_once_in_the_url_then_an_httponly_cookie(server_state: Path) -> None:
    with running_server(server_state, "--host", "0.0.0.0", "--token", TOKEN) as (url, _):
        response = get(url, f"/?token={TOKEN}&fontsize=14")
        assert response.status == 303
        assert response.getheader("Location") == "/?fontsize=14"  # the token leaves the URL
        cookie = response.getheader("Set-Cookie") or ""
        assert f"spine_assist_token={TOKEN}" in cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert get(url, "/", {"Cookie": f"spine_assist_token={TOKEN}"}).status == 200
        elsewhere = get(url, f"//evil.example/?token={TOKEN}")
        assert elsewhere.getheader("Location") == "/evil.example/"  # stays on this server
        log = (server_state.parent / f"serve-{urlsplit(url).port}.log").read_text()
        assert TOKEN not in log.split("serving at", 1)[1].split("\n", 1)[1]  # no access log


def test_a_browser_without_the_token_sees_a_refusal_with_it_the_first_question(
        browser: Any, server_state: Path) -> None:
    with running_server(server_state, "--host", "0.0.0.0") as (url, server):
        link = printed_link(server_state, url)
        token = link.split("?token=")[1]
        assert len(token) >= 32 and "0.0.0.0" not in link

        stranger = new_context(browser)
        page = stranger.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 403
        assert "Access refused" in page.inner_text("body")
        time.sleep(0.5)
        assert app_processes(server) == []

        colleague = new_context(browser)
        tab = open_tab(colleague, f"{url}/?token={token}")
        tab.wait_for("Before the first question")
        assert "token" not in tab.page.url
        assert len(app_processes(server)) == 1
        stranger.close()
        colleague.close()


def test_past_the_limit_a_page_says_every_session_is_in_use(browser: Any,
                                                             server_state: Path) -> None:
    with running_server(server_state, "--max-sessions", "1") as (url, server):
        first = new_context(browser)
        open_tab(first, url).wait_for("Before the first question")
        second = new_context(browser)
        page = second.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 503
        assert "Every session is in use" in page.inner_text("body")
        assert len(app_processes(server)) == 1
        first.close()
        second.close()


def test_a_websocket_needs_a_session_cookie_and_our_own_origin(server_state: Path) -> None:
    with running_server(server_state) as (url, server):
        session = {"Cookie": "spine_assist_session=" + "b" * 24}
        assert get(url, "/ws", WEBSOCKET).status == 403
        assert get(url, "/ws", {**WEBSOCKET, **session,
                                "Origin": "http://evil.example"}).status == 403
        assert get(url, "/ws", {**WEBSOCKET, "Cookie": "spine_assist_session=../../etc"}
                   ).status == 403
        time.sleep(0.5)
        assert app_processes(server) == []


def test_behind_a_proxy_a_public_url_needs_the_token_too(server_state: Path) -> None:
    """Bound to loopback, but a public URL means a proxy brings the network in."""
    with running_server(server_state, "--public-url", "https://spine.example.org") as (url, _):
        assert printed_link(server_state, url).startswith("https://spine.example.org/?token=")
        assert get(url, "/", {"Host": "spine.example.org"}).status == 403


def test_a_link_followed_from_another_site_gets_in_and_keeps_the_browsers_session(
        browser: Any, server_state: Path) -> None:
    """As from a web mail or chat page: the cookies must come along (SameSite=Lax)."""
    with running_server(server_state, "--host", "0.0.0.0", "--token", TOKEN) as (url, _):
        context = new_context(browser)
        link = f"{url}/?token={TOKEN}"
        context.route("http://mail.example/", lambda route: route.fulfill(
            content_type="text/html", body=f'<a id="link" href="{link}">the consultation</a>'))
        tab = open_tab(context, link)
        tab.wait_for("Before the first question")
        tab.settle()  # a key during the first frames can be lost
        tab.type("T9 colon")
        tab.press("Enter")
        tab.wait_for("Yes, fit for surgery")
        tab.settle()
        tab.press("1")
        tab.wait_for("where is the lesion?")
        tab.page.goto("http://mail.example/")
        tab.page.click("#link")
        assert "Case: T9 colon" in tab.wait_for("Resume?")
        context.close()


def test_stopping_the_server_ends_its_app_processes(browser: Any, server_state: Path) -> None:
    """Ctrl+C or SIGTERM with a consultation open: every app is told to quit, none is left."""
    with running_server(server_state) as (url, server):
        context = new_context(browser)
        open_tab(context, url).wait_for("Before the first question")
        apps = app_processes(server)
        assert len(apps) == 1
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(10) == 0
        assert time.monotonic() - started < 5
        for _ in range(50):
            if not any(Path(f"/proc/{pid}").exists() for pid in apps):
                break
            time.sleep(0.1)
        assert not any(Path(f"/proc/{pid}").exists() for pid in apps)
        context.close()
