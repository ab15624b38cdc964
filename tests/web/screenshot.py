"""The README's picture of spine-assist in a browser: `python -m tests.web.screenshot [PNG]`.

A few answers into a consultation, in headless Chromium against a real `spine-assist serve`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.web.browser import chromium, new_context, open_tab, running_server

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "browser.png"


def take(target: Path) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state"
        state.mkdir()
        with running_server(state) as (url, _), chromium() as browser:
            context = new_context(browser, viewport={"width": 1100, "height": 620})
            tab = open_tab(context, url)
            tab.wait_for("Before the first question")
            tab.settle()  # a key during the first frames can be lost
            tab.type("T11 renal, Tuesday clinic")
            tab.press("Enter")
            tab.click_text("Yes, fit for surgery")
            tab.wait_for("where is the lesion?")
            tab.press("1")
            tab.page.wait_for_timeout(1500)  # the transcript and side panel follow a frame later
            target.parent.mkdir(parents=True, exist_ok=True)
            tab.page.screenshot(path=str(target))
            context.close()
    return target


if __name__ == "__main__":
    print(take(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
