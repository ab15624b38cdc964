"""The garbage collector is off while the app starts, and back on after its first frame.

Why: a start-up creates a few hundred thousand long-lived objects (Textual's classes and
styles, the widgets, the tree) and almost no garbage, yet the collector's passes over them
cost about 15 ms of a 250 ms start; a full pass later would land on a key press. Once the
first frame is out, `gc.freeze()` moves everything made so far to a generation that is
never scanned, and collection resumes for what the consultation makes from then on.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Called by the command that starts the app, before Textual is imported."""
    gc.disable()


def resume() -> None:
    """After the first frame; a no-op unless `pause` ran (tests keep the collector on)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
