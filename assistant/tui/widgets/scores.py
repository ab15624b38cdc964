"""Derived scores (SINS) as soon as their last component is answered, in words.

The engine computes them (`compute_scores`: a partial SINS is no SINS); this only says
where in the conversation each one became known and how to read it.
"""

from __future__ import annotations

from assistant.core.machine import Consultation, ScoreResult, compute_scores
from assistant.core.model import Score


def completed_scores(consultation: Consultation) -> list[tuple[str, Score, ScoreResult]]:
    """Each known score, in the tree's order, with the question on the path that completed
    it (the last of its terms asked)."""
    order = {qid: index for index, qid in enumerate(consultation.walk.path)}
    results = compute_scores(consultation.tree, consultation.walk.values)
    return [(max(score.terms, key=lambda term: order.get(term, -1)), score, results[score.id])
            for score in consultation.tree.scores if score.id in results]


def score_lines(consultation: Consultation) -> dict[str, str]:
    """`Spinal Instability Neoplastic Score (SINS): 9 of 18, indeterminate ...`, by the
    question on the path that completed it."""
    return {qid: f"{score.title}: {result.total} of {score.maximum}, {result.label}"
            for qid, score, result in completed_scores(consultation)}
