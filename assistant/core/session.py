"""Saved consultations: one JSON file per session, written after every answer.

No Textual here: the TUI calls `record` + `save_session` after each change, and the
SIGKILL-resume test drives the same functions through the real process. A file that does
not parse is renamed `*.corrupt` and reported; it never blocks start-up.

Saves are atomic (temporary file in the same folder, then `os.replace`), so a kill at any
moment leaves the previous version or the new one, never half a file. The page cache keeps
the renamed file across a process kill; `durable=True` adds an fsync for power loss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import paths
from assistant.core.answers import parse_answer
from assistant.core.errors import AnswerError, InputError, Location, did_you_mean, one_of
from assistant.core.fileio import atomic_write
from assistant.core.machine import SKIPPED, Consultation, estimate_total
from assistant.core.model import Tree

FORMAT = "spine-assist-session"
FORMAT_VERSION = 1
SUFFIX = ".json"
CORRUPT_SUFFIX = ".corrupt"
MAX_SESSION_BYTES = 1_000_000


class SessionError(InputError):
    """A session file that cannot be read (malformed, wrong format, unknown version)."""


# --------------------------------------------------------------------------- clock
def now_utc() -> dt.datetime:
    """Now, to the second; SOURCE_DATE_EPOCH fixes it (reproducible tests and snapshots)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """`just now`, `12 minutes ago`, `3 hours ago`, `2 days ago`."""
    seconds = int(((now or now_utc()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"  # pragma: no cover


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
            "remembered": {k: v for k, v in self.remembered.items() if v is not SKIPPED},
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
            skipped = list(data.get("skipped", []))
            order = list(data.get("order", [*known_values, *skipped]))
            known: dict[str, Any] = {}
            for qid in order:
                if qid in known_values:
                    known[qid] = known_values[qid]
                elif qid in skipped:
                    known[qid] = SKIPPED
            for qid, value in known_values.items():  # an order list that lost an id
                known.setdefault(qid, value)
            for qid in skipped:
                known.setdefault(qid, SKIPPED)
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


def new_id(tree: Tree, moment: dt.datetime | None = None) -> str:
    """`20260101-000000-miss-vs-oss-3fa2`: sortable, readable, unique enough."""
    stamp = (moment or now_utc()).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{tree.id}-{os.urandom(2).hex()}"


def new_session(tree: Tree, meta: Mapping[str, str] | None = None) -> Session:
    moment = now_utc()
    return Session(id=new_id(tree, moment), tree_id=tree.id, tree_sha256=tree.sha256,
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
    """Write the session atomically; return its path."""
    import json  # here, not at start-up: a first launch has no session to read

    target = session.path
    text = json.dumps(session.to_json(), indent=1, ensure_ascii=False) + "\n"
    atomic_write(target, text, durable=durable, mode=0o600)  # answers stay private
    session.file = target
    return target


def load_session(path: Path | str) -> Session:
    """Read one session file; SessionError when it is not a whole, valid session."""
    import json

    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SessionError(f"cannot read the session ({exc.strerror})",
                           Location(str(file))) from None
    if len(raw) > MAX_SESSION_BYTES:
        raise SessionError("the session file is too large", Location(str(file)),
                           f"at most {MAX_SESSION_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError("the session file is not UTF-8", Location(str(file))) from None
    except json.JSONDecodeError as exc:
        raise SessionError(f"the session file is not valid JSON ({exc.msg})",
                           Location(str(file), exc.lineno, exc.colno)) from None
    return Session.from_json(data, file)


def set_aside(path: Path) -> Path:
    """Rename a broken session to `*.corrupt` (never deleted: someone may want it)."""
    target = path.with_name(path.name + CORRUPT_SUFFIX)
    index = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{index}{CORRUPT_SUFFIX}")
        index += 1
    os.replace(path, target)
    return target


@dataclass
class Scan:
    """Sessions found (newest first) and the broken files set aside, with the reason."""

    sessions: list[Session]
    set_aside: list[tuple[Path, str]]

    def problems(self) -> list[str]:
        return [f"{reason}; moved aside to {path}" for path, reason in self.set_aside]


def scan_sessions() -> Scan:
    """Every readable session; broken ones are renamed `*.corrupt` and reported."""
    folder = sessions_dir()
    sessions: list[Session] = []
    aside: list[tuple[Path, str]] = []
    if not folder.is_dir():
        return Scan(sessions, aside)
    for file in sorted(folder.glob(f"*{SUFFIX}")):
        if file.name.startswith("."):
            continue
        session = _load_or_set_aside(file, aside)
        if session is not None:
            sessions.append(session)
    sessions.sort(key=lambda s: (s.updated, s.id), reverse=True)
    return Scan(sessions, aside)


INDEX_NAME = ".index.json"  # a cache of each session's summary; the files stay the truth
# An index entry, by file name: [inode, mtime_ns, size, finished, has answers, tree id,
# updated (ISO, sorts as time), session id].


def startup_scan(tree_id: str) -> tuple[Session | None, list[str]]:
    """What a start needs: the session to offer (as `latest_unfinished(tree_id)` finds it)
    and the broken files set aside, reading in full only the files that changed since the
    last start.

    Why: one file per consultation, a start that parsed them all grew with every case seen
    (about 0.08 ms a file: a year of use is a quarter of a second). A summary of each file
    (finished, answered, tree, last update) is kept in `.index.json` with the file's inode,
    size and modification time; a file where any differs is read again, and an index
    that cannot be read is simply rebuilt.
    """
    folder = sessions_dir()
    if not folder.is_dir():
        return None, []
    index = _read_index(folder)
    summaries: dict[str, list[Any]] = {}
    parsed: dict[str, Session] = {}
    aside: list[tuple[Path, str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not name.endswith(SUFFIX) or not entry.is_file():
                continue
            info = entry.stat()
            # Every save is a new file renamed into place: a new inode, whatever the
            # clock's resolution on this file system.
            stamp = [info.st_ino, info.st_mtime_ns, info.st_size]
            cached = index.get(name)
            if isinstance(cached, list) and len(cached) == 8 and cached[:3] == stamp:
                summaries[name] = cached
                continue
            session = _load_or_set_aside(Path(entry.path), aside)
            if session is not None:
                parsed[name] = session
                summaries[name] = [*stamp, session.finished, bool(session.known),
                                   session.tree_id, _iso(session.updated), session.id]
    candidates = sorted(
        ((summary[6], summary[7], name) for name, summary in summaries.items()
         if not summary[3] and summary[4] and summary[5] == tree_id),
        reverse=True,
    )
    offer = None
    for _updated, _id, name in candidates:
        offer = parsed.get(name) or _load_or_set_aside(folder / name, aside)
        if offer is not None and not offer.finished and offer.known and \
                offer.tree_id == tree_id:  # (it may have changed since it was summed up)
            break
        offer = None
        summaries.pop(name, None)  # read again next time
    if summaries != index:
        _write_index(folder, summaries)
    return offer, Scan([], aside).problems()


def _load_or_set_aside(path: Path, aside: list[tuple[Path, str]]) -> Session | None:
    try:
        return load_session(path)
    except SessionError as exc:
        try:
            aside.append((set_aside(path), str(exc)))
        except OSError:
            aside.append((path, f"{exc} (could not move it aside)"))
        return None


def _read_index(folder: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads((folder / INDEX_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_index(folder: Path, summaries: dict[str, list[Any]]) -> None:
    import json

    with contextlib.suppress(InputError):  # a cache: failing to write it costs only time
        atomic_write(folder / INDEX_NAME, json.dumps(summaries, separators=(",", ":")),
                     durable=False, mode=0o600)


def latest_unfinished(tree_id: str | None = None, scan: Scan | None = None) -> Session | None:
    """The most recently updated unfinished session with at least one answer."""
    scan = scan or scan_sessions()
    for session in scan.sessions:
        if session.finished or not session.known:
            continue
        if tree_id is None or session.tree_id == tree_id:
            return session
    return None


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


def delete_session(session: Session) -> None:
    with contextlib.suppress(FileNotFoundError):
        session.path.unlink()


def restore(tree: Tree, session: Session) -> tuple[Consultation, list[str]]:
    """A Consultation from a session; answers the tree no longer accepts are dropped.

    Returns the consultation and one warning per dropped answer (a tree that changed
    since the session was saved).
    """
    warnings: list[str] = []
    known: dict[str, Any] = {}
    for qid, value in session.known.items():
        question = tree.questions.get(qid)
        if question is None:
            warnings.append(f"'{qid}' is no longer a question of {tree.id}; answer dropped")
            continue
        if value is SKIPPED:
            if question.optional:
                known[qid] = SKIPPED
            continue
        try:
            known[qid] = parse_answer(question, value)
        except AnswerError as exc:
            warnings.append(f"'{qid}': {exc.message}; answer dropped")
    consultation = Consultation(tree, known)
    for qid, value in session.remembered.items():
        question = tree.questions.get(qid)
        if question is None:
            continue
        try:
            consultation.remembered[qid] = parse_answer(question, value)
        except AnswerError:
            continue
    return consultation, warnings


# --------------------------------------------------------------------------- crashes
def log_crash(error: BaseException, context: str = "") -> Path:
    """Append the traceback to state_dir()/crash.log; return the log's path."""
    log = crash_log_path()
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    entry = f"--- {stamp} {context}\n{text}\n"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(entry)
    except OSError:
        pass
    return log
