"""Where things live: shipped trees, templates and schema; the user's state and cache.

One module so tests can point everything at a temporary folder (SPINE_ASSIST_STATE_DIR).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent


def schema_file() -> Path:
    return PACKAGE / "data" / "tree.schema.json"


def trees_dir() -> Path:
    return Path(os.environ.get("SPINE_ASSIST_TREES", ROOT / "trees"))


def templates_dir() -> Path:
    return Path(os.environ.get("SPINE_ASSIST_TEMPLATES", ROOT / "templates"))


def state_dir() -> Path:
    """Sessions, crash logs: the user's state directory (platformdirs), overridable."""
    override = os.environ.get("SPINE_ASSIST_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path("spine-assist", appauthor=False)


def notes_dir() -> Path:
    """Default folder for exported notes."""
    override = os.environ.get("SPINE_ASSIST_NOTES_DIR")
    if override:
        return Path(override)
    from platformdirs import user_documents_path

    return user_documents_path() / "spine-assist-notes"
