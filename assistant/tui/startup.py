"""The garbage collector back on after the app's first frame.

Why: the CLI starts `consult` and `resume` with the collector off (cli.py). A start-up
creates a few hundred thousand long-lived objects (Textual's classes and styles, the
widgets, the tree) and almost no garbage, yet the collector's passes over them cost about
15 ms of a 250 ms start. Once the first frame is out, one full pass (about 8 ms, while the
first question is being read) collects the start-up's few cycles and moves everything
alive to the oldest generation, which Python rescans only rarely. (`gc.freeze()` there
instead kept garbage made before it for good: about 1 MiB more at the result screen.)
"""

from __future__ import annotations

import gc


def resume() -> None:
    """After the first frame (the conversation screen calls it); a no-op when the
    collector is on (tests keep it on)."""
    if not gc.isenabled():
        gc.enable()
        gc.collect()
