"""One standard Textual widget per kind of answer, shared by every screen that asks.

The widgets only say what the person did (calls to the box, see Asker); the question box
decides what that means (answer, preview, complaint).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.strip import Strip
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from assistant.core.answers import allowed_text, parse_answer
from assistant.core.errors import AnswerError, terminal_safe
from assistant.core.model import Question

SKIP_ID = "__skip__"  # a single choice's "skip" row
DIGITS = [Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)]
# Not in the footer: the hint says "s skips", and a footer whose keys came and went with
# every optional question was rebuilt (three frames) each time.
SKIP = Binding("s", "skip", "Skip", show=False, id="skip")
# Offered as a level is typed ("T1" completes to "T10"...).
LEVELS = [f"C{n}" for n in range(1, 8)] + [f"T{n}" for n in range(1, 13)] + \
    [f"L{n}" for n in range(1, 6)] + ["S1", "S2"]


class Asker(Protocol):
    """The question box. Called, not messaged: an answer is applied (next question focused)
    while its key is still being handled (keyorder.py)."""

    def digit(self, number: int) -> None: ...

    def confirm(self) -> None: ...

    def skip(self) -> None: ...

    def submit(self, text: str) -> None: ...


def numbered_text(number: int, label: str, extra: str = "", marked: str = "") -> Text:
    """`3 Label (current) — explanation`."""
    text = Text.assemble((f"{number} " if number <= 9 else "  ", "bold"),
                         terminal_safe(label))
    if marked:
        text.append(f"  ({marked})", style="italic")
    if extra:
        text.append(f" — {terminal_safe(extra)}", style="dim")
    return text


class _ListKeys(OptionList):
    """The keys both lists share."""

    allow_skip = False
    asker: Asker  # set by the question box
    _wrapped_width = 0

    def on_resize(self, event: events.Resize) -> None:
        """Same width: the lines wrap as before, so OptionList need not drop and repaint
        them all a frame after the one showing the question (a later settled screen).
        Runs before OptionList's own handler, which prevent_default skips."""
        if event.size.width == self._wrapped_width:
            event.prevent_default()
        self._wrapped_width = event.size.width

    def action_digit(self, number: int) -> None:
        self.asker.digit(number)

    def action_skip(self) -> None:
        self.asker.skip()

    def action_confirm(self) -> None:
        self.asker.confirm()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.allow_skip if action == "skip" else True


class ChoiceList(_ListKeys):
    """A single choice; a click selects (OptionSelected)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *DIGITS, SKIP, Binding("enter", "confirm", "Answer", show=False),
    ]

    def show(self, question: Question, default: Any = None, *, allow_skip: bool = False,
             current: Any = None) -> None:
        self.allow_skip = allow_skip
        # Text, not a grid with a hanging indent: a Rich table per choice cost several
        # milliseconds per question (benchmark figure 2).
        options = [Option(numbered_text(n, c.label, c.explain,
                                        "current" if c.id == current else ""), id=c.id)
                   for n, c in enumerate(question.choices, 1)]
        if allow_skip:
            skip = Text.assemble(("s ", "bold"), ("skip this optional question", "italic"))
            options.append(Option(skip, id=SKIP_ID))
        self.set_options(options)
        ids = question.choice_ids
        self.highlighted = ids.index(default) if default in ids else 0


class CheckList(_ListKeys, SelectionList[str]):
    """Several choices. A ticked box shows a tick, an unticked one is empty (not only
    another colour)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *DIGITS, SKIP, Binding("enter", "confirm", "Confirm", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *OptionList.COMPONENT_CLASSES, *SelectionList.COMPONENT_CLASSES}

    def show(self, question: Question, default: Any = None, *,
             allow_skip: bool = False) -> None:
        self.allow_skip = allow_skip
        ticked = set(default) if isinstance(default, (list, tuple)) else set()
        self.clear_options()
        # A Selection takes text only (no grid): a wrapped line starts under the number.
        self.add_options([Selection(numbered_text(n, c.label, c.explain), c.id,
                                    c.id in ticked)
                          for n, c in enumerate(question.choices, 1)])
        self.highlighted = 0

    def render_line(self, y: int) -> Strip:
        """`[✓] `/`[ ] ` before an option's first line only. SelectionList's own box is
        the same `X` in another colour, and a wrapped choice showed a second box."""
        line = OptionList.render_line(self, y)
        option = _option_of(line)
        if option is None:
            return Strip([Segment(" " * 4), *line])
        first = y + self.scroll_offset.y == 0 or \
            _option_of(OptionList.render_line(self, y - 1)) != option
        ticked = self.get_option_at_index(option).value in self.selected
        component = "selection-list--button-selected" if ticked else "selection-list--button"
        style = self.get_component_rich_style(component) + Style(meta={"option": option})
        box = ("[✓] " if ticked else "[ ] ") if first else "    "
        return Strip([Segment(box, style), *line])


def _option_of(line: Strip) -> int | None:
    for segment in line:
        if segment.style is not None and segment.style.meta:
            found = segment.style.meta.get("option")
            return found if isinstance(found, int) else None
    return None


class AnswerCheck(Validator):
    """The engine's own check of a typed answer, worded for the person typing."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    def validate(self, value: str) -> ValidationResult:
        message = typed_problem(self.question, value)
        return self.failure(message, value) if message else self.success()


def typed_problem(question: Question, text: str) -> str:
    """Why `text` is not an answer to `question` ("" when it is), without ids."""
    if not text.strip():
        return f"An answer is needed: {allowed_text(question)}."
    try:
        parse_answer(question, text)
    except AnswerError:
        if question.kind == "integer":
            try:
                number = int(text.strip())
            except ValueError:
                return "Type a whole number (digits only)."
            unit = f" {question.unit}" if question.unit else ""
            return f"{number} is outside the range: {allowed_text(question)}{unit}."
        return f"Not accepted: {allowed_text(question)}."
    return ""


class AnswerField(Input):
    """A number or a short text; Enter answers (the box checks the text)."""

    asker: Asker  # set by the question box

    async def action_submit(self) -> None:
        """Now: Input's own posts Submitted, handled only after the keys typed next
        reached this field."""
        self.asker.submit(self.value)

    @property
    def cursor_screen_offset(self) -> Offset:
        """Where the terminal's cursor goes. Input adds a cell at the end of the text, so
        the cursor, which IME popups and screen readers follow, sat one cell past."""
        x, y, _width, _height = self.content_region
        cells = cell_len(self.value[: self.cursor_position])
        return Offset(x + cells - self.scroll_offset.x, y)

    def show(self, question: Question, default: Any = None, *,
             allow_skip: bool = False) -> None:
        integer = question.kind == "integer"
        self.type = "integer" if integer else "text"
        self.restrict = r"[-+]?\d*" if integer else None
        self.validators = [AnswerCheck(question)]
        self.valid_empty = allow_skip
        hint = allowed_text(question)
        self.placeholder = f"{hint} (Enter with nothing to skip)" if allow_skip else hint
        asks_level = "level" in question.id or "level" in question.pattern_hint.lower()
        self.suggester = SuggestFromList(LEVELS, case_sensitive=False) \
            if asks_level and not integer else None
        self.value = "" if default is None else str(default)
        self.cursor_position = len(self.value)
