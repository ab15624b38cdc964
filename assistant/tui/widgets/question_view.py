"""The current question: prompt, suggestion, error, the answer and a hint, in one widget.

The answer is a list of choices (digits pick, arrows and Enter also work), a checklist
(digits or Space tick, Enter confirms) or a one-line field (numbers and short text). One
widget draws all of them line by line and keeps the focus from question to question, so
an answer repaints this widget's lines and nothing else: no widget is mounted, no focus
moves (a focus change restyles widgets and rebuilds the footer), and, in a steady view,
the screen is laid out again only when a question needs a taller box than any before it
(benchmark figure 2).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from assistant.core.answers import allowed_text, parse_answer
from assistant.core.errors import AnswerError
from assistant.core.model import Question
from assistant.tui.widgets.line_edit import INTEGER_CHARACTERS, LineEdit
from assistant.tui.widgets.messages import Answered, Proposed, Skipped, send_to_screen
from assistant.tui.widgets.question_drawing import (
    FIELD_ROW,
    SKIP_ROW,
    Drawn,
    draw,
    head_lines,
    hint_for,
    strip_of,
    view_kind,
    wrap,
)

FIELD_MARK = "› "  # before the text field, as at a prompt
MOVES = {"up": -1, "down": 1, "pageup": -5, "pagedown": 5}


class QuestionView(Widget, can_focus=True):
    """One question and its answer; the parent decides what an answer does."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "question-view--prompt", "question-view--suggestion", "question-view--error",
        "question-view--hint", "question-view--option", "question-view--highlight",
        "question-view--field", "question-view--placeholder", "question-view--cursor",
        "question-view--hover",
    }
    DEFAULT_CSS = """
    QuestionView {
        height: auto;
        width: 1fr;
        & > .question-view--prompt { text-style: bold; }
        & > .question-view--suggestion { color: $text-muted; }
        & > .question-view--error { color: $text-error; }
        & > .question-view--hint { color: $text-muted; }
        & > .question-view--highlight {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .question-view--highlight {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .question-view--hover { background: $block-hover-background; }
        & > .question-view--field { background: $boost; }
        & > .question-view--placeholder { color: $text-disabled; background: $boost; }
        &:focus > .question-view--cursor {
            background: $input-cursor-background;
            color: $input-cursor-foreground;
            text-style: $input-cursor-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # Keys are handled in on_key: a binding runs only once the key has bubbled up to
        # the app. The digits are bound too, for a digit typed before the view had the
        # focus (it then reaches the app, which looks for bindings once the view has it).
        *(Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)),
        # For the footer, greyed where `s` cannot skip.
        Binding("s", "skip", "Skip", tooltip="Skip this optional question", id="skip"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 propose: bool = False, steady: bool = False) -> None:
        super().__init__(id=id, classes=classes)
        self.propose = propose  # post Proposed as the cursor moves (the what-if screen)
        # A steady view keeps the height of its tallest question so far (at this width),
        # the hint on its last line: the box does not jump from question to question, and
        # the next question is painted without laying out the screen.
        self.steady = steady
        self._floor: dict[int, int] = {}  # width -> the tallest question's height
        self.question: Question | None = None
        self.kind = ""  # "single", "multi" or "value"
        self.highlighted = 0
        self.allow_skip = False
        self.field = LineEdit()
        self._ticked: set[str] = set()
        self._current: Any = None  # the answer given before (marked in the list)
        self._reason = ""
        self._error = ""
        self._progress = ""  # "question 5 of ~16", at the right of the hint
        self._title = self._subtitle = ""
        self._painted: dict[int, Strip] = {}  # content line -> the strip last drawn there
        # The lines `_repaint` compared, handed to the paint that follows (at that size).
        self._pending: dict[int, Strip] = {}
        self._pending_size = Size(0, 0)
        self._offset = 0  # the first body line shown when the box is too small for all
        self._follow = True  # bring the highlighted row into view at the next paint
        self._hover: int | None = None  # the row under the mouse pointer
        self._laid_height: int | None = None  # what get_content_height last answered
        self._lines: dict[int, tuple[list[Strip], Drawn]] = {}  # width -> head, drawing
        # A question as drawn at a width, kept across questions (see `prefetch`).
        self._drawn: dict[tuple[Any, ...], Drawn] = {}

    # -- what the tests and screens read ---------------------------------------------
    @property
    def ticked(self) -> list[str]:
        """The ticked choices of a checklist, in the question's order."""
        if self.question is None:
            return []
        return [c for c in self.question.choice_ids if c in self._ticked]

    @property
    def text(self) -> str:
        return self.field.text

    @property
    def error(self) -> str:
        return self._error

    @property
    def suggestion(self) -> str:
        return f"suggested: {self._reason}" if self._reason else ""

    # -- showing -----------------------------------------------------------------------
    def show(self, question: Question, default: Any = None, *, reason: str = "",
             title: str = "", subtitle: str = "", progress: str = "",
             allow_skip: bool = True, current: Any = None) -> None:
        """Show `question`, `default` preselected (or filled in), and take the focus.

        May be called before the view is mounted (the first question then shows in the
        first frame).
        """
        self.question = question
        self.kind = view_kind(question)
        self.allow_skip = allow_skip and question.optional
        self._current = current
        self._reason = reason
        self._error = ""
        self._offset = 0
        self._follow = True
        if self.kind == "single":
            ids = question.choice_ids
            self.highlighted = ids.index(default) if default in ids else 0
        elif self.kind == "multi":
            self._ticked = set(default) if isinstance(default, (list, tuple)) else set()
            self.highlighted = 0
        else:
            self.field.allowed = INTEGER_CHARACTERS if question.kind == "integer" else None
            self.field.set("" if default is None else str(default))
        self._progress = progress
        # Set only on change: a border title repaints the whole box.
        if title != self._title:
            self._title = self.border_title = title
        if subtitle != self._subtitle:
            self._subtitle = self.border_subtitle = subtitle
        self._changed()
        if self.is_mounted and not self.has_focus:
            self.focus()

    def set_error(self, message: str) -> None:
        if message != self._error:
            self._error = message
            self._changed()

    def release(self) -> None:
        """Forget the question and its drawn lines while a screen covers the view; `show`
        draws them again."""
        self.question = None
        self._lines.clear()
        self._drawn.clear()
        self._painted.clear()
        self._pending.clear()

    def _changed(self) -> None:
        """Repaint after a change of content; lay the screen out only if the height must
        change."""
        self._lines.clear()
        width = self.content_size.width
        if not (self.is_mounted and width) or self._wanted(width) != self._laid_height:
            self._pending.clear()
            self.refresh(layout=True)
        else:
            self._repaint()

    def _repaint(self) -> None:
        """Repaint the lines that changed, not the box: the border and the lines that
        stay (often half the box) are neither drawn again nor sent to the terminal."""
        width, height = self.content_size
        self._pending.clear()
        if not (width and height) or len(self._painted) < height:
            self.refresh()
            return
        painted = self._painted
        self._pending = {y: self._content_line(y) for y in range(height)}
        self._pending_size = self.content_size
        changed = [Region(0, y, width, 1) for y, strip in self._pending.items()
                   if strip != painted.get(y)]
        if len(changed) == height:
            self.refresh()
        elif changed:
            self.refresh(*changed)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # drawn in the old colours (a theme change, focus, blur)
        self._drawn.clear()
        self._painted.clear()
        self._pending.clear()

    # -- layout ------------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        height = self._laid_height = self._wanted(width)
        if self.steady:
            self._floor[width] = height
        return height

    def _wanted(self, width: int) -> int:
        """The height to ask for: the question's own, or in a steady view at least the
        tallest so far."""
        natural = self._natural(width)
        return max(natural, self._floor.get(width, 0)) if self.steady else natural

    def _natural(self, width: int) -> int:
        head, drawn = self._layout(width)
        return len(head) + len(drawn.rows) + 1

    def _layout(self, width: int) -> tuple[list[Strip], Drawn]:
        """The head's strips (prompt, suggestion, error) and the question's drawing;
        cached per width until the content changes."""
        cached = self._lines.get(width)
        if cached is not None:
            return cached
        question = self.question
        if question is None:
            cached = self._lines[width] = ([], Drawn([], [], []))
            return cached
        drawn = self._drawn_for(question, width, self.kind, self.allow_skip, self._current,
                                self._ticked)
        head = drawn.prompt
        for text, component in ((self.suggestion, "suggestion"), (self._error, "error")):
            if text:
                style = self.get_visual_style(f"question-view--{component}")
                head = head + [strip_of(line, width, style) for line in wrap(Content(text), width)]
        cached = self._lines[width] = (head, drawn)
        return cached

    def prefetch(self, question: Question, *, allow_skip: bool = True) -> None:
        """Draw `question` ahead of time at the present width (idle time, while the person
        reads), so showing it later costs a lookup: the frame after an answer then holds
        little more than Textual's own work."""
        width = self.content_size.width
        if not width:
            return
        kind = view_kind(question)
        drawn = self._drawn_for(question, width, kind, allow_skip and question.optional, None,
                                set())
        for index, row in enumerate(drawn.rows):
            if row != FIELD_ROW:  # the first choice is highlighted when a question shows
                look = "highlight" if row == 0 else "option"
                drawn.strip(index, width, look, self.get_visual_style(f"question-view--{look}"))

    def _drawn_for(self, question: Question, width: int, kind: str, allow_skip: bool,
                   current: Any, ticked: set[str]) -> Drawn:
        ticks = frozenset(ticked) if kind == "multi" else None
        key = (question.id, width, kind, allow_skip, current if kind == "single" else None,
               ticks)
        drawn = self._drawn.get(key)
        if drawn is None:
            if len(self._drawn) >= 256:  # the tree's questions, and some checklist states
                self._drawn.clear()
            drawn = self._drawn[key] = draw(
                question, width, kind, allow_skip, key[4], ticks or frozenset(),
                self.get_visual_style("question-view--prompt"))
        return drawn

    # -- painting ----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        strip = self._pending.pop(y, None) if self._pending_size == self.content_size \
            else None
        strip = self._painted[y] = strip or self._content_line(y)
        return strip

    def _geometry(self) -> tuple[list[Strip], Drawn, int, int, int]:
        """What the box shows: the head and the drawing, how many head lines fit, and the
        body's window (its first line and how many)."""
        width, height = self.content_size
        head, drawn = self._layout(width)
        lines = head_lines(len(head), height)
        start, shown = self._window(lines, drawn.rows, height)
        return head, drawn, lines, start, shown

    def _content_line(self, y: int) -> Strip:
        width, height = self.content_size
        head, drawn, lines, start, shown = self._geometry()
        if y < lines:
            return head[y]
        y -= lines
        if y < shown:
            return self._body_strip(start + y, drawn, width)
        if y == max(shown, height - lines - 1):  # the last line, or right below
            return self._hint_strip(width, start > 0, start + shown < len(drawn.rows))
        return Strip.blank(width, self.get_visual_style("question-view--option").rich_style)

    def _window(self, head: int, rows: list[int], height: int) -> tuple[int, int]:
        """The first body line shown and how many: all of them when the box is tall
        enough, else a window that follows the highlighted row."""
        space = max(1, height - head - 1)
        if len(rows) <= space:
            self._offset = 0
            return 0, len(rows)
        if self._follow and self.kind != "value":
            lines = [i for i, row in enumerate(rows) if row == self._highlighted_row()]
            if lines:
                if lines[0] < self._offset:
                    self._offset = lines[0]
                elif lines[-1] >= self._offset + space:
                    self._offset = lines[-1] - space + 1
            self._follow = False
        self._offset = max(0, min(self._offset, len(rows) - space))
        return self._offset, space

    def _highlighted_row(self) -> int:
        question = self.question
        if self.kind == "single" and question is not None and \
                self.highlighted == len(question.choices):
            return SKIP_ROW
        return self.highlighted

    def _body_strip(self, index: int, drawn: Drawn, width: int) -> Strip:
        row = drawn.rows[index]
        if row == FIELD_ROW:
            return self._field_strip(width)
        look = "highlight" if row == self._highlighted_row() else \
            "hover" if row == self._hover else "option"
        return drawn.strip(index, width, look, self.get_visual_style(f"question-view--{look}"))

    def _field_strip(self, width: int) -> Strip:
        """`› ` then the text, the cursor's cell in reverse; the placeholder when empty."""
        field_style = self.get_component_rich_style("question-view--field")
        cursor_style = self.get_component_rich_style("question-view--cursor") \
            if self.has_focus else field_style
        segments = [Segment(FIELD_MARK, field_style)]
        width -= len(FIELD_MARK)
        if not self.field.text:
            placeholder = self._placeholder()[:width] or " "
            style = self.get_component_rich_style("question-view--placeholder")
            segments += [Segment(placeholder[0], cursor_style + style if self.has_focus
                                 else style), Segment(placeholder[1:], style)]
        else:
            shown, column = self.field.window(width)
            under = shown[column: column + 1] or " "
            segments += [Segment(shown[:column], field_style), Segment(under, cursor_style),
                         Segment(shown[column + 1:], field_style)]
        return Strip(segments).adjust_cell_length(width + len(FIELD_MARK), field_style)

    def _placeholder(self) -> str:
        if self.question is None:
            return ""
        text = allowed_text(self.question)
        return text + " (Enter with nothing to skip)" if self.allow_skip else text

    def _hint_strip(self, width: int, above: bool, below: bool) -> Strip:
        """The keys on the left; on the right, more options above or below, and the
        progress."""
        style = self.get_visual_style("question-view--hint")
        more = "↑↓ more" if above and below else "↑ more" if above else \
            "↓ more" if below else ""
        right = " · ".join(part for part in (more, self._progress) if part)
        hint = Content(hint_for(self.kind, self.allow_skip))
        if right:
            gap = max(1, width - hint.cell_length - len(right))
            hint = Content.assemble(hint, " " * gap, right)
        return strip_of(hint, width, style)

    # -- keys and mouse ----------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.question is None:
            return
        handled = self._field_key(event) if self.kind == "value" else self._choice_key(event)
        if handled:
            event.stop()
            event.prevent_default()

    def _choice_key(self, event: events.Key) -> bool:
        key = event.key
        question = self.question
        assert question is not None
        if len(key) == 1 and "1" <= key <= "9":
            self.action_digit(int(key))
            return True
        last = len(question.choices) - (0 if self.kind == "single" and self.allow_skip else 1)
        if key in MOVES:
            self._move_to(max(0, min(last, self.highlighted + MOVES[key])))
        elif key == "home":
            self._move_to(0)
        elif key == "end":
            self._move_to(last)
        elif key == "enter":
            self.action_confirm()
        elif key == "space" and self.kind == "multi":
            self._toggle(self.highlighted)
        elif key == "s":
            self.action_skip()
        else:
            return False
        return True

    def _field_key(self, event: events.Key) -> bool:
        if event.key == "enter":
            self.action_confirm()
            return True
        if event.is_printable and event.character:
            if self.field.insert(event.character):
                self._typed()
            return True
        outcome = self.field.key(event.key)
        if outcome is None:
            return False
        if outcome:
            self._typed()
        else:
            self._repaint()
        return True

    def on_paste(self, event: events.Paste) -> None:
        """A paste goes into the field: its first line with text (a field is one line)."""
        if self.kind != "value":
            return
        event.stop()
        line = next((line for line in event.text.splitlines() if line.strip()), "")
        if self.field.insert(line.strip()):
            self._typed()

    def _row_at(self, event: events.MouseEvent) -> int | None:
        """The choice (or the skip row) under the pointer, None elsewhere."""
        offset = event.get_content_offset(self)
        if offset is None or self.question is None or self.kind == "value":
            return None
        _head, drawn, lines, start, shown = self._geometry()
        line = offset.y - lines
        return drawn.rows[start + line] if 0 <= line < shown else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = self._row_at(event)
        if row != self._hover:
            self._hover = row
            self._repaint()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self._repaint()

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is None or self.question is None:
            return
        if row == SKIP_ROW:
            self.action_skip()
        elif self.kind == "single":
            self._move_to(row)
            self._answer(self.question.choices[row].id)
        else:
            self._move_to(row)
            self._toggle(row)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll(1)
        event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll(-1)
        event.stop()

    def _scroll(self, lines: int) -> None:
        self._offset += lines
        self._follow = False
        self._repaint()

    # -- actions -----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip":
            # Greyed out (None), not hidden, where it cannot skip: the footer keeps its
            # keys from question to question and only dims this one.
            return True if self.allow_skip and self.kind != "value" else None
        return True

    def action_skip(self) -> None:
        if self.question is None:
            return
        if self.allow_skip:
            send_to_screen(self, Skipped(self.question))
        else:
            self.set_error("this question needs an answer")

    def action_digit(self, number: int) -> None:
        """Pick (a list), tick (a checklist) or type (a field) the digit."""
        question = self.question
        if question is None:
            return
        if self.kind == "value":
            if self.field.insert(str(number)):
                self._typed()
        elif number <= len(question.choices):
            if self.kind == "single":
                # No highlight first: the next question replaces the list, and a frame
                # spent on the highlight would hold back the one that shows it.
                self._answer(question.choices[number - 1].id)
            else:
                self._move_to(number - 1)
                self._toggle(number - 1)

    def action_confirm(self) -> None:
        """Enter: the highlighted choice, the ticked ones, or the typed value."""
        question = self.question
        if question is None:
            return
        if self.kind == "single":
            if self._highlighted_row() == SKIP_ROW:
                self.action_skip()
            else:
                self._answer(question.choices[self.highlighted].id)
        elif self.kind == "multi":
            ticked = self.ticked
            try:
                value = parse_answer(question, ticked)
            except AnswerError as exc:
                self.set_error("tick at least one (Space or a digit), then Enter"
                               if not ticked else exc.message)
                return
            self._answer(value)
        elif not self.field.text.strip() and self.allow_skip:
            send_to_screen(self, Skipped(question))
        else:
            value, message = self._check()
            if value is None:
                self.set_error(message)
            else:
                self._answer(value)

    def _answer(self, value: Any) -> None:
        assert self.question is not None
        send_to_screen(self, Answered(self.question, value))

    def _move_to(self, row: int) -> None:
        if row == self.highlighted:
            return
        self.highlighted = row
        self._follow = True
        self._repaint()
        question = self.question
        if self.propose and self.kind == "single" and question is not None and \
                row < len(question.choices):
            self.post_message(Proposed(question, question.choices[row].id))

    def _toggle(self, index: int) -> None:
        """Tick or untick; the exclusive choice (`none`) clears the others, and any other
        clears it."""
        question = self.question
        if question is None or index >= len(question.choices):
            return
        choice = question.choices[index].id
        if choice in self._ticked:
            self._ticked.discard(choice)
        else:
            exclusive = question.exclusive
            self._ticked = {c for c in self._ticked
                            if c not in exclusive and choice not in exclusive}
            self._ticked.add(choice)
        self._error = ""
        self._changed()
        if self.propose:  # nothing ticked too: the preview then says why it is no answer
            self.post_message(Proposed(question, self.ticked))

    def _check(self) -> tuple[Any, str]:
        """(value, '') when the typed text is an answer, (None, why not) when it is not."""
        question = self.question
        assert question is not None
        text = self.field.text.strip()
        if not text:
            needed = f"an answer is needed: {allowed_text(question)}"
            return None, "" if self.allow_skip else needed
        try:
            return parse_answer(question, text), ""
        except AnswerError as exc:
            return None, f"{exc.message} ({exc.allowed})" if exc.allowed else exc.message

    def _typed(self) -> None:
        """Check the text as it is typed: the error line says what is wrong at once."""
        value, message = self._check()
        shown = message if self.field.text.strip() else ""
        if shown != self._error:
            self.set_error(shown)
        else:
            self._repaint()
        if value is not None and self.propose and self.question is not None:
            self.post_message(Proposed(self.question, value))
