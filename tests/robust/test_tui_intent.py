"""An answer is never changed without the user's intent, in the TUI (issue 12, items 2-3).

The tests live beside the screens they drive (tests/tui); they are collected here too so
the integrity suite holds every class it promises:

* what-if: looking (a digit, arrows, a tick, typing, a click) only previews; Enter applies,
  Esc leaves every answer and the saved session as they were;
* edit: Esc cancels the edit and nothing else (no question back, no answer taken back).
"""

from __future__ import annotations

from tests.tui.test_consult import (
    test_esc_in_an_edit_cancels_it_and_nothing_else,
    test_esc_in_an_edit_from_the_review_returns_to_the_review_unchanged,
)
from tests.tui.test_whatif import (
    test_what_if_a_click_on_a_choice_only_previews,
    test_what_if_enter_on_a_value_that_is_no_answer_applies_nothing,
    test_what_if_looking_then_esc_changes_nothing,
)

__all__ = [
    "test_esc_in_an_edit_cancels_it_and_nothing_else",
    "test_esc_in_an_edit_from_the_review_returns_to_the_review_unchanged",
    "test_what_if_a_click_on_a_choice_only_previews",
    "test_what_if_enter_on_a_value_that_is_no_answer_applies_nothing",
    "test_what_if_looking_then_esc_changes_nothing",
]
