"""What every figure shares: where things are, a clean user's environment, a result row."""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PY = sys.executable
SCRIPT = str(Path(PY).with_name("spine-assist"))  # the installed entry point, not a shim
ANSWERS = ROOT / "tests" / "fixtures" / "answers"


INFO = "none (information only)"  # the budget of a row that is shown, never judged


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    measured: str
    reference: str
    ratio: float | None
    budget: str
    ok: bool
    note: str = ""


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


@contextlib.contextmanager
def workspace(parent: Path | None = None) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="spine-bench-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def app_env(base: Path, name: str, cache: Path | None = None) -> dict[str, str]:
    """A clean user: own state folder (no session to resume) and the given cache folder.

    `cache` defaults to one folder shared by the whole run (warm after first use); pass a
    new empty folder for a first launch.
    """
    state = base / f"state-{name}-{time.monotonic_ns()}"
    state.mkdir(parents=True)
    env = dict(os.environ)
    env.update({
        "SPINE_ASSIST_STATE_DIR": str(state),
        "SPINE_ASSIST_NOTES_DIR": str(state / "notes"),
        "SPINE_ASSIST_CACHE_DIR": str(cache or base / "cache"),
    })
    for name_ in ("SPINE_ASSIST_NO_CACHE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name_, None)
    return env


def fresh_cache(base: Path) -> Path:
    """An empty cache folder: the tree and template caches as on a first launch."""
    folder = base / f"cache-cold-{time.monotonic_ns()}"
    folder.mkdir()
    return folder


def paired(app: list[float], ref: list[float]) -> float:
    """The median of each pair's ratio: a burst of load elsewhere slows both runs of a pair
    and moves the medians of all runs more than the ratios."""
    return median([a / r for a, r in zip(app, ref, strict=True)])


def run_ok(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> str:
    """Run a command that must succeed; its stdout, or an error naming its last stderr line."""
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        name = " ".join(Path(a).name for a in argv[:2])[:40]
        last = (done.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
        raise RuntimeError(f"{name}... exited {done.returncode}: {last}")
    return done.stdout
