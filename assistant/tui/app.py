"""The consultation app: the engine's Consultation, a session saved after every change.

Thin on purpose: screens show (they see the app as a `ConsultationHost`, protocol.py); this
holds the state and the actions bindings and palette share. Start-up builds only the
conversation screen; the others are imported on first use.

Saving is honest: when a save fails or another window has the session, the header turns red
until a save works again, Ctrl+S writes the answers elsewhere, and quitting asks first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from assistant.core import session as sessions
from assistant.core.errors import SpineAssistError, terminal_safe
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Tree
from assistant.tui.commands import COMMANDS
from assistant.tui.keyorder import OrderedKeysApp
from assistant.tui.saving import crash_message, save_failure

if TYPE_CHECKING:
    from assistant.tui.protocol import ConsultationHost

TITLE = "spine-assist"
READ_ONLY = ("this consultation is open in another spine-assist window; changes here are "
             "not saved (Ctrl+S keeps them as a copy)")


class SpineAssistApp(OrderedKeysApp[int]):
    """spine-assist: one question at a time, the reasoning one key away, nothing lost."""

    TITLE = TITLE
    # Textual does not load the base screen's CSS by itself: read with the app's.
    CSS_PATH: ClassVar = ["app.tcss", "screens/consult.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit spine-assist", id="quit"),
        Binding("ctrl+s", "keep_answers", "Keep answers",
                tooltip="The answers are not being saved: write them to a file you choose",
                id="keep-answers"),
    ]

    def __init__(self, tree: Tree, *, consultation: Consultation | None = None,
                 session: sessions.Session | None = None,
                 offer: sessions.Session | None = None,
                 notices: Iterable[str] = (), read_only: bool = False) -> None:
        super().__init__()
        self.decision_tree = tree
        self.consultation = consultation or Consultation(tree)
        self.session = session or sessions.new_session(tree)
        self.offer = offer
        self.notices = list(notices)
        self.save_problem: str | None = None  # why the answers are not being saved
        self._unsaved_changes = False  # a change made while saving did not work
        self._claim: sessions.SessionLock | None = None
        self.read_only = read_only
        self.sub_title = tree.title
        self._show_title()

    # -- the interface the screens use (protocol.ConsultationHost) ---------------------
    @property
    def case_label(self) -> str:
        return self.session.meta.get("case_label", "")

    def set_case_label(self, label: str) -> None:
        self.session.meta["case_label"] = " ".join(label.split())
        self._show_title()
        self.save()

    def _show_title(self) -> None:
        label = self.case_label
        self.title = f"{TITLE}: {terminal_safe(label)}" if label else TITLE

    # -- start-up ------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """The first frame shows the first question."""
        from assistant.tui.screens.consult import ConsultScreen

        return ConsultScreen()

    def on_mount(self) -> None:
        for notice in self.notices:
            self.notify(terminal_safe(notice), title="Session", severity="warning",
                        timeout=10, markup=False)
        if self.read_only:
            self._not_saving(READ_ONLY)
        elif self.session.file is not None:
            self._claim_current()
        if self.offer is not None:
            from assistant.tui.screens.resume import ResumeScreen

            offer = self.offer
            self.push_screen(ResumeScreen(offer, self.decision_tree,
                                          busy=sessions.in_use(offer.path)),
                             lambda choice: self.take_offer(offer, choice))

    def take_offer(self, saved: sessions.Session, choice: str | None) -> None:
        """Anything but "resume", "copy", "read" starts afresh (the saved session stays)."""
        if choice not in ("resume", "copy", "read"):
            return
        self.consultation, warnings = sessions.restore(self.decision_tree, saved)
        self.session = sessions.copy_session(saved) if choice == "copy" else saved
        for warning in warnings:
            self.notify(terminal_safe(warning), title="Resumed with changes",
                        severity="warning", timeout=10, markup=False)
        self._show_title()
        if choice == "read":
            self.read_only = True
            self._not_saving(READ_ONLY)
        elif choice == "resume" and not self._claim_current():
            self.read_only = True
            self._not_saving("this consultation was opened in another spine-assist window "
                             "meanwhile; changes here are not saved (Ctrl+S keeps a copy)")
        elif choice == "copy":
            self.save()
        self.refresh_consultation()

    def _claim_current(self) -> bool:
        """False when another app owns the session's file."""
        claim = sessions.claim(self.session.path)
        if claim is None:
            return False
        self._release_claim()
        self._claim = claim
        return True

    def _release_claim(self) -> None:
        if self._claim is not None:
            self._claim.release()
            self._claim = None

    # -- state changes (every one is saved before the screen updates) ------------------
    @property
    def _anything_to_keep(self) -> bool:
        return bool(self.consultation.known or self.session.file or self.session.meta)

    def save(self, *, finished: bool = False) -> bool:
        """A failure is shown, never raised (the answers stay here); True when on disk, or
        when there is nothing to keep yet."""
        if not self._anything_to_keep:
            return True
        sessions.record(self.session, self.consultation, finished=finished)
        if self.read_only:
            self._unsaved_changes = True
            return False
        try:
            sessions.save_session(self.session)
        except (OSError, SpineAssistError) as exc:
            self._unsaved_changes = True
            self._not_saving(save_failure(exc))
            return False
        self._unsaved_changes = False
        if self._claim is None:
            self._claim_current()
        if self.save_problem is not None:
            self._show_save_problem(None)
            self.notify("The answers are saved again.", title="Saved")
        return True

    def _show_save_problem(self, reason: str | None) -> None:
        """The header says, in red and why, when the answers are not being saved."""
        self.save_problem = reason
        self.sub_title = self.decision_tree.title if reason is None else f"NOT SAVED: {reason}"
        self.set_class(reason is not None, "-unsaved")
        self.refresh_bindings()

    def _not_saving(self, reason: str) -> None:
        first = self.save_problem is None
        self._show_save_problem(reason)
        if first:
            keep = "Ctrl+S continues a copy" if self.read_only else \
                "Ctrl+S writes them to a file you choose"
            self.notify(f"Your answers are not being saved: {reason}. They stay in this "
                        f"window; {keep}.", title="Not saved", severity="error", timeout=15,
                        markup=False)

    def give_answer(self, question_id: str, value: Any) -> None:
        """SKIPPED skips an optional question."""
        if value is SKIPPED:
            if question_id == getattr(self.consultation.current, "id", None):
                self.consultation.skip()
            else:  # un-answer an optional question on the path
                remembered = self.consultation.remembered
                self.consultation = Consultation(
                    self.decision_tree, {**self.consultation.known, question_id: SKIPPED})
                self.consultation.remembered.update(remembered)
        else:
            self.consultation.answer(value, question_id)
        self.save()

    def go_back(self) -> None:
        self.consultation.back()
        self.save()

    def refresh_consultation(self) -> None:
        from assistant.tui.screens.consult import ConsultScreen

        for screen in self.screen_stack:
            if isinstance(screen, ConsultScreen):
                screen.refresh_view()

    def new_consultation(self, tree: Tree | None = None) -> bool:
        """The finished session stays on disk: True when it is there (False: nothing to
        keep, or a failed save, which the header says)."""
        kept = self._anything_to_keep and self.save(finished=self.consultation.complete)
        if tree is not None:
            self.decision_tree = tree
        self.consultation = Consultation(self.decision_tree)
        self.session = sessions.new_session(self.decision_tree)
        self._release_claim()
        self.read_only = False
        self._unsaved_changes = False
        self._show_save_problem(None)
        self._show_title()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.refresh_consultation()
        return kept

    # -- navigation (screens ask for it: no screen imports another's module) -----------
    def show_review(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        if self.consultation.complete and not isinstance(self.screen, ReviewScreen):
            self.push_screen(ReviewScreen())

    def show_result(self) -> None:
        from assistant.tui.screens.result import ResultScreen
        from assistant.tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            self.switch_screen(ResultScreen())
        else:
            self.push_screen(ResultScreen())

    # -- actions shared by bindings and the command palette ---------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        """Textual's palette commands, then ours that the screen or app allows now."""
        yield from super().get_system_commands(screen)
        for title, action, where, help_text in COMMANDS:
            target: DOMNode = screen if where == "screen" else self
            if hasattr(target, f"action_{action}") and target.check_action(action, ()):
                yield SystemCommand(title, help_text, partial(self.run_action, action, target))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keep_answers":
            return self.save_problem is not None and bool(self.consultation.known)
        return True

    def action_keep_answers(self) -> None:
        """A copy session when read-only, else a file."""
        from assistant.tui.screens.export import ExportScreen, answers_document

        if self.read_only:
            self.session = sessions.copy_session(self.session)
            self.read_only = False
            self._show_save_problem(None)
            if self.save():
                self.notify("This window now continues a copy of the consultation.",
                            title="Saved as a copy")
            return
        self.push_screen(ExportScreen(answers_document(self.consultation, self.session)))

    def _unless_losing(self, what: str, then: Callable[[], None]) -> None:
        """Ask first when `then` would lose unsaved changes."""
        if self.save_problem is None or not self._unsaved_changes:
            then()
            return
        from assistant.tui.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen(
            f"Your changes are NOT saved ({self.save_problem}). {what} and lose them? "
            "(n, then Ctrl+S, keeps them)", yes=what, no="Stay"),
            lambda leave: then() if leave else None)

    async def action_quit(self) -> None:
        """Asks first when the answers are not saved."""
        self._unless_losing("Quit", self.exit)

    def action_restart(self) -> None:
        def restart() -> None:
            saved = self.new_consultation()
            self.notify("A new consultation; the previous one is saved." if saved else
                        "A new consultation.", title="Restarted")

        self._unless_losing("Start anew", restart)

    def action_switch_tree(self) -> None:
        from assistant.tui.screens.trees import TreePickerScreen

        def chosen(tree: Tree | None) -> None:
            if tree is not None:
                self.new_consultation(tree)
                self.notify(tree.title, title="Tree switched", markup=False)

        def pick() -> None:
            self.push_screen(TreePickerScreen(self.decision_tree), chosen)

        self._unless_losing("Switch tree", pick)

    # The learning screens are imported on first use: start-up never pays for them.
    def action_decision_map(self) -> None:
        from assistant.tui.learn.decision_map import DecisionMapScreen

        self.push_screen(DecisionMapScreen(self.decision_tree))

    def action_tree_outline(self) -> None:
        from assistant.tui.learn.outline import TreeOutlineScreen

        consultation = self.consultation
        path = list(consultation.walk.path)
        if consultation.current is not None:
            path.append(consultation.current.id)  # where the consultation stands now
        self.push_screen(TreeOutlineScreen(self.decision_tree, path))

    # -- never lose an answer -------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Textual's own prints a traceback: save, log it, leave with a short true message."""
        saved = False
        with contextlib.suppress(Exception):  # the crash path must not crash
            saved = self.save() and self.session.file is not None
        log = sessions.log_crash(error, f"session {self.session.id}")
        self._return_code = 1
        self._exception_event.set()  # wakes a test pilot waiting on the screen
        self.panic(Text(crash_message(error, saved,
                                      str(log) if log.is_file() else None)))

    def on_unmount(self) -> None:
        self._release_claim()


def _host_check(app: SpineAssistApp) -> ConsultationHost:
    return app  # mypy checks here that the app is what the screens rely on
