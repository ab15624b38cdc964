"""Driving the app by keys, as a person would: one helper per question kind."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from assistant.core.headless import run_file
from assistant.core.machine import SKIPPED
from assistant.core.model import Question, Tree
from assistant.tui.app import SpineAssistApp
from tests.conftest import ANSWERS


def fixture_values(tree: Tree, name: str) -> dict[str, Any]:
    """The answers on the path of an answer fixture, as the engine derives them."""
    return dict(run_file(tree, ANSWERS / name).outcome.walk.values)


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


def asking_label(app: Any) -> bool:
    """Whether the consultation asks for its case label now (before the first question)."""
    from assistant.tui.screens.consult import LABEL_QUESTION, ConsultScreen

    screen = app.screen
    return isinstance(screen, ConsultScreen) and \
        getattr(screen.question_box, "question", None) is LABEL_QUESTION  # None: never shown


async def pass_label(pilot: Pilot, label: str = "") -> None:
    """Give the case label (or skip it with Enter) if the app asks for one."""
    await pilot.pause()
    if asking_label(pilot.app):
        await pilot.press(*label, "enter")
        await pilot.pause()


async def answer_all(pilot: Pilot, answers: dict[str, Any], *, limit: int = 60) -> None:
    """Answer whatever the app asks from `answers`; optional questions not given: skip."""
    app: SpineAssistApp = pilot.app  # type: ignore[assignment]
    await pass_label(pilot)
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


async def to_result(pilot: Pilot, answers: dict[str, Any]) -> Any:
    """Answer everything, then open the recommendation from the review; the result screen."""
    from assistant.tui.screens.result import ResultScreen
    from assistant.tui.screens.review import ReviewScreen

    await answer_all(pilot, answers)
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("enter")  # the review opens on "See the recommendation"
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ResultScreen)
    return screen


async def from_result(pilot: Pilot, answers: dict[str, Any], key: str) -> Any:
    """Answer everything, then press `key` on the result screen; the result screen."""
    result = await to_result(pilot, answers)
    await pilot.press(key)
    await pilot.pause()
    return result


async def what_if_on(pilot: Pilot, answers: dict[str, Any], question_id: str) -> Any:
    """From the result, open what-if and choose the answer to `question_id`; the result
    screen."""
    result = await from_result(pilot, answers, "w")
    path = list(pilot.app.consultation.walk.path)
    await pilot.press("home", *["down"] * path.index(question_id), "enter")
    await pilot.pause()
    return result


def region_text(app: Any, widget: Any) -> str:
    """What `widget` shows on screen, its lines joined by spaces (wrapping undone)."""
    region = widget.content_region
    lines = screen_text(app).splitlines()[region.y: region.bottom]
    return " ".join(" ".join(line[region.x: region.right].split()) for line in lines)


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain text (the current screen, every layer)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def type_ahead(app: Any, keys: list[str]) -> None:
    """Hand `keys` to the app all at once, as a terminal does with keys typed ahead (one
    read, many keys), with no wait between them (Pilot.press waits for the app to be idle
    after each key, which hides a key overtaking the one before)."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(key if key.isalnum() else _character_to_key(key),
                                        key))
        else:
            char = {"enter": "\r", "space": " ", "tab": "\t"}.get(key)
            app.post_message(events.Key(key, char))


def answer_keys(tree: Tree, answers: dict[str, Any], *, until: str = "") -> list[list[str]]:
    """The keys of each answer of a consultation answered from `answers` (optional
    questions not given: skipped), as a person types them, up to the question `until`."""
    from assistant.core.machine import Consultation

    consultation = Consultation(tree)
    keys: list[list[str]] = []
    while consultation.current is not None and consultation.current.id != until:
        question = consultation.current
        value = answers.get(question.id, SKIPPED)
        keys.append([key for key in keys_for(question, value) if key != "ctrl+u"])
        if value is SKIPPED:
            consultation.skip()
        else:
            consultation.answer(value, question.id)
    return keys


def consultation_keys(tree: Tree, answers: dict[str, Any], *, until: str = "") -> list[str]:
    """Every key of `answer_keys`, in one list."""
    return [key for keys in answer_keys(tree, answers, until=until) for key in keys]
