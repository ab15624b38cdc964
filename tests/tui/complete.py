"""Apps that start where a test needs them: a finished consultation, its review or result.

Why: these tests are about the review, result, export and saving, not about answering;
they reach those screens through the app's own navigation (what the conversation screen
calls) instead of typing every answer.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from assistant.core import session as sessions
from assistant.core.headless import run_file
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Tree
from assistant.tui.app import SpineAssistApp
from tests.conftest import ANSWERS


def finished_app(tree: Tree, fixture: str = "oss_several.yaml", *,
                 label: str = "") -> SpineAssistApp:
    """An app whose consultation holds every answer of an answer fixture."""
    walk = run_file(tree, ANSWERS / fixture).outcome.walk
    known = {qid: walk.values.get(qid, SKIPPED) for qid in walk.path}  # skips included
    consultation = Consultation(tree, known)
    assert consultation.complete
    meta = {"case_label": label} if label else {}
    return SpineAssistApp(tree, consultation=consultation,
                          session=sessions.new_session(tree, meta))


async def open_review(pilot: Pilot[Any]) -> Any:
    from assistant.tui.screens.review import ReviewScreen

    app: SpineAssistApp = pilot.app  # type: ignore[assignment]
    await pilot.pause()
    if not isinstance(app.screen, ReviewScreen):
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.show_review()
        await pilot.pause()
    assert isinstance(app.screen, ReviewScreen), app.screen
    return app.screen


async def open_result(pilot: Pilot[Any]) -> Any:
    from assistant.tui.screens.result import ResultScreen

    await open_review(pilot)
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ResultScreen), pilot.app.screen
    return pilot.app.screen
