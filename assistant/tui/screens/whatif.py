"""What if: pick an answer, look through other values, see the recommendation change.

The diff comes from assistant.core.whatif (pure). Looking only previews: nothing changes
until Enter applies, and Esc leaves everything as it was.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.errors import AnswerError, terminal_safe
from assistant.core.machine import SKIPPED
from assistant.core.model import Question, Tree
from assistant.core.whatif import WhatIf, factor_title, what_if
from assistant.tui.protocol import host
from assistant.tui.screens.review import answer_text
from assistant.tui.widgets.asking import AnswerTarget
from assistant.tui.widgets.footer import KeyFooter
from assistant.tui.widgets.question_box import QuestionBox
from assistant.tui.widgets.side_panel import FAVOR_TITLES


def change_sentence(tree: Tree, change: WhatIf) -> str:
    """The change and the recommendation's fate, in the question's words."""
    question = change.question

    def label(value: Any) -> str:
        return "not answered" if value is None or value is SKIPPED else \
            question.label_of(value)

    said = f"“{question.prompt}” {label(change.old)} → {label(change.new)}"
    if change.unchanged:
        return f"{said}: that is the answer given; nothing changes."
    if change.after is None:
        needs = change.needs.prompt if change.needs else "another question"
        return f"{said} leads to a question not answered yet: {needs}"
    before = tree.outcome(change.before.recommendation).title
    after = tree.outcome(change.after.recommendation).title
    verdict = f"turns {before} into {after}" if after != before else f"keeps {after}"
    if change.after.provisional != change.before.provisional:
        verdict += " (now provisional)" if change.after.provisional else \
            " (no longer provisional)"
    return f"{said} {verdict}."


def diff_text(tree: Tree, change: WhatIf) -> Text:
    text = Text()
    if change.after is None:
        text.append(change_sentence(tree, change), style="italic")
        return text
    before = tree.outcome(change.before.recommendation).title
    after = tree.outcome(change.after.recommendation).title
    text.append("Recommendation: ", style="bold")
    text.append(before)
    if after != before:
        text.append(" ➜ ", style="bold")
        text.append(after, style="bold reverse")
    else:
        text.append(" (unchanged)", style="dim")
    text.append(f"\n{change_sentence(tree, change)}\n")
    for label, moved in (("Adding", change.added), ("Removing", change.removed)):
        if moved:
            text.append(f"{label}: ", style="bold")
            text.append("; ".join(factor_title(f) for f in moved) + "\n")
    for favors, title in FAVOR_TITLES:
        factors = change.after.favoring(favors)
        if factors:
            added = {f.id for f in change.added}
            text.append(f"{title}: ", style="underline")
            text.append("; ".join(factor_title(f) + (" (new)" if f.id in added else "")
                                  for f in factors))
            text.append("\n")
    return text


class WhatIfScreen(AnswerTarget, Screen[str | None]):
    """Dismisses with the sentence of the applied change, or None."""

    CSS_PATH = "whatif.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", tooltip="Change the answer to the one shown",
                priority=True, id="whatif-apply"),
        Binding("escape", "leave", "Back", tooltip="Back without changing anything",
                id="whatif-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.qid: str | None = None  # the answer being looked at (None: choosing one)
        self.change: WhatIf | None = None
        self.answers = OptionList(id="whatif-answers")
        self.question_box = QuestionBox(id="whatif-question", preview=True)
        self.diff = Static(id="whatif-diff")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("What if: choose an answer, then look through other values; the "
                     "result updates at once. Enter applies, Esc goes back.",
                     id="whatif-intro")
        yield self.answers
        yield self.question_box
        yield self.diff
        yield KeyFooter()

    def on_mount(self) -> None:
        consultation = host(self).consultation
        tree = consultation.tree
        for qid in consultation.walk.path:
            line = Text.assemble(terminal_safe(tree.questions[qid].prompt), ("  ➜ ", "dim"),
                                 answer_text(consultation, qid))  # as the review shows it
            self.answers.add_option(Option(line, id=qid))
        self._show(choosing=True)

    def _show(self, *, choosing: bool) -> None:
        self.answers.display = choosing
        self.question_box.display = self.diff.display = not choosing
        if choosing:
            self.answers.focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#whatif-answers")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            self.choose(event.option_id)

    def choose(self, qid: str) -> None:
        consultation = host(self).consultation
        question = consultation.tree.questions[qid]
        given = consultation.known.get(qid)
        given = None if given is SKIPPED else given
        self.qid = qid
        self.change = None
        self._show(choosing=False)
        self.question_box.show(question, given, title="What if",
                               subtitle="Enter applies · Esc back", allow_skip=False,
                               current=given)
        if given is not None:
            self.answer_proposed(question, given)
        else:
            self.diff.update("")

    def answer_proposed(self, question: Question, value: Any) -> None:
        """Not applied: the diff shows what it would change."""
        app = host(self)
        try:
            self.change = what_if(app.decision_tree, app.consultation.known, question.id,
                                  value)
        except AnswerError:
            self.change = None
            self.diff.update(Text("Not an answer this question accepts."))
            return
        self.diff.update(diff_text(app.decision_tree, self.change))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.qid is not None  # choosing which answer: Enter opens it
        return True

    def action_apply(self) -> None:
        """The box checks what it shows and calls answer_given, or says why not."""
        self.question_box.confirm()

    def answer_given(self, question: Question, value: Any) -> None:
        if not self.is_current:
            return  # a second Enter before the screen is gone changes nothing more
        self.answer_proposed(question, value)
        change = self.change
        if change is None or change.unchanged:
            self.dismiss(None)
            return
        host(self).give_answer(question.id, value)
        self.dismiss(change_sentence(host(self).decision_tree, change))

    def action_leave(self) -> None:
        if self.qid is None:
            self.dismiss(None)
            return
        self.qid = None
        self.change = None
        self._show(choosing=True)
