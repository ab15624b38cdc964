"""The conversation: transcript above, the current question below, the side panel beside.

Each answer is saved (by the app) before anything is repainted. A fresh consultation first
asks for an optional case label, in the same box as the questions.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList

from assistant.core.errors import AnswerError
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Question, Tree
from assistant.tui import startup
from assistant.tui.protocol import host
from assistant.tui.widgets.asking import AnswerTarget
from assistant.tui.widgets.footer import KeyFooter
from assistant.tui.widgets.question_box import QuestionBox
from assistant.tui.widgets.scores import score_lines
from assistant.tui.widgets.side_panel import SidePanel
from assistant.tui.widgets.transcript import Entry, Transcript

WIDE = 100  # the side panel shows from this width on
LABEL_QUESTION = Question(
    "case_label", "", "A case label for the note and the list of saved sessions? "
    "(optional: free text such as “T11 renal, Tuesday clinic”; no names or record numbers)",
    "text", optional=True, pattern_hint="any short text")


def intro_text(tree: Tree) -> Text:
    text = Text()
    text.append(tree.title, style="bold")
    text.append("\nOne question at a time; F1 explains why a question matters; Esc goes "
                "back; e changes an earlier answer. Every answer is saved as you go.\n",
                style="dim")
    text.append("Decision support only: the treating surgeon decides.", style="dim italic")
    return text


def progress_of(consultation: Consultation) -> str:
    """`question 5 of ~16`: skipped ones count, so it never repeats or goes back after a
    skip; the total follows the path."""
    path = consultation.walk.path
    asked = len(path) + 1
    skipped = sum(1 for qid in path if consultation.known.get(qid) is SKIPPED)
    return f"question {asked} of ~{max(asked, consultation.expected_total() + skipped)}"


class ConsultScreen(AnswerTarget, Screen[None]):
    """One question at a time, the conversation so far above it."""

    CSS_PATH = "consult.tcss"
    AUTO_FOCUS = "#question"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back one question", id="back"),
        Binding("f1,question_mark", "why", "Why?", key_display="F1",
                tooltip="Why this question matters: rationale, source, passage", id="why"),
        Binding("e", "edit", "Edit answer", tooltip="Change an earlier answer", id="edit"),
        Binding("r", "review", "Review", tooltip="Review every answer", id="review"),
        Binding("ctrl+b", "toggle_panel", "Panel", tooltip="Show or hide the side panel",
                id="panel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[str, str] | None = None
        self._panel: SidePanel | None = None
        self._panel_wanted: bool | None = None  # None: by width
        self._intro_tree: Tree | None = None
        self._label_asked: str | None = None  # the session whose label was asked
        self.transcript = Transcript(id="transcript")
        self.question_box = QuestionBox(steady=True, id="question")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="conversation"):
                yield self.transcript
                yield self.question_box
            if self.app.size.width >= WIDE:  # built only where it shows
                yield self._build_panel()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        self.call_after_refresh(startup.resume)  # the first frame is out

    # -- showing -------------------------------------------------------------------------
    def refresh_view(self, *, question_first: bool = False) -> None:
        """`question_first` (after an answer): the next question in a frame of its own, the
        rest in the frame after. The box keeps its height and the footer its keys, so that
        frame lays out and paints the box alone (measured: 17 ms of CPU from key to question
        on screen, against 21-24 ms all in one frame).
        """
        self._show_current()
        if question_first and self.is_current:
            self.question_box.call_after_refresh(self._sync_rest)
        else:
            self._sync_rest()

    def _sync_rest(self) -> None:
        self._sync_transcript()
        self._update_panel()
        self.refresh_bindings()

    def _sync_transcript(self) -> None:
        consultation = host(self).consultation
        tree = consultation.tree
        if self._intro_tree is not tree:  # first show, or after switching trees
            self._intro_tree = tree
            self.transcript.begin(intro_text(tree))
        notes = score_lines(consultation)
        entries = []
        for qid in consultation.walk.path:
            question = tree.questions[qid]
            value = consultation.known.get(qid)
            skipped = value is SKIPPED
            entries.append(Entry(qid, tree.sections[question.section].title, question.prompt,
                                 "skipped" if skipped else question.label_of(value), skipped,
                                 notes.get(qid, "")))
        self.transcript.sync(entries)

    def _asking_label(self) -> bool:
        """A new consultation (never saved, nothing answered) asks for its label first."""
        app = host(self)
        return not app.consultation.known and not app.case_label and \
            app.session.file is None and self._label_asked != app.session.id

    def _show_current(self) -> None:
        consultation = host(self).consultation
        box = self.question_box
        if self._asking_label():
            if self._shown != ("case_label", ""):
                self._shown = ("case_label", "")
                box.display = True
                box.show(LABEL_QUESTION, title="Before the first question",
                         subtitle="Enter with nothing skips")
            return
        question = consultation.current
        if question is None:
            box.display = False
            self._shown = None
            if self.is_current:
                self.call_after_refresh(self.action_review)
            return
        box.display = True
        default = consultation.default_for(question)
        key = (question.id, repr(default))
        if self._shown == key:  # the same question: only the count may have changed
            box.set_progress(progress_of(consultation))
            return
        self._shown = key
        suggested, reason = consultation.suggestion(question)
        previous = consultation.known.get(question.id, consultation.remembered.get(question.id))
        reason = reason if suggested is not None and default == suggested and \
            previous is None else ""
        box.show(question, default, reason=reason,
                 title=consultation.tree.sections[question.section].title,
                 progress=progress_of(consultation))

    def _panel_visible(self) -> bool:
        return self.size.width >= WIDE if self._panel_wanted is None else self._panel_wanted

    def _build_panel(self) -> SidePanel:
        self._panel = SidePanel(id="panel")
        self._panel.refresh_from(host(self).consultation)
        return self._panel

    def _update_panel(self) -> None:
        if not self.is_mounted:
            return
        visible = self._panel_visible()
        if visible and self._panel is None:
            self.query_one("#body").mount(self._build_panel())
        if self._panel is not None:
            self._panel.display = visible
            if visible:
                self._panel.refresh_from(host(self).consultation)

    def on_resize(self, event: events.Resize) -> None:
        self._update_panel()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    # -- answers -------------------------------------------------------------------------
    def answer_given(self, question: Question, value: Any) -> None:
        if question is LABEL_QUESTION:
            self._label_done(str(value).strip())
        else:
            self._apply(question.id, value)

    def answer_skipped(self, question: Question) -> None:
        if question is LABEL_QUESTION:
            self._label_done("")
        else:
            self._apply(question.id, SKIPPED)

    def _label_done(self, label: str) -> None:
        app = host(self)
        self._label_asked = app.session.id
        if label:
            app.set_case_label(label)
        self.refresh_view()

    def _apply(self, question_id: str, value: Any) -> None:
        try:
            host(self).give_answer(question_id, value)
        except AnswerError:
            self.question_box.set_error("That answer was not accepted; please choose again.")
            return
        self.refresh_view(question_first=True)

    @on(OptionList.OptionSelected, "#transcript")
    def _edit_requested(self, event: OptionList.OptionSelected) -> None:
        """The intro cannot be selected."""
        event.stop()
        if event.option_id:
            self.edit(event.option_id)

    def edit(self, qid: str) -> None:
        """In a dialog, the answer given preselected."""
        from assistant.tui.screens.edit import EditAnswerScreen

        def changed(value: Any) -> None:
            if value is not None:
                self._apply(qid, value)
            self.question_box.focus_answer()

        self.app.push_screen(EditAnswerScreen(qid), changed)

    # -- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        consultation = host(self).consultation
        typing = isinstance(self.focused, Input)
        # True: enabled; None: greyed out; False: hidden. A letter key is typed into a
        # text field, so it is not offered there.
        if action == "back":
            return True if consultation.can_go_back else None
        if action == "edit":
            return False if typing else (True if consultation.walk.path else None)
        if action == "why":
            return consultation.current is not None and not self._asking_label()
        if action == "review":
            return consultation.complete and not typing
        return True

    def action_back(self) -> None:
        host(self).go_back()
        self.refresh_view()
        self.question_box.focus_answer()

    def action_why(self) -> None:
        from assistant.tui.screens.why import WhyScreen

        question = host(self).consultation.current
        if question is not None and not self._asking_label():
            self.app.push_screen(WhyScreen(question, host(self).decision_tree))

    def action_edit(self) -> None:
        self.transcript.focus_last()

    def action_review(self) -> None:
        if host(self).consultation.complete and self.is_current:
            host(self).show_review()

    def action_toggle_panel(self) -> None:
        self._panel_wanted = not self._panel_visible()
        self._update_panel()
