"""Session files: round trip, atomic saves, damaged files set aside, restore, crash log."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assistant.core import session as sessions
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Tree


def consultation(tree: Tree) -> Consultation:
    c = Consultation(tree)
    c.answer("yes")
    c.skip()
    c.answer(["instability", "intractable_pain"])
    c.answer("mild")
    c.back()  # neurological_deficit is remembered, not known
    return c


def test_round_trip_keeps_answers_skips_order_and_remembered(tree: Tree):
    c = consultation(tree)
    saved = sessions.record(sessions.new_session(tree, {"case_label": "bed 4"}), c)
    path = sessions.save_session(saved)
    assert path.parent == sessions.sessions_dir()
    loaded = sessions.load_session(path)
    assert loaded.known == c.known
    assert list(loaded.known) == list(c.known)
    assert loaded.known["sins_location"] is SKIPPED
    assert loaded.remembered == {"neurological_deficit": "mild"}
    assert loaded.meta == {"case_label": "bed 4"}
    assert loaded.tree_sha256 == tree.sha256
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "spine-assist-session"
    assert data["version"] == sessions.FORMAT_VERSION
    restored, warnings = sessions.restore(tree, loaded)
    assert warnings == []
    assert restored.known == c.known
    assert restored.remembered == c.remembered
    assert restored.current.id == "neurological_deficit"
    assert restored.default_for(restored.current) == "mild"


def test_save_leaves_no_temporary_files_and_replaces_atomically(tree: Tree):
    saved = sessions.record(sessions.new_session(tree), consultation(tree))
    sessions.save_session(saved)
    sessions.save_session(saved, durable=True)
    assert [p.name for p in sessions.sessions_dir().iterdir()] == [f"{saved.id}.json"]


@pytest.mark.parametrize("content", [
    b'{"format": "spine-assist-session", "version": 1, "id": "x", "tr',  # half-written
    b"",  # empty
    b"\xff\xfe not utf-8",
    b'{"format": "something else"}',
    b'{"format": "spine-assist-session", "version": 99}',
    b'{"format": "spine-assist-session", "version": 1, "id": "x"}',  # fields missing
    b"[1, 2, 3]",
])
def test_damaged_files_are_set_aside_and_reported(tree: Tree, content: bytes):
    good = sessions.save_session(sessions.record(sessions.new_session(tree),
                                                 consultation(tree)))
    bad = sessions.sessions_dir() / "bad.json"
    bad.write_bytes(content)
    scan = sessions.scan_sessions()
    assert [s.file for s in scan.sessions] == [good]
    assert len(scan.set_aside) == 1
    moved, reason = scan.set_aside[0]
    assert moved.name == "bad.json.corrupt" and moved.exists() and not bad.exists()
    assert "bad.json" in reason
    assert "moved aside" in scan.problems()[0]
    assert sessions.scan_sessions().set_aside == []  # reported once


def test_latest_unfinished_skips_finished_and_empty_sessions(tree: Tree, monkeypatch):
    c = consultation(tree)
    older = sessions.record(sessions.new_session(tree), c)
    older.updated = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    sessions.save_session(older)
    finished = sessions.record(sessions.new_session(tree), c, finished=True)
    sessions.save_session(finished)
    empty = sessions.new_session(tree)
    sessions.save_session(empty)
    assert sessions.latest_unfinished(tree.id).id == older.id
    assert sessions.latest_unfinished("another-tree") is None


def test_find_session_by_prefix_and_clear_error(tree: Tree):
    saved = sessions.save_session(sessions.new_session(tree))
    session_id = saved.stem
    assert sessions.find_session(session_id[:20]).id == session_id
    with pytest.raises(sessions.SessionError) as error:
        sessions.find_session("nope")
    assert "session 'nope' not found" in str(error.value)


def test_describe_says_how_many_and_when(tree: Tree):
    saved = sessions.record(sessions.new_session(tree), consultation(tree))
    later = saved.updated + dt.timedelta(minutes=12)
    text = saved.describe(later)
    assert text.startswith("2 of ~")
    assert text.endswith("answered, 12 minutes ago")
    assert sessions.ago(saved.updated, saved.updated + dt.timedelta(hours=1)) == "1 hour ago"
    assert sessions.ago(saved.updated, saved.updated) == "just now"


def test_estimate_counts_the_likely_path(tree: Tree):
    empty = sessions.estimate_total(tree, {})
    assert 12 <= empty <= len(tree.questions)
    assert sessions.estimate_total(tree, {"fit_for_surgery": "no"}) == 1


def test_restore_drops_answers_the_tree_no_longer_accepts(tree: Tree):
    saved = sessions.new_session(tree)
    saved.known = {"fit_for_surgery": "yes", "gone_question": "x",
                   "surgical_indications": ["levitation"], "neurological_deficit": SKIPPED}
    restored, warnings = sessions.restore(tree, saved)
    assert restored.known == {"fit_for_surgery": "yes"}
    assert len(warnings) == 2
    assert "a question this tree no longer has (id 'gone_question') was dropped" in warnings[0]
    prompt = " ".join(tree.questions["surgical_indications"].prompt.split())
    assert warnings[1].startswith(f"the answer to “{prompt[:40]}")
    assert "surgical_indications" not in warnings[1]  # the person sees the question, no id


def test_crash_log_appends_the_traceback():
    try:
        raise ValueError("kaput")
    except ValueError as exc:
        log = sessions.log_crash(exc, "session x")
    text = log.read_text(encoding="utf-8")
    assert "ValueError: kaput" in text and "session x" in text
    assert log == sessions.crash_log_path()
