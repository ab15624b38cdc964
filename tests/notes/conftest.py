"""Helpers for the note tests: fixture outcomes, random valid answer sets, golden files."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from assistant.core.headless import run_file, run_mapping
from assistant.core.model import Tree
from assistant.core.result import Outcome
from tests.conftest import ANSWERS

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = ("miss.yaml", "oss_several.yaml", "nonoperative.yaml", "sins_miss.json")
UPDATE = os.environ.get("SPINE_ASSIST_UPDATE_GOLDENS") == "1"

HOSTILE = (
    "<script>alert('x')</script> {{ 7*7 }} {% raw %} | a|b ``code`` </td></tr> "
    "*bold* _em_ [link](javascript:alert(1)) &amp; &lt; # heading \x1b[31mred\x1b[0m "
    "<img src=x onerror=alert(1)> ]]> <!-- c -->"
)
MISS_LEANING = {
    "neurological_deficit": "none", "bone_quality": "normal", "hypervascular": "no",
    "surgical_goal": "stabilization", "previous_surgery_at_level": "no", "region": "thoracic",
    "posterior_column_involvement": "no", "age_years": 50, "short_stature": "no",
    "specialized_equipment_and_team": "yes", "postoperative_rt_available": "yes",
}
LEVELS = ("T7", "T3", "T11-L1", "L3", "C5", "T2-T6", "S1", "T8", "L5-S1")


@pytest.fixture
def outcome_of(tree: Tree):
    def make(name: str) -> Outcome:
        return run_file(tree, ANSWERS / name).outcome
    return make


def random_answers(tree: Tree, rng: random.Random) -> dict[str, Any]:
    """A valid value for every question; optional ones sometimes left out."""
    out: dict[str, Any] = {}
    for q in tree.questions.values():
        if q.optional and rng.random() < 0.35:
            continue
        if q.kind == "single":
            out[q.id] = rng.choice(q.choice_ids)
        elif q.kind == "multi":
            plain = [c for c in q.choice_ids if c not in q.exclusive]
            if q.exclusive and rng.random() < 0.15:
                out[q.id] = [rng.choice(q.exclusive)]
            else:
                out[q.id] = rng.sample(plain, rng.randint(1, len(plain)))
        elif q.kind == "integer":
            low = q.minimum if q.minimum is not None else 0
            high = q.maximum if q.maximum is not None else 100
            pivots = [v for v in (17, 18, 24, 25) if low <= v <= high]
            out[q.id] = rng.choice(pivots) if pivots and rng.random() < 0.5 else \
                rng.randint(low, high)
        else:
            out[q.id] = rng.choice(LEVELS) if q.pattern else "free text"
    if rng.random() < 0.3:  # lean towards MISS, which needs every OSS factor absent
        out.update({k: v for k, v in MISS_LEANING.items() if k in tree.questions})
    if rng.random() < 0.2:
        out["fit_for_surgery"] = "no"
    return out


def random_outcome(tree: Tree, rng: random.Random, meta: dict[str, str] | None = None
                   ) -> Outcome:
    data = random_answers(tree, rng) | (meta or {})
    return run_mapping(tree, data).outcome


def check_golden(name: str, text: str, sha256: str) -> None:
    """Compare with tests/notes/golden/NAME; SPINE_ASSIST_UPDATE_GOLDENS=1 rewrites it.

    The tree's hash is masked so that a change of comments or layout in the tree file alone
    does not fail every golden.
    """
    text = text.replace(sha256, "<tree-sha256>")
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8", newline="\n")
        if not UPDATE:
            pytest.fail(f"golden {path.name} was missing and has been written; check it in")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from its golden file; if the change is intended, rerun with "
        "SPINE_ASSIST_UPDATE_GOLDENS=1 and review the diff"
    )
