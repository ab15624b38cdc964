"""A one-line text field's state and its editing keys, without any widget.

Why not Textual's Input: the question view is one widget for every kind of question, so
an answer never moves the focus (a focus change restyles both widgets and rebuilds the
footer, several milliseconds per answer). Numbers and short codes need only this much
editing, and as plain state it is tested without a terminal.
"""

from __future__ import annotations

from rich.cells import cell_len

INTEGER_CHARACTERS = frozenset("0123456789+-")


class LineEdit:
    """Text, a cursor between characters, and the editing operations of a shell prompt."""

    __slots__ = ("allowed", "cursor", "max_length", "text")

    def __init__(self, text: str = "", *, max_length: int = 500,
                 allowed: frozenset[str] | None = None) -> None:
        self.max_length = max_length
        self.allowed = allowed  # None: any printable character
        self.text = ""
        self.cursor = 0
        self.set(text)

    def set(self, text: str) -> None:
        """Replace the text, the cursor at its end."""
        self.text = text[: self.max_length]
        self.cursor = len(self.text)

    def insert(self, typed: str) -> bool:
        """Insert at the cursor what may go in the field; True when the text changed.

        Line breaks and control characters (a paste of several lines) are dropped, and so
        is anything an integer field does not take.
        """
        kept = "".join(c for c in typed if c.isprintable() and
                       (self.allowed is None or c in self.allowed))
        kept = kept[: self.max_length - len(self.text)]
        if not kept:
            return False
        self.text = self.text[: self.cursor] + kept + self.text[self.cursor:]
        self.cursor += len(kept)
        return True

    def key(self, name: str) -> bool | None:
        """Apply an editing key: True when the text changed, False when only the cursor
        moved (or nothing could), None when `name` is not an editing key."""
        text, cursor = self.text, self.cursor
        if name == "backspace":
            if cursor:
                self.text, self.cursor = text[: cursor - 1] + text[cursor:], cursor - 1
        elif name == "delete":
            self.text = text[:cursor] + text[cursor + 1:]
        elif name == "left":
            self.cursor = max(0, cursor - 1)
        elif name == "right":
            self.cursor = min(len(text), cursor + 1)
        elif name in ("home", "ctrl+a"):
            self.cursor = 0
        elif name in ("end", "ctrl+e"):
            self.cursor = len(text)
        elif name == "ctrl+u":  # everything before the cursor
            self.text, self.cursor = text[cursor:], 0
        elif name == "ctrl+k":  # everything after it
            self.text = text[:cursor]
        elif name in ("ctrl+w", "ctrl+backspace"):  # the word before the cursor
            start = len(text[:cursor].rstrip())
            while start and not text[start - 1].isspace():
                start -= 1
            self.text, self.cursor = text[:start] + text[cursor:], start
        else:
            return None
        return self.text != text

    def window(self, width: int) -> tuple[str, int]:
        """The part of the text that fits `width` cells with the cursor in view, and the
        cursor's index in it (a cell is kept for the cursor after the last character).
        Measured in cells, not characters: a wide character (CJK, full-width) takes two."""
        if width <= 0:
            return "", 0
        text, cursor = self.text, self.cursor
        used = cell_len(text[cursor: cursor + 1]) or 1  # the cursor's own cell(s)
        start = cursor
        while start and used + cell_len(text[start - 1]) <= width:
            start -= 1
            used += cell_len(text[start])
        end = cursor + 1 if cursor < len(text) else cursor
        while end < len(text) and used + cell_len(text[end]) <= width:
            used += cell_len(text[end])
            end += 1
        return text[start:end], cursor - start
