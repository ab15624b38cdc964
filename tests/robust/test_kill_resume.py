"""SIGKILL after every answer of a whole consultation; every next launch resumes with all of it.

The real `spine-assist` runs in a pseudo-terminal (a private tmux server). After each
answer, once the app shows the next question (the person has seen the answer taken), the
process is killed with SIGKILL: no handler, no flush, no goodbye. The next launch must
offer the session, and resuming must bring back every answer given, and ask the question
that comes next. The last kill comes after the final answer: the result must come back.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core import session as sessions
from assistant.core.answers import load_answer_file
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Question, Tree
from tests.conftest import ANSWERS, ENTRY_POINT

pytestmark = pytest.mark.slow

if shutil.which("tmux") is None:
    pytest.skip("tmux is needed to drive the app in a pseudo-terminal", allow_module_level=True)

WAIT = 30.0  # seconds for one screen to show; generous for slow CI machines
RESULT = "Recommendation:"  # the result screen's banner
FINISHED = (RESULT, "See the recommendation")  # the result, or the review that leads to it
CASE_LABEL = "A case label"  # asked once, before the first question (optional: Enter skips)


class Terminal:
    """One app in a tmux pane, on a private tmux server (nothing else is touched)."""

    def __init__(self, socket: Path, env: dict[str, str], command: list[str]) -> None:
        self.socket = socket
        self.env = env
        self.command = command
        self.pid: int | None = None
        # A private server with no user config, kept up by an idle session, so an app that
        # dies at once leaves its pane (remain-on-exit) and its message instead of taking
        # the server down with "server exited unexpectedly".
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "sleep", "86400")
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True,
                              text=True, check=False, timeout=30)
        if check and proc.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {proc.stderr}")
        return proc.stdout

    def launch(self) -> None:
        exports = [f"{key}={value}" for key, value in self.env.items()]
        self.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "45",
                  "env", *exports, *self.command)
        self.tmux("resize-window", "-t", "app", "-x", "100", "-y", "45", check=False)
        self.pid = int(self.tmux("display", "-p", "-t", "app", "#{pane_pid}").strip())

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app", check=False)

    def exited(self) -> bool:
        """The app ended by itself (its pane stays, dead, with what it printed)."""
        return self.tmux("display", "-p", "-t", "app", "#{pane_dead}", check=False).strip() == "1"

    def wait_for(self, text: str | tuple[str, ...], what: str, timeout: float = WAIT) -> str:
        """Wait until `text` (or one of several) shows, wrapped or not (box lines and line
        ends ignored); return the one that showed."""
        deadline = time.monotonic() + timeout
        wanted = {_flat(t): t for t in ((text,) if isinstance(text, str) else text)}
        while time.monotonic() < deadline:
            screen = _flat(self.screen())
            for flat, original in wanted.items():
                if flat in screen:
                    return original
            if self.exited():
                history = self.tmux("capture-pane", "-p", "-S", "-", "-t", "app", check=False)
                raise AssertionError(f"the app exited while waiting for {what} "
                                     f"({' '.join(self.command)}); it printed:\n"
                                     f"{history.strip()}")
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout:.0f}s for {what} ({text!r}); the screen:\n"
                             f"{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "app", *(["-l", key] if len(key) == 1 else [key]))

    def kill(self) -> None:
        assert self.pid is not None
        with contextlib.suppress(ProcessLookupError):  # it may have ended by itself
            os.kill(self.pid, signal.SIGKILL)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and _alive(self.pid):
            time.sleep(0.01)
        assert not _alive(self.pid), "SIGKILL did not end the app"
        self.tmux("kill-session", "-t", "app", check=False)
        self.pid = None

    def type_text(self, text: str) -> None:
        """Type into the answer field and see it there before Enter, as a person would
        (keys sent before the app is ready for them are lost, then retyped)."""
        for _ in range(5):
            self.keys("C-u", *list(text))
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if any(_flat(line) == text for line in self.screen().splitlines()):
                    time.sleep(0.3)  # still there a moment later: the field took it
                    if any(_flat(line) == text for line in self.screen().splitlines()):
                        self.keys("Enter")
                        return
                time.sleep(0.05)
        raise AssertionError(f"could not type {text!r}; the screen:\n{self.screen()}")

    def close(self) -> None:
        if self.pid is not None:
            self.kill()
        self.tmux("kill-server", check=False)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for tmux to reap it counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─▏▊▎▔▁]", " ", text).split())


def tmux_keys(question: Question, value: Any) -> list[str]:
    """The keys a person types for one answer (as tests/tui/drive.py, in tmux's names)."""
    if question.kind in ("single", "multi") and value is SKIPPED:
        return ["s"]
    if question.kind == "single":
        index = question.choice_ids.index(str(value)) + 1
        return [str(index)] if index <= 9 else ["Home", *["Down"] * (index - 1), "Enter"]
    if question.kind == "multi":
        return [str(question.choice_ids.index(v) + 1) for v in value] + ["Enter"]
    if value is SKIPPED:
        return ["C-u", "Enter"]
    return ["C-u", *list(str(value)), "Enter"]


def script(tree: Tree, answers: dict[str, Any]) -> list[tuple[Question, Any]]:
    """The questions a consultation asks for these answers, in order, with each answer."""
    c = Consultation(tree)
    steps = []
    while c.current is not None:
        question = c.current
        value = answers.get(question.id, SKIPPED)
        steps.append((question, value))
        c.skip() if value is SKIPPED else c.answer(value)
    return steps


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        "SPINE_ASSIST_STATE_DIR": str(tmp_path / "state"),
        "SPINE_ASSIST_NOTES_DIR": str(tmp_path / "notes"),
        "SOURCE_DATE_EPOCH": "1767225600",
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    # A short socket path of our own (a Unix socket path is limited to about 100 bytes).
    with tempfile.TemporaryDirectory(prefix="sa-tmux-") as folder:
        term = Terminal(Path(folder) / "s", env, ENTRY_POINT)
        try:
            yield term
        finally:
            term.close()


def session_files(state: Path) -> list[Path]:
    """The saved sessions (not their lock files, which are dot files)."""
    return sorted(p for p in (state / "sessions").glob("*.json") if not p.name.startswith("."))


def saved_known(state: Path) -> dict[str, Any]:
    files = session_files(state)
    assert len(files) == 1, f"expected one session file, found {files}"
    return sessions.load_session(files[0]).known


def test_sigkill_after_every_answer_resumes_with_every_answer(
    tree: Tree, terminal: Terminal, tmp_path: Path
) -> None:
    answers = load_answer_file(tree, ANSWERS / "miss.yaml").values
    steps = script(tree, answers)
    assert len(steps) >= 15
    state = tmp_path / "state"
    given: dict[str, Any] = {}
    for index, (question, value) in enumerate(steps):
        terminal.launch()
        if index:  # every launch after a kill offers the session; the person resumes it
            terminal.wait_for("Resume?", "the offer to resume")
            terminal.keys("r")
        elif terminal.wait_for((CASE_LABEL, question.prompt), "the first screen") == CASE_LABEL:
            terminal.keys("Enter")
        terminal.wait_for(question.prompt, f"question {index + 1}, '{question.id}'")
        following = steps[index + 1][0].prompt if index + 1 < len(steps) else FINISHED
        if question.kind in ("integer", "text") and value is not SKIPPED:
            # A typed answer is retyped if the field was rebuilt under the fingers (the
            # screen then says an answer is needed): a person would do the same.
            for attempt in range(3):
                terminal.type_text(str(value))
                try:
                    terminal.wait_for(following, "the next question", timeout=5)
                    break
                except AssertionError:
                    if attempt == 2 or "an answer is needed" not in terminal.screen():
                        raise
        elif question.kind == "single" or value is SKIPPED:  # one key: resend if it was lost
            for attempt in range(3):
                terminal.keys(*tmux_keys(question, value))
                try:
                    terminal.wait_for(following, "the next question", timeout=5)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise
        else:
            terminal.keys(*tmux_keys(question, value))
        given[question.id] = value
        terminal.wait_for(following, f"what follows '{question.id}'")
        terminal.kill()
        assert saved_known(state) == given, f"answers lost when killed after '{question.id}'"
    # The last launch: everything is there, and the consultation is complete.
    terminal.launch()
    terminal.wait_for("Resume?", "the offer to resume the finished answers")
    terminal.keys("r")
    if terminal.wait_for(FINISHED, "the completed consultation") != RESULT:
        terminal.keys("g")  # from the review of the answers to the recommendation
    terminal.wait_for(RESULT, "the result after resuming")
    assert "MISS" in terminal.screen().split(RESULT, 1)[1]
    restored, warnings = sessions.restore(tree, sessions.load_session(
        session_files(state)[0]))
    assert warnings == []
    assert restored.known == given
    assert restored.complete
    assert restored.evaluation().recommendation == "MISS"
