"""Jinja2's sandbox with limits on size, repetition, formats, depth and time.

A site template is code from outside the project: the sandbox keeps it from Python's
internals, the limits from the machine's time and memory (`'a'*10**9`,
`'%0999999999d'|format(1)`, loops in loops, a macro or include that calls itself). Each
refusal is a `TemplateLimit` at its template line. Reading templates: `template_files`.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 1024 * 1024  # characters (or items) one operation may build (a tree text: 4,000)
MAX_OUTPUT = 64 * 1024 * 1024  # characters of one note
MAX_STEPS = 2_000_000  # loop turns in one note
MAX_DEPTH = 64  # nested macro calls and recursive loops
MAX_NESTING = 16  # blocks inside blocks
MAX_WIDTH = 1000  # a width or precision in a format
MAX_INT_BITS = 4096
SECONDS = 2.0  # one note's rendering


class TemplateLimit(SecurityError):
    """A template went past one of the limits above."""


class _Budget:
    """What one note's rendering has spent: loop turns, macro depth, a deadline."""

    __slots__ = ("deadline", "depth", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.depth = 0
        self.deadline = time.monotonic() + SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"more than {MAX_STEPS:,} loop turns in one note")
        if not self.steps & 0x3FF:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"rendering took more than {SECONDS:g} s")


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("template_budget")


def _spent() -> _Budget:
    """The budget of the render under way; a fresh one for code that renders otherwise
    (`generate()`, a template called by hand), so no deadline outlives its render."""
    budget = _budget.get(None)
    return _Budget() if budget is None else budget


def render_limited(template: Any, context: dict[str, Any]) -> str:
    """`template.render(**context)` within the time, loop and output limits."""
    token = _budget.set(budget := _Budget())
    try:
        parts: list[str] = []
        size = 0
        try:  # Template.render's own steps, with a size check on each piece of output
            for part in template.root_render_func(template.new_context(context)):
                size += len(part)
                if size > MAX_OUTPUT:
                    raise TemplateLimit(f"the note would be longer than {MAX_OUTPUT:,} "
                                        "characters")
                parts.append(part)
                if not len(parts) & 0xFFF:  # loops check the time themselves, at their line
                    budget.check_time()
        except Exception:
            template.environment.handle_exception()  # re-raised with the template's lines
        return "".join(parts)
    finally:
        _budget.reset(token)


class LimitedTemplate(Template):
    """Plain `render()` and `generate()` keep the limits too (one budget per render)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return render_limited(self, dict(*args, **kwargs))

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        yield render_limited(self, dict(*args, **kwargs))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _checked(value: Any) -> Any:
    """Size and time, checked after every call and operation: a chain of big ones runs no
    loop."""
    budget = _budget.get(None)
    if budget is not None:
        budget.check_time()
    if _size(value) > MAX_TEXT:
        raise TemplateLimit(f"a value longer than {MAX_TEXT:,} characters or items")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"a number larger than {MAX_INT_BITS} bits")
    return value


_PERCENT_SPEC = re.compile(r"[-#0 +]*(\*|\d+)?(?:\.(\*|\d+)?)?")  # after `%` and a `(key)`
_BRACE_FIELD = re.compile(r"\{[^{}]*")  # from a brace to the next one: one pass, linear
_DIGITS = re.compile(r"\d+")


def _too_wide(number: str | None) -> bool:
    return number == "*" or (number is not None and (len(number) > 6 or
                                                     int(number) > MAX_WIDTH))


def _check_format(text: str) -> None:
    """Refuse `%0999999999d`, `%*d`, `{:999999999}`, `{:{}}`: a width that builds a huge
    string, or one taken from the arguments."""
    start = text.find("%")
    while start >= 0:  # each conversion read once, as Python reads it: linear
        at = start + 1
        if text.startswith("(", at):  # a mapping key: Python balances its parentheses
            depth, at = 1, at + 1
            while depth and at < len(text):
                depth += {"(": 1, ")": -1}.get(text[at], 0)
                at += 1
        spec = _PERCENT_SPEC.match(text, at)
        if spec is not None and (_too_wide(spec.group(1)) or _too_wide(spec.group(2))):
            raise TemplateLimit(f"a format width or precision over {MAX_WIDTH}")
        start = text.find("%", (spec.end() if spec else at) + 1)
    if "{" in text:
        fields = text.replace("{{", "").replace("}}", "")  # `{{` and `}}` are literal braces
        for match in _BRACE_FIELD.finditer(fields):
            field = match.group()
            colon = field.find(":")
            if colon < 0:
                continue
            nested = fields.startswith("{", match.end())
            if nested or any(_too_wide(n) for n in _DIGITS.findall(field, colon)):
                raise TemplateLimit(f"a format width or precision over {MAX_WIDTH}")


def _times(left: Any, right: Any) -> Any:
    count, item = (right, left) if isinstance(right, int) else (left, right)
    if isinstance(count, int) and _size(item) * max(count, 0) > MAX_TEXT:
        raise TemplateLimit(f"a repetition longer than {MAX_TEXT:,} characters or items")
    if isinstance(left, int) and isinstance(right, int) and \
            left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"a number larger than {MAX_INT_BITS} bits")
    return left * right


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and \
            abs(right) * max(left.bit_length(), 1) > MAX_INT_BITS:
        raise TemplateLimit(f"a number larger than {MAX_INT_BITS} bits")
    return left**right


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_format(left)
    return _checked(left % right)


# str methods that build a string from a width or from their arguments: a size checked first
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(items, (list, tuple)):
        total = sum(_size(item) for item in items) + _size(separator) * len(items)
        if total > MAX_TEXT:
            raise TemplateLimit(f"a value longer than {MAX_TEXT:,} characters")


def _check_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name == "join" and args:
        _check_join(owner, args[0])
    if name in _WIDTH_METHODS:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and value * max(1, owner.count("\t") + 1) > MAX_TEXT:
                raise TemplateLimit(f"a width over {MAX_TEXT:,}")
    elif name in {"format", "format_map"}:
        _check_format(owner)
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        grows = (owner.count(str(args[0])) + 1) * len(args[1])
        if len(owner) + grows > MAX_TEXT:
            raise TemplateLimit(f"a value longer than {MAX_TEXT:,} characters")


MAX_WRAP = MAX_TEXT // 8  # characters given to the wordwrap filter
MAX_WRAP_WORK = 200_000_000  # characters textwrap copies cutting long words (quadratic)


def _check_filter(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a built-in filter call whose result (or work) would be out of bounds."""

    def arg(index: int, key: str, default: Any) -> Any:
        return args[index] if len(args) > index else kwargs.get(key, default)

    if name in {"center", "indent", "truncate", "wordwrap"} and any(
            isinstance(v, int) and v > MAX_WIDTH * 100 for v in (*args, *kwargs.values())):
        raise TemplateLimit(f"a width over {MAX_WIDTH * 100:,} in '{name}'")
    if name == "format" and isinstance(value, str):
        _check_format(value)
    elif name == "replace" and len(args) >= 2:
        _check_method(str(value).replace, args[:2], {})
    elif name == "join":
        _check_join(arg(0, "d", ""), value)
    elif name == "indent":
        width = arg(0, "width", 4)
        lines = str(value).count("\n") + 1
        if lines * (width if isinstance(width, int) else _size(width)) > MAX_TEXT:
            raise TemplateLimit(f"an indent longer than {MAX_TEXT:,} characters")
    elif name == "wordwrap" and isinstance(value, str):
        if len(value) > MAX_WRAP:  # textwrap's Python loop: about a microsecond a word
            raise TemplateLimit(f"wordwrap given more than {MAX_WRAP:,} characters")
        width = max(1, arg(0, "width", 79) if isinstance(arg(0, "width", 79), int) else 1)
        work = sum(len(word) ** 2 for word in value.split() if len(word) > width) // width
        joint = arg(2, "wrapstring", None)
        if work > MAX_WRAP_WORK or _size(joint) * (len(value) // width + 1) > MAX_TEXT:
            raise TemplateLimit("words too long to wrap at this width")


def _guard_filter(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter whose arguments are checked first and whose result after."""
    passes = hasattr(run, "jinja_pass_arg")  # then the first argument is a context

    def guarded(*args: Any, **kwargs: Any) -> Any:
        given = args[1:] if passes else args
        if given:
            _check_filter(name, given[0], tuple(given[1:]), kwargs)
        return _checked(run(*args, **kwargs))

    if passes:
        guarded.jinja_pass_arg = run.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded


def _joined(join: Callable[[Any], str], parts: tuple[Any, ...]) -> str:
    """`a ~ b ~ c`, its length checked before it is built."""
    if sum(_size(part) for part in parts) > MAX_TEXT:
        raise TemplateLimit(f"a value longer than {MAX_TEXT:,} characters")
    return _checked(join(parts))


def steps(items: Iterable[Any]) -> Iterator[Any]:
    """A loop's items, each one counted against the note's budget."""
    budget = _spent()
    for item in items:
        budget.tick()
        yield item


_NESTING = (nodes.For, nodes.If, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.With)


def _check_nesting(template: nodes.Template) -> None:
    """Refuse blocks nested deeper than MAX_NESTING (Python refuses 20 nested blocks, and
    Jinja2's code generation grows with the square of the depth before it gets there)."""
    stack: list[tuple[nodes.Node, int]] = [(template, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, _NESTING):
            depth += 1
            if depth > MAX_NESTING:
                raise TemplateSyntaxError(f"blocks nested more than {MAX_NESTING} deep",
                                          node.lineno)
        stack.extend((child, depth) for child in node.iter_child_nodes())


class _LimitedCode(CodeGenerator):
    """Jinja2's code generator with every `for` counted and every `~` sized."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        try:
            _check_nesting(node)
        except TemplateSyntaxError as exc:
            exc.name, exc.filename = self.name, self.filename
            raise
        super().visit_Template(node, frame)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not getattr(node, "counted", False):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("loop_steps"), [node.iter], [],
                                   None, None, lineno=node.iter.lineno)
            node.counted = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # Jinja2's own visit_Concat, with the join handed to `joined` beside its parts
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.joined({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


_DICT_ATTRIBUTES = frozenset(dir(dict))


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with limits on size, repetition, formats, depth and time."""

    code_generator_class = _LimitedCode
    template_class = LimitedTemplate
    # `+` is intercepted for the size check after it (it at most doubles a checked value)
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    _ops: ClassVar[dict[str, Callable[[Any, Any], Any]]] = {
        "*": _times, "**": _power, "%": _modulo,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guard_filter(name, run) for name, run in self.filters.items()}
        self.loop_steps = steps
        self.joined = _joined

    def getattr(self, obj: Any, attribute: str) -> Any:
        # `f.title` on a plain dict is its item (dict has no such attribute), as in
        # Jinja2's own order, without the AttributeError that order costs first: the
        # notes' context is dicts, read a few hundred times per note.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        run = self._ops.get(operator_) or self.binop_table[operator_]
        return _checked(run(left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:  # `"{:999999999}".format(1)`: the width checked on access
            _check_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_method(__obj, args, kwargs)
        if not isinstance(__obj, Macro) and type(__obj).__name__ != "LoopContext":
            return _checked(super().call(__context, __obj, *args, **kwargs))
        budget = _spent()
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise TemplateLimit(f"macros or recursive loops nested more than {MAX_DEPTH} deep")
            return _checked(super().call(__context, __obj, *args, **kwargs))
        finally:
            budget.depth -= 1
