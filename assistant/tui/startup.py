"""The garbage collector is off while the app starts, and back on after its first frame.

Why: a start-up creates a few hundred thousand long-lived objects (Textual's classes and
styles, the widgets, the tree) and almost no garbage, yet the collector's passes over them
cost about 15 ms of a 250 ms start. Once the first frame is out, one full pass (about
8 ms, while the first question is being read) collects the start-up's few cycles and
moves everything alive to the oldest generation, which Python rescans only rarely.
(`gc.freeze()` there instead kept garbage made before it for good: about 1 MiB more at
the result screen.)

A module of its own, importing nothing of Textual: the CLI calls `pause` before it imports
the app (launch.py), and the conversation screen calls `resume` after its first frame.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Called by the command that starts the app, before Textual is imported."""
    gc.disable()


def resume() -> None:
    """After the first frame; a no-op unless `pause` ran (tests keep the collector on)."""
    if not gc.isenabled():
        gc.enable()
        gc.collect()
