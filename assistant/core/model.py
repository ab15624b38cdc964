"""Plain, immutable data for a loaded tree. No behaviour beyond small lookups.

Records (see `records.py`): declared as frozen dataclasses are, made faster.
"""

from __future__ import annotations

from typing import Any

from assistant.core.conditions import ALWAYS, Condition
from assistant.core.records import Record

END = "end"
FAVORS = ("MISS", "OSS", "nonoperative", "caution")
KINDS = ("single", "multi", "integer", "text")


class Source(Record):
    id: str
    short: str
    citation: str
    doi: str | None = None
    url: str | None = None


class Cite(Record):
    """Where a statement comes from: a source and the section of it."""

    source: str
    section: str | None = None
    passage: str | None = None


class Choice(Record):
    id: str
    label: str
    explain: str = ""


class Branch(Record):
    goto: str
    when: Condition = ALWAYS


class Suggestion(Record):
    """A value the interface preselects when earlier answers point to it (never imposed)."""

    value: Any
    when: Condition
    reason: str = ""


class Question(Record):
    id: str
    section: str
    prompt: str
    kind: str
    help: str = ""
    cite: Cite | None = None
    choices: tuple[Choice, ...] = ()
    exclusive: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    case: str = "as_typed"  # text answers: normalized to upper or lower case before matching
    optional: bool = False
    unit: str = ""
    next: tuple[Branch, ...] = ()
    suggest: tuple[Suggestion, ...] = ()

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

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
    id: str
    title: str
    cite: Cite | None = None
    intro: str = ""


class FactorRule(Record):
    id: str
    section: str
    favors: str
    when: Condition
    text: str
    cite: Cite
    question: str | None = None
    title: str = ""
    provisional: bool = False
    added_rule: bool = False  # a rule outside the review's Table, labelled as such

    @property
    def reads(self) -> tuple[str, ...]:
        """The questions and values the rule reads: the one it reports first, then by name."""
        first = [self.question] if self.question else []
        return tuple(dict.fromkeys([*first, *sorted(self.when.names())]))


class Band(Record):
    maximum: int
    id: str
    label: str


class Score(Record):
    """A derived score: the sum of points per answer (e.g. SINS), with bands."""

    id: str
    title: str
    terms: dict[str, dict[str, int]]
    bands: tuple[Band, ...]
    cite: Cite | None = None

    @property
    def maximum(self) -> int:
        return sum(max(points.values()) for points in self.terms.values())


class OutcomeRule(Record):
    id: str
    title: str
    summary: str
    when: Condition = ALWAYS
    cite: Cite | None = None


class Advice(Record):
    """A statement for the note (operative option, adjuvant plan, framework), by rule."""

    id: str
    kind: str
    title: str
    text: str
    when: Condition = ALWAYS
    cite: Cite | None = None
    skill: str = ""
    equipment: str = ""


class Tree(Record):
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

    def outcome(self, outcome_id: str) -> OutcomeRule:
        return next(o for o in self.outcomes if o.id == outcome_id)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.outcomes)

    def cite_text(self, cite: Cite | None) -> str:
        """`Hui et al. 2024, "Tumor Characteristics"` for a citation."""
        if cite is None:
            return ""
        short = self.sources[cite.source].short  # the loader refuses an unknown source
        return f'{short}, "{cite.section}"' if cite.section else short

