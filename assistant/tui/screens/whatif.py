"""What if: pick an answer, move through other values, see the recommendation change.

The diff comes from assistant.core.whatif (pure); this screen only shows it. Enter applies
the change to the consultation (saved like any answer); Esc leaves everything as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.errors import AnswerError
from assistant.core.machine import SKIPPED
from assistant.core.whatif import WhatIf, factor_title, what_if
from assistant.tui.widgets.footer import KeyFooter
from assistant.tui.widgets.messages import Answered, Proposed
from assistant.tui.widgets.question_view import QuestionView
from assistant.tui.widgets.side_panel import FAVOR_TITLES

if TYPE_CHECKING:
    from assistant.tui.app import SpineAssistApp


def diff_text(change: WhatIf) -> Text:
    text = Text()
    before = change.before.recommendation
    if change.after is None:
        text.append(change.summary(), style="italic")
        return text
    after = change.after.recommendation
    text.append("Recommendation: ", style="bold")
    text.append(before)
    if after != before:
        text.append(" ➜ ", style="bold")
        text.append(after, style="bold reverse")
    else:
        text.append(" (unchanged)", style="dim")
    text.append("\n")
    text.append(change.summary())
    text.append("\n")
    for favors, title in FAVOR_TITLES:
        factors = change.after.favoring(favors)
        if factors:
            added = {f.id for f in change.added}
            text.append(f"{title}: ", style="underline")
            text.append("; ".join(factor_title(f) + (" (new)" if f.id in added else "")
                                  for f in factors))
            text.append("\n")
    return text


class WhatIfScreen(Screen[str | None]):
    """Dismisses with the summary of the applied change, or None."""

    CSS_PATH = "whatif.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", tooltip="Back without changing anything",
                id="whatif-back"),
    ]

    app: SpineAssistApp

    def __init__(self) -> None:
        super().__init__()
        self.qid: str | None = None
        self.change: WhatIf | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("What if: choose an answer, then move through other values; the "
                     "result updates at once. Enter applies, Esc goes back.",
                     id="whatif-intro")
        yield OptionList(id="whatif-answers")
        yield QuestionView(id="whatif-question", propose=True)
        yield Static(id="whatif-diff")
        yield KeyFooter()

    def on_mount(self) -> None:
        consultation = self.app.consultation
        tree = consultation.tree
        answers = self.query_one("#whatif-answers", OptionList)
        for qid in consultation.walk.path:
            question = tree.questions[qid]
            value = consultation.known.get(qid)
            line = Text(question.prompt)
            line.append("  ➜ ", style="dim")
            line.append("skipped" if value is SKIPPED else question.label_of(value),
                        style="bold")
            answers.add_option(Option(line, id=qid))
        self.query_one("#whatif-question").display = False
        self.query_one("#whatif-diff", Static).display = False
        answers.focus()

    @on(OptionList.OptionSelected, "#whatif-answers")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            self.choose(event.option_id)

    def choose(self, qid: str) -> None:
        consultation = self.app.consultation
        question = consultation.tree.questions[qid]
        given = consultation.known.get(qid)
        given = None if given is SKIPPED else given
        self.qid = qid
        self.query_one("#whatif-answers").display = False
        view = self.query_one("#whatif-question", QuestionView)
        view.display = True
        view.show(question, given, title="What if", subtitle="Enter applies · Esc back",
                  allow_skip=False, current=given)
        diff = self.query_one("#whatif-diff", Static)
        diff.display = True
        if given is not None:
            self.preview(given)
        else:
            diff.update("")

    def preview(self, value: Any) -> None:
        if self.qid is None:
            return
        try:
            self.change = what_if(self.app.decision_tree, self.app.consultation.known,
                                  self.qid, value)
        except AnswerError as exc:
            self.query_one("#whatif-diff", Static).update(Text(str(exc)))
            return
        self.query_one("#whatif-diff", Static).update(diff_text(self.change))

    @on(Proposed)
    def _proposed(self, event: Proposed) -> None:
        event.stop()
        self.preview(event.value)

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        self.preview(event.value)
        change = self.change
        if change is None or change.unchanged or self.qid is None:
            self.dismiss(None)
            return
        self.app.give_answer(self.qid, event.value)
        self.dismiss(change.summary())

    def action_leave(self) -> None:
        if self.qid is not None:
            self.qid = None
            self.change = None
            self.query_one("#whatif-question").display = False
            self.query_one("#whatif-diff").display = False
            answers = self.query_one("#whatif-answers", OptionList)
            answers.display = True
            answers.focus()
            return
        self.dismiss(None)
