"""Drive `spine-assist serve` in headless Chromium: shared by tests/web and tests/bench/browser.

Chromium is Debian's (/usr/bin/chromium); Playwright's pip package only drives it and is
never allowed to download a browser (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD, executable_path).

The page draws the terminal on a canvas, so the text is read from xterm.js's own buffer:
an init script catches the page's terminal object when textual.js stores it (a setter for
`terminal` on Object.prototype that turns into a plain property at the first assignment).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("SPINE_ASSIST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1200, "height": 800}

SCREEN_HOOK = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal",
      {value, writable: true, configurable: true, enumerable: true});
    if (this.websocket_url !== undefined) window.__spineSession = this;
  },
});
window.__spineScreen = () => {
  const session = window.__spineSession;
  if (!session || !session.terminal) return "";
  const term = session.terminal, buffer = term.buffer.active, lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
};
window.__spineGrid = () => {
  const session = window.__spineSession;
  if (!session || !session.terminal) return null;
  const box = session.terminal.element.querySelector(".xterm-screen").getBoundingClientRect();
  return {x: box.x, y: box.y, width: box.width, height: box.height,
          cols: session.terminal.cols, rows: session.terminal.rows};
};
"""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright's pip package is not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, *extra: str) -> list[str]:
    """`spine-assist serve` through the real entry point."""
    return [sys.executable, "-m", "assistant", "serve", "--port", str(port), *extra]


@contextmanager
def running_server(state_dir: Path, *extra: str, port: int | None = None,
                   ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A server in its own process with its own state folder; yields (base URL, process)."""
    port = port or free_port()
    env = dict(os.environ, SPINE_ASSIST_STATE_DIR=str(state_dir), PYTHONUNBUFFERED="1",
               COLUMNS="200")
    log = (state_dir.parent / f"serve-{port}.log").open("w")
    process = subprocess.Popen(serve_command(port, *extra), env=env, stdout=log,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_listening(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_listening(port: int, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"spine-assist serve exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"spine-assist serve did not listen on port {port}")


def app_processes(server: subprocess.Popen[str]) -> list[int]:
    """Process ids of the server's children (one per browser session)."""
    try:
        output = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                text=True, check=False).stdout
    except FileNotFoundError:  # no procps: read /proc
        output = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    return [int(pid) for pid in output.split()]


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(**{"viewport": VIEWPORT, "accept_downloads": True, **options})
    context.add_init_script(SCREEN_HOOK)
    return context


class Tab:
    """One browser tab showing the app: read the screen, press keys, click text."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def screen(self) -> str:
        return str(self.page.evaluate("window.__spineScreen ? window.__spineScreen() : ''"))

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Wait until `text` is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on the screen after {timeout} s:\n{screen}")
            self.page.wait_for_timeout(50)

    def wait_gone(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} still on the screen after {timeout} s")
            self.page.wait_for_timeout(50)

    def settle(self, quiet: float = 0.15, timeout: float = 30) -> str:
        """Wait until the screen stays the same for `quiet` seconds (the app has drawn the
        answer's effects); a key pressed during a question's swap can land in the old one."""
        deadline = time.monotonic() + timeout
        screen, since = self.screen(), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen kept changing for {timeout} s")
            self.page.wait_for_timeout(25)
            now = self.screen()
            if now != screen:
                screen, since = now, time.monotonic()
        return screen

    def focus(self) -> None:
        """Keys go to xterm.js's hidden text area (a click on the terminal does the same)."""
        self.page.focus(".xterm-helper-textarea")

    def press(self, *keys: str) -> None:
        self.focus()
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.focus()
        self.page.keyboard.type(text)

    def click_text(self, text: str) -> None:
        """Click the middle of the first cell of `text` on the terminal screen (waits for it)."""
        self.wait_for(text)
        lines = self.settle().split("\n")
        row = next(i for i, line in enumerate(lines) if text in line)
        column = lines[row].find(text)
        grid = self.page.evaluate("window.__spineGrid()")
        cell_w, cell_h = grid["width"] / grid["cols"], grid["height"] / grid["rows"]
        self.page.mouse.click(grid["x"] + (column + 0.5) * cell_w,
                              grid["y"] + (row + 0.5) * cell_h)


def open_tab(context: Any, url: str) -> Tab:
    page = context.new_page()
    page.goto(url)
    return Tab(page)
