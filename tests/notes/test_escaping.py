"""Free text typed by a user (case label, comments, text answers) cannot break or inject."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from assistant.core.headless import run_file, run_mapping
from assistant.core.render import md_block, md_inline, render, render_template
from tests.conftest import ANSWERS
from tests.notes.conftest import HOSTILE

XHTML = "{http://www.w3.org/1999/xhtml}"
COMMENTS = HOSTILE + "\n\nsecond paragraph\n- not a list\n# not a heading\n| x | y |"


@pytest.fixture
def hostile(tree):
    import yaml

    data = yaml.safe_load((ANSWERS / "oss_several.yaml").read_text())
    data["case_label"] = HOSTILE
    data["comments"] = COMMENTS
    return run_mapping(tree, data).outcome


def _md_html(note: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(note)


def test_markdown_note_renders_hostile_text_as_text(hostile) -> None:
    html = _md_html(render(hostile, "md"))
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "<!--" not in html
    # the text survives, escaped for HTML by the Markdown renderer
    assert "&lt;script&gt;alert('x')&lt;/script&gt; {{ 7*7 }}" in html
    assert "49" not in html.split("Comments")[-1].split("Appendix")[0]
    # no heading, list or table made from the comment lines
    assert "<h1>not a heading" not in html and "<li>not a list" not in html
    assert html.count("<h1>") == 1


def test_markdown_answers_table_keeps_its_shape(hostile) -> None:
    # a free-text answer (a site tree may have text questions without a pattern)
    context = hostile.context()
    context["answers"][0]["label"] = HOSTILE + "\nsecond line | cell"
    context["factors"][0]["answer_label"] = HOSTILE
    note = render_template("note.md.j2", context)
    tokens = MarkdownIt("commonmark").enable("table").parse(note)
    assert "<script" not in _md_html(note)
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    answers_table = tables[0]  # the appendix opens with the answers
    rows = cells = 0
    for token in tokens[answers_table:]:
        if token.type == "table_close":
            break
        rows += token.type == "tr_open"
        cells += token.type in ("td_open", "th_open")
    assert rows == 1 + len(hostile.walk.values)
    assert cells == 2 * rows


def test_md_filters_neutralise_each_special_character() -> None:
    md = MarkdownIt("commonmark").enable("table")
    for text in ("*a*", "_a_", "`a`", "[a](b)", "<b>x</b>", "&amp;", "# h", "- l", "1. l",
                 "a|b", "![i](x)", "~~s~~", "\\*", "> q", "+ l", "=", "a\nb"):
        out = md.renderInline(md_inline(text))
        plain = " ".join(text.split())
        assert out == plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), \
            text
    assert "\n" not in md_inline("one\ntwo\r\nthree")
    assert md_block("a\n\nb") == "a\n\nb"


def test_html_note_escapes_hostile_text(hostile) -> None:
    html = render(hostile, "html")
    root = ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))
    tags = {el.tag.replace(XHTML, "") for el in root.iter()}
    assert "script" not in tags and "img" not in tags
    assert not [el for el in root.iter() if any(a.startswith("on") for a in el.attrib)]
    texts = "".join(root.itertext())
    assert "<script>alert('x')</script> {{ 7*7 }}" in texts
    assert "\x1b" not in html
    label = next(el for el in root.iter(f"{XHTML}p") if el.get("class") == "note-line")
    assert "<img src=x onerror=alert(1)>" in "".join(label.itertext())
    comments = [p for p in root.iter(f"{XHTML}p") if "second paragraph" in (p.text or "")]
    assert comments, "comments keep their paragraphs"


def test_text_note_drops_control_characters(hostile) -> None:
    text = render(hostile, "txt")
    assert "\x1b" not in text
    assert "{{ 7*7 }}" in text
    assert all(len(line) <= 80 for line in text.splitlines())


class _Balance(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        pass

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.mark.parametrize("fixture", ["miss.yaml", "oss_several.yaml", "nonoperative.yaml",
                                     "sins_miss.json"])
def test_html_is_well_formed(tree, fixture: str) -> None:
    html = render(run_file(tree, ANSWERS / fixture).outcome, "html")
    assert html.startswith("<!DOCTYPE html>\n<html")
    ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))  # XHTML: parses as XML
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert not parser.errors and not parser.stack


def test_html_is_one_printable_file(outcome_of) -> None:
    html = render(outcome_of("oss_several.yaml"), "html")
    assert "@media print" in html and "@page" in html and "break-inside: avoid" in html
    assert "size:" not in html.split("@page", 1)[1].split("}", 1)[0]  # A4 or Letter alike
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert "src=" not in html and "url(" not in html  # nothing fetched from elsewhere
