"""Two apps on one state folder: a session is owned by the app that saves it; a second app
offers it read-only or as a copy, and never writes over the first one's answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import session as sessions
from assistant.core.machine import Consultation
from assistant.core.model import Tree
from assistant.tui.launch import make_app, make_resume_app
from assistant.tui.screens.resume import ResumeScreen
from tests.tui.drive import screen_text

pytestmark = pytest.mark.skipif(not hasattr(sessions, "claim"),
                                reason="the core's session lock is not there yet")


def saved_elsewhere(tree: Tree) -> sessions.Session:
    """A session another running app is in the middle of (and holds)."""
    consultation = Consultation(tree)
    consultation.answer("yes")
    consultation.skip()
    consultation.answer(["instability"])
    saved = sessions.record(sessions.new_session(tree, {"case_label": "bed [/] 4"}),
                            consultation)
    sessions.save_session(saved)
    return saved


def on_disk(path: Path) -> dict[str, object]:
    return sessions.load_session(path).known


async def test_a_held_session_is_offered_read_only_and_never_written(tree: Tree):
    other = saved_elsewhere(tree)
    held = sessions.claim(other.path)
    assert held is not None
    before = on_disk(other.path)
    app = make_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen) and app.screen.busy
        offer = str(app.screen.query_one("#resume-text").render())
        assert "open in another spine-assist window" in offer
        assert "Case: bed [/] 4" in offer  # the case, shown literally
        assert "Resume (r)" not in screen_text(app)
        await pilot.press("r")  # resuming is not offered: the key does nothing
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("o")
        await pilot.pause()
        assert app.read_only and app.session.id == other.id
        assert app.consultation.known == other.known
        assert "NOT SAVED" in screen_text(app).splitlines()[0]
        app.give_answer("neurological_deficit", "mild")
        await pilot.pause()
        assert app.save() is False
    assert on_disk(other.path) == before
    held.release()


async def test_a_held_session_can_be_continued_as_a_copy(tree: Tree):
    other = saved_elsewhere(tree)
    held = sessions.claim(other.path)
    before = on_disk(other.path)
    app = make_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert not app.read_only and app.session.id != other.id
        assert app.case_label == "bed [/] 4"
        app.give_answer("neurological_deficit", "mild")
        await pilot.pause()
        assert app.save_problem is None
        copy = app.session.path
    assert on_disk(other.path) == before
    assert on_disk(copy)["neurological_deficit"] == "mild"
    assert held is not None
    held.release()


async def test_read_only_then_ctrl_s_continues_a_copy(tree: Tree):
    other = saved_elsewhere(tree)
    held = sessions.claim(other.path)
    app = make_resume_app(other.id)
    assert app.read_only
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "NOT SAVED" in screen_text(app).splitlines()[0]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.read_only and app.session.id != other.id
        assert app.save_problem is None
        assert "NOT SAVED" not in screen_text(app).splitlines()[0]
    assert held is not None
    held.release()


async def test_a_session_nobody_holds_is_resumed_and_then_held(tree: Tree):
    other = saved_elsewhere(tree)
    app = make_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen) and not app.screen.busy
        assert "Case: bed [/] 4" in screen_text(app)  # the label, literally
        await pilot.press("r")
        await pilot.pause()
        assert app.session.id == other.id and not app.read_only
        assert app.title == "spine-assist: bed [/] 4"  # the case, in the title
        assert sessions.claim(other.path) is None  # held by this app now
        app.give_answer("neurological_deficit", "mild")
        await pilot.pause()
    assert on_disk(other.path)["neurological_deficit"] == "mild"
    again = sessions.claim(other.path)  # released when the app ended
    assert again is not None
    again.release()


async def test_a_session_held_by_another_process_opens_read_only(tree: Tree):
    import subprocess
    import sys

    other = saved_elsewhere(tree)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; "
         "from assistant.core import session as s; "
         "lock = s.claim(Path(sys.argv[1])); print(lock is not None, flush=True); "
         "time.sleep(60)", str(other.path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        app = make_resume_app(other.id)
        assert app.read_only
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.give_answer("neurological_deficit", "mild")
            await pilot.pause()
            assert "NOT SAVED" in screen_text(app).splitlines()[0]
        assert on_disk(other.path) == other.known
    finally:
        holder.kill()
        holder.wait()
