"""The note's Markdown drawn as Rich's Markdown draws it, without markdown-it or Pygments.

Why: `rich.markdown` imports markdown-it (entity tables, rule chains) and, for code blocks
the note never has, `rich.syntax` and Pygments: about 3 MiB that stayed in the app for the
rest of its life, a quarter of what the result screen cost. The shipped note uses a small,
regular part of Markdown (ATX headings, paragraphs, `-` and `1.` lists, block quotes,
pipe tables, `---`, emphasis, code spans, links, escapes, hard breaks); this parses that
part and builds the same Rich renderables, with the same styles, that `rich.markdown`
builds. Anything outside it (a site template's HTML, `_emphasis_`, code blocks, nested
lists, lazy lines, entities...) raises `Unsupported` and the note goes to Rich's Markdown,
imported then: never wrong, only heavier. tests/tui/test_note_view.py holds the two to
the same output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.containers import Renderables
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text


class Unsupported(Exception):
    """Markdown this module does not draw exactly as Rich would."""


# A span: (text, inline style names) with names among strong, em, code, link, link_url.
Span = tuple[str, tuple[str, ...]]
Block = tuple[Any, ...]

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MD_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
)
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ ]+(.*?))?[ ]*$")
_HR = re.compile(r" {0,3}(?:-{3,}|\*{3,}|_{3,})[ ]*$")
_BULLET = re.compile(r"([-*+])( {1,4})(\S.*)$")
_ORDERED = re.compile(r"(\d{1,9})([.)])( {1,4})(\S.*)$")
_DELIMITER_CELL = re.compile(r":?-+:?")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_URL = re.compile(r"https?://[a-z0-9.-]+(?:[/?#][A-Za-z0-9;/?:@&=+$,\-_.!~*'#]*)?")
# Indented code, HTML, fences, tabs, list items this module does not take as items.
_NOT_PARAGRAPH_START = re.compile(r"\s{4}|\s*(?:[<`~]|\t|[-*+]\s|\d{1,9}[.)]\s)")


def _is_space(char: str) -> bool:
    return char in _MD_WHITESPACE


def _is_punct(char: str) -> bool:
    return char in _ASCII_PUNCT or unicodedata.category(char).startswith(("P", "S"))


# -- inline ----------------------------------------------------------------------------
def parse_inline(src: str) -> list[Span]:
    """A paragraph's (or cell's) text as styled spans, as markdown-it and Rich see it."""
    nodes: list[list[Any]] = []  # ["text", str] / ["delim", count, open, close, names]
    text: list[str] = []

    def flush() -> None:
        if text:
            nodes.append(["text", "".join(text)])
            text.clear()

    i, end = 0, len(src)
    while i < end:
        char = src[i]
        if char == "\\":
            nxt = src[i + 1] if i + 1 < end else ""
            if nxt in _ASCII_PUNCT and nxt:
                text.append(nxt)
                i += 2
                continue
            if nxt == "\n":
                raise Unsupported("backslash hard break")
            text.append("\\")
            i += 1
        elif char == "\n":
            hard = len(text) > 0 and "".join(text).endswith("  ")
            while text and text[-1] == " ":
                text.pop()
            if text and text[-1].endswith(" "):
                text[-1] = text[-1].rstrip(" ")
            flush()
            nodes.append(["text", "\n" if hard else " "])
            i += 1
            while i < end and src[i] == " ":
                i += 1
        elif char == "*":
            run = i
            while run < end and src[run] == "*":
                run += 1
            count = run - i
            last = src[i - 1] if i > 0 else " "
            nxt = src[run] if run < end else " "
            for near in (last, nxt):
                if ord(near) > 127 and not (near.isalnum() or _is_space(near)):
                    raise Unsupported("emphasis next to a non-ASCII symbol")
            last_punct, next_punct = _is_punct(last), _is_punct(nxt)
            last_space, next_space = _is_space(last), _is_space(nxt)
            left = not (next_space or (next_punct and not (last_space or last_punct)))
            right = not (last_space or (last_punct and not (next_space or next_punct)))
            if not left and not right:
                text.append("*" * count)
            else:
                if count > 2:
                    raise Unsupported("a run of three or more '*'")
                flush()
                nodes.append(["delim", count, left, right, None])
            i = run
        elif char == "`":
            run = i
            while run < end and src[run] == "`":
                run += 1
            ticks = src[i:run]
            close = src.find(ticks, run)
            while close != -1 and close + len(ticks) < end and src[close + len(ticks)] == "`":
                close = src.find(ticks, close + len(ticks) + 1)
            if close == -1 or src[close - 1] == "`":
                raise Unsupported("an unclosed code span")
            code = src[run:close].replace("\n", " ")
            if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
                code = code[1:-1]
            flush()
            nodes.append(["code", code])
            i = close + len(ticks)
        elif char == "[":
            close = src.find("](", i)
            paren = src.find(")", close + 2) if close != -1 else -1
            label = src[i + 1:close] if close != -1 else ""
            url = src[close + 2:paren] if paren != -1 else ""
            if (close == -1 or paren == -1 or any(c in label for c in "[]*`_<&!\n")
                    or _URL.fullmatch(url) is None or "(" in url):
                raise Unsupported("a link other than [text](https://...)")
            plain = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", label)
            flush()
            nodes.append(["link", plain, url])
            i = paren + 1
        elif char in "_<" or (char == "!" and src.startswith("![", i)) \
                or (char == "~" and src.startswith("~~", i)) \
                or (char == "&" and _ENTITY.match(src, i)) or char == "\t":
            raise Unsupported(f"inline markup starting with {char!r}")
        else:
            text.append(char)
            i += 1
    flush()
    _match_emphasis(nodes)
    spans: list[Span] = []
    names: tuple[str, ...] = ()
    for node in nodes:
        kind = node[0]
        if kind == "text":
            spans.append((node[1], names))
        elif kind == "code":
            spans.append((node[1], (*names, "code")))
        elif kind == "link":  # hyperlinks off: "text (url)", as Rich writes it
            spans.extend([(node[1], (*names, "link")), (" (", names),
                          (node[2], (*names, "link_url")), (")", names)])
        elif node[4] == "open":
            names = (*names, "strong" if node[1] == 2 else "em")
        else:
            names = names[:-1]
    return spans


def _match_emphasis(nodes: list[list[Any]]) -> None:
    """CommonMark's delimiter matching for `*` and `**`, refusing every case that would
    leave a delimiter literal or split a run (those go to Rich's Markdown)."""
    delims = [n for n in nodes if n[0] == "delim"]
    openers: list[list[Any]] = []
    for delim in delims:
        _, count, can_open, can_close, _ = delim
        matched = False
        if can_close:
            for index in range(len(openers) - 1, -1, -1):
                opener = openers[index]
                odd = (can_open or opener[3]) and (opener[1] + count) % 3 == 0 \
                    and not (opener[1] % 3 == 0 and count % 3 == 0)
                if odd:
                    continue
                if opener[1] != count or index != len(openers) - 1:
                    raise Unsupported("emphasis that does not nest simply")
                openers.pop()
                opener[4], delim[4] = "open", "close"
                matched = True
                break
        if not matched:
            if not can_open:
                raise Unsupported("a closing '*' without an opener")
            openers.append(delim)
    if openers:
        raise Unsupported("an opening '*' without a closer")


# -- blocks ----------------------------------------------------------------------------
def parse_blocks(lines: list[str]) -> list[Block]:
    """Blocks: ("p", spans), ("h", level, spans), ("hr",), ("quote", blocks),
    ("list", ordered, start, [spans per item]), ("table", aligns, header, rows)."""
    blocks: list[Block] = []
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if (match := _HEADING.fullmatch(line)) is not None:
            content = match.group(2) or ""
            if content.endswith("#"):
                raise Unsupported("a closed ATX heading")
            blocks.append(("h", len(match.group(1)), parse_inline(content.strip())))
            i += 1
        elif _HR.fullmatch(line):
            blocks.append(("hr",))
            i += 1
        elif line.startswith(">"):
            inner = []
            while i < count and lines[i].startswith(">"):
                body = lines[i][1:]
                inner.append(body[1:] if body.startswith(" ") else body)
                i += 1
            if i < count and lines[i].strip():
                raise Unsupported("a lazy block quote line")
            blocks.append(("quote", parse_blocks(inner)))
        elif _BULLET.match(line) or _ORDERED.match(line):
            i = _parse_list(lines, i, blocks)
        elif line.startswith("|") and i + 1 < count and _is_delimiter_row(lines[i + 1]):
            i = _parse_table(lines, i, blocks)
        else:
            if _NOT_PARAGRAPH_START.match(line) or line.startswith(" "):
                raise Unsupported("an indented, fenced or HTML block")
            para = [line]
            i += 1
            while i < count and lines[i].strip():
                nxt = lines[i]
                if _HEADING.fullmatch(nxt) or nxt.startswith(">") or _BULLET.match(nxt):
                    break
                if _HR.fullmatch(nxt) or _is_setext(nxt) or nxt.startswith("|") \
                        or _ORDERED.match(nxt) or _NOT_PARAGRAPH_START.match(nxt):
                    raise Unsupported("a paragraph followed by a block that may join it")
                para.append(nxt)
                i += 1
            blocks.append(("p", parse_inline("\n".join(para).strip(" "))))
    return blocks


def _is_setext(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and (set(stripped) <= {"="} or set(stripped) <= {"-"})


def _parse_list(lines: list[str], i: int, blocks: list[Block]) -> int:
    first = _BULLET.match(lines[i])
    ordered = first is None
    start = 1
    marker = first.group(1) if first else _ORDERED.match(lines[i]).group(2)  # type: ignore[union-attr]
    items: list[list[Span]] = []
    count = len(lines)
    while i < count:
        match = _ORDERED.match(lines[i]) if ordered else _BULLET.match(lines[i])
        if match is None or (match.group(2) if ordered else match.group(1)) != marker:
            break
        if ordered and not items:
            start = int(match.group(1))
        items.append(parse_inline(match.group(match.lastindex or 0).rstrip(" ")))
        i += 1
        after = i
        while after < count and not lines[after].strip():
            after += 1
        if i < count and lines[i].strip():
            continue  # the next item follows at once (checked on the next turn)
        if after < count and (_ORDERED if ordered else _BULLET).match(lines[after]):
            i = after  # a loose list: Rich draws it as a tight one
            continue
        if after < count and lines[after].startswith(" "):
            raise Unsupported("an indented line after a list item")
        break
    if i < count and lines[i].strip() and not (
            _HEADING.fullmatch(lines[i]) or lines[i].startswith(">")):
        raise Unsupported("a list item continued on the next line")
    blocks.append(("list", ordered, start, items))
    return i


def _split_row(line: str) -> list[str]:
    if "`" in line:
        raise Unsupported("a code span in a table row")
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells, cell, escaped = [], [], False
    for char in row:
        if char == "|" and not escaped:
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(char)
        escaped = char == "\\" and not escaped
    cells.append("".join(cell).strip())
    return cells


def _is_delimiter_row(line: str) -> bool:
    if "|" not in line:
        return False
    cells = _split_row(line)
    return all(_DELIMITER_CELL.fullmatch(cell) for cell in cells)


def _parse_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    header = _split_row(lines[i])
    aligns = []
    for cell in _split_row(lines[i + 1]):
        left, right = cell.startswith(":"), cell.endswith(":")
        aligns.append("center" if left and right else "right" if right
                      else "left" if left else "default")
    if len(header) != len(aligns):
        raise Unsupported("a table whose header and delimiter rows differ")
    rows = []
    i += 2
    while i < len(lines) and lines[i].strip():
        if not lines[i].startswith("|"):
            raise Unsupported("a table row without a leading pipe")
        cells = _split_row(lines[i])
        if len(cells) != len(aligns):
            raise Unsupported("a table row with another number of cells")
        rows.append([parse_inline(cell) for cell in cells])
        i += 1
    blocks.append(("table", aligns, [parse_inline(cell) for cell in header], rows))
    return i


# -- rendering, as rich.markdown does it -----------------------------------------------
_JUSTIFY = {1: "center"}


class NoteMarkdown:
    """A Rich renderable for the parsed note; styles come from the console's theme."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.blocks = parse_blocks(markup.splitlines())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        options = options.update(height=None)
        base = console.get_style("none", default="none")
        new_line = False
        for block in self.blocks:
            if new_line or _closes_inner_block(block):
                yield Segment.line()
            yield from console.render(_element(console, block, base), options)
            new_line = block[0] != "hr"


def _closes_inner_block(block: Block) -> bool:
    """rich.markdown writes the blank line before a block when the element closed last
    asks for one: for a list, quote or table that is an element inside it (so even the
    first block, or one after a rule, gets a blank line above it)."""
    if block[0] in ("list", "table"):
        return True
    return block[0] == "quote" and bool(block[1]) and (
        block[1][-1][0] != "hr" or _closes_inner_block(block[1][-1]))


def _text(console: Console, spans: list[Span], style: Style, **kwargs: Any) -> Text:
    text = Text(**kwargs)
    for content, names in spans:
        current = style
        for name in names:
            current = current + console.get_style(f"markdown.{name}", default="none")
        text.append(content, current)
    return text


def _element(console: Console, block: Block, style: Style) -> RenderableType:
    kind = block[0]
    get = console.get_style
    if kind == "p":
        return _text(console, block[1], style + get("markdown.paragraph", default="none"),
                     justify="left")
    if kind == "h":
        text = _text(console, block[2], style + get(f"markdown.h{block[1]}", default="none"))
        text.justify = _JUSTIFY.get(block[1], "left")  # type: ignore[assignment]
        return text
    if kind == "hr":
        return _Rule(console)
    if kind == "quote":
        quote = style + get("markdown.block_quote", default="none")
        return _Prefixed([_element(console, b, quote) for b in block[1]], quote, "quote")
    if kind == "list":
        _, ordered, start, items = block
        item_style = style + get("markdown.item", default="none")
        paragraph = item_style + get("markdown.paragraph", default="none")
        return _List([_text(console, spans, paragraph, justify="left") for spans in items],
                     item_style, ordered, start)
    _, aligns, header, rows = block
    table = Table(box=box.SIMPLE, pad_edge=False, style="markdown.table.border",
                  show_edge=True, collapse_padding=True)
    for spans, justify in zip(header, aligns, strict=True):
        heading = _text(console, spans, style, justify=justify)
        heading.stylize("markdown.table.header")
        table.add_column(heading)
    for row in rows:
        table.add_row(*(_text(console, spans, style, justify=justify)
                        for spans, justify in zip(row, aligns, strict=True)))
    return table


class _Rule:
    def __init__(self, console: Console) -> None:
        self.style = console.get_style("markdown.hr", default="none")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.rule import Rule

        yield Rule(style=self.style, characters="-")
        yield Text()


class _Prefixed:
    """A block quote: its blocks, narrower by four cells, each line after "▌ "."""

    def __init__(self, elements: list[RenderableType], style: Style, kind: str) -> None:
        self.elements, self.style, self.kind = elements, style, kind

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(Renderables(self.elements),
                                     options.update(width=options.max_width - 4),
                                     style=self.style)
        padding = Segment("▌ ", self.style)
        for line in lines:
            yield padding
            yield from line
            yield Segment("\n")


class _List:
    """Bulleted or numbered items, as rich.markdown's ListItem draws them."""

    def __init__(self, items: list[Text], style: Style, ordered: bool, start: int) -> None:
        self.items, self.style, self.ordered, self.start = items, style, ordered, start

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment("\n")
        if not self.ordered:
            bullet_style = console.get_style("markdown.item.bullet", default="none")
            marks: Iterator[tuple[Segment, Segment]] = iter(
                [(Segment(" • ", bullet_style), Segment("   ", bullet_style))] * len(self.items))
            width = 3
        else:
            last = self.start + len(self.items)
            width = len(str(last)) + 2
            number_style = console.get_style("markdown.item.number", default="none")
            marks = ((Segment(f"{n}".rjust(width - 1) + " ", number_style),
                      Segment(" " * width, number_style))
                     for n in range(self.start, last))
        render_options = options.update(width=options.max_width - width)
        for item, (first_mark, padding) in zip(self.items, marks, strict=False):
            lines = console.render_lines(Renderables([item]), render_options, style=self.style)
            for index, line in enumerate(lines):
                yield first_mark if index == 0 else padding
                yield from line
                yield new_line


def note_renderable(markup: str) -> RenderableType:
    """The note for the screen: drawn here when it can be, else by Rich's Markdown."""
    try:
        return NoteMarkdown(markup)
    except Unsupported:
        from rich.markdown import Markdown

        return Markdown(markup, hyperlinks=False)
