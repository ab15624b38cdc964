"""Writing notes and sessions: atomic, never over an existing note without --force, never
onto anything but a regular file (a FIFO, a device) whatever --force says; a full disk, a
read-only disk or a folder that cannot be written is one clear line and exit 2, with the old
file intact; any valid name is accepted, `-o -` is standard output (issue 12 items 4, 8, 19).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import main
from assistant.core import fileio
from assistant.core import session as sessions
from assistant.core.errors import InputError
from assistant.core.fileio import atomic_write
from assistant.core.machine import Consultation
from tests.conftest import ANSWERS, ENTRY_POINT
from tests.robust.test_io_hostile import hostile

MISS = str(ANSWERS / "miss.yaml")
OLD = "the old note, which must survive\n"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_run_writes_the_note_and_leaves_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "note.md"
    assert main(["run", MISS, "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("#")
    assert _leftovers(tmp_path) == []
    assert capsys.readouterr().err == ""


def test_an_existing_note_is_not_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "note.md"
    target.write_text(OLD, encoding="utf-8")
    assert main(["run", MISS, "--output", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {target}: the file already exists (use --force to overwrite it)\n"
    )
    assert target.read_text(encoding="utf-8") == OLD
    assert main(["run", MISS, "--output", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") != OLD
    assert _leftovers(tmp_path) == []


def test_no_overwrite_holds_even_if_the_file_appears_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The existence check and the rename are one step (a hard link), not check-then-write."""
    target = tmp_path / "note.md"
    real_write = os.write

    def write_while_someone_writes(fd: int, data: bytes) -> int:
        if not target.exists():
            target.write_text(OLD, encoding="utf-8")
        return real_write(fd, data)

    monkeypatch.setattr(fileio.os, "write", write_while_someone_writes)
    with pytest.raises(InputError, match="the file already exists"):
        atomic_write(target, "new\n", overwrite=False)
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


def _enospc(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_rename_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "note.md"
    target.write_text(OLD, encoding="utf-8")
    monkeypatch.setattr(fileio.os, "replace", _enospc)
    assert main(["run", MISS, "--output", str(target), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {target}: cannot write the file: no space left on device "
        "(free some space or write elsewhere; any existing file is unchanged)\n"
    )
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


def _full_disk_after(limit: int):  # type: ignore[no-untyped-def]
    """os.write on a disk that fills up after `limit` bytes of a file, as a real one would."""
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if fd <= 2:
            return real_write(fd, data)
        if len(data) > limit:
            real_write(fd, bytes(data[:limit]))
        raise OSError(errno.ENOSPC, "No space left on device")

    return write


def test_a_full_disk_mid_write_is_one_line_and_the_old_note_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "note.md"
    target.write_text(OLD, encoding="utf-8")
    monkeypatch.setattr(fileio.os, "write", _full_disk_after(10))
    assert main(["run", MISS, "--output", str(target), "--force"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"spine-assist: error: {target}: cannot write the file: no space left on device "
        "(free some space or write elsewhere; any existing file is unchanged)\n"
    )
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


def test_a_full_disk_in_a_batch_reports_each_note_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    monkeypatch.setattr(fileio.os, "write", _full_disk_after(0))
    inputs = [str(ANSWERS / "miss.yaml"), str(ANSWERS / "nonoperative.yaml")]
    assert main(["run", *inputs, "--output", str(out)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == [
        f"spine-assist: error: {out / name}: cannot write the file: no space left on device "
        "(free some space or write elsewhere; any existing file is unchanged)"
        for name in ("miss.md", "nonoperative.md")
    ]
    assert lines[-1] == f"0 of 2 notes written to {out}; 2 failed"
    assert list(out.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_open = os.open

    def denied(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(fileio.os, "open", denied)
    target = tmp_path / "locked" / "note.md"
    assert main(["run", MISS, "--output", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {target.parent}: cannot write in this folder: permission denied "
        "(a folder you may write to)\n"
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write anywhere; the monkeypatched test covers this")
def test_a_read_only_folder_for_real(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["run", MISS, "--output", str(folder / "note.md")]) == 2
    finally:
        folder.chmod(0o700)
    assert "cannot write in this folder: permission denied" in capsys.readouterr().err


def test_a_file_where_a_folder_should_be_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["run", MISS, "--output", str(blocker / "note.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"spine-assist: error: {blocker}: cannot write in this folder: ")
    assert err.count("\n") == 1
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_an_output_that_is_a_folder_for_one_note_goes_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", MISS, "--output", str(tmp_path)]) == 0
    assert (tmp_path / "miss.md").is_file()


def test_atomic_write_refuses_a_directory_target(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        atomic_write(tmp_path, "x")
    assert str(info.value) == (
        f"{tmp_path}: the output is a directory, not a file (a file name, e.g. note.md)"
    )


def test_an_interrupt_mid_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "note.md"
    target.write_text(OLD, encoding="utf-8")

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new\n")
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


def test_notes_get_ordinary_permissions_and_sessions_stay_private(tmp_path) -> None:
    import os
    import stat

    from assistant.core.fileio import atomic_write

    old = os.umask(0o022)
    try:
        note = atomic_write(tmp_path / "note.md", "x")
        private = atomic_write(tmp_path / "session.json", "{}", mode=0o600)
    finally:
        os.umask(old)
    assert stat.S_IMODE(note.stat().st_mode) == 0o644
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


@pytest.mark.parametrize("durable", [True, False], ids=["durable", "not-durable"])
def test_durable_or_not_gives_the_same_file_and_mode(tmp_path: Path, durable: bool) -> None:
    """Saves after each answer (durable=False) skip the fsyncs, nothing else."""
    import stat

    text = "{\n \"answers\": \"é ✓\"\n}\n" * 3000  # more than one write may take
    old = os.umask(0o022)
    try:
        note = atomic_write(tmp_path / "note.md", text, durable=durable)
        private = atomic_write(tmp_path / "session.json", text, durable=durable, mode=0o600)
        atomic_write(private, "again", durable=durable, mode=0o600)  # replaces
    finally:
        os.umask(old)
    assert note.read_text(encoding="utf-8") == text
    assert private.read_text(encoding="utf-8") == "again"
    assert stat.S_IMODE(note.stat().st_mode) == 0o644
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_made_and_refusals_are_worded(tmp_path: Path) -> None:
    folder = tmp_path / "sessions" / "new"  # no folder yet: made
    assert atomic_write(folder / "s.json", "{}", durable=False).read_text() == "{}"
    (tmp_path / "kept.md").write_text(OLD, encoding="utf-8")
    with pytest.raises(InputError, match="the file already exists"):
        atomic_write(tmp_path / "kept.md", "new", durable=False, overwrite=False)
    with pytest.raises(InputError, match="the output is a directory"):
        atomic_write(folder, "x", durable=False)
    assert (tmp_path / "kept.md").read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == [] and _leftovers(folder) == []


# ------------------------------------------------------------------ outputs
@pytest.mark.parametrize("kind", ["fifo", "dev-null", "link-to-fifo"])
def test_an_output_that_is_not_a_regular_file_is_refused_even_with_force(
    kind: str, tmp_path: Path
) -> None:
    target = Path("/dev/null") if kind == "dev-null" else tmp_path / "note.md"
    if kind != "dev-null":
        os.mkfifo(tmp_path / "pipe")
        (os.mkfifo(target) if kind == "fifo" else target.symlink_to(tmp_path / "pipe"))
    line = hostile("run", MISS, "-o", str(target), "--force", cwd=tmp_path)
    what = "a character device" if kind == "dev-null" else "a named pipe (FIFO)"
    assert line == (f"{target}: the output is {what}, not a regular file "
                    "(a new or regular file; `-o -` for standard output)")
    if kind != "dev-null":
        assert stat.S_ISFIFO(os.stat(target).st_mode)


def test_a_batch_leaves_a_fifo_where_a_note_would_go(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    os.mkfifo(out / "miss.md")
    proc = subprocess.run([*ENTRY_POINT, "run", MISS, str(ANSWERS / "nonoperative.yaml"), "-o",
                           str(out), "--force"], capture_output=True, text=True, timeout=5,
                          check=False)
    assert proc.returncode == 2
    assert f"{out / 'miss.md'}: the output is a named pipe (FIFO)" in proc.stderr
    assert stat.S_ISFIFO(os.stat(out / "miss.md").st_mode)
    assert (out / "nonoperative.md").is_file()


def test_dash_writes_to_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", MISS, "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("# ")
    assert main(["export-fhir", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["resourceType"] == "Questionnaire"
    assert list(tmp_path.iterdir()) == []


def test_a_long_valid_name_is_written_and_a_too_long_one_is_one_line(tmp_path: Path) -> None:
    name = "n" * 247 + ".md"  # 250 characters: valid on every common file system
    assert main(["run", MISS, "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / name).is_file()
    line = hostile("run", MISS, "-o", str(tmp_path / ("n" * 253 + ".md")), cwd=tmp_path)
    assert line.endswith("cannot write the file: file name too long (a shorter file name)")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# ------------------------------------------------------------------ saving that fails
def test_an_error_without_strerror_is_still_a_sentence(tmp_path: Path, monkeypatch) -> None:
    def bare(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EIO, None)

    monkeypatch.setattr(fileio.os, "replace", bare)
    with pytest.raises(InputError) as info:
        atomic_write(tmp_path / "x.md", "x")
    assert str(info.value) == f"{tmp_path / 'x.md'}: cannot write the file: input/output error"


@pytest.fixture
def full_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real, small tmpfs filled to the last byte (root only; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (mount / "old.md").write_text("the old note\n")
        (mount / "state" / "sessions").mkdir(parents=True)
        with (mount / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
            while True:
                filler.write(b"x" * 4096)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_is_one_line_and_keeps_what_was_there(full_disk: Path) -> None:
    old = full_disk / "old.md"
    line = hostile("run", MISS, "-o", str(old), "--force", cwd=full_disk)
    assert line == (f"{old}: cannot write the file: no space left on device (free some space "
                    "or write elsewhere; any existing file is unchanged)")
    assert old.read_text() == "the old note\n"
    proc = subprocess.run([*ENTRY_POINT, "run", MISS, str(ANSWERS / "nonoperative.yaml"), "-o",
                           str(full_disk / "notes")], capture_output=True, text=True, timeout=5,
                          check=False)
    assert proc.returncode == 2 and proc.stderr.count("no space left on device") == 2
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "notes", "old.md", "state"]
    assert [p.name for p in (full_disk / "notes").iterdir()] == []


def test_a_session_save_on_a_really_full_disk_says_so(
    tree, full_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(full_disk / "state"))
    session = sessions.record(sessions.new_session(tree), Consultation(tree))
    with pytest.raises(sessions.SessionError, match="no space left on device"):
        sessions.save_session(session)
    assert list((full_disk / "state" / "sessions").iterdir()) == []


@pytest.fixture
def read_only(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder on a read-only mount, which even root cannot write (skipped where no mount)."""
    folder = tmp_path / "ro"
    (folder / "state" / "sessions").mkdir(parents=True)
    (folder / "old.md").write_text("the old note\n")
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                             capture_output=True, check=False).returncode == 0
    if not mounted or subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)],
                                     capture_output=True, check=False).returncode != 0:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        pytest.skip("cannot make a read-only mount here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_disk_is_one_line_for_notes_and_sessions(
    tree, read_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = hostile("run", MISS, "-o", str(read_only / "old.md"), "--force", cwd=read_only)
    assert line == (f"{read_only}: cannot write in this folder: read-only file system "
                    "(a folder on a writable disk)")
    assert (read_only / "old.md").read_text() == "the old note\n"
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(read_only / "state"))
    session = sessions.record(sessions.new_session(tree), Consultation(tree))
    lock = sessions.claim(session.path)  # nothing to guard where nothing can be written
    assert lock is not None and not lock.held
    with pytest.raises(sessions.SessionError, match="read-only file system"):
        sessions.save_session(session)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=st.text(st.sampled_from("abcXYZ019-_ é✓"), min_size=1, max_size=252))
def test_any_valid_name_is_written_whole_and_alone(stem: str, tmp_path: Path) -> None:
    """Up to the file system's 255 bytes a name is accepted (the temporary name beside it
    stays short), and nothing else is left in the folder."""
    name = f"{stem}.md"
    folder = tmp_path / "names"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    if len(name.encode()) > 255:
        with pytest.raises(InputError, match="file name too long"):
            atomic_write(folder / name, "x")
        assert list(folder.iterdir()) == []
    else:
        atomic_write(folder / name, "x", overwrite=False)
        assert [p.name for p in folder.iterdir()] == [name]
