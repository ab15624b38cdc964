"""Notes from templates: Jinja2's sandbox, StrictUndefined, autoescaping for HTML.

Jinja2 is imported here only, when a note is first needed; each environment (and so each
compiled template) is built once per process and folder.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
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
    return textwrap.fill(
        " ".join(clean_text(str(text)).split()), width=width, initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=True, break_on_hyphens=False,
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&$])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|(?=[-+=]))(.)")


def md_inline(text: str) -> str:
    """User text made inert in Markdown: one line, every significant character escaped.

    Safe inside table cells and emphasis: no newline, `|` escaped, no raw HTML (`<`, `&`).
    """
    return _md_inline(text if type(text) is str else str(text))


@lru_cache(maxsize=4096)
def _md_inline(text: str) -> str:  # called per value per note, mostly on the tree's texts
    one_line = " ".join(clean_text(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    return _MD_LINE_START.sub(r"\1\2\\\3", escaped)


def md_block(text: str) -> str:
    """User text as Markdown paragraphs: blank-line breaks kept, everything else inline."""
    paragraphs = re.split(r"\n\s*\n", clean_text(str(text)).strip())
    return "\n\n".join(md_inline(p) for p in paragraphs if p.strip())


def paragraphs(text: str) -> list[str]:
    """Free text as a list of one-line paragraphs (split on blank lines)."""
    parts = re.split(r"\n\s*\n", clean_text(str(text)).strip())
    return [" ".join(p.split()) for p in parts if p.strip()]


def _wrap_paragraphs(text: str, width: int = 80, indent: str = "") -> str:
    """Wrap free text for the plain-text note, keeping its paragraphs."""
    paragraphs = re.split(r"\n\s*\n", clean_text(str(text)).strip())
    return "\n\n".join(_wrap(p, width, indent) for p in paragraphs if p.strip())


def _bytecode_cache() -> Any:
    """Compiled templates kept between runs: compiling the note costs more than a `run`."""
    from assistant.core.cache import template_cache_dir

    folder = template_cache_dir()
    if folder is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(str(folder))


@cache
def environment(folder: str | None = None) -> Any:
    """A sandboxed environment over the site folder (if any) then the shipped templates."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders = [FileSystemLoader(folder)] if folder else []
    loaders.append(FileSystemLoader(str(paths.templates_dir())))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["wrap"] = _wrap
    env.filters["wrap_paragraphs"] = _wrap_paragraphs
    env.filters["md"] = md_inline
    env.filters["paragraphs"] = paragraphs
    env.filters["md_block"] = md_block
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)
    return env


def _template_error(
    exc: Exception, name: str, folder: str | None, context: dict[str, Any] | None = None
) -> TemplateError:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

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
    line = _template_line(exc)
    if isinstance(exc, UndefinedError):
        message = (exc.message or "").rstrip(".")
        name = re.fullmatch(r"'([^']+)' is undefined", message)
        if name and context is not None:
            return TemplateError(
                f"template uses an undefined variable: {message}"
                f"{did_you_mean(name.group(1), context)}",
                Location(file, line, 1 if line else None),
                one_of(sorted(context), limit=40),
            )
        return TemplateError(f"template uses an undefined variable: {message}",
                             Location(file, line, 1 if line else None),
                             "see the context documented in templates/README.md")
    if isinstance(exc, SecurityError):
        return TemplateError(f"template refused by the sandbox: {str(exc).rstrip('.')}",
                             Location(file, line, 1 if line else None),
                             "templates may not reach Python internals")
    return TemplateError(f"template failed: {type(exc).__name__}: {exc}",
                         Location(file, line, 1 if line else None))


def _template_line(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2") or \
                tb.tb_frame.f_globals.get("__jinja_template__") is not None:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def get_template(name: str, folder: str | None = None) -> Any:
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import TemplateNotFound

    env = environment(folder)
    try:
        return env.get_template(name)
    except UnicodeDecodeError as exc:  # a site template saved in another encoding
        file = Path(folder) / name if folder and (Path(folder) / name).is_file() else \
            paths.templates_dir() / name
        data = exc.object if isinstance(exc.object, bytes) else b""
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TemplateError(f"template is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                            Location(str(file), line, col), "save the file as UTF-8") from None
    except TemplateNotFound:
        raise TemplateError(f"template '{name}' not found",
                            Location(str(folder or paths.templates_dir()))) from None
    except JinjaTemplateError as exc:
        raise _template_error(exc, name, folder) from None


def render_template(name: str, context: dict[str, Any], folder: str | None = None,
                    template: Any = None) -> str:
    """Render one template; `template`: the compiled `name`, when the caller holds it."""
    if template is None:
        template = get_template(name, folder)
    try:
        return template.render(**context)
    except Exception as exc:  # Jinja2's classes are looked up only when one is raised
        from jinja2 import TemplateError as JinjaTemplateError

        if isinstance(exc, JinjaTemplateError):
            raise _template_error(exc, name, folder, context) from None
        if isinstance(exc, (TypeError, ValueError, AttributeError, KeyError)):
            raise _template_error(exc, name, folder) from None
        raise


def render(outcome: Outcome, fmt: str = "md", folder: str | None = None,
           template: Any = None) -> str:
    """The note in one format; JSON wraps the Markdown note per the contract.

    `template`: the compiled template of this format, when the caller holds it (a batch
    fetches it once instead of asking Jinja2, which checks the file, for every note).
    """
    return _render_with(outcome, outcome.context(), fmt, folder, template)


def _render_with(outcome: Outcome, context: dict[str, Any], fmt: str, folder: str | None,
                 template: Any) -> str:
    if fmt == "json":
        note = render_template(FORMATS["md"], context, folder, template)
        # The sandbox keeps templates from changing the context: its factors are as made.
        return json.dumps(outcome.to_json(note, context["factors"]), indent=2,
                          ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise TemplateError(f"unknown format '{fmt}'", allowed=", ".join(ALL_FORMATS))
    return render_template(FORMATS[fmt], context, folder, template)


def renderer(fmt: str, folder: str | None = None) -> Callable[[Outcome], str]:
    """`render` for many outcomes in one format: the template is fetched on the first note
    that succeeds and kept (a failure is met again, and reported, for every note)."""
    prepare, finish = staged_renderer(fmt, folder)
    return lambda outcome: finish(prepare(outcome))


def staged_renderer(
    fmt: str, folder: str | None = None
) -> tuple[Callable[[Outcome], Any], Callable[[Any], str]]:
    """`renderer` in two steps, `finish(prepare(outcome))`: the context, then the template.

    A batch runs each step over a few dozen notes in turn (each step's code stays hot).
    """
    kept: list[Any] = []

    def prepare(outcome: Outcome) -> tuple[Outcome, dict[str, Any]]:
        return outcome, outcome.context()

    def finish(prepared: tuple[Outcome, dict[str, Any]]) -> str:
        if not kept and fmt in ALL_FORMATS:
            kept.append(get_template(FORMATS["md" if fmt == "json" else fmt], folder))
        return _render_with(*prepared, fmt, folder, kept[0] if kept else None)

    return prepare, finish
