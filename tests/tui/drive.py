"""Driving the app by keys, as a person would: one helper per question kind."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from assistant.core.machine import SKIPPED
from assistant.core.model import Question
from assistant.tui.app import SpineAssistApp


def keys_for(question: Question, value: Any) -> list[str]:
    """The keys that answer `question` with `value` (SKIPPED skips an optional one)."""
    if question.kind == "single":
        if value is SKIPPED:
            return ["s"]
        index = question.choice_ids.index(str(value)) + 1
        if index <= 9:
            return [str(index)]
        return ["home", *["down"] * (index - 1), "enter"]
    if question.kind == "multi":
        if value is SKIPPED:
            return ["s"]
        return [str(question.choice_ids.index(v) + 1) for v in value] + ["enter"]
    if value is SKIPPED:
        return ["ctrl+u", "enter"]
    return ["ctrl+u", *list(str(value)), "enter"]


async def answer_all(pilot: Pilot, answers: dict[str, Any], *, limit: int = 60) -> None:
    """Answer whatever the app asks from `answers`; optional questions not given: skip."""
    app: SpineAssistApp = pilot.app  # type: ignore[assignment]
    for _ in range(limit):
        question = app.consultation.current
        if question is None:
            return
        value = answers.get(question.id, SKIPPED)
        assert value is not SKIPPED or question.optional, f"no answer for {question.id}"
        before = len(app.consultation.known)
        await pilot.press(*keys_for(question, value))
        await pilot.pause()
        assert len(app.consultation.known) > before or app.consultation.current is None or \
            app.consultation.current.id != question.id, f"{question.id} was not answered"
    raise AssertionError("the consultation did not end")
