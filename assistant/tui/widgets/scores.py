"""Derived scores (SINS) as soon as their last component is answered, in words.

The engine computes them (`compute_scores`: a partial SINS is no SINS); this only says
where in the conversation each one became known and how to read it.
"""

from __future__ import annotations

from assistant.core.machine import Consultation, compute_scores
from assistant.core.model import Tree


def score_text(tree: Tree, score_id: str, total: int, label: str) -> str:
    """`Spinal Instability Neoplastic Score (SINS): 9 of 18, indeterminate ...`."""
    score = next(s for s in tree.scores if s.id == score_id)
    return f"{score.title}: {total} of {score.maximum}, {label}"


def score_lines(consultation: Consultation) -> dict[str, str]:
    """Each known score's sentence, by the question on the path that completed it."""
    path = consultation.walk.path
    order = {qid: index for index, qid in enumerate(path)}
    tree = consultation.tree
    lines: dict[str, str] = {}
    for result in compute_scores(tree, consultation.walk.values).values():
        score = next(s for s in tree.scores if s.id == result.id)
        last = max(score.terms, key=lambda term: order.get(term, -1))
        if last in order:
            lines[last] = score_text(tree, result.id, result.total, result.label)
    return lines
