"""The garbage collector back on after the app's first frame.

Why: the CLI starts `consult` and `resume` with it off. A start-up creates a few hundred
thousand long-lived objects and almost no garbage, yet the collector's passes cost about
15 ms of a 250 ms start. After the first frame one full pass (about 8 ms, while the question
is read) collects the few cycles and moves the rest to the oldest generation, rarely
rescanned. (`gc.freeze()` kept earlier garbage for good: about 1 MiB more at the result.)
"""

from __future__ import annotations

import gc


def resume() -> None:
    """A no-op when the collector is on (tests keep it on)."""
    if not gc.isenabled():
        gc.enable()
        gc.collect()
