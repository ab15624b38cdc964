"""The start-up's session scan (`startup_scan`): the same offer as reading every file, while
reading the newest files only, up to the one offered."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import session as sessions
from assistant.core.machine import Consultation
from assistant.core.model import Tree

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def save(tree: Tree, ident: str, *, minutes: int, finished: bool = False,
         answered: bool = True, tree_id: str | None = None) -> Path:
    c = Consultation(tree)
    if answered:
        c.answer("yes")
    session = sessions.record(sessions.new_session(tree), c, finished=finished)
    session.id = ident
    session.updated = BASE + dt.timedelta(minutes=minutes)
    if tree_id:
        session.tree_id = tree_id
    path = sessions.save_session(session)
    stamp = session.updated.timestamp()  # the scan goes by the files' times, newest first
    os.utime(path, (stamp, stamp))
    return path


def careful(tree_id: str) -> str | None:
    """The careful twin: every file read in full."""
    found = sessions.latest_unfinished(tree_id, sessions.scan_sessions())
    return found.id if found else None


def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = sessions.load_session

    def counting(path):  # type: ignore[no-untyped-def]
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(sessions, "load_session", counting)
    return calls


def test_no_folder_no_offer() -> None:
    assert sessions.startup_scan("miss-vs-oss") == (None, [])


def test_a_start_reads_the_newest_files_only_up_to_the_offer(
        tree: Tree, monkeypatch: pytest.MonkeyPatch):
    for i in range(30):
        save(tree, f"s{i:02d}", minutes=i, finished=i < 27)
    calls = parses(monkeypatch)
    offer, problems = sessions.startup_scan(tree.id)
    assert offer is not None and offer.id == "s29" and problems == []
    assert [p.name for p in calls] == ["s29.json"]  # the newest, unfinished: no more read
    save(tree, "s30", minutes=30, finished=True)  # a newer consultation, finished
    calls.clear()
    offer, _ = sessions.startup_scan(tree.id)
    assert offer is not None and offer.id == "s29"
    assert [p.name for p in calls] == ["s30.json", "s29.json"]


def test_a_file_finished_since_is_not_offered(tree: Tree):
    save(tree, "a", minutes=1)
    assert sessions.startup_scan(tree.id)[0].id == "a"  # type: ignore[union-attr]
    save(tree, "a", minutes=2, finished=True)  # the same file, now finished
    assert sessions.startup_scan(tree.id)[0] is None


def test_a_corrupt_file_is_set_aside_and_reported_once(tree: Tree):
    save(tree, "a", minutes=1)
    bad = sessions.sessions_dir() / "b.json"
    bad.write_text('{"format": "spine-assist-session", "vers', "utf-8")
    offer, problems = sessions.startup_scan(tree.id)
    assert offer is not None and offer.id == "a"
    assert len(problems) == 1 and "b.json" in problems[0]
    assert (bad.parent / "b.json.corrupt").exists() and not bad.exists()
    assert sessions.startup_scan(tree.id)[1] == []


def test_a_file_broken_since_the_last_start_is_caught(tree: Tree):
    path = save(tree, "a", minutes=1)
    sessions.startup_scan(tree.id)
    path.write_text('{"format": "spine-assist-session", "version": 1, "id": "a"', "utf-8")
    offer, problems = sessions.startup_scan(tree.id)
    assert offer is None and len(problems) == 1


SESSION = st.tuples(st.integers(0, 50), st.booleans(), st.booleans(),
                    st.sampled_from(["miss-vs-oss", "other-tree"]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(SESSION, max_size=8), then=st.lists(SESSION, max_size=4),
       drop=st.integers(0, 8))
def test_the_offer_is_the_careful_scans_offer(tree: Tree, first, then, drop) -> None:
    """Random sessions, a start, some files replaced, added or removed, a start again: each
    start offers what reading every file would."""
    folder = sessions.sessions_dir()
    shutil.rmtree(folder, ignore_errors=True)
    for i, (minutes, finished, answered, tree_id) in enumerate(first):
        save(tree, f"s{i}", minutes=minutes, finished=finished, answered=answered,
             tree_id=tree_id)
    for tree_id in ("miss-vs-oss", "other-tree"):
        offer, _ = sessions.startup_scan(tree_id)
        assert (offer.id if offer else None) == careful(tree_id)
    for i, (minutes, finished, answered, tree_id) in enumerate(then):  # replace or add
        save(tree, f"s{i * 2}", minutes=minutes, finished=finished, answered=answered,
             tree_id=tree_id)
    files = sorted(folder.glob("s*.json"))
    if files and drop < len(files):
        os.unlink(files[drop])
    for tree_id in ("miss-vs-oss", "other-tree"):
        offer, _ = sessions.startup_scan(tree_id)
        assert (offer.id if offer else None) == careful(tree_id)
