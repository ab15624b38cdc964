"""The plain-text note: wrapped at 80 columns whatever the answers and free text."""

from __future__ import annotations

import random

from assistant.core.render import render
from tests.notes.conftest import FIXTURES, HOSTILE, random_outcome


def test_fixture_notes_fit_80_columns(outcome_of) -> None:
    for fixture in FIXTURES:
        text = render(outcome_of(fixture), "txt")
        too_long = [line for line in text.splitlines() if len(line) > 80]
        assert not too_long, (fixture, too_long)
        assert not [line for line in text.splitlines() if line != line.rstrip()]


def test_random_notes_with_long_free_text_fit_80_columns(tree) -> None:
    rng = random.Random(80)
    long_word = "x" * 200
    for i in range(150):
        meta = {"case_label": f"{long_word} {HOSTILE}",
                "comments": f"{HOSTILE}\n\n{long_word}\n" + "word " * 100} if i % 2 else {}
        text = render(random_outcome(tree, rng, meta), "txt")
        assert max(len(line) for line in text.splitlines()) <= 80
        if meta:
            assert "x" * 78 in text  # the long word is broken, not lost
