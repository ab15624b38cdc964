"""Hypothesis strategies: small random valid trees (as YAML-ready dicts) and their answers.

A generated tree is a DAG of 1-6 questions of every kind, with branches, factors and
outcomes. With `local=True` every branch tests only the question it leaves, and the tests
partition its answers, so every branch can be taken whatever came before: then the
path count of `check` must equal the paths an exhaustive walk finds. Without it, branches
and factors may test any earlier question (paths can then be fewer than the count).
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from assistant.core.model import END, FAVORS, Question

OUTCOME_IDS = ("nonoperative", "OSS", "MISS", "refer")


@st.composite
def question_specs(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(("single", "single", "multi", "integer", "text")))
    q: dict[str, Any] = {"id": f"q{index}", "section": "main", "kind": kind,
                         "prompt": f"Question {index}?"}
    if kind in ("single", "multi"):
        count = draw(st.integers(2, 4))
        q["choices"] = [{"id": f"c{i}", "label": f"Choice {i}"} for i in range(count)]
        if kind == "multi" and draw(st.booleans()):
            q["choices"].append({"id": "none", "label": "None of these"})
            q["exclusive"] = ["none"]
    elif kind == "integer":
        low = draw(st.integers(0, 5))
        q["min"], q["max"] = low, low + draw(st.integers(1, 12))
    elif draw(st.booleans()):
        q["pattern"] = "[A-Z][0-9]{1,2}"
    if index > 0 and draw(st.integers(0, 3)) == 0:
        q["optional"] = True
    return q


def _value_conditions(q: dict[str, Any]) -> list[dict[str, Any]]:
    """Conditions on one question that partition its answers (each can hold first)."""
    qid = q["id"]
    if q["kind"] in ("single", "multi"):
        ids = [c["id"] for c in q["choices"] if c["id"] != "none"]
        return [{qid: choice} for choice in ids[:-1]]  # the last choice is left for default
    if q["kind"] == "integer":
        return [{qid: {"lt": t}} for t in range(q["min"] + 1, q["max"] + 1)]
    if "pattern" in q:
        return [{qid: {"matches": "A.*"}}]
    return [{qid: {"answered": False}}] if q.get("optional") else []  # skipping takes it


@st.composite
def _any_condition(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    q = draw(st.sampled_from(earlier))
    qid = q["id"]
    if q["kind"] in ("single", "multi"):
        ids = [c["id"] for c in q["choices"]]
        form = draw(st.integers(0, 2))
        if form == 0:
            return {qid: draw(st.sampled_from(ids))}
        if form == 1:
            return {qid: draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2,
                                       unique=True))}
        return {"not": {qid: draw(st.sampled_from(ids))}}
    if q["kind"] == "integer":
        op = draw(st.sampled_from(("lt", "le", "gt", "ge")))
        return {qid: {op: draw(st.integers(q["min"] - 1, q["max"] + 1))}}
    return {qid: {"answered": draw(st.booleans())}}


@st.composite
def trees(draw: st.DrawFn, local: bool = False, max_questions: int = 6) -> dict[str, Any]:
    n = draw(st.integers(1, max_questions))
    questions = [draw(question_specs(i)) for i in range(n)]
    for i, q in enumerate(questions):
        later = [f"q{j}" for j in range(i + 1, n)] + [END]
        if local:
            options = _value_conditions(q)
            conditions = draw(st.lists(st.sampled_from(options), max_size=3, unique_by=str)
                              if options else st.just([]))
            if q["kind"] == "integer":
                conditions.sort(key=lambda c: c[q["id"]]["lt"])
        else:
            conditions = draw(st.lists(_any_condition(questions[: i + 1]), max_size=2))
        if not conditions and draw(st.booleans()):
            continue  # no `next`: on to the following question
        branches = [{"when": c, "goto": draw(st.sampled_from(later))} for c in conditions]
        branches.append({"goto": draw(st.sampled_from(later))})
        q["next"] = branches if len(branches) > 1 or draw(st.booleans()) else branches[0]["goto"]
    _make_reachable(questions)
    factors = []
    for k in range(draw(st.integers(0, 3))):
        factors.append({
            "id": f"f{k}", "section": "main", "favors": draw(st.sampled_from(FAVORS)),
            "when": draw(_any_condition(questions)), "text": f"Factor {k}.",
            "cite": {"source": "src", "section": "Somewhere"},
        })
    outcome_ids = draw(st.lists(st.sampled_from(OUTCOME_IDS), min_size=1, max_size=4,
                                unique=True))
    outcomes = []
    for k, oid in enumerate(outcome_ids):
        outcome: dict[str, Any] = {"id": oid, "title": oid, "summary": f"Outcome {oid}."}
        if k < len(outcome_ids) - 1:
            choices: list[Any] = [draw(_any_condition(questions))]
            choices.append({"favoring": draw(st.sampled_from(FAVORS))})
            if factors:
                choices.append({"factor": draw(st.sampled_from(factors))["id"]})
            outcome["when"] = draw(st.sampled_from(choices))
        outcomes.append(outcome)
    return {
        "id": "fuzz", "title": "Fuzzed tree", "version": "0",
        "sources": [{"id": "src", "short": "Src", "citation": "A citation."}],
        "sections": [{"id": "main", "title": "Main"}],
        "questions": questions, "factors": factors, "outcomes": outcomes,
    }


def _targets(q: dict[str, Any], following: str) -> list[str]:
    nxt = q.get("next")
    if nxt is None:
        return [following]
    if isinstance(nxt, str):
        return [nxt]
    return [b["goto"] for b in nxt]


def _make_reachable(questions: list[dict[str, Any]]) -> None:
    """Point a default branch at any question nothing leads to (the loader refuses those)."""
    ids = [q["id"] for q in questions]
    for k in range(1, len(questions)):
        incoming = {
            t for i, q in enumerate(questions[:k])
            for t in _targets(q, ids[i + 1] if i + 1 < len(ids) else END)
        }
        if ids[k] not in incoming:
            prev = questions[k - 1]
            nxt = prev.get("next")
            if isinstance(nxt, list):
                nxt[-1]["goto"] = ids[k]
            else:
                prev["next"] = ids[k]
    # reachability from the start: each k has an incoming edge from an earlier question,
    # and edges only go forward, so by induction every question is reachable.


def representative_answers(question: Question, tree: Any) -> list[Any]:
    """A finite set of answers that covers every way a condition can go on `question`."""
    if question.kind == "single":
        return list(question.choice_ids)
    if question.kind == "multi":
        plain = [c for c in question.choice_ids if c not in question.exclusive]
        subsets = [list(s) for r in (1, 2) for s in itertools.combinations(plain, r)]
        return subsets + [[x] for x in question.exclusive]
    if question.kind == "integer":
        low, high = question.minimum, question.maximum
        return list(range(low, high + 1))
    if not question.pattern:
        return ["some text"]
    return [v for v in ("A1", "B22", "T7", "T11-L1") if _accepts(question, v)]


def _accepts(question: Question, value: Any) -> bool:
    from assistant.core.answers import parse_answer
    from assistant.core.errors import AnswerError

    try:
        parse_answer(question, value)
    except AnswerError:
        return False
    return True


def invalid_answers(question: Question) -> list[Any]:
    """Answers the question must refuse with AnswerError."""
    out: list[Any] = [None, {"a": 1}, [[1]], "", "   "]
    if question.kind in ("single", "multi"):
        out += ["nope", 3.5, ["nope"]]
    if question.kind == "single":
        out += [list(question.choice_ids[:2])]
    if question.kind == "multi" and question.exclusive:
        plain = [c for c in question.choice_ids if c not in question.exclusive]
        out += [[question.exclusive[0], plain[0]], [plain[0], plain[0]]]
    if question.kind == "integer":
        out += [question.minimum - 1, question.maximum + 1, "ten", 2.5, True, "1e3"]
    if question.kind == "text":
        out += ["x" * 600, True]
        if question.pattern:
            out += ["lowercase"]
    return out
