"""One round, case by case: the story on the left, questions and feedback on the right."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from assistant.core.errors import InputError
from assistant.core.model import Question
from assistant.core.training import Round
from assistant.tui.learn.widgets import answer_card, prediction_question, reveal_card
from assistant.tui.widgets.asking import AnswerTarget
from assistant.tui.widgets.question_box import QuestionBox


class RoundScreen(AnswerTarget, Screen[None]):
    """Answer each question from the story, predict, then see why, factor by factor."""

    CSS_PATH = "round.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_case", "Next case", tooltip="On to the next vignette",
                id="train.next"),
        Binding("m", "decision_map", "Decision map", tooltip="The whole logic as one table",
                id="train.map"),
        Binding("o", "outline", "Outline", tooltip="The tree, this case's path marked",
                id="train.outline"),
    ]

    def __init__(self, round_: Round) -> None:
        super().__init__()
        self.round = round_

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with VerticalScroll(id="story-pane"):
                yield Static(id="story-title")
                yield Static(id="story")
            with Vertical(id="work"):
                yield VerticalScroll(id="log")
                yield QuestionBox(id="ask")
                yield Label(id="next-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Training round"
        self.query_one("#story-pane").border_title = "The case"
        self.query_one("#log").border_title = "Feedback"
        self.show_case()

    # -- showing -----------------------------------------------------------------------
    def _status(self) -> None:
        points, most = self.round.score()
        number = min(self.round.index + 1, len(self.round.cases))
        self.sub_title = f"case {number}/{len(self.round.cases)} · score {points}/{most}"

    def show_case(self) -> None:
        case = self.round.case
        self.query_one("#story-title", Static).update(Text(case.title, style="bold"))
        self.query_one("#story", Static).update(Text(case.story))
        self.query_one("#log", VerticalScroll).remove_children()
        self.show_step()

    def show_step(self) -> None:
        """An answer, the prediction, or go on, as the round's phase needs."""
        self._status()
        box = self.query_one("#ask", QuestionBox)
        hint = self.query_one("#next-hint", Label)
        phase = self.round.phase
        box.display = phase in ("answer", "predict")
        hint.display = phase == "reveal"
        if phase == "answer":
            question = self.round.question
            assert question is not None
            box.show(question, title=self.round.tree.sections[question.section].title,
                     allow_skip=False, progress=f"question {self.round.step + 1} of "
                                                f"{len(self.round.case.questions)}")
        elif phase == "predict":
            box.show(prediction_question(self.round.outcome_choices), title="Prediction",
                     allow_skip=False)
        elif phase == "reveal":
            last = self.round.index + 1 >= len(self.round.cases)
            hint.update("Press n for the round summary" if last
                        else "Press n for the next case")
        self.refresh_bindings()

    def _log(self, widget: Static) -> None:
        log = self.query_one("#log", VerticalScroll)
        log.mount(widget)
        log.scroll_end(animate=False)

    # -- events ------------------------------------------------------------------------
    def answer_given(self, question: Question, value: Any) -> None:
        phase = self.round.phase
        try:
            if phase == "answer":
                self._log(answer_card(self.round.answer(value)))
            elif phase == "predict":
                self._log(reveal_card(self.round.predict(str(value))))
            else:
                return
        except InputError as exc:
            self.query_one("#ask", QuestionBox).set_error(exc.message)
            return
        self.show_step()

    # -- actions -----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_case":
            return self.round.phase == "reveal"
        return True

    def action_next_case(self) -> None:
        if self.round.next_case():
            self.show_case()
        else:
            from assistant.tui.learn.summary import SummaryScreen

            self.app.switch_screen(SummaryScreen(self.round))

    def action_decision_map(self) -> None:
        from assistant.tui.learn.decision_map import DecisionMapScreen

        self.app.push_screen(DecisionMapScreen(self.round.tree))

    def action_outline(self) -> None:
        from assistant.tui.learn.outline import TreeOutlineScreen

        case = self.round.case
        path = list(case.questions[: self.round.step + 1])
        self.app.push_screen(TreeOutlineScreen(self.round.tree, path))
