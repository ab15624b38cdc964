"""Hostile files and folders (issue 12 items 5, 6, 9, 15): FIFOs, symlinks to /dev/zero,
devices and sockets where a file is read, corrupt sessions, two apps on one state folder, a
bad SOURCE_DATE_EPOCH (outputs and failing disks: test_files.py).

Every hostile command ends within 5 s and 1 GiB with exit 2 and one stderr line that holds
no control character; nothing outside the named output is created, changed or replaced.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import main
from assistant.core import fileio
from assistant.core import session as sessions
from assistant.core.clock import now_utc
from assistant.core.errors import InputError, Location
from assistant.core.fileio import parse_json, read_regular_file
from assistant.core.machine import Consultation
from tests.conftest import ANSWERS, DEFAULT_TREE, ENTRY_POINT

MISS = str(ANSWERS / "miss.yaml")
GIB = 1 << 30
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _limits() -> None:  # in the child: 1 GiB of address space
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def hostile(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run the real command on hostile input; its one error line (after the checks)."""
    proc = subprocess.run([*ENTRY_POINT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=5, env={**os.environ, **(env or {})}, preexec_fn=_limits,
                          check=False)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("spine-assist: error: ")
    assert not CONTROL.search(lines[0])
    return lines[0].removeprefix("spine-assist: error: ")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


# ------------------------------------------------------------------ the one careful reader
def _special(kind: str, tmp_path: Path) -> tuple[Path, str]:
    if kind == "fifo":
        os.mkfifo(tmp_path / "f")
        return tmp_path / "f", "a named pipe (FIFO)"
    if kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(tmp_path / "s"))
        return tmp_path / "s", "a socket"
    if kind == "dev-zero-link":
        (tmp_path / "z").symlink_to("/dev/zero")
        return tmp_path / "z", "a character device"
    return Path("/dev/null"), "a character device"


@pytest.mark.parametrize("kind", ["fifo", "socket", "dev-zero-link", "dev-null"])
def test_only_regular_files_are_read(kind: str, tmp_path: Path) -> None:
    path, what = _special(kind, tmp_path)
    with pytest.raises(InputError) as info:
        read_regular_file(path, 1000, "answer file")
    assert str(info.value) == f"{path}: answer file is {what}, not a regular file (a regular file)"


def test_a_link_is_refused_where_links_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    assert read_regular_file(tmp_path / "link.json", 10) == b"{}"
    with pytest.raises(InputError, match="is a symbolic link, not a regular file"):
        read_regular_file(tmp_path / "link.json", 10, follow_symlinks=False)


def test_the_size_limit_holds(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 101)
    (tmp_path / "small").write_bytes(b"x" * 100)
    assert read_regular_file(tmp_path / "small", 100) == b"x" * 100
    with pytest.raises(InputError) as info:
        read_regular_file(tmp_path / "big", 100, "session file")
    assert str(info.value) == f"{tmp_path / 'big'}: session file is too large (101 bytes) " \
        "(at most 100 bytes)"


# ------------------------------------------------------------------ FIFOs anywhere
@pytest.mark.parametrize("where", ["answers", "tree-run", "tree-check", "graph-answers"])
def test_a_fifo_input_never_hangs(where: str, fifo: Path, tmp_path: Path) -> None:
    args = {"answers": ["run", str(fifo)], "tree-run": ["run", "--tree", str(fifo), MISS],
            "tree-check": ["check", str(fifo)],
            "graph-answers": ["graph", "--answers", str(fifo)]}[where]
    assert "a named pipe (FIFO), not a regular file" in hostile(*args, cwd=tmp_path)


def test_a_fifo_vignettes_file_beside_a_tree_never_hangs(tmp_path: Path) -> None:
    tree = tmp_path / "t.yaml"
    tree.write_text(DEFAULT_TREE.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(tmp_path / "t.vignettes.yaml")
    proc = subprocess.run([*ENTRY_POINT, "check", str(tree)], capture_output=True, text=True,
                          timeout=5, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert "not a regular file" in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["run", "check"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_a_special_template_never_hangs_nor_falls_back(command: str, kind: str,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    template = folder / "note.md.j2"
    (os.mkfifo(template) if kind == "fifo" else template.symlink_to("/dev/zero"))
    args = [MISS] if command == "run" else []
    line = hostile(command, *args, "--templates", str(folder), cwd=tmp_path)
    assert line.startswith(f"{template}: template ")
    assert ("not a regular file" if kind == "fifo" else "outside its folder") in line


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link", "socket", "directory"])
def test_a_special_session_file_is_set_aside_and_every_other_session_lists(
    kind: str, tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _saved(tree)
    bad = sessions.sessions_dir() / "bad.json"
    if kind == "directory":
        bad.mkdir()
    else:
        special, _what = _special(kind, tmp_path)
        (os.mkfifo(bad) if kind == "fifo" else bad.symlink_to(special))
    assert main(["resume", "--list"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(good.id + "\t")
    [warning] = err.splitlines()
    assert warning.startswith(f"spine-assist: warning: {bad}: the session file is ")
    assert warning.endswith(f"moved aside to {bad}.corrupt")
    assert not os.path.lexists(bad)


# ------------------------------------------------------------------ sessions
def _saved(tree, known: bool = True) -> sessions.Session:
    consultation = Consultation(tree)
    if known:
        consultation.answer("yes")
    session = sessions.record(sessions.new_session(tree), consultation)
    sessions.save_session(session)
    return session


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_a_state_folder_that_cannot_be_written_is_one_plain_sentence(
    where: str, tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    state = blocker / "state" if where == "under-a-file" else blocker
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(state))
    session = sessions.new_session(tree)
    with pytest.raises(sessions.SessionError) as info:
        sessions.save_session(session)
    assert str(info.value).startswith(f"{blocker}: cannot write in this folder: not a directory")
    assert "\n" not in str(info.value)
    assert blocker.read_text() == "a file"


def test_a_full_disk_keeps_the_last_save_and_says_so(
    tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _saved(tree)
    before = session.path.read_bytes()
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(fileio.os, "write", full)
    session.meta["case_label"] = "changed"
    with pytest.raises(sessions.SessionError) as info:
        sessions.save_session(session)
    assert str(info.value) == (f"{session.path}: cannot write the file: no space left on device "
                               "(free some space or write elsewhere; any existing file is "
                               "unchanged)")
    monkeypatch.undo()
    assert session.path.read_bytes() == before
    assert [p.name for p in session.path.parent.iterdir() if p.suffix == ".tmp"] == []


# ------------------------------------------------------------------ corrupt sessions
NUMBERS = st.sampled_from(["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "9" * 5000,
                           "1" + "0" * 400, "0." + "1" * 5000])


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BAD_SESSION = st.one_of(
    NUMBERS.map(lambda n: '{"format": "spine-assist-session", "version": 1, "known": {"a": '
                + n + "}}"),
    NUMBERS.map(lambda n: '{"format": "spine-assist-session", "version": ' + n + "}"),
    st.integers(9, 200_000).map(lambda d: '{"format": ' + _nested(d) + "}"),
    st.integers(9, 200_000).map(_nested),
    st.binary(max_size=300).filter(lambda b: not _is_json(b)).map(
        lambda b: b.decode("latin-1")),
    st.sampled_from(["", "null", "[]", "1", '"x"', '{"format": "spine-assist-session"}',
                     '{"format": "spine-assist-session", "version": 1}',
                     '{"format": "spine-assist-session", "version": 1, "known": [],'
                     ' "tree": 1, "id": {}, "created": 3, "updated": null}']),
)


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


@settings(max_examples=60, deadline=2000,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=BAD_SESSION)
def test_a_corrupt_session_is_set_aside_by_name_and_the_others_still_list(tree, text) -> None:
    folder = sessions.sessions_dir()
    for old in folder.glob("*") if folder.is_dir() else []:
        old.unlink()
    good = _saved(tree)
    bad = folder / "zz-bad.json"
    bad.write_text(text, encoding="latin-1")
    with pytest.raises(sessions.SessionError) as info:
        sessions.load_session(bad)
    assert str(info.value).startswith(str(bad))
    scan = sessions.scan_sessions()
    assert [s.id for s in scan.sessions] == [good.id]
    assert [reason.split(":")[0] for _path, reason in scan.set_aside] == [str(bad)]
    offer, problems = sessions.startup_scan(tree.id)
    assert offer is not None and offer.id == good.id and problems == []


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a": 1e400}', "Infinity", "9" * 5000])
def test_bounded_json_refuses_in_one_located_line(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_json(text.encode(), Location("s.json"))
    assert str(info.value).startswith("s.json") and "\n" not in str(info.value)


def test_resume_list_is_not_blocked_by_a_corrupt_file(tree, tmp_path: Path) -> None:
    good = _saved(tree)
    (sessions.sessions_dir() / "deep.json").write_text(_nested(50_000))
    proc = subprocess.run([*ENTRY_POINT, "resume", "--list"], capture_output=True, text=True,
                          timeout=5, preexec_fn=_limits, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(good.id + "\t")
    assert "deep.json: nested too deeply" in proc.stderr


# ------------------------------------------------------------------ two apps, one folder
def test_a_session_is_owned_by_one_app(tree) -> None:
    first = _saved(tree)
    mine = sessions.claim(first.path)
    assert mine is not None and mine.held
    assert sessions.claim(first.path) is None  # a second app
    assert sessions.in_use(first.path)
    assert sessions.startup_scan(tree.id)[0] is None  # never offered while held
    assert sessions.scan_sessions().busy == {first.id}
    copy = sessions.copy_session(first)
    sessions.save_session(copy)
    assert copy.id != first.id and copy.known == first.known
    assert sessions.load_session(first.path).id == first.id  # the original untouched
    mine.release()
    assert not sessions.in_use(first.path)
    offer = sessions.startup_scan(tree.id)[0]
    assert offer is not None and offer.id in {first.id, copy.id}


def test_a_lock_held_by_another_process_ends_with_it(tree) -> None:
    first = _saved(tree)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from assistant.core.session import claim; lock = claim(Path(sys.argv[1])); "
         "print('held' if lock else 'refused', flush=True); time.sleep(60)", str(first.path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert sessions.in_use(first.path)
        assert sessions.claim(first.path) is None
        proc = subprocess.run([*ENTRY_POINT, "resume", "--list"], capture_output=True,
                              text=True, timeout=5, check=False)
        assert "unfinished (in use by another window)" in proc.stdout
    finally:
        holder.kill()
        holder.wait()
    assert not sessions.in_use(first.path)  # the system dropped the lock with the process


# ------------------------------------------------------------------ SOURCE_DATE_EPOCH
@pytest.mark.parametrize("value", ["99999999999999", "253402300800", "-1", "1e9", "abc",
                                   "１２３", "1767225600\x1b[2J"])
def test_an_unusable_source_date_epoch_is_one_line(value: str, tmp_path: Path) -> None:
    line = hostile("run", MISS, cwd=tmp_path, env={"SOURCE_DATE_EPOCH": value})
    assert line.startswith("SOURCE_DATE_EPOCH: '")
    assert line.endswith("is not a time this tool can use (whole seconds since 1970-01-01 "
                         "UTC, from 0 to 253402300799)")


def test_a_usable_source_date_epoch_is_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert now_utc().year == 9999
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    assert now_utc().year >= 2026


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_a_crash_log_that_is_not_a_file_is_left_alone(kind: str, tmp_path: Path) -> None:
    log = sessions.crash_log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    (os.mkfifo(log) if kind == "fifo" else log.symlink_to("/dev/zero"))
    assert sessions.log_crash(RuntimeError("boom")) == log  # returns at once, writes nothing
    assert not stat.S_ISREG(os.lstat(log).st_mode)
    log.unlink()
    sessions.log_crash(RuntimeError("boom"), "twice")
    assert "RuntimeError: boom" in log.read_text()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**18, 10**18)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=10)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_a_session_could_hold_restores_or_is_refused(tree, data) -> None:
    """Whatever a hand-edited session holds, it is refused as a SessionError, or restored
    with the answers the tree accepts (the others dropped, with a warning): never a crash."""
    ids = st.sampled_from([*tree.questions, "no_such_question"])
    saved = {"format": "spine-assist-session", "version": 1, "id": "x", "tree": {"id": tree.id},
             "known": data.draw(st.dictionaries(ids, JSON_VALUES, max_size=8)),
             "remembered": data.draw(st.dictionaries(ids, JSON_VALUES, max_size=4)),
             "skipped": data.draw(st.lists(ids | JSON_VALUES, max_size=3)),
             "order": data.draw(st.lists(ids | JSON_VALUES, max_size=5)),
             "meta": data.draw(JSON_VALUES),
             "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}
    try:
        session = sessions.Session.from_json(saved)
    except sessions.SessionError:
        return
    consultation, _warnings = sessions.restore(tree, session)
    assert set(consultation.known) <= set(session.known)
    assert session.describe()
