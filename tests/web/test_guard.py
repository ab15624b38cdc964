"""The server's access rules as plain functions (no browser, no server)."""

from __future__ import annotations

from pathlib import Path

from assistant.web import guard


def test_only_loopback_addresses_go_without_a_token() -> None:
    assert guard.is_loopback("127.0.0.1")
    assert guard.is_loopback("127.3.4.5")
    assert guard.is_loopback("::1")
    assert guard.is_loopback("localhost")
    for host in ("0.0.0.0", "::", "192.168.1.20", "spine.example.org", ""):
        assert not guard.is_loopback(host), host


def test_the_token_must_match_exactly() -> None:
    token = guard.new_token()
    assert len(token) >= 32
    assert guard.token_matches(token, token)
    assert not guard.token_matches(token[:-1], token)
    assert not guard.token_matches(token + "x", token)
    assert not guard.token_matches("", token)
    assert not guard.token_matches(None, token)
    assert not guard.token_matches("é" * 32, token)  # non-ASCII: a mismatch, not a crash
    assert guard.new_token() != token


def test_a_session_id_is_24_url_safe_characters_and_nothing_else() -> None:
    made = guard.new_session_id()
    assert guard.valid_session_id(made)
    for bad in (None, "", "a" * 23, "a" * 25, "../" + "a" * 21, "a" * 23 + "/",
                "a" * 23 + "é", "a" * 23 + " "):
        assert not guard.valid_session_id(bad), bad


def test_each_session_id_has_its_own_folder_named_by_a_hash(tmp_path: Path) -> None:
    one, two = guard.new_session_id(), guard.new_session_id()
    folder = guard.session_folder(tmp_path, one)
    assert folder.parent == tmp_path
    assert one not in str(folder)  # the cookie's value never becomes a path
    assert folder == guard.session_folder(tmp_path, one)
    assert folder != guard.session_folder(tmp_path, two)


def test_a_websocket_may_come_only_from_our_own_page() -> None:
    assert guard.same_origin("http://127.0.0.1:8000", "127.0.0.1:8000", None)
    assert guard.same_origin("https://spine.example.org", "127.0.0.1:8000",
                             "https://spine.example.org")
    assert not guard.same_origin("http://evil.example", "127.0.0.1:8000", None)
    assert not guard.same_origin("https://spine.example.org.evil.example", "127.0.0.1:8000",
                                 "https://spine.example.org")
    assert guard.same_origin(None, "127.0.0.1:8000", None)  # not a browser: token + cookie
