"""A cache of validated trees on disk, keyed by content, so a tree is proven sound only once.

Why: parsing, schema-checking and cross-checking the default tree costs more than the rest
of a headless `run` together (and pulls in jsonschema). A tree that passed every check is
pickled under the user's cache folder, keyed by the sha256 of its text and by a fingerprint
of the code that judged it (package version, Python version, the engine modules and the
schema). Any doubt (missing, stale, unreadable or foreign entry) means a full load; the
cache can only ever skip work on a tree that the same code already accepted.

`SPINE_ASSIST_CACHE_DIR` moves the cache; `SPINE_ASSIST_NO_CACHE=1` turns it off. When
`SPINE_ASSIST_STATE_DIR` is set (tests), the cache lives beneath it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant import __version__

_FORMAT = 1  # bump when the entry layout changes
# Modules whose behaviour decides what a loaded tree looks like (and so whether it is sound).
_ENGINE = ("yamlio.py", "source.py", "conditions.py", "model.py", "loader.py", "schema.py",
           "fastschema.py", "lint.py", "errors.py", "records.py")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large object graph.

    Python 3.11 runs a collection every 700 new containers and each one walks the young
    objects; a 50,000-question tree creates millions of containers that all survive, which
    makes parsing superlinear. Nothing built here is cyclic garbage, so pausing is safe.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("SPINE_ASSIST_NO_CACHE", "").strip() not in ("", "0"):
        return None
    override = os.environ.get("SPINE_ASSIST_CACHE_DIR")
    if override:
        return Path(override)
    state = os.environ.get("SPINE_ASSIST_STATE_DIR")
    if state:
        return Path(state) / "cache"
    if sys.platform.startswith("linux"):  # what platformdirs answers, without importing it
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if xdg else Path.home() / ".cache") / "spine-assist"
    from platformdirs import user_cache_path

    return user_cache_path("spine-assist", appauthor=False)


def template_cache_dir() -> Path | None:
    """A folder for Jinja2's compiled templates (it checks each against its source), or None.

    Keyed by the code that builds the environment too: a changed option (trim_blocks, the
    sandbox) must never meet code compiled under the old one.
    """
    folder = cache_dir()
    if folder is None:
        return None
    render = Path(__file__).resolve().with_name("render.py")
    try:
        st = render.stat()
        key = f"{engine_fingerprint()}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return None
    target = folder / f"templates-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return target


_fingerprint: str | None = None


def engine_fingerprint() -> str:
    """Package and Python version, plus size and mtime of the engine modules and schema."""
    global _fingerprint
    if _fingerprint is None:
        here = Path(__file__).resolve().parent
        parts = [str(_FORMAT), __version__, sys.version]
        for file in (*(here / name for name in _ENGINE), here.parent / "data" / "tree.schema.json"):
            try:
                st = file.stat()
                parts.append(f"{file.name}:{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                parts.append(f"{file.name}:missing")
        _fingerprint = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return _fingerprint


def _entry(digest: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"tree-{digest[:32]}-{engine_fingerprint()}.pickle"


def load(digest: str, path: str) -> Any:
    """The cached Tree for this content, with `path` set to where it was read; else None."""
    entry = _entry(digest)
    if entry is None:
        return None
    try:
        with entry.open("rb") as handle:
            stored = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: ignore it, it will be rewritten
        return None
    from assistant.core.model import Tree

    if (not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != digest
            or stored[1] != engine_fingerprint() or not isinstance(stored[2], Tree)
            or stored[2].sha256 != digest):
        return None
    tree: Tree = stored[2]
    if tree.path != path:
        tree = tree.replace(path=path)
    return tree


def store(digest: str, tree: Any) -> None:
    """Remember a tree that passed every check; failures to write are not errors."""
    entry = _entry(digest)
    if entry is None:
        return
    tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        for stale in entry.parent.glob(f"tree-{digest[:32]}-*.pickle"):
            with contextlib.suppress(OSError):
                stale.unlink()  # judged by older code: never valid again
        with tmp.open("wb") as handle:
            pickle.dump((digest, engine_fingerprint(), tree), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        with contextlib.suppress(OSError):
            tmp.unlink()
