"""Every answer by section before the recommendation; any can be changed from here.

The highlight starts on the recommendation line, so Enter goes on; the first section's
heading is in view when the review opens.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from assistant.core.errors import terminal_safe
from assistant.core.machine import SKIPPED, Consultation
from assistant.tui.protocol import host
from assistant.tui.screens.edit import EditAnswerScreen
from assistant.tui.widgets.footer import KeyFooter
from assistant.tui.widgets.scores import completed_scores
from assistant.tui.widgets.side_panel import hanging

RESULT_ID = "__result__"


def answer_prompt(prompt: str, answer: Text) -> RenderableType:
    """Wrapped lines keep their indent."""
    arrow = Text("➜", style="dim")
    return Padding(Group(Text(terminal_safe(prompt)), hanging([(arrow, answer)])), (0, 0, 0, 2))


def answer_text(consultation: Consultation, qid: str) -> Text:
    value = consultation.known.get(qid)
    if value is SKIPPED:
        return Text("skipped", style="italic dim")
    label = consultation.tree.questions[qid].label_of(value)
    return Text(terminal_safe(label), style="bold")


def review_options(consultation: Consultation) -> list[Option]:
    """A score goes under the section of the question that completed it."""
    tree = consultation.tree
    by_section: dict[str, list[Option]] = {}
    for qid in consultation.walk.path:
        question = tree.questions[qid]
        by_section.setdefault(question.section, []).append(
            Option(answer_prompt(question.prompt, answer_text(consultation, qid)), id=qid))
    for qid, score, result in completed_scores(consultation):
        line = Text.assemble((f"  {terminal_safe(score.title)}: ", "bold"),
                             (f"{result.total} of {score.maximum}", "bold"),
                             f", {terminal_safe(result.label)}")
        by_section[tree.questions[qid].section].append(
            Option(line, disabled=True, id=f"score:{score.id}"))
    options = [Option(Text("➜ See the recommendation", style="bold"), id=RESULT_ID)]
    for sid, lines in by_section.items():
        options.append(Option(Text(terminal_safe(tree.sections[sid].title),
                                   style="bold underline"), disabled=True))
        options += lines
    return options


class ReviewScreen(Screen[None]):
    """Enter on an answer changes it; Enter on the first line shows the recommendation."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the last question", id="back"),
        Binding("g", "result", "Recommendation", tooltip="Show the recommendation",
                id="result"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._leaving = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Review the answers: Enter changes one; the first line shows the "
                     "recommendation.", id="review-intro")
        yield OptionList(id="review-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.fill()

    def on_screen_resume(self) -> None:
        self.fill()

    def fill(self) -> None:
        consultation = host(self).consultation
        if self._leaving:
            return
        if not consultation.complete:  # a change opened a new question: answer it there
            self._leaving = True
            self.dismiss()
            return
        review = self.query_one(OptionList)
        keep = review.highlighted_option.id if review.highlighted_option else RESULT_ID
        review.clear_options()
        review.add_options(review_options(consultation))
        try:
            review.highlighted = review.get_option_index(keep or RESULT_ID)
        except OptionDoesNotExist:  # the answer kept is no longer on the path
            review.highlighted = 0
        if review.highlighted == 0:
            review.scroll_home(animate=False)
        review.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id == RESULT_ID:
            self.action_result()
        elif event.option_id:
            self.change(event.option_id)

    def change(self, qid: str) -> None:
        app = host(self)

        def changed(value: Any) -> None:
            if value is None:
                return
            app.give_answer(qid, value)
            app.refresh_consultation()
            self.fill()

        self.app.push_screen(EditAnswerScreen(qid), changed)

    def action_back(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        host(self).go_back()
        self.dismiss()

    def action_result(self) -> None:
        app = host(self)
        app.save(finished=True)
        app.show_result()
