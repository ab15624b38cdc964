"""Plain, immutable data for a loaded tree. No behaviour beyond small lookups.

Records (see `records.py`): each class annotates its fields in order, names them in
`__slots__` and sets them in `__init__`; equality, hash, repr, immutability and pickling
come from `Record`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from assistant.core.conditions import ALWAYS, Condition
from assistant.core.records import Record, set_field

END = "end"
FAVORS = ("MISS", "OSS", "nonoperative", "caution")
KINDS = ("single", "multi", "integer", "text")


class Source(Record):
    __slots__ = ("citation", "doi", "id", "short", "url")
    id: str
    short: str
    citation: str
    doi: str | None
    url: str | None

    def __init__(self, id: str, short: str, citation: str, doi: str | None = None,
                 url: str | None = None) -> None:
        set_field(self, "id", id)
        set_field(self, "short", short)
        set_field(self, "citation", citation)
        set_field(self, "doi", doi)
        set_field(self, "url", url)


class Cite(Record):
    """Where a statement comes from: a source and the section of it."""

    __slots__ = ("passage", "section", "source")
    source: str
    section: str | None
    passage: str | None

    def __init__(self, source: str, section: str | None = None,
                 passage: str | None = None) -> None:
        set_field(self, "source", source)
        set_field(self, "section", section)
        set_field(self, "passage", passage)


class Choice(Record):
    __slots__ = ("explain", "id", "label")
    id: str
    label: str
    explain: str

    def __init__(self, id: str, label: str, explain: str = "") -> None:
        set_field(self, "id", id)
        set_field(self, "label", label)
        set_field(self, "explain", explain)


class Branch(Record):
    __slots__ = ("goto", "when")
    goto: str
    when: Condition

    def __init__(self, goto: str, when: Condition = ALWAYS) -> None:
        set_field(self, "goto", goto)
        set_field(self, "when", when)


class Suggestion(Record):
    """A value the interface preselects when earlier answers point to it (never imposed)."""

    __slots__ = ("reason", "value", "when")
    value: Any
    when: Condition
    reason: str

    def __init__(self, value: Any, when: Condition, reason: str = "") -> None:
        set_field(self, "value", value)
        set_field(self, "when", when)
        set_field(self, "reason", reason)


class Question(Record):
    __slots__ = (
        "_choice_ids",  # not a field: derived from the choices
        "case",
        "choices",
        "cite",
        "exclusive",
        "help",
        "id",
        "kind",
        "maximum",
        "minimum",
        "next",
        "optional",
        "pattern",
        "pattern_hint",
        "prompt",
        "section",
        "suggest",
        "unit",
    )
    id: str
    section: str
    prompt: str
    kind: str
    help: str
    cite: Cite | None
    choices: tuple[Choice, ...]
    exclusive: tuple[str, ...]
    minimum: int | None
    maximum: int | None
    pattern: str | None
    pattern_hint: str
    case: str  # text answers: normalized to upper or lower case before matching
    optional: bool
    unit: str
    next: tuple[Branch, ...]
    suggest: tuple[Suggestion, ...]

    def __init__(
        self, id: str, section: str, prompt: str, kind: str,
        help: str = "", cite: Cite | None = None,
        choices: tuple[Choice, ...] = (), exclusive: tuple[str, ...] = (),
        minimum: int | None = None, maximum: int | None = None, pattern: str | None = None,
        pattern_hint: str = "", case: str = "as_typed", optional: bool = False,
        unit: str = "", next: tuple[Branch, ...] = (),
        suggest: tuple[Suggestion, ...] = (),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "section", section)
        set_field(self, "prompt", prompt)
        set_field(self, "kind", kind)
        set_field(self, "help", help)
        set_field(self, "cite", cite)
        set_field(self, "choices", choices)
        set_field(self, "exclusive", exclusive)
        set_field(self, "minimum", minimum)
        set_field(self, "maximum", maximum)
        set_field(self, "pattern", pattern)
        set_field(self, "pattern_hint", pattern_hint)
        set_field(self, "case", case)
        set_field(self, "optional", optional)
        set_field(self, "unit", unit)
        set_field(self, "next", next)
        set_field(self, "suggest", suggest)
        set_field(self, "_choice_ids", tuple(c.id for c in choices))

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return self._choice_ids

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    def label_of(self, value: Any) -> str:
        """The human label of an answer value (lists joined)."""
        if isinstance(value, (list, tuple)):
            return ", ".join(self.label_of(v) for v in value)
        found = self.choice(str(value)) if self.choices else None
        if found:
            return found.label
        return f"{value} {self.unit}".strip() if self.unit else str(value)


class Section(Record):
    __slots__ = ("cite", "id", "intro", "title")
    id: str
    title: str
    cite: Cite | None
    intro: str

    def __init__(self, id: str, title: str, cite: Cite | None = None,
                 intro: str = "") -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "cite", cite)
        set_field(self, "intro", intro)


class FactorRule(Record):
    __slots__ = (
        "added_rule",
        "cite",
        "favors",
        "id",
        "provisional",
        "question",
        "section",
        "text",
        "title",
        "when",
    )
    id: str
    section: str
    favors: str
    when: Condition
    text: str
    cite: Cite
    question: str | None
    title: str
    provisional: bool
    added_rule: bool  # a rule outside the review's Table, labelled as such

    def __init__(
        self, id: str, section: str, favors: str, when: Condition, text: str,
        cite: Cite, question: str | None = None, title: str = "", provisional: bool = False,
        added_rule: bool = False,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "section", section)
        set_field(self, "favors", favors)
        set_field(self, "when", when)
        set_field(self, "text", text)
        set_field(self, "cite", cite)
        set_field(self, "question", question)
        set_field(self, "title", title)
        set_field(self, "provisional", provisional)
        set_field(self, "added_rule", added_rule)


class Band(Record):
    __slots__ = ("id", "label", "maximum")
    maximum: int
    id: str
    label: str

    def __init__(self, maximum: int, id: str, label: str) -> None:
        set_field(self, "maximum", maximum)
        set_field(self, "id", id)
        set_field(self, "label", label)


class Score(Record):
    """A derived score: the sum of points per answer (e.g. SINS), with bands."""

    __slots__ = ("bands", "cite", "id", "terms", "title")
    id: str
    title: str
    terms: dict[str, dict[str, int]]
    bands: tuple[Band, ...]
    cite: Cite | None

    def __init__(self, id: str, title: str, terms: dict[str, dict[str, int]],
                 bands: tuple[Band, ...], cite: Cite | None = None) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "terms", terms)
        set_field(self, "bands", bands)
        set_field(self, "cite", cite)

    @property
    def maximum(self) -> int:
        return sum(max(points.values()) for points in self.terms.values())


class OutcomeRule(Record):
    __slots__ = ("cite", "id", "summary", "title", "when")
    id: str
    title: str
    summary: str
    when: Condition
    cite: Cite | None

    def __init__(self, id: str, title: str, summary: str,
                 when: Condition = ALWAYS, cite: Cite | None = None) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "summary", summary)
        set_field(self, "when", when)
        set_field(self, "cite", cite)


class Advice(Record):
    """A statement for the note (operative option, adjuvant plan, framework), by rule."""

    __slots__ = ("cite", "equipment", "id", "kind", "skill", "text", "title", "when")
    id: str
    kind: str
    title: str
    text: str
    when: Condition
    cite: Cite | None
    skill: str
    equipment: str

    def __init__(
        self, id: str, kind: str, title: str, text: str, when: Condition = ALWAYS,
        cite: Cite | None = None, skill: str = "", equipment: str = "",
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "kind", kind)
        set_field(self, "title", title)
        set_field(self, "text", text)
        set_field(self, "when", when)
        set_field(self, "cite", cite)
        set_field(self, "skill", skill)
        set_field(self, "equipment", equipment)


class Tree(Record):
    __slots__ = (
        "advice",
        "description",
        "disclaimer",
        "factors",
        "id",
        "meta",
        "outcomes",
        "path",
        "questions",
        "scores",
        "sections",
        "sha256",
        "sources",
        "start",
        "title",
        "version",
    )
    id: str
    title: str
    version: str
    description: str
    sources: dict[str, Source]
    sections: dict[str, Section]
    questions: dict[str, Question]
    start: str
    factors: tuple[FactorRule, ...]
    scores: tuple[Score, ...]
    outcomes: tuple[OutcomeRule, ...]
    advice: tuple[Advice, ...]
    disclaimer: str
    sha256: str
    path: str
    meta: dict[str, Any]

    def __init__(
        self, id: str, title: str, version: str, description: str,
        sources: dict[str, Source], sections: dict[str, Section],
        questions: dict[str, Question], start: str, factors: tuple[FactorRule, ...],
        scores: tuple[Score, ...], outcomes: tuple[OutcomeRule, ...],
        advice: tuple[Advice, ...], disclaimer: str, sha256: str, path: str,
        meta: dict[str, Any] | None = None,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "version", version)
        set_field(self, "description", description)
        set_field(self, "sources", sources)
        set_field(self, "sections", sections)
        set_field(self, "questions", questions)
        set_field(self, "start", start)
        set_field(self, "factors", factors)
        set_field(self, "scores", scores)
        set_field(self, "outcomes", outcomes)
        set_field(self, "advice", advice)
        set_field(self, "disclaimer", disclaimer)
        set_field(self, "sha256", sha256)
        set_field(self, "path", path)
        set_field(self, "meta", {} if meta is None else meta)

    def question(self, qid: str) -> Question:
        return self.questions[qid]

    def outcome(self, outcome_id: str) -> OutcomeRule:
        return next(o for o in self.outcomes if o.id == outcome_id)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.outcomes)

    def cite_text(self, cite: Cite | None) -> str:
        """`Hui et al. 2024, "Tumor Characteristics"` for a citation."""
        if cite is None:
            return ""
        source = self.sources.get(cite.source)
        short = source.short if source else cite.source
        return f'{short}, "{cite.section}"' if cite.section else short


_T = TypeVar("_T")


def per_tree(build: Callable[[Tree], _T]) -> Callable[[Tree], _T]:
    """Memoize `build` for the last few Tree objects (by identity: trees are not hashed
    deeply), so per-tree precomputation is done once however many answers or notes."""
    store: dict[int, tuple[Tree, _T]] = {}

    def get(tree: Tree) -> _T:
        found = store.get(id(tree))
        if found is None or found[0] is not tree:
            if len(store) >= 8:
                store.pop(next(iter(store)))
            found = store[id(tree)] = (tree, build(tree))
        return found[1]

    return get
