"""Every answer by section before the recommendation; any can be changed from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.machine import SKIPPED
from assistant.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from assistant.tui.app import SpineAssistApp

RESULT_ID = "__result__"


class ReviewScreen(Screen[None]):
    """Enter on an answer changes it; Enter on the last line shows the recommendation."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the last question", id="back"),
        Binding("enter", "select", "Change / continue", show=False),
        Binding("g", "result", "Recommendation", tooltip="Show the recommendation",
                id="result"),
    ]

    app: SpineAssistApp

    def __init__(self) -> None:
        super().__init__()
        self._leaving = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Review the answers: Enter changes one; the last line shows the "
                     "recommendation.", id="review-intro")
        yield OptionList(id="review-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app.release_conversation()
        self.fill()

    def on_screen_resume(self) -> None:
        self.fill()

    def fill(self) -> None:
        consultation = self.app.consultation
        if self._leaving:
            return
        if not consultation.complete:  # a change opened a new question: answer it there
            self._leaving = True
            self.dismiss()
            return
        tree = consultation.tree
        options: list[Option] = []
        by_section: dict[str, list[str]] = {}
        for qid in consultation.walk.path:
            by_section.setdefault(tree.questions[qid].section, []).append(qid)
        for sid, qids in by_section.items():
            options.append(Option(Text(tree.sections[sid].title, style="bold"),
                                  disabled=True))
            for qid in qids:
                question = tree.questions[qid]
                value = consultation.known.get(qid)
                line = Text("  ")
                line.append(question.prompt)
                line.append("\n    ➜ ", style="dim")
                if value is SKIPPED:
                    line.append("skipped", style="italic dim")
                else:
                    line.append(question.label_of(value), style="bold")
                options.append(Option(line, id=qid))
        options.append(Option(Text("➜ See the recommendation", style="bold"), id=RESULT_ID))
        review = self.query_one(OptionList)
        keep = review.highlighted_option.id if review.highlighted_option else RESULT_ID
        review.clear_options()
        review.add_options(options)
        try:
            review.highlighted = review.get_option_index(keep or RESULT_ID)
        except Exception:
            review.highlighted = len(options) - 1
        review.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id == RESULT_ID:
            self.action_result()
        elif event.option_id:
            self.change(event.option_id)

    def change(self, qid: str) -> None:
        from assistant.tui.screens.edit import EditAnswerScreen

        consultation = self.app.consultation
        question = consultation.tree.questions[qid]

        def changed(value: Any) -> None:
            if value is None:
                return
            self.app.give_answer(qid, value)
            self.app.refresh_consultation()
            self.fill()

        self.app.push_screen(EditAnswerScreen(question, consultation.known.get(qid)), changed)

    def action_select(self) -> None:
        self.query_one(OptionList).action_select()

    def action_back(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self.app.go_back()
        self.dismiss()

    def action_result(self) -> None:
        from assistant.tui.screens.result import ResultScreen

        self.app.save(finished=True)
        # Textual removes this screen only after the result screen has mounted and built
        # its note: emptied now, the list's options and rendered lines are garbage the
        # result screen collects and reuses first (about 0.3 MiB of peak memory).
        self.query_one(OptionList).clear_options()
        self.app.switch_screen(ResultScreen())
