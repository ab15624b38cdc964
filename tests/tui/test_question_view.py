"""The question box on Textual's own widgets, by keys, mouse and paste: alone in a small
app (the same box asks in the consultation, edit, what-if and trainee mode)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Offset

from assistant.core.model import Question, Tree
from assistant.tui.widgets.asking import AnswerTarget
from assistant.tui.widgets.question_box import QuestionBox
from tests.tui.drive import region_text, screen_text


class Host(AnswerTarget, App[None]):
    """A QuestionBox on its own, showing one question; records what it tells."""

    def __init__(self, question: Question, default: Any = None, *, preview: bool = False,
                 allow_skip: bool = True) -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.allow_skip = allow_skip
        self.box = QuestionBox(preview=preview)
        self.told: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield self.box

    def on_mount(self) -> None:
        self.box.show(self.question, self.default, allow_skip=self.allow_skip)

    def answer_given(self, question: Question, value: Any) -> None:
        self.told.append(("answered", value))

    def answer_skipped(self, question: Question) -> None:
        self.told.append(("skipped", question.id))

    def answer_proposed(self, question: Question, value: Any) -> None:
        self.told.append(("proposed", value))


def answers(app: Host) -> list[tuple[str, Any]]:
    return [t for t in app.told if t[0] != "proposed"]


# -- a single choice -------------------------------------------------------------------
async def test_down_down_enter_picks_the_third_choice(tree: Tree):
    question = tree.questions["primary_histology"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.box.widget.highlighted == 0
        await pilot.press("down", "down")
        assert app.box.widget.highlighted == 2
        assert app.told == []  # moving is not answering
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[2])]


async def test_a_digit_picks_its_choice_at_once(tree: Tree):
    question = tree.questions["region"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[2])]


async def test_a_digit_past_the_last_choice_says_so_and_answers_nothing(tree: Tree):
    question = tree.questions["fit_for_surgery"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await pilot.pause()
        assert app.told == []
        assert app.box.error == "There is no choice 7: press 1 to 2."
        assert "There is no choice 7" in screen_text(app)
        await pilot.press("down")  # moving on clears the complaint
        await pilot.pause()
        assert app.box.error == ""


async def test_s_skips_an_optional_question_and_the_skip_row_is_reached_with_end(
        tree: Tree):
    question = tree.questions["sins_location"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "s Skip" in screen_text(app) or "skip this optional question" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert app.told == [("skipped", "sins_location")]
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.told[-1] == ("skipped", "sins_location")


async def test_s_on_a_required_question_is_neither_offered_nor_a_skip(tree: Tree):
    question = tree.questions["fit_for_surgery"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.box.choices.check_action("skip", ()) is False  # not in the footer
        await pilot.press("s")
        await pilot.pause()
        assert app.told == []
        assert "skip" not in region_text(app, app.box).lower()


async def test_a_click_on_an_option_answers_it(tree: Tree):
    question = tree.questions["region"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        choices = app.box.choices
        line = next(i for i, text in enumerate(screen_text(app).splitlines())
                    if question.choices[1].label in text)
        await pilot.click(choices, offset=Offset(4, line - choices.region.y))
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[1])]


async def test_the_default_is_highlighted_and_long_choices_wrap_whole(tree: Tree):
    question = tree.questions["fit_for_surgery"]
    app = Host(question, "no")
    async with app.run_test(size=(50, 24)):
        assert app.box.widget.highlighted == 1
        shown = region_text(app, app.box)
        for choice in question.choices:
            assert " ".join(f"{choice.label} — {choice.explain}".split()) in shown


# -- a checklist -----------------------------------------------------------------------
async def test_checklist_space_and_digits_tick_and_enter_confirms_in_order(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "1")
        assert app.box.ticked == ["cord_compression", "pathological_fracture"]
        await pilot.press("down", "space")  # the highlight follows the last digit (1)
        assert app.box.ticked == ["cord_compression", "instability", "pathological_fracture"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered",
                             ["cord_compression", "instability", "pathological_fracture"])]


async def test_checklist_exclusive_choice_clears_the_others_and_back(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        none = question.choice_ids.index("none") + 1
        await pilot.press("1", "2", str(none))
        assert app.box.ticked == ["none"]
        await pilot.press("4")
        assert app.box.ticked == [question.choice_ids[3]]


async def test_checklist_enter_with_nothing_ticked_complains_until_something_is(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == []
        assert "Tick at least one" in app.box.error
        await pilot.press("2")
        await pilot.pause()
        assert app.box.error == ""


async def test_ticked_and_unticked_differ_by_more_than_colour(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        ticked = next(t for t in lines if question.choices[1].label in t)
        unticked = next(t for t in lines if question.choices[0].label in t)
        assert ticked.lstrip().startswith("[✓] 2 ")
        assert unticked.lstrip().startswith("[ ] 1 ")


async def test_a_click_on_a_checklist_line_ticks_it(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        checks = app.box.checks
        line = next(i for i, text in enumerate(screen_text(app).splitlines())
                    if question.choices[2].label in text)
        await pilot.click(checks, offset=Offset(6, line - checks.region.y))
        await pilot.pause()
        assert app.box.ticked == [question.choice_ids[2]]
        assert answers(app) == []  # ticking is not confirming


# -- a field ---------------------------------------------------------------------------
def cursor_cell(app: Host) -> int:
    """The terminal cursor's column inside the field's text (what IME and screen
    readers follow), checked against the Input's own idea of it."""
    field = app.box.field
    assert app.cursor_position == field.cursor_screen_offset
    return app.cursor_position.x - field.content_region.x


async def test_the_terminal_cursor_sits_at_the_insertion_point(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        assert cursor_cell(app) == 0
        await pilot.press("T", "1", "1")
        assert cursor_cell(app) == 3
        await pilot.press("left", "left")
        assert app.box.field.cursor_position == 1
        assert cursor_cell(app) == 1
        await pilot.press("-")
        assert app.box.field.value == "T-11"
        assert cursor_cell(app) == 2
        assert app.cursor_position.y == app.box.field.content_region.y


async def test_chinese_text_typed_and_pasted_is_edited_by_cell(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("脊", "柱")
        app.box.field.post_message(__import__("textual.events", fromlist=["Paste"])
                                   .Paste("转移\nsecond line"))
        await pilot.pause()
        assert app.box.field.value == "脊柱转移"  # a field is one line: the first line of a paste
        assert cursor_cell(app) == 8  # four wide characters, two cells each
        await pilot.press("left", "backspace")
        assert app.box.field.value == "脊柱移"
        assert cursor_cell(app) == 4


async def test_paste_goes_in_at_the_cursor_and_replaces_a_selection(tree: Tree):
    from textual.events import Paste

    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("T", "L", "1")
        await pilot.press("left", "left")
        app.box.field.post_message(Paste("11-"))
        await pilot.pause()
        assert app.box.field.value == "T11-L1"
        await pilot.press("shift+home")
        app.box.field.post_message(Paste("T12"))
        await pilot.pause()
        assert app.box.field.value == "T12L1"


async def test_word_moves_selection_and_word_deletion_behave_as_in_input(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"T11 to L1")
        await pilot.press("ctrl+left")
        assert app.box.field.cursor_position == len("T11 to ")
        await pilot.press("ctrl+left", "ctrl+left")
        assert app.box.field.cursor_position == 0
        await pilot.press("ctrl+right", "shift+end")
        assert app.box.field.selected_text == "to L1"
        await pilot.press("-", " ", "L", "1")  # typing replaces the selection
        assert app.box.field.value == "T11 - L1"
        await pilot.press("ctrl+w")  # deletes the word before the cursor
        assert app.box.field.value == "T11 - "


async def test_an_integer_field_refuses_letters_and_a_required_empty_enter(tree: Tree):
    app = Host(tree.questions["age_years"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "b")
        assert app.box.field.value == ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == []
        assert app.box.error.startswith("An answer is needed")
        await pilot.press("5", "8", "enter")
        await pilot.pause()
        assert app.told == [("answered", 58)]


async def test_out_of_range_shows_while_typing_goes_when_fixed_and_enter_refuses(tree: Tree):
    app = Host(tree.questions["age_years"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "5", "0")
        await pilot.pause()
        assert "150 is outside the range" in app.box.error
        assert "age_years" not in app.box.error  # no internal ids
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == []
        await pilot.press("backspace")
        await pilot.pause()
        assert app.box.error == ""


async def test_empty_enter_skips_an_optional_field_and_s_is_typed(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert app.box.field.value == "s"
        await pilot.press("backspace", "enter")
        await pilot.pause()
        assert app.told == [("skipped", "level")]


async def test_a_pattern_field_says_what_is_wrong_while_typing(tree: Tree):
    question = tree.questions["level"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "9")
        await pilot.pause()
        assert app.box.error.startswith("Not accepted:")
        await pilot.press("ctrl+u", "t", "7", "enter")
        await pilot.pause()
        assert app.told == [("answered", "T7")]


async def test_a_level_field_suggests_levels(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert "L1" in region_text(app, app.box.field)  # the suggestion, shown dim
        await pilot.press("right")  # accepts it
        assert app.box.field.value == "L1"


# -- a preview box (what-if) ----------------------------------------------------------
async def test_a_preview_box_only_proposes_on_digits_moves_and_clicks(tree: Tree):
    question = tree.questions["region"]
    app = Host(question, question.choice_ids[0], preview=True, allow_skip=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert answers(app) == []
        assert app.told[-1] == ("proposed", question.choice_ids[2])
        await pilot.press("down")
        await pilot.pause()
        choices = app.box.choices
        line = next(i for i, text in enumerate(screen_text(app).splitlines())
                    if question.choices[1].label in text)
        await pilot.click(choices, offset=Offset(4, line - choices.region.y))
        await pilot.pause()
        assert answers(app) == []
        assert app.told[-1] == ("proposed", question.choice_ids[1])
        await pilot.press("enter")  # the explicit apply
        await pilot.pause()
        assert answers(app) == [("answered", question.choice_ids[1])]


# -- in a real terminal ------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_in_tmux_the_terminal_cursor_is_at_the_insertion_point(tmp_path: Path):
    """What IME popups and screen readers follow: tmux's own idea of the cursor."""
    socket = tmp_path / "tmux.sock"

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True,
                              text=True, timeout=10).stdout

    env = [f"SPINE_ASSIST_STATE_DIR={tmp_path / 'state'}", "TERM=xterm-256color",
           f"PYTHONPATH={Path(__file__).resolve().parents[2]}"]
    tmux("new-session", "-d", "-s", "app", "-x", "80", "-y", "24", "env", *env,
         sys.executable, "-m", "assistant", "consult")
    try:
        def wait(text: str) -> list[str]:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                lines = tmux("capture-pane", "-p", "-t", "app").splitlines()
                if any(text in line for line in lines):
                    return lines
                time.sleep(0.1)
            raise AssertionError(f"{text!r} never showed")

        wait("case label")
        tmux("send-keys", "-t", "app", "-l", "Bed 9 qz")
        lines = wait("Bed 9 qz")
        time.sleep(0.3)
        x, y = (int(n) for n in tmux("display", "-p", "-t", "app",
                                     "#{cursor_x},#{cursor_y}").strip().split(","))
        row = next(i for i, line in enumerate(lines) if "Bed 9 qz" in line)
        assert (x, y) == (lines[row].index("Bed 9 qz") + len("Bed 9 qz"), row)
        tmux("send-keys", "-t", "app", "Left", "Left")
        time.sleep(0.3)
        x2 = int(tmux("display", "-p", "-t", "app", "#{cursor_x}").strip())
        assert x2 == x - 2
    finally:
        tmux("kill-server")
