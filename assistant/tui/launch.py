"""Building and running the app as the commands do: `spine-assist [consult]`, `resume`.

Tests build the app with the same factories as the CLI.
"""

from __future__ import annotations

from pathlib import Path

from assistant.core import session as sessions
from assistant.core.model import Tree
from assistant.tui.app import SpineAssistApp


def make_app(tree: Tree, *, resume_offer: bool = True) -> SpineAssistApp:
    """The app as `spine-assist consult` builds it."""
    offer, problems = sessions.startup_scan(tree.id)  # never one another app holds
    held = held_elsewhere(tree.id)
    if held is not None and (offer is None or held.updated > offer.updated):
        offer = held  # offered read-only or as a copy (ResumeScreen asks in_use again)
    return SpineAssistApp(tree, offer=offer if resume_offer else None, notices=problems)


RECENT_CLAIMS = 32


def held_elsewhere(tree_id: str) -> sessions.Session | None:
    """The newest unfinished session of this tree that another running app holds.

    The start-up scan skips held sessions (two apps would write over each other), but the
    second window should see it to look at it or continue a copy. Only the most recently
    claimed are tried (a claim rewrites the lock file) and only a held one is read: a start
    costs a few lock attempts, no parsing.
    """
    folder = sessions.sessions_dir()
    try:
        locks = sorted(folder.glob(".*.json.lock"), key=lambda p: p.stat().st_mtime_ns,
                       reverse=True)[:RECENT_CLAIMS]
    except OSError:
        return None
    found: list[sessions.Session] = []
    for lock in locks:
        path = folder / lock.name[1:-len(".lock")]
        try:
            if not sessions.in_use(path):
                continue
            saved = sessions.load_session(path)
        except (OSError, sessions.SessionError):
            continue
        if saved.tree_id == tree_id and not saved.finished and saved.known:
            found.append(saved)
    return max(found, key=lambda s: s.updated, default=None)


def make_resume_app(session_id: str | None) -> SpineAssistApp:
    """Read-only when another running app holds the session."""
    scan = sessions.scan_sessions()
    saved: sessions.Session | None
    if session_id:
        saved = sessions.find_session(session_id, scan)
    else:
        saved = sessions.latest_unfinished(None, scan) or (scan.sessions[0] if scan.sessions
                                                           else None)
        if saved is None:
            raise sessions.SessionError("no saved sessions to resume",
                                        allowed="start one with `spine-assist`")
    tree = _tree_for(saved)
    consultation, warnings = sessions.restore(tree, saved)
    if saved.tree_sha256 and saved.tree_sha256 != tree.sha256:
        warnings.insert(0, f"the tree '{tree.id}' changed since this session was saved; "
                           "answers were checked again")
    return SpineAssistApp(tree, consultation=consultation, session=saved,
                          notices=[*scan.problems(), *warnings],
                          read_only=sessions.in_use(saved.path))


def _tree_for(saved: sessions.Session) -> Tree:
    from assistant.core.catalog import open_tree
    from assistant.core.errors import InputError
    from assistant.core.loader import load_tree

    if saved.tree_path and Path(saved.tree_path).is_file():
        try:
            tree = load_tree(saved.tree_path)
            if tree.id == saved.tree_id:
                return tree
        except InputError:
            pass
    return open_tree(saved.tree_id)


def _run(app: SpineAssistApp) -> int:
    code = app.run()
    return int(app.return_code or 0) if code is None else int(code)


def run_app(tree: Tree) -> int:
    """`spine-assist [consult]`: offer to resume, then consult."""
    return _run(make_app(tree))


def run_resume(session_id: str | None) -> int:
    """`spine-assist resume [ID]` (the list, `--list`, is headless: commands/resume.py)."""
    return _run(make_resume_app(session_id))
