"""How a question is drawn: its prompt, and its choices as lines of a given width.

Apart from the widget because a drawing outlives the showing: the question view keeps one
per question, width and state, and draws the tree's questions ahead, so the frame after an
answer looks one up instead of wrapping and styling text.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.strip import Strip

from assistant.core.model import Question

SKIP_ROW = -1  # the "s skip this optional question" row of a single choice
FIELD_ROW = -2  # the text field's line


class Drawn:
    """A question drawn at one width: the prompt's strips, each body line's row and text,
    and the body lines' strips as they are asked for, in each look ("option", "highlight",
    "hover")."""

    __slots__ = ("body", "prompt", "rows", "strips")

    def __init__(self, prompt: list[Strip], rows: list[int], body: list[Content]) -> None:
        self.prompt = prompt
        self.rows = rows
        self.body = body
        self.strips: dict[tuple[int, str], Strip] = {}

    def strip(self, index: int, width: int, look: str, style: Any) -> Strip:
        strip = self.strips.get((index, look))
        if strip is None:
            strip = self.strips[index, look] = strip_of(self.body[index], width, style)
        return strip


def draw(question: Question, width: int, kind: str, allow_skip: bool, current: Any,
         ticked: frozenset[str], prompt_style: Any) -> Drawn:
    """`kind` is "single", "multi" or "value"; `current` (a single choice's given answer)
    is marked; `ticked` are a checklist's ticks. Wrapped lines of a choice are indented
    under its text, not under its number."""
    prompt = [strip_of(line, width, prompt_style)
              for line in wrap(Content(question.prompt), width)]
    rows: list[int] = []
    body: list[Content] = []
    if kind == "value":
        rows.append(FIELD_ROW)
        body.append(Content(""))
        return Drawn(prompt, rows, body)
    for index, choice in enumerate(question.choices):
        number = f"{index + 1} " if index < 9 else "  "
        box = ""
        if kind == "multi":
            box = "[x] " if choice.id in ticked else "[ ] "
        text = Content(choice.label)
        if choice.id == current:
            text = Content.assemble(text, ("  (current)", "italic"))
        if choice.explain:
            text = Content.assemble(text, (f" — {choice.explain}", "dim"))
        indent = len(number) + len(box)
        for n, line in enumerate(wrap(text, width - indent)):
            prefix = Content.assemble((number, "bold"), box) if n == 0 else \
                Content(" " * indent)
            rows.append(index)
            body.append(prefix + line)
    if kind == "single" and allow_skip:
        rows.append(SKIP_ROW)
        body.append(Content.styled("s skip this optional question", "italic"))
    return Drawn(prompt, rows, body)


def view_kind(question: Question) -> str:
    """How a question is answered in the view: "single", "multi", or "value" (a field for
    an integer or text)."""
    return question.kind if question.kind in ("single", "multi") else "value"


def head_lines(head: int, height: int) -> int:
    """How many head lines (prompt, suggestion, error) are drawn: all, unless the box is
    too small for them, one body line and the hint; then the end of the head gives way,
    so a long error (it repeats what was typed) never hides the field or every choice."""
    return min(head, max(0, height - 2))


def wrap(content: Content, width: int) -> list[Content]:
    return content.wrap(max(1, width)) or [Content("")]


def strip_of(content: Content, width: int, style: Any) -> Strip:
    """One line of text in `style`, as wide as the box."""
    segments = content.render_segments(style)
    return Strip(segments, content.cell_length).adjust_cell_length(width, style.rich_style)


def hint_for(kind: str, skip: bool) -> str:
    """The keys that answer this kind of question."""
    if kind == "single":
        return "1-9 or arrows+Enter" + (" · s skip" if skip else "")
    if kind == "multi":
        return "digits or Space tick · Enter confirms" + (" · s skip" if skip else "")
    return "Enter confirms" + (" · empty Enter skips" if skip else "")
