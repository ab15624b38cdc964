"""The result screen's note renderer draws exactly what Rich's Markdown draws, or defers."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown

from assistant.core.headless import run_file
from assistant.core.model import Tree
from assistant.core.render import md_inline, render
from assistant.core.result import Outcome
from assistant.tui.note_view import NoteMarkdown, Unsupported, note_renderable
from assistant.tui.screens.result import for_screen
from tests.conftest import ANSWERS

WIDTHS = (30, 78, 118)


def drawn(renderable, width: int) -> str:
    console = Console(width=width, record=True, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())
    console.print(renderable)
    return console.export_text(styles=True)


def assert_same(markup: str) -> None:
    for width in WIDTHS:
        assert drawn(NoteMarkdown(markup), width) == \
            drawn(Markdown(markup, hyperlinks=False), width), (width, markup)


@pytest.mark.parametrize("name", sorted(p.name for p in ANSWERS.iterdir()))
def test_every_fixture_note_is_drawn_as_rich_draws_it(tree: Tree, name: str):
    note = render(run_file(tree, ANSWERS / name).outcome, "md")
    assert_same(for_screen(note))  # as the screen shows it (a provisional quote first)
    assert_same(note)  # and as rendered (title, record lines with hard breaks)


def test_every_text_of_the_tree_is_drawn_as_rich_draws_it(tree: Tree):
    """The tree's texts go into the note unescaped: each, in a list item and in a table."""
    texts = [tree.title, *(s.title for s in tree.sections.values())]
    for question in tree.questions.values():
        texts.append(question.prompt)
        texts.extend(str(question.label_of(c)) for c in question.choice_ids)
    for outcome in (tree.outcome(r) for r in ("MISS", "OSS", "nonoperative")):
        texts.append(outcome.summary)
    texts.extend(getattr(rule, "text", "") for rule in tree.factors)
    texts.extend(getattr(advice, "text", "") for advice in tree.advice)
    for text in filter(None, texts):
        markup = f"- **Title**: {text} *Source: {text}.*\n\n| A | B |\n|---|---:|\n" \
                 f"| {md_inline(text)} | x |\n"
        with contextlib.suppress(Unsupported):  # deferred to Rich's Markdown: only heavier
            assert_same(markup)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_user_text_made_inert_is_drawn_as_rich_draws_it(tree: Tree, label: str):
    """A case label (free text, through `md`) in the full note: same drawing, or deferred."""
    outcome = run_file(tree, ANSWERS / "miss.yaml").outcome
    note = render(Outcome(outcome.tree, outcome.walk, outcome.evaluation,
                          {"case_label": label}, outcome.generated_at), "md")
    try:
        NoteMarkdown(note)
    except Unsupported:
        return
    for width in (78,):
        assert drawn(NoteMarkdown(note), width) == \
            drawn(Markdown(note, hyperlinks=False), width)


@pytest.mark.parametrize("markup", [
    "Some <b>HTML</b> here.\n",
    "```\ncode\n```\n",
    "A _different_ emphasis.\n",
    "- a list\n  continued by an indented line\n",
    "Three ***stars*** here.\n",
    "An &amp; entity.\n",
])
def test_markdown_outside_the_note_goes_to_rich(markup: str):
    with pytest.raises(Unsupported):
        NoteMarkdown(markup)
    assert isinstance(note_renderable(markup), Markdown)


@pytest.mark.parametrize("markup", [
    "# Title\n\nText with **bold**, *em*, `code`, \\*escaped\\* and [a link](https://x.org/a).\n",
    "1. one\n2. two\n\n---\n\n> quoted\n> - item\n",
    "Line one  \nline two\nline three.\n\n3. starts at three\n4. four\n",
    "| L | C | R |\n|:---|:---:|---:|\n| a \\| b | **c** | 1 |\n",
    "A 5 * 3 product and a lone * star.\n",
])
def test_small_documents_are_drawn_as_rich_draws_them(markup: str):
    assert_same(markup)
