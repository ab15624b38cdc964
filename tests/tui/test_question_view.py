"""The question view by keys, mouse and paste: alone in a small app, and in the real one."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events, on
from textual.app import App, ComposeResult

from assistant.core.machine import SKIPPED
from assistant.core.model import Question, Tree
from assistant.tui.app import make_app
from assistant.tui.screens.consult import ConsultScreen
from assistant.tui.screens.whatif import WhatIfScreen
from assistant.tui.widgets.messages import Answered, Proposed, Skipped
from assistant.tui.widgets.question_view import QuestionView
from tests.tui.drive import fixture_values, keys_for, screen_text, what_if_on

HINTS = ("1-9 or arrows+Enter", "digits or Space tick", "Enter confirms")


class Host(App[None]):
    """A QuestionView on its own, showing one question; records what it tells."""

    def __init__(self, question: Question, default: Any = None, *, propose: bool = False,
                 allow_skip: bool = True) -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.allow_skip = allow_skip
        self.view = QuestionView(propose=propose)
        self.told: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield self.view

    def on_mount(self) -> None:
        self.view.show(self.question, self.default, allow_skip=self.allow_skip)

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        self.told.append(("answered", event.value))

    @on(Skipped)
    def _skipped(self, event: Skipped) -> None:
        self.told.append(("skipped", event.question.id))

    @on(Proposed)
    def _proposed(self, event: Proposed) -> None:
        self.told.append(("proposed", event.value))


async def until(pilot, app: Any, question_id: str, answers: dict[str, Any]) -> None:
    """Answer by keys until `question_id` is asked."""
    while app.consultation.current.id != question_id:
        question = app.consultation.current
        await pilot.press(*keys_for(question, answers.get(question.id, SKIPPED)))
        await pilot.pause()


def box_lines(app: Any) -> list[str]:
    """The question box's lines on screen, borders included."""
    lines = screen_text(app).splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    return lines[top:bottom + 1]


# -- a single choice -------------------------------------------------------------------
async def test_down_down_enter_picks_the_third_choice(tree: Tree):
    question = tree.questions["primary_histology"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.view.highlighted == 0
        await pilot.press("down", "down")
        assert app.view.highlighted == 2
        assert app.told == []  # moving is not answering
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[2])]


async def test_up_stops_at_the_first_and_home_end_reach_both_ends(tree: Tree):
    question = tree.questions["primary_histology"]  # required: no skip row
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("up")
        assert app.view.highlighted == 0
        await pilot.press("end")
        assert app.view.highlighted == len(question.choices) - 1
        await pilot.press("down", "pagedown")  # no further than the last
        assert app.view.highlighted == len(question.choices) - 1
        await pilot.press("home")
        assert app.view.highlighted == 0
        await pilot.press("pagedown")
        assert app.view.highlighted == 5
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[-1])]


async def test_the_skip_row_of_an_optional_question_is_reached_with_end(tree: Tree):
    question = tree.questions["sins_location"]  # optional, 4 choices
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "s skip this optional question" in screen_text(app)
        await pilot.press("end")
        assert app.view.highlighted == len(question.choices)  # the row after the choices
        await pilot.press("down")
        assert app.view.highlighted == len(question.choices)
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("skipped", "sins_location")]


async def test_s_skips_an_optional_question(tree: Tree):
    app = Host(tree.questions["sins_location"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.told == [("skipped", "sins_location")]


async def test_s_on_a_required_question_does_not_skip_and_says_so(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(QuestionView)
        assert app.consultation.current.id == "fit_for_surgery"  # required
        assert "skip this optional question" not in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert app.consultation.current.id == "fit_for_surgery"
        assert "fit_for_surgery" not in app.consultation.known
        assert view.error == "this question needs an answer"
        assert "this question needs an answer" in screen_text(app)
        await pilot.press("end", "enter")  # the last choice, no skip row after it
        await pilot.pause()
        assert app.consultation.known["fit_for_surgery"] == "no"


async def test_a_click_on_an_option_line_answers_it(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if "No, not fit" in line)
        x = lines[y].index("No, not fit")
        await pilot.click(offset=(x, y))
        await pilot.pause()
        assert app.consultation.known["fit_for_surgery"] == "no"


async def test_a_click_on_the_wrapped_line_of_an_option_answers_that_option(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        lines = box_lines(app)
        first = next(i for i, line in enumerate(lines) if "1 Yes, fit for surgery" in line)
        assert "2 No" not in lines[first + 1]  # the first choice takes two lines
        view = app.screen.query_one(QuestionView)
        # offset on the view: its border is line 0, the prompt line 1
        await pilot.click(view, offset=(6, first + 1))
        await pilot.pause()
        assert app.consultation.known["fit_for_surgery"] == "yes"


async def test_a_click_on_the_skip_row_skips_and_on_the_prompt_does_nothing(tree: Tree):
    app = Host(tree.questions["sins_location"])
    async with app.run_test(size=(80, 24)) as pilot:
        lines = screen_text(app).splitlines()
        await pilot.click(offset=(3, 0))  # the prompt
        await pilot.pause()
        assert app.told == []
        y = next(i for i, line in enumerate(lines) if "s skip this optional" in line)
        await pilot.click(offset=(3, y))
        await pilot.pause()
        assert app.told == [("skipped", "sins_location")]


async def test_digits_past_the_last_choice_do_nothing(tree: Tree):
    question = tree.questions["fit_for_surgery"]  # two choices
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "9")
        await pilot.pause()
        assert app.told == []
        assert app.view.highlighted == 0
        assert app.view.error == ""
        await pilot.press("2")
        await pilot.pause()
        assert app.told == [("answered", "no")]


async def test_the_default_is_highlighted_when_shown(tree: Tree):
    question = tree.questions["region"]
    app = Host(question, default=question.choice_ids[3])
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.view.highlighted == 3
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered", question.choice_ids[3])]


# -- a checklist -----------------------------------------------------------------------
async def test_checklist_space_and_digits_tick_and_enter_confirms_in_order(tree: Tree):
    question = tree.questions["surgical_indications"]
    ids = question.choice_ids
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        await pilot.press("space")  # the highlighted (first) one
        assert view.ticked == [ids[0]]
        assert "[x]" in screen_text(app)
        await pilot.press("space")  # and off again
        assert view.ticked == []
        await pilot.press("3", "down", "space")  # a digit also moves the highlight
        assert view.highlighted == 3
        await pilot.press("2")
        assert view.ticked == [ids[1], ids[2], ids[3]]  # the question's order
        await pilot.press("6", "9")  # no such choices
        assert view.ticked == [ids[1], ids[2], ids[3]]
        assert app.told == []
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered", [ids[1], ids[2], ids[3]])]


async def test_checklist_exclusive_choice_clears_the_others_and_back(tree: Tree):
    question = tree.questions["surgical_indications"]
    exclusive = question.exclusive[0]
    number = question.choice_ids.index(exclusive) + 1
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "2", str(number))
        assert app.view.ticked == [exclusive]
        await pilot.press("1")
        assert app.view.ticked == [question.choice_ids[0]]
        await pilot.press("end", "space")  # the exclusive choice is the last one
        assert app.view.ticked == [exclusive]


async def test_checklist_enter_with_nothing_ticked_complains_until_something_is(tree: Tree):
    app = Host(tree.questions["surgical_indications"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == []
        assert "tick at least one" in app.view.error
        assert "tick at least one" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert app.view.error == ""
        assert "tick at least one" not in screen_text(app)
        await pilot.press("s")  # required: no skip either
        await pilot.pause()
        assert app.told == []
        assert app.view.error == "this question needs an answer"
        await pilot.press("2")  # ticking clears that complaint too
        await pilot.pause()
        assert app.view.error == ""


async def test_a_click_on_a_checklist_line_ticks_it(tree: Tree):
    question = tree.questions["surgical_indications"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        label = question.choices[1].label
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if label in line)
        await pilot.click(offset=(lines[y].index(label), y))
        await pilot.pause()
        assert app.view.ticked == [question.choice_ids[1]]
        assert app.view.highlighted == 1
        assert app.told == []  # ticking is not answering


# -- a one-line field ------------------------------------------------------------------
async def test_field_typing_backspace_left_insert_and_ctrl_u(tree: Tree):
    app = Host(tree.questions["level"])  # optional text
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        await pilot.press("t", "7", "-", "t", "9")
        assert view.text == "t7-t9"
        assert "t7-t9" in screen_text(app)
        await pilot.press("backspace")
        assert view.text == "t7-t"
        await pilot.press("left", "left", "left", "1")  # after "t"
        assert view.text == "t17-t"
        assert view.field.cursor == 2
        await pilot.press("end", "8", "ctrl+a", "x")
        assert view.text == "xt17-t8"
        await pilot.press("ctrl+e", "ctrl+u")
        assert view.text == ""
        await pilot.press("s", "space", "s")  # `s` is a letter here, not skip
        assert view.text == "s s"
        assert app.told == []


async def test_paste_inserts_only_the_first_line_at_the_cursor(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", "9")
        await pilot.press("left")
        app.view.post_message(events.Paste("7-T\nL1 and more\n"))
        await pilot.pause()
        assert app.view.text == "t7-T9"
        assert app.view.field.cursor == 4
        assert app.told == []  # a line break in a paste does not confirm


async def test_paste_takes_the_first_line_with_text(tree: Tree):
    """A value copied from a note often comes with a line break before it."""
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        app.view.post_message(events.Paste("\n  T7 \nL1\n"))
        await pilot.pause()
        assert app.view.text == "T7"
        assert app.told == []


async def test_paste_into_an_integer_field_keeps_only_digits(tree: Tree):
    app = Host(tree.questions["age_years"])
    async with app.run_test(size=(80, 24)) as pilot:
        app.view.post_message(events.Paste("5a8 years\n99"))
        await pilot.pause()
        assert app.view.text == "58"


async def test_integer_field_refuses_letters_and_empty_enter_on_a_required_one(tree: Tree):
    question = tree.questions["age_years"]  # required integer
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        await pilot.press("a", "b", "space", "x")
        assert view.text == ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == []
        assert view.error.startswith("an answer is needed")
        assert "an answer is needed" in screen_text(app)
        await pilot.press("5", "8", "enter")
        await pilot.pause()
        assert app.told == [("answered", 58)]


async def test_out_of_range_shows_while_typing_and_goes_when_fixed(tree: Tree):
    question = tree.questions["age_years"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        await pilot.press("1", "5", "0")
        await pilot.pause()
        assert "out of range" in view.error
        assert "out of range" in screen_text(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert view.error == ""
        assert "out of range" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("answered", 15)]


async def test_enter_refuses_an_out_of_range_value(tree: Tree):
    app = Host(tree.questions["age_years"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "5", "0", "enter")
        await pilot.pause()
        assert app.told == []
        assert "out of range" in app.view.error


async def test_empty_enter_skips_an_optional_field_and_s_is_typed(tree: Tree):
    app = Host(tree.questions["expected_survival_months"])  # optional integer
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Enter with nothing to skip" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.told == [("skipped", "expected_survival_months")]


async def test_a_pattern_field_says_what_is_wrong_while_typing(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "9")
        await pilot.pause()
        assert app.view.error
        await pilot.press("ctrl+u")  # empty again: nothing to complain about
        await pilot.pause()
        assert app.view.error == ""
        await pilot.press("t", "7", "enter")
        await pilot.pause()
        assert app.told == [("answered", "T7")]


async def test_a_long_text_keeps_the_cursor_in_view(tree: Tree):
    app = Host(tree.questions["level"])
    async with app.run_test(size=(40, 24)) as pilot:
        app.view.post_message(events.Paste("T1-T2-T3-T4-T5-T6-T7-T8-T9-T10-T11-L1-L2-L3-L4-L5-END"))
        await pilot.pause()
        shown = field_line(app)
        assert len(shown) <= 40
        assert shown.rstrip().endswith("END")  # the end, where the cursor is
        assert "T1-T2" not in shown
        await pilot.press("home")
        await pilot.pause()
        shown = field_line(app)
        assert shown.startswith("› T1-T2")
        assert "END" not in shown


async def test_wide_characters_keep_the_cursor_in_view(tree: Tree):
    # BUG (found by this test): LineEdit.window counted characters, not terminal cells,
    # so a text of double-width characters (full-width "Ｔ７", CJK) longer than half the
    # field pushed the cursor and the end of the text out of the box: typing went on
    # unseen. Fixed in line_edit.py (window measures cells).
    app = Host(tree.questions["level"])
    async with app.run_test(size=(40, 24)) as pilot:
        app.view.post_message(events.Paste("字" * 30 + "END"))
        await pilot.pause()
        shown = field_line(app)
        assert "END" in shown
        assert cell_len(shown) <= 40


def field_line(app: Any) -> str:
    """The text field's line on screen, from its `› `."""
    line = next(line for line in screen_text(app).splitlines() if "› " in line)
    return line[line.index("› "):]


# -- in the real app -------------------------------------------------------------------
async def test_focus_stays_on_one_view_through_a_whole_consultation(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(QuestionView)
        assert app.focused is view
        kinds = set()
        while app.consultation.current is not None:
            question = app.consultation.current
            kinds.add(question.kind)
            await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
            await pilot.pause()
            assert question.id in app.consultation.known
            if app.consultation.current is None:
                break
            assert app.screen.query_one(QuestionView) is view
            assert app.focused is view, f"focus left the question after {question.id}"
        assert kinds == {"single", "multi", "integer", "text"}


async def test_a_short_terminal_scrolls_the_options_and_keeps_the_prompt(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    question = tree.questions["primary_histology"]
    app = make_app(tree)
    async with app.run_test(size=(80, 14)) as pilot:
        await until(pilot, app, "primary_histology", values)
        text = screen_text(app)
        assert question.choices[-1].label not in text  # does not fit
        assert "↓ more" in text
        for index, choice in enumerate(question.choices):
            await pilot.press("down") if index else await pilot.press("home")
            await pilot.pause()
            text = screen_text(app)
            assert choice.label in text, f"highlighted {choice.label} is out of view"
            assert question.prompt in text
        assert "↑ more" in text
        assert "↓ more" not in text
        await pilot.press("home")
        await pilot.pause()
        assert question.choices[0].label in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.consultation.known["primary_histology"] == question.choice_ids[0]


async def test_a_long_error_never_hides_the_field_in_a_short_terminal(tree: Tree):
    # BUG found by this test (fixed in question_drawing.head_lines): the head (prompt,
    # suggestion, error) was drawn whole before any body line. The error repeats what was
    # typed, so at 80x14 a long invalid text (153 characters pasted into `level`) made
    # prompt + error fill the box: the field being typed in and the hint were not drawn.
    # Now the end of the head gives way to one body line and the hint.
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 14)) as pilot:
        await until(pilot, app, "level", values)
        view = app.screen.query_one(QuestionView)
        view.post_message(events.Paste("T" * 150 + "END"))
        await pilot.pause()
        assert "does not fit" in view.error
        assert "› " in "\n".join(box_lines(app)), "\n".join(box_lines(app))
        assert field_line(app).rstrip(" │").endswith("END")
        assert box_lines(app)[-2].strip("│ ").startswith("Enter confirms")
        assert tree.questions["level"].prompt[:20] in box_lines(app)[1]  # the prompt first


async def test_the_mouse_wheel_scrolls_a_box_that_is_too_small(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    question = tree.questions["primary_histology"]
    app = make_app(tree)
    async with app.run_test(size=(80, 14)) as pilot:
        await until(pilot, app, "primary_histology", values)
        view = app.screen.query_one(QuestionView)
        for _ in range(20):
            view.post_message(events.MouseScrollDown(view, 1, 1, 0, 0, 0, False, False,
                                                     False))
        await pilot.pause()
        text = screen_text(app)
        assert question.choices[-1].label in text
        assert question.choices[0].label not in text
        assert view.highlighted == 0  # the wheel scrolls, it does not move the highlight


async def test_the_box_height_follows_the_questions_of_a_consultation(tree: Tree):
    """Once an answer's frame and its catch-up are out, the box is as tall as its question
    needs (a steady view: as the tallest so far), the hint on its last line."""
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(QuestionView)
        steady = getattr(view, "steady", False)
        tallest = view._natural(view.content_size.width)
        heights = set()
        while app.consultation.current is not None:
            question = app.consultation.current
            await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
            await pilot.pause()
            current = app.consultation.current
            if current is None:
                break
            natural = view._natural(view.content_size.width)
            tallest = max(tallest, natural)
            needed = (tallest if steady else natural) + 2  # and the border
            assert view.region.height == needed, current.id
            heights.add(view.region.height)
            lines = box_lines(app)
            assert current.prompt.split()[0] in lines[1]  # the prompt first
            assert lines[-2].strip("│ ").startswith(HINTS), "\n".join(lines)  # hint last
        assert len(heights) > (1 if steady else 3)


async def test_an_answer_repaints_only_changed_lines_and_leaves_nothing_stale(tree: Tree):
    """The next question repaints the lines that changed; what shows is exactly what a
    full repaint of the box shows, question after question, in the real terminal size."""
    values = fixture_values(tree, "oss_several.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(QuestionView)
        partial = 0
        while app.consultation.current is not None:
            question = app.consultation.current
            repainted: list[tuple] = []
            real_refresh = view.refresh

            def spy(*regions, _seen=repainted, _real=real_refresh, **kwargs):  # type: ignore[no-untyped-def]
                _seen.append(regions)
                return _real(*regions, **kwargs)

            view.refresh = spy  # type: ignore[method-assign]
            await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
            await pilot.pause()
            view.refresh = real_refresh  # type: ignore[method-assign]
            if app.consultation.current is None:
                break
            partial += any(regions for regions in repainted)
            shown = screen_text(app)
            view.notify_style_update()  # forget every drawn line, ahead-drawn ones too
            view.refresh()  # everything again, from nothing
            await pilot.pause()
            assert screen_text(app) == shown, app.consultation.current.id
        assert partial >= 5  # most answers repainted some lines, not the box


async def test_a_view_on_its_own_shrinks_back_for_a_shorter_question(tree: Tree):
    tall, short = tree.questions["primary_histology"], tree.questions["fit_for_surgery"]
    app = Host(tall)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        assert not getattr(view, "steady", False)  # the edit and what-if screens' kind
        assert view.region.height == view._natural(80) == len(tall.choices) + 2
        view.show(short)
        await pilot.pause()
        assert view.region.height == view._natural(80) < len(tall.choices) + 2
        lines = screen_text(app).splitlines()
        assert lines[view.region.height - 1].startswith(HINTS)
        assert short.choices[0].label in screen_text(app)
        assert tall.choices[-1].label not in screen_text(app)


async def test_what_if_previews_as_the_highlight_moves(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        result = await what_if_on(pilot, values, "region")
        screen = app.screen
        assert isinstance(screen, WhatIfScreen)
        previews: list[Any] = []
        original = screen.preview

        def recording(value: Any) -> None:
            previews.append(value)
            original(value)

        screen.preview = recording  # type: ignore[method-assign]
        view = screen.query_one("#whatif-question", QuestionView)
        region = tree.questions["region"]
        assert app.focused is view
        assert view.highlighted == region.choice_ids.index("thoracolumbar")
        assert "(current)" in screen_text(app)
        previews.clear()
        await pilot.press("up")
        await pilot.pause()
        above = region.choice_ids[view.highlighted]
        assert previews == [above]
        assert f"region: thoracolumbar -> {above}" in str(
            screen.query_one("#whatif-diff").render())
        await pilot.press("home", "down")
        await pilot.pause()
        assert previews == [above, region.choice_ids[0], region.choice_ids[1]]
        assert app.consultation.answers["region"] == "thoracolumbar"  # only previews
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is result


async def test_what_if_integer_field_previews_valid_values_only(tree: Tree):
    app = Host(tree.questions["age_years"], propose=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "5", "0")
        await pilot.pause()
        assert app.told == [("proposed", 1), ("proposed", 15)]  # 150 is out of range


async def test_the_view_has_the_focus_when_the_consultation_starts(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, ConsultScreen)
        assert isinstance(app.focused, QuestionView)
        await pilot.press("1")  # a digit at once answers
        await pilot.pause()
        assert app.consultation.known["fit_for_surgery"] == "yes"


async def test_a_proposing_checklist_previews_every_tick_and_the_empty_one(tree: Tree):
    """The what-if screen previews each change; unticking the last choice is previewed
    too (it then says why nothing ticked is no answer), so no stale preview stays."""
    app = Host(tree.questions["surgical_indications"], propose=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "2", "2", "1")
        await pilot.pause()
        assert app.told == [
            ("proposed", ["cord_compression"]),
            ("proposed", ["cord_compression", "instability"]),
            ("proposed", ["cord_compression"]),
            ("proposed", []),
        ]


async def test_the_questions_are_drawn_ahead_and_drawn_the_same(tree: Tree):
    """After the first frame the consultation draws every question ahead, one per turn of
    the message loop; a question shown from that drawing looks exactly as one drawn on
    the spot."""
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(QuestionView)
        await pilot.pause()
        drawn = {key[0] for key in view._drawn}
        assert drawn == set(tree.questions)
        fresh = make_app(tree)
        fresh_screen = None
        async with fresh.run_test(size=(80, 24)) as fresh_pilot:
            fresh_view = fresh.screen.query_one(QuestionView)
            for _ in range(6):
                question = app.consultation.current
                keys = keys_for(question, values.get(question.id, SKIPPED))
                await pilot.press(*keys)
                await pilot.pause()
                await fresh_pilot.press(*keys)
                await fresh_pilot.pause()
                fresh_view.notify_style_update()  # drawn on the spot, nothing ahead
                fresh_view.refresh()
                await fresh_pilot.pause()
                fresh_screen = screen_text(fresh)
                assert screen_text(app) == fresh_screen, app.consultation.current.id
        assert fresh_screen


async def test_the_choice_under_the_mouse_is_shown_as_such(tree: Tree):
    question = tree.questions["neurological_deficit"]
    app = Host(question)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.view
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if question.choices[1].label in line)
        hover = view.get_visual_style("question-view--hover").rich_style.bgcolor
        await pilot.hover(QuestionView, offset=(4, y))
        await pilot.pause()
        assert view._hover == 1
        assert any(seg.style and seg.style.bgcolor == hover for seg in view._content_line(y))
        await pilot.hover(QuestionView, offset=(4, 0))  # the prompt: no choice
        await pilot.pause()
        assert view._hover is None
        assert not any(seg.style and seg.style.bgcolor == hover
                       for seg in view._content_line(y))
        assert app.told == []  # hovering answers nothing
