"""The one-line field's state and editing keys, without a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from assistant.tui.widgets.line_edit import INTEGER_CHARACTERS, LineEdit

EDITING_KEYS = ("backspace", "delete", "left", "right", "home", "end", "ctrl+a", "ctrl+e",
                "ctrl+u", "ctrl+k", "ctrl+w", "ctrl+backspace")


def at(text: str, cursor: int, **kwargs) -> LineEdit:
    """A field holding `text` with the cursor before character `cursor`."""
    field = LineEdit(text, **kwargs)
    field.cursor = cursor
    return field


# -- setting and inserting --------------------------------------------------------------
def test_a_new_field_has_the_cursor_after_its_text():
    field = LineEdit("T7")
    assert (field.text, field.cursor) == ("T7", 2)
    assert (LineEdit().text, LineEdit().cursor) == ("", 0)


def test_set_cuts_to_max_length_and_puts_the_cursor_at_the_end():
    field = LineEdit(max_length=3)
    field.set("abcdef")
    assert (field.text, field.cursor) == ("abc", 3)


def test_insert_goes_at_the_cursor_and_moves_it_past_the_insert():
    field = at("T12", 1)
    assert field.insert("1-T") is True
    assert (field.text, field.cursor) == ("T1-T12", 4)
    field.cursor = 0
    assert field.insert(">") is True
    assert (field.text, field.cursor) == (">T1-T12", 1)


def test_insert_stops_at_max_length_and_reports_no_change_when_full():
    field = LineEdit("ab", max_length=4)
    assert field.insert("cdef") is True
    assert (field.text, field.cursor) == ("abcd", 4)
    assert field.insert("x") is False
    assert field.text == "abcd"
    field.cursor = 1  # full: nothing goes in the middle either
    assert field.insert("y") is False
    assert (field.text, field.cursor) == ("abcd", 1)


def test_insert_in_the_middle_keeps_what_fits_of_the_insert():
    field = at("ad", 1, max_length=4)
    assert field.insert("bcXYZ") is True
    assert (field.text, field.cursor) == ("abcd", 3)


def test_an_integer_field_keeps_only_digits_and_signs():
    field = LineEdit(allowed=INTEGER_CHARACTERS)
    assert field.insert("a") is False
    assert field.text == ""
    assert field.insert("-1a2 b+3.4") is True
    assert field.text == "-12+34"
    assert set(INTEGER_CHARACTERS) == set("0123456789+-")


def test_control_characters_and_line_breaks_are_dropped_from_an_insert():
    field = LineEdit()
    assert field.insert("T7\nT8\r\tL1\x1b[A\x00") is True
    assert field.text == "T7T8L1[A"
    assert field.cursor == len("T7T8L1[A")
    assert field.insert("\n\r\t\x07") is False
    assert field.text == "T7T8L1[A"


def test_a_space_is_printable_and_kept():
    field = LineEdit()
    assert field.insert("T7 T8") is True
    assert field.text == "T7 T8"


# -- editing keys -----------------------------------------------------------------------
# Each case: the text and the cursor to start from, then keys in turn, each with what
# `key` returns (True: the text changed; False: only the cursor moved, or nothing could)
# and the text and cursor after it.
KEY_CASES = {
    "backspace deletes before the cursor, nothing at the start": (
        "abc", 2, [("backspace", True, "ac", 1), ("home", False, "ac", 0),
                   ("backspace", False, "ac", 0)]),
    "delete deletes under the cursor, nothing at the end": (
        "abc", 1, [("delete", True, "ac", 1), ("end", False, "ac", 2),
                   ("delete", False, "ac", 2)]),
    "left and right move one and stop at the ends": (
        "ab", 1, [("left", False, "ab", 0), ("left", False, "ab", 0),
                  ("right", False, "ab", 1), ("right", False, "ab", 2),
                  ("right", False, "ab", 2)]),
    "home goes to the start": ("abc", 2, [("home", False, "abc", 0)]),
    "ctrl+a goes to the start": ("abc", 2, [("ctrl+a", False, "abc", 0)]),
    "end goes to the end": ("abc", 1, [("end", False, "abc", 3)]),
    "ctrl+e goes to the end": ("abc", 1, [("ctrl+e", False, "abc", 3)]),
    "ctrl+u deletes everything before the cursor": (
        "T1-T12", 3, [("ctrl+u", True, "T12", 0), ("ctrl+u", False, "T12", 0)]),
    "ctrl+k deletes everything after the cursor": (
        "T1-T12", 2, [("ctrl+k", True, "T1", 2), ("ctrl+k", False, "T1", 2)]),
    # the spaces before the cursor go with the word before them
    "ctrl+w deletes the word before the cursor": (
        "T7 to T9", 8, [("ctrl+w", True, "T7 to ", 6), ("ctrl+w", True, "T7 ", 3)]),
    "ctrl+backspace deletes the word before the cursor": (
        "T7 to T9", 8, [("ctrl+backspace", True, "T7 to ", 6),
                        ("ctrl+backspace", True, "T7 ", 3)]),
    "ctrl+w with trailing spaces takes them and the word": (
        "ab  cd   ", 9, [("ctrl+w", True, "ab  ", 4)]),
    "ctrl+w in a word keeps what follows the cursor": (  # "one tw|o three"
        "one two three", 6, [("ctrl+w", True, "one o three", 4)]),
    "ctrl+w at the start deletes nothing": ("abc", 0, [("ctrl+w", False, "abc", 0)]),
    "ctrl+w on only spaces takes them": ("   x", 3, [("ctrl+w", True, "x", 0)]),
}


@pytest.mark.parametrize(("text", "cursor", "steps"), KEY_CASES.values(), ids=KEY_CASES)
def test_editing_keys(text: str, cursor: int, steps: list[tuple[str, bool, str, int]]):
    field = at(text, cursor)
    for key, changed, after, moved_to in steps:
        assert field.key(key) is changed, key
        assert (field.text, field.cursor) == (after, moved_to), key


@pytest.mark.parametrize("key", ["enter", "tab", "a", "up", "down", "escape", "shift+left"])
def test_other_keys_are_not_editing_keys(key: str):
    field = at("abc", 1)
    assert field.key(key) is None
    assert (field.text, field.cursor) == ("abc", 1)


# -- the window shown in a narrow box ---------------------------------------------------
def test_window_shows_all_of_a_short_text_and_the_cursor_column():
    field = at("abc", 1)
    assert field.window(10) == ("abc", 1)
    field.key("end")
    assert field.window(10) == ("abc", 3)
    assert field.window(4) == ("abc", 3)  # a cell is kept for the cursor after the text


def test_window_scrolls_to_keep_the_cursor_at_the_end_in_view():
    field = LineEdit("abcdefghij")  # cursor after "j"
    shown, column = field.window(4)
    assert (shown, column) == ("hij", 3)
    field.cursor = 5  # before "f"
    shown, column = field.window(4)
    assert (shown, column) == ("cdef", 3)
    assert shown[column] == "f"
    field.cursor = 0
    assert field.window(4) == ("abcd", 0)


def test_window_counts_wide_characters_as_two_cells():
    # BUG found here (fixed in line_edit.py): the window was cut in characters, so 30
    # double-width characters in a 20-cell window showed the first 20 (40 cells) and
    # the cursor after them was out of the box.
    field = LineEdit("字" * 30)
    shown, column = field.window(20)
    assert (shown, column) == ("字" * 9, 9)  # 18 cells and the cursor's cell
    field.cursor = 0
    assert field.window(20) == ("字" * 10, 0)
    field = LineEdit("ab字字cd")
    field.cursor = 3  # under the second 字
    assert field.window(5) == ("b字字", 2)  # 1 + 2 + the cursor's two cells


def test_window_of_no_width():
    assert LineEdit("abc").window(0) == ("", 0)
    assert LineEdit("abc").window(-3) == ("", 0)


# -- properties over any editing --------------------------------------------------------
EDITS = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.text(max_size=12)),
    st.tuples(st.just("insert"), st.sampled_from(["\n", "a\nb", "12", " ", "\x1b", "é", "字",
                                                  "Ｔ７", "e\u0301"])),
    st.tuples(st.just("key"), st.sampled_from(EDITING_KEYS)),
), max_size=40)


@given(start=st.text(max_size=20), max_length=st.integers(min_value=0, max_value=30),
       integer=st.booleans(), edits=EDITS, width=st.integers(min_value=1, max_value=12))
def test_any_editing_keeps_the_cursor_and_the_window_consistent(
        start: str, max_length: int, integer: bool, edits: list, width: int):
    allowed = INTEGER_CHARACTERS if integer else None
    # `set` takes any text (a default); start from one the field could hold
    start = "".join(c for c in start if c.isprintable() and (allowed is None or c in allowed))
    field = LineEdit(start, max_length=max_length, allowed=allowed)
    for kind, arg in edits:
        before = field.text
        changed = field.insert(arg) if kind == "insert" else field.key(arg)
        assert changed is (field.text != before)
        assert 0 <= field.cursor <= len(field.text) <= max_length
        assert all(c.isprintable() and (allowed is None or c in allowed) for c in field.text)
        shown, column = field.window(width)
        assert 0 <= column <= len(shown)
        assert 0 <= cell_len(shown[:column]) < width  # the cursor's column, in cells
        # in cells, the cursor's cell(s) included (a wide character under the
        # cursor cannot fit a window of one cell)
        under = cell_len(field.text[field.cursor:field.cursor + 1]) or 1
        assert cell_len(shown[:column]) + under <= max(width, under)
        assert cell_len(shown) <= max(width, under)
        # the window is the text around the cursor: the cursor's character is under it
        assert shown[column:column + 1] == field.text[field.cursor:field.cursor + 1]
        assert shown[:column] == field.text[field.cursor - column:field.cursor]


@given(text=st.text(max_size=60))
def test_inserted_text_never_holds_control_characters(text: str):
    field = LineEdit()
    field.insert(text)
    assert all(c.isprintable() for c in field.text)
    assert field.text == "".join(c for c in text if c.isprintable())[:500]
