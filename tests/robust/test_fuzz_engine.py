"""Fuzzing the engine with random valid trees and random sessions (answer, back, edit, skip).

Properties: the engine raises nothing but AnswerError, and only for invalid values; every
completed path ends in an outcome of the tree; replay is deterministic; and `check`
agrees with the engine (the path count equals the paths an exhaustive walk finds, and
every question can be reached by some answers).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.commands.check import check_tree
from assistant.core.errors import AnswerError
from assistant.core.lint import count_paths
from assistant.core.loader import load_tree
from assistant.core.machine import SKIPPED, Consultation, evaluate, replay
from assistant.core.model import END, Tree
from tests.robust.strategies import invalid_answers, representative_answers, trees

# More examples for a long local campaign: ROBUST_FUZZ_EXAMPLES=2000 pytest tests/robust
EXAMPLES = int(os.environ.get("ROBUST_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def tree_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-trees")


def write_tree(folder: Path, spec: dict[str, Any]) -> Path:
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    path = folder / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def build(folder: Path, spec: dict[str, Any]) -> Tree:
    return load_tree(write_tree(folder, spec))


def edges(tree: Tree) -> set[tuple[str, str]]:
    return {(q.id, b.goto) for q in tree.questions.values() for b in q.next}


def assert_consistent(tree: Tree, c: Consultation) -> None:
    """What must hold after every step of any session."""
    walk = c.walk
    assert walk == replay(tree, c.known), "the walk is not what a fresh replay gives"
    assert Consultation(tree, dict(c.known)).walk == walk
    path = list(walk.path)
    assert len(set(path)) == len(path)
    assert not path or path[0] == tree.start
    tail = [walk.current] if walk.current else [END]
    structural = edges(tree)
    for a, b in zip(path, path[1:] + tail, strict=False):
        assert (a, b) in structural, f"{a} -> {b} is not a branch of the tree"
    if not path and walk.current:
        assert walk.current == tree.start
    assert set(walk.values) <= set(path)
    first, second = evaluate(tree, walk.values), evaluate(tree, dict(walk.values))
    assert first == second
    if walk.complete:
        assert first.recommendation in tree.outcome_ids
        assert {f.rule.id for f in first.factors} <= {f.id for f in tree.factors}


# -------------------------------------------------------------------- exhaustive walks
def distinct_paths(tree: Tree) -> tuple[set[tuple[str, ...]], set[str]]:
    """Every path the engine can take, found by answering (local trees: branches depend on
    the question being left only, so one answer per distinct next question is enough)."""
    paths: set[tuple[str, ...]] = set()
    seen: set[str] = set()
    stack: list[dict[str, Any]] = [{}]
    while stack:
        known = stack.pop()
        walk = replay(tree, known)
        seen.update(walk.path)
        if walk.complete:
            paths.add(walk.path)
            continue
        question = tree.questions[walk.current]
        seen.add(question.id)
        options = representative_answers(question, tree)
        if question.optional:
            options = [*options, SKIPPED]
        by_next: dict[str | None, dict[str, Any]] = {}
        for value in options:
            trial = {**known, question.id: value}
            after = replay(tree, trial)
            nxt = after.current if after.path[-1:] == (question.id,) else None
            key = nxt if not after.complete else f"end:{after.path}"
            by_next.setdefault(key, trial)
        stack.extend(by_next.values())
    return paths, seen


@FUZZ
@given(spec=trees(local=True))
def test_check_counts_exactly_the_paths_the_engine_takes(
    spec: dict[str, Any], tree_folder: Path
) -> None:
    tree = build(tree_folder, spec)
    paths, seen = distinct_paths(tree)
    assert len(paths) == count_paths(tree)
    assert seen == set(tree.questions), "a question check accepts is never reached"
    for path in paths:
        assert path[0] == tree.start


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=trees(local=False, max_questions=4))
def test_check_accepts_every_generated_tree_and_renders_every_outcome(
    spec: dict[str, Any], tree_folder: Path
) -> None:
    report = check_tree(write_tree(tree_folder, spec))
    assert report.paths >= 1
    assert report.questions == len(spec["questions"])


@FUZZ
@given(spec=trees(local=False, max_questions=4))
def test_engine_paths_never_exceed_the_count_of_check(
    spec: dict[str, Any], tree_folder: Path
) -> None:
    tree = build(tree_folder, spec)
    paths, _ = distinct_paths(tree)  # history-dependent: a subset of the structural paths
    assert 1 <= len(paths) <= count_paths(tree)


# -------------------------------------------------------------------- random sessions
ACTIONS = ("answer", "answer", "answer", "invalid", "back", "edit", "skip", "reset")


@FUZZ
@given(spec=trees(local=False), data=st.data())
def test_random_sessions_raise_only_answer_errors_and_stay_consistent(
    spec: dict[str, Any], data: st.DataObject, tree_folder: Path
) -> None:
    tree = build(tree_folder, spec)
    c = Consultation(tree)
    log: list[tuple[str, Any]] = []
    for _ in range(data.draw(st.integers(1, 40), label="steps")):
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        current = c.current
        if action == "answer" and current is not None:
            value = data.draw(st.sampled_from(representative_answers(current, tree)))
            c.answer(value)
            log.append((current.id, value))
        elif action == "invalid":
            if current is None:
                with pytest.raises(AnswerError):
                    c.answer("anything")
            else:
                value = data.draw(st.sampled_from(invalid_answers(current)))
                before = dict(c.known)
                with pytest.raises(AnswerError):
                    c.answer(value)
                assert c.known == before, "a refused answer changed the state"
        elif action == "back":
            c.back()
        elif action == "edit" and c.walk.path:
            qid = data.draw(st.sampled_from(c.walk.path))
            value = data.draw(st.sampled_from(representative_answers(tree.questions[qid], tree)))
            c.answer(value, question_id=qid)
        elif action == "skip":
            if current is not None and current.optional:
                c.skip()
            else:
                with pytest.raises(AnswerError):
                    c.skip()
        elif action == "reset":
            c = Consultation(tree)
        assert_consistent(tree, c)
    # Finish the consultation: every path ends in an outcome of the tree.
    for _ in range(len(tree.questions) + 1):
        if c.current is None:
            break
        c.answer(representative_answers(c.current, tree)[0])
    assert c.complete
    assert c.evaluation().recommendation in tree.outcome_ids
    # Replay is deterministic: the same answers give the same walk and evaluation.
    again = Consultation(tree)
    for qid in c.walk.path:
        value = c.known[qid]
        again.skip() if value is SKIPPED else again.answer(value)
    assert again.walk == c.walk
    assert again.evaluation() == c.evaluation()


@FUZZ
@given(data=st.data())
def test_random_sessions_on_the_shipped_tree(tree: Tree, data: st.DataObject) -> None:
    c = Consultation(tree)
    for _ in range(data.draw(st.integers(1, 60), label="steps")):
        current = c.current
        action = data.draw(st.sampled_from(ACTIONS[:-1]), label="action")
        if action in ("answer", "skip") and current is not None:
            if current.optional and action == "skip":
                c.skip()
            else:
                c.answer(data.draw(st.sampled_from(representative_answers(current, tree))))
        elif action == "invalid" and current is not None:
            with pytest.raises(AnswerError):
                c.answer(data.draw(st.sampled_from(invalid_answers(current))))
        elif action == "back":
            c.back()
        elif action == "edit" and c.walk.path:
            qid = data.draw(st.sampled_from(c.walk.path))
            c.answer(data.draw(st.sampled_from(representative_answers(tree.questions[qid],
                                                                      tree))), question_id=qid)
        assert_consistent(tree, c)
