"""`spine-assist resume --list`: the saved sessions, headless (no Textual).

A broken file is set aside and named on stderr; the others are still listed, exit 0 (a list
that could be shown is a success).
"""

from __future__ import annotations

import sys

from assistant.core import session as sessions
from assistant.core.errors import ExitCode, terminal_safe


def list_sessions() -> int:
    scan = sessions.scan_sessions()
    for problem in scan.problems():
        print(f"spine-assist: warning: {problem}", file=sys.stderr)
    if not scan.sessions:
        print("no saved sessions", file=sys.stderr)
    for saved in scan.sessions:
        state = "finished" if saved.finished else "unfinished"
        if saved.id in scan.busy:
            state += " (in use by another window)"
        fields = [saved.id, saved.tree_id, state, saved.describe()]
        if saved.meta.get("case_label"):
            fields.append(saved.meta["case_label"])
        print("\t".join(terminal_safe(field) for field in fields))
    return ExitCode.OK
