"""The batch's speed paths give exactly what the careful paths give (issue 7, figure 4).

Twins: the staged renderer and `render`, `answers_from_text` and `load_answer_file`,
the batch writer and `atomic_write`.
"""

from __future__ import annotations

import copy
import os
import random
import stat
from pathlib import Path
from typing import Any

import pytest

from assistant.core import batch
from assistant.core.answers import answers_from_text, load_answer_file
from assistant.core.fileio import LeanWriter, atomic_write
from assistant.core.headless import run_file, run_mapping
from assistant.core.render import ALL_FORMATS, render, renderer, staged_renderer
from assistant.core.yamlio import read_text
from tests.conftest import ANSWERS
from tests.notes.conftest import HOSTILE, random_answers

FIXTURES = sorted(ANSWERS.glob("*.yaml")) + sorted(ANSWERS.glob("*.json"))


def _outcomes(tree, count: int = 300) -> list:
    rng = random.Random(7)
    out = [run_file(tree, path).outcome for path in FIXTURES]
    for i in range(count):
        meta = {"case_label": HOSTILE} if i % 5 == 0 else {}
        out.append(run_mapping(tree, random_answers(tree, rng) | meta).outcome)
    return out


def test_a_changed_context_or_answer_changes_no_later_note(tree) -> None:
    outcome = run_file(tree, ANSWERS / "oss_several.yaml").outcome
    before = copy.deepcopy(outcome.context())
    fresh = outcome.context()
    for row in fresh["answers"]:
        row["label"] = "changed"
        if isinstance(row["value"], list):
            row["value"].append("changed")  # the walk's own list
    for factor in fresh["factors"]:
        factor["text"] = "changed"
    fresh["sources"][0]["short"] = "changed"
    fresh["advice"][0]["title"] = "changed"
    fresh["outcome"]["title"] = "changed"
    again = run_file(tree, ANSWERS / "oss_several.yaml").outcome
    assert again.context() == before


def test_answers_checked_inline_are_what_parse_answer_gives(tree) -> None:
    """Every question, with raw values of each kind, in range and not: the inline checks
    in `_check` take exactly what `parse_answer` takes, and leave it every error."""
    from assistant.core.answers import _check, parse_answer
    from assistant.core.errors import AnswerError

    raws: list[Any] = [True, False, None, "", " ", "yes", " no ", "Yes", 0, 1, -1, 17, 18,
                       120, 10**6, 1.0, 2.5, "18", [], ["yes"], {}]
    for question in tree.questions.values():
        for raw in [*raws, *question.choice_ids, *(f" {c} " for c in question.choice_ids)]:
            try:
                expected: Any = ("ok", parse_answer(question, raw))
            except AnswerError as exc:
                expected = ("error", exc.message)
            try:
                values, _, _ = _check(tree, {question.id: raw}, "a.yaml", located=False)
                got: Any = ("ok", values[question.id])
            except AnswerError as exc:
                got = ("error", exc.message)
            assert got == expected, (question.id, raw)
            assert type(got[1]) is type(expected[1]), (question.id, raw)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_the_staged_renderer_gives_what_render_gives(tree, fmt: str) -> None:
    prepare, finish = staged_renderer(fmt)
    one = renderer(fmt)
    for outcome in _outcomes(tree, 40):
        expected = render(outcome, fmt)
        assert finish(prepare(outcome)) == expected
        assert one(outcome) == expected


def test_answers_from_text_is_load_answer_file_once_read(tree, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((ANSWERS / "miss.yaml").read_text().replace("lung", "lungs"))
    for path in [*FIXTURES, bad]:
        expected: Any
        try:
            expected = load_answer_file(tree, path)
        except Exception as exc:  # the same located error either way
            with pytest.raises(type(exc)) as raised:
                answers_from_text(tree, read_text(path, "answer file"), str(path))
            assert str(raised.value) == str(exc)
            assert f"{bad}:5:" in str(exc)  # located by the careful reader
            continue
        got = answers_from_text(tree, read_text(path, "answer file"), str(path))
        assert (got.path, got.values, got.meta) == \
            (expected.path, expected.values, expected.meta)
        assert {k: str(v) for k, v in got.locations.items()} == \
            {k: str(v) for k, v in expected.locations.items()}


# ------------------------------------------------------------------ the lean writer (fileio)
def test_the_writer_writes_what_atomic_write_writes(tmp_path: Path) -> None:
    text = "# Note\n\nnon-ASCII: é – ✓\n" * 2000  # more than one write may take
    careful = atomic_write(tmp_path / "careful.md", text, durable=False)
    writer = LeanWriter(overwrite=True)
    assert writer.write(str(tmp_path / "quick.md"), text)
    assert (tmp_path / "quick.md").read_bytes() == careful.read_bytes()
    assert writer.write(str(tmp_path / "quick.md"), "again")  # replaces
    assert (tmp_path / "quick.md").read_text() == "again"
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_writer_leaves_an_existing_note_to_the_careful_path(tmp_path: Path) -> None:
    (tmp_path / "kept.md").write_text("mine")
    writer = LeanWriter(overwrite=False)
    assert not writer.write(str(tmp_path / "kept.md"), "new")
    assert (tmp_path / "kept.md").read_text() == "mine"
    assert writer.write(str(tmp_path / "new.md"), "new")
    assert not writer.write(str(tmp_path / "missing" / "new.md"), "new")  # no folder yet
    (tmp_path / "dir.md").mkdir()
    assert not LeanWriter(overwrite=True).write(str(tmp_path / "dir.md"), "new")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_the_writer_gives_the_mode_even_where_the_folder_would_not(tmp_path: Path) -> None:
    """The file is made with the note's mode; where the result differs (here a stricter
    umask than the mode was worked out for, as a default ACL would do), it is chmodded."""
    writer = LeanWriter(overwrite=True)
    writer.mode = 0o640
    old = os.umask(0o077)
    try:
        for name in ("a.md", "b.md"):
            assert writer.write(str(tmp_path / name), "x")
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert writer.chmod is True
    plain = LeanWriter(overwrite=True)
    umask = os.umask(0o022)
    os.umask(umask)
    plain.mode = 0o666 & ~umask  # what the folder gives by itself: no chmod needed
    assert plain.write(str(tmp_path / "c.md"), "x")
    assert plain.chmod is False
    assert stat.S_IMODE((tmp_path / "c.md").stat().st_mode) == plain.mode


def test_making_notes_leaves_no_cyclic_garbage(tree, tmp_path: Path) -> None:
    """Why the batch may pause the garbage collector while it makes a chunk of notes."""
    import gc

    from assistant.core.render import staged_renderer as stages

    prepare, finish = stages("md")
    jobs = [batch._Job(path, str(tmp_path / f"{path.stem}.md")) for path in FIXTURES * 8]
    batch._make_notes(jobs, tree, lambda result: prepare(result.outcome), finish)  # warm
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        jobs = [batch._Job(path, str(tmp_path / f"{path.stem}.md")) for path in FIXTURES * 8]
        batch._make_notes(jobs, tree, lambda result: prepare(result.outcome), finish)
        assert all(job.error is None for job in jobs)
        del jobs
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
