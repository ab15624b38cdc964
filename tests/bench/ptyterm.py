"""A real pseudo-terminal at 80x24: the bench sees what a terminal would be sent, and when.

Every read from the pty is kept with its time (`chunks`), so a figure is the time the bytes
reached the terminal, not a stamp taken inside the program. "Visible" means the text is in
what the program wrote after a given point: colour and style codes (SGR) are dropped, every
other escape (a cursor move, a clear) counts as a space, and runs of spaces are collapsed.
So a prompt is found whatever widget draws it, as long as its words reach the screen.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping, Sequence

_STYLE = re.compile(rb"\x1b\[[0-9;:]*m")  # SGR: changes colours, never moves the cursor
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (cursor moves, clears, modes)
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP.*?\x1b\\"  # DCS
    rb"|\x1b[()*+][0-9A-Za-z]"  # charset
    rb"|\x1b[@-Z\\-_=>78]",  # other two-byte escapes
    re.DOTALL,
)
_SPACES = re.compile(r"\s+")


def visible_text(data: bytes) -> str:
    """What a terminal shows, as one line: escapes out, whitespace runs collapsed."""
    text = _ESCAPES.sub(b" ", _STYLE.sub(b"", data)).decode("utf-8", "replace")
    return _SPACES.sub(" ", text)


def normalize(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class Terminal:
    """One child process on a pseudo-terminal of the given size."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str] | None = None,
                 cols: int = 80, rows: int = 24) -> None:
        self.argv = list(argv)
        self.env = dict(os.environ if env is None else env)
        # What most terminals say of themselves today (24-bit colour), so frames are as large
        # as a user's would be.
        self.env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor",
                         "COLUMNS": str(cols), "LINES": str(rows)})
        for name in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "NO_COLOR"):
            self.env.pop(name, None)
        self.cols, self.rows = cols, rows
        self.buffer = b""
        self.chunks: list[tuple[float, int]] = []  # (time read, buffer length after it)
        self.pid = 0
        self.fd = -1
        self.started = 0.0

    def start(self) -> float:
        """Fork and exec; returns the monotonic start time."""
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # child: size the terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
                os.execvpe(self.argv[0], self.argv, self.env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        return self.started

    def read_some(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # the child closed the terminal
            raise EOFError from None
        if not data:
            raise EOFError
        self.buffer += data
        self.chunks.append((time.monotonic(), len(self.buffer)))
        return data

    def visible_since(self, since: int) -> str:
        return visible_text(self.buffer[since:])

    def wait_for_any(self, texts: Sequence[str], timeout: float = 10.0, since: int = 0,
                     fold: bool = False) -> tuple[int, float]:
        """Read until one of `texts` is visible after byte offset `since`.

        Returns its index and the time the chunk that completed it was read. `fold`: ignore
        case.
        """
        wanted = [normalize(t).lower() if fold else normalize(t) for t in texts]
        deadline = time.monotonic() + timeout
        while True:
            seen = self.visible_since(since)
            seen = seen.lower() if fold else seen
            for index, text in enumerate(wanted):
                if text in seen:
                    return index, self.chunks[-1][0] if self.chunks else time.monotonic()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                tail = visible_text(self.buffer[-3000:])[-600:]
                raise TimeoutError(f"{texts!r} not seen after {timeout} s; screen ends: {tail!r}")
            try:
                self.read_some(min(remaining, 0.05))
            except EOFError:
                raise TimeoutError(f"{texts!r} not seen: the program ended") from None

    def wait_for(self, text: str, timeout: float = 10.0, since: int = 0) -> float:
        """Read until `text` is visible after byte offset `since`; return the chunk's time."""
        return self.wait_for_any([text], timeout, since)[1]

    def settle(self, quiet: float, limit: float = 3.0) -> float | None:
        """Read until nothing has come for `quiet` seconds (or `limit` passed).

        Returns the time of the last chunk read here, None when nothing came at all.
        """
        last: float | None = None
        end = time.monotonic() + limit
        while (left := end - time.monotonic()) > 0:
            try:
                data = self.read_some(min(quiet, left))
            except EOFError:
                break
            if not data:
                break
            last = self.chunks[-1][0]
        return last

    def drain(self, duration: float) -> None:
        """Keep reading for a while (so the child never blocks on a full pty)."""
        end = time.monotonic() + duration
        while (left := end - time.monotonic()) > 0:
            try:
                self.read_some(left)
            except EOFError:
                return

    def send(self, keys: str | bytes) -> float:
        """Write the keys to the terminal; returns the time just before the write."""
        at = time.monotonic()
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        return at

    def cpu_seconds(self) -> float:
        """The child's CPU time so far (user + system), from /proc."""
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_kib(self) -> int:
        """The child's peak resident set size so far (VmHWM), in KiB."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc status")

    def close(self, keys: str | None = None, grace: float = 2.0) -> None:
        """Ask the program to quit (keys), then make sure it is gone."""
        if self.pid <= 0:
            return
        if keys:
            try:
                self.send(keys)
                end = time.monotonic() + grace
                while time.monotonic() < end:
                    done, _ = os.waitpid(self.pid, os.WNOHANG)
                    if done:
                        break
                    with contextlib.suppress(EOFError):
                        self.read_some(0.05)
            except OSError:
                pass
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if not done:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.pid = 0
