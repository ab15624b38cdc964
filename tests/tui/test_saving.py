"""An unwritable state folder never crashes the app, and it never claims a save it did not
make: the header says NOT SAVED and why, until a save works; Ctrl+S keeps the answers in a
file; quitting asks first; the crash message says "saved" only when it is true."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from assistant.core import session as sessions
from assistant.core.machine import SKIPPED
from assistant.core.model import Tree
from assistant.tui.app import SpineAssistApp
from assistant.tui.launch import make_app
from assistant.tui.saving import crash_message, save_failure
from tests.tui.drive import screen_text


def _under_a_file(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (state / "plain-file").write_text("x")
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(state / "plain-file" / "state"))


def _state_is_a_file(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (state / "state-file").write_text("x")
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(state / "state-file"))


def _xdg_is_a_file(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (state / "xdg").write_text("x")
    monkeypatch.delenv("SPINE_ASSIST_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(state / "xdg"))


def _refuse_under(state: Path, name: str, code: int,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`os.<name>` fails with `code` for paths in the state folder (the OS's refusal,
    simulated: tests may run as root, whom a read-only mode does not stop)."""
    real = getattr(os, name)

    def refuse(path: object, *args: object, **kwargs: object) -> object:
        target = args[0] if name in ("replace", "link") and args else path
        if str(os.fspath(target)).startswith(str(state)):  # type: ignore[arg-type]
            raise OSError(code, os.strerror(code), str(target))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, refuse)


def _os_error(code: int) -> object:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))
    return fail


def _read_only(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_under(state, "open", errno.EACCES, monkeypatch)
    _refuse_under(state, "mkdir", errno.EACCES, monkeypatch)


def _disk_full(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_under(state, "replace", errno.ENOSPC, monkeypatch)
    _refuse_under(state, "link", errno.ENOSPC, monkeypatch)


UNWRITABLE = [
    pytest.param(_under_a_file, "not a directory", id="path-under-a-file"),
    pytest.param(_state_is_a_file, "not a directory", id="state-dir-is-a-file"),
    pytest.param(_xdg_is_a_file, "not a directory", id="xdg-state-home-is-a-file"),
    pytest.param(_read_only, "permission denied", id="read-only-folder"),
    pytest.param(_disk_full, "no space left", id="disk-full"),
]


@pytest.mark.parametrize(("break_state", "reason"), UNWRITABLE)
async def test_an_unwritable_state_folder_is_said_plainly_and_nothing_crashes(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch,
        break_state, reason: str):
    break_state(_isolated_state, monkeypatch)
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.give_answer("fit_for_surgery", "yes")  # what an answer in the conversation does
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.consultation.known == {"fit_for_surgery": "yes"}  # kept in the window
        assert app.save_problem is not None and reason in app.save_problem.lower()
        assert app.has_class("-unsaved")
        header = screen_text(app).splitlines()[0]
        assert "NOT SAVED" in header
        assert not any("saved" in n.message.lower() and "not" not in n.message.lower()
                       for n in app._notifications)
        # a second failure keeps the banner and does not repeat the toast
        _answer_next(app)
        await pilot.pause()
        assert "NOT SAVED" in screen_text(app).splitlines()[0]
        assert sum("not being saved" in n.message for n in app._notifications) == 1
    assert app.return_code in (None, 0)


async def test_ctrl_s_writes_the_answers_where_asked_and_run_reads_them(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    _under_a_file(_isolated_state, monkeypatch)
    monkeypatch.setenv("SPINE_ASSIST_NOTES_DIR", str(tmp_path / "kept"))
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.check_action("keep_answers", ()) is False  # nothing to keep yet
        app.set_case_label("bed [/] 4")
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        assert app.check_action("keep_answers", ()) is True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    kept = list((tmp_path / "kept").iterdir())
    assert len(kept) == 1 and kept[0].name.endswith(".answers.json")
    data = json.loads(kept[0].read_text(encoding="utf-8"))
    assert data == {"case_label": "bed [/] 4", "fit_for_surgery": "yes"}
    from assistant.core.answers import load_answer_file

    assert load_answer_file(tree, kept[0]).values == {"fit_for_surgery": "yes"}


async def test_quitting_unsaved_answers_asks_first(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.tui.screens.confirm import ConfirmScreen

    _state_is_a_file(_isolated_state, monkeypatch)
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "NOT saved" in screen_text(app)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0  # left by exit(), not closed by the test


async def test_saving_again_clears_the_banner(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch):
    _disk_full(_isolated_state, monkeypatch)
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        assert app.has_class("-unsaved")
        monkeypatch.undo()
        monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(_isolated_state))
        _answer_next(app)
        await pilot.pause()
        assert app.save_problem is None and not app.has_class("-unsaved")
        assert "NOT SAVED" not in screen_text(app).splitlines()[0]
    saved = sessions.load_session(app.session.path)
    assert saved.known == app.consultation.known


@pytest.mark.parametrize("writable", [False, True], ids=["unwritable", "writable"])
async def test_a_crash_says_saved_only_when_it_is(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], writable: bool):
    if not writable:
        _under_a_file(_isolated_state, monkeypatch)
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        app.call_later(_raise)
        await pilot.pause()
    assert app.return_code == 1
    message = capsys.readouterr().err
    assert "boom [/] \\x1b[2J" in message  # shown literally, no raw escape
    if writable:
        assert "Your answers are saved" in message and "Details: " in message
        assert sessions.load_session(app.session.path).known == {"fit_for_surgery": "yes"}
    else:
        assert "could not be saved" in message and "are saved" not in message


def _answer_next(app: SpineAssistApp) -> None:
    """Answer whatever is asked now: skip an optional question, else its first choice."""
    question = app.consultation.current
    assert question is not None
    if question.optional:
        app.give_answer(question.id, SKIPPED)
    else:
        first = question.choice_ids[0]
        app.give_answer(question.id, [first] if question.kind == "multi" else first)


def _raise() -> None:
    raise RuntimeError("boom [/] \x1b[2J")


def test_the_crash_message_is_true_and_terminal_safe():
    error = RuntimeError("boom [/] \x1b[2J")
    saved = crash_message(error, True, "/state/crash.log")
    assert "Your answers are saved" in saved and "\x1b" not in saved and "\\x1b" in saved
    lost = crash_message(error, False, None)
    assert "could not be saved" in lost and "saved:" not in lost and "Details" not in lost


def test_save_failure_is_a_sentence_for_every_kind_of_error():
    assert save_failure(OSError(errno.ENOSPC, "No space left on device", "/s/x.json")) == \
        "No space left on device - /s/x.json"
    assert save_failure(OSError("plain")) == "plain"
    error = sessions.SessionError("cannot write in this folder: not a directory")
    assert "not a directory" in save_failure(error)
    assert "\x1b" not in save_failure(OSError("bad \x1b[2J name"))


def test_the_app_is_what_the_screens_rely_on():
    from assistant.tui.protocol import ConsultationHost

    members = [name for name in dir(ConsultationHost) if not name.startswith("_")]
    for name in members:
        assert hasattr(SpineAssistApp, name) or name in ("decision_tree", "consultation",
                                                          "session"), name


async def test_starting_anew_with_unsaved_changes_asks_first(
        tree: Tree, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.tui.screens.confirm import ConfirmScreen

    _disk_full(_isolated_state, monkeypatch)
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        app.action_restart()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.consultation.known == {"fit_for_surgery": "yes"}  # nothing lost


async def test_quitting_a_read_only_window_without_changes_does_not_ask(tree: Tree):
    saved = sessions.new_session(tree)
    app = SpineAssistApp(tree, session=saved, read_only=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.save_problem is not None
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0  # left by exit(), not closed by the test


async def test_starting_anew_says_saved_only_when_something_was_saved(tree: Tree):
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.new_consultation() is False  # nothing answered: nothing on disk to speak of
        app.give_answer("fit_for_surgery", "yes")
        await pilot.pause()
        file = app.session.file
        assert app.new_consultation() is True
        assert file is not None and file.exists()
        assert app.consultation.known == {}
