"""Whole-tree soundness: no cycle, no unreachable question, path counts, and templates that
render on every outcome.

Loading calls `check_graph`; the `check` command adds path counts (over the DAG, never by
walking each path) and templates rendered on each outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.core.errors import Location, TreeError
from assistant.core.model import END, Tree


def check_graph(tree: Tree, data: Any = None) -> None:
    """No cycle, no unreachable question."""
    locs = {q["id"]: q.loc for q in data["questions"]} if isinstance(data, dict) else {}
    reached = set(postorder(tree, locs))
    for qid in tree.questions:
        if qid not in reached:
            raise TreeError(
                f"question '{qid}' is unreachable: no branch leads to it",
                locs.get(qid, Location(tree.path)),
                f"reachable from the start question '{tree.start}'",
            )


def postorder(tree: Tree, locs: dict[str, Location] | None = None) -> list[str]:
    """Reachable questions, each after its successors; a cycle is a TreeError. Iterative, so
    50,000 questions are fine."""
    order: list[str] = []
    state: dict[str, bool] = {}  # True: on the trail (being explored), False: done
    trail: list[str] = []  # the path being explored, start first
    stack: list[tuple[str, Iterator[str]]] = []

    def enter(node: str) -> None:
        state[node] = True
        trail.append(node)
        # the last branch first (the FHIR export's order of questions comes from here)
        stack.append((node, (b.goto for b in reversed(tree.questions[node].next)
                             if b.goto != END)))

    enter(tree.start)
    while stack:
        node, targets = stack[-1]
        target = next(targets, None)
        if target is None:  # every successor done
            stack.pop()
            state[node] = False
            trail.pop()
            order.append(node)
        elif target not in state:
            enter(target)
        elif state[target]:
            raise TreeError(
                "circular reference: " + " -> ".join([*trail[trail.index(target):], target]),
                (locs or {}).get(node, Location(tree.path)),
                "branches must lead forward to a later question or 'end'",
            )
    return order


def count_paths(tree: Tree) -> int:
    """Distinct question sequences from start to end, counted bottom-up (linear)."""
    counts: dict[str, int] = {}
    for node in postorder(tree):  # successors first
        targets = dict.fromkeys(b.goto for b in tree.questions[node].next)
        counts[node] = sum(1 if target == END else counts[target] for target in targets)
    return counts[tree.start]


def format_count(count: int) -> str:
    """Readable, and printable by Python: counts grow huge."""
    if count < 10**15:
        return f"{count:,}"
    return f"about 10^{count.bit_length() * 30103 // 100000}"


def sample_answers(tree: Tree) -> dict[str, Any]:
    """One allowed answer per question, to render templates on each outcome."""
    out: dict[str, Any] = {}
    for q in tree.questions.values():
        if q.kind == "single":
            out[q.id] = q.choice_ids[0]
        elif q.kind == "multi":
            out[q.id] = [c for c in q.choice_ids if c not in q.exclusive][:1] or [q.choice_ids[0]]
        elif q.kind == "integer":
            out[q.id] = q.minimum if q.minimum is not None else 0
        else:
            out[q.id] = "T7" if q.pattern else "text"
    return out


def _representative(tree: Tree, values: dict[str, Any], per_section: int = 3) -> dict[str, Any]:
    """A few answers per section plus those the factors read: every template branch runs, and
    rendering stays the same size however large the tree (keeps check linear)."""
    wanted = {rule.question for rule in tree.factors if rule.question}
    taken: dict[str, int] = {}
    out: dict[str, Any] = {}
    for qid, value in values.items():
        section = tree.questions[qid].section
        if qid in wanted or taken.get(section, 0) < per_section:
            taken[section] = taken.get(section, 0) + 1
            out[qid] = value
    return out


def check_templates(tree: Tree, folder: str | None = None) -> None:
    """Every format on a synthetic result per outcome, every factor raised."""
    import datetime as dt

    from assistant.core.machine import Evaluation, RaisedFactor, Walk, compute_scores
    from assistant.core.render import FORMATS, render_template
    from assistant.core.result import Outcome

    values = _representative(tree, sample_answers(tree))
    walk = Walk(tuple(values), None, values)
    factors = tuple(RaisedFactor(rule, values.get(rule.question or "")) for rule in tree.factors)
    for outcome in tree.outcomes:
        for provisional in (False, True):
            evaluation = Evaluation(outcome.id, provisional, factors, compute_scores(tree, values),
                                    tree.advice)
            result = Outcome(tree, walk, evaluation,
                             {"case_label": "check", "comments": "check"},
                             dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
            context = result.context()
            for name in FORMATS.values():
                render_template(name, context, folder)
