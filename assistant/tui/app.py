"""The consultation app: the engine's Consultation, a session saved after every change.

Thin on purpose: screens do the showing, this holds the state (one Consultation, one
Session) and the actions that the bindings and the command palette share. Start-up builds
only the conversation screen; the result, export and what-if screens import on first use.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from assistant.core import session as sessions
from assistant.core.errors import SpineAssistError
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Tree
from assistant.tui.commands import ConsultCommands


class SpineAssistApp(App[int]):
    """spine-assist: one question at a time, the reasoning one key away, nothing lost."""

    TITLE = "spine-assist"
    # The conversation is the base screen (see get_default_screen), whose CSS Textual does
    # not load by itself: it is read with the app's.
    CSS_PATH: ClassVar = ["app.tcss", "screens/consult.tcss"]
    COMMANDS: ClassVar = App.COMMANDS | {ConsultCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit (answers are saved)", id="quit"),
    ]

    def __init__(self, tree: Tree, *, consultation: Consultation | None = None,
                 session: sessions.Session | None = None,
                 offer: sessions.Session | None = None,
                 notices: Iterable[str] = ()) -> None:
        super().__init__()
        self.decision_tree = tree
        self.consultation = consultation or Consultation(tree)
        self.session = session or sessions.new_session(tree)
        self.offer = offer
        self.notices = list(notices)
        self.crash_log: str | None = None
        self.sub_title = tree.title

    # -- start-up ------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """The conversation is the base screen: the first frame shows the first question."""
        from assistant.tui.screens.consult import ConsultScreen

        return ConsultScreen()

    def on_mount(self) -> None:
        for notice in self.notices:
            self.notify(notice, title="Session", severity="warning", timeout=10)
        if self.offer is not None:
            from assistant.tui.screens.resume import ResumeScreen

            offer = self.offer
            self.push_screen(ResumeScreen(offer, self.decision_tree),
                             lambda resume: self.resume(offer) if resume else None)

    def resume(self, saved: sessions.Session) -> None:
        """Take over a saved session: its answers, what back() remembered, its file."""
        consultation, warnings = sessions.restore(self.decision_tree, saved)
        self.consultation = consultation
        self.session = saved
        for warning in warnings:
            self.notify(warning, title="Resumed with changes", severity="warning", timeout=10)
        self.refresh_consultation()

    # -- state changes (every one is saved before the screen updates) ------------------
    def release_conversation(self) -> None:
        """The review and result screens cover the conversation: see ConsultScreen.release
        (it rebuilds what it released when it shows again)."""
        from assistant.tui.screens.consult import ConsultScreen

        for screen in self.screen_stack:
            if isinstance(screen, ConsultScreen):
                screen.release()

    def save(self, *, finished: bool = False) -> None:
        """Save the session now; a failure is shown, never raised (the answers stay here)."""
        if not self.consultation.known and not self.session.file:
            return  # nothing to keep yet
        sessions.record(self.session, self.consultation, finished=finished)
        try:
            sessions.save_session(self.session)
        except (OSError, SpineAssistError) as exc:
            self.notify(f"could not save the session: {exc.strerror or exc}",
                        title="Not saved", severity="error", timeout=10)

    def give_answer(self, question_id: str, value: Any) -> None:
        """Answer (or change) a question; SKIPPED skips an optional one."""
        if value is SKIPPED:
            if question_id == getattr(self.consultation.current, "id", None):
                self.consultation.skip()
            else:  # un-answer an optional question on the path
                known = dict(self.consultation.known)
                known[question_id] = SKIPPED
                remembered = dict(self.consultation.remembered)
                self.consultation = Consultation(self.decision_tree, known)
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

    def new_consultation(self, tree: Tree | None = None) -> None:
        """Start again (on another tree, maybe); the finished session stays on disk."""
        from assistant.tui.screens.consult import ConsultScreen

        self.save(finished=self.consultation.complete)
        if tree is not None:
            self.decision_tree = tree
            self.sub_title = tree.title
        self.consultation = Consultation(self.decision_tree)
        self.session = sessions.new_session(self.decision_tree)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ConsultScreen):
            self.pop_screen()
        self.refresh_consultation()

    # -- actions shared by bindings and the command palette ---------------------------
    def action_restart(self) -> None:
        self.new_consultation()
        self.notify("A new consultation; the previous one is saved.", title="Restarted")

    def action_switch_tree(self) -> None:
        from assistant.tui.screens.trees import TreePickerScreen

        def chosen(tree: Tree | None) -> None:
            if tree is not None:
                self.new_consultation(tree)
                self.notify(tree.title, title="Tree switched")

        self.push_screen(TreePickerScreen(self.decision_tree), chosen)

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
        """Save first, log the traceback, then leave with one short message."""
        with contextlib.suppress(Exception):  # the crash path must not crash
            self.save()
        log = sessions.log_crash(error, f"session {self.session.id}")
        self.crash_log = str(log)
        self._return_code = 1
        event = getattr(self, "_exception_event", None)
        if event is not None:  # wakes a test pilot waiting on the screen
            event.set()
        self._exit_renderables.append(
            f"spine-assist: unexpected {type(error).__name__}: {error}\n"
            f"Your answers are saved: run `spine-assist resume` to continue. "
            f"Details: {log}"
        )
        self._close_messages_no_wait()


def make_app(tree: Tree | None = None, *, resume_offer: bool = True) -> SpineAssistApp:
    """The app as `spine-assist consult` builds it (tests use the same factory)."""
    if tree is None:
        from assistant.core.catalog import open_tree

        tree = open_tree(None)
    offer, problems = sessions.startup_scan(tree.id)
    return SpineAssistApp(tree, offer=offer if resume_offer else None, notices=problems)


def make_resume_app(session_id: str | None) -> SpineAssistApp:
    """The app as `spine-assist resume [ID]` builds it: the session already taken over."""
    scan = sessions.scan_sessions()
    if session_id:
        saved = sessions.find_session(session_id, scan)
    else:
        saved = sessions.latest_unfinished(None, scan) or (scan.sessions[0] if scan.sessions
                                                           else None)
        if saved is None:
            raise sessions.SessionError("no saved sessions to resume",
                                        allowed="start one with `spine-assist`")
    tree = _tree_for(saved)
    consultation, warnings = sessions.restore(tree, saved)
    if saved.tree_sha256 and saved.tree_sha256 != tree.sha256:
        warnings.insert(0, f"the tree '{tree.id}' changed since this session was saved; "
                           "answers were checked again")
    return SpineAssistApp(tree, consultation=consultation, session=saved,
                          notices=[*scan.problems(), *warnings])


def _tree_for(saved: sessions.Session) -> Tree:
    from pathlib import Path

    from assistant.core.catalog import open_tree
    from assistant.core.errors import InputError
    from assistant.core.loader import load_tree

    if saved.tree_path and Path(saved.tree_path).is_file():
        try:
            tree = load_tree(saved.tree_path)
            if tree.id == saved.tree_id:
                return tree
        except InputError:
            pass
    return open_tree(saved.tree_id)


def _run(app: SpineAssistApp) -> int:
    code = app.run()
    return int(app.return_code or 0) if code is None else int(code)


def run_app(tree: Tree) -> int:
    """`spine-assist` and `spine-assist consult`: offer to resume, then consult."""
    return _run(make_app(tree))


def run_resume(session_id: str | None, list_only: bool) -> int:
    """`spine-assist resume [ID] [--list]`."""
    if list_only:
        scan = sessions.scan_sessions()
        for problem in scan.problems():
            print(f"spine-assist: warning: {problem}", file=sys.stderr)
        if not scan.sessions:
            print("no saved sessions", file=sys.stderr)
        for saved in scan.sessions:
            state = "finished" if saved.finished else "unfinished"
            print(f"{saved.id}\t{saved.tree_id}\t{state}\t{saved.describe()}")
        return 0
    return _run(make_resume_app(session_id))
