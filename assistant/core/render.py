"""Notes from templates: Jinja2's sandbox, StrictUndefined, autoescaping for HTML.

Jinja2 is imported here only, when a note is first needed; each environment (and so each
compiled template) is built once per process and folder.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from assistant.core import paths
from assistant.core.errors import Location, TemplateError, did_you_mean, one_of
from assistant.core.result import Outcome, clean_text

FORMATS = {"md": "note.md.j2", "txt": "note.txt.j2", "html": "note.html.j2"}
ALL_FORMATS = (*FORMATS, "json")
EXTENSIONS = {"md": ".md", "txt": ".txt", "html": ".html", "json": ".json"}


def _wrap(text: str, width: int = 80, indent: str = "", subsequent: str | None = None) -> str:
    """Wrap prose for the plain-text note (keeps words whole)."""
    words = clean_text(str(text)).split()
    return "\n".join(fill_words(words, width, indent, indent if subsequent is None
                                 else subsequent))


def fill_words(words: list[str], width: int, indent: str, subsequent: str) -> list[str]:
    """`textwrap.fill`'s lines (break_long_words, no breaks on hyphens) in linear time:
    textwrap copies the rest of a long word at every cut (a 20 MB word took minutes)."""
    lines: list[str] = []
    line: list[str] = []  # the words (or pieces) of the line being filled, joined by blanks
    used, room = 0, width - len(indent)
    for word in words:
        size = len(word)
        if line and used + 1 + size <= room:  # the usual case: it fits after a blank
            line.append(word)
            used += 1 + size
            continue
        start = 0
        while True:
            rest, gap = size - start, 1 if line else 0
            if used + gap + rest <= room:
                line.append(word[start:] if start else word)
                used += gap + rest
                break
            if rest <= room:  # fits on a line of its own: the next one
                lines.append((subsequent if lines else indent) + " ".join(line))
                line, used, room = [], 0, width - len(subsequent)
                continue
            # longer than a whole line: fill what is left of this one, then cut at offsets
            space = 1 if room < 1 else room - used - gap
            if space > 0:
                line.append(word[start:start + space])
                start += space
            lines.append((subsequent if lines else indent) + " ".join(line))
            line, used, room = [], 0, width - len(subsequent)
            if start >= size:  # a margin wider than the width: one character a line
                break
    if line:
        lines.append((subsequent if lines else indent) + " ".join(line))
    return lines


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&$])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|(?=[-+=]))(.)")


def md_inline(text: str) -> str:
    """User text made inert in Markdown: one line, every significant character escaped.

    Safe inside table cells and emphasis: no newline, `|` escaped, no raw HTML (`<`, `&`).
    """
    return _md_inline(text if type(text) is str else str(text))


# What Markdown renderers turn into links without brackets (GFM's autolinks, linkify's
# fuzzy links): a scheme, `www.`, an e-mail address, a dotted host name.
# (A scheme is looked for only where a run of scheme characters starts: one pass, linear.
# ASCII letters spelled out: `(?i)` makes the compile five times slower, ~1.5 ms a start.)
_LINKISH = re.compile(r"(?<![a-zA-Z0-9+.\-])[a-zA-Z][a-zA-Z0-9+.\-]*:(?=\S)|[wW]{3}\.|@"
                      r"|[a-zA-Z0-9\-]\.[a-zA-Z]{2,}")
_WORD = re.compile(r"\S+")
_LINK_PUNCTUATION = re.compile(r"([.:@])")


def _unlinked(word: re.Match[str]) -> str:
    """A word that a renderer would make a link, with `.`, `:` and `@` escaped: shown the
    same, but no longer a link (a case label is never a clickable URL)."""
    text = word.group()
    return _LINK_PUNCTUATION.sub(r"\\\1", text) if _LINKISH.search(text) else text


@lru_cache(maxsize=4096)
def _md_inline(text: str) -> str:  # called per value per note, mostly on the tree's texts
    one_line = " ".join(clean_text(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    if _LINKISH.search(escaped):
        escaped = _WORD.sub(_unlinked, escaped)
    return _MD_LINE_START.sub(r"\1\2\\\3", escaped)


def paragraphs(text: str) -> list[str]:
    """Free text as a list of one-line paragraphs (split on blank lines)."""
    parts = re.split(r"\n\s*\n", clean_text(str(text)).strip())
    return [" ".join(p.split()) for p in parts if p.strip()]


def md_block(text: str) -> str:
    """User text as Markdown paragraphs: blank-line breaks kept, everything else inline."""
    return "\n\n".join(md_inline(p) for p in paragraphs(text))


def _wrap_paragraphs(text: str, width: int = 80, indent: str = "") -> str:
    """Wrap free text for the plain-text note, keeping its paragraphs."""
    return "\n\n".join(_wrap(p, width, indent) for p in paragraphs(text))


@cache
def environment(folder: str | None = None) -> Any:
    """A limited sandbox over the site folder (if any) then the shipped templates.

    Compiled templates (marshal data) are kept only in a private folder, checked before
    every use (`template_files.PrivateBytecodeCache`).
    """
    from jinja2 import ChoiceLoader, StrictUndefined, select_autoescape

    from assistant.core.sandbox import LimitedSandbox
    from assistant.core.template_files import FolderLoader, bytecode_cache

    loaders = [FolderLoader(folder)] if folder else []
    loaders.append(FolderLoader(paths.templates_dir()))
    env = LimitedSandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a template is read once per process: no stat on every note
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        wrap=_wrap, wrap_paragraphs=_wrap_paragraphs, md=md_inline, paragraphs=paragraphs,
        md_block=md_block, tojson_pretty=lambda v: json.dumps(v, indent=2, ensure_ascii=False),
    )
    return env


def _template_error(
    exc: Exception, name: str, folder: str | None, context: dict[str, Any] | None = None
) -> TemplateError:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from assistant.core.sandbox import TemplateLimit

    file = getattr(exc, "filename", None) or str(
        Path(folder or paths.templates_dir()) / name
    )
    if isinstance(exc, TemplateSyntaxError):
        message = (exc.message or "").rstrip(".")
        unknown = re.match(r"No (filter|test) named '([^']+)'", message)
        if unknown:  # a typo in a filter name is the usual cause
            env = environment(folder)
            known = env.filters if unknown.group(1) == "filter" else env.tests
            message += did_you_mean(unknown.group(2), known)
        return TemplateError(f"template syntax error: {message}",
                             Location(file, exc.lineno, 1))
    inner, line = _template_place(exc)
    where = Location(inner or file, line, 1 if line else None)
    if isinstance(exc, UndefinedError):
        detail = (exc.message or "").rstrip(".")
        message = f"template uses an undefined variable: {detail}"
        undefined = re.fullmatch(r"'([^']+)' is undefined", detail)
        if undefined and context is not None:
            return TemplateError(message + did_you_mean(undefined.group(1), context), where,
                                 one_of(sorted(context), limit=40))
        return TemplateError(message, where, "see the context documented in templates/README.md")
    if isinstance(exc, TemplateLimit):
        return TemplateError(f"template went past a limit: {exc}", where,
                             "limits are in assistant/core/sandbox.py")
    if isinstance(exc, SecurityError):
        return TemplateError(f"template refused by the sandbox: {str(exc).rstrip('.')}", where,
                             "templates may not reach Python internals")
    return TemplateError(f"template failed: {type(exc).__name__}: {exc}", where)


def _template_place(exc: Exception) -> tuple[str | None, int | None]:
    """The innermost template frame of a failure: (file, line), from Jinja2's traceback."""
    tb = exc.__traceback__
    place: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2") or \
                tb.tb_frame.f_globals.get("__jinja_template__") is not None:
            place = (code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return place


def get_template(name: str, folder: str | None = None) -> Any:
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import TemplateNotFound

    env = environment(folder)
    try:
        return env.get_template(name)
    except TemplateNotFound:
        raise TemplateError(f"template '{name}' not found",
                            Location(str(folder or paths.templates_dir()))) from None
    except JinjaTemplateError as exc:
        raise _template_error(exc, name, folder) from None
    except (RecursionError, MemoryError, SyntaxError) as exc:  # nesting Python cannot compile
        raise TemplateError(f"template is nested too deeply ({type(exc).__name__})",
                            Location(str(Path(folder or paths.templates_dir()) / name)),
                            "flatten its expressions and blocks") from None


def render_template(name: str, context: dict[str, Any], folder: str | None = None) -> str:
    """Compiled once per process and folder. Whatever a template does wrong (a limit, `1/0`,
    a filter given the wrong thing) is one located line; the tool's own errors pass as is."""
    from assistant.core.sandbox import render_limited

    template = get_template(name, folder)
    try:
        return render_limited(template, context)
    except TemplateError:
        raise
    except RecursionError as exc:
        file, line = _template_place(exc)
        raise TemplateError(
            "template calls itself without end (a macro, include or extends)",
            Location(file or template.filename or name, line, 1 if line else None),
            "nothing may include or extend itself",
        ) from None
    except Exception as exc:  # Jinja2's classes are looked up only when one is raised
        raise _template_error(exc, name, folder, context) from None


def render(outcome: Outcome, fmt: str = "md", folder: str | None = None) -> str:
    """The note in one format; JSON wraps the Markdown note per the contract."""
    context = outcome.context()
    if fmt == "json":
        note = render_template(FORMATS["md"], context, folder)
        # The sandbox keeps templates from changing the context: its factors are as made.
        return json.dumps(outcome.to_json(note, context["factors"]), indent=2,
                          ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise TemplateError(f"unknown format '{fmt}'", allowed=", ".join(ALL_FORMATS))
    return render_template(FORMATS[fmt], context, folder)
