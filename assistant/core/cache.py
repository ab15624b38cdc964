"""A cache of validated trees on disk, keyed by content, so a tree is proven sound only once.

Why: proving the default tree sound costs more than the rest of a headless `run` together
(and pulls in PyYAML and jsonschema). A sound tree is written as JSON (data only: reading it
builds nothing but the model's own records), keyed by the sha256 of its text and a
fingerprint of the code that judged it (package and Python versions, engine modules, schema),
in a folder the app made with mode 0700, checked (real folder, ours, closed to others) before
every use. Any doubt means a full load: the cache only skips work the same code already did.

`SPINE_ASSIST_CACHE_DIR` moves the cache; `SPINE_ASSIST_NO_CACHE=1` turns it off. When
`SPINE_ASSIST_STATE_DIR` is set (tests), the cache lives beneath it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant import __version__

_FORMAT = 2  # bump when the entry layout changes (2: JSON, was pickle)
_MAX_ENTRY_BYTES = 256 * 1024 * 1024
# Modules whose behaviour decides what a loaded tree looks like (and so whether it is sound).
_ENGINE = ("yamlio.py", "yaml_errors.py", "source.py", "conditions.py", "model.py",
           "loader.py", "tree_builder.py", "schema.py", "fastschema.py", "lint.py", "errors.py",
           "records.py")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large object graph.

    Python 3.11 collects every 700 new containers; a 50,000-question tree makes millions that
    all survive, so parsing went superlinear. Nothing built here is cyclic garbage.
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


def private_dir(folder: Path) -> Path | None:
    """`folder` (made 0700 if missing) if a real folder, this user's, closed to others; else
    None (never repaired: a folder someone opened or planted is simply not used)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o077:
        return None  # a link, a file, or a folder others can write or read
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return folder


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
    folder = private_dir(folder / "trees") if folder is not None else None  # made by us
    if folder is None:
        return None
    return folder / f"tree-{digest[:32]}-{engine_fingerprint()}.json"


def load(digest: str, path: str) -> Any:
    """The cached Tree for this content, with `path` set to where it was read; else None."""
    entry = _entry(digest)
    if entry is None or not entry.exists():  # the usual miss: no error built, no "did you mean"
        return None
    from assistant.core.fileio import read_regular_file
    from assistant.core.model import Tree
    from assistant.core.records import from_plain

    try:
        stored = json.loads(read_regular_file(entry, _MAX_ENTRY_BYTES, "cache entry"))
        if (stored.get("sha256") != digest or stored.get("engine") != engine_fingerprint()):
            return None
        tree = from_plain(stored["tree"])
    except Exception:  # missing, truncated or foreign: ignore it, it will be rewritten
        return None
    if not isinstance(tree, Tree) or tree.sha256 != digest:
        return None
    return tree if tree.path == path else tree.replace(path=path)


def store(digest: str, tree: Any) -> None:
    """Remember a tree that passed every check; failures to write are not errors."""
    entry = _entry(digest)
    if entry is None:
        return
    from assistant.core.records import to_plain

    tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        data = json.dumps({"sha256": digest, "engine": engine_fingerprint(),
                           "tree": to_plain(tree)}, separators=(",", ":")).encode()
        for stale in (*entry.parent.glob(f"tree-{digest[:32]}-*.json"),
                      *entry.parent.parent.glob("tree-*.pickle")):  # older code's: never read
            with contextlib.suppress(OSError):
                stale.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, entry)
    except (OSError, TypeError, ValueError, RecursionError):
        with contextlib.suppress(OSError):
            tmp.unlink()
