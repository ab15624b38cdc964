"""What a screen may ask of the app: the consultation's state and the changes that are saved.

Why a Protocol: screens imported the app class while the app imported the screens, a
cycle. mypy checks that `SpineAssistApp` implements it; a test can host a screen in any App
that does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from assistant.core.machine import Consultation
    from assistant.core.model import Tree
    from assistant.core.session import Session


class ConsultationHost(Protocol):
    """The app as the screens see it. Every change goes through a method that saves."""

    decision_tree: Tree
    consultation: Consultation
    session: Session

    @property
    def case_label(self) -> str:
        """"" when none was given."""
        ...

    def set_case_label(self, label: str) -> None:
        """Shown in the title, the resume list and the note; saved."""

    def give_answer(self, question_id: str, value: Any) -> None:
        """SKIPPED skips an optional question; saved."""

    def go_back(self) -> None:
        """Saved."""

    def save(self, *, finished: bool = False) -> bool:
        """False when it could not (the header then says why)."""
        ...

    def refresh_consultation(self) -> None:
        """Bring the conversation screen in line with the consultation."""

    def show_result(self) -> None:
        """The consultation is complete."""

    def show_review(self) -> None:
        """The consultation is complete."""


def host(node: DOMNode) -> ConsultationHost:
    """The running app, typed as the interface the screens rely on."""
    return cast("ConsultationHost", node.app)
