"""The consultation as a state machine of answers.

The only state is the answers given, in order. Everything else (path, current question,
factors, outcome) is replayed from them, so going back or editing can never leave stale
state. Answers that fall off the path stay, and come back if the path returns to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from assistant.core.answers import parse_answer
from assistant.core.conditions import EvalContext
from assistant.core.errors import AnswerError
from assistant.core.model import END, Advice, FactorRule, Question, Tree
from assistant.core.records import Record


class _Skip(Enum):
    """An optional question the user chose to skip (kept so replay moves past it); an enum
    member, so a copy or a pickle of it is SKIPPED itself."""

    SKIPPED = "SKIPPED"


SKIPPED = _Skip.SKIPPED


class Walk(Record):
    """The replay of a tree over answers."""

    path: tuple[str, ...]  # questions reached and passed, in order
    current: str | None  # the question waiting for an answer; None when complete
    values: dict[str, Any]  # answers on the path (no skips), in path order

    @property
    def complete(self) -> bool:
        return self.current is None


def replay(tree: Tree, known: Mapping[str, Any], skip_missing_optional: bool = False, *,
           guess: bool = False) -> Walk:
    """From the start until an answer is missing or the end (`guess`: a likely answer fills
    a missing one, so the walk reaches the end)."""
    path: list[str] = []
    values: dict[str, Any] = {}
    ctx = EvalContext(values)
    node = tree.start
    limit = len(tree.questions) + 1
    while node != END and len(path) < limit:
        question = tree.questions[node]
        if node in known or guess:
            answer = known[node] if node in known else _likely(question)
            if answer is not SKIPPED:
                values[node] = answer
            elif not question.optional:
                return Walk(tuple(path), node, values)
        elif not (skip_missing_optional and question.optional):
            return Walk(tuple(path), node, values)
        path.append(node)
        node = next(b.goto for b in question.next if b.when.holds(ctx))
    return Walk(tuple(path), None, values)


class RaisedFactor(Record):
    rule: FactorRule
    answer: Any

    @property
    def id(self) -> str:
        return self.rule.id


class ScoreResult(Record):
    id: str
    title: str
    total: int
    category: str
    label: str
    components: dict[str, int]


class Evaluation(Record):
    """What a set of answers means: scores, factors, the outcome, the advice."""

    recommendation: str
    provisional: bool
    factors: tuple[RaisedFactor, ...]
    scores: dict[str, ScoreResult]
    advice: tuple[Advice, ...]

    def favoring(self, favors: str) -> list[RaisedFactor]:
        return [f for f in self.factors if f.rule.favors == favors]


def compute_scores(tree: Tree, values: Mapping[str, Any]) -> dict[str, ScoreResult]:
    """Scores whose every term is answered (a partial SINS is no SINS)."""
    out: dict[str, ScoreResult] = {}
    for score in tree.scores:
        if not all(term in values for term in score.terms):
            continue
        components = {term: points[values[term]] for term, points in score.terms.items()}
        total = sum(components.values())
        band = next(b for b in score.bands if total <= b.maximum)
        out[score.id] = ScoreResult(score.id, score.title, total, band.id, band.label,
                                    components)
    return out


def evaluate(tree: Tree, values: Mapping[str, Any]) -> Evaluation:
    """Factors in tree order, then the first outcome rule that holds, then advice."""
    scores = compute_scores(tree, values)
    names: dict[str, Any] = dict(values)
    for score in scores.values():
        names[f"{score.id}.total"] = score.total
        names[f"{score.id}.category"] = score.category
    answers_only = EvalContext(names)  # factor rules read answers and scores only
    raised = tuple(RaisedFactor(rule, values.get(rule.question) if rule.question else None)
                   for rule in tree.factors if rule.when.holds(answers_only))
    ctx = EvalContext(names, {f.id for f in raised}, {f.rule.favors for f in raised})
    outcome = next(o for o in tree.outcomes if o.when.holds(ctx))
    names["outcome"] = outcome.id
    advice = tuple(a for a in tree.advice if a.when.holds(ctx))
    provisional = any(f.rule.provisional for f in raised)
    return Evaluation(outcome.id, provisional, raised, scores, advice)


def derive(tree: Tree, answers: Mapping[str, Any]) -> tuple[Walk, Evaluation]:
    """Replay answers (optional questions without an answer are skipped) and evaluate."""
    walk = replay(tree, answers, skip_missing_optional=True)
    return walk, evaluate(tree, walk.values)


# --------------------------------------------------------------------------- progress
def estimate_total(tree: Tree, known: Mapping[str, Any]) -> int:
    """Questions a whole consultation would ask: the path so far, then a likely rest
    (`_likely`); answers given count, whether required or optional; skips do not."""
    return len(replay(tree, known, guess=True).values)


def _likely(question: Question) -> Any:
    """A guess at an unanswered question: skipped if optional, else the first choice (or
    the minimum)."""
    if question.optional:
        return SKIPPED
    if question.kind == "single":
        return question.choice_ids[0]
    if question.kind == "multi":
        return [question.choice_ids[0]]
    if question.kind == "integer":
        return question.minimum or 0
    return ""


class Consultation:
    """A consultation in progress: answer, go back, edit, and read the derived state."""

    def __init__(self, tree: Tree, known: Mapping[str, Any] | None = None) -> None:
        self.tree = tree
        self.known: dict[str, Any] = dict(known or {})
        self.remembered: dict[str, Any] = {}  # answers taken back with back(), to preselect
        self._walk: Walk | None = None

    # -- derived state ----------------------------------------------------------------
    @property
    def walk(self) -> Walk:
        if self._walk is None:
            self._walk = replay(self.tree, self.known)
        return self._walk

    @property
    def current(self) -> Question | None:
        current = self.walk.current
        return self.tree.questions[current] if current else None

    @property
    def complete(self) -> bool:
        return self.walk.complete

    @property
    def answers(self) -> dict[str, Any]:
        """Answers on the path, in the order asked."""
        return self.walk.values

    def expected_total(self) -> int:
        """`estimate_total` of these answers (about 25 us: not kept)."""
        return estimate_total(self.tree, self.known)

    def evaluation(self) -> Evaluation:
        return evaluate(self.tree, self.walk.values)

    def default_for(self, question: Question) -> Any:
        """The value to preselect: the previous answer, else a suggestion from the tree."""
        for source in (self.known, self.remembered):
            value = source.get(question.id)
            if value is not None and value is not SKIPPED:
                return value
        return self.suggestion(question)[0]

    def suggestion(self, question: Question) -> tuple[Any, str]:
        ctx = EvalContext(self.walk.values)
        for suggestion in question.suggest:
            if suggestion.when.holds(ctx):
                return suggestion.value, suggestion.reason
        return None, ""

    # -- changes (each forgets the walk: it is replayed when next read) ----------------
    def answer(self, raw: Any, question_id: str | None = None) -> Any:
        """Answer the current question (or, by id, any question on the path): edits replay."""
        qid = question_id or self.walk.current
        if qid is None:
            raise AnswerError("the consultation is complete; there is no question to answer")
        if qid != self.walk.current and qid not in self.walk.path:
            raise AnswerError(f"'{qid}' is not on the current path")
        value = parse_answer(self.tree.questions[qid], raw)
        self.known[qid] = value
        self.remembered.pop(qid, None)
        self._walk = None
        return value

    def skip(self) -> None:
        """Skip the current question, if it is optional."""
        current = self.current
        if current is None or not current.optional:
            raise AnswerError("only optional questions can be skipped")
        self.known[current.id] = SKIPPED
        self._walk = None

    def back(self) -> str | None:
        """Take back the last answer on the path; return the question now current."""
        path = self.walk.path
        if not path:
            return self.walk.current
        last = path[-1]
        value = self.known.pop(last)
        if value is not SKIPPED:
            self.remembered[last] = value
        self._walk = None
        return self.walk.current

    @property
    def can_go_back(self) -> bool:
        return bool(self.walk.path)
