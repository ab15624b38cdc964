"""What a screen may ask of the app: the consultation's state and the changes that are saved.

Why a Protocol: screens used to import the app class (for its type) while the app imported
the screens, a cycle. A screen now depends on this small interface only; `host(widget)`
returns the running app typed as one. `SpineAssistApp` implements it (mypy checks that where
the app is built), and a test can host a screen in any App that does.
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
        """The free-text label of this case ("" when none was given)."""
        ...

    def set_case_label(self, label: str) -> None:
        """Label the case (a label given: no label is no call); shown in the title, the
        resume list and the note; saved."""

    def give_answer(self, question_id: str, value: Any) -> None:
        """Answer or change a question (SKIPPED skips an optional one); saved."""

    def go_back(self) -> None:
        """Take back the last answer; saved."""

    def save(self, *, finished: bool = False) -> bool:
        """Save now; False when it could not (the header then says why)."""
        ...

    def refresh_consultation(self) -> None:
        """Bring the conversation screen in line with the consultation."""

    def show_result(self) -> None:
        """Open the recommendation (the consultation is complete)."""

    def show_review(self) -> None:
        """Open the review of every answer (the consultation is complete)."""


def host(node: DOMNode) -> ConsultationHost:
    """The running app of `node`, as the interface the screens rely on."""
    return cast("ConsultationHost", node.app)
