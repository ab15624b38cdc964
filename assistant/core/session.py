"""Saved consultations: one JSON file per session, written after every answer.

No Textual here: the TUI calls `record` + `save_session` after each change. A file that is
not a whole, valid session is renamed `*.corrupt` and reported by name; it never blocks a
start or `resume --list`. Saves are atomic (a kill leaves the old version or the new one);
`durable=True` adds an fsync for power loss. One app owns a session (`claim`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import stat
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.core import paths
from assistant.core.answers import parse_answer
from assistant.core.clock import now_utc
from assistant.core.errors import (
    AnswerError,
    InputError,
    Location,
    did_you_mean,
    one_of,
    terminal_safe,
)
from assistant.core.fileio import atomic_write, parse_json, read_regular_file
from assistant.core.machine import SKIPPED, Consultation, estimate_total
from assistant.core.model import Tree
from assistant.core.records import Record
from assistant.core.session_lock import SessionLock as SessionLock  # the TUI's API, here
from assistant.core.session_lock import claim as claim
from assistant.core.session_lock import in_use

FORMAT = "spine-assist-session"
FORMAT_VERSION = 1
SUFFIX = ".json"
CORRUPT_SUFFIX = ".corrupt"
MAX_SESSION_BYTES = 1_000_000


class SessionError(InputError):
    """A session file that cannot be read (malformed, wrong format, unknown version)."""


# --------------------------------------------------------------------------- clock
def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """`just now`, `12 minutes ago`, `3 hours ago`, `2 days ago`."""
    seconds = int(((now or now_utc()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    size, unit = next(pair for pair in ((86400, "day"), (3600, "hour"), (60, "minute"))
                      if seconds >= pair[0])
    count = seconds // size
    return f"{count} {unit}{'s' if count != 1 else ''} ago"


# --------------------------------------------------------------------------- model
@dataclass
class Session:
    """A consultation as saved: the answers (with skips), what back() remembered, meta."""

    id: str
    tree_id: str
    tree_sha256: str
    tree_version: str = ""
    tree_path: str = ""
    known: dict[str, Any] = field(default_factory=dict)  # SKIPPED for skipped optionals
    remembered: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    created: dt.datetime = field(default_factory=now_utc)
    updated: dt.datetime = field(default_factory=now_utc)
    finished: bool = False
    answered: int = 0  # questions answered on the path (skips not counted)
    expected: int = 0  # an estimate of the questions a whole consultation asks
    file: Path | None = None

    @property
    def path(self) -> Path:
        return self.file or sessions_dir() / f"{self.id}{SUFFIX}"

    def to_json(self) -> dict[str, Any]:
        known = {k: v for k, v in self.known.items() if v is not SKIPPED}
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "id": self.id,
            "tree": {"id": self.tree_id, "version": self.tree_version,
                     "sha256": self.tree_sha256, "path": self.tree_path},
            "known": known,
            "skipped": [k for k, v in self.known.items() if v is SKIPPED],
            "order": list(self.known),
            "remembered": dict(self.remembered),  # back() never remembers a skip
            "meta": dict(self.meta),
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "finished": self.finished,
            "answered": self.answered,
            "expected": self.expected,
        }

    @classmethod
    def from_json(cls, data: Any, file: Path | None = None) -> Session:
        where = Location(str(file)) if file else None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SessionError("not a spine-assist session", where)
        if data.get("version") != FORMAT_VERSION:
            raise SessionError(f"unknown session format version {data.get('version')!r}",
                               where, f"this version reads version {FORMAT_VERSION}")
        try:
            tree = data["tree"]
            known_values = dict(data["known"])
            # Ids are text, as in any JSON object's keys (a hand-edited list may hold null).
            skipped = {str(qid) for qid in data.get("skipped", [])}
            # In the saved order; an id the order list lost goes after it.
            order = dict.fromkeys([*map(str, data.get("order", [])), *known_values, *skipped])
            known = {qid: known_values.get(qid, SKIPPED) for qid in order
                     if qid in known_values or qid in skipped}
            return cls(
                id=str(data["id"]),
                tree_id=str(tree["id"]),
                tree_sha256=str(tree.get("sha256", "")),
                tree_version=str(tree.get("version", "")),
                tree_path=str(tree.get("path", "")),
                known=known,
                remembered=dict(data.get("remembered", {})),
                meta={str(k): str(v) for k, v in dict(data.get("meta", {})).items()},
                created=_parse_iso(data["created"]),
                updated=_parse_iso(data["updated"]),
                finished=bool(data.get("finished", False)),
                answered=int(data.get("answered", 0)),
                expected=int(data.get("expected", 0)),
                file=file,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SessionError(f"malformed session ({type(exc).__name__}: {exc})",
                               where) from None

    def describe(self, now: dt.datetime | None = None) -> str:
        """`7 of ~20 answered, 12 minutes ago` for the resume offer and the list."""
        total = max(self.expected, self.answered)
        return f"{self.answered} of ~{total} answered, {ago(self.updated, now)}"


# --------------------------------------------------------------------------- where
def sessions_dir() -> Path:
    return paths.state_dir() / "sessions"


def crash_log_path() -> Path:
    return paths.state_dir() / "crash.log"


def new_id(tree_id: str, moment: dt.datetime) -> str:
    """`20260101-000000-miss-vs-oss-3fa2`: sortable, readable, unique enough."""
    return f"{moment.strftime('%Y%m%d-%H%M%S')}-{tree_id}-{secrets.token_hex(2)}"


def new_session(tree: Tree, meta: Mapping[str, str] | None = None) -> Session:
    moment = now_utc()
    return Session(id=new_id(tree.id, moment), tree_id=tree.id, tree_sha256=tree.sha256,
                   tree_version=tree.version, tree_path=tree.path, meta=dict(meta or {}),
                   created=moment, updated=moment,
                   expected=estimate_total(tree, {}))


def record(session: Session, consultation: Consultation, *, finished: bool = False,
           meta: Mapping[str, str] | None = None) -> Session:
    """Copy the consultation's state into the session (call save_session after)."""
    session.known = dict(consultation.known)
    session.remembered = dict(consultation.remembered)
    if meta is not None:
        session.meta = dict(meta)
    session.finished = finished
    session.answered = len(consultation.walk.values)
    session.expected = consultation.expected_total()
    session.updated = now_utc()
    return session


# --------------------------------------------------------------------------- files
def save_session(session: Session, *, durable: bool = False) -> Path:
    """Atomic; a failure is one located SessionError (`...: no space left on device...`)."""
    target = session.path
    text = json.dumps(session.to_json(), indent=1, ensure_ascii=False) + "\n"
    try:
        atomic_write(target, text, durable=durable, mode=0o600)  # answers stay private
    except InputError as exc:  # atomic_write words every OSError itself
        raise SessionError(exc.message, exc.location, exc.allowed) from None
    session.file = target
    return target


def load_session(path: Path | str) -> Session:
    """SessionError unless a whole, valid session: a regular file (a link to /dev/zero or a
    FIFO is refused unopened) of at most MAX_SESSION_BYTES, with bounded numbers and depth."""
    file = Path(path)
    where = Location(str(file))
    try:
        raw = read_regular_file(file, MAX_SESSION_BYTES, "the session file",
                                follow_symlinks=False)
    except InputError as exc:
        raise SessionError(exc.message, exc.location, exc.allowed) from None
    return Session.from_json(parse_json(raw, where, SessionError), file)


def set_aside(path: Path) -> Path:
    """Rename a broken session to `*.corrupt` (never deleted: someone may want it)."""
    target = path.with_name(path.name + CORRUPT_SUFFIX)
    index = 1
    while os.path.lexists(target):
        target = path.with_name(f"{path.name}.{index}{CORRUPT_SUFFIX}")
        index += 1
    os.replace(path, target)
    return target


class Scan(Record):
    """Sessions (last saved first), broken files set aside with the reason, and the ids
    another running app holds (`claim`)."""

    sessions: list[Session]
    set_aside: list[tuple[Path, str]]
    busy: frozenset[str] = frozenset()

    def problems(self) -> list[str]:
        return [terminal_safe(f"{reason}; moved aside to {path}")
                for path, reason in self.set_aside]


def _session_files(folder: Path) -> list[Path]:
    """The session files in the folder, the most recently written first."""
    found: list[tuple[int, str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or not name.endswith(SUFFIX):
                    continue
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, name))
    except OSError:
        return []
    return [folder / name for _mtime, name in sorted(found, reverse=True)]


def _readable(aside: list[tuple[Path, str]]) -> Iterator[Session]:
    """Last written first; each broken file met is renamed `*.corrupt` and put in `aside`."""
    for file in _session_files(sessions_dir()):
        try:
            yield load_session(file)
        except SessionError as exc:
            try:
                aside.append((set_aside(file), str(exc)))
            except OSError:
                aside.append((file, f"{exc} (could not move it aside)"))


def _resumable(session: Session, tree_id: str | None) -> bool:
    """Unfinished, with at least one answer, and of this tree (any tree for None)."""
    return not session.finished and bool(session.known) and tree_id in (None, session.tree_id)


def scan_sessions() -> Scan:
    """Every readable session; broken ones are renamed `*.corrupt` and reported."""
    aside: list[tuple[Path, str]] = []
    found = list(_readable(aside))
    return Scan(found, aside, frozenset(s.id for s in found if in_use(s.path)))


def startup_scan(tree_id: str) -> tuple[Session | None, list[str]]:
    """The newest unfinished session of this tree no other app holds, and the broken files
    met on the way; stops at the first match."""
    aside: list[tuple[Path, str]] = []
    offer = next((s for s in _readable(aside) if _resumable(s, tree_id) and not in_use(s.path)),
                 None)
    return offer, Scan([], aside).problems()


def latest_unfinished(tree_id: str | None = None, scan: Scan | None = None) -> Session | None:
    """The most recently updated unfinished session with at least one answer."""
    scan = scan or scan_sessions()
    return next((s for s in scan.sessions if _resumable(s, tree_id)), None)


def find_session(session_id: str, scan: Scan | None = None) -> Session:
    """A session by id (or a unique prefix of one); SessionError naming the ids if none."""
    scan = scan or scan_sessions()
    exact = [s for s in scan.sessions if s.id == session_id]
    matches = exact or [s for s in scan.sessions if s.id.startswith(session_id)]
    if len(matches) == 1:
        return matches[0]
    ids = [s.id for s in scan.sessions]
    what = "is ambiguous" if matches else "not found"
    raise SessionError(f"session '{session_id}' {what}{did_you_mean(session_id, ids)}",
                       Location(str(sessions_dir())), one_of(ids) if ids else "no sessions saved")


def copy_session(session: Session) -> Session:
    """For a session another app holds: a new id, so the original is never touched."""
    moment = now_utc()
    return replace(session, id=new_id(session.tree_id, moment), file=None,
                   known=dict(session.known), remembered=dict(session.remembered),
                   meta=dict(session.meta), created=moment, updated=moment, finished=False)


def restore(tree: Tree, session: Session) -> tuple[Consultation, list[str]]:
    """Warnings: one per answer dropped because the tree changed since (by prompt: a person
    reads them)."""
    warnings: list[str] = []
    known: dict[str, Any] = {}
    for qid, value in session.known.items():
        question = tree.questions.get(qid)
        if question is None:
            warnings.append("an answer to a question this tree no longer has "
                            f"(id '{terminal_safe(qid)}') was dropped")
            continue
        if value is SKIPPED:
            if question.optional:
                known[qid] = SKIPPED
            continue
        try:
            known[qid] = parse_answer(question, value)
        except AnswerError:
            prompt = terminal_safe(" ".join(question.prompt.split()))
            prompt = prompt if len(prompt) <= 60 else f"{prompt[:59]}…"
            warnings.append(f"the answer to “{prompt}” no longer fits this tree and was dropped")
    consultation = Consultation(tree, known)
    for qid, value in session.remembered.items():
        question = tree.questions.get(qid)
        if question is not None:
            with contextlib.suppress(AnswerError):  # a preselection that no longer fits goes
                consultation.remembered[qid] = parse_answer(question, value)
    return consultation, warnings


# --------------------------------------------------------------------------- crashes
def log_crash(error: BaseException, context: str = "") -> Path:
    """Append the traceback to state_dir()/crash.log; return the log's path."""
    log = crash_log_path()
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    entry = f"--- {stamp} {context}\n{text}\n"
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    with contextlib.suppress(OSError):  # a log that cannot be written must not crash more
        log.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log, flags, 0o600)  # never blocks on a FIFO, never follows a link
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.write(fd, entry.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    return log
