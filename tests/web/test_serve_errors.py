"""`spine-assist serve` refuses bad settings with one line and exit code 2."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "serve", *args],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("args", "says"), [
    (["--token", "short"], "--token is too short to be a secret"),
    (["--max-sessions", "0"], "--max-sessions 0 would let no one in"),
    (["--host", "no-such-host.invalid"], "cannot listen on no-such-host.invalid"),
    (["--port", "70000"], "--port 70000 is not a port"),
])
def test_bad_settings_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    done = serve(*args)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr


def test_a_busy_port_is_said_before_anything_is_printed() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        done = serve("--port", str(taken.getsockname()[1]))
    assert done.returncode == 2
    assert "serving at" not in done.stdout
    assert "cannot listen on 127.0.0.1 port" in done.stderr
