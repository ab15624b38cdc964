"""The conversation: transcript above, the current question below, the side panel beside.

Each answer is saved (by the app) before anything is repainted; the transcript grows by
one exchange; the side panel re-renders from the consultation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header

from assistant.core.errors import AnswerError
from assistant.core.machine import SKIPPED
from assistant.core.model import Question, Tree
from assistant.tui import startup
from assistant.tui.widgets.footer import KeyFooter
from assistant.tui.widgets.messages import Answered, Skipped
from assistant.tui.widgets.question_view import QuestionView
from assistant.tui.widgets.transcript import EditRequested, Entry, Transcript

if TYPE_CHECKING:
    from assistant.tui.app import SpineAssistApp
    from assistant.tui.widgets.side_panel import SidePanel

WIDE = 100  # the side panel shows from this width on


def intro_text(tree: Tree) -> Text:
    text = Text()
    text.append(tree.title, style="bold")
    text.append("\nOne question at a time; ? explains why a question matters; Esc goes "
                "back; e changes an earlier answer. Every answer is saved as you go.\n",
                style="dim")
    text.append("Decision support only: the treating surgeon decides.", style="dim italic")
    return text


class ConsultScreen(Screen[None]):
    """One question at a time, the conversation so far above it."""

    CSS_PATH = "consult.tcss"
    # The question, never the transcript, has the keys when the screen shows.
    AUTO_FOCUS = "#question"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back one question", id="back"),
        Binding("question_mark,f1", "why", "Why?", key_display="?",
                tooltip="Why this question matters: rationale, source, passage", id="why"),
        Binding("e", "edit", "Edit answer", tooltip="Change an earlier answer", id="edit"),
        Binding("r", "review", "Review", tooltip="Review every answer", id="review"),
        Binding("ctrl+b", "toggle_panel", "Panel", tooltip="Show or hide the side panel",
                id="panel"),
    ]

    app: SpineAssistApp

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[str, Any] | None = None
        self._panel: SidePanel | None = None
        self._panel_wanted: bool | None = None  # None: by width
        self._binding_state: tuple[object, ...] | None = None
        self._intro_tree: Tree | None = None
        self._catching_up = False  # the transcript and panel are a frame behind
        self.transcript = Transcript(id="transcript")
        self.question_view = QuestionView(id="question", steady=True)

    def compose(self) -> ComposeResult:
        # The transcript and the first question are filled before the first frame, so the
        # question is on screen as soon as the app is.
        self._sync_transcript()
        self._show_current()
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="conversation"):
                yield self.transcript
                yield self.question_view
            if self.app.size.width >= WIDE:  # built only where it shows
                yield self._build_panel()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(startup.resume)  # the first frame is out
        self.call_after_refresh(self._prefetch, iter(self.app.decision_tree.questions.values()))

    def _prefetch(self, questions: Iterator[Question]) -> None:
        """Draw the tree's questions ahead, one per turn of the message loop, so a key
        pressed meanwhile waits for one question's drawing at most."""
        question = next(questions, None)
        if question is not None and self.is_attached:
            self.question_view.prefetch(question)
            self.call_later(self._prefetch, questions)

    # -- showing ---------------------------------------------------------------------
    def refresh_view(self, *, question_first: bool = False) -> None:
        """Bring transcript, question and panel in line with the consultation.

        `question_first` (after an answer): the next question now, so the frame that
        shows it is small: the question box keeps its height unless the question needs
        more, so only the box repaints. The transcript (which scrolls every line), the
        footer's greyed keys and the panel follow in the next frame. The keys themselves
        work at once: they are the question view's, whatever the footer shows.
        """
        if question_first and self.is_current:
            self._show_current()
            self._catching_up = True
            # Once the question's frame is out. Asked of the view, not the screen: its
            # repaint reaches the screen first, so the screen paints before it calls back.
            self.question_view.call_after_refresh(self._catch_up)
            return
        self._catching_up = False
        self._sync_transcript()
        self._show_current()
        self._update_panel()
        self._refresh_bindings()

    def _catch_up(self) -> None:
        """The transcript and panel, one frame after the question they led to (the
        question itself is already shown: refreshing it again costs nothing)."""
        if self._catching_up:
            self.refresh_view()

    def _sync_transcript(self) -> None:
        consultation = self.app.consultation
        tree = consultation.tree
        if self._intro_tree is not tree:  # first show, or after switching trees
            self._intro_tree = tree
            self.transcript.entries = []
            self.transcript.intro = intro_text(tree)
        entries = []
        for qid in consultation.walk.path:
            question = tree.questions[qid]
            value = consultation.known.get(qid)
            skipped = value is SKIPPED
            entries.append(Entry(qid, tree.sections[question.section].title, question.prompt,
                                 "skipped" if skipped else question.label_of(value), skipped))
        self.transcript.sync(entries)

    def _refresh_bindings(self) -> None:
        """Tell the footer only when something that `check_action` reads has changed."""
        consultation = self.app.consultation
        view = self.question_view
        state = (consultation.can_go_back, bool(consultation.walk.path),
                 consultation.current is not None, consultation.complete,
                 view.kind, view.allow_skip)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _show_current(self) -> None:
        consultation = self.app.consultation
        view = self.question_view
        question = consultation.current
        if question is None:
            view.display = False
            self._shown = None
            if self.is_current:
                self.call_after_refresh(self.action_review)
            return
        view.display = True
        default = consultation.default_for(question)
        key = (question.id, repr(default))
        if self._shown == key:
            return
        self._shown = key
        suggested, reason = consultation.suggestion(question)
        previous = consultation.known.get(question.id, consultation.remembered.get(question.id))
        reason = reason if suggested is not None and default == suggested and \
            previous is None else ""
        done, total = self._progress()
        view.show(question, default, reason=reason,
                  title=self.app.decision_tree.sections[question.section].title,
                  progress=f"question {done + 1} of ~{total}")

    def _progress(self) -> tuple[int, int]:
        consultation = self.app.consultation
        done = len(consultation.walk.values)
        return done, max(consultation.expected_total(), done + 1)

    def _panel_visible(self) -> bool:
        if self._panel_wanted is not None:
            return self._panel_wanted
        return self.size.width >= WIDE

    def _build_panel(self) -> SidePanel:
        from assistant.tui.widgets.side_panel import SidePanel

        self._panel = SidePanel(id="panel")
        self._panel.refresh_from(self.app.consultation)
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
                self._panel.refresh_from(self.app.consultation)

    def on_resize(self, event: events.Resize) -> None:
        self._update_panel()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def release(self) -> None:
        """Give back what the review and result screens above do not show: the
        transcript's exchanges and rendered lines, the question's lines, every widget's
        cached lines. `on_screen_resume` rebuilds them from the consultation.

        Why: the result screen renders the note (Jinja2 compiling the template, the note's
        lines) while this screen is still on the stack. Python keeps freed memory for
        reuse, so what is released here first is what the note is built in; the process's
        peak (VmHWM, benchmark figure 6) is about 1 MiB lower with this and the review
        screen's own release (ReviewScreen.action_result).
        """
        self._catching_up = False  # nothing to catch up under another screen
        self.transcript.release()
        self.question_view.release()
        self._shown = None
        self._binding_state = None
        for widget in self.walk_children():
            widget.refresh()  # drops its rendered lines; repainted when shown again

    # -- answers ------------------------------------------------------------------------
    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        self._apply(event.question.id, event.value)

    @on(Skipped)
    def _skipped(self, event: Skipped) -> None:
        event.stop()
        self._apply(event.question.id, SKIPPED)

    def _apply(self, question_id: str, value: Any) -> None:
        try:
            self.app.give_answer(question_id, value)
        except AnswerError as exc:
            self.question_view.set_error(str(exc))
            return
        self.refresh_view(question_first=True)

    @on(EditRequested)
    def _edit_requested(self, event: EditRequested) -> None:
        event.stop()
        self.edit(event.qid)

    def edit(self, qid: str) -> None:
        """Change an earlier answer in a dialog, the answer given preselected."""
        from assistant.tui.screens.edit import EditAnswerScreen

        consultation = self.app.consultation
        question = consultation.tree.questions[qid]
        given = consultation.known.get(qid)

        def changed(value: Any) -> None:
            if value is None:
                return
            self._apply(qid, value)
            self.question_view.focus()

        self.app.push_screen(EditAnswerScreen(question, given), changed)

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        consultation = self.app.consultation
        # True: enabled; None: shown greyed out; False: hidden.
        if action == "back":
            return True if consultation.can_go_back else None
        if action == "edit":
            return True if consultation.walk.path else None
        if action == "why":
            return consultation.current is not None
        if action == "review":
            return consultation.complete
        return True

    def action_back(self) -> None:
        if not self.app.consultation.can_go_back:
            return
        self.app.go_back()
        self.refresh_view()
        self.question_view.focus()

    def action_why(self) -> None:
        from assistant.tui.screens.why import WhyScreen

        question = self.app.consultation.current
        if question is not None:
            self.app.push_screen(WhyScreen(question, self.app.decision_tree))

    def action_edit(self) -> None:
        self.transcript.focus_last()

    def action_review(self) -> None:
        if not self.app.consultation.complete:
            return
        from assistant.tui.screens.review import ReviewScreen

        if not isinstance(self.app.screen, ReviewScreen):
            self.app.push_screen(ReviewScreen())

    def action_toggle_panel(self) -> None:
        self._panel_wanted = not self._panel_visible()
        self._update_panel()
