"""Derived scores (SINS) in words, as soon as their last component is answered.

The engine computes them (a partial SINS is no SINS); this says where each became known.
"""

from __future__ import annotations

from assistant.core.machine import Consultation, ScoreResult, compute_scores
from assistant.core.model import Score


def completed_scores(consultation: Consultation) -> list[tuple[str, Score, ScoreResult]]:
    """Each known score with the question on the path that completed it."""
    order = {qid: index for index, qid in enumerate(consultation.walk.path)}
    results = compute_scores(consultation.tree, consultation.walk.values)
    return [(max(score.terms, key=lambda term: order.get(term, -1)), score, results[score.id])
            for score in consultation.tree.scores if score.id in results]


def score_lines(consultation: Consultation) -> dict[str, str]:
    """`... (SINS): 9 of 18, indeterminate ...`, by the question that completed it."""
    return {qid: f"{score.title}: {result.total} of {score.maximum}, {result.label}"
            for qid, score, result in completed_scores(consultation)}
